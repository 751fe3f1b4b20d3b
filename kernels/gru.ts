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
 * [batch, units] x [units, 3u] product and one fused loop (the time loop: kernels/gru-steps.ts).
 */
import { gruSteps, gruStepsBack, matmul } from './threaded';
import { sumRows } from './reductions';
import { completeStateGrad, RnnSizes, RecurrentBackwardArgs } from './recurrent';

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
  // The input projection of every step at once: gates[s, b, :] = xs[s, b, :] · W
  matmul(buf.xs, w.kernel, buf.gates, time * batch, features, cols);
  // The time loop (kernels/gru-steps.ts), split by batch rows across threads when large
  gruSteps(sz, w, recurrentMask, buf, act, recAct);
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

  // Back through every step (kernels/gru-steps.ts), split by batch rows across threads when large
  gruStepsBack(sz, w, recurrentMask, buf, grads, { dy: args.dy, sequences: args.sequences, wantDh0: args.dh0 !== null }, act, recAct);
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
