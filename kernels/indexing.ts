/**
 * Index kernels of the shape ops: each fills index[o] with the flat offset, in the input, of the
 * element that output element o reads. The op then gathers through the index (`gather` in
 * kernels/merge.ts) and its gradient scatters back through the same index (`scatterAdd`): one
 * pair of loops serves transpose, slice and gather. Row-major throughout.
 */

/** Row-major strides of `shape`: strides[a] = product of the lengths after axis a. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let a = shape.length - 1; a >= 0; a--) {
    strides[a] = s;
    s *= shape[a];
  }
  return strides;
}

/**
 * index[o] for output element o at (i_0, ..., i_{r-1}) of `outShape` = start + sum_a i_a * steps[a]:
 * a walk of the output in row-major order with a step per axis in the input (an odometer).
 */
export function strideIndex(outShape: readonly number[], start: number, steps: readonly number[], index: Int32Array): void {
  const rank = outShape.length;
  const at = new Array<number>(rank).fill(0);
  let size = 1;
  for (let a = 0; a < rank; a++) size *= outShape[a];
  // Walk the output like an odometer, carrying the input offset along.
  for (let o = 0, i = start; o < size; o++) {
    index[o] = i;
    for (let a = rank - 1; a >= 0; a--) {
      at[a]++;
      i += steps[a];
      if (at[a] < outShape[a]) break;
      i -= steps[a] * outShape[a];
      at[a] = 0;
    }
  }
}

/** transpose: output axis a is input axis perm[a], so its step is the input's stride of perm[a]. */
export function transposeIndex(shape: readonly number[], perm: readonly number[], index: Int32Array): void {
  const strides = stridesOf(shape);
  strideIndex(perm.map((p) => shape[p]), 0, perm.map((p) => strides[p]), index);
}

/** slice: the box of `size` starting at `begin`; the steps are the input's strides. */
export function sliceIndex(shape: readonly number[], begin: readonly number[], size: readonly number[], index: Int32Array): void {
  const strides = stridesOf(shape);
  let start = 0;
  for (let a = 0; a < shape.length; a++) start += begin[a] * strides[a];
  strideIndex(size, start, strides, index);
}

/**
 * gather along `axis`: x viewed as [outer, n, inner], output [outer, indices.length, inner] with
 * output slab (o, k) = input slab (o, indices[k]).
 */
export function gatherIndex(outer: number, n: number, inner: number, indices: Int32Array, index: Int32Array): void {
  // Slab by slab: the output's (o, k) run of `inner` reads the input's (o, indices[k]) run.
  for (let o = 0, p = 0; o < outer; o++) {
    for (let k = 0; k < indices.length; k++) {
      const from = (o * n + indices[k]) * inner;
      for (let j = 0; j < inner; j++) index[p++] = from + j;
    }
  }
}
