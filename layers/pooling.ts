/**
 * Pooling layers, channels-last, with Keras' defaults: pool 2, strides = pool, padding 'valid'.
 *
 * - `MaxPooling2D`, `AveragePooling2D`: [batch, h, w, C] -> [batch, outH, outW, C].
 * - `MaxPooling1D`, `AveragePooling1D`: [batch, steps, C] -> [batch, outSteps, C].
 * - `GlobalAveragePooling2D`, `GlobalMaxPooling2D`: [batch, h, w, C] -> [batch, C]
 *   (and the 1D twins: [batch, steps, C] -> [batch, C]).
 *
 * out = floor((in - pool) / stride) + 1 ('valid') or ceil(in / stride) ('same'); with 'same' a
 * window at the edge pools only the values it covers. No weights.
 */
import { outputLength } from '../kernels/im2col';
import { CallContext } from '../lib/autodiff';
import { globalPool, Padding, pool1d, pool2d } from '../lib/conv-ops';
import { Layer, LAYER_KEYS, LayerArgs } from '../lib/layer';
import { moreOptionKeys } from '../lib/options';
import { shapeToString, Tensor } from '../lib/tensor';
import { checkCallShape, parsePadding, parseTuple } from './conv';

/** Options of the pooling layers. */
export interface PoolingArgs extends LayerArgs {
  /** Window size: a number or one per spatial axis (default 2). */
  poolSize?: number | readonly number[];
  /** Step of the window (default: the pool size). */
  strides?: number | readonly number[];
  /** 'valid' (default) or 'same'. */
  padding?: Padding;
}

const POOLING_KEYS = moreOptionKeys<PoolingArgs, LayerArgs>(LAYER_KEYS, { poolSize: true, strides: true, padding: true });

/** The pool size as a positional argument or inside the options. */
type PoolSizeOrArgs = number | readonly number[] | PoolingArgs | undefined;

/** Windowed max or average pooling over 1 or 2 spatial axes. */
abstract class Pooling extends Layer {
  static override readonly optionKeys = POOLING_KEYS;
  readonly poolSize: number[];
  readonly strides: number[];
  readonly padding: Padding;
  protected abstract readonly kind: 'max' | 'avg';

  constructor(spatial: number, poolSizeOrArgs: PoolSizeOrArgs, maybeArgs: PoolingArgs) {
    const positional = typeof poolSizeOrArgs === 'number' || Array.isArray(poolSizeOrArgs);
    const args: PoolingArgs = positional ? { ...maybeArgs, poolSize: poolSizeOrArgs as number | number[] } : ((poolSizeOrArgs as PoolingArgs | undefined) ?? maybeArgs);
    super(args);
    const me = `${this.className} '${this.name}'`;
    this.poolSize = parseTuple(args.poolSize ?? 2, spatial, `${me}: poolSize`);
    this.strides = args.strides === undefined || args.strides === null ? this.poolSize.slice() : parseTuple(args.strides, spatial, `${me}: strides`);
    this.padding = parsePadding(args.padding ?? 'valid', me);
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    const spatial = this.poolSize.length;
    const me = `${this.className} '${this.name}'`;
    if (inputShape.length !== spatial + 1) {
      const axes = spatial === 2 ? 'height, width, channels' : 'steps, channels';
      throw new RangeError(`${me}: expected an input of rank ${spatial + 2} ([batch, ${axes}]), got per-sample shape ${shapeToString(inputShape)} (rank ${inputShape.length + 1} with the batch axis)`);
    }
    const out = this.poolSize.map((p, a) => outputLength(inputShape[a], p, this.strides[a], this.padding));
    if (out.some((d) => d < 1)) {
      throw new RangeError(`${me}: pool ${this.poolSize.join('x')} is larger than the input ${inputShape.slice(0, spatial).join('x')} (padding '${this.padding}')`);
    }
    return [...out, inputShape[spatial]];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), pool_size: this.poolSize.slice(), strides: this.strides.slice(), padding: this.padding, data_format: 'channels_last' };
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    checkCallShape(this, x);
    if (this.poolSize.length === 2) {
      return pool2d(ctx, this.buffers(ctx), this.kind, x, this.poolSize as [number, number], this.strides as [number, number], this.padding);
    }
    return pool1d(ctx, this.buffers(ctx), this.kind, x, this.poolSize[0], this.strides[0], this.padding);
  }
}

/** MaxPooling2D({ poolSize = 2, strides = poolSize, padding = 'valid' }): the maximum of each window, [batch, h, w, C] -> [batch, outH, outW, C]. */
export class MaxPooling2D extends Pooling {
  protected readonly kind = 'max';
  constructor(poolSize?: PoolSizeOrArgs, args: PoolingArgs = {}) {
    super(2, poolSize, args);
  }
}

/** AveragePooling2D({ poolSize = 2, strides = poolSize, padding = 'valid' }): the mean of each window, [batch, h, w, C] -> [batch, outH, outW, C]. */
export class AveragePooling2D extends Pooling {
  protected readonly kind = 'avg';
  constructor(poolSize?: PoolSizeOrArgs, args: PoolingArgs = {}) {
    super(2, poolSize, args);
  }
}

/** MaxPooling1D({ poolSize = 2, strides = poolSize, padding = 'valid' }): [batch, steps, C] -> [batch, outSteps, C]. */
export class MaxPooling1D extends Pooling {
  protected readonly kind = 'max';
  constructor(poolSize?: PoolSizeOrArgs, args: PoolingArgs = {}) {
    super(1, poolSize, args);
  }
}

/** AveragePooling1D({ poolSize = 2, strides = poolSize, padding = 'valid' }): [batch, steps, C] -> [batch, outSteps, C]. */
export class AveragePooling1D extends Pooling {
  protected readonly kind = 'avg';
  constructor(poolSize?: PoolSizeOrArgs, args: PoolingArgs = {}) {
    super(1, poolSize, args);
  }
}

/** Mean or maximum over every spatial position: [batch, ...spatial, C] -> [batch, C]. */
abstract class GlobalPooling extends Layer {
  protected abstract readonly kind: 'max' | 'avg';
  protected abstract readonly spatial: number;

  computeOutputShape(inputShape: readonly number[]): number[] {
    if (inputShape.length !== this.spatial + 1) {
      const axes = this.spatial === 2 ? 'height, width, channels' : 'steps, channels';
      throw new RangeError(`${this.className} '${this.name}': expected an input of rank ${this.spatial + 2} ([batch, ${axes}]), got per-sample shape ${shapeToString(inputShape)}`);
    }
    return [inputShape[inputShape.length - 1]];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: 'channels_last' };
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    checkCallShape(this, x);
    return globalPool(ctx, this.buffers(ctx), this.kind, x);
  }
}

/** GlobalAveragePooling2D(): the mean of each feature map, [batch, h, w, C] -> [batch, C]. */
export class GlobalAveragePooling2D extends GlobalPooling {
  protected readonly kind = 'avg';
  protected readonly spatial = 2;
}

/** GlobalMaxPooling2D(): the maximum of each feature map, [batch, h, w, C] -> [batch, C]. */
export class GlobalMaxPooling2D extends GlobalPooling {
  protected readonly kind = 'max';
  protected readonly spatial = 2;
}

/** GlobalAveragePooling1D(): the mean over the steps, [batch, steps, C] -> [batch, C]. */
export class GlobalAveragePooling1D extends GlobalPooling {
  protected readonly kind = 'avg';
  protected readonly spatial = 1;
}

/** GlobalMaxPooling1D(): the maximum over the steps, [batch, steps, C] -> [batch, C]. */
export class GlobalMaxPooling1D extends GlobalPooling {
  protected readonly kind = 'max';
  protected readonly spatial = 1;
}
