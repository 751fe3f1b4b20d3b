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

/**
 * out[j] += sum_r x[r, j] for columns [c0, c1) of a [rows, cols] matrix, rows added in order (so
 * each column's sum has the bits `sumRows` gives it, however the columns are shared out).
 */
export function sumColumns(x: Float32Array, out: Float32Array, rows: number, cols: number, c0: number, c1: number): void {
  // Row by row, add the row's slice into the column sums.
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let j = c0; j < c1; j++) out[j] += x[o + j];
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

/**
 * out[c] = scale * the sum of the x[i] with cell[i] === c, accumulated in float64 and rounded once:
 * a reduction over any axes, where cell[i] is the flat index in the (keepdims) output of input
 * element i (`broadcastIndex` from the input's shape to the output's gives it). `out` holds
 * `cells` elements; elements of one cell are added in row-major order.
 */
export function sumCells(x: Float32Array, cell: Int32Array, out: Float32Array, cells: number, scale = 1): void {
  const acc = new Float64Array(cells);
  // Each input element adds into its output cell.
  for (let i = 0; i < x.length; i++) acc[cell[i]] += x[i];
  for (let c = 0; c < cells; c++) out[c] = acc[c] * scale;
}

/**
 * out[c] = the largest x[i] with cell[i] === c, and argmax[c] = the first such i in row-major
 * order (ties go to the first maximum); a NaN wins and propagates (the first NaN). A cell with no
 * element is -Infinity with argmax -1.
 */
export function maxCells(x: Float32Array, cell: Int32Array, out: Float32Array, argmax: Int32Array, cells: number): void {
  out.fill(-Infinity, 0, cells);
  argmax.fill(-1, 0, cells);
  // Each input element challenges its cell's current maximum (strictly greater, or the first NaN).
  for (let i = 0; i < x.length; i++) {
    const c = cell[i];
    const v = x[i];
    const m = out[c];
    if (argmax[c] < 0 || v > m || (v !== v && m === m)) {
      out[c] = v;
      argmax[c] = i;
    }
  }
}

/** dx[i] += scale * dy[cell[i]] for every i: a reduction's gradient spread back over its cells' elements. */
export function spreadCells(dy: Float32Array, cell: Int32Array, dx: Float32Array, scale: number): void {
  for (let i = 0; i < dx.length; i++) dx[i] += scale * dy[cell[i]];
}

/**
 * Softmax (or, when `log`, log-softmax) along the middle axis of x viewed as [outer, n, inner],
 * numerically stable: with m the maximum along the axis, y = e^(x - m) / sum e^(x - m), or
 * y = x - m - ln(sum e^(x - m)). Sums in float64.
 */
export function softmaxAxis(x: Float32Array, y: Float32Array, outer: number, n: number, inner: number, log: boolean): void {
  // For each (o, j) line along the axis: max, sum of exponentials, then normalize.
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * n * inner + j;
      let max = -Infinity;
      for (let k = 0; k < n; k++) {
        const v = x[base + k * inner];
        if (v > max || v !== v) max = v;
      }
      let sum = 0;
      for (let k = 0; k < n; k++) sum += Math.exp(x[base + k * inner] - max);
      if (log) {
        const shift = max + Math.log(sum);
        for (let k = 0; k < n; k++) y[base + k * inner] = x[base + k * inner] - shift;
      } else {
        for (let k = 0; k < n; k++) y[base + k * inner] = Math.exp(x[base + k * inner] - max) / sum;
      }
    }
  }
}

/**
 * The gradient of `softmaxAxis` from its output y, added into dx: softmax:
 * dx += y (dy - sum_k dy_k y_k); log-softmax: dx += dy - e^y sum_k dy_k.
 */
export function softmaxAxisBackward(y: Float32Array, dy: Float32Array, dx: Float32Array, outer: number, n: number, inner: number, log: boolean): void {
  // For each (o, j) line along the axis: one dot product (or sum), then the update.
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * n * inner + j;
      let s = 0;
      if (log) {
        for (let k = 0; k < n; k++) s += dy[base + k * inner];
        for (let k = 0; k < n; k++) dx[base + k * inner] += dy[base + k * inner] - Math.exp(y[base + k * inner]) * s;
      } else {
        for (let k = 0; k < n; k++) s += dy[base + k * inner] * y[base + k * inner];
        for (let k = 0; k < n; k++) dx[base + k * inner] += y[base + k * inner] * (dy[base + k * inner] - s);
      }
    }
  }
}
