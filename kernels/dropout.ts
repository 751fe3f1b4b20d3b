/**
 * Dropout kernels: draw a mask for a noise shape, and apply a mask (or an offset) to an input of
 * a larger shape by broadcasting: every axis of the mask is either the input's length or 1, and
 * an axis of length 1 repeats the same value along the input's axis. That is the whole
 * difference between Dropout (mask shape = input shape, a fresh value per unit) and
 * SpatialDropout2D (mask [batch, 1, 1, channels], one value per feature map).
 */

/**
 * Inverted dropout's mask: each element is 0 with probability `rate` (dropped) and
 * 1 / (1 - rate) otherwise (kept, scaled so the expected output equals the input).
 *
 * The coin flips come from Marsaglia's xorshift128 generator run inline on `state` (four 32-bit
 * words, seeded from the layer's seedrandom stream and advanced here): one draw costs about a
 * nanosecond, so a mask for every unit of every step is cheap. A unit is dropped when its 32-bit
 * draw is below rate * 2^32.
 */
export function drawDropoutMask(mask: Float32Array, rate: number, state: Uint32Array): void {
  const scale = 1 / (1 - rate);
  const threshold = rate * 4294967296;
  let x = state[0] | 0;
  let y = state[1] | 0;
  let z = state[2] | 0;
  let w = state[3] | 0;
  // One xorshift128 step per element: t = x ^ (x << 11); (x, y, z) = (y, z, w); w ^= (w >>> 19) ^ t ^ (t >>> 8).
  for (let i = 0; i < mask.length; i++) {
    const t = x ^ (x << 11);
    x = y;
    y = z;
    z = w;
    w = w ^ (w >>> 19) ^ (t ^ (t >>> 8));
    // keep (1) or drop (0), times the scale: written without a branch, since a coin-flip branch
    // is mispredicted a third of the time and that made this loop 3x slower
    mask[i] = +(w >>> 0 >= threshold) * scale;
  }
  state[0] = x;
  state[1] = y;
  state[2] = z;
  state[3] = w;
}

/** Reused odometer for the broadcast loops (no allocation per call); ranks up to 8. */
const index = new Int32Array(8);
const maskStride = new Int32Array(8);

/**
 * out = x * mask (or out += x * mask when `accumulate`), the mask broadcast from `maskShape` to
 * `shape`. Used forward (x = input) and backward (x = upstream gradient): the same cached mask.
 */
export function broadcastMultiply(
  x: Float32Array,
  mask: Float32Array,
  out: Float32Array,
  shape: readonly number[],
  maskShape: readonly number[],
  accumulate = false,
): void {
  if (mask.length === x.length && sameShape(shape, maskShape)) {
    // Same shape: plain elementwise product.
    if (accumulate) for (let i = 0; i < x.length; i++) out[i] += x[i] * mask[i];
    else for (let i = 0; i < x.length; i++) out[i] = x[i] * mask[i];
    return;
  }
  broadcastWalk(shape, maskShape, (offset, m, inner, innerStride) => {
    // One run along the last axis: the mask advances by innerStride (1, or 0 when broadcast).
    if (accumulate) for (let j = 0; j < inner; j++) out[offset + j] += x[offset + j] * mask[m + j * innerStride];
    else for (let j = 0; j < inner; j++) out[offset + j] = x[offset + j] * mask[m + j * innerStride];
  });
}

/** Whether two shapes are equal (a mask of another shape but the same size must still be checked). */
function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** out += values, the values broadcast from `valuesShape` to `shape` (AlphaDropout's offset). */
export function broadcastAdd(values: Float32Array, out: Float32Array, shape: readonly number[], valuesShape: readonly number[]): void {
  broadcastWalk(shape, valuesShape, (offset, m, inner, innerStride) => {
    for (let j = 0; j < inner; j++) out[offset + j] += values[m + j * innerStride];
  });
}

/**
 * Calls `run(offset, maskOffset, inner, innerStride)` for every run of the last axis of `shape`,
 * in row-major order, with the matching offset into a mask of `maskShape`.
 */
function broadcastWalk(
  shape: readonly number[],
  maskShape: readonly number[],
  run: (offset: number, maskOffset: number, inner: number, innerStride: number) => void,
): void {
  const rank = shape.length;
  if (maskShape.length !== rank || rank > index.length) {
    throw new RangeError(`broadcast: mask shape [${maskShape.join(', ')}] does not fit shape [${shape.join(', ')}]`);
  }
  // Mask strides, 0 on broadcast axes.
  let stride = 1;
  for (let a = rank - 1; a >= 0; a--) {
    if (maskShape[a] !== 1 && maskShape[a] !== shape[a]) {
      throw new RangeError(`broadcast: mask axis ${a} has length ${maskShape[a]}; expected 1 or ${shape[a]}`);
    }
    maskStride[a] = maskShape[a] === 1 ? 0 : stride;
    stride *= maskShape[a];
    index[a] = 0;
  }
  const inner = rank === 0 ? 1 : shape[rank - 1];
  const innerStride = rank === 0 ? 0 : maskStride[rank - 1];
  let total = 1;
  for (let a = 0; a < rank; a++) total *= shape[a];
  // Walk the outer axes like an odometer, one run of the last axis at a time.
  for (let offset = 0, m = 0; offset < total; offset += inner) {
    run(offset, m, inner, innerStride);
    for (let a = rank - 2; a >= 0; a--) {
      index[a]++;
      m += maskStride[a];
      if (index[a] < shape[a]) break;
      m -= maskStride[a] * shape[a];
      index[a] = 0;
    }
  }
}
