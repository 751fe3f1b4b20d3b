/** Making tensors by hand: `tensor`, `variable` (a tensor that requires gradients), `zeros`, `ones`, `scalar`. */
import { describe, Shape, shapeToString, sizeOf, Tensor, TensorLike } from '../tensor';

/** What `tensor` takes: anything `Tensor.from` takes, a number, or flat values (with a shape). */
export type TensorValues = TensorLike | number | ArrayLike<number>;

/**
 * A new tensor holding a copy of `values` (nested arrays, a Tensor, an ndarray, `{ data, shape }`,
 * a number, or flat numbers / a typed array), under `shape` if given (same number of values),
 * else the values' own shape (a flat list is 1-D, a number a scalar []). It does not require
 * gradients: its ops record nothing.
 */
export function tensor(values: TensorValues, shape?: Shape): Tensor {
  let base: Tensor;
  if (typeof values === 'number') base = new Tensor(Float32Array.of(values), []);
  else if (ArrayBuffer.isView(values)) base = new Tensor(Float32Array.from(values as ArrayLike<number>), [(values as ArrayLike<number>).length]);
  else base = Tensor.from(values as TensorLike, 'tensor');
  const data = Float32Array.from(base.data);
  if (shape === undefined) return new Tensor(data, base.shape);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new RangeError(`tensor: shape must be a list of non-negative integers, got ${Array.isArray(shape) ? `[${shape.join(', ')}]` : describe(shape)}`);
  }
  if (sizeOf(shape) !== data.length) {
    throw new RangeError(`tensor: shape ${shapeToString(shape)} holds ${sizeOf(shape)} values but ${data.length} were given`);
  }
  return new Tensor(data, shape);
}

/**
 * A tensor that requires gradients (a copy of `values`, as `tensor`): every op it takes part in
 * is recorded, and `backward` on a scalar computed from it fills its `grad`.
 */
export function variable(values: TensorValues, shape?: Shape): Tensor {
  const t = tensor(values, shape);
  t.requiresGrad = true;
  return t;
}

/** A tensor of zeros of `shape`. */
export function zeros(shape: Shape): Tensor {
  return Tensor.zeros(shape);
}

/** A tensor of ones of `shape`. */
export function ones(shape: Shape): Tensor {
  return Tensor.full(shape, 1);
}

/** A scalar tensor (shape []) holding `value`. */
export function scalar(value: number): Tensor {
  if (typeof value !== 'number') throw new TypeError(`scalar: expected a number, got ${describe(value)}`);
  return new Tensor(Float32Array.of(value), []);
}
