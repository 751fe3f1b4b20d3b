/**
 * The dropout family. During training, Dropout sets each input unit to 0 with probability
 * `rate` and scales the kept ones by 1 / (1 - rate) (inverted dropout), so nothing changes at
 * inference, where every layer here is the identity.
 *
 * The mask is drawn once per forward pass, cached on the layer as `lastMask`, and the backward
 * pass multiplies the upstream gradient by that same mask: the units dropped on the way forward
 * get no gradient on the way back.
 *
 * A spatial dropout is a dropout with another noise shape: SpatialDropout2D draws one value per
 * (sample, channel), [batch, 1, 1, channels], and broadcasts it over every row and column, so
 * whole feature maps are dropped (Tompson et al., 2015).
 */
import { broadcastMultiply, drawDropoutMask } from '../kernels/dropout';
import { SELU_ALPHA, SELU_SCALE } from '../kernels/activations';
import { CallContext, gradOf, record, takeUnsetGrad } from '../lib/autodiff';
import { BuildRandom, Layer, LAYER_KEYS, LayerArgs } from '../lib/layer';
import { moreOptionKeys } from '../lib/options';
import { scaleShift } from '../lib/ops';
import { RandomStream, Seed } from '../lib/random';
import { shapeToString, Tensor, describe } from '../lib/tensor';

/** Options of `Dropout` and the spatial dropouts. */
export interface DropoutArgs extends NoiseArgs {
  /**
   * Shape of the mask, batch axis first (Keras' noise_shape); `null` entries take the input's
   * length. An axis of length 1 shares one draw along that axis. Default: the input's shape.
   */
  noiseShape?: readonly (number | null)[];
}

/** Options of GaussianDropout and GaussianNoise. */
export interface NoiseArgs extends LayerArgs {
  /** A seed of the layer's own (default: derived from the model's seed and the layer's position). */
  seed?: Seed;
}

const NOISE_KEYS = moreOptionKeys<NoiseArgs, LayerArgs>(LAYER_KEYS, { seed: true });
const DROPOUT_KEYS = moreOptionKeys<DropoutArgs, NoiseArgs>(NOISE_KEYS, { noiseShape: true });

/** Throws the RangeError the whole family uses for a bad rate. */
function checkRate(layer: string, rate: number): void {
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) {
    throw new RangeError(
      `${layer}: rate must be in [0, 1) (the probability of dropping a unit), got ${describe(rate)}. ` +
        'Papers often quote the keep probability p instead: rate = 1 - p.',
    );
  }
}

/** A noiseShape argument: undefined or null (the input's shape), or an array of positive integers and nulls. */
function checkNoiseShapeArg(where: string, arg: unknown): readonly (number | null)[] | undefined {
  if (arg === undefined || arg === null) return undefined;
  if (!Array.isArray(arg) || arg.length === 0 || !arg.every((d) => d === null || (Number.isInteger(d) && d > 0))) {
    throw new RangeError(`${where}: noiseShape must be an array of positive integers and nulls, batch axis first, got ${JSON.stringify(arg) ?? String(arg)}`);
  }
  return arg.slice();
}

/**
 * The mask shape that `noiseShape` gives for an input of (batch-first) `shape`: null takes the
 * input's length; from axis `fromAxis` on, every other entry must be 1 or the input's length.
 */
function maskShapeFor(where: string, noiseShape: readonly (number | null)[], shape: readonly number[], fromAxis = 0): number[] {
  if (noiseShape.length !== shape.length) {
    throw new RangeError(
      `${where}: noiseShape ${JSON.stringify(noiseShape)} has ${noiseShape.length} axes; the input ${shapeToString(shape)} has ${shape.length} (batch axis included)`,
    );
  }
  return noiseShape.map((d, a) => {
    if (d === null) return shape[a];
    if (a >= fromAxis && d !== 1 && d !== shape[a]) {
      throw new RangeError(`${where}: noiseShape ${JSON.stringify(noiseShape)} does not fit the input ${shapeToString(shape)}: axis ${a} has length ${d}; expected null, 1 or ${shape[a]}`);
    }
    return d;
  });
}

/** The base of the family: a layer with its own seeded stream and no weights; output shape = input shape. */
abstract class NoiseLayer extends Layer {
  static override readonly optionKeys = NOISE_KEYS;
  /**
   * The mask (or noise) of the last training pass: 0 where a unit was dropped, the kept units'
   * scale elsewhere. Reused (overwritten) by the next pass: clone it to keep it.
   */
  lastMask: Tensor | null = null;
  /**
   * The last mask drawn at each node of the layer (`nodeMasks[i]` for `inboundNodes[i]`): a layer
   * applied twice in a model draws a new mask at each use, and each stays reachable here.
   */
  readonly nodeMasks: Tensor[] = [];
  protected random: RandomStream | null = null;
  private bits: Uint32Array | null = null;
  private readonly ownSeed: Seed | undefined;

  /** The layer's own seed argument, if it was given one. */
  protected get seedArg(): Seed | undefined {
    return this.ownSeed;
  }

  constructor(args: NoiseArgs) {
    super(args);
    this.ownSeed = args.seed;
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    return inputShape.slice();
  }

  /** Caches this pass's mask on the layer (`lastMask`) and for the node being run (`nodeMasks`). */
  protected remember(ctx: CallContext, mask: Tensor): void {
    this.lastMask = mask;
    this.nodeMasks[ctx.nodeIndex ?? 0] = mask;
  }

  /** The strength of the noise (a rate or a standard deviation); 0 makes the layer the identity. */
  protected abstract get strength(): number;

  override get stochastic(): boolean {
    return this.strength > 0;
  }

  protected override createWeights(_inputShape: readonly number[], random: BuildRandom): void {
    this.random = new RandomStream(this.ownSeed !== undefined ? String(this.ownSeed) : `${random.layerSeed}/noise`);
    this.bits = null;
  }

  /** The layer's stream (a layer used outside a model seeds itself from its own seed or name). */
  protected stream(): RandomStream {
    if (this.random === null) this.random = new RandomStream(this.ownSeed !== undefined ? String(this.ownSeed) : this.name);
    return this.random;
  }

  /** State of the mask kernel's fast generator, seeded from the layer's stream on first use. */
  protected maskBits(): Uint32Array {
    if (this.bits === null) this.bits = this.stream().bitState();
    return this.bits;
  }
}

/**
 * Dropout(rate): input [batch, ...] -> output of the same shape. Training: y = x * mask with
 * mask 0 (probability `rate`) or 1 / (1 - rate), of shape `noiseShape` broadcast over the input.
 * Inference: y = x.
 *
 * On a sequence [batch, time, features] the default mask has the input's shape, so each time
 * step gets a different mask (unlike LSTM's own `dropout`, which reuses one mask per sequence).
 */
export class Dropout extends NoiseLayer {
  static override readonly optionKeys = DROPOUT_KEYS;
  /** Probability of dropping a unit (Keras' meaning; the keep probability is 1 - rate). */
  readonly rate: number;
  private readonly noiseShapeArg: readonly (number | null)[] | undefined;

  constructor(rate: number, args: DropoutArgs = {}) {
    super(args);
    checkRate(`${new.target.name} '${this.name}'`, rate);
    this.rate = rate;
    this.noiseShapeArg = checkNoiseShapeArg(`${this.className} '${this.name}'`, args.noiseShape);
  }

  protected get strength(): number {
    return this.rate;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, noise_shape: this.noiseShapeArg ?? null, seed: this.seedArg ?? null };
  }

  /** The mask's shape for an input of (batch-first) `shape`. */
  noiseShape(shape: readonly number[]): number[] {
    if (this.noiseShapeArg === undefined) return shape.slice();
    return maskShapeFor(`${this.className} '${this.name}'`, this.noiseShapeArg, shape);
  }

  override computeOutputShape(inputShape: readonly number[]): number[] {
    // Every axis but the batch's can be checked now; the batch axis is checked at each call.
    if (this.noiseShapeArg !== undefined) maskShapeFor(`${this.className} '${this.name}'`, this.noiseShapeArg, [1, ...inputShape], 1);
    return inputShape.slice();
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    // At inference dropout is the identity (inverted dropout scaled the kept units in training).
    if (!ctx.training || this.rate === 0) return x;

    // 1. Draw this pass's mask: 0 with probability `rate`, else 1 / (1 - rate) (drawn and scaled).
    const maskShape = this.noiseShape(x.shape);
    const ws = this.buffers(ctx);
    const mask = ws.get(ctx, 'mask', maskShape);
    drawDropoutMask(mask.data, this.rate, this.maskBits());

    // 2. Cache it on the layer, where users (and the backward pass) can read it.
    this.remember(ctx, mask);

    // 3. Apply it: y = x * mask, broadcast along the mask's axes of length 1.
    const y = ws.get(ctx, 'y', x.shape);
    broadcastMultiply(x.data, mask.data, y.data, x.shape, maskShape);

    // 4. On the way back, the same mask: dx = dy * mask (dropped units get no gradient), added to
    //    dx instead if another op already wrote into it in this pass.
    record(ctx, y, [x], () => {
      if (!x.requiresGrad) return;
      const add = !takeUnsetGrad(x);
      broadcastMultiply(y.grad as Float32Array, mask.data, x.grad as Float32Array, x.shape, maskShape, add);
    });
    return y;
  }
}

/** Options of the spatial dropouts. */
export interface SpatialDropoutArgs extends NoiseArgs {
  /** Where the channels are: `'channelsLast'` (default, [batch, ..., channels]) or `'channelsFirst'`. */
  dataFormat?: 'channelsLast' | 'channelsFirst' | 'channels_last' | 'channels_first';
}

/** A Dropout whose mask has one value per (sample, channel), shared over every spatial position. */
abstract class SpatialDropout extends Dropout {
  static override readonly optionKeys = moreOptionKeys<SpatialDropoutArgs, NoiseArgs>(NOISE_KEYS, { dataFormat: true });
  /** Rank of the input, batch axis included. */
  protected abstract readonly inputRank: number;
  private readonly channelsFirst: boolean;

  constructor(rate: number, args: SpatialDropoutArgs = {}) {
    super(rate, args);
    const format = args.dataFormat ?? 'channelsLast';
    if (!['channelsLast', 'channels_last', 'channelsFirst', 'channels_first'].includes(format)) {
      throw new Error(`${this.className} '${this.name}': dataFormat must be 'channelsLast' or 'channelsFirst' (or 'channels_last', 'channels_first'), got ${JSON.stringify(format)}`);
    }
    this.channelsFirst = format === 'channelsFirst' || format === 'channels_first';
  }

  override noiseShape(shape: readonly number[]): number[] {
    const rank = this.inputRank;
    if (shape.length !== rank) {
      throw new RangeError(
        `${this.className} '${this.name}': expected an input of rank ${rank} (batch, ${rank - 2} spatial axes, channels), got ${shapeToString(shape)}`,
      );
    }
    // Length 1 on every spatial axis: keep only the batch and channel axes.
    const channelAxis = this.channelsFirst ? 1 : rank - 1;
    return shape.map((d, a) => (a === 0 || a === channelAxis ? d : 1));
  }

  override computeOutputShape(inputShape: readonly number[]): number[] {
    this.noiseShape([1, ...inputShape]);
    return inputShape.slice();
  }

  override getConfig(): Record<string, unknown> {
    const { noise_shape: _noiseShape, ...config } = super.getConfig();
    if (this.inputRank > 3) config.data_format = this.channelsFirst ? 'channels_first' : 'channels_last';
    return config;
  }
}

/** SpatialDropout1D(rate): input [batch, steps, channels]; drops whole channels, mask [batch, 1, channels]. */
export class SpatialDropout1D extends SpatialDropout {
  protected readonly inputRank = 3;
}

/** SpatialDropout2D(rate): input [batch, rows, cols, channels]; drops whole feature maps, mask [batch, 1, 1, channels]. */
export class SpatialDropout2D extends SpatialDropout {
  protected readonly inputRank = 4;
}

/** SpatialDropout3D(rate): input [batch, d1, d2, d3, channels]; drops whole volumes, mask [batch, 1, 1, 1, channels]. */
export class SpatialDropout3D extends SpatialDropout {
  protected readonly inputRank = 5;
}

/**
 * GaussianDropout(rate): multiplicative noise y = x * n, n ~ N(1, rate / (1 - rate)) per unit,
 * during training only. `lastMask` holds the noise of the last pass.
 */
export class GaussianDropout extends NoiseLayer {
  readonly rate: number;

  constructor(rate: number, args: NoiseArgs = {}) {
    super(args);
    checkRate(`GaussianDropout '${this.name}'`, rate);
    this.rate = rate;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, seed: this.seedArg ?? null };
  }

  protected get strength(): number {
    return this.rate;
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    if (!ctx.training || this.rate === 0) return x;
    const stddev = Math.sqrt(this.rate / (1 - this.rate));
    const ws = this.buffers(ctx);
    const noise = ws.get(ctx, 'noise', x.shape);
    const random = this.stream();
    // One multiplicative factor per unit.
    for (let i = 0; i < noise.size; i++) noise.data[i] = 1 + stddev * random.normal();
    this.remember(ctx, noise);
    return scaleShift(ctx, ws, x, noise, null);
  }
}

/** GaussianNoise(stddev): additive noise y = x + N(0, stddev^2) during training only; the gradient passes unchanged. */
export class GaussianNoise extends NoiseLayer {
  readonly stddev: number;
  /** The noise added in the last training pass. */
  lastNoise: Tensor | null = null;

  constructor(stddev: number, args: NoiseArgs = {}) {
    super(args);
    // Math.fround: noise is stored as float32, so a stddev beyond its range (~3.4e38) would be Infinity.
    if (typeof stddev !== 'number' || !(stddev >= 0) || !Number.isFinite(Math.fround(stddev))) {
      const beyond = Number.isFinite(stddev) && stddev > 0 ? ' (beyond the float32 range, about 3.4e38)' : '';
      throw new RangeError(`GaussianNoise '${this.name}': stddev must be a finite number >= 0, got ${describe(stddev)}${beyond}`);
    }
    this.stddev = stddev;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), stddev: this.stddev, seed: this.seedArg ?? null };
  }

  protected get strength(): number {
    return this.stddev;
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    if (!ctx.training || this.stddev === 0) return x;
    const ws = this.buffers(ctx);
    const noise = ws.get(ctx, 'noise', x.shape);
    const random = this.stream();
    for (let i = 0; i < noise.size; i++) noise.data[i] = this.stddev * random.normal();
    this.lastNoise = noise;
    return scaleShift(ctx, ws, x, null, noise);
  }
}

/**
 * AlphaDropout(rate): dropout for SELU networks (Klambauer et al., 2017). Dropped units are set to
 * SELU's negative saturation value, then an affine map a * x + b restores the mean and variance,
 * as Keras computes it. `lastMask` holds the multiplier a * keep (0 where dropped).
 */
export class AlphaDropout extends NoiseLayer {
  static override readonly optionKeys = DROPOUT_KEYS;
  readonly rate: number;
  private readonly noiseShapeArg: readonly (number | null)[] | undefined;

  constructor(rate: number, args: DropoutArgs = {}) {
    super(args);
    checkRate(`AlphaDropout '${this.name}'`, rate);
    this.rate = rate;
    this.noiseShapeArg = checkNoiseShapeArg(`AlphaDropout '${this.name}'`, args.noiseShape);
  }

  override computeOutputShape(inputShape: readonly number[]): number[] {
    if (this.noiseShapeArg !== undefined) maskShapeFor(`AlphaDropout '${this.name}'`, this.noiseShapeArg, [1, ...inputShape], 1);
    return inputShape.slice();
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, noise_shape: this.noiseShapeArg ?? null, seed: this.seedArg ?? null };
  }

  protected get strength(): number {
    return this.rate;
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    if (!ctx.training || this.rate === 0) return x;
    const rate = this.rate;
    const alphaP = -SELU_ALPHA * SELU_SCALE;
    const a = ((1 - rate) * (1 + rate * alphaP * alphaP)) ** -0.5;
    const b = -a * alphaP * rate;
    const shape = this.noiseShapeArg ? maskShapeFor(`AlphaDropout '${this.name}'`, this.noiseShapeArg, x.shape) : x.shape;
    const ws = this.buffers(ctx);
    const mask = ws.get(ctx, 'mask', shape);
    const offset = ws.get(ctx, 'offset', shape);
    const random = this.stream();
    // keep -> multiplier a, offset b; drop -> multiplier 0, offset a * alphaP + b.
    for (let i = 0; i < mask.size; i++) {
      const keep = random.uniform() >= rate;
      mask.data[i] = keep ? a : 0;
      offset.data[i] = keep ? b : a * alphaP + b;
    }
    this.remember(ctx, mask);
    return scaleShift(ctx, ws, x, mask, offset);
  }
}
