/**
 * The kernels the thread pool (kernels/parallel.ts) can split: each is a single-thread kernel run
 * on rows [r0, r1) of its output, so a split computes every element exactly as one thread does.
 * The pool's workers and the calling thread use this same table, by index.
 *
 * A task gets the shared buffers it works on (views of SharedArrayBuffers), its numeric arguments,
 * and its rows.
 */
import { ACTIVATION_CODES, denseForwardRows } from './dense';
import { matmulRows } from './matmul';

/** A kernel run on rows [r0, r1) of its output. */
export type SliceTask = (buffers: readonly Float32Array[], args: Float64Array, r0: number, r1: number) => void;

/** matmul: buffers [a, b, c]; args [m, k, n, transA, transB, accumulate]; rows of C. */
function matmulSlice(buffers: readonly Float32Array[], args: Float64Array, r0: number, r1: number): void {
  matmulRows(buffers[0], buffers[1], buffers[2], args[0], args[1], args[2], args[3] === 1, args[4] === 1, args[5] === 1, r0, r1);
}

/** dense forward: buffers [x, w, y, bias] (bias ignored when args[4] is 0); args [m, k, n, activation code, has bias]; rows of y. */
function denseSlice(buffers: readonly Float32Array[], args: Float64Array, r0: number, r1: number): void {
  const bias = args[4] === 1 ? buffers[3] : null;
  denseForwardRows(buffers[0], buffers[1], bias, buffers[2], args[0], args[1], args[2], ACTIVATION_CODES[args[3]], r0, r1);
}

/**
 * The pool's self-check: buffers [out]; args [failRow]. Writes r0 into out[r] for each of its rows
 * (so a caller sees how rows were shared out), and throws if failRow is among them (so a caller
 * can see a worker's error come back).
 */
function probeSlice(buffers: readonly Float32Array[], args: Float64Array, r0: number, r1: number): void {
  const out = buffers[0];
  for (let r = r0; r < r1; r++) out[r] = r0;
  if (args[0] >= r0 && args[0] < r1) throw new Error(`probe: failure asked for at row ${args[0]}`);
}

/** The task table, by index (the pool sends the index). */
export const TASKS: readonly SliceTask[] = [matmulSlice, probeSlice, denseSlice];

/** Index of `matmulSlice`. */
export const TASK_MATMUL = 0;
/** Index of `probeSlice`. */
export const TASK_PROBE = 1;

/** Index of `denseSlice`. */
export const TASK_DENSE = 2;

/** Task names, for error messages. */
export const TASK_NAMES: readonly string[] = ['matmul', 'probe', 'dense'];
