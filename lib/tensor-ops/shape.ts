/**
 * Shape ops: reshape, transpose, concat, slice, gather. Except reshape (the same memory under
 * another shape) and concat (slabs copied), each fills an index, index[o] = where output element
 * o comes from in the input, gathers through it, and on the way back scatters the gradient
 * through the same index (adding, so an element read twice gets both contributions).
 */
import { gatherIndex, sliceIndex, transposeIndex } from '../../kernels/indexing';
import { concatBackward, concatInto, gather as gatherKernel, scatterAdd } from '../../kernels/merge';
import { gradOf, record } from '../autodiff';
import { describe, shapeToString, sizeOf, Tensor, TensorLike } from '../tensor';
import { HAND, normAxis, Operand, span, toTensor } from './common';

/** y[o] = x[index[o]] at `shape`, recorded with dx[index[o]] += dy[o]. */
function gathered(x: Tensor, shape: readonly number[], index: Int32Array): Tensor {
  const y = Tensor.zeros(shape);
  gatherKernel(x.data, index, y.data, y.size);

  record(HAND, y, [x], () => {
    // dx[index[o]] += dy[o]
    const dx = gradOf(x);
    if (dx !== null) scatterAdd(y.grad as Float32Array, index, dx, y.size);
  });
  return y;
}

/** `shape` with its one -1 (if any) worked out for `size` values; a RangeError from reshape otherwise. */
function resolveShape(x: Tensor, shape: readonly number[]): number[] {
  const from = `${shapeToString(x.shape)} (${x.size} values)`;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= -1)) {
    throw new RangeError(`reshape: shape must be a list of non-negative integers with at most one -1, got ${Array.isArray(shape) ? `[${shape.join(', ')}]` : describe(shape)}`);
  }
  const unknown = shape.indexOf(-1);
  if (unknown !== shape.lastIndexOf(-1)) throw new RangeError(`reshape: at most one axis may be -1, got ${shapeToString(shape)}`);
  const known = shape.reduce((p, d) => (d === -1 ? p : p * d), 1);
  const out = shape.slice();
  if (unknown >= 0) {
    if (known === 0 || x.size % known !== 0) throw new RangeError(`reshape: cannot reshape ${from} to ${shapeToString(shape)}`);
    out[unknown] = x.size / known;
  }
  if (sizeOf(out) !== x.size) throw new RangeError(`reshape: cannot reshape ${from} to ${shapeToString(shape)} (${sizeOf(out)} values)`);
  return out;
}

/**
 * The same values (the same memory, not copied) under another shape with as many elements; one
 * axis may be -1 (worked out). x: S -> shape. d/dx = 1 (the gradient reshaped back).
 */
export function reshape(x: Operand, shape: readonly number[]): Tensor {
  const t = toTensor(x, 'reshape: x');
  const y = new Tensor(t.data, resolveShape(t, shape));

  record(HAND, y, [t], () => {
    // dx += dy, element for element
    const dx = gradOf(t);
    if (dx === null) return;
    const dy = y.grad as Float32Array;
    for (let i = 0; i < dy.length; i++) dx[i] += dy[i];
  });
  return y;
}

/**
 * The axes permuted: output axis a is input axis perm[a] (default: reversed, a matrix
 * transpose). x: S -> [S[perm[0]], S[perm[1]], ...]. The gradient is dy permuted back.
 */
export function transpose(x: Operand, perm?: readonly number[]): Tensor {
  const t = toTensor(x, 'transpose: x');
  const p = perm ?? t.shape.map((_, a) => t.rank - 1 - a);
  const isPermutation = Array.isArray(p) && p.length === t.rank && p.every((a) => Number.isInteger(a) && a >= 0 && a < t.rank) && new Set(p).size === t.rank;
  if (!isPermutation) {
    const got = Array.isArray(p) ? `[${p.join(', ')}]` : describe(p);
    throw new RangeError(`transpose: perm ${got} is not a permutation of the axes of a tensor of shape ${shapeToString(t.shape)} (each of 0..${t.rank - 1} once)`);
  }
  const index = new Int32Array(t.size);
  transposeIndex(t.shape, p, index);
  return gathered(t, p.map((a) => t.shape[a]), index);
}

/**
 * The tensors joined along `axis` (default 0; negative counts from the end); every other axis
 * must be equal. [..., n_k, ...] for each k -> [..., sum n_k, ...]. Each input's gradient is its
 * slab of dy.
 */
export function concat(tensors: readonly Operand[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new RangeError(`concat: expects a non-empty list of tensors, got ${describe(tensors)}`);
  const ts = tensors.map((v, k) => toTensor(v, `concat: tensors[${k}]`));
  const first = ts[0];
  const a = normAxis('concat', axis, first.rank);
  ts.forEach((t, k) => {
    if (t.rank !== first.rank || t.shape.some((d, i) => i !== a && d !== first.shape[i])) {
      throw new RangeError(`concat: tensors[0] has shape ${shapeToString(first.shape)} and tensors[${k}] ${shapeToString(t.shape)}; joining along axis ${axis} needs the same rank and the same lengths on every other axis`);
    }
  });
  const shape = first.shape.slice();
  shape[a] = ts.reduce((n, t) => n + t.shape[a], 0);
  const y = Tensor.zeros(shape);
  // Viewed as [outer, length along the axis * what follows]: each input is a column band of y's rows.
  const outer = span(shape, 0, a);
  const yInner = span(shape, a, shape.length);
  const inners = ts.map((t) => span(t.shape, a, t.rank));
  const offsets = inners.map((_, k) => inners.slice(0, k).reduce((s, n) => s + n, 0));
  ts.forEach((t, k) => concatInto(t.data, y.data, outer, inners[k], yInner, offsets[k]));

  record(HAND, y, ts, () => {
    // dx_k += the band of dy that input k filled
    ts.forEach((t, k) => {
      const dx = gradOf(t);
      if (dx !== null) concatBackward(y.grad as Float32Array, dx, outer, inners[k], yInner, offsets[k]);
    });
  });
  return y;
}

/**
 * The box of `size` starting at `begin` (as TensorFlow.js: lists shorter than the rank are padded
 * with begin 0 and size -1, a size of -1 means "to the end", a number is the first axis').
 * x: S -> size. The gradient is dy placed back in the box (0 elsewhere).
 */
export function slice(x: Operand, begin: number | readonly number[], size?: number | readonly number[]): Tensor {
  const t = toTensor(x, 'slice: x');
  const list = (v: number | readonly number[] | undefined, name: string, fill: number): number[] => {
    const l = v === undefined ? [] : typeof v === 'number' ? [v] : v;
    if (!Array.isArray(l) || l.length > t.rank || !l.every((d) => Number.isInteger(d))) {
      throw new RangeError(`slice: ${name} must be an integer or a list of at most ${t.rank} integers for x of shape ${shapeToString(t.shape)}, got ${Array.isArray(l) ? `[${l.join(', ')}]` : describe(v)}`);
    }
    return [...l, ...new Array<number>(t.rank - l.length).fill(fill)];
  };
  const b = list(begin, 'begin', 0);
  const s = list(size, 'size', -1).map((d, a) => (d === -1 ? t.shape[a] - b[a] : d));
  for (let a = 0; a < t.rank; a++) {
    if (b[a] < 0 || s[a] < 0 || b[a] + s[a] > t.shape[a]) {
      throw new RangeError(`slice: begin ${shapeToString(b)} and size ${shapeToString(s)} reach outside x of shape ${shapeToString(t.shape)} on axis ${a} (${b[a]} to ${b[a] + s[a]} of ${t.shape[a]})`);
    }
  }
  const index = new Int32Array(sizeOf(s));
  sliceIndex(t.shape, b, s, index);
  return gathered(t, s, index);
}

/**
 * The slices of x at integer `indices` along `axis` (default 0: rows), in the order given
 * (repeats allowed). x: [..., n, ...], indices: I -> [..., ...I, ...]. The gradient of a slice is
 * added back at its index (summed when an index repeats).
 */
export function gather(x: Operand, indices: TensorLike | Int32Array | readonly number[], axis = 0): Tensor {
  const t = toTensor(x, 'gather: x');
  const a = normAxis('gather', axis, t.rank);
  const ind = indices instanceof Int32Array ? new Tensor(Float32Array.from(indices), [indices.length]) : Tensor.from(indices as TensorLike, 'gather: indices');
  const n = t.shape[a];
  const rows = new Int32Array(ind.size);
  // Every index an integer in [0, n).
  for (let i = 0; i < ind.size; i++) {
    const v = ind.data[i];
    if (!Number.isInteger(v) || v < 0 || v >= n) {
      throw new RangeError(`gather: indices hold ${v} at flat position ${i}, outside the integers 0..${n - 1} of axis ${a} of x of shape ${shapeToString(t.shape)}`);
    }
    rows[i] = v;
  }
  const outer = span(t.shape, 0, a);
  const inner = span(t.shape, a + 1, t.rank);
  const index = new Int32Array(outer * rows.length * inner);
  gatherIndex(outer, n, inner, rows, index);
  return gathered(t, [...t.shape.slice(0, a), ...ind.shape, ...t.shape.slice(a + 1)], index);
}
