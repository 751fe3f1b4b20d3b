/** Elementwise kernels over flat Float32Arrays. */

/** y[r, j] += bias[j] over `rows` rows of `cols` columns. */
export function biasAdd(y: Float32Array, bias: Float32Array, rows: number, cols: number): void {
  // Row by row, add the bias vector.
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let j = 0; j < cols; j++) y[o + j] += bias[j];
  }
}

/** y[i] += alpha * x[i] for the first `size` elements. */
export function axpy(alpha: number, x: Float32Array, y: Float32Array, size: number): void {
  for (let i = 0; i < size; i++) y[i] += alpha * x[i];
}

/** out[i] = a[i] * b[i] for the first `size` elements. */
export function multiply(a: Float32Array, b: Float32Array, out: Float32Array, size: number): void {
  for (let i = 0; i < size; i++) out[i] = a[i] * b[i];
}

/** out[i] += a[i] * b[i] for the first `size` elements. */
export function multiplyAdd(a: Float32Array, b: Float32Array, out: Float32Array, size: number): void {
  for (let i = 0; i < size; i++) out[i] += a[i] * b[i];
}

/** x[i] *= alpha for the first `size` elements. */
export function scale(x: Float32Array, alpha: number, size: number): void {
  for (let i = 0; i < size; i++) x[i] *= alpha;
}
