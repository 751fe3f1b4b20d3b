/**
 * Model: a graph of layers from inputs to outputs, with Keras' model API (`compile`, `fit`,
 * `evaluate`, `predict`, `summary`, `save`). The functional API builds one:
 *
 *   const inp = Input({ shape: [2] });
 *   const h = new Dense(64, { activation: 'relu' }).apply(inp);
 *   const out = new Dense(1, { activation: 'sigmoid' }).apply(new Dropout(0.3).apply(h));
 *   const model = new Model({ inputs: inp, outputs: out, seed: 1 });
 *
 * `Sequential` is a Model whose graph is a chain; both train with the one loop below.
 *
 * One training step: take a batch of every input and target (views, or gathers into reused
 * buffers when shuffling) -> run the nodes in their order, computed once, each layer's `call`
 * running its ops with the node's own buffers (ops record their backward on the tape) -> one loss
 * op per output, their weighted sum for several -> `tape.backward()` -> the optimizer updates each
 * trainable weight in place -> constraints project them. Metrics come from the same forward pass.
 */
import { CallContext, Tape, Workspace, zeroGrads } from './autodiff';
import { Callback } from './callbacks';
import { functionalTopology } from './graph/config';
import { InputLayer } from './graph/input';
import { Node, SymbolicTensor } from './graph/symbolic';
import { topologyOf } from './graph/topology';
import { History, Logs } from './history';
import { modelToArtifacts, TopologyJson, TrainingJson } from './io/artifacts';
import { isBrowserUrl, saveToBrowser } from './io/browser-storage';
import { saveArtifacts } from './io/save-folder';
import { BuildRandom, Layer } from './layer';
import { customLossOp, lossOp } from './losses';
import { CompileArgs, Compiled, resolveCompile } from './model-compile';
import { checkInputs, checkTargetsOf, holdOut, ModelData, Ports, splitData } from './model-data';
import { weightedTotal } from './ops';
import { Optimizer } from './optimizers';
import { checkOptions, optionKeys } from './options';
import { EpochProgress } from './progress';
import { Penalized, penaltyOp, penaltySum } from './regularizers';
import { freshSeed, RandomStream, Seed } from './random';
import { summaryText } from './summary';
import { describe, sizeOf, Tensor } from './tensor';

export type { CompileArgs } from './model-compile';
export type { ModelData } from './model-data';

/** Options of `new Model`. */
/** No weight penalties (an evaluation pass starts its list empty). */
const NO_PENALTIES: readonly Penalized[] = [];

export interface ModelArgs {
  /** The model's input(s), made by `Input`. */
  inputs: SymbolicTensor | readonly SymbolicTensor[];
  /** The model's output(s), made by layers' `apply`. */
  outputs: SymbolicTensor | readonly SymbolicTensor[];
  /** The model's name (default 'model'). */
  name?: string;
  /** One seed for initial weights, shuffles and dropout masks (default: a fresh one, see `seed`). */
  seed?: Seed;
}

/** Options of `fit`. */
export interface FitArgs {
  /** Passes over the data (default 1). */
  epochs?: number;
  /** Samples per optimizer step (default 32). */
  batchSize?: number;
  /** `[x, y]` evaluated at the end of each epoch, reported as `val_loss`, `val_<metric>`. */
  validationData?: readonly [ModelData, ModelData];
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
  /**
   * Samples per forward pass (default 32; the results do not depend on it beyond float32
   * rounding). Without dropout on, a model whose activations are small runs more rows per pass.
   */
  batchSize?: number;
  /** Run the layers in training mode (dropout on): Monte Carlo dropout. Default false. */
  training?: boolean;
}

/** What `save` returns. */
export interface SaveResult {
  /** Path of the model.json written. */
  modelJson: string;
  /** Path of the weights file written. */
  weightsBin: string;
  /** Size of the weights in bytes. */
  bytes: number;
}

const MODEL_KEYS = optionKeys<ModelArgs>({ inputs: true, outputs: true, name: true, seed: true });
const FIT_KEYS = optionKeys<FitArgs>({ epochs: true, batchSize: true, validationData: true, validationSplit: true, shuffle: true, verbose: true, callbacks: true });
const PREDICT_KEYS = optionKeys<PredictArgs>({ batchSize: true, training: true });
/** Floats the widest activation of one evaluate/predict pass may take (1 MB): see `passRows`. */
const PASS_FLOATS = 1 << 18;
const APPLY_KEYS = optionKeys<{ training?: boolean }>({ training: true });

/** How a model runs: its nodes in order, where each reads and writes, and the reused objects. */
interface Plan {
  nodes: Node[];
  /** The value slot of each model input and output. */
  inputSlots: number[];
  outputSlots: number[];
  /** Per node: the slots it reads, the slot it writes, a reused list for list-taking layers, its context. */
  reads: number[][];
  writes: number[];
  lists: Tensor[][];
  contexts: CallContext[];
  /** The values of one pass, by slot; and the outputs of one pass. */
  values: Tensor[];
  outputs: Tensor[];
}

/**
 * A graph of layers with Keras' model API. Inputs [n, ...inputShape] (one per input) -> outputs
 * [n, ...outputShape] (one per output).
 */
export class Model {
  /** The model's name (in summaries and saved files). */
  readonly name: string;
  /** The seed every random stream of this model derives from. */
  readonly seed: string;
  /** Set to true by a callback to end `fit` after the current epoch. */
  stopTraining = false;
  /** The model's inputs and outputs (symbolic). */
  inputs: SymbolicTensor[] = [];
  outputs: SymbolicTensor[] = [];
  protected allLayers: Layer[] = [];
  private plan: Plan | null = null;
  private compiled: Compiled | null = null;
  protected readonly initRandom: RandomStream;
  private readonly shuffleRandom: RandomStream;
  private readonly tape = new Tape();
  private readonly ws = new Workspace();
  /** The penalties of the pass `fit` or `evaluate` runs (weights', then each activity regularizer's output), reused from pass to pass. */
  private readonly passPenalties: Penalized[] = [];
  /** True while such a pass runs: `run` then adds the activity penalties to `passPenalties`. */
  private collectingPenalties = false;
  /** True while a `fit` runs: a second one on the same weights is refused. */
  private fitting = false;
  /** Passes run so far (see `CallContext.pass`). */
  private passCount = 0;

  constructor(options: ModelArgs) {
    const args = checkOptions(this.className, options as ModelArgs | undefined, this.optionKeys());
    if (options === undefined && !this.chained) throw new TypeError('Model: expected { inputs, outputs }, got undefined');
    this.name = args.name ?? this.defaultName();
    const seed = args.seed ?? freshSeed();
    if (typeof seed !== 'number' && typeof seed !== 'string') {
      throw new TypeError(`${this.className}: seed must be a number or a string, got ${describe(seed)}`);
    }
    this.seed = String(seed);
    this.initRandom = new RandomStream(`${this.seed}/init`);
    this.shuffleRandom = new RandomStream(`${this.seed}/shuffle`);
    if (!this.chained) this.connect(args.inputs, args.outputs, true);
  }

  /** The class name (`Model`, `Sequential`), for messages. */
  protected get className(): string {
    return this.constructor.name;
  }

  /** The option keys the constructor takes (Sequential takes its own). */
  protected optionKeys(): readonly string[] {
    return MODEL_KEYS;
  }

  /** True for a model that grows its graph layer by layer (Sequential) instead of taking inputs and outputs. */
  protected get chained(): boolean {
    return false;
  }

  protected defaultName(): string {
    return 'model';
  }

  /**
   * Makes the graph between `inputs` and `outputs` this model's (checked: every output reachable
   * from the inputs, every input used), builds the layers not built yet in running order from the
   * model's seed (if `build`), and plans the forward pass.
   */
  protected connect(inputs: SymbolicTensor | readonly SymbolicTensor[] | undefined, outputs: SymbolicTensor | readonly SymbolicTensor[] | undefined, build: boolean): void {
    const where = this.className;
    const ins = toList(where, 'inputs', inputs);
    const outs = toList(where, 'outputs', outputs);
    const topology = topologyOf(where, ins, outs);
    if (build) {
      const built = topology.layers.filter((l) => !(l instanceof InputLayer));
      // Each layer not built yet, in running order, from the model's streams (as Sequential.add does).
      for (const node of topology.nodes) {
        const shapes = node.inputs.map((t) => t.perSampleShape);
        if (!node.layer.built) node.layer.build(node.layer.takesList ? shapes : shapes[0], this.buildRandom(built.indexOf(node.layer)));
      }
    }
    this.inputs = ins;
    this.outputs = outs;
    this.allLayers = topology.layers;
    this.plan = planOf(ins, outs, topology.nodes);
  }

  /** The streams a layer at position `index` (among the model's non-input layers) builds from. */
  protected buildRandom(index: number): BuildRandom {
    return { init: this.initRandom, layerSeed: `${this.seed}/layer${index}` };
  }

  /** The layers, in Keras' and TF.js's order: by depth from the outputs, deepest first (see lib/graph/topology.ts). */
  get layers(): Layer[] {
    return this.allLayers;
  }

  /** Names of the inputs (keys of `fit({ name: x })`). */
  get inputNames(): string[] {
    return this.inputs.map((t) => t.sourceLayer.name);
  }

  /** Names of the outputs: their layers' names (keys of `fit(x, { name: y })`, prefixes of their logs). */
  get outputNames(): string[] {
    return this.outputs.map((t) => (t.node.index === 0 ? t.sourceLayer.name : t.name));
  }

  /** Per-sample input shape (of the first input). */
  get inputShape(): number[] {
    this.requireGraph('inputShape');
    return this.inputs[0].perSampleShape.slice();
  }

  /** Per-sample output shape (of the first output). */
  get outputShape(): number[] {
    this.requireGraph('outputShape');
    return this.outputs[0].perSampleShape.slice();
  }

  /** Every weight of every layer, in order. */
  get weights(): Tensor[] {
    return this.layers.flatMap((l) => l.weights);
  }

  /** The weights the optimizer updates: those of the trainable layers, in order. */
  get trainableWeights(): Tensor[] {
    return this.layers.flatMap((l) => l.trainableWeights);
  }

  /** Chooses the loss (one, or one per output), the optimizer and the metrics. */
  compile(args: CompileArgs): void {
    this.requireGraph('compile');
    this.compiled = resolveCompile(`${this.className}.compile`, args, this.outputs.map((o, i) => ({ name: this.outputNames[i], shape: o.perSampleShape })));
  }

  /** The optimizer given to `compile`. */
  get optimizer(): Optimizer {
    return this.requireCompiled('optimizer').optimizer;
  }

  /** The names `evaluate` returns its values under, in order (Keras' `metrics_names`). */
  get metricsNames(): string[] {
    return this.requireCompiled('metricsNames').logNames.slice();
  }

  /**
   * Trains for `epochs` passes over (x, y) in batches of `batchSize` (default 32), shuffling
   * before each epoch; returns the per-epoch History. x: one array [n, ...inputShape] per input;
   * y: one per output (see `ModelData`).
   */
  async fit(x: ModelData, y: ModelData, args: FitArgs = {}): Promise<History> {
    if (this.fitting) {
      throw new Error(`${this.className}.fit: model '${this.name}' is already being fitted; wait for that fit to finish (two fits at once would interleave their steps on the same weights)`);
    }
    this.fitting = true;
    try {
      return await this.fitChecked(x, y, args);
    } finally {
      this.fitting = false;
    }
  }

  private async fitChecked(x: ModelData, y: ModelData, args: FitArgs): Promise<History> {
    const where = `${this.className}.fit`;
    const compiled = this.requireCompiled('fit');
    const { epochs = 1, batchSize = 32, shuffle = true, verbose: verboseArg = 1, callbacks = [], validationSplit = 0 } = checkOptions(where, args, FIT_KEYS);
    if (!Array.isArray(callbacks) || !callbacks.every((cb) => typeof cb === 'object' && cb !== null)) {
      throw new TypeError(`${where}: callbacks must be an array of callback objects, got ${describe(callbacks)}`);
    }
    checkPositiveInteger(where, 'epochs', epochs, true);
    checkPositiveInteger(where, 'batchSize', batchSize);
    if (typeof shuffle !== 'boolean') throw new TypeError(`${where}: shuffle must be true or false, got ${describe(shuffle)}`);
    const verbose = checkVerbose(where, verboseArg);
    if (typeof validationSplit !== 'number' || !(validationSplit >= 0 && validationSplit < 1)) {
      throw new RangeError(`${where}: validationSplit must be a number in [0, 1) (the fraction of samples held out), got ${describe(validationSplit)}`);
    }
    let [X, Y] = this.checkData(where, x, y);
    let validation = args.validationData ? this.checkValidation(args.validationData) : null;
    if (validation === null && validationSplit > 0) {
      const [train, held] = holdOut(where, [...X, ...Y], validationSplit);
      X = train.slice(0, X.length);
      Y = train.slice(X.length);
      validation = [held.slice(0, X.length), held.slice(X.length)];
    }

    const n = X[0].shape[0];
    const order = new Int32Array(n).map((_, i) => i);
    const history = new History(epochs);
    const weights = this.trainableWeights;
    const penalized = this.penalizedWeights();
    const ctx: CallContext = { training: true, tape: this.tape };
    const steps = Math.ceil(n / batchSize);
    const names = compiled.logNames;
    const sums = new Float64Array(names.length);
    const xb: Tensor[] = new Array(X.length);
    const yb: Tensor[] = new Array(Y.length);
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
        this.nextPass(ctx);
        for (let i = 0; i < X.length; i++) xb[i] = shuffle ? this.gather(ctx, 'fit.x', X[i], order, start, rows) : X[i].rows(start, start + rows);
        for (let i = 0; i < Y.length; i++) yb[i] = shuffle ? this.gather(ctx, 'fit.y', Y[i], order, start, rows) : Y[i].rows(start, start + rows);
        this.trainStep(ctx, xb, yb, compiled, weights, penalized, sums, rows);
        if (callbacks.length > 0 || progress?.wantsBatches) {
          const seen = start + rows;
          const batchLogs: Logs = {};
          names.forEach((name, i) => (batchLogs[name] = sums[i] / seen));
          progress?.batch(batch + 1, batchLogs);
          for (const cb of callbacks) await cb.onBatchEnd?.(batch, batchLogs);
        }
      }
      const logs: Logs = {};
      names.forEach((name, i) => (logs[name] = sums[i] / n));
      if (validation !== null) {
        const scores = this.evaluateChecked(validation[0], validation[1], batchSize, false);
        names.forEach((name, i) => (logs[`val_${name}`] = scores[i]));
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

  /**
   * One batch: forward with the tape on, the loss (plus the weight penalties, lib/regularizers.ts),
   * backward, optimizer step, constraints.
   */
  private trainStep(ctx: CallContext, xb: Tensor[], yb: Tensor[], compiled: Compiled, weights: Tensor[], penalized: Penalized[],
    sums: Float64Array, rows: number): void {
    this.tape.reset();
    const items = this.beginPenalties(penalized);
    let outs: Tensor[];
    try {
      outs = this.run(xb, ctx);
    } finally {
      this.collectingPenalties = false;
    }
    const loss = this.lossOf(ctx, compiled, yb, outs, sums, rows);
    const total = items.length === 0 ? loss : penaltyOp(ctx, this.ws, loss, items);
    sums[0] += (total.data[0] - loss.data[0]) * rows;
    zeroGrads(weights);
    this.tape.backward(total);
    compiled.optimizer.step(weights);
    this.applyConstraints();
    this.tape.reset();
  }

  /**
   * The loss of one batch as a scalar op (each output's loss op, and for several outputs their
   * weighted sum), adding loss * rows and each metric * rows into `sums` in `logNames` order.
   */
  private lossOf(ctx: CallContext, compiled: Compiled, yb: Tensor[], outs: Tensor[], sums: Float64Array, rows: number): Tensor {
    const { outputs, losses, lossWeights } = compiled;
    const single = outputs.length === 1;
    let slot = single ? 1 : 1 + outputs.length;
    // Each output: its loss op, its loss and metrics into the sums.
    for (let o = 0; o < outputs.length; o++) {
      const out = outs[o];
      const loss = outputs[o].loss;
      losses[o] = typeof loss === 'string' ? lossOp(ctx, this.ws, loss, yb[o], out) : customLossOp(ctx, this.ws, loss, yb[o], out, `${this.className}.fit`);
      if (!single) sums[1 + o] += losses[o].data[0] * rows;
      const cols = out.size / rows;
      for (const m of outputs[o].metrics) sums[slot++] += m.compute(yb[o], out, rows, cols) * rows;
    }
    const total = single ? losses[0] : weightedTotal(ctx, this.ws, losses, lossWeights);
    sums[0] += total.data[0] * rows;
    return total;
  }

  /** Starts a pass: every pass of this model (training step, evaluation or prediction batch) gets a number of its own. */
  private nextPass(ctx: CallContext): void {
    ctx.pass = ++this.passCount;
  }

  /**
   * Runs the graph on one batch of every input, as one pass (each node's layer with the node's own
   * buffers, recording on `ctx.tape` if any); returns the outputs, in a list reused by the next
   * pass. What `fit`, `evaluate` and `predict` run; also usable with `gradCheck`.
   */
  forward(inputs: Tensor | readonly Tensor[], ctx: CallContext): Tensor[] {
    const list = inputs instanceof Tensor ? [inputs] : inputs;
    const plan = this.requirePlan('forward');
    if (list.length !== plan.inputSlots.length) throw new RangeError(`${this.className}.forward: the model has ${plan.inputSlots.length} inputs, got ${list.length}`);
    return this.run(list, ctx);
  }

  /**
   * The model on data, as ops written by hand: each layer's ops record (for `loss.backward()` or
   * `valueAndGrads`) when a weight or the input requires a gradient. `training: true` runs dropout
   * as `fit` does. Returns the output, or a list for several; outputs are the model's buffers,
   * valid until its next pass. What a custom training loop calls:
   *
   *   const { value, grads } = valueAndGrads(() => lossFn(y, model.apply(x, { training: true }) as Tensor), model.trainableWeights);
   *   optimizer.applyGradients(grads.map((g, i) => [g, model.trainableWeights[i]]));
   */
  apply(x: ModelData, options: { training?: boolean } = {}): Tensor | Tensor[] {
    const where = `${this.className}.apply`;
    this.requireGraph('apply');
    const { training = false } = checkOptions(where, options, APPLY_KEYS);
    if (typeof training !== 'boolean') throw new TypeError(`${where}: training must be true or false, got ${describe(training)}`);
    const X = splitData(where, x, this.inputPorts());
    checkInputs(where, X, this.inputPorts());
    const outs = this.run(X, { training });
    return outs.length === 1 ? outs[0] : outs.slice();
  }

  /** `forward` without the checks. */
  private run(inputs: readonly Tensor[], ctx: CallContext): Tensor[] {
    const plan = this.requirePlan('run');
    const { values, contexts } = plan;
    const pass = ++this.passCount;
    for (let i = 0; i < inputs.length; i++) values[plan.inputSlots[i]] = inputs[i];
    // Each node in order: its layer on the values it reads, its output into its slot.
    for (let k = 0; k < plan.nodes.length; k++) {
      const node = plan.nodes[k];
      const nodeCtx = contexts[k];
      nodeCtx.training = ctx.training;
      nodeCtx.tape = ctx.tape;
      nodeCtx.pass = pass;
      const reads = plan.reads[k];
      let input: Tensor | Tensor[];
      if (node.takesList) {
        const list = plan.lists[k];
        for (let j = 0; j < reads.length; j++) list[j] = values[reads[j]];
        input = list;
      } else input = values[reads[0]];
      const out = node.layer.call(input, nodeCtx);
      values[plan.writes[k]] = out;
      // An activity regularizer penalizes this output in the pass's loss
      const activity = node.layer.activityRegularizer;
      if (activity !== null && this.collectingPenalties) this.passPenalties.push({ weight: out, regularizer: activity });
    }
    for (let o = 0; o < plan.outputSlots.length; o++) plan.outputs[o] = values[plan.outputSlots[o]];
    return plan.outputs;
  }

  /**
   * Loss and metrics of (x, y), computed in batches with dropout off, in `metricsNames` order:
   * `[loss, ...metrics]` for one output; `[loss, each output's loss, ...metrics]` for several.
   */
  evaluate(x: ModelData, y: ModelData, args: PredictArgs = {}): number[] {
    const where = `${this.className}.evaluate`;
    this.requireCompiled('evaluate');
    const { batchSize = 32, training = false } = checkOptions(where, args, PREDICT_KEYS);
    checkPositiveInteger(where, 'batchSize', batchSize);
    const [X, Y] = this.checkData(where, x, y);
    return this.evaluateChecked(X, Y, batchSize, training);
  }

  /**
   * Rows per forward pass of evaluate and predict: `batchSize`, or more when the model's widest
   * activation is small (rows are independent, so only speed and memory change: a pass of the case
   * study's 70 validation rows instead of 3 batches), as long as the widest activation of a pass
   * stays within PASS_FLOATS floats (a CNN's stay at `batchSize`).
   */
  private passRows(batchSize: number, n: number): number {
    const plan = this.requirePlan('evaluate');
    let widest = 1;
    for (const node of plan.nodes) widest = Math.max(widest, sizeOf(node.output.perSampleShape));
    return Math.min(n, Math.max(batchSize, Math.floor(PASS_FLOATS / widest)));
  }

  private evaluateChecked(X: Tensor[], Y: Tensor[], batchSize: number, training: boolean): number[] {
    const compiled = this.compiled as Compiled;
    const n = X[0].shape[0];
    // The weights do not change during an evaluation: their penalty is added to the loss once;
    // activity penalties are summed over each batch's outputs (so batches keep the user's size).
    const penalty = penaltySum(this.penalizedWeights());
    const activity = this.layers.some((layer) => layer.activityRegularizer !== null);
    const ctx: CallContext = { training, tape: null };
    const sums = new Float64Array(compiled.logNames.length);
    const xb: Tensor[] = new Array(X.length);
    const yb: Tensor[] = new Array(Y.length);
    // Dropout on (Monte Carlo evaluation) draws masks per pass: keep the user's batches then.
    const passRows = training || activity ? batchSize : this.passRows(batchSize, n);
    // Forward pass by pass, summing loss and metrics weighted by the rows of each pass.
    for (let start = 0; start < n; start += passRows) {
      const rows = Math.min(passRows, n - start);
      for (let i = 0; i < X.length; i++) xb[i] = X[i].rows(start, start + rows);
      for (let i = 0; i < Y.length; i++) yb[i] = Y[i].rows(start, start + rows);
      this.nextPass(ctx);
      const items = activity ? this.beginPenalties(NO_PENALTIES) : null;
      let outs: Tensor[];
      try {
        outs = this.run(xb, ctx);
      } finally {
        this.collectingPenalties = false;
      }
      this.lossOf(ctx, compiled, yb, outs, sums, rows);
      if (items !== null) sums[0] += penaltySum(items) * rows;
    }
    sums[0] += penalty * n;
    return Array.from(sums, (s) => s / n);
  }

  /** Starts collecting a pass's penalties: `weights` first, then the activity penalties `run` adds. */
  private beginPenalties(weights: readonly Penalized[]): Penalized[] {
    const items = this.passPenalties;
    items.length = 0;
    for (const item of weights) items.push(item);
    this.collectingPenalties = true;
    return items;
  }

  /** The trainable weights with a penalty (kernelRegularizer, ...), layer by layer. */
  penalizedWeights(): Penalized[] {
    const items: Penalized[] = [];
    for (const layer of this.layers) layer.penalized(items);
    return items;
  }

  /**
   * The model's output for x: a new Tensor [n, ...outputShape] (a list, one per output, for
   * several). With `training: true` the dropout layers stay on, so two calls differ (Monte Carlo
   * dropout).
   */
  predict(x: ModelData, args: PredictArgs = {}): Tensor | Tensor[] {
    const where = `${this.className}.predict`;
    this.requireGraph('predict');
    const { batchSize = 32, training = false } = checkOptions(where, args, PREDICT_KEYS);
    checkPositiveInteger(where, 'batchSize', batchSize);
    const X = splitData(where, x, this.inputPorts());
    checkInputs(where, X, this.inputPorts());
    const n = X[0].shape[0];
    const results = this.outputs.map((o) => Tensor.zeros([n, ...o.perSampleShape]));
    const ctx: CallContext = { training, tape: null };
    const xb: Tensor[] = new Array(X.length);
    // Dropout on (Monte Carlo dropout) draws masks per pass: keep the user's batches then.
    const passRows = training ? batchSize : this.passRows(batchSize, n);
    // Forward pass by pass and copy the outputs into the results.
    for (let start = 0; start < n; start += passRows) {
      const rows = Math.min(passRows, n - start);
      for (let i = 0; i < X.length; i++) xb[i] = X[i].rows(start, start + rows);
      this.nextPass(ctx);
      const outs = this.run(xb, ctx);
      for (let o = 0; o < results.length; o++) results[o].data.set(outs[o].data, start * (results[o].size / n));
    }
    return results.length === 1 ? results[0] : results;
  }

  /** Copies of every weight, in layer order (each layer in Keras order). */
  getWeights(): Tensor[] {
    return this.layers.flatMap((l) => l.getWeights());
  }

  /** Replaces every weight's values, in the order `getWeights` gives. */
  setWeights(values: readonly Tensor[]): void {
    const expected = this.weights.length;
    if (!Array.isArray(values) || values.length !== expected) {
      throw new RangeError(`${this.className}.setWeights: expected ${expected} arrays, got ${Array.isArray(values) ? values.length : describe(values)}`);
    }
    let offset = 0;
    for (const layer of this.layers) {
      layer.setWeights(values.slice(offset, offset + layer.weights.length));
      offset += layer.weights.length;
    }
  }

  /**
   * Keras' summary table (layers, output shapes, parameter counts, and for a functional model the
   * layers each is connected to; then the totals), printed with `print` (default console.log;
   * pass null to only return it) and returned as a string.
   */
  summary(print: ((text: string) => void) | null = console.log): string {
    this.requireGraph('summary');
    const text = summaryText(this);
    print?.(text);
    return text;
  }

  /**
   * Saves the model in TensorFlow.js's layers-model format: into the folder `url` (`'file://dir'`
   * or a plain path, Node.js), with one commit point (lib/io/save-folder.ts); or, in a browser,
   * to `'localstorage://name'`, `'indexeddb://name'` or `'downloads://name'`, under the names
   * TensorFlow.js uses (lib/io/browser-storage.ts). Load it with `loadModel(url)` here or
   * `tf.loadLayersModel(url)` in TensorFlow.js.
   */
  async save(url: string): Promise<SaveResult> {
    this.requireGraph('save');
    if (isBrowserUrl(url)) return saveToBrowser(url, modelToArtifacts(this));
    return saveArtifacts(url, modelToArtifacts(this));
  }

  /** The model's graph as model.json stores it (TensorFlow.js's `class_name: 'Model'`). */
  topologyJson(): TopologyJson {
    return functionalTopology(this.name, this.layers, this.requirePlan('save').nodes, this.inputs, this.outputs);
  }

  /**
   * How the model was compiled (loss, metrics, optimizer config), saved with the model; null
   * before compile, and when a loss or metric is a function (the model then saves uncompiled).
   */
  trainingConfig(): TrainingJson | null {
    if (this.compiled === null || !this.compiled.savable) return null;
    const { outputs, optimizer } = this.compiled;
    const optimizerJson = { class_name: optimizer.constructor.name, config: optimizer.getConfig() };
    const names = outputs.map((o) => o.loss as string);
    if (outputs.length === 1) return { loss: names[0], metrics: outputs[0].metrics.map((m) => m.name), optimizer: optimizerJson };
    return {
      loss: names,
      metrics: outputs.map((o) => o.metrics.map((m) => m.name)),
      loss_weights: outputs.map((o) => o.weight),
      optimizer: optimizerJson,
    };
  }

  /** Number of scalars in all weights. */
  countParams(): number {
    return this.layers.reduce((n, l) => n + l.countParams(), 0);
  }

  /** The graph's nodes in running order (Input nodes excluded). */
  get nodes(): readonly Node[] {
    return this.requirePlan('nodes').nodes;
  }

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

  /** The inputs' names and per-sample shapes. */
  protected inputPorts(): Ports {
    return { what: 'x', names: this.inputNames, shapes: this.inputs.map((t) => t.perSampleShape), owners: this.inputNames.map((n) => `the model's input '${n}'`) };
  }

  /** The outputs' names and per-sample shapes. */
  protected outputPorts(): Ports {
    return { what: 'y', names: this.outputNames, shapes: this.outputs.map((t) => t.perSampleShape), owners: this.outputNames.map((n) => `the model's output '${n}'`) };
  }

  protected requireGraph(what: string): void {
    if (this.plan === null) throw new Error(`${this.className}.${what}: the model has no layers; add some first`);
  }

  private requirePlan(what: string): Plan {
    this.requireGraph(what);
    return this.plan as Plan;
  }

  private requireCompiled(what: string): Compiled {
    this.requireGraph(what);
    if (this.compiled === null) {
      throw new Error(`${this.className}.${what}: the model must be compiled first: call model.compile({ loss, optimizer, metrics })`);
    }
    return this.compiled;
  }

  /** Converts and checks x and y together: shapes, the same number of samples, finite, valid targets for each loss. */
  private checkData(where: string, x: ModelData, y: ModelData): [Tensor[], Tensor[]] {
    const X = splitData(where, x, this.inputPorts());
    checkInputs(where, X, this.inputPorts());
    const Y = splitData(where, y, this.outputPorts());
    checkTargetsOf(where, Y, X[0].shape[0], this.outputPorts(), (this.compiled as Compiled).outputs.map((o) => (typeof o.loss === 'string' ? o.loss : null)));
    return [X, Y];
  }

  private checkValidation(data: readonly [ModelData, ModelData]): [Tensor[], Tensor[]] {
    if (!Array.isArray(data) || data.length !== 2) {
      throw new TypeError(`${this.className}.fit: validationData must be [x, y], got ${describe(data)}`);
    }
    return this.checkData(`${this.className}.fit: validationData`, data[0], data[1]);
  }
}

/** `model({ inputs, outputs })`: TensorFlow.js's spelling of `new Model`. */
export function model(args: ModelArgs): Model {
  return new Model(args);
}

/** One symbolic tensor or a non-empty list of them, as a list. */
function toList(where: string, what: string, value: unknown): SymbolicTensor[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((t) => t instanceof SymbolicTensor)) {
    throw new TypeError(`${where}: ${what} must be a symbolic tensor (from Input or a layer's apply) or a non-empty list of them, got ${describe(value)}`);
  }
  return list as SymbolicTensor[];
}

/** The plan of a graph: value slots for every tensor, and per node what it reads and writes. */
function planOf(inputs: SymbolicTensor[], outputs: SymbolicTensor[], nodes: Node[]): Plan {
  const slots = new Map<SymbolicTensor, number>();
  const slotOf = (t: SymbolicTensor): number => {
    let s = slots.get(t);
    if (s === undefined) slots.set(t, (s = slots.size));
    return s;
  };
  const inputSlots = inputs.map(slotOf);
  const reads = nodes.map((node) => node.inputs.map(slotOf));
  const writes = nodes.map((node) => slotOf(node.output));
  return {
    nodes,
    inputSlots,
    outputSlots: outputs.map(slotOf),
    reads,
    writes,
    lists: nodes.map((node) => new Array<Tensor>(node.inputs.length)),
    contexts: nodes.map((node) => ({ training: false, tape: null, pass: 0, ws: node.ws, nodeIndex: node.index })),
    values: new Array<Tensor>(slots.size),
    outputs: new Array<Tensor>(outputs.length),
  };
}

/** `verbose` as Keras takes it: 0, 1, 2 or 'auto' (which is 1). */
function checkVerbose(where: string, verbose: unknown): 0 | 1 | 2 {
  if (verbose === 'auto') return 1;
  if (verbose === 0 || verbose === 1 || verbose === 2) return verbose;
  throw new RangeError(`${where}: verbose must be 0 (silent), 1 (progress bar), 2 (one line per epoch) or 'auto', got ${describe(verbose)}`);
}

function checkPositiveInteger(where: string, name: string, value: unknown, allowZero = false): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new RangeError(`${where}: ${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${describe(value)}`);
  }
}
