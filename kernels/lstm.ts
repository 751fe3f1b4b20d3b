/**
 * The LSTM cell over a whole sequence, forward and backward through time (Keras' equations, gates
 * in Keras order i, f, c, o along the last axis of every [.., 4u] array):
 *
 *   z_t = x_t · W + h_{t-1} · U + b            (W [features, 4u], U [units, 4u], b [4u])
 *   i = rec(z_i), f = rec(z_f), g = act(z_c), o = rec(z_o)   (rec: sigmoid, act: tanh by default)
 *   c_t = f * c_{t-1} + i * g,   h_t = o * act(c_t)
 *
 * The four gates are fused: x · W for every step at once is one big matmul [time*batch, features] x
 * [features, 4u]; each step then adds h_{t-1} · U (one [batch, units] x [units, 4u] product) and
 * runs one fused loop for the activations and the state update (the time loop: kernels/lstm-steps.ts).
 * With recurrent dropout h_{t-1} is multiplied by the recurrent mask before U (and only there), the
 * same mask at every step.
 * Everything lives in buffers the caller gives (time-major, see kernels/recurrent.ts); no step
 * allocates.
 */
import { lstmSteps, lstmStepsBack, matmul } from './threaded';
import { sumRows } from './reductions';
import { completeStateGrad, RnnSizes, RecurrentBackwardArgs } from './recurrent';

/** Buffers of one LSTM pass, time-major; the caller allocates them (e.g. from a Workspace). */
export interface LstmBuffers {
  /** [time, batch, features]: the input, already masked and in step order (see `gatherSteps`). */
  xs: Float32Array;
  /** [time, batch, 4u]: on return, the activated gates i, f, g, o of every step. */
  gates: Float32Array;
  /** [time + 1, batch, units]: slot 0 the initial state (caller fills it), slot s + 1 the output of step s. */
  h: Float32Array;
  /** [time + 1, batch, units]: the cell states, slot 0 the initial one (caller fills it). */
  c: Float32Array;
  /** [time, batch, units]: act(c) of every step (kept for the backward pass). */
  actC: Float32Array;
  /** [time, batch, units]: h_{t-1} * recurrent mask of every step, or null without a recurrent mask. */
  hMasked: Float32Array | null;
}

/** The LSTM's weights: kernel [features, 4u], recurrent kernel [units, 4u], bias [4u] or null. */
export interface LstmWeights {
  kernel: Float32Array;
  recurrentKernel: Float32Array;
  bias: Float32Array | null;
}

/** Scratch and results of the backward pass. */
export interface LstmGradBuffers {
  /** [time, batch, 4u]: d(loss)/d(gate pre-activations) of every step. */
  dGates: Float32Array;
  /** [batch, units]: gradient of the current step's output state. */
  dh: Float32Array;
  /** [batch, units]: gradient of the current step's cell state. */
  dc: Float32Array;
  /** [time, batch, features]: on return, d(loss)/d(xs) (masked, time-major; see `scatterSteps`); null if not wanted. */
  dxs: Float32Array | null;
}

/**
 * Runs the LSTM over every step. `recurrentMask` [batch, units] or null; `act`, `recAct` are
 * activation codes (kernels/recurrent.ts). Fills `buf.gates`, `buf.h`, `buf.c`, `buf.actC`, `buf.hMasked`.
 */
export function lstmForward(sz: RnnSizes, w: LstmWeights, recurrentMask: Float32Array | null, buf: LstmBuffers,
  act: number, recAct: number): void {
  const { batch, time, features, units } = sz;
  const cols = 4 * units;
  // The input projection of every step at once: gates[s, b, :] = xs[s, b, :] · W
  matmul(buf.xs, w.kernel, buf.gates, time * batch, features, cols);
  // The time loop (kernels/lstm-steps.ts), split by batch rows across threads when large
  lstmSteps(sz, w, recurrentMask, buf, act, recAct);
}

/** The recurrent backward's arguments plus the cell state's: d c_T in, d c_0 out (null: none). */
export interface LstmBackwardArgs extends RecurrentBackwardArgs {
  dcLast: Float32Array | null;
  dc0: Float32Array | null;
}

/**
 * Backpropagation through time over the buffers `lstmForward` filled. Leaves d(loss)/d(xs) in
 * `grads.dxs` (overwritten) and adds the weight and initial-state gradients into `args`.
 */
export function lstmBackward(sz: RnnSizes, w: LstmWeights, recurrentMask: Float32Array | null, buf: LstmBuffers,
  grads: LstmGradBuffers, args: LstmBackwardArgs, act: number, recAct: number): void {
  const { batch, time, features, units } = sz;
  const cols = 4 * units;
  const stateSize = batch * units;
  const { dh, dc, dGates } = grads;
  const dyStride = args.sequences ? time * units : units;
  // The last step's state gradients: from the final states (returnState) and the last output.
  if (args.dhLast !== null) dh.set(args.dhLast.subarray(0, stateSize));
  else dh.fill(0, 0, stateSize);
  if (args.dcLast !== null) dc.set(args.dcLast.subarray(0, stateSize));
  else dc.fill(0, 0, stateSize);
  completeStateGrad(dh, null, null, args.dy, args.sequences ? (time - 1) * units : 0, dyStride, batch, units);

  // Back through every step (kernels/lstm-steps.ts), split by batch rows across threads when large
  lstmStepsBack(sz, w, recurrentMask, buf, grads, { dy: args.dy, sequences: args.sequences, wantDh0: args.dh0 !== null }, act, recAct);
  if (args.dh0 !== null) for (let i = 0; i < stateSize; i++) args.dh0[i] += dh[i];
  if (args.dc0 !== null) for (let i = 0; i < stateSize; i++) args.dc0[i] += dc[i];

  // Weight gradients of every step at once: dW += xs^T · dGates, dU += h_prev^T · dGates, db += column sums.
  const rows = time * batch;
  if (args.dKernel !== null) matmul(buf.xs, dGates, args.dKernel, features, rows, cols, true, false, true);
  const hPrev = recurrentMask !== null && buf.hMasked !== null ? buf.hMasked : buf.h;
  if (args.dRecurrentKernel !== null) matmul(hPrev, dGates, args.dRecurrentKernel, units, rows, cols, true, false, true);
  if (args.dBias !== null) sumRows(dGates, args.dBias, rows, cols, true);
  // The input's gradient of every step at once: dxs = dGates · W^T
  if (grads.dxs !== null) matmul(dGates, w.kernel, grads.dxs, rows, cols, features, false, true);
}
