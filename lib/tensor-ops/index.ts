/**
 * Tensor operations with gradients, for expressions written by hand:
 * `x.matMul(w).add(b).sigmoid().sub(y).square().mean()`, then `backward` on the scalar.
 *
 * Each op is a function (and a Tensor method, see methods.ts) that runs its forward kernel into
 * a fresh tensor, then records, right beside it, the closure that sends the output's gradient
 * back to its inputs, on the same tape as the layers' ops (lib/autodiff.ts `record`). It records
 * only when an input requires a gradient (a `variable`, a trainable weight, or the output of a
 * recorded op): an expression of plain tensors records nothing and costs nothing extra.
 * Outputs are plain objects that the garbage collector reclaims (no `dispose`).
 */
import './methods';

export { tensor, variable, zeros, ones, scalar } from './factories';
export type { TensorValues } from './factories';
export type { Operand } from './common';
export { add, sub, mul, div, pow, maximum, minimum, greater, less, equal, greaterEqual, lessEqual, where } from './elementwise';
export { neg, exp, log, sqrt, square, abs, relu, sigmoid, tanh, clip } from './elementwise';
export { sum, mean, max, softmax, logSoftmax } from './reductions';
export type { Axes } from './reductions';
export { matMul } from './matmul';
export { reshape, transpose, concat, slice, gather } from './shape';
export { dropout } from './dropout';
export type { DropoutOpArgs, DropoutResult } from './dropout';
