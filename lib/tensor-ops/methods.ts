/**
 * Every tensor op as a method of Tensor, so expressions chain:
 * `x.matMul(w).add(b).sigmoid().sub(y).square().mean()`. `x.op(...args)` is `op(x, ...args)`
 * (`a.where(cond, b)` is `where(cond, a, b)`, `x.concat(others, axis)` is `concat([x, ...others], axis)`),
 * added to Tensor's prototype here so that lib/tensor.ts does not import the ops.
 * `reshape` replaces Tensor's own (the same view of the same memory, now recorded when x requires
 * a gradient, and accepting one -1).
 */
import { Tensor, TensorLike } from '../tensor';
import { Operand } from './common';
import { dropout, DropoutOpArgs, DropoutResult } from './dropout';
import * as e from './elementwise';
import { matMul } from './matmul';
import { Axes, logSoftmax, max, mean, softmax, sum } from './reductions';
import { concat, gather, reshape, slice, transpose } from './shape';

declare module '../tensor' {
  interface Tensor {
    /** this + b, broadcast (see `add`). */
    add(b: Operand): Tensor;
    /** this - b, broadcast (see `sub`). */
    sub(b: Operand): Tensor;
    /** this * b, broadcast (see `mul`). */
    mul(b: Operand): Tensor;
    /** this / b, broadcast (see `div`). */
    div(b: Operand): Tensor;
    /** this ^ b, broadcast (see `pow`). */
    pow(b: Operand): Tensor;
    /** max(this, b) elementwise (see `maximum`). */
    maximum(b: Operand): Tensor;
    /** min(this, b) elementwise (see `minimum`). */
    minimum(b: Operand): Tensor;
    /** [this > b] as 1 or 0 (see `greater`). */
    greater(b: Operand): Tensor;
    /** [this < b] as 1 or 0 (see `less`). */
    less(b: Operand): Tensor;
    /** [this == b] as 1 or 0 (see `equal`). */
    equal(b: Operand): Tensor;
    /** [this >= b] as 1 or 0 (see `greaterEqual`). */
    greaterEqual(b: Operand): Tensor;
    /** [this <= b] as 1 or 0 (see `lessEqual`). */
    lessEqual(b: Operand): Tensor;
    /** cond ? this : b elementwise (see `where`). */
    where(cond: Operand, b: Operand): Tensor;
    /** -this (see `neg`). */
    neg(): Tensor;
    /** e^this (see `exp`). */
    exp(): Tensor;
    /** ln this (see `log`). */
    log(): Tensor;
    /** √this (see `sqrt`). */
    sqrt(): Tensor;
    /** this² (see `square`). */
    square(): Tensor;
    /** |this| (see `abs`). */
    abs(): Tensor;
    /** max(this, 0) (see `relu`). */
    relu(): Tensor;
    /** 1 / (1 + e^-this) (see `sigmoid`). */
    sigmoid(): Tensor;
    /** tanh this (see `tanh`). */
    tanh(): Tensor;
    /** this clipped to [min, max] (see `clip`). */
    clip(min: number, max: number): Tensor;
    /** The sum over axes (see `sum`). */
    sum(axis?: Axes, keepDims?: boolean): Tensor;
    /** The mean over axes (see `mean`). */
    mean(axis?: Axes, keepDims?: boolean): Tensor;
    /** The maximum over axes (see `max`). */
    max(axis?: Axes, keepDims?: boolean): Tensor;
    /** op(this) · op(b) (see `matMul`). */
    matMul(b: Operand, transposeA?: boolean, transposeB?: boolean): Tensor;
    /** softmax along an axis, default the last (see `softmax`). */
    softmax(axis?: number): Tensor;
    /** log-softmax along an axis, default the last (see `logSoftmax`). */
    logSoftmax(axis?: number): Tensor;
    /** The axes permuted (see `transpose`). */
    transpose(perm?: readonly number[]): Tensor;
    /** this and `others` (a tensor or a list of them) joined along `axis` (see `concat`). */
    concat(others: Tensor | readonly Tensor[], axis?: number): Tensor;
    /** A box of this tensor (see `slice`). */
    slice(begin: number | readonly number[], size?: number | readonly number[]): Tensor;
    /** The slices at `indices` along `axis` (see `gather`). */
    gather(indices: TensorLike | Int32Array | readonly number[], axis?: number): Tensor;
    /** Inverted dropout with its mask on the result (see `dropout`). */
    dropout(rate: number, options?: DropoutOpArgs): DropoutResult;
  }
}

const proto = Tensor.prototype;
proto.add = function (b) { return e.add(this, b); };
proto.sub = function (b) { return e.sub(this, b); };
proto.mul = function (b) { return e.mul(this, b); };
proto.div = function (b) { return e.div(this, b); };
proto.pow = function (b) { return e.pow(this, b); };
proto.maximum = function (b) { return e.maximum(this, b); };
proto.minimum = function (b) { return e.minimum(this, b); };
proto.greater = function (b) { return e.greater(this, b); };
proto.less = function (b) { return e.less(this, b); };
proto.equal = function (b) { return e.equal(this, b); };
proto.greaterEqual = function (b) { return e.greaterEqual(this, b); };
proto.lessEqual = function (b) { return e.lessEqual(this, b); };
proto.where = function (cond, b) { return e.where(cond, this, b); };
proto.neg = function () { return e.neg(this); };
proto.exp = function () { return e.exp(this); };
proto.log = function () { return e.log(this); };
proto.sqrt = function () { return e.sqrt(this); };
proto.square = function () { return e.square(this); };
proto.abs = function () { return e.abs(this); };
proto.relu = function () { return e.relu(this); };
proto.sigmoid = function () { return e.sigmoid(this); };
proto.tanh = function () { return e.tanh(this); };
proto.clip = function (min, max) { return e.clip(this, min, max); };
proto.sum = function (axis, keepDims) { return sum(this, axis, keepDims); };
proto.mean = function (axis, keepDims) { return mean(this, axis, keepDims); };
proto.max = function (axis, keepDims) { return max(this, axis, keepDims); };
proto.matMul = function (b, transposeA, transposeB) { return matMul(this, b, transposeA, transposeB); };
proto.softmax = function (axis) { return softmax(this, axis); };
proto.logSoftmax = function (axis) { return logSoftmax(this, axis); };
proto.reshape = function (shape) { return reshape(this, shape); };
proto.transpose = function (perm) { return transpose(this, perm); };
proto.concat = function (others, axis) { return concat([this, ...(others instanceof Tensor ? [others] : others)], axis); };
proto.slice = function (begin, size) { return slice(this, begin, size); };
proto.gather = function (indices, axis) { return gather(this, indices, axis); };
proto.dropout = function (rate, options) { return dropout(this, rate, options); };
