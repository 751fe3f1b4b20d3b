/**
 * The merge ops: several tensors in, one out. Each op runs its forward kernel, then records,
 * right beside it, the closure that sends the output's gradient back to every input.
 *
 * - `add`, `subtract`, `multiply`, `average`, `maximum`, `minimum`: elementwise, with Keras'
 *   broadcasting of the per-sample axes (see `broadcastShape`). An input of another shape than the
 *   output is first gathered to the output's shape (through an index per output element), and its
 *   gradient is summed back over the elements it was repeated to.
 * - `concatenate`: along one axis; every other axis equal.
 *
 * All inputs have the same batch size (axis 0). Buffers come from the caller's `Workspace`.
 */
import { axpy, multiply as multiplyKernel, scale } from '../kernels/elementwise';
import { broadcastIndex, concatBackward, concatInto, extremumInto, gather, routeGradient, scatterAdd } from '../kernels/merge';
import { CallContext, gradOf, record, Workspace } from './autodiff';
import { shapeToString, sizeOf, Tensor } from './tensor';

/** `[null, d1, ...]`: a per-sample shape as Keras shows a batch shape. */
function batchShape(shape: readonly number[]): string {
  return `[${['null', ...shape].join(', ')}]`;
}

/**
 * The per-sample shape of an elementwise merge of inputs of per-sample `shapes`, broadcast as
 * Keras' merge layers do: the shapes are aligned on their last axes (a shorter one gets axes of
 * length 1 in front, right after the batch axis), and along each axis the lengths must be equal or
 * 1 (a length 1 is repeated). Equal shapes give that shape. A mismatch is a RangeError from
 * `where` naming both inputs by position and their shapes.
 */
export function broadcastShape(where: string, shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  // Which input set each axis of the output (to name it in an error), -1 while no input has.
  const from = new Array<number>(rank).fill(-1);
  // Input by input, axis by axis from the last: equal, or one of the two is 1.
  shapes.forEach((shape, k) => {
    for (let a = 1; a <= shape.length; a++) {
      const d = shape[shape.length - a];
      const o = rank - a;
      if (d === out[o] || d === 1) continue;
      if (out[o] !== 1) {
        throw new RangeError(
          `${where}: input ${from[o]} has shape ${batchShape(shapes[from[o]])} and input ${k} has shape ${batchShape(shape)}, which do not match (aligned on the last axis, each axis must be equal or 1)`,
        );
      }
      out[o] = d;
      from[o] = k;
    }
  });
  return out;
}

/**
 * The per-sample shape of the concatenation of inputs of per-sample `shapes` along `axis`, which
 * counts the batch axis as 0 (so per-sample axis `axis - 1`); a negative axis counts from the end
 * (-1 is the last). Every input must have the same rank and the same lengths on the other axes.
 */
export function concatShape(where: string, shapes: readonly (readonly number[])[], axis: number): number[] {
  const rank = shapes[0].length;
  const a = perSampleAxis(where, axis, rank);
  shapes.forEach((shape, k) => {
    const same = shape.length === rank && shape.every((d, i) => i === a || d === shapes[0][i]);
    if (!same) {
      throw new RangeError(
        `${where}: input 0 has shape ${batchShape(shapes[0])} and input ${k} has shape ${batchShape(shape)}; concatenating along axis ${axis} needs the same rank and the same lengths on every other axis`,
      );
    }
  });
  const out = shapes[0].slice();
  out[a] = shapes.reduce((n, s) => n + s[a], 0);
  return out;
}

/** The per-sample index of `axis` (batch axis 0, negative from the end) for a per-sample rank; a RangeError for the batch axis or out of range. */
export function perSampleAxis(where: string, axis: number, rank: number): number {
  const full = axis < 0 ? rank + 1 + axis : axis;
  if (!Number.isInteger(axis) || full < 1 || full > rank) {
    const range = rank === 0 ? 'they have no axis besides the batch axis' : `expected 1 to ${rank} or -${rank} to -1 (0 is the batch axis)`;
    throw new RangeError(`${where}: axis ${axis} is not a per-sample axis of inputs of rank ${rank + 1}; ${range}`);
  }
  return full - 1;
}

/** Throws a RangeError unless every input has a batch axis of the same length; returns that length. */
function checkBatch(where: string, inputs: readonly Tensor[]): number {
  if (inputs.length < 2) throw new RangeError(`${where}: takes a list of at least two tensors, got ${inputs.length}`);
  const batch = inputs[0].shape[0];
  inputs.forEach((x, k) => {
    if (x.rank < 1 || x.shape[0] !== batch) {
      throw new RangeError(`${where}: every input needs the same batch size (axis 0); input 0 has shape ${shapeToString(inputs[0].shape)} and input ${k} ${shapeToString(x.shape)}`);
    }
  });
  return batch;
}

/** One input as the op reads it: its values at the output's shape, and the index that gathered them (null when its shape is the output's). */
interface Expanded {
  data: Float32Array;
  index: Int32Array | null;
}

/**
 * The output shape [batch, ...broadcast per-sample shape] of an elementwise merge, and each input
 * at that shape: itself when it already has it, else gathered into a buffer through an index
 * (kept for the backward pass).
 */
function expand(ctx: CallContext, ws: Workspace, where: string, inputs: readonly Tensor[]): { shape: number[]; parts: Expanded[] } {
  const batch = checkBatch(where, inputs);
  const shape = [batch, ...broadcastShape(where, inputs.map((x) => x.shape.slice(1)))];
  const size = sizeOf(shape);
  const parts = inputs.map((x): Expanded => {
    if (x.size === size && x.rank === shape.length) return { data: x.data, index: null };
    // Axes of length 1 in front of the per-sample axes, then gather.
    const padded = [batch, ...new Array<number>(shape.length - x.rank).fill(1), ...x.shape.slice(1)];
    const index = ws.ints(ctx, 'merge.index', size);
    broadcastIndex(shape, padded, index);
    const data = ws.get(ctx, 'merge.expanded', shape).data;
    gather(x.data, index, data, size);
    return { data, index };
  });
  return { shape, parts };
}

/**
 * Adds `part`'s gradient into x's: `contribute(target)` adds it at the output's shape, straight
 * into dx when x has that shape, else into a zeroed scratch buffer summed back into dx through the
 * gather index (the gradient of a broadcast is the sum over its repeats).
 */
function backInto(x: Tensor, part: Expanded, scratch: Float32Array | null, size: number, contribute: (target: Float32Array) => void): void {
  const dx = gradOf(x);
  if (dx === null) return;
  if (part.index === null) {
    contribute(dx);
    return;
  }
  const g = scratch as Float32Array;
  g.fill(0, 0, size);
  contribute(g);
  scatterAdd(g, part.index, dx, size);
}

/** A scratch buffer at the output's shape when some input was broadcast, else null. */
function scratchFor(ctx: CallContext, ws: Workspace, parts: readonly Expanded[], shape: readonly number[]): Float32Array | null {
  return parts.some((p) => p.index !== null) ? ws.get(ctx, 'merge.dx', shape).data : null;
}

/**
 * y = scale * (x0 + sign * x1 + x2 + ...), summed in input order in float32 as TensorFlow.js does;
 * the shared body of add (scale 1), average (scale 1/n) and subtract (sign -1, two inputs).
 * Backward: dx_k += scale * sign_k * dy.
 */
function linearMerge(ctx: CallContext, ws: Workspace, name: string, inputs: readonly Tensor[], sign: number, factor: number): Tensor {
  const { shape, parts } = expand(ctx, ws, name, inputs);
  const y = ws.get(ctx, `${name}.y`, shape);
  const size = y.size;
  const coefficient = (k: number): number => (k === 1 ? sign : 1);
  y.data.set(parts[0].data.subarray(0, size));
  for (let k = 1; k < parts.length; k++) axpy(coefficient(k), parts[k].data, y.data, size);
  if (factor !== 1) scale(y.data, factor, size);

  record(ctx, y, inputs, () => {
    // dx_k += factor * sign_k * dy (summed over the repeats of a broadcast input)
    const dy = y.grad as Float32Array;
    const scratch = scratchFor(ctx, ws, parts, shape);
    inputs.forEach((x, k) => backInto(x, parts[k], scratch, size, (target) => axpy(factor * coefficient(k), dy, target, size)));
  });
  return y;
}

/** Keras' Add: y = x0 + x1 + ... (per-sample shapes broadcast). Backward: dx_k += dy. */
export function add(ctx: CallContext, ws: Workspace, inputs: readonly Tensor[]): Tensor {
  return linearMerge(ctx, ws, 'add', inputs, 1, 1);
}

/**
 * Keras' Average: y = (x0 + x1 + ...) * (1/n), the sum times the float32 value of 1/n as
 * TensorFlow.js computes it. Backward: dx_k += dy / n.
 */
export function average(ctx: CallContext, ws: Workspace, inputs: readonly Tensor[]): Tensor {
  return linearMerge(ctx, ws, 'average', inputs, 1, Math.fround(1 / inputs.length));
}

/** Keras' Subtract: y = a - b (per-sample shapes broadcast). Backward: da += dy, db -= dy. */
export function subtract(ctx: CallContext, ws: Workspace, a: Tensor, b: Tensor): Tensor {
  return linearMerge(ctx, ws, 'subtract', [a, b], -1, 1);
}

/**
 * Keras' Multiply: y = x0 * x1 * ... in input order. Backward: dx_k += dy * prod_{j != k} x_j
 * (the product of the others, computed again rather than y / x_k, which fails where x_k = 0).
 */
export function multiply(ctx: CallContext, ws: Workspace, inputs: readonly Tensor[]): Tensor {
  const { shape, parts } = expand(ctx, ws, 'multiply', inputs);
  const y = ws.get(ctx, 'multiply.y', shape);
  const size = y.size;
  y.data.set(parts[0].data.subarray(0, size));
  for (let k = 1; k < parts.length; k++) multiplyKernel(y.data, parts[k].data, y.data, size);

  record(ctx, y, inputs, () => {
    const dy = y.grad as Float32Array;
    const scratch = scratchFor(ctx, ws, parts, shape);
    const others = ws.get(ctx, 'multiply.others', shape).data;
    inputs.forEach((x, k) => {
      if (gradOf(x) === null) return;
      // others = dy * prod_{j != k} x_j, then dx_k += others
      others.set(dy.subarray(0, size));
      for (let j = 0; j < parts.length; j++) if (j !== k) multiplyKernel(others, parts[j].data, others, size);
      backInto(x, parts[k], scratch, size, (target) => axpy(1, others, target, size));
    });
  });
  return y;
}

/**
 * The elementwise maximum (`max`) or minimum of the inputs, remembering which input each output
 * element came from; on a tie the first input holding the value wins (TensorFlow's maximum
 * gradient goes to a where a >= b, and Keras folds the inputs left to right), so only that input
 * gets the gradient. Backward: dx_k += dy where input k was chosen.
 */
function extremum(ctx: CallContext, ws: Workspace, name: string, inputs: readonly Tensor[], max: boolean): Tensor {
  const { shape, parts } = expand(ctx, ws, name, inputs);
  const y = ws.get(ctx, `${name}.y`, shape);
  const size = y.size;
  const which = ws.ints(ctx, `${name}.which`, size);
  y.data.set(parts[0].data.subarray(0, size));
  which.fill(0, 0, size);
  for (let k = 1; k < parts.length; k++) extremumInto(y.data, which, parts[k].data, k, size, max);

  record(ctx, y, inputs, () => {
    // dx_k += dy where which = k
    const dy = y.grad as Float32Array;
    const scratch = scratchFor(ctx, ws, parts, shape);
    inputs.forEach((x, k) => backInto(x, parts[k], scratch, size, (target) => routeGradient(dy, which, k, target, size)));
  });
  return y;
}

/** Keras' Maximum: y = max(x0, x1, ...) elementwise; the gradient goes to the input chosen (the first on a tie). */
export function maximum(ctx: CallContext, ws: Workspace, inputs: readonly Tensor[]): Tensor {
  return extremum(ctx, ws, 'maximum', inputs, true);
}

/** Keras' Minimum: y = min(x0, x1, ...) elementwise; the gradient goes to the input chosen (the first on a tie). */
export function minimum(ctx: CallContext, ws: Workspace, inputs: readonly Tensor[]): Tensor {
  return extremum(ctx, ws, 'minimum', inputs, false);
}

/**
 * Keras' Concatenate: the inputs side by side along `axis` (batch axis 0, default -1 the last;
 * negative from the end). Inputs [batch, ..., n_k, ...] -> [batch, ..., sum n_k, ...].
 * Backward: each input gets its slab of dy.
 */
export function concatenate(ctx: CallContext, ws: Workspace, inputs: readonly Tensor[], axis = -1): Tensor {
  const batch = checkBatch('concatenate', inputs);
  const perSample = concatShape('concatenate', inputs.map((x) => x.shape.slice(1)), axis);
  const a = perSampleAxis('concatenate', axis, perSample.length) + 1;
  const y = ws.get(ctx, 'concatenate.y', [batch, ...perSample]);
  // Viewed as [outer, inner]: outer = the axes before `a`, inner = axis a and those after it.
  const outer = sizeOf(y.shape.slice(0, a));
  const yInner = outer === 0 ? 0 : y.size / outer;
  let offset = 0;
  for (const x of inputs) {
    const inner = outer === 0 ? 0 : x.size / outer;
    concatInto(x.data, y.data, outer, inner, yInner, offset);
    offset += inner;
  }

  record(ctx, y, inputs, () => {
    // dx_k += the columns of dy that input k filled
    const dy = y.grad as Float32Array;
    let at = 0;
    for (const x of inputs) {
      const inner = outer === 0 ? 0 : x.size / outer;
      const dx = gradOf(x);
      if (dx !== null) concatBackward(dy, dx, outer, inner, yInner, at);
      at += inner;
    }
  });
  return y;
}
