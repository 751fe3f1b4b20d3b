/**
 * The GRU cell over a whole sequence, forward and backward through time, in Keras' default
 * variant `resetAfter: true` (the reset gate applied after the recurrent product, as CuDNN does),
 * gates in Keras order z, r, h along the last axis of every [.., 3u] array:
 *
 *   x_t = x_t · W + b_in,   m_t = h'_{t-1} · U + b_rec      (W [features, 3u], U [units, 3u])
 *   z = rec(x_z + m_z),  r = rec(x_r + m_r),  hh = act(x_h + r * m_h)
 *   h_t = z * h_{t-1} + (1 - z) * hh
 *
 * where h'_{t-1} = h_{t-1} * recurrent mask (the same mask at every step) or h_{t-1} without one.
 * The mask acts only where the state enters the recurrent kernel (Gal and Ghahramani's variational
 * GRU, and Keras' implementation 1 with one shared mask); the update z * h_{t-1} uses the state
 * itself. As for the LSTM, x · W is one matmul over every step, and each step does one
 * [batch, units] x [units, 3u] product and one fused loop.
 */
import { matmul } from './threaded';
import { sumRows } from './reductions';
import { activate, completeStateGrad, maskedCopy, RnnSizes, slope, stepTimesKernel, stepTimesKernelT, RecurrentBackwardArgs } from './recurrent';

/** Buffers of one GRU pass, time-major; the caller allocates them. */
export interface GruBuffers {
  /** [time, batch, features]: the input, masked and in step order. */
  xs: Float32Array;
  /** [time, batch, 3u]: on return, the activated gates z, r, hh of every step. */
  gates: Float32Array;
  /** [time, batch, 3u]: on return, m_t = h'_{t-1} · U + b_rec of every step (m_h is needed backward). */
  inner: Float32Array;
  /** [time + 1, batch, units]: slot 0 the initial state (caller fills it), slot s + 1 the output of step s. */
  h: Float32Array;
  /** [time, batch, units]: h_{t-1} * recurrent mask of every step, or null without a recurrent mask. */
  hMasked: Float32Array | null;
}

/** The GRU's weights: kernel [features, 3u], recurrent kernel [units, 3u], bias [2, 3u] (input row, recurrent row) or null. */
export interface GruWeights {
  kernel: Float32Array;
  recurrentKernel: Float32Array;
  bias: Float32Array | null;
}

/** Scratch and results of the backward pass. */
export interface GruGradBuffers {
  /** [time, batch, 3u]: d(loss)/d(x_t · W + b_in) of every step. */
  dGates: Float32Array;
  /** [time, batch, 3u]: d(loss)/d(m_t) of every step. */
  dInner: Float32Array;
  /** [batch, units]: gradient of the current step's output state. */
  dh: Float32Array;
  /** [batch, units]: the part of dh_{t-1} that flows straight through z * h_{t-1}. */
  dhDirect: Float32Array;
  /** [time, batch, features]: on return, d(loss)/d(xs); null if not wanted. */
  dxs: Float32Array | null;
}

/** Runs the GRU over every step; `act`, `recAct` are activation codes. */
export function gruForward(sz: RnnSizes, w: GruWeights, recurrentMask: Float32Array | null, buf: GruBuffers,
  act: number, recAct: number): void {
  const { batch, time, features, units } = sz;
  const cols = 3 * units;
  const stateSize = batch * units;
  // The input projection of every step at once: gates[s, b, :] = xs[s, b, :] · W
  matmul(buf.xs, w.kernel, buf.gates, time * batch, features, cols);
  for (let s = 0; s < time; s++) {
    // inner[s] = h'_{s} · U (the masked state when there is a recurrent mask)
    if (recurrentMask !== null && buf.hMasked !== null) {
      maskedCopy(buf.h, s * stateSize, recurrentMask, buf.hMasked, s * stateSize, stateSize);
      stepTimesKernel(buf.hMasked, s * stateSize, w.recurrentKernel, buf.inner, s * batch * cols, batch, units, cols, false);
    } else {
      stepTimesKernel(buf.h, s * stateSize, w.recurrentKernel, buf.inner, s * batch * cols, batch, units, cols, false);
    }
    gruCellForward(buf, w.bias, s, batch, units, act, recAct);
  }
}

/** One step's fused gates and update (both biases added here): h_{s+1} from gates[s], inner[s] and h_s. */
function gruCellForward(buf: GruBuffers, bias: Float32Array | null, s: number, batch: number, units: number,
  act: number, recAct: number): void {
  const { gates, inner, h } = buf;
  const cols = 3 * units;
  // For each (sample b, unit j): z, r, the candidate hh, then h = z h_prev + (1 - z) hh.
  for (let b = 0; b < batch; b++) {
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

/** Backpropagation through time over the buffers `gruForward` filled; d(loss)/d(xs) lands in `grads.dxs`. */
export function gruBackward(sz: RnnSizes, w: GruWeights, recurrentMask: Float32Array | null, buf: GruBuffers,
  grads: GruGradBuffers, args: RecurrentBackwardArgs, act: number, recAct: number): void {
  const { batch, time, features, units } = sz;
  const cols = 3 * units;
  const stateSize = batch * units;
  const { dh, dhDirect, dGates, dInner } = grads;
  const dyStride = args.sequences ? time * units : units;
  // The last step's state gradient: from the final state (returnState) and the last output.
  if (args.dhLast !== null) dh.set(args.dhLast.subarray(0, stateSize));
  else dh.fill(0, 0, stateSize);
  completeStateGrad(dh, null, null, args.dy, args.sequences ? (time - 1) * units : 0, dyStride, batch, units);

  for (let s = time - 1; s >= 0; s--) {
    gruCellBackward(buf, grads, s, batch, units, act, recAct);
    if (s === 0 && args.dh0 === null) break;
    // dh_{s} = (dInner[s] · U^T) * mask + z * dh_{s+1} + dy of step s - 1
    stepTimesKernelT(dInner, s * batch * cols, w.recurrentKernel, dh, batch, units, cols);
    const dy = s > 0 && args.sequences ? args.dy : null;
    completeStateGrad(dh, recurrentMask, dhDirect, dy, (s - 1) * units, dyStride, batch, units);
  }
  if (args.dh0 !== null) for (let i = 0; i < stateSize; i++) args.dh0[i] += dh[i];

  // Weight gradients of every step at once: dW += xs^T · dGates, dU += h'^T · dInner, biases += column sums.
  const rows = time * batch;
  if (args.dKernel !== null) matmul(buf.xs, dGates, args.dKernel, features, rows, cols, true, false, true);
  const hPrev = recurrentMask !== null && buf.hMasked !== null ? buf.hMasked : buf.h;
  if (args.dRecurrentKernel !== null) matmul(hPrev, dInner, args.dRecurrentKernel, units, rows, cols, true, false, true);
  if (args.dBias !== null) {
    sumRows(dGates, args.dBias, rows, cols, true);
    sumRows(dInner, args.dBias.subarray(cols, 2 * cols), rows, cols, true);
  }
  // The input's gradient of every step at once: dxs = dGates · W^T
  if (grads.dxs !== null) matmul(dGates, w.kernel, grads.dxs, rows, cols, features, false, true);
}

/**
 * One step back: from dh (complete gradient of h_{s+1}), the gradients of the input projection
 * (dGates[s]) and of the recurrent projection (dInner[s]), and z * dh into dhDirect.
 */
function gruCellBackward(buf: GruBuffers, grads: GruGradBuffers, s: number, batch: number, units: number,
  act: number, recAct: number): void {
  const { gates, inner, h } = buf;
  const { dh, dhDirect, dGates, dInner } = grads;
  const cols = 3 * units;
  // For each (sample b, unit j): through h = z h_prev + (1 - z) hh to z, hh, then r.
  for (let b = 0; b < batch; b++) {
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
