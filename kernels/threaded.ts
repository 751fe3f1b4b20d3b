/**
 * The kernels the thread pool splits, with the signatures of their single-thread references: a
 * call small enough (or with buffers outside shared memory) runs the reference on this thread;
 * a large one is split by output rows across the pool (kernels/parallel.ts), every row computed
 * exactly as the reference computes it.
 */
import { MATMUL_ROW_ALIGN, matmulRows } from './matmul';
import { runRows, threadsFor } from './parallel';
import { TASK_MATMUL } from './parallel-tasks';

/** `matmul` of kernels/matmul.ts (same arguments, same bits), split by rows of C when large. */
export function matmul(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number,
  transA = false, transB = false, accumulate = false): void {
  if (threadsFor(m * k * n, m, MATMUL_ROW_ALIGN) === 1) {
    matmulRows(a, b, c, m, k, n, transA, transB, accumulate, 0, m);
    return;
  }
  runRows(TASK_MATMUL, m, MATMUL_ROW_ALIGN, m * k * n, [a, b, c], [m, k, n, +transA, +transB, +accumulate]);
}
