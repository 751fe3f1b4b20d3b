/**
 * The wrapper layers: a layer that runs another layer in a new way.
 *
 * - `TimeDistributed({ layer })`: the inner layer on every time step of a sequence, as one call on
 *   the batch and time axes folded together.
 * - `Bidirectional({ layer, mergeMode })`: a recurrent layer run forwards and backwards in time,
 *   the two outputs merged.
 *
 * A wrapper's weights are its inner layers' weights (the same tensors), so `getWeights`,
 * `setWeights`, saving, loading, constraints and `trainable` see them through the wrapper. The
 * configs are TensorFlow.js's (`{ layer: { class_name, config } }`, plus `merge_mode` for
 * Bidirectional), and so are the weight names in model.json: `<td>/kernel` for TimeDistributed,
 * `<bi>/forward_<inner>/kernel` and `<bi>/backward_<inner>/kernel` for Bidirectional.
 */
import { CallContext } from '../lib/autodiff';
import { reshape } from '../lib/conv-ops';
import { BuildRandom, Layer, LAYER_KEYS, LayerArgs, WeightShape } from '../lib/layer';
import { moreOptionKeys } from '../lib/options';
import { mergePair, PAIR_MERGE_MODES, PairMergeMode, reverseTime } from '../lib/sequence-ops';
import { describe, shapeToString, Tensor } from '../lib/tensor';
import { RecurrentLayer } from './recurrent';

/** Options of `TimeDistributed`. */
export interface TimeDistributedArgs extends LayerArgs {
  /** The layer to run on every time step (any single-input layer). */
  layer: Layer;
}

/** Options of `Bidirectional`. */
export interface BidirectionalArgs extends LayerArgs {
  /** The recurrent layer (LSTM, GRU or SimpleRNN) whose configuration both directions copy. */
  layer: RecurrentLayer;
  /** How the two directions' outputs are merged (default 'concat', on the last axis). */
  mergeMode?: PairMergeMode;
}

/** Makes the inner layers' weights the wrapper's own (the same tensors, names prefixed by `prefix`). */
function adoptWeights(wrapper: Layer, inner: Layer, prefix: string): void {
  inner.weights.forEach((w, i) => {
    wrapper.weights.push(w);
    wrapper.weightNames.push(prefix + inner.weightNames[i]);
    wrapper.constraints.push(inner.constraints[i]);
    wrapper.regularizers.push(inner.regularizers[i]);
    wrapper.learnt.push(inner.learnt[i]);
  });
}

/** The `layer` option, checked to be a Layer (TypeError naming the wrapper otherwise). */
function innerLayer(where: string, args: unknown): Layer {
  const layer = (args as { layer?: unknown } | undefined)?.layer;
  if (!(layer instanceof Layer)) throw new TypeError(`${where}: the option 'layer' must be a Layer (e.g. { layer: new Dense(8) }), got ${describe(layer)}`);
  return layer;
}

/**
 * TimeDistributed({ layer }): applies `layer` to every time step of a sequence, the same weights
 * at each step. Input [batch, time, ...inner] -> output [batch, time, ...innerOutput], where
 * `layer` maps [n, ...inner] to [n, ...innerOutput]. It runs as one call of the inner layer on
 * the input reshaped to [batch * time, ...inner], reshaped back after.
 *
 * The inner layer is built for the per-sample shape `inner` (unless built before, then it must
 * have been built for that shape); its weights are this layer's weights (named as the inner layer
 * names them: `kernel`, `bias`), and `trainable` is the inner layer's.
 */
export class TimeDistributed extends Layer {
  static override readonly optionKeys = moreOptionKeys<TimeDistributedArgs, LayerArgs>(LAYER_KEYS, { layer: true });
  /** The layer run on every time step. */
  readonly layer: Layer;

  constructor(args: TimeDistributedArgs) {
    super(args);
    const layer = innerLayer(`TimeDistributed '${this.name}'`, args);
    if (layer.takesList) throw new Error(`TimeDistributed '${this.name}': the inner layer '${layer.name}' (${layer.className}) takes a list of inputs; TimeDistributed wraps single-input layers`);
    this.layer = layer;
    if (args.trainable !== undefined) layer.trainable = args.trainable;
  }

  /** The inner layer's: TimeDistributed has no weights but its inner layer's. */
  override get trainable(): boolean {
    return this.layer.trainable;
  }

  override set trainable(value: boolean) {
    this.layer.trainable = value;
  }

  override get stochastic(): boolean {
    return this.layer.stochastic;
  }

  /** The per-sample input of the inner layer: `inputShape` without its time axis. */
  private innerShape(inputShape: readonly number[]): number[] {
    if (inputShape.length < 2) {
      throw new RangeError(
        `TimeDistributed '${this.name}': expected a per-sample input [time, ...] of rank >= 2 (the batch is [batch, time, ...]), got ${shapeToString(inputShape)}`,
      );
    }
    return inputShape.slice(1);
  }

  /** [time, ...inner] -> [time, ...innerOutput]. */
  computeOutputShape(inputShape: readonly number[]): number[] {
    return [inputShape[0], ...this.layer.computeOutputShape(this.innerShape(inputShape))];
  }

  /** The inner layer's weights for the per-step shape. */
  override weightShapes(inputShape: readonly number[]): WeightShape[] {
    return this.layer.weightShapes(this.innerShape(inputShape));
  }

  protected override createWeights(inputShape: readonly number[], random: BuildRandom): void {
    const inner = this.innerShape(inputShape);
    if (!this.layer.built) this.layer.build(inner, random);
    else {
      const built = this.layer.inputShape as number[];
      if (built.length !== inner.length || built.some((d, i) => d !== inner[i])) {
        throw new RangeError(`TimeDistributed '${this.name}': the inner layer '${this.layer.name}' was built for per-sample input ${shapeToString(built)}, but each time step here is ${shapeToString(inner)}`);
      }
    }
    adoptWeights(this, this.layer, '');
  }

  /** x [batch, time, ...inner] -> [batch, time, ...innerOutput]. */
  call(x: Tensor, ctx: CallContext): Tensor {
    const expected = this.inputShape as number[];
    if (x.rank !== expected.length + 1 || x.shape.some((d, i) => i > 0 && d !== expected[i - 1])) {
      throw new RangeError(`TimeDistributed '${this.name}': expected an input [batch, ${expected.join(', ')}], got ${shapeToString(x.shape)}`);
    }
    const ws = this.buffers(ctx);
    const [batch, time] = x.shape;
    // Fold time into the batch, run the inner layer once, unfold.
    const steps = reshape(ctx, ws, x, [batch * time, ...x.shape.slice(2)]);
    const y = this.layer.call(steps, ctx);
    return reshape(ctx, ws, y, [batch, time, ...y.shape.slice(1)]);
  }

  /** TensorFlow.js's config: `{ layer: { class_name, config }, name, trainable, ... }`. */
  override getConfig(): Record<string, unknown> {
    return { layer: { class_name: this.layer.className, config: this.layer.getConfig() }, ...super.getConfig() };
  }
}

/**
 * Bidirectional({ layer, mergeMode }): a recurrent layer (LSTM, GRU or SimpleRNN) run over the
 * sequence forwards and backwards, the two outputs merged.
 *
 * Input [batch, time, features] -> output [batch, units'] (the two final outputs merged), or
 * [batch, time, units'] with the layer's `returnSequences` (the backward half's sequence put
 * back in forward time order first, as Keras and TensorFlow.js do), where units' = 2 * units for
 * mergeMode 'concat' (default; forward's then backward's on the last axis) and units for 'sum',
 * 'mul' and 'ave' (the mean).
 *
 * As in Keras, `layer` serves as a template: two new layers are made from its arguments,
 * `forwardLayer` (named `forward_<name>`) and `backwardLayer` (`backward_<name>`, with
 * `goBackwards` flipped), each with its own weights and, in training, its own dropout masks drawn
 * at every pass (an explicit `seed` of `layer` is the forward half's; the backward half's is
 * derived from it). The weights are forward's then backward's, named `forward_<name>/kernel`, ...
 * The inner layer's `inputShape`, if any, is this layer's when it has none. `returnState` is not
 * supported, nor mergeMode null (two outputs).
 */
export class Bidirectional extends Layer {
  static override readonly optionKeys = moreOptionKeys<BidirectionalArgs, LayerArgs>(LAYER_KEYS, { layer: true, mergeMode: true });
  /** The layer given (its configuration is what both halves copy; it is not run itself). */
  readonly layer: RecurrentLayer;
  /** The half that reads the sequence in the inner layer's direction. */
  readonly forwardLayer: RecurrentLayer;
  /** The half that reads it the other way (`goBackwards` flipped). */
  readonly backwardLayer: RecurrentLayer;
  readonly mergeMode: PairMergeMode;
  readonly returnSequences: boolean;

  constructor(args: BidirectionalArgs) {
    super(withInnerInputShape(args));
    const where = `Bidirectional '${this.name}'`;
    const layer = innerLayer(where, args);
    if (!(layer instanceof RecurrentLayer)) {
      throw new TypeError(`${where}: the option 'layer' must be a recurrent layer (LSTM, GRU or SimpleRNN), got '${layer.name}' (${layer.className})`);
    }
    if (layer.returnState) {
      throw new Error(`${where}: the inner layer '${layer.name}' has returnState true, which Bidirectional does not support (it has one output); read each half's lastStates instead`);
    }
    const mergeMode = args.mergeMode === undefined ? 'concat' : args.mergeMode;
    if (!PAIR_MERGE_MODES.includes(mergeMode)) {
      const extra = mergeMode === null ? ' (null, two separate outputs, is not supported)' : '';
      throw new Error(`${where}: mergeMode must be one of ${PAIR_MERGE_MODES.map((m) => `'${m}'`).join(', ')}, got ${describe(mergeMode)}${extra}`);
    }
    this.layer = layer;
    this.mergeMode = mergeMode;
    this.returnSequences = layer.returnSequences;
    const trainable = args.trainable ?? layer.trainable;
    this.forwardLayer = layer.copyWith({ name: `forward_${layer.name}`, trainable });
    this.backwardLayer = layer.copyWith({
      name: `backward_${layer.name}`,
      goBackwards: !layer.goBackwards,
      trainable,
      seed: layer.seed === undefined ? undefined : `${layer.seed}/backward`,
    });
    super.trainable = trainable;
  }

  /** Whether the optimizer updates both halves' weights. */
  override get trainable(): boolean {
    return super.trainable;
  }

  override set trainable(value: boolean) {
    super.trainable = value;
    // The halves exist once the constructor has made them.
    if (this.forwardLayer !== undefined) this.forwardLayer.trainable = value;
    if (this.backwardLayer !== undefined) this.backwardLayer.trainable = value;
  }

  override get stochastic(): boolean {
    return this.layer.stochastic;
  }

  /** [time, features] -> [units'] or [time, units'] (units' = 2 * units for 'concat'). */
  computeOutputShape(inputShape: readonly number[]): number[] {
    let out: number[];
    try {
      out = this.forwardLayer.computeOutputShape(inputShape);
    } catch (e) {
      throw e instanceof RangeError ? new RangeError(`Bidirectional '${this.name}': ${e.message}`) : e;
    }
    if (this.mergeMode === 'concat') out[out.length - 1] *= 2;
    return out;
  }

  /** forward_<name>/kernel, .../recurrent_kernel, .../bias, then the same for backward_<name>. */
  override weightShapes(inputShape: readonly number[]): WeightShape[] {
    return [this.forwardLayer, this.backwardLayer].flatMap((half) =>
      half.weightShapes(inputShape).map((w) => ({ name: `${half.name}/${w.name}`, shape: w.shape })),
    );
  }

  protected override createWeights(inputShape: readonly number[], random: BuildRandom): void {
    this.forwardLayer.build(inputShape, { init: random.init, layerSeed: `${random.layerSeed}/forward` });
    this.backwardLayer.build(inputShape, { init: random.init, layerSeed: `${random.layerSeed}/backward` });
    adoptWeights(this, this.forwardLayer, `${this.forwardLayer.name}/`);
    adoptWeights(this, this.backwardLayer, `${this.backwardLayer.name}/`);
  }

  /** x [batch, time, features] -> [batch, units'] or [batch, time, units']. */
  call(x: Tensor, ctx: CallContext): Tensor {
    const ws = this.buffers(ctx);
    const forward = this.forwardLayer.call(x, ctx);
    const backward = this.backwardLayer.call(x, ctx);
    // The backward half's sequence comes out last step first: put it back in time order.
    const aligned = this.returnSequences ? reverseTime(ctx, ws, backward) : backward;
    return mergePair(ctx, ws, this.mergeMode, forward, aligned);
  }

  /** TensorFlow.js's config: `{ merge_mode, layer: { class_name, config }, name, trainable, ... }` (the config of the layer given). */
  override getConfig(): Record<string, unknown> {
    const inner = { ...this.forwardLayer.getConfig(), name: this.layer.name, go_backwards: this.layer.goBackwards };
    return { merge_mode: this.mergeMode, layer: { class_name: this.layer.className, config: inner }, ...super.getConfig() };
  }
}

/** `args` with the inner layer's declared input shape when the wrapper declares none. */
function withInnerInputShape(args: BidirectionalArgs): BidirectionalArgs {
  if (typeof args !== 'object' || args === null || args.inputShape !== undefined || args.inputDim !== undefined) return args;
  const shape = args.layer instanceof Layer ? args.layer.declaredInputShape : null;
  return shape === null ? args : { ...args, inputShape: shape };
}
