/**
 * Reshaping layers: the same values, another per-sample shape. No weights.
 *
 * - `Flatten()`: [batch, d1, d2, ...] -> [batch, d1 * d2 * ...].
 * - `Reshape(targetShape)`: [batch, ...] -> [batch, ...targetShape], one entry may be -1
 *   (inferred from the others), as Keras allows.
 * - `RepeatVector(n)`: [batch, features] -> [batch, n, features], each vector repeated n times.
 */
import { CallContext } from '../lib/autodiff';
import { reshape } from '../lib/conv-ops';
import { Layer, LayerArgs } from '../lib/layer';
import { repeatVector } from '../lib/ops';
import { describe, shapeToString, sizeOf, Tensor } from '../lib/tensor';
import { checkCallShape } from './conv';

/** The batch shape [x.shape[0], ...perSample], written into a kept array (no allocation per call). */
function batchShape(kept: number[], batch: number, perSample: readonly number[]): number[] {
  kept.length = perSample.length + 1;
  kept[0] = batch;
  for (let a = 0; a < perSample.length; a++) kept[a + 1] = perSample[a];
  return kept;
}

/** Flatten(): [batch, d1, d2, ...] -> [batch, d1 * d2 * ...] (row-major order, as Keras' channels-last Flatten). */
export class Flatten extends Layer {
  private readonly shapeScratch: number[] = [];

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    if (inputShape.length === 0) throw new RangeError(`Flatten '${this.name}': expected an input with at least one axis per sample, got a scalar per sample`);
    return [sizeOf(inputShape)];
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    checkCallShape(this, x);
    return reshape(ctx, this.buffers(ctx), x, batchShape(this.shapeScratch, x.shape[0], this.outputShape as number[]));
  }
}

/** Reshape(targetShape): [batch, ...] -> [batch, ...targetShape]; at most one -1 in targetShape, inferred. */
export class Reshape extends Layer {
  readonly targetShape: number[];
  private readonly shapeScratch: number[] = [];

  constructor(targetShape: readonly number[], args: LayerArgs = {}) {
    super(args);
    const ok = Array.isArray(targetShape) && targetShape.length > 0 && targetShape.every((d) => d === -1 || (Number.isInteger(d) && d > 0));
    if (!ok || targetShape.filter((d) => d === -1).length > 1) {
      throw new RangeError(`Reshape '${this.name}': targetShape must be positive integers (per sample, no batch axis) with at most one -1, got ${JSON.stringify(targetShape)}`);
    }
    this.targetShape = targetShape.slice();
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), target_shape: this.targetShape.slice() };
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    const size = sizeOf(inputShape);
    const known = this.targetShape.reduce((p, d) => (d === -1 ? p : p * d), 1);
    const out = this.targetShape.map((d) => (d === -1 ? size / known : d));
    if (sizeOf(out) !== size || !out.every((d) => Number.isInteger(d))) {
      throw new RangeError(`Reshape '${this.name}': cannot reshape a per-sample input ${shapeToString(inputShape)} (${size} values) to ${shapeToString(this.targetShape)}`);
    }
    return out;
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    checkCallShape(this, x);
    return reshape(ctx, this.buffers(ctx), x, batchShape(this.shapeScratch, x.shape[0], this.outputShape as number[]));
  }
}

/**
 * RepeatVector(n): each sample's feature vector repeated n times, e.g. to feed an encoding to
 * every step of a recurrent decoder. Input [batch, features] -> output [batch, n, features].
 * Backward: the input's gradient is the sum over the n repeats.
 */
export class RepeatVector extends Layer {
  readonly n: number;

  /** `n`: how many times to repeat each vector (a positive integer). */
  constructor(n: number, args: LayerArgs = {}) {
    super(args);
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`RepeatVector '${this.name}': n must be a positive integer, got ${describe(n)}`);
    this.n = n;
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    if (inputShape.length !== 1) {
      throw new RangeError(`RepeatVector '${this.name}': expected input [batch, features] (one axis per sample), got per-sample shape ${shapeToString(inputShape)}`);
    }
    return [this.n, inputShape[0]];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), n: this.n };
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    checkCallShape(this, x);
    return repeatVector(ctx, this.buffers(ctx), x, this.n);
  }
}
