/** Reductions over flat, row-major Float32Arrays. */

/** out[j] (+)= sum_r x[r, j]: the column sums of a [rows, cols] matrix (a bias gradient). */
export function sumRows(x: Float32Array, out: Float32Array, rows: number, cols: number, accumulate = false): void {
  if (!accumulate) out.fill(0, 0, cols);
  // Row by row, add each row into the column sums.
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let j = 0; j < cols; j++) out[j] += x[o + j];
  }
}

/** The sum of the first `size` elements, accumulated in float64. */
export function sum(x: Float32Array, size = x.length): number {
  let s = 0;
  for (let i = 0; i < size; i++) s += x[i];
  return s;
}

/** The mean of the first `size` elements, accumulated in float64. */
export function mean(x: Float32Array, size = x.length): number {
  return size === 0 ? NaN : sum(x, size) / size;
}

/**
 * Sum over the axes `axes` of a tensor of shape `shape`; `out` has the shape with those axes
 * set to 1 (keepdims), i.e. size = product of the kept axes.
 */
export function sumAxes(x: Float32Array, shape: readonly number[], axes: readonly number[], out: Float32Array): void {
  const rank = shape.length;
  // Strides of the output (reduced axes have length 1, stride 0 in the input walk).
  const outStrides = new Array<number>(rank);
  let stride = 1;
  for (let a = rank - 1; a >= 0; a--) {
    outStrides[a] = axes.includes(a) ? 0 : stride;
    if (!axes.includes(a)) stride *= shape[a];
  }
  out.fill(0, 0, stride);
  const index = new Array<number>(rank).fill(0);
  // Walk every input element in row-major order, adding it into its output cell.
  for (let i = 0, o = 0; i < x.length; i++) {
    out[o] += x[i];
    for (let a = rank - 1; a >= 0; a--) {
      index[a]++;
      o += outStrides[a];
      if (index[a] < shape[a]) break;
      o -= outStrides[a] * shape[a];
      index[a] = 0;
    }
  }
}
