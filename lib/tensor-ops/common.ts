/**
 * What every tensor op shares: the context of an op called by hand, turning arguments into
 * tensors, NumPy broadcasting, and axis arguments.
 */
import { broadcastIndex, gather, scatterAdd } from '../../kernels/merge';
import { CallContext, gradOf } from '../autodiff';
import { describe, shapeToString, sizeOf, Tensor, TensorLike } from '../tensor';

/**
 * The context of an op called by hand: no tape named, so `record` records only when an input
 * requires a gradient, on the tape an input was recorded on (or a new one).
 */
export const HAND: CallContext = Object.freeze({ training: false });

/** A tensor argument: a Tensor, anything `Tensor.from` takes, or a number (a scalar). */
export type Operand = TensorLike | number;

/** `v` as a Tensor (a number becomes a scalar of shape []); `name` is `op: argument` in errors. */
export function toTensor(v: Operand, name: string): Tensor {
  if (typeof v === 'number') return new Tensor(Float32Array.of(v), []);
  return Tensor.from(v, name);
}

/**
 * The shape of the broadcast of `shapes`, NumPy's rule: aligned on their last axes (missing
 * leading axes count as 1), each axis must be equal across the shapes or 1. A RangeError from
 * `op` names every shape otherwise: `add: shapes [3, 2] and [4] do not broadcast`.
 */
export function broadcastShapes(op: string, shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  // Axis by axis from the last: every length is the output's or 1.
  for (const shape of shapes) {
    for (let a = 1; a <= shape.length; a++) {
      const d = shape[shape.length - a];
      const o = rank - a;
      if (d === out[o] || d === 1) continue;
      if (out[o] !== 1) {
        const listed = shapes.map(shapeToString);
        const names = listed.length === 2 ? listed.join(' and ') : `${listed.slice(0, -1).join(', ')} and ${listed[listed.length - 1]}`;
        throw new RangeError(`${op}: shapes ${names} do not broadcast (aligned on the last axis, each axis must be equal or 1)`);
      }
      out[o] = d;
    }
  }
  return out;
}

/** An input of an elementwise op at the output's shape: its values there, and the index that gathered them (null when it has the output's shape). */
export interface Spread {
  t: Tensor;
  data: Float32Array;
  index: Int32Array | null;
}

/**
 * The output shape of an elementwise op of `inputs` (broadcast), and each input at that shape:
 * itself when it has it, else gathered through an index (axes of length 1 in front, then each
 * axis of length 1 repeated), kept for the gradient.
 */
export function spreadAll(op: string, inputs: readonly Tensor[]): { shape: number[]; size: number; parts: Spread[] } {
  const shape = broadcastShapes(op, inputs.map((t) => t.shape));
  const size = sizeOf(shape);
  const parts = inputs.map((t): Spread => {
    if (t.rank === shape.length && t.size === size) return { t, data: t.data, index: null };
    const padded = [...new Array<number>(shape.length - t.rank).fill(1), ...t.shape];
    const index = new Int32Array(size);
    broadcastIndex(shape, padded, index);
    const data = new Float32Array(size);
    gather(t.data, index, data, size);
    return { t, data, index };
  });
  return { shape, size, parts };
}

/**
 * Adds a gradient computed at the output's shape into `part`'s tensor's gradient:
 * `contribute(target)` adds into target, which is the gradient itself when the input has the
 * output's shape, else a zeroed buffer summed back over the repeats through the gather index.
 * Nothing happens when the tensor needs no gradient.
 */
export function addGrad(part: Spread, size: number, contribute: (target: Float32Array) => void): void {
  const dx = gradOf(part.t);
  if (dx === null) return;
  if (part.index === null) {
    contribute(dx);
    return;
  }
  const g = new Float32Array(size);
  contribute(g);
  scatterAdd(g, part.index, dx, size);
}

/** `axis` (negative counts from the end) as an index in [0, rank); a RangeError from `op` otherwise. */
export function normAxis(op: string, axis: number, rank: number, name = 'axis'): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -rank || axis >= rank) {
    const range = rank === 0 ? 'a scalar has no axes' : `expected an integer from ${-rank} to ${rank - 1}`;
    throw new RangeError(`${op}: ${name} ${describe(axis)} is out of range for a tensor of rank ${rank}; ${range}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/**
 * The axes a reduction runs over, sorted: `axes` a number, a list (negative counting from the
 * end), or undefined/null for every axis. A RangeError from `op` for an axis out of range or
 * listed twice.
 */
export function normAxes(op: string, axes: number | readonly number[] | null | undefined, rank: number): number[] {
  if (axes === undefined || axes === null) return Array.from({ length: rank }, (_, a) => a);
  const list = typeof axes === 'number' ? [axes] : axes;
  if (!Array.isArray(list)) throw new TypeError(`${op}: axis must be a number, a list of numbers or undefined (every axis), got ${describe(axes)}`);
  const out = list.map((a) => normAxis(op, a, rank));
  out.forEach((a, k) => {
    if (out.indexOf(a) !== k) throw new RangeError(`${op}: axis ${a} is listed twice in [${list.join(', ')}]`);
  });
  return out.sort((p, q) => p - q);
}

/** `shape` with the `axes` set to 1 (keepDims), or removed. */
export function reducedShape(shape: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  if (keepDims) return shape.map((d, a) => (axes.includes(a) ? 1 : d));
  return shape.filter((_, a) => !axes.includes(a));
}

/** `v`, or a TypeError from `op` naming the argument when it is not a number. */
export function checkNumber(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number') throw new TypeError(`${op}: ${name} must be a number, got ${describe(v)}`);
  return v;
}

/** The product of the lengths of `shape` from axis `from` (inclusive) to `to` (exclusive). */
export function span(shape: readonly number[], from: number, to: number): number {
  let n = 1;
  for (let a = from; a < to; a++) n *= shape[a];
  return n;
}
