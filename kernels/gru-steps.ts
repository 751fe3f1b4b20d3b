/**
 * The GRU's time loop (variant resetAfter: true, kernels/gru.ts) on batch rows [b0, b1): as for the
 * LSTM (kernels/lstm-steps.ts), a sample's states depend only on its own earlier states, so the
 * thread pool gives each thread some rows for the whole sequence and every row is computed exactly
 * as over the whole batch.
 */
import type { GruBuffers, GruGradBuffers } from './gru';
import type { StepsGradSource } from './lstm-steps';
import { activate, completeStateGradRows, RnnSizes, slope, stepStateTimesKernel, stepTimesKernelT } from './recurrent';

/**
 * Forward over every step for rows [b0, b1): inner[s] = h'_s · U (h' = h * `recurrentMask` when
 * not null), then the cell. Fills those rows of `buf.gates` (activated), `buf.inner`, `buf.h` and `buf.hMasked`.
 */
export function gruStepsForward(sz: RnnSizes, recurrentKernel: Float32Array, bias: Float32Array | null,
  recurrentMask: Float32Array | null, buf: GruBuffers, act: number, recAct: number, b0: number, b1: number): void {
  const { batch, time, units } = sz;
  for (let s = 0; s < time; s++) {
    // inner[s] = h'_{s} · U on these rows (the masked state when there is a recurrent mask)
    stepStateTimesKernel(buf.h, buf.hMasked, recurrentMask, recurrentKernel, buf.inner, s, batch, units, 3 * units, b0, b1, false);
    gruCellForward(buf, bias, s, batch, units, act, recAct, b0, b1);
  }
}

/** One step's fused gates and update on rows [b0, b1) (both biases added here): h_{s+1} from gates[s], inner[s] and h_s. */
function gruCellForward(buf: GruBuffers, bias: Float32Array | null, s: number, batch: number, units: number,
  act: number, recAct: number, b0: number, b1: number): void {
  const { gates, inner, h } = buf;
  const cols = 3 * units;
  // For each (sample b, unit j): z, r, the candidate hh, then h = z h_prev + (1 - z) hh.
  for (let b = b0; b < b1; b++) {
    const g0 = (s * batch + b) * cols;
    const prev = (s * batch + b) * units;
    const next = prev + batch * units;
    for (let j = 0; j < units; j++) {
      const gz = g0 + j, gr = gz + units, gh = gr + units;
      let xz = gates[gz], xr = gates[gr], xh = gates[gh];
      let mz = inner[gz], mr = inner[gr], mh = inner[gh];
      if (bias !== null) {
        xz += bias[j]; xr += bias[j + units]; xh += bias[j + 2 * units];
        mz += bias[cols + j]; mr += bias[cols + j + units]; mh += bias[cols + j + 2 * units];
      }
      const z = activate(recAct, xz + mz);
      const r = activate(recAct, xr + mr);
      const hh = activate(act, xh + r * mh);
      gates[gz] = z;
      gates[gr] = r;
      gates[gh] = hh;
      inner[gh] = mh;
      h[next + j] = z * h[prev + j] + (1 - z) * hh;
    }
  }
}

/**
 * Backward over every step for rows [b0, b1), from the last: `grads.dh` holds the complete gradient
 * of h_T on entry; fills those rows of `grads.dGates`, `grads.dInner` and leaves d h_0 (when wanted) in `grads.dh`.
 */
export function gruStepsBackward(sz: RnnSizes, recurrentKernel: Float32Array, recurrentMask: Float32Array | null,
  buf: GruBuffers, grads: GruGradBuffers, src: StepsGradSource, act: number, recAct: number, b0: number, b1: number): void {
  const { batch, time, units } = sz;
  const cols = 3 * units;
  const dyStride = src.sequences ? time * units : units;
  for (let s = time - 1; s >= 0; s--) {
    gruCellBackward(buf, grads, s, batch, units, act, recAct, b0, b1);
    if (s === 0 && !src.wantDh0) break;
    // dh_{s} = (dInner[s] · U^T) * mask + z * dh_{s+1} + dy of step s - 1, on these rows
    stepTimesKernelT(grads.dInner, (s * batch + b0) * cols, recurrentKernel, grads.dh, b1 - b0, units, cols, b0 * units);
    const dy = s > 0 && src.sequences ? src.dy : null;
    completeStateGradRows(grads.dh, recurrentMask, grads.dhDirect, dy, (s - 1) * units, dyStride, units, b0, b1);
  }
}

/**
 * One step back on rows [b0, b1): from dh (complete gradient of h_{s+1}), the gradients of the
 * input projection (dGates[s]) and of the recurrent projection (dInner[s]), and z * dh into dhDirect.
 */
function gruCellBackward(buf: GruBuffers, grads: GruGradBuffers, s: number, batch: number, units: number,
  act: number, recAct: number, b0: number, b1: number): void {
  const { gates, inner, h } = buf;
  const { dh, dhDirect, dGates, dInner } = grads;
  const cols = 3 * units;
  // For each (sample b, unit j): through h = z h_prev + (1 - z) hh to z, hh, then r.
  for (let b = b0; b < b1; b++) {
    const g0 = (s * batch + b) * cols;
    const prev = (s * batch + b) * units;
    const st = b * units;
    for (let j = 0; j < units; j++) {
      const gz = g0 + j, gr = gz + units, gh = gr + units;
      const z = gates[gz], r = gates[gr], hh = gates[gh];
      const dhv = dh[st + j];
      const dz = dhv * (h[prev + j] - hh) * slope(recAct, z);
      const dhh = dhv * (1 - z) * slope(act, hh);
      const dr = dhh * inner[gh] * slope(recAct, r);
      dGates[gz] = dz;
      dGates[gr] = dr;
      dGates[gh] = dhh;
      dInner[gz] = dz;
      dInner[gr] = dr;
      dInner[gh] = dhh * r;
      dhDirect[st + j] = dhv * z;
    }
  }
}
