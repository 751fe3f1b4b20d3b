/**
 * The recurrent layers: SimpleRNN, LSTM and GRU, Keras' arguments and weight layouts.
 *
 * Input [batch, time, features] -> output [batch, units], or [batch, time, units] with
 * `returnSequences`. Each call runs one op over the whole sequence (lib/recurrent-ops.ts).
 *
 * Dropout inside the layer is the variational RNN of Gal and Ghahramani (2016), as in Keras:
 * during training, `dropout` draws one input mask [batch, features] and `recurrentDropout` one
 * recurrent mask [batch, units] per forward pass; the same two masks are applied at every time
 * step (to x_t, and to h_{t-1} before the recurrent kernel) and again in backpropagation through
 * time. They are cached on the layer as `lastInputMask` and `lastRecurrentMask` (0 where dropped,
 * 1 / (1 - rate) where kept). At inference there is no mask. A `Dropout` layer placed before the
 * recurrent layer is different: it draws a new mask for every time step.
 *
 * `returnState`: a Sequential passes one tensor from layer to layer, so there the layer still
 * outputs only its sequence output; the final states of the last call are kept in `lastStates`
 * ([h, c] for the LSTM, [h] otherwise, each [batch, units]). For the functional use (an encoder
 * handing its state to a decoder) call `callWithState(x, ctx, initialState)`, or the ops in
 * lib/recurrent-ops.ts, which return the states as differentiable tensors.
 */
import { drawDropoutMask } from '../kernels/dropout';
import { ActivationName, resolveActivation } from '../lib/activations';
import { CallContext } from '../lib/autodiff';
import { Constraint, resolveConstraint } from '../lib/constraints';
import { Regularizer, resolveRegularizer } from '../lib/regularizers';
import { Initializer, resolveInitializer } from '../lib/initializers';
import { BuildRandom, KERNEL_BIAS_KEYS, Layer, serializeObject, kernelBiasConfig, KernelBiasArgs, WeightShape } from '../lib/layer';
import { moreOptionKeys } from '../lib/options';
import { RandomStream, Seed } from '../lib/random';
import { gru, lstm, RecurrentOpOptions, RecurrentOpResult, simpleRnn } from '../lib/recurrent-ops';
import { describe, shapeToString, Tensor } from '../lib/tensor';

/** Options of SimpleRNN, LSTM and GRU (Keras' arguments in camelCase). */
export interface RecurrentArgs extends KernelBiasArgs {
  /** Activation of the gates (default 'sigmoid'; LSTM and GRU only). */
  recurrentActivation?: string;
  /** Initializer of the recurrent kernel (default 'orthogonal'). */
  recurrentInitializer?: string | Initializer;
  recurrentConstraint?: Constraint | string;
  /** A penalty on the recurrent kernel, added to the loss (lib/regularizers.ts). */
  recurrentRegularizer?: Regularizer | string;
  /** Probability of dropping an input feature, one mask per sequence (default 0). */
  dropout?: number;
  /** Probability of dropping a unit of the state fed back, one mask per sequence (default 0). */
  recurrentDropout?: number;
  /** Output every step's state, [batch, time, units] (default false: the last, [batch, units]). */
  returnSequences?: boolean;
  /** Keep the final states in `lastStates` (see the file comment). Default false. */
  returnState?: boolean;
  /** Process the sequence backwards; with `returnSequences` the output is in reversed order (Keras). */
  goBackwards?: boolean;
  /** A seed for the dropout masks (default: derived from the model's seed and the layer's position). */
  seed?: Seed;
}

/** Options of LSTM: `unitForgetBias` (default true) starts the forget gate's bias at 1. */
export interface LSTMArgs extends RecurrentArgs {
  unitForgetBias?: boolean;
}

/** Options of GRU. */
export interface GRUArgs extends RecurrentArgs {
  /**
   * Where the reset gate acts. true (default, Keras 3's default): after the recurrent product,
   * hh = act(x_h + r * (h' · U_h + b_rec)), bias [2, 3u]. false (standalone Keras 2's default, TensorFlow.js's
   * only variant, there with recurrentActivation 'hard_sigmoid'): before it,
   * hh = act(x_h + (r * h') · U_h), bias [3u]. Same function as TensorFlow.js's at inference; in
   * training with recurrentDropout, TF.js also masks the state in the update z * h (Lamina and Keras 2 do not).
   */
  resetAfter?: boolean;
}

const RECURRENT_KEYS = moreOptionKeys<RecurrentArgs, KernelBiasArgs>(KERNEL_BIAS_KEYS, {
  recurrentActivation: true,
  recurrentInitializer: true,
  recurrentConstraint: true,
  recurrentRegularizer: true,
  dropout: true,
  recurrentDropout: true,
  returnSequences: true,
  returnState: true,
  goBackwards: true,
  seed: true,
});

/** The op each layer runs. */
type RecurrentOp = typeof lstm;

/** Throws the RangeError for a dropout rate outside [0, 1). */
function checkRate(layer: string, arg: string, rate: number): void {
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) {
    throw new RangeError(`${layer}: ${arg} must be in [0, 1) (the probability of dropping a unit), got ${describe(rate)}`);
  }
}

/** What SimpleRNN, LSTM and GRU share: arguments, masks, weights, and the call. */
export abstract class RecurrentLayer extends Layer {
  static override readonly optionKeys = RECURRENT_KEYS;
  readonly units: number;
  readonly activation: ActivationName;
  readonly recurrentActivation: ActivationName;
  readonly useBias: boolean;
  /** Probability of dropping an input feature (one mask [batch, features] per sequence). */
  readonly dropout: number;
  /** Probability of dropping a state unit before the recurrent kernel (one mask [batch, units] per sequence). */
  readonly recurrentDropout: number;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  /** The input mask [batch, features] of the last training pass (reused by the next pass: clone to keep it). */
  lastInputMask: Tensor | null = null;
  /** The recurrent mask [batch, units] of the last training pass. */
  lastRecurrentMask: Tensor | null = null;
  /** With `returnState`: the final states of the last call ([h, c] for LSTM, [h] otherwise). */
  lastStates: Tensor[] = [];
  /** Number of gate blocks in the kernels' last axis (LSTM 4, GRU 3, SimpleRNN 1). */
  protected abstract readonly gates: number;
  protected abstract readonly op: RecurrentOp;
  private readonly kernelInitializer: Initializer;
  private readonly recurrentInitializer: Initializer;
  protected readonly biasInitializer: Initializer;
  private readonly kernelConstraint: Constraint | null;
  private readonly recurrentConstraint: Constraint | null;
  private readonly biasConstraint: Constraint | null;
  private readonly kernelRegularizer: Regularizer | null;
  private readonly recurrentRegularizer: Regularizer | null;
  private readonly biasRegularizer: Regularizer | null;
  private readonly ownSeed: Seed | undefined;
  private maskState: Uint32Array | null = null;
  private readonly opts: RecurrentOpOptions;
  /** The arguments this layer was made with (what `copyWith` starts from). */
  private readonly args: RecurrentArgs;

  /** `units`: the size of the state and of the output's last axis. */
  constructor(units: number, args: RecurrentArgs = {}) {
    super(args);
    this.args = { ...args };
    const where = `${this.className} '${this.name}'`;
    if (!Number.isInteger(units) || units <= 0) throw new RangeError(`${where}: units must be a positive integer, got ${describe(units)}`);
    this.units = units;
    this.activation = this.checkElementwise(resolveActivation(args.activation ?? 'tanh', `activation for ${where}:`), 'activation');
    this.recurrentActivation = this.checkElementwise(
      resolveActivation(args.recurrentActivation ?? 'sigmoid', `recurrentActivation for ${where}:`), 'recurrentActivation');
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = resolveInitializer(args.kernelInitializer ?? 'glorotUniform', `kernelInitializer for ${where}:`);
    this.recurrentInitializer = resolveInitializer(args.recurrentInitializer ?? 'orthogonal', `recurrentInitializer for ${where}:`);
    this.biasInitializer = resolveInitializer(args.biasInitializer ?? 'zeros', `biasInitializer for ${where}:`);
    this.kernelConstraint = resolveConstraint(args.kernelConstraint, `kernelConstraint for ${where}:`);
    this.recurrentConstraint = resolveConstraint(args.recurrentConstraint, `recurrentConstraint for ${where}:`);
    this.biasConstraint = resolveConstraint(args.biasConstraint, `biasConstraint for ${where}:`);
    this.kernelRegularizer = resolveRegularizer(args.kernelRegularizer, `kernelRegularizer for ${where}:`);
    this.recurrentRegularizer = resolveRegularizer(args.recurrentRegularizer, `recurrentRegularizer for ${where}:`);
    this.biasRegularizer = resolveRegularizer(args.biasRegularizer, `biasRegularizer for ${where}:`);
    this.activityRegularizer = resolveRegularizer(args.activityRegularizer, `activityRegularizer for ${where}:`);
    this.dropout = args.dropout ?? 0;
    this.recurrentDropout = args.recurrentDropout ?? 0;
    checkRate(where, 'dropout', this.dropout);
    checkRate(where, 'recurrentDropout', this.recurrentDropout);
    this.returnSequences = args.returnSequences ?? false;
    this.returnState = args.returnState ?? false;
    this.goBackwards = args.goBackwards ?? false;
    this.ownSeed = args.seed;
    this.opts = {
      returnSequences: this.returnSequences,
      goBackwards: this.goBackwards,
      activation: this.activation,
      recurrentActivation: this.recurrentActivation,
      returnState: this.returnState,
    };
  }

  override get stochastic(): boolean {
    return this.dropout > 0 || this.recurrentDropout > 0;
  }

  /** The seed given for the dropout masks, or undefined (then derived from the model's seed or the name). */
  get seed(): Seed | undefined {
    return this.ownSeed;
  }

  /**
   * A new, unbuilt layer of the same class, units and arguments, with `overrides` in place of some
   * (Bidirectional makes its forward and backward halves with it). Initializers and constraints
   * are shared objects; they hold no state.
   */
  copyWith(overrides: RecurrentArgs): RecurrentLayer {
    const Class = this.constructor as new (units: number, args: RecurrentArgs) => RecurrentLayer;
    return new Class(this.units, { ...this.args, ...overrides });
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activation,
      recurrent_activation: this.recurrentActivation,
      use_bias: this.useBias,
      ...kernelBiasConfig(this.kernelInitializer, this.biasInitializer, this.kernelConstraint, this.biasConstraint, this.kernelRegularizer, this.biasRegularizer, this.activityRegularizer),
      recurrent_initializer: serializeObject(this.recurrentInitializer),
      recurrent_regularizer: serializeObject(this.recurrentRegularizer),
      recurrent_constraint: serializeObject(this.recurrentConstraint),
      dropout: this.dropout,
      recurrent_dropout: this.recurrentDropout,
      return_sequences: this.returnSequences,
      return_state: this.returnState,
      go_backwards: this.goBackwards,
      stateful: false,
      unroll: false,
    };
  }

  private checkElementwise(act: ActivationName, arg: string): ActivationName {
    if (act === 'softmax') throw new Error(`${this.className} '${this.name}': ${arg} must be elementwise; softmax is not allowed`);
    return act;
  }

  /** The input kernel [features, gates * units]. */
  get kernel(): Tensor {
    return this.weights[0];
  }

  /** The recurrent kernel [units, gates * units]. */
  get recurrentKernel(): Tensor {
    return this.weights[1];
  }

  /** The bias, or null without one. */
  get bias(): Tensor | null {
    return this.useBias ? this.weights[2] : null;
  }

  /** [time, features] -> [units], or [time, units] with `returnSequences`. */
  computeOutputShape(inputShape: readonly number[]): number[] {
    if (inputShape.length !== 2) {
      throw new RangeError(
        `${this.className} '${this.name}': expected a per-sample input of shape [time, features] (the batch is [batch, time, features]), got ${shapeToString(inputShape)}`,
      );
    }
    return this.returnSequences ? [inputShape[0], this.units] : [this.units];
  }

  /** The bias's shape and initial values (LSTM sets its forget gate to 1, GRU has two rows). */
  protected abstract biasShape(): number[];
  protected fillBias(b: Tensor, random: RandomStream): void {
    this.biasInitializer.fill(b, random);
  }

  /** kernel [features, gates * units], recurrent_kernel [units, gates * units], bias `biasShape()` (with `useBias`). */
  override weightShapes(inputShape: readonly number[]): WeightShape[] {
    const cols = this.gates * this.units;
    const shapes = [
      { name: 'kernel', shape: [inputShape[1], cols] },
      { name: 'recurrent_kernel', shape: [this.units, cols] },
    ];
    if (this.useBias) shapes.push({ name: 'bias', shape: this.biasShape() });
    return shapes;
  }

  protected override createWeights(_inputShape: readonly number[], random: BuildRandom): void {
    this.addWeight('kernel', (w) => this.kernelInitializer.fill(w, random.init), this.kernelConstraint, this.kernelRegularizer);
    this.addWeight('recurrent_kernel', (w) => this.recurrentInitializer.fill(w, random.init), this.recurrentConstraint, this.recurrentRegularizer);
    if (this.useBias) this.addWeight('bias', (w) => this.fillBias(w, random.init), this.biasConstraint, this.biasRegularizer);
    this.maskState = new RandomStream(this.ownSeed !== undefined ? String(this.ownSeed) : `${random.layerSeed}/noise`).bitState();
  }

  /** State of the mask kernel's fast generator (a layer used outside a model seeds it from its own seed or name). */
  private maskBits(): Uint32Array {
    if (this.maskState === null) this.maskState = new RandomStream(this.ownSeed !== undefined ? String(this.ownSeed) : this.name).bitState();
    return this.maskState;
  }

  /** x [batch, time, features] -> [batch, units] or [batch, time, units]. */
  call(x: Tensor, ctx: CallContext): Tensor {
    return this.callWithState(x, ctx).output;
  }

  /**
   * The forward pass with optional initial states (each [batch, units]: [h0, c0] for LSTM, [h0]
   * otherwise) and the final states (with `returnState`), all differentiable.
   */
  callWithState(x: Tensor, ctx: CallContext, initialState: readonly Tensor[] | null = null): RecurrentOpResult {
    const features = this.kernel.shape[0];
    if (x.rank !== 3 || x.shape[2] !== features) {
      throw new RangeError(`${this.className} '${this.name}': expected an input [batch, time, ${features}], got ${shapeToString(x.shape)}`);
    }
    const opts = this.opts;
    opts.inputMask = null;
    opts.recurrentMask = null;
    opts.initialState = initialState;
    // Training: draw this pass's two masks, once for the whole sequence, and cache them.
    if (ctx.training && this.dropout > 0) {
      const mask = this.buffers(ctx).get(ctx, 'inputMask', [x.shape[0], features]);
      drawDropoutMask(mask.data, this.dropout, this.maskBits());
      this.lastInputMask = mask;
      opts.inputMask = mask;
    }
    if (ctx.training && this.recurrentDropout > 0) {
      const mask = this.buffers(ctx).get(ctx, 'recurrentMask', [x.shape[0], this.units]);
      drawDropoutMask(mask.data, this.recurrentDropout, this.maskBits());
      this.lastRecurrentMask = mask;
      opts.recurrentMask = mask;
    }
    const result = this.op(ctx, this.buffers(ctx), x, this.kernel, this.recurrentKernel, this.bias, opts);
    if (this.returnState) this.lastStates = result.states;
    return result;
  }
}

/**
 * SimpleRNN(units): h_t = activation(x_t · kernel + h_{t-1} · recurrentKernel + bias).
 * Input [batch, time, features] -> [batch, units] (or [batch, time, units]).
 * Weights: kernel [features, units], recurrent_kernel [units, units], bias [units].
 */
export class SimpleRNN extends RecurrentLayer {
  protected readonly gates = 1;
  protected readonly op = simpleRnn;

  protected biasShape(): number[] {
    return [this.units];
  }
}

/**
 * LSTM(units): Keras' long short-term memory layer, gates i, f, c, o.
 * Input [batch, time, features] -> [batch, units] (or [batch, time, units]).
 * Weights: kernel [features, 4u], recurrent_kernel [units, 4u], bias [4u] (forget slice 1 with `unitForgetBias`).
 */
export class LSTM extends RecurrentLayer {
  static override readonly optionKeys = moreOptionKeys<LSTMArgs, RecurrentArgs>(RECURRENT_KEYS, { unitForgetBias: true });
  protected readonly gates = 4;
  protected readonly op = lstm;
  readonly unitForgetBias: boolean;

  constructor(units: number, args: LSTMArgs = {}) {
    super(units, args);
    this.unitForgetBias = args.unitForgetBias ?? true;
  }

  protected biasShape(): number[] {
    return [4 * this.units];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), unit_forget_bias: this.unitForgetBias };
  }

  protected override fillBias(b: Tensor, random: RandomStream): void {
    super.fillBias(b, random);
    if (this.unitForgetBias) b.data.fill(1, this.units, 2 * this.units);
  }
}

/**
 * GRU(units): Keras' gated recurrent unit, gates z, r, h, with `resetAfter` true (default) or false
 * (see `GRUArgs.resetAfter` and kernels/gru.ts, kernels/gru-reset-before.ts for the equations).
 * Input [batch, time, features] -> [batch, units] (or [batch, time, units]).
 * Weights: kernel [features, 3u], recurrent_kernel [units, 3u], bias [2, 3u] (input bias, recurrent
 * bias) with resetAfter, [3u] without.
 */
export class GRU extends RecurrentLayer {
  static override readonly optionKeys = moreOptionKeys<GRUArgs, RecurrentArgs>(RECURRENT_KEYS, { resetAfter: true });
  protected readonly gates = 3;
  /** The gru op in this layer's variant. */
  protected readonly op: RecurrentOp = (ctx, ws, x, kernel, recurrentKernel, bias, opts) =>
    gru(ctx, ws, x, kernel, recurrentKernel, bias, { ...opts, resetAfter: this.resetAfter });
  readonly resetAfter: boolean;

  constructor(units: number, args: GRUArgs = {}) {
    super(units, args);
    const resetAfter = args.resetAfter ?? true;
    if (typeof resetAfter !== 'boolean') {
      throw new TypeError(`GRU '${this.name}': resetAfter must be true or false, got ${describe(resetAfter)}`);
    }
    this.resetAfter = resetAfter;
  }

  protected biasShape(): number[] {
    return this.resetAfter ? [2, 3 * this.units] : [3 * this.units];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), reset_after: this.resetAfter };
  }
}
