/**
 * The GRU cell over a whole sequence, forward and backward through time, in the variant
 * `resetAfter: false` (standalone Keras 2's default, TensorFlow.js's only one: the reset gate applied to the
 * state before the recurrent product), gates in Keras order z, r, h along the last axis of every
 * [.., 3u] array, one bias row b [3u]:
 *
 *   x_t = x_t · W + b                                         (W [features, 3u])
 *   z = rec(x_z + h'_{t-1} · U_z),  r = rec(x_r + h'_{t-1} · U_r)
 *   hh = act(x_h + (r * h'_{t-1}) · U_h)                       (U = [U_z | U_r | U_h], [units, 3u])
 *   h_t = z * h_{t-1} + (1 - z) * hh
 *
 * where h'_{t-1} = h_{t-1} * recurrent mask (the same mask at every step) or h_{t-1} without one.
 * As in kernels/gru.ts, the mask acts only where the state enters the recurrent kernel, and the
 * update z * h_{t-1} uses the state itself. That is Keras 2's GRUCell (implementation 1, which
 * Keras forces whenever recurrent_dropout > 0; it draws three masks where Lamina shares one).
 * TensorFlow.js's GRUCell differs in training with recurrentDropout only: it overwrites h_{t-1}
 * with the masked state, so its update reads z * h'_{t-1}. Without a recurrent mask (inference,
 * or recurrentDropout 0) the two are the same function.
 *
 * Each step does two products against the recurrent kernel, since the candidate's product needs r:
 * [batch, units] x [units, 2u] for z and r, then [batch, units] x [units, u] for hh. U is split
 * once per pass into those two contiguous blocks, so the products run on the shared step helpers.
 */
import { matmul } from './threaded';
import { sumRows } from './reductions';
import { activate, completeStateGrad, maskedCopy, RecurrentBackwardArgs, RnnSizes, slope, stepTimesKernel, stepTimesKernelT } from './recurrent';

/** Buffers of one pass, time-major; the caller allocates them. */
export interface GruResetBeforeBuffers {
  /** [time, batch, features]: the input, masked and in step order. */
  xs: Float32Array;
  /** [time, batch, 3u]: on return, the activated gates z, r, hh of every step. */
  gates: Float32Array;
  /** [time + 1, batch, units]: slot 0 the initial state (caller fills it), slot s + 1 the output of step s. */
  h: Float32Array;
  /** [time, batch, units]: h_{t-1} * recurrent mask of every step, or null without a recurrent mask. */
  hMasked: Float32Array | null;
  /** [time, batch, units]: on return, r * h'_{t-1} of every step (the candidate's recurrent input). */
  resetState: Float32Array;
  /** [batch, 2u] scratch: one step's h'_{t-1} · [U_z | U_r]. */
  innerZr: Float32Array;
  /** [batch, units] scratch: one step's (r * h'_{t-1}) · U_h. */
  innerH: Float32Array;
  /** [units, 2u] and [units, units]: the recurrent kernel's blocks [U_z | U_r] and U_h, filled by the forward. */
  kernelZr: Float32Array;
  kernelH: Float32Array;
}

/** The weights: kernel [features, 3u], recurrent kernel [units, 3u], bias [3u] or null. */
export interface GruResetBeforeWeights {
  kernel: Float32Array;
  recurrentKernel: Float32Array;
  bias: Float32Array | null;
}

/** Scratch and results of the backward pass. */
export interface GruResetBeforeGradBuffers {
  /** [time, batch, 3u]: d(loss)/d(x_t · W + b) of every step. */
  dGates: Float32Array;
  /** [time, batch, 2u]: d(loss)/d(h'_{t-1} · [U_z | U_r]) of every step. */
  dInnerZr: Float32Array;
  /** [time, batch, units]: d(loss)/d((r * h'_{t-1}) · U_h) of every step. */
  dInnerH: Float32Array;
  /** [batch, units]: gradient of the current step's output state. */
  dh: Float32Array;
  /** [batch, units]: the part of dh_{t-1} that flows straight through z * h_{t-1}. */
  dhDirect: Float32Array;
  /** [batch, units]: d(loss)/d(r * h'_{t-1}), then its part r * that (a gradient of h'_{t-1}). */
  dResetState: Float32Array;
  /** [units, 2u] and [units, units] scratch: this pass's gradients of the two recurrent blocks. */
  dKernelZr: Float32Array;
  dKernelH: Float32Array;
  /** [time, batch, features]: on return, d(loss)/d(xs); null if not wanted. */
  dxs: Float32Array | null;
}

/** Runs the GRU (reset before the product) over every step; `act`, `recAct` are activation codes. */
export function gruResetBeforeForward(sz: RnnSizes, w: GruResetBeforeWeights, recurrentMask: Float32Array | null,
  buf: GruResetBeforeBuffers, act: number, recAct: number): void {
  const { batch, time, features, units } = sz;
  const stateSize = batch * units;
  // h'_s at slot s: the masked copy when there is a recurrent mask, else the state itself
  const hMasked = recurrentMask !== null ? buf.hMasked : null;
  const hp = hMasked ?? buf.h;
  splitRecurrentKernel(w.recurrentKernel, buf.kernelZr, buf.kernelH, units);
  // The input projection of every step at once: gates[s, b, :] = xs[s, b, :] · W
  matmul(buf.xs, w.kernel, buf.gates, time * batch, features, 3 * units);
  for (let s = 0; s < time; s++) {
    // z, r from x_t and h'_s · [U_z | U_r]; then hh from (r * h'_s) · U_h, and h_{s+1}
    if (recurrentMask !== null && hMasked !== null) maskedCopy(buf.h, s * stateSize, recurrentMask, hMasked, s * stateSize, stateSize);
    stepTimesKernel(hp, s * stateSize, buf.kernelZr, buf.innerZr, 0, batch, units, 2 * units, false);
    updateAndResetGates(buf, hp, w.bias, s, batch, units, recAct);
    stepTimesKernel(buf.resetState, s * stateSize, buf.kernelH, buf.innerH, 0, batch, units, units, false);
    candidateAndState(buf, w.bias, s, batch, units, act);
  }
}

/** [U_z | U_r] and U_h as contiguous blocks of the recurrent kernel U [units, 3u]. */
function splitRecurrentKernel(u: Float32Array, zr: Float32Array, hk: Float32Array, units: number): void {
  // Row k of U: its first 2u columns to zr's row k, the last u to hk's row k.
  for (let k = 0; k < units; k++) {
    const row = k * 3 * units;
    for (let j = 0; j < 2 * units; j++) zr[k * 2 * units + j] = u[row + j];
    for (let j = 0; j < units; j++) hk[k * units + j] = u[row + 2 * units + j];
  }
}

/** Step s's z and r (into gates[s]) and the reset state r * h'_s (into resetState[s]); hp holds h'_s at slot s. */
function updateAndResetGates(buf: GruResetBeforeBuffers, hp: Float32Array, bias: Float32Array | null, s: number,
  batch: number, units: number, recAct: number): void {
  const { gates, innerZr, resetState } = buf;
  const cols = 3 * units;
  // For each (sample b, unit j): z = rec(x_z + m_z), r = rec(x_r + m_r), then r * h'.
  for (let b = 0; b < batch; b++) {
    const gz = (s * batch + b) * cols;
    const m = b * 2 * units;
    const st = (s * batch + b) * units;
    for (let j = 0; j < units; j++) {
      let xz = gates[gz + j], xr = gates[gz + units + j];
      if (bias !== null) {
        xz += bias[j];
        xr += bias[units + j];
      }
      const z = activate(recAct, xz + innerZr[m + j]);
      const r = activate(recAct, xr + innerZr[m + units + j]);
      gates[gz + j] = z;
      gates[gz + units + j] = r;
      resetState[st + j] = r * hp[st + j];
    }
  }
}

/** Step s's candidate hh (into gates[s]) and new state h_{s+1} = z h_s + (1 - z) hh. */
function candidateAndState(buf: GruResetBeforeBuffers, bias: Float32Array | null, s: number, batch: number,
  units: number, act: number): void {
  const { gates, innerH, h } = buf;
  const cols = 3 * units;
  // For each (sample b, unit j): hh = act(x_h + (r h') · U_h), then the update.
  for (let b = 0; b < batch; b++) {
    const gz = (s * batch + b) * cols;
    const gh = gz + 2 * units;
    const prev = (s * batch + b) * units;
    const next = prev + batch * units;
    for (let j = 0; j < units; j++) {
      const xh = gates[gh + j] + (bias !== null ? bias[2 * units + j] : 0);
      const hh = activate(act, xh + innerH[b * units + j]);
      const z = gates[gz + j];
      gates[gh + j] = hh;
      h[next + j] = z * h[prev + j] + (1 - z) * hh;
    }
  }
}

/** Backpropagation through time over the buffers the forward filled; d(loss)/d(xs) lands in `grads.dxs`. */
export function gruResetBeforeBackward(sz: RnnSizes, w: GruResetBeforeWeights, recurrentMask: Float32Array | null,
  buf: GruResetBeforeBuffers, grads: GruResetBeforeGradBuffers, args: RecurrentBackwardArgs, act: number, recAct: number): void {
  const { batch, time, features, units } = sz;
  const cols = 3 * units;
  const stateSize = batch * units;
  const { dh, dhDirect, dGates, dInnerZr, dInnerH, dResetState } = grads;
  const hp = (recurrentMask !== null ? buf.hMasked : null) ?? buf.h;
  const dyStride = args.sequences ? time * units : units;
  // The last step's state gradient: from the final state (returnState) and the last output.
  if (args.dhLast !== null) dh.set(args.dhLast.subarray(0, stateSize));
  else dh.fill(0, 0, stateSize);
  completeStateGrad(dh, null, null, args.dy, args.sequences ? (time - 1) * units : 0, dyStride, batch, units);

  for (let s = time - 1; s >= 0; s--) {
    candidateBackward(buf, grads, s, batch, units, act, recAct);
    // d(r * h'_s) = dInnerH[s] · U_h^T
    stepTimesKernelT(dInnerH, s * stateSize, buf.kernelH, dResetState, batch, units, units);
    resetBackward(buf, grads, hp, s, batch, units, recAct);
    if (s === 0 && args.dh0 === null) break;
    // dh_s = (dInnerZr[s] · [U_z | U_r]^T + r * d(r h'_s)) * mask + z * dh_{s+1} + dy of step s - 1
    stepTimesKernelT(dInnerZr, s * batch * 2 * units, buf.kernelZr, dh, batch, units, 2 * units);
    for (let i = 0; i < stateSize; i++) dh[i] += dResetState[i];
    const dy = s > 0 && args.sequences ? args.dy : null;
    completeStateGrad(dh, recurrentMask, dhDirect, dy, (s - 1) * units, dyStride, batch, units);
  }
  if (args.dh0 !== null) for (let i = 0; i < stateSize; i++) args.dh0[i] += dh[i];

  // Weight gradients of every step at once: dW += xs^T · dGates, dU_zr = h'^T · dInnerZr, dU_h = (r h')^T · dInnerH.
  const rows = time * batch;
  if (args.dKernel !== null) matmul(buf.xs, dGates, args.dKernel, features, rows, cols, true, false, true);
  if (args.dRecurrentKernel !== null) {
    matmul(hp, dInnerZr, grads.dKernelZr, units, rows, 2 * units, true);
    matmul(buf.resetState, dInnerH, grads.dKernelH, units, rows, units, true);
    addRecurrentKernelGrad(args.dRecurrentKernel, grads.dKernelZr, grads.dKernelH, units);
  }
  if (args.dBias !== null) sumRows(dGates, args.dBias, rows, cols, true);
  // The input's gradient of every step at once: dxs = dGates · W^T
  if (grads.dxs !== null) matmul(dGates, w.kernel, grads.dxs, rows, cols, features, false, true);
}

/**
 * Step s back through h = z h_prev + (1 - z) hh and hh = act(x_h + (r h') · U_h): from dh
 * (complete gradient of h_{s+1}), dz and d(x_h) into dGates[s], dz into dInnerZr[s], d(x_h) into
 * dInnerH[s], and z * dh into dhDirect.
 */
function candidateBackward(buf: GruResetBeforeBuffers, grads: GruResetBeforeGradBuffers, s: number, batch: number,
  units: number, act: number, recAct: number): void {
  const { gates, h } = buf;
  const { dh, dhDirect, dGates, dInnerZr, dInnerH } = grads;
  const cols = 3 * units;
  // For each (sample b, unit j): the update gate and the candidate's pre-activation.
  for (let b = 0; b < batch; b++) {
    const gz = (s * batch + b) * cols;
    const st = b * units;
    const prev = s * batch * units + st;
    const m = (s * batch + b) * 2 * units;
    for (let j = 0; j < units; j++) {
      const z = gates[gz + j], hh = gates[gz + 2 * units + j];
      const dhv = dh[st + j];
      const dz = dhv * (h[prev + j] - hh) * slope(recAct, z);
      const dhh = dhv * (1 - z) * slope(act, hh);
      dGates[gz + j] = dz;
      dGates[gz + 2 * units + j] = dhh;
      dInnerZr[m + j] = dz;
      dInnerH[prev + j] = dhh;
      dhDirect[st + j] = dhv * z;
    }
  }
}

/**
 * Step s back through r * h'_s: from dResetState = d(r h'_s), dr into dGates[s] and dInnerZr[s];
 * dResetState becomes r * d(r h'_s), the part of d(h'_s) that went through the reset product.
 */
function resetBackward(buf: GruResetBeforeBuffers, grads: GruResetBeforeGradBuffers, hp: Float32Array, s: number,
  batch: number, units: number, recAct: number): void {
  const { gates } = buf;
  const { dGates, dInnerZr, dResetState } = grads;
  const cols = 3 * units;
  // For each (sample b, unit j): dr = d(r h') h' rec'(r).
  for (let b = 0; b < batch; b++) {
    const gr = (s * batch + b) * cols + units;
    const st = b * units;
    const m = (s * batch + b) * 2 * units + units;
    for (let j = 0; j < units; j++) {
      const r = gates[gr + j];
      const d = dResetState[st + j];
      const dr = d * hp[s * batch * units + st + j] * slope(recAct, r);
      dGates[gr + j] = dr;
      dInnerZr[m + j] = dr;
      dResetState[st + j] = d * r;
    }
  }
}

/** dU [units, 3u] += [dU_zr | dU_h]: the two blocks' gradients back into the recurrent kernel's layout. */
function addRecurrentKernelGrad(dU: Float32Array, dZr: Float32Array, dH: Float32Array, units: number): void {
  // Row k: the first 2u columns from dZr's row k, the last u from dH's row k.
  for (let k = 0; k < units; k++) {
    const row = k * 3 * units;
    for (let j = 0; j < 2 * units; j++) dU[row + j] += dZr[k * 2 * units + j];
    for (let j = 0; j < units; j++) dU[row + 2 * units + j] += dH[k * units + j];
  }
}
