/**
 * Tensor: a shape over a contiguous, row-major Float32Array.
 *
 * The data is always contiguous, so a kernel can walk it with plain index arithmetic; `nd` gives
 * the same memory as an `ndarray` view, and `rows(start, end)` slices along the first axis
 * without copying (a batch of rows is a `subarray` of the parent's data).
 */
import ndarray, { NdArray } from 'ndarray';
import type { Tape } from './autodiff';
import ops from 'ndarray-ops';
import { floatArray } from '../kernels/parallel';

/** A shape: one non-negative integer per axis. */
export type Shape = readonly number[];

/** Nested JavaScript arrays of numbers, as `toArray()` returns them. */
export type NestedArray = number[] | NestedArray[];

/** Anything the engine accepts where it wants a tensor. */
export type TensorLike =
  | Tensor
  | NdArray
  | NestedArray
  | { data: Float32Array | Float64Array | ArrayLike<number>; shape: Shape };

/** Number of elements of a shape (1 for a scalar `[]`). */
export function sizeOf(shape: Shape): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** `[2, 3]` as the text `[2, 3]`, for error messages. */
export function shapeToString(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export class Tensor {
  /** Length of each axis, outermost first. */
  readonly shape: number[];
  /** The elements in row-major order. */
  readonly data: Float32Array;
  /**
   * Whether backpropagation computes this tensor's gradient (into `grad`). An explicit flag: a
   * trainable layer's weights and every recorded op output have it; a frozen layer's weights and
   * the model's input do not, and no op spends work on their gradients.
   */
  requiresGrad = false;
  /**
   * Gradient of the loss with respect to this tensor, accumulated by `tape.backward()` when
   * `requiresGrad`. A backward closure adds into an input's gradient through `gradOf(input)`
   * (never `input.grad` directly: during the walk it may still hold the last pass's values, see
   * `gradUnset`).
   */
  grad: Float32Array | null = null;
  /**
   * True while `grad` holds nothing of the current backward pass yet (its old values count as
   * zero): the tape sets it instead of zero-filling every gradient, the first op that writes a
   * whole contribution overwrites the buffer, and `gradOf` zero-fills it for ops that add.
   */
  gradUnset = false;
  /** The tape the op that made this tensor was recorded on, or null (a leaf, or nothing was recorded). */
  tape: Tape | null = null;

  /** Wraps `data` (not copied) as a tensor of `shape`; their sizes must agree. */
  constructor(data: Float32Array, shape: Shape) {
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) {
        throw new RangeError(`Tensor: shape must hold non-negative integers, got ${shapeToString(shape)}`);
      }
    }
    if (sizeOf(shape) !== data.length) {
      throw new RangeError(
        `Tensor: shape ${shapeToString(shape)} holds ${sizeOf(shape)} elements but the data has ${data.length}`,
      );
    }
    this.shape = shape.slice();
    this.data = data;
  }

  /** A tensor of zeros. */
  static zeros(shape: Shape): Tensor {
    return new Tensor(floatArray(sizeOf(shape)), shape);
  }

  /** A tensor with every element equal to `value`. */
  static full(shape: Shape, value: number): Tensor {
    return new Tensor(floatArray(sizeOf(shape)).fill(value), shape);
  }

  /**
   * Converts nested arrays, an ndarray, `{ data, shape }` or a Tensor (returned as it is) into a
   * Tensor. `name` is the argument's name in error messages.
   */
  static from(value: TensorLike, name = 'input'): Tensor {
    if (value instanceof Tensor) return value;
    if (Array.isArray(value)) return fromNested(value, name);
    if (isNdArray(value)) return fromNdArray(value);
    if (value !== null && typeof value === 'object' && 'data' in value && 'shape' in value) {
      const { data, shape } = value as { data: unknown; shape: unknown };
      const length = typeof data === 'object' && data !== null ? (data as ArrayLike<number>).length : undefined;
      if (typeof length !== 'number') throw new TypeError(`${name}: { data, shape } needs data to be an array or typed array, got ${describe(data)}`);
      if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0) || sizeOf(shape) !== length) {
        throw new RangeError(`${name}: { data, shape } needs shape to be non-negative integers whose product is data.length (${length}), got ${JSON.stringify(shape) ?? describe(shape)}`);
      }
      return new Tensor(data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>), shape);
    }
    throw new TypeError(
      `${name}: expected nested arrays of numbers, an ndarray, { data, shape } or a Tensor, got ${describe(value)}`,
    );
  }

  /** Number of axes. */
  get rank(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** The same memory as an `ndarray` view (no copy). */
  get nd(): NdArray<Float32Array> {
    return ndarray(this.data, this.shape.slice());
  }

  /** Rows `start` (inclusive) to `end` (exclusive) of the first axis, sharing this tensor's memory. */
  rows(start: number, end: number): Tensor {
    if (this.rank === 0 || start < 0 || end > this.shape[0] || start > end) {
      throw new RangeError(`Tensor.rows: rows ${start}..${end} outside a tensor of shape ${shapeToString(this.shape)}`);
    }
    const rowSize = this.shape[0] === 0 ? 0 : this.size / this.shape[0];
    return new Tensor(this.data.subarray(start * rowSize, end * rowSize), [end - start, ...this.shape.slice(1)]);
  }

  /** The same data under another shape of the same size (no copy). */
  reshape(shape: Shape): Tensor {
    return new Tensor(this.data, shape);
  }

  /** A deep copy (data copied, gradient not). */
  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape);
  }

  /**
   * Backpropagation from this scalar (a loss): fills the `grad` of every tensor that requires a
   * gradient and took part in computing it. `grad` is a Float32Array of the tensor's size (row-major,
   * like `data`), accumulated (`+=`) from one `backward()` to the next, as PyTorch does: zero it
   * between steps (`zeroGrads`), or use `valueAndGrads`, which returns fresh gradients. The graph
   * is released afterwards, so a second `backward()` on the same result is an Error.
   */
  backward(): void {
    if (this.size !== 1) {
      throw new RangeError(`backward: the loss must be a scalar (one value), got a tensor of shape ${shapeToString(this.shape)}; reduce it first, e.g. with .sum() or .mean()`);
    }
    const tape = this.tape;
    if (tape === null) {
      if (!this.requiresGrad) {
        throw new Error(
          'backward: nothing that requires a gradient took part in computing this tensor (make the parameters with variable(...)), or its graph was already used by an earlier backward()',
        );
      }
      // A variable on its own: d(x)/d(x) = 1.
      if (this.grad === null) this.grad = new Float32Array(1);
      this.grad[0] += 1;
      return;
    }
    tape.backward(this);
    tape.reset();
  }

  /** The element at `index` (one integer per axis). */
  get(...index: number[]): number {
    if (index.length !== this.rank) {
      throw new RangeError(`Tensor.get: expected ${this.rank} indices, got ${index.length}`);
    }
    let offset = 0;
    for (let axis = 0; axis < index.length; axis++) {
      const i = index[axis];
      if (!Number.isInteger(i) || i < 0 || i >= this.shape[axis]) {
        throw new RangeError(`Tensor.get: index ${i} out of range for axis ${axis} of size ${this.shape[axis]}`);
      }
      offset = offset * this.shape[axis] + i;
    }
    return this.data[offset];
  }

  /** The elements as nested JavaScript arrays (a number for a scalar). */
  toArray(): NestedArray | number {
    if (this.rank === 0) return this.data[0];
    const build = (axis: number, offset: number): NestedArray => {
      const n = this.shape[axis];
      if (axis === this.rank - 1) return Array.from(this.data.subarray(offset, offset + n));
      const stride = sizeOf(this.shape.slice(axis + 1));
      const out: NestedArray[] = [];
      for (let i = 0; i < n; i++) out.push(build(axis + 1, offset + i * stride));
      return out;
    };
    return build(0, 0);
  }

  toString(): string {
    return `Tensor${shapeToString(this.shape)}`;
  }
}

function isNdArray(value: unknown): value is NdArray {
  return (
    typeof value === 'object' &&
    value !== null &&
    'shape' in value &&
    'stride' in value &&
    'offset' in value &&
    'data' in value
  );
}

function fromNdArray(value: NdArray): Tensor {
  const out = Tensor.zeros(value.shape);
  if (out.size > 0) ops.assign(out.nd, value);
  return out;
}

function fromNested(value: NestedArray, name: string): Tensor {
  // Walk down the first elements to find the shape, then check every sub-array against it.
  const shape: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
    if (probe === undefined) break;
  }
  const out = Tensor.zeros(shape);
  let offset = 0;
  const fill = (part: unknown, axis: number, path: string): void => {
    if (axis === shape.length) {
      if (typeof part !== 'number') {
        throw new TypeError(`${name}: expected a number at ${name}${path}, got ${describe(part)}`);
      }
      out.data[offset++] = part;
      return;
    }
    if (!Array.isArray(part) || part.length !== shape[axis]) {
      throw new TypeError(
        `${name}: ragged nested array: ${name}${path} should be an array of length ${shape[axis]}, got ${describe(part)}`,
      );
    }
    for (let i = 0; i < part.length; i++) fill(part[i], axis + 1, `${path}[${i}]`);
  };
  fill(value, 0, '');
  return out;
}

/** Throws a RangeError naming `name` if `data` holds NaN or an infinity. */
export function checkFinite(data: ArrayLike<number>, name: string): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new RangeError(`${name}: expected finite numbers, found ${data[i]} at flat index ${i}`);
    }
  }
}

/** A short description of any value, for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (value instanceof Tensor) return `a Tensor of shape ${shapeToString(value.shape)}`;
  if (typeof value === 'string') return `the string '${value}'`;
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`;
  // Numbers and booleans read as themselves (`got 0`, `got true`); a string is marked as one above.
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return `${typeof value} ${String(value)}`;
}
