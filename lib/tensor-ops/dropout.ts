/** dropout as a tensor op: the Dropout layer's mask kernel, the mask cached on the result. */
import { broadcastMultiply, drawDropoutMask } from '../../kernels/dropout';
import { gradOf, record } from '../autodiff';
import { checkOptions, optionKeys } from '../options';
import { freshSeed, RandomStream, Seed } from '../random';
import { describe, shapeToString, Tensor } from '../tensor';
import { HAND, Operand, toTensor } from './common';

/** Options of `dropout`. */
export interface DropoutOpArgs {
  /** Makes the mask reproducible: the same seed and shape give the same mask, call after call. */
  seed?: Seed;
  /** The mask's shape (default x's): each axis x's length or 1 (one value repeated along it, as SpatialDropout). */
  noiseShape?: readonly number[];
}
const DROPOUT_KEYS = optionKeys<DropoutOpArgs>({ seed: true, noiseShape: true });

/** A dropout's output, carrying the mask it applied. */
export type DropoutResult = Tensor & {
  /** The mask (shape `noiseShape`, default x's): 0 where a unit was dropped, 1 / (1 - rate) where kept. */
  readonly mask: Tensor;
};

/** The stream of unseeded calls, seeded once from the operating system (as an unseeded model). */
let unseeded: RandomStream | null = null;

/**
 * Inverted dropout, always on (the op has no inference mode; a model's Dropout layer is the
 * identity at inference): y = x * mask, the mask 0 with probability `rate` and 1 / (1 - rate)
 * otherwise, drawn by the Dropout layer's kernel (`drawDropoutMask`, the same bits as a layer
 * with the same seed on its first pass) and broadcast from `noiseShape`.
 * x: S -> S; `result.mask`: noiseShape (default S). d/dx = mask, the cached mask again.
 * Without a seed each call draws a new mask.
 */
export function dropout(x: Operand, rate: number, options: DropoutOpArgs = {}): DropoutResult {
  const t = toTensor(x, 'dropout: x');
  const { seed, noiseShape } = checkOptions('dropout', options, DROPOUT_KEYS);
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) {
    throw new RangeError(`dropout: rate must be a number in [0, 1) (the probability of dropping a unit), got ${describe(rate)}`);
  }
  if (seed !== undefined && typeof seed !== 'number' && typeof seed !== 'string') {
    throw new TypeError(`dropout: seed must be a number or a string, got ${describe(seed)}`);
  }
  const maskShape = noiseShape === undefined ? t.shape : noiseShape.slice();
  const fits = Array.isArray(maskShape) && maskShape.length === t.rank && maskShape.every((d, a) => d === t.shape[a] || d === 1);
  if (!fits) {
    const got = Array.isArray(maskShape) ? shapeToString(maskShape) : describe(maskShape);
    throw new RangeError(`dropout: noiseShape ${got} does not fit x of shape ${shapeToString(t.shape)} (same rank, each axis x's length or 1)`);
  }

  // 1. Draw the mask: 0 with probability rate, else 1 / (1 - rate).
  const mask = Tensor.zeros(maskShape);
  const stream = seed !== undefined ? new RandomStream(seed) : (unseeded ??= new RandomStream(freshSeed()));
  drawDropoutMask(mask.data, rate, stream.bitState());

  // 2. Apply it, broadcast along its axes of length 1, and cache it on the result.
  const y = Tensor.zeros(t.shape);
  broadcastMultiply(t.data, mask.data, y.data, t.shape, maskShape);
  const result = Object.assign(y, { mask });

  // 3. On the way back, the same mask: dx += dy * mask.
  record(HAND, y, [t], () => {
    const dx = gradOf(t);
    if (dx !== null) broadcastMultiply(y.grad as Float32Array, mask.data, dx, t.shape, maskShape, true);
  });
  return result;
}
