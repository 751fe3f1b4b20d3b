/**
 * The plain (Elman) recurrent cell over a whole sequence, forward and backward through time:
 *
 *   h_t = act(x_t · W + h'_{t-1} · U + b)     (W [features, u], U [units, u], b [u])
 *
 * with h'_{t-1} = h_{t-1} * recurrent mask (the same mask at every step) or h_{t-1}. As for the
 * LSTM, x · W is one matmul over every step; each step adds one [batch, units] x [units, units]
 * product and runs one fused bias + activation loop.
 */
import { matmul } from './threaded';
import { sumRows } from './reductions';
import { activate, completeStateGrad, maskedCopy, RnnSizes, slope, stepTimesKernel, stepTimesKernelT, RecurrentBackwardArgs } from './recurrent';

/** Buffers of one SimpleRNN pass, time-major; the caller allocates them. */
export interface SimpleRnnBuffers {
  /** [time, batch, features]: the input, masked and in step order. */
  xs: Float32Array;
  /** [time, batch, units]: scratch for the pre-activations of every step. */
  pre: Float32Array;
  /** [time + 1, batch, units]: slot 0 the initial state (caller fills it), slot s + 1 the output of step s. */
  h: Float32Array;
  /** [time, batch, units]: h_{t-1} * recurrent mask of every step, or null without a recurrent mask. */
  hMasked: Float32Array | null;
}

/** The SimpleRNN's weights: kernel [features, units], recurrent kernel [units, units], bias [units] or null. */
export interface SimpleRnnWeights {
  kernel: Float32Array;
  recurrentKernel: Float32Array;
  bias: Float32Array | null;
}

/** Scratch and results of the backward pass. */
export interface SimpleRnnGradBuffers {
  /** [time, batch, units]: d(loss)/d(pre-activation) of every step. */
  dPre: Float32Array;
  /** [batch, units]: gradient of the current step's output state. */
  dh: Float32Array;
  /** [time, batch, features]: on return, d(loss)/d(xs); null if not wanted. */
  dxs: Float32Array | null;
}

/** Runs the cell over every step; `act` is an activation code. */
export function simpleRnnForward(sz: RnnSizes, w: SimpleRnnWeights, recurrentMask: Float32Array | null,
  buf: SimpleRnnBuffers, act: number): void {
  const { batch, time, features, units } = sz;
  const stateSize = batch * units;
  // The input projection of every step at once: pre[s, b, :] = xs[s, b, :] · W
  matmul(buf.xs, w.kernel, buf.pre, time * batch, features, units);
  for (let s = 0; s < time; s++) {
    const o = s * stateSize;
    // pre[s] += h'_{s} · U
    if (recurrentMask !== null && buf.hMasked !== null) {
      maskedCopy(buf.h, o, recurrentMask, buf.hMasked, o, stateSize);
      stepTimesKernel(buf.hMasked, o, w.recurrentKernel, buf.pre, o, batch, units, units, true);
    } else {
      stepTimesKernel(buf.h, o, w.recurrentKernel, buf.pre, o, batch, units, units, true);
    }
    // h_{s+1}[b, j] = act(pre[s, b, j] + bias[j])
    const { pre, h } = buf;
    for (let b = 0; b < batch; b++) {
      const r = o + b * units;
      for (let j = 0; j < units; j++) h[r + stateSize + j] = activate(act, w.bias === null ? pre[r + j] : pre[r + j] + w.bias[j]);
    }
  }
}

/** Backpropagation through time over the buffers `simpleRnnForward` filled; d(loss)/d(xs) lands in `grads.dxs`. */
export function simpleRnnBackward(sz: RnnSizes, w: SimpleRnnWeights, recurrentMask: Float32Array | null,
  buf: SimpleRnnBuffers, grads: SimpleRnnGradBuffers, args: RecurrentBackwardArgs, act: number): void {
  const { batch, time, features, units } = sz;
  const stateSize = batch * units;
  const { dh, dPre } = grads;
  const dyStride = args.sequences ? time * units : units;
  // The last step's state gradient: from the final state (returnState) and the last output.
  if (args.dhLast !== null) dh.set(args.dhLast.subarray(0, stateSize));
  else dh.fill(0, 0, stateSize);
  completeStateGrad(dh, null, null, args.dy, args.sequences ? (time - 1) * units : 0, dyStride, batch, units);

  for (let s = time - 1; s >= 0; s--) {
    const o = s * stateSize;
    // dPre[s] = dh * act'(h_{s+1})
    for (let i = 0; i < stateSize; i++) dPre[o + i] = dh[i] * slope(act, buf.h[o + stateSize + i]);
    if (s === 0 && args.dh0 === null) break;
    // dh_{s} = (dPre[s] · U^T) * mask + dy of step s - 1
    stepTimesKernelT(dPre, o, w.recurrentKernel, dh, batch, units, units);
    const dy = s > 0 && args.sequences ? args.dy : null;
    completeStateGrad(dh, recurrentMask, null, dy, (s - 1) * units, dyStride, batch, units);
  }
  if (args.dh0 !== null) for (let i = 0; i < stateSize; i++) args.dh0[i] += dh[i];

  // Weight gradients of every step at once: dW += xs^T · dPre, dU += h'^T · dPre, db += column sums.
  const rows = time * batch;
  if (args.dKernel !== null) matmul(buf.xs, dPre, args.dKernel, features, rows, units, true, false, true);
  const hPrev = recurrentMask !== null && buf.hMasked !== null ? buf.hMasked : buf.h;
  if (args.dRecurrentKernel !== null) matmul(hPrev, dPre, args.dRecurrentKernel, units, rows, units, true, false, true);
  if (args.dBias !== null) sumRows(dPre, args.dBias, rows, units, true);
  // The input's gradient of every step at once: dxs = dPre · W^T
  if (grads.dxs !== null) matmul(dPre, w.kernel, grads.dxs, rows, units, features, false, true);
}
