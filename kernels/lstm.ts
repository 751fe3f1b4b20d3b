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
 * runs one fused loop for the activations and the state update. With recurrent dropout h_{t-1} is
 * multiplied by the recurrent mask before U (and only there), the same mask at every step.
 * Everything lives in buffers the caller gives (time-major, see kernels/recurrent.ts); no step
 * allocates.
 */
import { matmul } from './threaded';
import { sumRows } from './reductions';
import { ACT_SIGMOID, ACT_TANH, activate, completeStateGrad, maskedCopy, RnnSizes, slope, stepTimesKernel, stepTimesKernelT, RecurrentBackwardArgs } from './recurrent';

/** Bound once: a global `Math` lookup is slow when the module runs inside a vm context (jest). */
const exp = Math.exp;
const tanh = Math.tanh;

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
  const stateSize = batch * units;
  // The input projection of every step at once: gates[s, b, :] = xs[s, b, :] · W
  matmul(buf.xs, w.kernel, buf.gates, time * batch, features, cols);
  for (let s = 0; s < time; s++) {
    // gates[s] += h_{s} · U (h masked by the recurrent mask when there is one)
    if (recurrentMask !== null && buf.hMasked !== null) {
      maskedCopy(buf.h, s * stateSize, recurrentMask, buf.hMasked, s * stateSize, stateSize);
      stepTimesKernel(buf.hMasked, s * stateSize, w.recurrentKernel, buf.gates, s * batch * cols, batch, units, cols, true);
    } else {
      stepTimesKernel(buf.h, s * stateSize, w.recurrentKernel, buf.gates, s * batch * cols, batch, units, cols, true);
    }
    lstmCellForward(buf, w.bias, s, batch, units, act, recAct);
  }
}

/** One step's fused gates and state update (bias added here): c_{s+1}, act(c_{s+1}), h_{s+1} from gates[s] and c_s. */
function lstmCellForward(buf: LstmBuffers, bias: Float32Array | null, s: number, batch: number, units: number,
  act: number, recAct: number): void {
  if (act === ACT_TANH && recAct === ACT_SIGMOID) {
    lstmCellForwardDefault(buf, bias, s, batch, units);
    return;
  }
  const { gates, h, c, actC } = buf;
  const cols = 4 * units;
  const hasBias = bias !== null;
  // For each (sample b, unit j): the four gates, then c = f c_prev + i g and h = o act(c).
  for (let b = 0; b < batch; b++) {
    const g0 = (s * batch + b) * cols;
    const prev = (s * batch + b) * units;
    const next = prev + batch * units;
    for (let j = 0; j < units; j++) {
      const gi = g0 + j, gf = gi + units, gc = gf + units, go = gc + units;
      const i = activate(recAct, hasBias ? gates[gi] + (bias as Float32Array)[j] : gates[gi]);
      const f = activate(recAct, hasBias ? gates[gf] + (bias as Float32Array)[j + units] : gates[gf]);
      const g = activate(act, hasBias ? gates[gc] + (bias as Float32Array)[j + 2 * units] : gates[gc]);
      const o = activate(recAct, hasBias ? gates[go] + (bias as Float32Array)[j + 3 * units] : gates[go]);
      gates[gi] = i;
      gates[gf] = f;
      gates[gc] = g;
      gates[go] = o;
      const cv = f * c[prev + j] + i * g;
      c[next + j] = cv;
      const ac = activate(act, cv);
      actC[prev + j] = ac;
      h[next + j] = o * ac;
    }
  }
}

/** `lstmCellForward` for the default activations (sigmoid gates, tanh), written out: the hot loop of LSTM training. */
function lstmCellForwardDefault(buf: LstmBuffers, bias: Float32Array | null, s: number, batch: number, units: number): void {
  const { gates, h, c, actC } = buf;
  const cols = 4 * units;
  // For each (sample b, unit j): i, f, o = sigmoid, g = tanh, c = f c_prev + i g, h = o tanh(c).
  for (let b = 0; b < batch; b++) {
    const g0 = (s * batch + b) * cols;
    const prev = (s * batch + b) * units;
    const next = prev + batch * units;
    for (let j = 0; j < units; j++) {
      const gi = g0 + j, gf = gi + units, gc = gf + units, go = gc + units;
      let zi = gates[gi], zf = gates[gf], zc = gates[gc], zo = gates[go];
      if (bias !== null) {
        zi += bias[j]; zf += bias[j + units]; zc += bias[j + 2 * units]; zo += bias[j + 3 * units];
      }
      const i = 1 / (1 + exp(-zi));
      const f = 1 / (1 + exp(-zf));
      const g = tanh(zc);
      const o = 1 / (1 + exp(-zo));
      gates[gi] = i;
      gates[gf] = f;
      gates[gc] = g;
      gates[go] = o;
      const cv = f * c[prev + j] + i * g;
      c[next + j] = cv;
      const ac = tanh(cv);
      actC[prev + j] = ac;
      h[next + j] = o * ac;
    }
  }
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

  for (let s = time - 1; s >= 0; s--) {
    lstmCellBackward(buf, grads, s, batch, units, act, recAct);
    if (s === 0 && args.dh0 === null) break;
    // dh_{s} = (dGates[s] · U^T) * mask + dy of step s - 1
    stepTimesKernelT(dGates, s * batch * cols, w.recurrentKernel, dh, batch, units, cols);
    const dy = s > 0 && args.sequences ? args.dy : null;
    completeStateGrad(dh, recurrentMask, null, dy, (s - 1) * units, dyStride, batch, units);
  }
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

/**
 * One step back: from dh (complete gradient of h_{s+1}) and dc (gradient of c_{s+1} from later
 * steps), the gate pre-activation gradients dGates[s]; dc becomes the gradient of c_s.
 */
function lstmCellBackward(buf: LstmBuffers, grads: LstmGradBuffers, s: number, batch: number, units: number,
  act: number, recAct: number): void {
  const { gates, c, actC } = buf;
  const { dh, dc, dGates } = grads;
  const cols = 4 * units;
  const fast = act === ACT_TANH && recAct === ACT_SIGMOID;
  // For each (sample b, unit j): through h = o act(c) and c = f c_prev + i g to the four gates.
  for (let b = 0; b < batch; b++) {
    const g0 = (s * batch + b) * cols;
    const prev = (s * batch + b) * units;
    const st = b * units;
    for (let j = 0; j < units; j++) {
      const gi = g0 + j, gf = gi + units, gc = gf + units, go = gc + units;
      const i = gates[gi], f = gates[gf], g = gates[gc], o = gates[go];
      const ac = actC[prev + j];
      const dhv = dh[st + j];
      // slopes from the outputs: sigmoid' = y (1 - y), tanh' = 1 - y^2 on the default path
      const sI = fast ? i * (1 - i) : slope(recAct, i);
      const sF = fast ? f * (1 - f) : slope(recAct, f);
      const sO = fast ? o * (1 - o) : slope(recAct, o);
      const sG = fast ? 1 - g * g : slope(act, g);
      const sC = fast ? 1 - ac * ac : slope(act, ac);
      const dcv = dc[st + j] + dhv * o * sC;
      dGates[gi] = dcv * g * sI;
      dGates[gf] = dcv * c[prev + j] * sF;
      dGates[gc] = dcv * i * sG;
      dGates[go] = dhv * ac * sO;
      dc[st + j] = dcv * f;
    }
  }
}
