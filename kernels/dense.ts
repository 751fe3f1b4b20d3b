/**
 * The dense layer's kernels with the bias and the activation fused into the product:
 *
 *   forward   y = act(x · W + b)               one pass: each output is summed, biased and
 *                                               activated in registers, then stored once
 *   backward  dz = dy * act'(y), db += Σ_rows dz   one pass over dy and y
 *
 * (the kernel's and the input's gradients are then two plain products, see lib/ops.ts `dense`).
 * The unfused way makes three passes over y in the forward step (store x · W, read it back to add
 * the bias and activate, read it again in the next layer) and two in the backward one.
 *
 * Shapes: x [m, k] (m rows of k inputs), W [k, n], b [n] or null, y and dy [m, n].
 * Sums run in float64; every output is rounded to float32 once.
 */
import { activationBackward, activationForward, ActivationName } from './activations';
import { matmulRows } from './matmul';

/** The activations by code, for the thread pool's numeric arguments. */
export const ACTIVATION_CODES: readonly ActivationName[] = ['linear', 'relu', 'sigmoid', 'hard_sigmoid', 'tanh', 'softmax', 'elu', 'selu', 'softplus', 'softsign'];

/** Inputs per row at or below which the forward pass is one fused loop (deeper products go through matmul). */
const FUSED_K = 8;
/** Units at or below which each output is one dot product (a regression or binary head): matmul's dot products, then the bias and activation. */
const DOT_N = 3;

/** Row accumulators of the fused loop (float64, grown on demand, so a step allocates nothing once warm). */
let rowSums = new Float64Array(512);

/**
 * y = act(x · W + b) for rows [r0, r1) of y (every row computed the same way whatever the range,
 * so the thread pool can split rows). x: [m, k]; w: [k, n]; bias: [n] or null; y: [m, n].
 */
export function denseForwardRows(x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array,
  m: number, k: number, n: number, act: ActivationName, r0: number, r1: number): void {
  if (k <= FUSED_K && n > DOT_N) denseRankUpdates(x, w, bias, y, k, n, act, r0, r1);
  else {
    // A deep product (or one output per row: matmul's dot products, four rows per load of W),
    // then bias and activation over the rows just written.
    matmulRows(x, w, y, m, k, n, false, false, false, r0, r1);
    biasActivationRows(y, bias, n, act, r0, r1);
  }
}

/**
 * Few inputs (k <= FUSED_K, as the case study's 2 -> 500 layer): each row of y is a sum of k
 * rows of W scaled by the inputs, plus the bias, activated and stored in the same loop for k <= 2
 * with relu or linear (the hot case), or after the sums for the rest.
 */
function denseRankUpdates(x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array,
  k: number, n: number, act: ActivationName, r0: number, r1: number): void {
  if (k <= 2 && bias !== null && (act === 'relu' || act === 'linear')) {
    if (k === 1) denseOneInput(x, w, bias, y, n, act === 'relu', r0, r1);
    else denseTwoInputs(x, w, bias, y, n, act === 'relu', r0, r1);
    return;
  }
  if (rowSums.length < n) rowSums = new Float64Array(n);
  const acc = rowSums;
  // For each row: acc = sum over p of x[i, p] * W[p, :], then y = act(acc + b).
  for (let i = r0; i < r1; i++) {
    const xi = i * k;
    const x0 = x[xi];
    for (let j = 0; j < n; j++) acc[j] = x0 * w[j];
    for (let p = 1; p < k; p++) {
      const xp = x[xi + p], wp = p * n;
      for (let j = 0; j < n; j++) acc[j] += xp * w[wp + j];
    }
    const o = i * n;
    if (bias === null) for (let j = 0; j < n; j++) y[o + j] = acc[j];
    else for (let j = 0; j < n; j++) y[o + j] = acc[j] + bias[j];
    activationForward(act, y, y, o + n, n, o);
  }
}

/** max(0, z), keeping NaN (a NaN input must not become a silent 0). */
function relu(z: number): number {
  return z < 0 ? 0 : z;
}

/**
 * k = 1: y[i, j] = relu(x[i] * W[0, j] + b[j]) (or without the relu). Four rows at a time, so each
 * load of W and b serves four outputs.
 */
function denseOneInput(x: Float32Array, w: Float32Array, bias: Float32Array, y: Float32Array, n: number, useRelu: boolean, r0: number, r1: number): void {
  let i = r0;
  // Blocks of four rows: y[i + r, j] = act(x[i + r] * W[j] + b[j]), r = 0..3
  for (; i + 3 < r1; i += 4) {
    const a = x[i], c = x[i + 1], d = x[i + 2], e = x[i + 3];
    const o0 = i * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
    if (useRelu) {
      for (let j = 0; j < n; j++) {
        const u = w[j], b = bias[j];
        y[o0 + j] = relu(a * u + b); y[o1 + j] = relu(c * u + b); y[o2 + j] = relu(d * u + b); y[o3 + j] = relu(e * u + b);
      }
    } else {
      for (let j = 0; j < n; j++) {
        const u = w[j], b = bias[j];
        y[o0 + j] = a * u + b; y[o1 + j] = c * u + b; y[o2 + j] = d * u + b; y[o3 + j] = e * u + b;
      }
    }
  }
  // The last rows one at a time, with the same formula.
  for (; i < r1; i++) {
    const a = x[i], o = i * n;
    if (useRelu) for (let j = 0; j < n; j++) y[o + j] = relu(a * w[j] + bias[j]);
    else for (let j = 0; j < n; j++) y[o + j] = a * w[j] + bias[j];
  }
}

/**
 * k = 2 (the case study's hidden layer): y[i, j] = relu((x[i, 0] * W[0, j] + x[i, 1] * W[1, j]) + b[j])
 * (or without the relu). Four rows at a time, so each load of W's two rows and b serves four outputs.
 */
function denseTwoInputs(x: Float32Array, w: Float32Array, bias: Float32Array, y: Float32Array, n: number, useRelu: boolean, r0: number, r1: number): void {
  let i = r0;
  // Blocks of four rows: y[i + r, j] = act((x[i + r, 0] * W[0, j] + x[i + r, 1] * W[1, j]) + b[j]), r = 0..3
  for (; i + 3 < r1; i += 4) {
    const a0 = x[2 * i], a1 = x[2 * i + 1], c0 = x[2 * i + 2], c1 = x[2 * i + 3];
    const d0 = x[2 * i + 4], d1 = x[2 * i + 5], e0 = x[2 * i + 6], e1 = x[2 * i + 7];
    const o0 = i * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
    if (useRelu) {
      for (let j = 0; j < n; j++) {
        const u = w[j], v = w[n + j], b = bias[j];
        y[o0 + j] = relu((a0 * u + a1 * v) + b); y[o1 + j] = relu((c0 * u + c1 * v) + b);
        y[o2 + j] = relu((d0 * u + d1 * v) + b); y[o3 + j] = relu((e0 * u + e1 * v) + b);
      }
    } else {
      for (let j = 0; j < n; j++) {
        const u = w[j], v = w[n + j], b = bias[j];
        y[o0 + j] = (a0 * u + a1 * v) + b; y[o1 + j] = (c0 * u + c1 * v) + b;
        y[o2 + j] = (d0 * u + d1 * v) + b; y[o3 + j] = (e0 * u + e1 * v) + b;
      }
    }
  }
  // The last rows one at a time, with the same formula.
  for (; i < r1; i++) {
    const a0 = x[2 * i], a1 = x[2 * i + 1], o = i * n;
    if (useRelu) for (let j = 0; j < n; j++) y[o + j] = relu((a0 * w[j] + a1 * w[n + j]) + bias[j]);
    else for (let j = 0; j < n; j++) y[o + j] = (a0 * w[j] + a1 * w[n + j]) + bias[j];
  }
}

/** y = act(y + b) in place on rows [r0, r1) of [*, n]. */
function biasActivationRows(y: Float32Array, bias: Float32Array | null, n: number, act: ActivationName, r0: number, r1: number): void {
  // Row by row: add the bias, then activate the row while it is in cache.
  for (let i = r0; i < r1; i++) {
    const o = i * n;
    if (bias !== null) for (let j = 0; j < n; j++) y[o + j] += bias[j];
    activationForward(act, y, y, o + n, n, o);
  }
}

/**
 * dz = dy * act'(y) over [rows, cols] and, when dBias is given, dBias (+)= the column sums of dz,
 * in one pass for relu (the rest: the derivative's pass, then the sums). dz may be dy.
 */
export function denseBackwardBias(act: ActivationName, y: Float32Array, dy: Float32Array, dz: Float32Array,
  dBias: Float32Array | null, rows: number, cols: number, accumulateBias: boolean): void {
  if (dBias !== null && !accumulateBias) dBias.fill(0, 0, cols);
  if (act === 'relu' && dBias !== null) {
    // Row by row: dz = dy where y > 0 (else 0), added into the bias gradient as it goes.
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      for (let j = 0; j < cols; j++) {
        const g = y[o + j] > 0 ? dy[o + j] : 0;
        dz[o + j] = g;
        dBias[j] += g;
      }
    }
    return;
  }
  activationBackward(act, y, dy, dz, rows * cols, cols);
  if (dBias === null) return;
  // Row by row, add each row of dz into the column sums.
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let j = 0; j < cols; j++) dBias[j] += dz[o + j];
  }
}
