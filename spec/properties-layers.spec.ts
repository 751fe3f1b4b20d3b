/**
 * Property tests: every public layer constructor fed random arguments, valid and hostile
 * (negatives, 0, NaN, infinities, fractions where integers are needed, huge numbers, strings,
 * null, undefined, arrays of the wrong length, unknown names). Each either throws an Error written
 * by Lamina that names the layer or the argument, or constructs; a constructed layer is added to a
 * Sequential with a random input shape (again: a helpful error, or it builds), and a built layer
 * must give outputs of the right shape, finite for finite inputs, at inference, in training mode
 * and through one fit step. Seeds are fixed, so CI runs the same cases every time.
 */
import fc from 'fast-check';
import {
  AlphaDropout, AveragePooling1D, AveragePooling2D, Conv1D, Conv2D, Dense, Dropout, Flatten, GaussianDropout, GaussianNoise,
  GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D, GRU, Layer, LSTM, MaxPooling1D, MaxPooling2D,
  Reshape, Sequential, SimpleRNN, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D, Tensor,
} from '../index';
import {
  mostly, tupleArg, activationArg, attempt, attemptAsync, commonArgs, constraintArg, countArg, expectAllFinite, expectShape, flagArg, initializerArg, junk, prod,
  randomData, rateArg, SEED, seedArg, expectHelpfulError,
} from './helpers/properties';

type AnyArgs = Record<string, unknown>;
// Layer constructors called with arguments of any type, as a JavaScript user could.
type Ctor = new (...args: any[]) => Layer;

/** One family of layers: how to draw constructor arguments and input shapes, and the output shape it must give. */
interface LayerCase {
  label: string;
  /** Draws the positional arguments (the options object last). */
  args: fc.Arbitrary<unknown[]>;
  make: (args: unknown[]) => Layer;
  /** Per-sample input shapes to build it with (some that fit, some that do not). */
  inputShape: fc.Arbitrary<number[]>;
  /** The per-sample output shape a built layer must report, computed independently. */
  expected: (layer: Layer, inputShape: number[]) => number[];
  /** How many runs (the expensive layers get fewer). */
  runs: number;
  /**
   * Whether the layer's arguments are sane enough that training must give finite outputs and loss
   * (noise of standard deviation 3.4e38 is allowed, but draws beyond 1 sigma overflow float32).
   */
  sane?: (layer: Layer) => boolean;
}

const shapeOfRank = (min: number, max: number, maxDim = 4): fc.Arbitrary<number[]> =>
  fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: min, maxLength: max });

/** Options objects: a record of the given keys plus the common layer args, or a non-object. */
function options(keys: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  const rec = fc.tuple(fc.record(keys, { requiredKeys: [] }), commonArgs).map(([own, common]) => ({ ...common, ...own }));
  return fc.oneof({ weight: 15, arbitrary: rec }, { weight: 1, arbitrary: fc.constantFrom<unknown>(undefined, null, "relu", 5, [1]) });
}

const noiseShapeArg = fc.oneof(
  fc.array(fc.oneof(fc.constant(null), fc.integer({ min: 1, max: 4 })), { minLength: 1, maxLength: 5 }),
  fc.array(fc.oneof(fc.constant(null), fc.constantFrom<unknown>(0, -1, 1.5, NaN, 'a')), { minLength: 1, maxLength: 3 }),
  junk,
);

/** out = floor((in - k) / s) + 1 ('valid') or ceil(in / s) ('same'). */
const windows = (input: number, k: number, s: number, padding: string): number => (padding === 'same' ? Math.ceil(input / s) : Math.floor((input - k) / s) + 1);

const identity = (_l: Layer, s: number[]): number[] => s.slice();

const recurrentKeys = {
  activation: activationArg,
  recurrentActivation: activationArg,
  useBias: flagArg,
  kernelInitializer: initializerArg,
  recurrentInitializer: initializerArg,
  biasInitializer: initializerArg,
  kernelConstraint: constraintArg,
  recurrentConstraint: constraintArg,
  dropout: rateArg,
  recurrentDropout: rateArg,
  returnSequences: flagArg,
  goBackwards: flagArg,
  seed: seedArg,
};

const recurrentExpected = (l: Layer, s: number[]): number[] => {
  const r = l as SimpleRNN;
  return r.returnSequences ? [s[0], r.units] : [r.units];
};

function noiseCase(label: string, cls: Ctor, positional: fc.Arbitrary<unknown>, keys: Record<string, fc.Arbitrary<unknown>>, inputShape = shapeOfRank(1, 4)): LayerCase {
  return { label, args: fc.tuple(positional, options(keys)), make: (a) => new cls(...a), inputShape, expected: identity, runs: 300 };
}

/** Mostly the rank a layer wants (`rank` axes per sample), sometimes another. */
const mostlyRank = (rank: number, maxDim = 4): fc.Arbitrary<number[]> =>
  fc.oneof({ weight: 4, arbitrary: shapeOfRank(rank, rank, maxDim) }, { weight: 1, arbitrary: shapeOfRank(1, rank + 1, maxDim) });

const convKeys = (n: number): Record<string, fc.Arbitrary<unknown>> => ({
  strides: tupleArg(n, 3),
  padding: mostly(fc.constantFrom('valid', 'same', undefined), fc.constantFrom<unknown>('SAME', 'full', null, 3)),
  activation: activationArg,
  useBias: flagArg,
  kernelInitializer: initializerArg,
  biasInitializer: initializerArg,
  kernelConstraint: constraintArg,
});

function convExpected(l: Layer, s: number[]): number[] {
  const c = l as Conv2D;
  return [...c.kernelSize.map((k, a) => windows(s[a], k, c.strides[a], c.padding)), c.filters];
}

function poolExpected(l: Layer, s: number[]): number[] {
  const p = l as MaxPooling2D;
  return [...p.poolSize.map((k, a) => windows(s[a], k, p.strides[a], p.padding)), s[s.length - 1]];
}

const poolKeys = (n: number): Record<string, fc.Arbitrary<unknown>> => ({
  poolSize: tupleArg(n, 3),
  strides: tupleArg(n, 3),
  padding: mostly(fc.constantFrom('valid', 'same', undefined), fc.constantFrom('causal', 'VALID', 3)),
});

function poolCase(label: string, cls: Ctor, spatial: number): LayerCase {
  const positional = fc.oneof(tupleArg(spatial, 3), fc.constant(undefined));
  return {
    label,
    // Either MaxPooling2D(poolSize, options) or MaxPooling2D(options), as both are allowed.
    args: fc.oneof(fc.tuple(positional, options(poolKeys(spatial))), fc.tuple(options(poolKeys(spatial)))),
    make: (a) => new cls(...a),
    inputShape: shapeOfRank(spatial, spatial + 2, 5),
    expected: poolExpected,
    runs: 200,
  };
}

function globalPoolCase(label: string, cls: Ctor, spatial: number): LayerCase {
  return { label, args: fc.tuple(options({})), make: (a) => new cls(...a), inputShape: shapeOfRank(spatial, spatial + 2), expected: (_l, s) => [s[s.length - 1]], runs: 80 };
}

const CASES: LayerCase[] = [
  {
    label: 'Dense',
    args: fc.tuple(
      countArg(6),
      options({ activation: activationArg, useBias: flagArg, kernelInitializer: initializerArg, biasInitializer: initializerArg, kernelConstraint: constraintArg, biasConstraint: constraintArg }),
    ),
    make: (a) => new Dense(...(a as [number, AnyArgs])),
    inputShape: shapeOfRank(1, 3),
    expected: (l, s) => [...s.slice(0, -1), (l as Dense).units],
    runs: 400,
  },
  noiseCase('Dropout', Dropout, rateArg, { noiseShape: noiseShapeArg, seed: seedArg }),
  noiseCase('SpatialDropout1D', SpatialDropout1D, rateArg, { seed: seedArg, dataFormat: fc.constantFrom<unknown>('channelsLast', 'channelsFirst', 'channels_last', 'channels_first', 'nchw', 3, undefined) }, mostlyRank(2)),
  noiseCase('SpatialDropout2D', SpatialDropout2D, rateArg, { seed: seedArg, dataFormat: fc.constantFrom<unknown>('channelsLast', 'channelsFirst', 'channels_first', 'NHWC', undefined) }, mostlyRank(3)),
  noiseCase('SpatialDropout3D', SpatialDropout3D, rateArg, { seed: seedArg, dataFormat: fc.constantFrom<unknown>('channelsLast', 'channelsFirst', 'channels_last', 'x', undefined) }, mostlyRank(4, 3)),
  noiseCase('GaussianDropout', GaussianDropout, rateArg, { seed: seedArg }),
  {
    ...noiseCase('GaussianNoise', GaussianNoise, fc.oneof(fc.double({ min: 0, max: 10, noNaN: true }), rateArg, fc.constantFrom(1e30, 3.4e38, 3.5e38, 1e300)), { seed: seedArg }),
    sane: (l) => (l as GaussianNoise).stddev <= 1e6,
  },
  noiseCase('AlphaDropout', AlphaDropout, rateArg, { noiseShape: noiseShapeArg, seed: seedArg }),
  {
    label: 'SimpleRNN',
    args: fc.tuple(countArg(5), options(recurrentKeys)),
    make: (a) => new SimpleRNN(...(a as [number, AnyArgs])),
    inputShape: mostlyRank(2),
    expected: recurrentExpected,
    runs: 200,
  },
  {
    label: 'LSTM',
    args: fc.tuple(countArg(5), options({ ...recurrentKeys, unitForgetBias: flagArg })),
    make: (a) => new LSTM(...(a as [number, AnyArgs])),
    inputShape: mostlyRank(2),
    expected: recurrentExpected,
    runs: 200,
  },
  {
    label: 'GRU',
    args: fc.tuple(countArg(5), options({ ...recurrentKeys, resetAfter: flagArg })),
    make: (a) => new GRU(...(a as [number, AnyArgs])),
    inputShape: mostlyRank(2),
    expected: recurrentExpected,
    runs: 200,
  },
  {
    label: 'Conv2D',
    args: fc.tuple(countArg(4), tupleArg(2, 3), options(convKeys(2))),
    make: (a) => new Conv2D(...(a as [number, number, AnyArgs])),
    inputShape: mostlyRank(3, 6),
    expected: convExpected,
    runs: 300,
  },
  {
    label: 'Conv1D',
    args: fc.tuple(countArg(4), tupleArg(1, 3), options(convKeys(1))),
    make: (a) => new Conv1D(...(a as [number, number, AnyArgs])),
    inputShape: mostlyRank(2, 6),
    expected: convExpected,
    runs: 240,
  },
  poolCase('MaxPooling2D', MaxPooling2D, 2),
  poolCase('AveragePooling2D', AveragePooling2D, 2),
  poolCase('MaxPooling1D', MaxPooling1D, 1),
  poolCase('AveragePooling1D', AveragePooling1D, 1),
  globalPoolCase('GlobalAveragePooling2D', GlobalAveragePooling2D, 2),
  globalPoolCase('GlobalMaxPooling2D', GlobalMaxPooling2D, 2),
  globalPoolCase('GlobalAveragePooling1D', GlobalAveragePooling1D, 1),
  globalPoolCase('GlobalMaxPooling1D', GlobalMaxPooling1D, 1),
  { label: 'Flatten', args: fc.tuple(options({})), make: (a) => new Flatten(...(a as [AnyArgs])), inputShape: shapeOfRank(1, 4), expected: (_l, s) => [prod(s)], runs: 80 },
  {
    label: 'Reshape',
    args: fc.tuple(mostly(fc.array(fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constant(-1)), { minLength: 1, maxLength: 3 }), fc.oneof(fc.array(fc.constantFrom(0, -2, 1.5, NaN), { minLength: 1, maxLength: 2 }), junk), 3), options({})),
    make: (a) => new Reshape(...(a as [number[], AnyArgs])),
    inputShape: shapeOfRank(1, 3),
    expected: (l, s) => {
      const t = (l as Reshape).targetShape;
      const known = t.reduce((p, d) => (d === -1 ? p : p * d), 1);
      return t.map((d) => (d === -1 ? prod(s) / known : d));
    },
    runs: 160,
  },
];

describe('property: every public layer constructor, random arguments', () => {
  it.each(CASES.map((c) => [c.label, c] as const))('%s: a helpful Error, or a layer that builds and runs with the right shapes and finite outputs', async (label, c) => {
    let ran = 0;
    await fc.assert(
      fc.asyncProperty(c.args, c.inputShape, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 1e6 }), async (args, inputShape, batch, dataSeed) => {
        // 1. Construct: a helpful error names the layer (by class) or an argument.
        const argNames = [label, 'units', 'rate', 'stddev', 'activation', 'Initializer', 'initializer', 'Constraint', 'constraint', 'inputShape', 'inputDim', 'noiseShape', 'dataFormat', 'filters', 'kernelSize', 'strides', 'padding', 'poolSize', 'targetShape', 'options'];
        const made = attempt(() => c.make(args), argNames);
        if (!made.ok) return;
        const layer = made.value;

        // 2. Add it to a model: first (with its own inputShape) or after an identity layer.
        const model = new Sequential({ seed: 1 });
        const shape = layer.declaredInputShape ?? inputShape;
        if (layer.declaredInputShape === null) model.add(new Dropout(0, { inputShape }));
        const added = attempt(() => model.add(layer), [label, 'Sequential.add']);
        if (!added.ok) return;
        expectShape(layer.outputShape as number[], c.expected(layer, shape), `${label} outputShape`);
        if (prod(shape) * batch > 5000) return; // a declared input shape can be large; do not run those

        // 3. Inference: must work, with the right shape and finite outputs.
        const x = new Tensor(randomData(batch * prod(shape), dataSeed, -2, 2), [batch, ...shape]);
        const y = model.predict(x);
        expectShape(y.shape, [batch, ...(layer.outputShape as number[])], `${label} predict`);
        expectAllFinite(y.data, `${label} predict`);

        // 4. Training mode and one fit step: a helpful error (e.g. a noise shape that does not fit
        // this batch) or finite outputs and a finite loss.
        const trained = attempt(() => model.predict(x, { training: true }), [label, 'noiseShape']);
        const sane = c.sane?.(layer) ?? true;
        if (trained.ok) {
          expectShape(trained.value.shape, y.shape, `${label} predict(training)`);
          if (sane) expectAllFinite(trained.value.data, `${label} predict(training)`);
        }
        model.compile({ loss: 'mse', optimizer: 'adam' });
        const fitted = await attemptAsync(() => model.fit(x, Tensor.zeros(y.shape), { epochs: 1, batchSize: 2, verbose: 0 }), [label, 'noiseShape']);
        if (fitted.ok && sane) expectAllFinite(fitted.value.history.loss, `${label} fit loss`);
        ran++;
      }),
      { seed: SEED, numRuns: c.runs },
    );
    // The property is not vacuous: a good share of the runs got as far as a forward pass.
    expect(ran).toBeGreaterThan(c.runs / 10);
  });
});

/** Layers with a name-valued argument, and how to construct one with a given value. */
const NAMED_ARGS: Array<[string, string, (v: unknown) => Layer]> = [
  ['Dense', 'activation', (v) => new Dense(2, { activation: v as string })],
  ['Dense', 'kernelInitializer', (v) => new Dense(2, { kernelInitializer: v as string })],
  ['Dense', 'kernelConstraint', (v) => new Dense(2, { kernelConstraint: v as string })],
  ['LSTM', 'recurrentActivation', (v) => new LSTM(2, { recurrentActivation: v as string })],
  ['GRU', 'recurrentInitializer', (v) => new GRU(2, { recurrentInitializer: v as string })],
  ['SimpleRNN', 'biasConstraint', (v) => new SimpleRNN(2, { biasConstraint: v as string })],
  ['SpatialDropout2D', 'dataFormat', (v) => new SpatialDropout2D(0.5, { dataFormat: v as 'channelsLast' })],
  ['Conv2D', 'padding', (v) => new Conv2D(2, 3, { padding: v as 'same' })],
  ['Conv1D', 'activation', (v) => new Conv1D(2, 3, { activation: v as string })],
  ['MaxPooling2D', 'padding', (v) => new MaxPooling2D(2, { padding: v as 'same' })],
];

describe('property: unknown names are rejected, never silently accepted', () => {
  it('an unknown activation, initializer, constraint, dataFormat or padding name throws an Error naming the argument', () => {
    const unknownName = fc.oneof(fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !/^\s*(linear|relu|tanh|elu|selu|valid|same|ones|zeros|orthogonal|sigmoid|softmax|softplus|softsign|nonneg|maxnorm|unitnorm)\s*$/i.test(s)), fc.constantFrom('gelu', 'xavier', 'channels', 'full', 'max norm', 'toString', 'constructor', '__proto__'));
    fc.assert(
      fc.property(fc.constantFrom(...NAMED_ARGS), unknownName, ([label, arg, make], name) => {
        let layer: Layer | null = null;
        try {
          layer = make(name);
        } catch (e) {
          // Unknown names name the argument (activation, padding...) and list the known ones.
          expectHelpfulError(e, [arg]);
          expect((e as Error).message).toMatch(new RegExp(`${label}`));
          return;
        }
        throw new Error(`${label} accepted ${arg} ${JSON.stringify(name)} (${layer.name})`);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
