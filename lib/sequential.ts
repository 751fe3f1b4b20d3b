/**
 * Sequential: a stack of layers, Keras' model API (`add`, `compile`, `fit`, `evaluate`, `predict`).
 *
 * One training step: take a batch (a view, or a gather into a reused buffer when shuffling) ->
 * each layer's `call` runs its ops, which record their backward on the tape -> the loss op ->
 * `tape.backward()` -> the optimizer updates each weight in place -> constraints project the
 * weights. The metrics are read from the same forward pass.
 */
import { CallContext, Tape, Workspace, zeroGrads } from './autodiff';
import { Callback } from './callbacks';
import { History, Logs } from './history';
import { BuildRandom, Layer } from './layer';
import { checkTargets, LossName, lossOp, resolveLoss } from './losses';
import { Metric, resolveMetric } from './metrics';
import { Optimizer, resolveOptimizer } from './optimizers';
import { EpochProgress } from './progress';
import { summaryText } from './summary';
import { modelToArtifacts, TrainingJson } from './io/artifacts';
import { saveArtifacts } from './io/save-folder';
import { checkOptions, optionKeys } from './options';
import { freshSeed, RandomStream, Seed } from './random';
import { checkFinite, describe, shapeToString, Tensor, TensorLike } from './tensor';

/** Options of `new Sequential`. */
export interface SequentialArgs {
  /** One seed for initial weights, shuffles and dropout masks (default: a fresh one, see `seed`). */
  seed?: Seed;
  /** The model's name (default 'sequential'). */
  name?: string;
  /** Layers to add, in order. */
  layers?: Layer[];
}

/** Options of `compile`. */
export interface CompileArgs {
  /** `'binary_crossentropy'`, `'categorical_crossentropy'`, `'sparse_categorical_crossentropy'`, `'mean_squared_error'`, ... */
  loss: string;
  /** An optimizer name (`'adam'`, `'sgd'`, `'rmsprop'`) or object (default `'rmsprop'`, as Keras). */
  optimizer?: string | Optimizer;
  /** Metric names, e.g. `['accuracy']`; reported in history under the name given. */
  metrics?: string[];
}

/** Options of `fit`. */
export interface FitArgs {
  /** Passes over the data (default 1). */
  epochs?: number;
  /** Samples per optimizer step (default 32). */
  batchSize?: number;
  /** `[x, y]` evaluated at the end of each epoch, reported as `val_loss`, `val_<metric>`. */
  validationData?: [TensorLike, TensorLike];
  /**
   * Fraction of the samples, in [0, 1), held out for validation (Keras' validation_split): the
   * last rows of x and y, taken before any shuffling, evaluated like `validationData` at the end
   * of each epoch. Ignored when `validationData` is given. Default 0.
   */
  validationSplit?: number;
  /** Shuffle the training samples before each epoch (default true). */
  shuffle?: boolean;
  /** 0 silent, 1 a progress bar per epoch, 2 one line per epoch; 'auto' is 1 (default 1). */
  verbose?: 0 | 1 | 2 | 'auto';
  /** Hooks called during training (see `Callback`). */
  callbacks?: Callback[];
}

/** Options of `evaluate` and `predict`. */
export interface PredictArgs {
  /** Samples per forward pass (default 32; the results do not depend on it). */
  batchSize?: number;
  /** Run the layers in training mode (dropout on): Monte Carlo dropout. Default false. */
  training?: boolean;
}

const SEQUENTIAL_KEYS = optionKeys<SequentialArgs>({ seed: true, name: true, layers: true });
const COMPILE_KEYS = optionKeys<CompileArgs>({ loss: true, optimizer: true, metrics: true });
const FIT_KEYS = optionKeys<FitArgs>({ epochs: true, batchSize: true, validationData: true, validationSplit: true, shuffle: true, verbose: true, callbacks: true });
const PREDICT_KEYS = optionKeys<PredictArgs>({ batchSize: true, training: true });

interface Compiled {
  loss: LossName;
  optimizer: Optimizer;
  metrics: Metric[];
}

/** What `save` returns. */
export interface SaveResult {
  /** Path of the model.json written. */
  modelJson: string;
  /** Path of the weights file written (`weights.<unique>.bin`, named by model.json). */
  weightsBin: string;
  /** Size of the weights in bytes. */
  bytes: number;
}

/**
 * A linear stack of layers with Keras' model API: `add`, `compile`, `fit`, `evaluate`,
 * `predict`, `summary`, `save`. Input [n, ...inputShape] -> output [n, ...outputShape].
 */
export class Sequential {
  /** The model's name (in summaries and saved files). */
  readonly name: string;
  /** The seed every random stream of this model derives from. */
  readonly seed: string;
  /** The layers, in order. */
  readonly layers: Layer[] = [];
  /** Set to true by a callback to end `fit` after the current epoch. */
  stopTraining = false;
  private compiled: Compiled | null = null;
  private readonly initRandom: RandomStream;
  private readonly shuffleRandom: RandomStream;
  private readonly tape = new Tape();
  private readonly ws = new Workspace();
  /** True while a `fit` runs: a second one on the same weights is refused. */
  private fitting = false;

  constructor(options: SequentialArgs = {}) {
    const args = checkOptions('Sequential', options, SEQUENTIAL_KEYS);
    this.name = args.name ?? 'sequential';
    const seed = args.seed ?? freshSeed();
    if (typeof seed !== 'number' && typeof seed !== 'string') {
      throw new TypeError(`Sequential: seed must be a number or a string, got ${describe(seed)}`);
    }
    this.seed = String(seed);
    this.initRandom = new RandomStream(`${this.seed}/init`);
    this.shuffleRandom = new RandomStream(`${this.seed}/shuffle`);
    for (const layer of args.layers ?? []) this.add(layer);
  }

  /** Appends a layer and builds it (the first layer needs `inputShape` or `inputDim`). */
  add(layer: Layer): void {
    if (!(layer instanceof Layer)) throw new TypeError(`Sequential.add: expected a Layer, got ${describe(layer)}`);
    if (this.layers.includes(layer)) throw new Error(`Sequential.add: layer '${layer.name}' is already in the model`);
    let inputShape: readonly number[];
    if (this.layers.length === 0) {
      if (layer.declaredInputShape === null) {
        throw new Error(`Sequential.add: the first layer ('${layer.name}', ${layer.className}) needs inputShape or inputDim`);
      }
      inputShape = layer.declaredInputShape;
    } else {
      inputShape = this.layers[this.layers.length - 1].outputShape as number[];
    }
    const random: BuildRandom = { init: this.initRandom, layerSeed: `${this.seed}/layer${this.layers.length}` };
    layer.build(inputShape, random);
    this.layers.push(layer);
  }

  /** Per-sample input shape of the model. */
  get inputShape(): number[] {
    this.requireLayers('inputShape');
    return this.layers[0].inputShape as number[];
  }

  /** Per-sample output shape of the model. */
  get outputShape(): number[] {
    this.requireLayers('outputShape');
    return this.layers[this.layers.length - 1].outputShape as number[];
  }

  /** Every weight of every layer, in order. */
  get weights(): Tensor[] {
    return this.layers.flatMap((l) => l.weights);
  }

  /** Chooses the loss, the optimizer and the metrics. */
  compile(args: CompileArgs): void {
    if (args === undefined) throw new TypeError('Sequential.compile: expected { loss, optimizer, metrics }, got undefined');
    checkOptions('Sequential.compile', args, COMPILE_KEYS);
    this.requireLayers('compile');
    const loss = resolveLoss(args.loss);
    const optimizer = resolveOptimizer(args.optimizer ?? 'rmsprop');
    const units = this.outputShape[this.outputShape.length - 1];
    if (args.metrics !== undefined && !Array.isArray(args.metrics)) {
      throw new TypeError(`Sequential.compile: metrics must be an array of names, e.g. ['accuracy'], got ${describe(args.metrics)}`);
    }
    const metrics = (args.metrics ?? []).map((m) => resolveMetric(m, loss, units));
    this.compiled = { loss, optimizer, metrics };
  }

  /** The optimizer given to `compile`. */
  get optimizer(): Optimizer {
    return this.requireCompiled('optimizer').optimizer;
  }

  /**
   * Trains for `epochs` passes over (x [n, ...inputShape], y [n, ...]) in batches of `batchSize`
   * (default 32), shuffling before each epoch; returns the per-epoch History.
   */
  async fit(x: TensorLike, y: TensorLike, args: FitArgs = {}): Promise<History> {
    if (this.fitting) {
      throw new Error(`Sequential.fit: model '${this.name}' is already being fitted; wait for that fit to finish (two fits at once would interleave their steps on the same weights)`);
    }
    this.fitting = true;
    try {
      return await this.fitChecked(x, y, args);
    } finally {
      this.fitting = false;
    }
  }

  private async fitChecked(x: TensorLike, y: TensorLike, args: FitArgs): Promise<History> {
    const { loss, optimizer, metrics } = this.requireCompiled('fit');
    const { epochs = 1, batchSize = 32, shuffle = true, verbose: verboseArg = 1, callbacks = [], validationSplit = 0 } = checkOptions('Sequential.fit', args, FIT_KEYS);
    if (!Array.isArray(callbacks) || !callbacks.every((cb) => typeof cb === 'object' && cb !== null)) {
      throw new TypeError(`Sequential.fit: callbacks must be an array of callback objects, got ${describe(callbacks)}`);
    }
    checkPositiveInteger('Sequential.fit', 'epochs', epochs, true);
    checkPositiveInteger('Sequential.fit', 'batchSize', batchSize);
    if (typeof shuffle !== 'boolean') throw new TypeError(`Sequential.fit: shuffle must be true or false, got ${describe(shuffle)}`);
    const verbose = checkVerbose('Sequential.fit', verboseArg);
    if (typeof validationSplit !== 'number' || !(validationSplit >= 0 && validationSplit < 1)) {
      throw new RangeError(`Sequential.fit: validationSplit must be a number in [0, 1) (the fraction of samples held out), got ${describe(validationSplit)}`);
    }
    let [X, Y] = this.checkData('Sequential.fit', x, y);
    let validation = args.validationData ? this.checkValidation(args.validationData) : null;
    if (validation === null && validationSplit > 0) [X, Y, validation] = holdOut(X, Y, validationSplit);

    const n = X.shape[0];
    const order = new Int32Array(n).map((_, i) => i);
    const history = new History(epochs);
    const weights = this.trainableWeights();
    const ctx: CallContext = { training: true, tape: this.tape };
    const steps = Math.ceil(n / batchSize);
    const sums = new Float64Array(1 + metrics.length);
    this.stopTraining = false;

    for (const cb of callbacks) cb.setModel?.(this);
    for (const cb of callbacks) await cb.onTrainBegin?.({});
    for (let epoch = 0; epoch < epochs && !this.stopTraining; epoch++) {
      for (const cb of callbacks) await cb.onEpochBegin?.(epoch, {});
      const progress = verbose > 0 ? new EpochProgress(epoch, epochs, steps, verbose) : null;
      if (shuffle) this.shuffleRandom.shuffle(order);
      sums.fill(0);
      // One optimizer step per batch of the (shuffled) samples.
      for (let start = 0, batch = 0; start < n; start += batchSize, batch++) {
        const rows = Math.min(batchSize, n - start);
        ctx.pass = (ctx.pass ?? 0) + 1;
        const xb = shuffle ? this.gather(ctx, 'fit.x', X, order, start, rows) : X.rows(start, start + rows);
        const yb = shuffle ? this.gather(ctx, 'fit.y', Y, order, start, rows) : Y.rows(start, start + rows);
        this.trainStep(ctx, xb, yb, loss, optimizer, metrics, weights, sums, rows);
        if (callbacks.length > 0 || progress?.wantsBatches) {
          const seen = start + rows;
          const batchLogs: Logs = { loss: sums[0] / seen };
          metrics.forEach((m, i) => (batchLogs[m.name] = sums[i + 1] / seen));
          progress?.batch(batch + 1, batchLogs);
          for (const cb of callbacks) await cb.onBatchEnd?.(batch, batchLogs);
        }
      }
      const logs: Logs = { loss: sums[0] / n };
      metrics.forEach((m, i) => (logs[m.name] = sums[i + 1] / n));
      if (validation !== null) {
        const scores = this.evaluateChecked(validation[0], validation[1], batchSize, false);
        logs.val_loss = scores[0];
        metrics.forEach((m, i) => (logs[`val_${m.name}`] = scores[i + 1]));
      }
      history.record(epoch, logs);
      progress?.end(logs);
      for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs);
    }
    history.finish();
    const last: Logs = {};
    for (const [name, values] of Object.entries(history.history)) last[name] = values[values.length - 1];
    for (const cb of callbacks) await cb.onTrainEnd?.(last);
    return history;
  }

  /** One batch: forward with the tape on, loss, backward, optimizer step, constraints. */
  private trainStep(
    ctx: CallContext,
    xb: Tensor,
    yb: Tensor,
    loss: LossName,
    optimizer: Optimizer,
    metrics: Metric[],
    weights: Tensor[],
    sums: Float64Array,
    rows: number,
  ): void {
    this.tape.reset();
    const out = this.forward(xb, ctx);
    const lossValue = lossOp(ctx, this.ws, loss, yb, out);
    this.accumulate(sums, lossValue.data[0], metrics, yb, out, rows);
    zeroGrads(weights);
    this.tape.backward(lossValue);
    optimizer.step(weights);
    this.applyConstraints();
    this.tape.reset();
  }

  /** Runs every layer on a batch (one pass: bump `ctx.pass` when reusing `ctx` for the next). */
  forward(x: Tensor, ctx: CallContext): Tensor {
    let h = x;
    for (const layer of this.layers) h = layer.call(h, ctx);
    return h;
  }

  /** Adds loss * rows and metric * rows into `sums`. */
  private accumulate(sums: Float64Array, lossValue: number, metrics: Metric[], yb: Tensor, out: Tensor, rows: number): void {
    sums[0] += lossValue * rows;
    const cols = out.size / rows;
    for (let i = 0; i < metrics.length; i++) sums[i + 1] += metrics[i].fn(yb.data, out.data, rows, cols) * rows;
  }

  /**
   * Loss and metrics of (x, y), computed in batches with dropout off: `[loss, ...metrics]` in
   * the order given to `compile`.
   */
  evaluate(x: TensorLike, y: TensorLike, args: PredictArgs = {}): number[] {
    this.requireCompiled('evaluate');
    const { batchSize = 32, training = false } = checkOptions('Sequential.evaluate', args, PREDICT_KEYS);
    checkPositiveInteger('Sequential.evaluate', 'batchSize', batchSize);
    const [X, Y] = this.checkData('Sequential.evaluate', x, y);
    return this.evaluateChecked(X, Y, batchSize, training);
  }

  private evaluateChecked(X: Tensor, Y: Tensor, batchSize: number, training: boolean): number[] {
    const { loss, metrics } = this.compiled as Compiled;
    const n = X.shape[0];
    const ctx: CallContext = { training, tape: null };
    const sums = new Float64Array(1 + metrics.length);
    // Forward pass batch by batch, summing loss and metrics weighted by batch size.
    for (let start = 0; start < n; start += batchSize) {
      const rows = Math.min(batchSize, n - start);
      const yb = Y.rows(start, start + rows);
      ctx.pass = start;
      const out = this.forward(X.rows(start, start + rows), ctx);
      this.accumulate(sums, lossOp(ctx, this.ws, loss, yb, out).data[0], metrics, yb, out, rows);
    }
    return Array.from(sums, (s) => s / n);
  }

  /**
   * The model's output for x [n, ...inputShape]: a new Tensor [n, ...outputShape]. With
   * `training: true` the dropout layers stay on, so two calls differ (Monte Carlo dropout).
   */
  predict(x: TensorLike, args: PredictArgs = {}): Tensor {
    this.requireLayers('predict');
    const { batchSize = 32, training = false } = checkOptions('Sequential.predict', args, PREDICT_KEYS);
    checkPositiveInteger('Sequential.predict', 'batchSize', batchSize);
    const X = this.checkInput('Sequential.predict', x);
    const n = X.shape[0];
    const result = Tensor.zeros([n, ...this.outputShape]);
    const rowSize = result.size / Math.max(n, 1);
    const ctx: CallContext = { training, tape: null };
    // Forward each batch and copy its output into the result.
    for (let start = 0; start < n; start += batchSize) {
      const rows = Math.min(batchSize, n - start);
      ctx.pass = start;
      const out = this.forward(X.rows(start, start + rows), ctx);
      result.data.set(out.data, start * rowSize);
    }
    return result;
  }

  /** Copies of every weight, in layer order (each layer in Keras order). */
  getWeights(): Tensor[] {
    return this.layers.flatMap((l) => l.getWeights());
  }

  /** Replaces every weight's values, in the order `getWeights` gives. */
  setWeights(values: readonly Tensor[]): void {
    const expected = this.weights.length;
    if (!Array.isArray(values) || values.length !== expected) {
      throw new RangeError(`Sequential.setWeights: expected ${expected} arrays, got ${Array.isArray(values) ? values.length : describe(values)}`);
    }
    let offset = 0;
    for (const layer of this.layers) {
      layer.setWeights(values.slice(offset, offset + layer.weights.length));
      offset += layer.weights.length;
    }
  }

  /**
   * Keras' summary table (layers, output shapes, parameter counts, totals), printed with `print`
   * (default console.log; pass null to only return it) and returned as a string.
   */
  summary(print: ((text: string) => void) | null = console.log): string {
    this.requireLayers('summary');
    const text = summaryText(this);
    print?.(text);
    return text;
  }

  /**
   * Saves the model in TensorFlow.js's layers-model format: `url` is `'file://dir'` (or a plain
   * folder path); writes dir/weights.<unique>.bin, then replaces dir/model.json (which names it) in
   * one atomic rename, then removes the weights it superseded: a crash at any point leaves the
   * previous model or the new one, whole (lib/io/save-folder.ts `saveArtifacts` lists the
   * guarantees). Errors begin with `save:`. Load it with `loadModel(url)` here or
   * `tf.loadLayersModel` in TensorFlow.js.
   */
  async save(url: string): Promise<SaveResult> {
    this.requireLayers('save');
    return saveArtifacts(url, modelToArtifacts(this));
  }

  /** How the model was compiled (loss, metrics, optimizer config), or null before compile; saved with the model. */
  trainingConfig(): TrainingJson | null {
    if (this.compiled === null) return null;
    const { loss, metrics, optimizer } = this.compiled;
    return { loss, metrics: metrics.map((m) => m.name), optimizer: { class_name: optimizer.constructor.name, config: optimizer.getConfig() } };
  }

  /** Number of scalars in all weights. */
  countParams(): number {
    return this.layers.reduce((n, l) => n + l.countParams(), 0);
  }

  private trainableWeights(): Tensor[] {
    return this.layers.filter((l) => l.trainable).flatMap((l) => l.weights);
  }

  /** Projects the trainable weights onto their constraints (a frozen weight is left as it is). */
  private applyConstraints(): void {
    for (const layer of this.layers) {
      if (!layer.trainable) continue;
      for (let i = 0; i < layer.weights.length; i++) layer.constraints[i]?.apply(layer.weights[i]);
    }
  }

  /** Rows `order[start .. start+rows)` of `source` copied into a reused buffer. */
  private gather(ctx: CallContext, key: string, source: Tensor, order: Int32Array, start: number, rows: number): Tensor {
    const rowSize = source.shape[0] === 0 ? 0 : source.size / source.shape[0];
    const shape = source.shape.slice();
    shape[0] = rows;
    const out = this.ws.get(ctx, key, shape);
    // Copy each chosen row.
    for (let r = 0; r < rows; r++) {
      const from = order[start + r] * rowSize;
      out.data.set(source.data.subarray(from, from + rowSize), r * rowSize);
    }
    return out;
  }

  private requireLayers(what: string): void {
    if (this.layers.length === 0) throw new Error(`Sequential.${what}: the model has no layers; add some first`);
  }

  private requireCompiled(what: string): Compiled {
    this.requireLayers(what);
    if (this.compiled === null) {
      throw new Error(`Sequential.${what}: the model must be compiled first: call model.compile({ loss, optimizer, metrics })`);
    }
    return this.compiled;
  }

  /** Converts x, checks it is finite, non-empty, and has the model's per-sample shape. */
  private checkInput(where: string, x: TensorLike): Tensor {
    const X = Tensor.from(x, `${where}: x`);
    if (X.rank === 0 || X.shape[0] === 0) throw new RangeError(`${where}: x is empty (shape ${shapeToString(X.shape)}); expected at least one sample`);
    const expected = this.inputShape;
    const got = X.shape.slice(1);
    if (got.length !== expected.length || got.some((d, i) => d !== expected[i])) {
      throw new RangeError(
        `${where}: x has per-sample shape ${shapeToString(got)} (x is ${shapeToString(X.shape)}) but the first layer '${this.layers[0].name}' expects ${shapeToString(expected)}`,
      );
    }
    checkFinite(X.data, `${where}: x`);
    return X;
  }

  /** Converts and checks x and y together: same number of samples, y finite and valid for the loss. */
  private checkData(where: string, x: TensorLike, y: TensorLike): [Tensor, Tensor] {
    const X = this.checkInput(where, x);
    const Y = Tensor.from(y, `${where}: y`);
    if (Y.rank === 0 || Y.shape[0] !== X.shape[0]) {
      throw new RangeError(`${where}: x and y must have the same number of samples; x has ${X.shape[0]}, y has ${Y.rank === 0 ? 'none (a scalar)' : Y.shape[0]}`);
    }
    checkFinite(Y.data, `${where}: y`);
    const { loss } = this.compiled as Compiled;
    checkTargets(loss, Y, [X.shape[0], ...this.outputShape], where);
    return [X, Y];
  }

  private checkValidation(data: [TensorLike, TensorLike]): [Tensor, Tensor] {
    if (!Array.isArray(data) || data.length !== 2) {
      throw new TypeError(`Sequential.fit: validationData must be [x, y], got ${describe(data)}`);
    }
    return this.checkData('Sequential.fit: validationData', data[0], data[1]);
  }
}

/** `verbose` as Keras takes it: 0, 1, 2 or 'auto' (which is 1). */
function checkVerbose(where: string, verbose: unknown): 0 | 1 | 2 {
  if (verbose === 'auto') return 1;
  if (verbose === 0 || verbose === 1 || verbose === 2) return verbose;
  throw new RangeError(`${where}: verbose must be 0 (silent), 1 (progress bar), 2 (one line per epoch) or 'auto', got ${describe(verbose)}`);
}

/**
 * Keras' validation_split: the last `fraction` of the rows (from floor(n * (1 - fraction)) on),
 * taken before any shuffling, as views of x and y. Returns [trainX, trainY, [valX, valY]].
 */
function holdOut(X: Tensor, Y: Tensor, fraction: number): [Tensor, Tensor, [Tensor, Tensor]] {
  const n = X.shape[0];
  const splitAt = Math.floor(n * (1 - fraction));
  if (splitAt === 0 || splitAt === n) {
    throw new RangeError(`Sequential.fit: validationSplit ${fraction} of ${n} samples leaves ${splitAt === 0 ? 'no sample to train on' : 'no sample to validate on'}; use a fraction that splits them`);
  }
  return [X.rows(0, splitAt), Y.rows(0, splitAt), [X.rows(splitAt, n), Y.rows(splitAt, n)]];
}

function checkPositiveInteger(where: string, name: string, value: unknown, allowZero = false): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new RangeError(`${where}: ${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${describe(value)}`);
  }
}
