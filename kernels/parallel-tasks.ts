/**
 * The kernels the thread pool (kernels/parallel.ts) can split: each is a single-thread kernel run
 * on rows [r0, r1) of its output, so a split computes every element exactly as one thread does.
 * The pool's workers and the calling thread use this same table, by index.
 *
 * A task gets the shared buffers it works on (views of SharedArrayBuffers), its numeric arguments,
 * and its rows.
 */
import { activationBackward } from './activations';
import { ACTIVATION_CODES, denseForwardRows } from './dense';
import { col2imImages, im2colRows, readGeometry, WindowGeometry } from './im2col';
import { matmulRows } from './matmul';
import { sumColumns } from './reductions';

/** A kernel run on rows [r0, r1) of its output, by thread `thread` (0 = the calling thread, 1... the workers). */
export type SliceTask = (buffers: readonly Float32Array[], args: Float64Array, r0: number, r1: number, thread: number) => void;

/** matmul: buffers [a, b, c]; args [m, k, n, transA, transB, accumulate]; rows of C. */
function matmulSlice(buffers: readonly Float32Array[], args: Float64Array, r0: number, r1: number): void {
  matmulRows(buffers[0], buffers[1], buffers[2], args[0], args[1], args[2], args[3] === 1, args[4] === 1, args[5] === 1, r0, r1);
}

/** dense forward: buffers [x, w, y, bias] (bias ignored when args[4] is 0); args [m, k, n, activation code, has bias]; rows of y. */
function denseSlice(buffers: readonly Float32Array[], args: Float64Array, r0: number, r1: number): void {
  const bias = args[4] === 1 ? buffers[3] : null;
  denseForwardRows(buffers[0], buffers[1], bias, buffers[2], args[0], args[1], args[2], ACTIVATION_CODES[args[3]], r0, r1);
}

/** Reused geometry of the im2col and col2im tasks. */
const geometry: WindowGeometry = { batch: 0, inH: 0, inW: 0, inC: 0, kH: 0, kW: 0, strideH: 0, strideW: 0, padTop: 0, padLeft: 0, outH: 0, outW: 0 };

/** im2col: buffers [x, cols]; args the geometry (`geometryArgs`); rows are image rows b * outH + oy. */
function im2colSlice(buffers: readonly Float32Array[], args: Float64Array, r0: number, r1: number): void {
  im2colRows(buffers[0], buffers[1], readGeometry(args, 0, geometry), r0, r1);
}

/** col2im: buffers [dcols, dx]; args the geometry; rows are images. */
function col2imSlice(buffers: readonly Float32Array[], args: Float64Array, r0: number, r1: number): void {
  col2imImages(buffers[0], buffers[1], readGeometry(args, 0, geometry), r0, r1);
}

/** activation backward: buffers [y, dy, dz]; args [activation code, cols]; rows of [*, cols]. */
function activationBackwardSlice(buffers: readonly Float32Array[], args: Float64Array, r0: number, r1: number): void {
  const cols = args[1];
  activationBackward(ACTIVATION_CODES[args[0]], buffers[0], buffers[1], buffers[2], r1 * cols, cols, r0 * cols);
}

/** column sums: buffers [x, out]; args [rows, cols]; the "rows" shared out are columns of x. */
function columnSumsSlice(buffers: readonly Float32Array[], args: Float64Array, c0: number, c1: number): void {
  sumColumns(buffers[0], buffers[1], args[0], args[1], c0, c1);
}

/**
 * The pool's self-check: buffers [starts, threads]; args [failRow, failOnWorkers, microseconds].
 * For each of its rows writes the chunk's first row into starts and the thread's number into
 * threads (so a caller sees how rows were shared out), takes `microseconds` per chunk (so every
 * thread gets some), and throws if failRow is among its rows, or on any worker when failOnWorkers
 * is 1 (so a caller sees a worker's error come back).
 */
function probeSlice(buffers: readonly Float32Array[], args: Float64Array, r0: number, r1: number, thread: number): void {
  const [starts, threads] = buffers;
  for (let r = r0; r < r1; r++) {
    starts[r] = r0;
    threads[r] = thread;
  }
  const until = performance.now() + args[2] / 1000;
  while (performance.now() < until) {
    // busy: a chunk that takes time
  }
  if (args[0] >= r0 && args[0] < r1) throw new Error(`probe: failure asked for at row ${args[0]}`);
  if (args[1] === 1 && thread !== 0) throw new Error(`probe: failure asked for on worker ${thread}`);
}

/** The task table, by index (the pool sends the index). */
export const TASKS: readonly SliceTask[] = [matmulSlice, probeSlice, denseSlice, im2colSlice, col2imSlice, activationBackwardSlice, columnSumsSlice];

/** Index of `matmulSlice`. */
export const TASK_MATMUL = 0;
/** Index of `probeSlice`. */
export const TASK_PROBE = 1;

/** Index of `denseSlice`. */
export const TASK_DENSE = 2;

/** Index of `im2colSlice`. */
export const TASK_IM2COL = 3;
/** Index of `col2imSlice`. */
export const TASK_COL2IM = 4;
/** Index of `activationBackwardSlice`. */
export const TASK_ACTIVATION_BACKWARD = 5;
/** Index of `columnSumsSlice`. */
export const TASK_COLUMN_SUMS = 6;

/** Task names, for error messages. */
export const TASK_NAMES: readonly string[] = ['matmul', 'probe', 'dense', 'im2col', 'col2im', 'activation backward', 'column sums'];
