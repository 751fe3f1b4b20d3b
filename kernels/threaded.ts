/**
 * The kernels the thread pool splits, with the signatures of their single-thread references: a
 * call small enough (or with buffers outside shared memory) runs the reference on this thread;
 * a large one is split by output rows across the pool (kernels/parallel.ts), every row computed
 * exactly as the reference computes it.
 */
import { ActivationName } from './activations';
import { ACTIVATION_CODES, denseForwardRows } from './dense';
import { MATMUL_ROW_ALIGN, matmulRows } from './matmul';
import { runRows, threadsFor } from './parallel';
import { TASK_DENSE, TASK_MATMUL } from './parallel-tasks';

/** `matmul` of kernels/matmul.ts (same arguments, same bits), split by rows of C when large. */
export function matmul(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number,
  transA = false, transB = false, accumulate = false): void {
  if (threadsFor(m * k * n, m, MATMUL_ROW_ALIGN) === 1) {
    matmulRows(a, b, c, m, k, n, transA, transB, accumulate, 0, m);
    return;
  }
  runRows(TASK_MATMUL, m, MATMUL_ROW_ALIGN, m * k * n, [a, b, c], [m, k, n, +transA, +transB, +accumulate]);
}

/** `denseForwardRows` of kernels/dense.ts over all m rows: y = act(x · W + b), split by rows of y when large. */
export function denseForward(x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array,
  m: number, k: number, n: number, act: ActivationName): void {
  if (threadsFor(m * k * n, m, MATMUL_ROW_ALIGN) === 1) {
    denseForwardRows(x, w, bias, y, m, k, n, act, 0, m);
    return;
  }
  runRows(TASK_DENSE, m, MATMUL_ROW_ALIGN, m * k * n, [x, w, y, bias ?? y], [m, k, n, ACTIVATION_CODES.indexOf(act), bias === null ? 0 : 1]);
}
