/**
 * Elementwise tensor ops, with NumPy broadcasting: an input whose shape is not the output's is
 * gathered to it, and its gradient is summed back over the elements it was repeated to. A number
 * is accepted wherever a tensor is (a scalar). Each op: the forward kernel, then its backward
 * closure, recorded only when an input requires a gradient.
 */
import { binaryBackward, binaryForward, BinaryOp, compare, CompareOp, select, selectBackward } from '../../kernels/binary';
import { clipBackward, clipForward, unaryBackward, unaryForward, UnaryOp } from '../../kernels/unary';
import { gradOf, record } from '../autodiff';
import { Tensor } from '../tensor';
import { addGrad, checkNumber, HAND, Operand, spreadAll, toTensor } from './common';

/** The body of every binary op: broadcast, y = a op b, and the closure that sends dy to a and b. */
function binary(op: BinaryOp, a: Operand, b: Operand): Tensor {
  const x = toTensor(a, `${op}: a`);
  const z = toTensor(b, `${op}: b`);
  const { shape, size, parts } = spreadAll(op, [x, z]);
  const [pa, pb] = parts;
  const y = Tensor.zeros(shape);
  binaryForward(op, pa.data, pb.data, y.data, size);

  record(HAND, y, [x, z], () => {
    // da += dy * dy/da, db += dy * dy/db (each summed over its broadcast axes)
    const dy = y.grad as Float32Array;
    addGrad(pa, size, (da) => binaryBackward(op, pa.data, pb.data, y.data, dy, da, null, size));
    addGrad(pb, size, (db) => binaryBackward(op, pa.data, pb.data, y.data, dy, null, db, size));
  });
  return y;
}

/** a + b. a: A, b: B -> broadcast(A, B). d/da = 1, d/db = 1. */
export function add(a: Operand, b: Operand): Tensor {
  return binary('add', a, b);
}

/** a - b. a: A, b: B -> broadcast(A, B). d/da = 1, d/db = -1. */
export function sub(a: Operand, b: Operand): Tensor {
  return binary('sub', a, b);
}

/** a * b. a: A, b: B -> broadcast(A, B). d/da = b, d/db = a. */
export function mul(a: Operand, b: Operand): Tensor {
  return binary('mul', a, b);
}

/** a / b. a: A, b: B -> broadcast(A, B). d/da = 1/b, d/db = -a/b². */
export function div(a: Operand, b: Operand): Tensor {
  return binary('div', a, b);
}

/** a ^ b. a: A, b: B -> broadcast(A, B). d/da = b a^(b-1), d/db = a^b ln a (0 where a <= 0, as TensorFlow). */
export function pow(a: Operand, b: Operand): Tensor {
  return binary('pow', a, b);
}

/** max(a, b) elementwise (NaN propagates). a: A, b: B -> broadcast(A, B). d/da = [a >= b], d/db = [a < b] (ties go to a, as TensorFlow). */
export function maximum(a: Operand, b: Operand): Tensor {
  return binary('maximum', a, b);
}

/** min(a, b) elementwise (NaN propagates). a: A, b: B -> broadcast(A, B). d/da = [a <= b], d/db = [a > b] (ties go to a). */
export function minimum(a: Operand, b: Operand): Tensor {
  return binary('minimum', a, b);
}

/** The body of the comparisons: 1 where true, 0 where false; never recorded (no gradient). */
function comparison(op: CompareOp, a: Operand, b: Operand): Tensor {
  const { shape, size, parts } = spreadAll(op, [toTensor(a, `${op}: a`), toTensor(b, `${op}: b`)]);
  const y = Tensor.zeros(shape);
  compare(op, parts[0].data, parts[1].data, y.data, size);
  return y;
}

/** [a > b] as 1 or 0. a: A, b: B -> broadcast(A, B). No gradient (a step function). */
export function greater(a: Operand, b: Operand): Tensor {
  return comparison('greater', a, b);
}

/** [a < b] as 1 or 0. a: A, b: B -> broadcast(A, B). No gradient. */
export function less(a: Operand, b: Operand): Tensor {
  return comparison('less', a, b);
}

/** [a == b] as 1 or 0. a: A, b: B -> broadcast(A, B). No gradient. */
export function equal(a: Operand, b: Operand): Tensor {
  return comparison('equal', a, b);
}

/** [a >= b] as 1 or 0. a: A, b: B -> broadcast(A, B). No gradient. */
export function greaterEqual(a: Operand, b: Operand): Tensor {
  return comparison('greaterEqual', a, b);
}

/** [a <= b] as 1 or 0. a: A, b: B -> broadcast(A, B). No gradient. */
export function lessEqual(a: Operand, b: Operand): Tensor {
  return comparison('lessEqual', a, b);
}

/**
 * cond ? a : b elementwise, cond nonzero meaning true (e.g. a comparison's output).
 * cond: C, a: A, b: B -> broadcast(C, A, B). d/da = [cond], d/db = [not cond]; none to cond.
 */
export function where(cond: Operand, a: Operand, b: Operand): Tensor {
  const c = toTensor(cond, 'where: cond');
  const x = toTensor(a, 'where: a');
  const z = toTensor(b, 'where: b');
  const { shape, size, parts } = spreadAll('where', [c, x, z]);
  const [pc, pa, pb] = parts;
  const y = Tensor.zeros(shape);
  select(pc.data, pa.data, pb.data, y.data, size);

  record(HAND, y, [x, z], () => {
    // da += dy where cond, db += dy where not cond
    const dy = y.grad as Float32Array;
    addGrad(pa, size, (da) => selectBackward(pc.data, dy, da, true, size));
    addGrad(pb, size, (db) => selectBackward(pc.data, dy, db, false, size));
  });
  return y;
}

/** The body of every unary op: y = op(x), and the closure dx += dy * op'(x). */
function unary(op: UnaryOp, v: Operand): Tensor {
  const x = toTensor(v, `${op}: x`);
  const y = Tensor.zeros(x.shape);
  unaryForward(op, x.data, y.data, x.size);

  record(HAND, y, [x], () => {
    // dx += dy * op'(x), from x or y
    const dx = gradOf(x);
    if (dx !== null) unaryBackward(op, x.data, y.data, y.grad as Float32Array, dx, x.size);
  });
  return y;
}

/** -x. x: S -> S. d/dx = -1. */
export function neg(x: Operand): Tensor {
  return unary('neg', x);
}

/** e^x. x: S -> S. d/dx = e^x. */
export function exp(x: Operand): Tensor {
  return unary('exp', x);
}

/** ln x (NaN for x < 0, -Infinity at 0). x: S -> S. d/dx = 1/x. */
export function log(x: Operand): Tensor {
  return unary('log', x);
}

/** √x (NaN for x < 0). x: S -> S. d/dx = 1 / (2√x). */
export function sqrt(x: Operand): Tensor {
  return unary('sqrt', x);
}

/** x². x: S -> S. d/dx = 2x. */
export function square(x: Operand): Tensor {
  return unary('square', x);
}

/** |x|. x: S -> S. d/dx = sign(x), 0 at 0. */
export function abs(x: Operand): Tensor {
  return unary('abs', x);
}

/** max(x, 0). x: S -> S. d/dx = [x > 0] (0 at 0). */
export function relu(x: Operand): Tensor {
  return unary('relu', x);
}

/** 1 / (1 + e^-x), computed without overflow. x: S -> S. d/dx = y (1 - y). */
export function sigmoid(x: Operand): Tensor {
  return unary('sigmoid', x);
}

/** tanh x. x: S -> S. d/dx = 1 - y². */
export function tanh(x: Operand): Tensor {
  return unary('tanh', x);
}

/**
 * x clipped to [min, max] (NaN stays NaN). x: S -> S. d/dx = [min <= x <= max].
 * A RangeError when min > max or either is NaN.
 */
export function clip(x: Operand, min: number, max: number): Tensor {
  const t = toTensor(x, 'clip: x');
  checkNumber('clip', 'min', min);
  checkNumber('clip', 'max', max);
  if (!(min <= max)) throw new RangeError(`clip: min must not exceed max (and neither may be NaN), got min ${min} and max ${max}`);
  const y = Tensor.zeros(t.shape);
  clipForward(t.data, y.data, min, max, t.size);

  record(HAND, y, [t], () => {
    // dx += dy where x was not clipped
    const dx = gradOf(t);
    if (dx !== null) clipBackward(t.data, y.grad as Float32Array, dx, min, max, t.size);
  });
  return y;
}
