/**
 * The kernels the thread pool splits, with the signatures of their single-thread references: a
 * call small enough (or with buffers outside shared memory) runs the reference on this thread;
 * a large one is split by output rows across the pool (kernels/parallel.ts), every row computed
 * exactly as the reference computes it.
 */
import { ActivationName } from './activations';
import { ACTIVATION_CODES, denseBackwardBias as denseBackwardBiasOneThread, denseForwardRows } from './dense';
import { col2imImages, geometryArgs, im2colRows, WindowGeometry } from './im2col';
import { MATMUL_ROW_ALIGN, matmulRows } from './matmul';
import type { GruBuffers, GruGradBuffers } from './gru';
import { gruStepsBackward, gruStepsForward } from './gru-steps';
import type { LstmBuffers, LstmGradBuffers } from './lstm';
import { lstmStepsBackward, lstmStepsForward, StepsGradSource } from './lstm-steps';
import { runRows, threadsFor } from './parallel';
import { TASK_ACTIVATION_BACKWARD, TASK_COL2IM, TASK_COLUMN_SUMS, TASK_DENSE, TASK_GRU_BACKWARD, TASK_GRU_FORWARD, TASK_IM2COL, TASK_LSTM_BACKWARD, TASK_LSTM_FORWARD, TASK_MATMUL } from './parallel-tasks';
import { RnnSizes } from './recurrent';

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

/** `im2col` of kernels/im2col.ts, split by image rows (b, oy) when large. */
export function im2col(x: Float32Array, cols: Float32Array, g: WindowGeometry): void {
  const rows = g.batch * g.outH;
  const work = rows * g.outW * g.kH * g.kW * g.inC;
  if (threadsFor(work, rows, 1) === 1) im2colRows(x, cols, g, 0, rows);
  else runRows(TASK_IM2COL, rows, 1, work, [x, cols], geometryArgs(g));
}

/** `col2im` of kernels/im2col.ts, split by images when large (each image adds into its own part of dx). */
export function col2im(dcols: Float32Array, dx: Float32Array, g: WindowGeometry): void {
  const work = g.batch * g.outH * g.outW * g.kH * g.kW * g.inC;
  if (threadsFor(work, g.batch, 1) === 1) col2imImages(dcols, dx, g, 0, g.batch);
  else runRows(TASK_COL2IM, g.batch, 1, work, [dcols, dx], geometryArgs(g));
}

/**
 * `denseBackwardBias` of kernels/dense.ts (same bits): when large, the derivative's pass split by
 * rows, then the bias sums split by columns (each column still summed row by row, in order).
 */
export function denseBackwardBias(act: ActivationName, y: Float32Array, dy: Float32Array, dz: Float32Array,
  dBias: Float32Array | null, rows: number, cols: number, accumulateBias: boolean): void {
  const size = rows * cols;
  if (threadsFor(size, rows, 1) === 1) {
    denseBackwardBiasOneThread(act, y, dy, dz, dBias, rows, cols, accumulateBias);
    return;
  }
  if (act !== 'linear' || dz !== dy) runRows(TASK_ACTIVATION_BACKWARD, rows, 1, size, [y, dy, dz], [ACTIVATION_CODES.indexOf(act), cols]);
  if (dBias === null) return;
  if (!accumulateBias) dBias.fill(0, 0, cols);
  runRows(TASK_COLUMN_SUMS, cols, 1, size, [dz, dBias], [rows, cols]);
}

/** A recurrent layer's weights as its time loop reads them. */
interface RecurrentWeights {
  recurrentKernel: Float32Array;
  bias: Float32Array | null;
}

/** Multiply-adds of one pass of a recurrent time loop: every step's [batch, units] x [units, gates * units] product. */
function timeLoopWork(sz: RnnSizes, gates: number): number {
  return sz.time * sz.batch * sz.units * gates * sz.units;
}

/**
 * `lstmStepsForward` of kernels/lstm-steps.ts over the whole batch, split by batch rows when large
 * (each thread runs every step on its rows: rows never meet, so no step waits for another thread).
 */
export function lstmSteps(sz: RnnSizes, w: RecurrentWeights, recurrentMask: Float32Array | null, buf: LstmBuffers,
  act: number, recAct: number): void {
  const work = timeLoopWork(sz, 4);
  if (threadsFor(work, sz.batch, MATMUL_ROW_ALIGN) === 1) {
    lstmStepsForward(sz, w.recurrentKernel, w.bias, recurrentMask, buf, act, recAct, 0, sz.batch);
    return;
  }
  runRows(TASK_LSTM_FORWARD, sz.batch, MATMUL_ROW_ALIGN, work,
    [buf.gates, buf.h, buf.c, buf.actC, buf.hMasked ?? buf.h, w.recurrentKernel, w.bias ?? buf.gates, recurrentMask ?? buf.h],
    [sz.batch, sz.time, sz.features, sz.units, act, recAct, recurrentMask !== null && buf.hMasked !== null ? 1 : 0, w.bias !== null ? 1 : 0]);
}

/** `lstmStepsBackward` of kernels/lstm-steps.ts over the whole batch, split by batch rows when large. */
export function lstmStepsBack(sz: RnnSizes, w: RecurrentWeights, recurrentMask: Float32Array | null, buf: LstmBuffers,
  grads: LstmGradBuffers, src: StepsGradSource, act: number, recAct: number): void {
  const work = 2 * timeLoopWork(sz, 4);
  if (threadsFor(work, sz.batch, MATMUL_ROW_ALIGN) === 1) {
    lstmStepsBackward(sz, w.recurrentKernel, recurrentMask, buf, grads, src, act, recAct, 0, sz.batch);
    return;
  }
  runRows(TASK_LSTM_BACKWARD, sz.batch, MATMUL_ROW_ALIGN, work,
    [buf.gates, buf.c, buf.actC, grads.dGates, grads.dh, grads.dc, w.recurrentKernel, recurrentMask ?? grads.dh, src.dy ?? grads.dh],
    [sz.batch, sz.time, sz.features, sz.units, act, recAct, recurrentMask !== null ? 1 : 0, src.dy !== null ? 1 : 0, +src.sequences, +src.wantDh0]);
}

/** `gruStepsForward` of kernels/gru-steps.ts over the whole batch, split by batch rows when large. */
export function gruSteps(sz: RnnSizes, w: RecurrentWeights, recurrentMask: Float32Array | null, buf: GruBuffers,
  act: number, recAct: number): void {
  const work = timeLoopWork(sz, 3);
  if (threadsFor(work, sz.batch, MATMUL_ROW_ALIGN) === 1) {
    gruStepsForward(sz, w.recurrentKernel, w.bias, recurrentMask, buf, act, recAct, 0, sz.batch);
    return;
  }
  runRows(TASK_GRU_FORWARD, sz.batch, MATMUL_ROW_ALIGN, work,
    [buf.gates, buf.inner, buf.h, buf.hMasked ?? buf.h, w.recurrentKernel, w.bias ?? buf.gates, recurrentMask ?? buf.h],
    [sz.batch, sz.time, sz.features, sz.units, act, recAct, recurrentMask !== null && buf.hMasked !== null ? 1 : 0, w.bias !== null ? 1 : 0]);
}

/** `gruStepsBackward` of kernels/gru-steps.ts over the whole batch, split by batch rows when large. */
export function gruStepsBack(sz: RnnSizes, w: RecurrentWeights, recurrentMask: Float32Array | null, buf: GruBuffers,
  grads: GruGradBuffers, src: StepsGradSource, act: number, recAct: number): void {
  const work = 2 * timeLoopWork(sz, 3);
  if (threadsFor(work, sz.batch, MATMUL_ROW_ALIGN) === 1) {
    gruStepsBackward(sz, w.recurrentKernel, recurrentMask, buf, grads, src, act, recAct, 0, sz.batch);
    return;
  }
  runRows(TASK_GRU_BACKWARD, sz.batch, MATMUL_ROW_ALIGN, work,
    [buf.gates, buf.inner, buf.h, grads.dGates, grads.dInner, grads.dh, grads.dhDirect, w.recurrentKernel, recurrentMask ?? grads.dh, src.dy ?? grads.dh],
    [sz.batch, sz.time, sz.features, sz.units, act, recAct, recurrentMask !== null ? 1 : 0, src.dy !== null ? 1 : 0, +src.sequences, +src.wantDh0]);
}
