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
import type { GruBuffers, GruGradBuffers } from './gru';
import { gruStepsBackward, gruStepsForward } from './gru-steps';
import type { LstmBuffers, LstmGradBuffers } from './lstm';
import { lstmStepsBackward, lstmStepsForward, StepsGradSource } from './lstm-steps';
import { matmulRows } from './matmul';
import { RnnSizes } from './recurrent';
import { sumColumns } from './reductions';

/** A kernel run on rows [r0, r1) of its output, by thread `thread` (0 = the calling thread, 1... the workers). */
export type SliceTask = (buffers: readonly Float32Array[], args: Int32Array, r0: number, r1: number, thread: number) => void;

/** matmul: buffers [a, b, c]; args [m, k, n, transA, transB, accumulate]; rows of C. */
function matmulSlice(buffers: readonly Float32Array[], args: Int32Array, r0: number, r1: number): void {
  matmulRows(buffers[0], buffers[1], buffers[2], args[0], args[1], args[2], args[3] === 1, args[4] === 1, args[5] === 1, r0, r1);
}

/** dense forward: buffers [x, w, y, bias] (bias ignored when args[4] is 0); args [m, k, n, activation code, has bias]; rows of y. */
function denseSlice(buffers: readonly Float32Array[], args: Int32Array, r0: number, r1: number): void {
  const bias = args[4] === 1 ? buffers[3] : null;
  denseForwardRows(buffers[0], buffers[1], bias, buffers[2], args[0], args[1], args[2], ACTIVATION_CODES[args[3]], r0, r1);
}

/** Reused geometry of the im2col and col2im tasks. */
const geometry: WindowGeometry = { batch: 0, inH: 0, inW: 0, inC: 0, kH: 0, kW: 0, strideH: 0, strideW: 0, padTop: 0, padLeft: 0, outH: 0, outW: 0 };

/** im2col: buffers [x, cols]; args the geometry (`geometryArgs`); rows are image rows b * outH + oy. */
function im2colSlice(buffers: readonly Float32Array[], args: Int32Array, r0: number, r1: number): void {
  im2colRows(buffers[0], buffers[1], readGeometry(args, 0, geometry), r0, r1);
}

/** col2im: buffers [dcols, dx]; args the geometry; rows are images. */
function col2imSlice(buffers: readonly Float32Array[], args: Int32Array, r0: number, r1: number): void {
  col2imImages(buffers[0], buffers[1], readGeometry(args, 0, geometry), r0, r1);
}

/** activation backward: buffers [y, dy, dz]; args [activation code, cols]; rows of [*, cols]. */
function activationBackwardSlice(buffers: readonly Float32Array[], args: Int32Array, r0: number, r1: number): void {
  const cols = args[1];
  activationBackward(ACTIVATION_CODES[args[0]], buffers[0], buffers[1], buffers[2], r1 * cols, cols, r0 * cols);
}

/** column sums: buffers [x, out]; args [rows, cols]; the "rows" shared out are columns of x. */
function columnSumsSlice(buffers: readonly Float32Array[], args: Int32Array, c0: number, c1: number): void {
  sumColumns(buffers[0], buffers[1], args[0], args[1], c0, c1);
}

/** Reused views of the recurrent tasks (set from each job's buffers and arguments). */
const NONE = new Float32Array(0);
const sizes: RnnSizes = { batch: 0, time: 0, features: 0, units: 0 };
const lstmBuffers: LstmBuffers = { xs: NONE, gates: NONE, h: NONE, c: NONE, actC: NONE, hMasked: null };
const lstmGrads: LstmGradBuffers = { dGates: NONE, dh: NONE, dc: NONE, dxs: null };
const gruBuffers: GruBuffers = { xs: NONE, gates: NONE, inner: NONE, h: NONE, hMasked: null };
const gruGrads: GruGradBuffers = { dGates: NONE, dInner: NONE, dh: NONE, dhDirect: NONE, dxs: null };
const gradSource: StepsGradSource = { dy: null, sequences: false, wantDh0: false };

/** args [batch, time, features, units, ...] into `sizes`. */
function readSizes(args: Int32Array): RnnSizes {
  sizes.batch = args[0];
  sizes.time = args[1];
  sizes.features = args[2];
  sizes.units = args[3];
  return sizes;
}

/**
 * LSTM time loop forward: buffers [gates, h, c, actC, hMasked, recurrentKernel, bias, recurrentMask];
 * args [batch, time, features, units, act, recAct, has mask, has bias]; rows are samples of the batch.
 */
function lstmForwardSlice(buffers: readonly Float32Array[], args: Int32Array, b0: number, b1: number): void {
  const masked = args[6] === 1;
  lstmBuffers.gates = buffers[0];
  lstmBuffers.h = buffers[1];
  lstmBuffers.c = buffers[2];
  lstmBuffers.actC = buffers[3];
  lstmBuffers.hMasked = masked ? buffers[4] : null;
  lstmStepsForward(readSizes(args), buffers[5], args[7] === 1 ? buffers[6] : null, masked ? buffers[7] : null, lstmBuffers, args[4], args[5], b0, b1);
}

/**
 * LSTM time loop backward: buffers [gates, c, actC, dGates, dh, dc, recurrentKernel, recurrentMask, dy];
 * args [batch, time, features, units, act, recAct, has mask, has dy, sequences, want dh0]; rows are samples.
 */
function lstmBackwardSlice(buffers: readonly Float32Array[], args: Int32Array, b0: number, b1: number): void {
  lstmBuffers.gates = buffers[0];
  lstmBuffers.c = buffers[1];
  lstmBuffers.actC = buffers[2];
  lstmGrads.dGates = buffers[3];
  lstmGrads.dh = buffers[4];
  lstmGrads.dc = buffers[5];
  gradSource.dy = args[7] === 1 ? buffers[8] : null;
  gradSource.sequences = args[8] === 1;
  gradSource.wantDh0 = args[9] === 1;
  lstmStepsBackward(readSizes(args), buffers[6], args[6] === 1 ? buffers[7] : null, lstmBuffers, lstmGrads, gradSource, args[4], args[5], b0, b1);
}

/**
 * GRU time loop forward: buffers [gates, inner, h, hMasked, recurrentKernel, bias, recurrentMask];
 * args [batch, time, features, units, act, recAct, has mask, has bias]; rows are samples of the batch.
 */
function gruForwardSlice(buffers: readonly Float32Array[], args: Int32Array, b0: number, b1: number): void {
  const masked = args[6] === 1;
  gruBuffers.gates = buffers[0];
  gruBuffers.inner = buffers[1];
  gruBuffers.h = buffers[2];
  gruBuffers.hMasked = masked ? buffers[3] : null;
  gruStepsForward(readSizes(args), buffers[4], args[7] === 1 ? buffers[5] : null, masked ? buffers[6] : null, gruBuffers, args[4], args[5], b0, b1);
}

/**
 * GRU time loop backward: buffers [gates, inner, h, dGates, dInner, dh, dhDirect, recurrentKernel, recurrentMask, dy];
 * args [batch, time, features, units, act, recAct, has mask, has dy, sequences, want dh0]; rows are samples.
 */
function gruBackwardSlice(buffers: readonly Float32Array[], args: Int32Array, b0: number, b1: number): void {
  gruBuffers.gates = buffers[0];
  gruBuffers.inner = buffers[1];
  gruBuffers.h = buffers[2];
  gruGrads.dGates = buffers[3];
  gruGrads.dInner = buffers[4];
  gruGrads.dh = buffers[5];
  gruGrads.dhDirect = buffers[6];
  gradSource.dy = args[7] === 1 ? buffers[9] : null;
  gradSource.sequences = args[8] === 1;
  gradSource.wantDh0 = args[9] === 1;
  gruStepsBackward(readSizes(args), buffers[7], args[6] === 1 ? buffers[8] : null, gruBuffers, gruGrads, gradSource, args[4], args[5], b0, b1);
}

/**
 * The pool's self-check: buffers [starts, threads]; args [failRow, failOnWorkers, microseconds].
 * For each of its rows writes the chunk's first row into starts and the thread's number into
 * threads (so a caller sees how rows were shared out), takes `microseconds` per chunk (so every
 * thread gets some), and throws if failRow is among its rows, or on any worker when failOnWorkers
 * is 1 (so a caller sees a worker's error come back).
 */
function probeSlice(buffers: readonly Float32Array[], args: Int32Array, r0: number, r1: number, thread: number): void {
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
export const TASKS: readonly SliceTask[] = [matmulSlice, probeSlice, denseSlice, im2colSlice, col2imSlice, activationBackwardSlice, columnSumsSlice,
  lstmForwardSlice, lstmBackwardSlice, gruForwardSlice, gruBackwardSlice];

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
/** Index of `lstmForwardSlice`. */
export const TASK_LSTM_FORWARD = 7;
/** Index of `lstmBackwardSlice`. */
export const TASK_LSTM_BACKWARD = 8;
/** Index of `gruForwardSlice`. */
export const TASK_GRU_FORWARD = 9;
/** Index of `gruBackwardSlice`. */
export const TASK_GRU_BACKWARD = 10;

/** Task names, for error messages. */
export const TASK_NAMES: readonly string[] = ['matmul', 'probe', 'dense', 'im2col', 'col2im', 'activation backward', 'column sums', 'lstm forward', 'lstm backward', 'gru forward', 'gru backward'];
