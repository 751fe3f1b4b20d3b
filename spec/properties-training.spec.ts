/**
 * Property tests of the model API: `compile` with random names, and `fit` / `evaluate` /
 * `predict` with random data (wrong shapes, ragged arrays, NaN and infinities, empty arrays,
 * mismatched lengths, labels the loss cannot take) and random options (batch sizes and epochs that
 * are 0, negative, fractional, not numbers). Valid calls must give finite results of the right
 * shape; invalid ones an Error written by Lamina that names the call or the argument. Sizes are
 * small so that nothing can hang. Seeds are fixed.
 */
import fc from 'fast-check';
import { Conv1D, Dense, Flatten, GRU, LSTM, Sequential, Tensor } from '../index';
import { attempt, attemptAsync, expectAllFinite, expectShape, prod, randomData, SEED } from './helpers/properties';

type Loss = 'binary_crossentropy' | 'categorical_crossentropy' | 'sparse_categorical_crossentropy' | 'mean_squared_error' | 'mean_absolute_error';

/** A small model of one of a few kinds, with the loss it is compiled with. */
interface ModelSpec {
  kind: 'mlp' | 'lstm' | 'gru' | 'conv';
  loss: Loss;
  /** Per-sample input shape. */
  input: number[];
  /** Width of the output. */
  units: number;
  optimizer: string;
  metrics: string[];
}

const modelSpec: fc.Arbitrary<ModelSpec> = fc
  .record({
    kind: fc.constantFrom<ModelSpec['kind']>('mlp', 'mlp', 'mlp', 'lstm', 'gru', 'conv'),
    loss: fc.constantFrom<Loss>('binary_crossentropy', 'categorical_crossentropy', 'sparse_categorical_crossentropy', 'mean_squared_error', 'mean_absolute_error'),
    features: fc.integer({ min: 1, max: 4 }),
    steps: fc.integer({ min: 3, max: 4 }),
    units: fc.integer({ min: 1, max: 3 }),
    optimizer: fc.constantFrom('adam', 'sgd', 'rmsprop'),
    metrics: fc.subarray(['accuracy', 'mse', 'mae']),
  })
  .map(({ kind, loss, features, steps, units, optimizer, metrics }) => ({
    kind,
    loss,
    input: kind === 'mlp' ? [features] : [steps, features],
    // Cross-entropies over classes want at least two of them.
    units: loss === 'categorical_crossentropy' || loss === 'sparse_categorical_crossentropy' ? Math.max(units, 2) : units,
    optimizer,
    // The sparse loss takes only accuracy (y holds class indices, not one value per output).
    metrics: loss === 'sparse_categorical_crossentropy' ? metrics.filter((m) => m === 'accuracy') : metrics,
  }));

function buildModel(spec: ModelSpec): Sequential {
  const model = new Sequential({ seed: 3 });
  const out = spec.loss === 'binary_crossentropy' ? 'sigmoid' : spec.loss.includes('categorical') ? 'softmax' : 'linear';
  if (spec.kind === 'mlp') model.add(new Dense(4, { inputShape: spec.input, activation: 'tanh' }));
  if (spec.kind === 'lstm') model.add(new LSTM(3, { inputShape: spec.input, dropout: 0.2, recurrentDropout: 0.2 }));
  if (spec.kind === 'gru') {
    model.add(new GRU(3, { inputShape: spec.input, returnSequences: true }));
    model.add(new Flatten());
  }
  if (spec.kind === 'conv') {
    model.add(new Conv1D(2, 2, { inputShape: spec.input, activation: 'relu', padding: 'same' }));
    model.add(new Flatten());
  }
  model.add(new Dense(spec.units, { activation: out }));
  model.compile({ loss: spec.loss, optimizer: spec.optimizer, metrics: spec.metrics });
  return model;
}

/** Nested arrays of `shape` from flat data. */
function nest(data: ArrayLike<number>, shape: readonly number[]): unknown {
  if (shape.length === 0) return data[0];
  const step = prod(shape.slice(1));
  return Array.from({ length: shape[0] }, (_, i) => nest(Array.prototype.slice.call(data, i * step, (i + 1) * step), shape.slice(1)));
}

/** How an input is corrupted (or not). */
type Flaw = 'none' | 'tensor' | 'dataShape' | 'ndShape' | 'badShapeObject' | 'wrongShape' | 'ragged' | 'nan' | 'infinity' | 'empty' | 'string' | 'junk' | 'scalar' | 'typedArray';
const flaws: fc.Arbitrary<Flaw> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<Flaw>('none', 'tensor', 'dataShape', 'ndShape') },
  { weight: 4, arbitrary: fc.constantFrom<Flaw>('badShapeObject', 'wrongShape', 'ragged', 'nan', 'infinity', 'empty', 'string', 'junk', 'scalar', 'typedArray') },
);

/** x (or y) in the representation `flaw` asks for; `valid` tells whether it should be accepted. */
function present(flaw: Flaw, data: Float32Array, shape: number[], junkSeed: number): { value: unknown; valid: boolean } {
  const copy = Float32Array.from(data);
  switch (flaw) {
    case 'none':
      return { value: nest(data, shape), valid: true };
    case 'tensor':
      return { value: new Tensor(copy, shape), valid: true };
    case 'dataShape':
      return { value: { data: Array.from(data), shape }, valid: true };
    case 'ndShape':
      return { value: new Tensor(copy, shape).nd, valid: true };
    case 'badShapeObject': {
      const shapes: unknown[] = [[...shape, 2], 5, 'abc', null, [shape[0], -1], [shape[0] + 0.5]];
      return { value: { data: copy, shape: shapes[junkSeed % shapes.length] }, valid: false };
    }
    case 'wrongShape':
      return { value: nest(new Float32Array(prod(shape) * 2), [...shape.slice(0, -1), shape[shape.length - 1] * 2]), valid: false };
    case 'ragged': {
      const rows = nest(data, shape) as unknown[];
      if (rows.length === 1) return { value: [rows[0], []], valid: false };
      rows[junkSeed % rows.length] = Array.isArray(rows[0]) ? (rows[0] as unknown[]).slice(1) : [1, 2];
      return { value: rows, valid: false };
    }
    case 'nan':
    case 'infinity':
      copy[junkSeed % copy.length] = flaw === 'nan' ? NaN : -Infinity;
      return { value: nest(copy, shape), valid: false };
    case 'empty':
      return { value: [], valid: false };
    case 'string': {
      const flat = Array.from(data) as unknown[];
      flat[junkSeed % flat.length] = '1';
      return { value: nest(flat as number[], shape), valid: false };
    }
    case 'junk': {
      const junk: unknown[] = [null, undefined, 5, 'x', {}, () => 1, true];
      return { value: junk[junkSeed % junk.length], valid: false };
    }
    case 'scalar':
      return { value: new Tensor(new Float32Array([1]), []), valid: false };
    case 'typedArray':
      return { value: copy, valid: false };
  }
}

/** Labels for `spec.loss` ([n, units], or [n] class indices for the sparse loss), valid or not. */
function labels(spec: ModelSpec, n: number, seed: number, bad: 'none' | 'range' | 'fraction' | 'length'): { data: Float32Array; shape: number[]; valid: boolean } {
  const sparse = spec.loss === 'sparse_categorical_crossentropy';
  const rows = bad === 'length' ? n + 1 : n;
  const shape = sparse ? [rows] : [rows, spec.units];
  const u = randomData(prod(shape), seed, 0, 1);
  const data = new Float32Array(u.length);
  for (let i = 0; i < u.length; i++) {
    if (sparse) data[i] = Math.floor(u[i] * spec.units);
    else if (spec.loss === 'categorical_crossentropy') data[i] = i % spec.units === Math.floor(u[i - (i % spec.units)] * spec.units) ? 1 : 0;
    else if (spec.loss === 'binary_crossentropy') data[i] = u[i] < 0.5 ? 0 : 1;
    else data[i] = 4 * u[i] - 2;
  }
  // Out-of-range and fractional labels only matter to the losses that check them.
  const checked = spec.loss === 'binary_crossentropy' || sparse;
  if (bad === 'range' && checked) data[0] = sparse ? spec.units : 2;
  if (bad === 'fraction' && checked) data[0] = sparse ? 0.5 : -0.25;
  return { data, shape, valid: bad === 'none' || ((bad === 'range' || bad === 'fraction') && !checked) };
}

const epochsArg = fc.oneof({ weight: 4, arbitrary: fc.constantFrom<unknown>(undefined, 0, 1, 2, 3) }, { weight: 1, arbitrary: fc.constantFrom<unknown>(-1, 1.5, NaN, Infinity, '2', null, 1e-9) });
const batchArg = fc.oneof({ weight: 4, arbitrary: fc.constantFrom<unknown>(undefined, 1, 2, 3, 7, 32, 1e9) }, { weight: 1, arbitrary: fc.constantFrom<unknown>(0, -1, 0.5, NaN, Infinity, '4', null) });
const callbacksArg = fc.oneof({ weight: 6, arbitrary: fc.constantFrom<unknown>(undefined, []) }, { weight: 1, arbitrary: fc.constantFrom<unknown>(5, 'x', [null], [3], {}) });
const isValidCount = (v: unknown, allowZero: boolean): boolean => v === undefined || (typeof v === 'number' && Number.isInteger(v) && v >= (allowZero ? 0 : 1));

const dataCase = fc.record({
  spec: modelSpec,
  n: fc.integer({ min: 1, max: 9 }),
  seed: fc.integer({ min: 1, max: 1e6 }),
  xFlaw: flaws,
  yFlaw: fc.oneof({ weight: 6, arbitrary: fc.constantFrom<Flaw>('none', 'tensor') }, { weight: 1, arbitrary: fc.constantFrom<Flaw>('nan', 'ragged', 'empty', 'junk', 'wrongShape') }),
  badLabels: fc.oneof({ weight: 5, arbitrary: fc.constant<'none'>('none') }, { weight: 2, arbitrary: fc.constantFrom<'range' | 'fraction' | 'length'>('range', 'fraction', 'length') }),
  epochs: epochsArg,
  batchSize: batchArg,
  shuffle: fc.boolean(),
  callbacks: callbacksArg,
  validation: fc.constantFrom<'none' | 'same' | 'junk' | 'short'>('none', 'none', 'same', 'junk', 'short'),
  options: fc.oneof({ weight: 12, arbitrary: fc.constant('object') }, { weight: 1, arbitrary: fc.constantFrom<unknown>(null, 5, 'fast') }),
});

function makeData(c: { spec: ModelSpec; n: number; seed: number; xFlaw: Flaw; yFlaw: Flaw; badLabels: 'none' | 'range' | 'fraction' | 'length' }) {
  const xShape = [c.n, ...c.spec.input];
  const x = present(c.xFlaw, randomData(prod(xShape), c.seed, -3, 3), xShape, c.seed);
  const lab = labels(c.spec, c.n, c.seed + 1, c.badLabels);
  const y = present(c.yFlaw, lab.data, lab.shape, c.seed);
  return { x, y, yValid: lab.valid && y.valid };
}

describe('property: fit / evaluate / predict with random data and options', () => {
  it('fit: finite history of the right length for valid calls, a helpful Error for the rest', async () => {
    let fitted = 0;
    await fc.assert(
      fc.asyncProperty(dataCase, async (c) => {
        const model = buildModel(c.spec);
        const { x, y, yValid } = makeData(c);
        const validationData =
          c.validation === 'same' ? [x.value, y.value] : c.validation === 'junk' ? 'xy' : c.validation === 'short' ? [x.value] : undefined;
        const options = c.options === 'object' ? { epochs: c.epochs, batchSize: c.batchSize, shuffle: c.shuffle, callbacks: c.callbacks, validationData, verbose: 0 } : c.options;
        const valid =
          x.valid && yValid && c.options === 'object' && isValidCount(c.epochs, true) && isValidCount(c.batchSize, false) && Array.isArray(c.callbacks ?? []) &&
          (c.callbacks === undefined || (c.callbacks as unknown[]).every((cb) => typeof cb === 'object' && cb !== null)) && (c.validation === 'none' || c.validation === 'same');
        const result = await attemptAsync(() => model.fit(x.value as Tensor, y.value as Tensor, options as object), ['Sequential.fit']);
        if (valid && !result.ok) throw new Error(`a valid fit threw: ${result.error.message}`);
        if (!result.ok) return;
        if (!valid) throw new Error(`an invalid fit was accepted: ${JSON.stringify({ ...c, spec: undefined })}`);
        const epochs = (c.epochs as number | undefined) ?? 1;
        const loss = result.value.history.loss ?? [];
        expect(loss.length).toBe(epochs);
        // A sane model on finite data never reports a NaN (or infinite) loss or metric.
        for (const values of Object.values(result.value.history)) expectAllFinite(values, 'fit history');
        fitted++;
      }),
      { seed: SEED, numRuns: 400 },
    );
    expect(fitted).toBeGreaterThan(40);
  });

  it('evaluate and predict: finite results of the right shape for valid calls, a helpful Error for the rest', () => {
    let evaluated = 0;
    fc.assert(
      fc.property(dataCase, fc.boolean(), (c, training) => {
        const model = buildModel(c.spec);
        const { x, y, yValid } = makeData(c);
        const options = c.options === 'object' ? { batchSize: c.batchSize, training } : c.options;
        const optionsValid = c.options === 'object' && isValidCount(c.batchSize, false);

        const scores = attempt(() => model.evaluate(x.value as Tensor, y.value as Tensor, options as object), ['Sequential.evaluate']);
        const valid = x.valid && yValid && optionsValid;
        if (valid !== scores.ok) throw new Error(valid ? `a valid evaluate threw: ${(scores as { error: Error }).error.message}` : 'an invalid evaluate was accepted');
        if (scores.ok) {
          expect(scores.value).toHaveLength(1 + c.spec.metrics.length);
          expectAllFinite(scores.value, 'evaluate');
          evaluated++;
        }

        const out = attempt(() => model.predict(x.value as Tensor, options as object), ['Sequential.predict']);
        if (x.valid && optionsValid !== out.ok) throw new Error(optionsValid ? `a valid predict threw: ${(out as { error: Error }).error.message}` : 'an invalid predict was accepted');
        if (out.ok) {
          expectShape(out.value.shape, [c.n, c.spec.units], 'predict');
          expectAllFinite(out.value.data, 'predict');
        }
      }),
      { seed: SEED, numRuns: 500 },
    );
    expect(evaluated).toBeGreaterThan(50);
  });
});

const LOSSES = ['binary_crossentropy', 'binaryCrossentropy', 'categorical_crossentropy', 'categoricalCrossentropy', 'sparse_categorical_crossentropy', 'sparseCategoricalCrossentropy', 'mean_squared_error', 'meanSquaredError', 'mse', 'mean_absolute_error', 'meanAbsoluteError', 'mae'];
const OPTIMIZERS = ['adam', 'Adam', 'sgd', 'SGD', 'rmsprop', 'RMSprop', 'RMSProp', undefined, null];
const METRICS = ['accuracy', 'acc', 'binary_accuracy', 'binaryAccuracy', 'categorical_accuracy', 'categoricalAccuracy', 'sparse_categorical_accuracy', 'sparseCategoricalAccuracy', 'mse', 'mae', 'mean_squared_error', 'meanAbsoluteError'];
/** Whether the engine would take `s` for one of `known` (it trims, and reads camelCase as snake_case). */
function isKnown(s: string, known: readonly (string | undefined | null)[]): boolean {
  const snake = (v: string): string => v.trim().replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  const names = known.filter((k): k is string => typeof k === 'string').flatMap((k) => [snake(k), snake(k.toLowerCase())]);
  return names.includes(snake(s)) || names.includes(snake(s.toLowerCase()));
}

const UNKNOWN = ['crossentropy', 'hinge', 'adamw', 'Nadam', 'f1', 'auc', 'toString', 'constructor', '__proto__', 'valueOf', ''];

describe('property: compile with random names', () => {
  it('known names in either spelling compile; unknown ones give "Unknown ...; known: ..."', () => {
    // null and undefined mean "the default" for the optimizer only.
    const name = (known: readonly (string | undefined | null)[], junk: unknown[] = [null, 3, {}, ['adam']]) =>
      fc.oneof(
        { weight: 5, arbitrary: fc.constantFrom(...known).map((v) => ({ v: v as unknown, ok: true })) },
        { weight: 1, arbitrary: fc.oneof(fc.constantFrom(...UNKNOWN), fc.string({ maxLength: 5 }).filter((s) => !isKnown(s, known))).map((v) => ({ v: v as unknown, ok: false })) },
        { weight: 1, arbitrary: fc.constantFrom<unknown>(...junk).map((v) => ({ v, ok: false })) },
      );
    fc.assert(
      fc.property(
        name(LOSSES),
        name(OPTIMIZERS, [3, {}, ['adam'], 'ada m']),
        fc.oneof({ weight: 5, arbitrary: fc.array(name(METRICS), { maxLength: 3 }) }, { weight: 1, arbitrary: fc.constantFrom<unknown>('accuracy', 5, null).map((v) => ({ v, ok: false })) }),
        (loss, optimizer, metrics) => {
          const model = new Sequential({ seed: 1, layers: [new Dense(2, { inputDim: 2, activation: 'softmax' })] });
          const metricList = Array.isArray(metrics) ? metrics.map((m) => m.v) : metrics.v;
          // Besides accuracy, a sparse loss takes only the sparse metric, and the sparse metric only that loss.
          const sparse = /^sparse/i.test(String(loss.v));
          const fits = (m: unknown): boolean => ['accuracy', 'acc'].includes(String(m)) || /^sparse/i.test(String(m)) === sparse;
          const ok = loss.ok && optimizer.ok && (Array.isArray(metrics) ? metrics.every((m) => m.ok && fits(m.v)) : metrics.ok);
          const result = attempt(() => model.compile({ loss: loss.v as string, optimizer: optimizer.v as string, metrics: metricList as string[] }), ['Sequential.compile', 'loss', 'optimizer', 'metric']);
          if (ok !== result.ok) throw new Error(ok ? `known names were rejected: ${(result as { error: Error }).error.message}` : 'an unknown name was accepted');
          if (!result.ok && /^Unknown/.test(result.error.message)) expect(result.error.message).toMatch(/^Unknown (loss|optimizer|metric) .*; known: \w+/);
          if (result.ok) {
            // The compiled model trains and reports finite numbers under the names given.
            const history = model.evaluate([[0.5, -1]], result.ok && loss.v && /sparse/i.test(String(loss.v)) ? [1] : [[0, 1]]);
            expectAllFinite(history, 'evaluate after compile');
          }
        },
      ),
      { seed: SEED, numRuns: 400 },
    );
  });
});
