/**
 * Embedding lookups: rows of a table [inputDim, outputDim] gathered by integer indices, and the
 * way back, where each index adds its output row's gradient into its table row (an index seen
 * twice gets the sum of both).
 */

/**
 * out[i, :] = table[indices[i], :] for the n indices (already checked to be whole numbers in
 * [0, inputDim)). table [inputDim, dim], out [n, dim].
 */
export function gatherRows(indices: Float32Array, table: Float32Array, out: Float32Array, n: number, dim: number): void {
  // For each index: copy its row of the table.
  for (let i = 0; i < n; i++) {
    const from = indices[i] * dim;
    const to = i * dim;
    for (let j = 0; j < dim; j++) out[to + j] = table[from + j];
  }
}

/** dTable[indices[i], :] += dOut[i, :] for the n indices: gatherRows' adjoint. */
export function scatterAddRows(indices: Float32Array, dOut: Float32Array, dTable: Float32Array, n: number, dim: number): void {
  // For each index: add its output row's gradient into its table row.
  for (let i = 0; i < n; i++) {
    const to = indices[i] * dim;
    const from = i * dim;
    for (let j = 0; j < dim; j++) dTable[to + j] += dOut[from + j];
  }
}

/** The position of the first index that is not a whole number in [0, inputDim), or -1. */
export function firstBadIndex(indices: Float32Array, n: number, inputDim: number): number {
  for (let i = 0; i < n; i++) {
    const v = indices[i];
    if (!(v >= 0 && v < inputDim && Math.floor(v) === v)) return i;
  }
  return -1;
}
