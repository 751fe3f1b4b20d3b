/**
 * Reductions over axes (sum, mean, max) and the softmaxes along an axis. An axis argument is a
 * number or a list (negative counts from the end); a reduction without one runs over every axis.
 * Each reduction maps every input element to its output cell through an index (the broadcast of
 * the keepDims shape back to the input's), and its gradient goes back through the same index.
 */
import { broadcastIndex } from '../../kernels/merge';
import { maxCells, softmaxAxis, softmaxAxisBackward, spreadCells, sumCells } from '../../kernels/reductions';
import { gradOf, record } from '../autodiff';
import { sizeOf, Tensor } from '../tensor';
import { HAND, normAxes, normAxis, Operand, reducedShape, span, toTensor } from './common';

/** Axes to reduce: a number, a list, or undefined/null for every axis. */
export type Axes = number | readonly number[] | null;

/** The setup of a reduction: x, the output, and cell[i] = the output cell of input element i. */
function cellsOf(op: string, v: Operand, axis: Axes | undefined, keepDims: boolean): { x: Tensor; y: Tensor; cell: Int32Array; cells: number } {
  const x = toTensor(v, `${op}: x`);
  const axes = normAxes(op, axis, x.rank);
  const kept = reducedShape(x.shape, axes, true);
  const cell = new Int32Array(x.size);
  broadcastIndex(x.shape, kept, cell);
  return { x, y: Tensor.zeros(reducedShape(x.shape, axes, keepDims)), cell, cells: sizeOf(kept) };
}

/**
 * The sum over `axis` (every axis by default). x: S -> S without the reduced axes (kept as 1
 * with `keepDims`). d/dx_i = 1: each element gets its cell's gradient.
 */
export function sum(x: Operand, axis?: Axes, keepDims = false): Tensor {
  const { x: t, y, cell, cells } = cellsOf('sum', x, axis, keepDims);
  sumCells(t.data, cell, y.data, cells);

  record(HAND, y, [t], () => {
    // dx_i += dy[cell of i]
    const dx = gradOf(t);
    if (dx !== null) spreadCells(y.grad as Float32Array, cell, dx, 1);
  });
  return y;
}

/**
 * The mean over `axis` (every axis by default; NaN over no element). x: S -> S without the
 * reduced axes (kept as 1 with `keepDims`). d/dx_i = 1/n, n the number of elements per cell.
 */
export function mean(x: Operand, axis?: Axes, keepDims = false): Tensor {
  const { x: t, y, cell, cells } = cellsOf('mean', x, axis, keepDims);
  const n = cells === 0 ? 0 : t.size / cells;
  sumCells(t.data, cell, y.data, cells, 1 / n);

  record(HAND, y, [t], () => {
    // dx_i += dy[cell of i] / n
    const dx = gradOf(t);
    if (dx !== null) spreadCells(y.grad as Float32Array, cell, dx, 1 / n);
  });
  return y;
}

/**
 * The maximum over `axis` (every axis by default; a NaN propagates). x: S -> S without the
 * reduced axes (kept as 1 with `keepDims`). d/dx_i = 1 for the first maximum of its cell in
 * row-major order, 0 elsewhere: on ties one element gets the whole gradient (TensorFlow.js gives
 * it to every tied element, TensorFlow splits it among them).
 */
export function max(x: Operand, axis?: Axes, keepDims = false): Tensor {
  const { x: t, y, cell, cells } = cellsOf('max', x, axis, keepDims);
  const argmax = new Int32Array(cells);
  maxCells(t.data, cell, y.data, argmax, cells);

  record(HAND, y, [t], () => {
    // dx[argmax of cell c] += dy[c]
    const dx = gradOf(t);
    if (dx === null) return;
    const dy = y.grad as Float32Array;
    for (let c = 0; c < cells; c++) if (argmax[c] >= 0) dx[argmax[c]] += dy[c];
  });
  return y;
}

/** The body of softmax and logSoftmax: x viewed as [outer, n, inner] around the axis. */
function softmaxOf(op: string, v: Operand, axis: number, log: boolean): Tensor {
  const x = toTensor(v, `${op}: x`);
  const a = normAxis(op, axis, x.rank);
  const outer = span(x.shape, 0, a);
  const n = x.shape[a];
  const inner = span(x.shape, a + 1, x.rank);
  const y = Tensor.zeros(x.shape);
  softmaxAxis(x.data, y.data, outer, n, inner, log);

  record(HAND, y, [x], () => {
    // softmax: dx += y (dy - <dy, y>); log-softmax: dx += dy - softmax * sum(dy); along the axis
    const dx = gradOf(x);
    if (dx !== null) softmaxAxisBackward(y.data, y.grad as Float32Array, dx, outer, n, inner, log);
  });
  return y;
}

/**
 * softmax along `axis` (default the last): e^x / sum e^x, computed as e^(x - max) / sum e^(x - max).
 * x: S -> S. dy_i/dx_j = y_i ([i = j] - y_j) along the axis.
 */
export function softmax(x: Operand, axis = -1): Tensor {
  return softmaxOf('softmax', x, axis, false);
}

/**
 * log-softmax along `axis` (default the last): x - max - ln sum e^(x - max), stable for large x.
 * x: S -> S. dy_i/dx_j = [i = j] - softmax(x)_j along the axis.
 */
export function logSoftmax(x: Operand, axis = -1): Tensor {
  return softmaxOf('logSoftmax', x, axis, true);
}
