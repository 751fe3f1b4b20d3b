/**
 * Kernels of the merge ops: broadcasting an input to the output's shape (an index per output
 * element), the elementwise maximum/minimum that remembers which input won, concatenation along
 * an axis, and repeating rows (RepeatVector). Plain loops over flat, row-major Float32Arrays.
 */

/** Reused odometer and strides for `broadcastIndex` (no allocation per call); ranks up to 16. */
const at = new Int32Array(16);
const strides = new Int32Array(16);

/**
 * index[o] = the flat offset, in an input of shape `inShape`, of the element that output element
 * o (of `shape`) reads when the input is broadcast: both shapes have the same rank and each
 * axis of `inShape` is the output's length or 1 (read again along that axis).
 */
export function broadcastIndex(shape: readonly number[], inShape: readonly number[], index: Int32Array): void {
  const rank = shape.length;
  if (inShape.length !== rank || rank > at.length) {
    throw new RangeError(`broadcastIndex: cannot broadcast [${inShape.join(', ')}] to [${shape.join(', ')}] (same rank, at most ${at.length}, expected)`);
  }
  // The input's strides, 0 on the axes it repeats.
  let stride = 1;
  for (let a = rank - 1; a >= 0; a--) {
    if (inShape[a] !== 1 && inShape[a] !== shape[a]) throw new RangeError(`broadcastIndex: axis ${a} of [${inShape.join(', ')}] is neither 1 nor ${shape[a]}`);
    strides[a] = inShape[a] === 1 ? 0 : stride;
    stride *= inShape[a];
    at[a] = 0;
  }
  let size = 1;
  for (let a = 0; a < rank; a++) size *= shape[a];
  // Walk the output like an odometer, carrying the input offset along.
  for (let o = 0, i = 0; o < size; o++) {
    index[o] = i;
    for (let a = rank - 1; a >= 0; a--) {
      at[a]++;
      i += strides[a];
      if (at[a] < shape[a]) break;
      i -= strides[a] * shape[a];
      at[a] = 0;
    }
  }
}

/** out[o] = x[index[o]] for the first `size` elements: an input broadcast to the output's shape. */
export function gather(x: Float32Array, index: Int32Array, out: Float32Array, size: number): void {
  for (let o = 0; o < size; o++) out[o] = x[index[o]];
}

/** dx[index[o]] += g[o] for the first `size` elements: a broadcast input's gradient (summed over its repeats). */
export function scatterAdd(g: Float32Array, index: Int32Array, dx: Float32Array, size: number): void {
  for (let o = 0; o < size; o++) dx[index[o]] += g[o];
}

/**
 * The running maximum (`max` true) or minimum of the inputs seen so far: where x[o] beats y[o]
 * strictly (or is NaN, which then propagates as Math.max does), y[o] = x[o] and which[o] = k.
 * On a tie the earlier input keeps the element, as TensorFlow's maximum gradient does.
 */
export function extremumInto(y: Float32Array, which: Int32Array, x: Float32Array, k: number, size: number, max: boolean): void {
  if (max) {
    for (let o = 0; o < size; o++) {
      const v = x[o];
      if (v > y[o] || v !== v) {
        y[o] = v;
        which[o] = k;
      }
    }
  } else {
    for (let o = 0; o < size; o++) {
      const v = x[o];
      if (v < y[o] || v !== v) {
        y[o] = v;
        which[o] = k;
      }
    }
  }
}

/** dx[o] += dy[o] where input k was chosen (which[o] === k), for the first `size` elements. */
export function routeGradient(dy: Float32Array, which: Int32Array, k: number, dx: Float32Array, size: number): void {
  for (let o = 0; o < size; o++) if (which[o] === k) dx[o] += dy[o];
}

/**
 * Copies x, viewed as [outer, inner], into y viewed as [outer, yInner] at column `offset`: one
 * input's slab of a concatenation (inner = the input's length along the axis times what follows it).
 */
export function concatInto(x: Float32Array, y: Float32Array, outer: number, inner: number, yInner: number, offset: number): void {
  // Row by row: the input's row goes to columns offset .. offset + inner of the output's row.
  for (let r = 0; r < outer; r++) {
    const xo = r * inner;
    const yo = r * yInner + offset;
    for (let j = 0; j < inner; j++) y[yo + j] = x[xo + j];
  }
}

/** dx (viewed as [outer, inner]) += the columns offset .. offset + inner of dy (viewed as [outer, yInner]). */
export function concatBackward(dy: Float32Array, dx: Float32Array, outer: number, inner: number, yInner: number, offset: number): void {
  // Row by row: the input's slab of the output's gradient row adds into the input's gradient row.
  for (let r = 0; r < outer; r++) {
    const xo = r * inner;
    const yo = r * yInner + offset;
    for (let j = 0; j < inner; j++) dx[xo + j] += dy[yo + j];
  }
}

/** y[b, r, :] = x[b, :] for r < n: each of `batch` rows of `features` values repeated n times. */
export function repeatRows(x: Float32Array, y: Float32Array, batch: number, n: number, features: number): void {
  // Sample by sample, copy its row into each of the n repeats.
  for (let b = 0; b < batch; b++) {
    const xo = b * features;
    for (let r = 0; r < n; r++) {
      const yo = (b * n + r) * features;
      for (let j = 0; j < features; j++) y[yo + j] = x[xo + j];
    }
  }
}

/** dx[b, :] += sum_r dy[b, r, :]: the gradient of `repeatRows`, summed over the repeats. */
export function sumRepeats(dy: Float32Array, dx: Float32Array, batch: number, n: number, features: number): void {
  // Sample by sample, add each repeat's gradient row into the input's gradient row.
  for (let b = 0; b < batch; b++) {
    const xo = b * features;
    for (let r = 0; r < n; r++) {
      const yo = (b * n + r) * features;
      for (let j = 0; j < features; j++) dx[xo + j] += dy[yo + j];
    }
  }
}
