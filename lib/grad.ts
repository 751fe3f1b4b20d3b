/**
 * Gradients of functions written by hand, TensorFlow.js style: `valueAndGrads(f, vars)` runs
 * `f` (a scalar of ops on `vars` and anything else) and returns its value and the gradient of
 * each of `vars`, without changing anything the caller can see: each variable's `grad` and
 * `requiresGrad` are as they were before the call.
 *
 *   const { value, grads } = valueAndGrads(() => x.matMul(w).add(b).sigmoid().sub(y).square().mean(), [w, b]);
 *
 * The same tape as everywhere (lib/autodiff.ts): the ops inside record because `vars` require a
 * gradient while `f` runs.
 */
import { floatArray } from '../kernels/parallel';
import { describe, shapeToString, Tensor } from './tensor';

/** What `valueAndGrads` returns: f's value, and one gradient per variable (its shape). */
export interface ValueAndGrads {
  value: Tensor;
  grads: Tensor[];
}

/**
 * f's scalar value and d f / d v for each v of `vars` (Tensors of their shapes). `f` must return
 * a scalar (a reduction such as `.mean()`); the variables need not be made with `variable`.
 */
export function valueAndGrads(f: () => Tensor, vars: readonly Tensor[]): ValueAndGrads {
  if (typeof f !== 'function') throw new TypeError(`valueAndGrads: f must be a function returning a scalar Tensor, got ${describe(f)}`);
  if (!Array.isArray(vars) || !vars.every((v) => v instanceof Tensor)) {
    throw new TypeError(`valueAndGrads: vars must be a list of Tensors (the variables to differentiate by), got ${describe(vars)}`);
  }
  const saved = vars.map((v) => ({ grad: v.grad, requiresGrad: v.requiresGrad }));
  try {
    // Fresh zero gradients, and every variable requiring one while f runs.
    for (const v of vars) {
      v.requiresGrad = true;
      v.grad = floatArray(v.size);
    }
    const value = f();
    if (!(value instanceof Tensor)) throw new TypeError(`valueAndGrads: f must return a Tensor, got ${describe(value)}`);
    if (value.size !== 1) {
      throw new RangeError(`valueAndGrads: f must return a scalar (one value), got a tensor of shape ${shapeToString(value.shape)}; reduce it, e.g. with .mean()`);
    }
    // f may not depend on every variable (or on none): their gradients stay zero.
    if (value.tape !== null) value.backward();
    else if (vars.includes(value)) (value.grad as Float32Array)[0] += 1;
    return { value, grads: vars.map((v) => new Tensor(v.grad as Float32Array, v.shape)) };
  } finally {
    vars.forEach((v, i) => {
      v.grad = saved[i].grad;
      v.requiresGrad = saved[i].requiresGrad;
    });
  }
}

/** The gradients of `valueAndGrads(f, vars)` alone. */
export function grads(f: () => Tensor, vars: readonly Tensor[]): Tensor[] {
  return valueAndGrads(f, vars).grads;
}
