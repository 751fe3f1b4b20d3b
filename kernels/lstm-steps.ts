/**
 * The LSTM's time loop on batch rows [b0, b1): the part of kernels/lstm.ts that runs step after
 * step. A sample's states depend only on its own earlier states, so rows never meet inside the
 * loop: the thread pool (kernels/parallel.ts) gives each thread some rows for the whole sequence,
 * with no barrier between steps, and every row is computed exactly as over the whole batch.
 *
 * Buffers are time-major [time(+1), batch, ..]; row b of step s sits at (s * batch + b) * width.
 */
import type { LstmBuffers, LstmGradBuffers } from './lstm';
import { ACT_SIGMOID, ACT_TANH, activate, completeStateGradRows, RnnSizes, slope, stepStateTimesKernel, stepTimesKernelT } from './recurrent';

/** Bound once: a global `Math` lookup is slow when the module runs inside a vm context (jest). */
const exp = Math.exp;
const tanh = Math.tanh;

/**
 * Forward over every step for rows [b0, b1): gates[s] (holding x_s · W) += h_s · U (h masked by
 * `recurrentMask` [batch, units] when not null), then the cell. Fills those rows of `buf.gates`
 * (activated), `buf.h`, `buf.c`, `buf.actC` and `buf.hMasked`.
 */
export function lstmStepsForward(sz: RnnSizes, recurrentKernel: Float32Array, bias: Float32Array | null,
  recurrentMask: Float32Array | null, buf: LstmBuffers, act: number, recAct: number, b0: number, b1: number): void {
  const { batch, time, units } = sz;
  for (let s = 0; s < time; s++) {
    // gates[s] += h_s · U on these rows (h masked by the recurrent mask when there is one)
    stepStateTimesKernel(buf.h, buf.hMasked, recurrentMask, recurrentKernel, buf.gates, s, batch, units, 4 * units, b0, b1, true);
    if (act === ACT_TANH && recAct === ACT_SIGMOID) lstmCellForwardDefault(buf, bias, s, batch, units, b0, b1);
    else lstmCellForward(buf, bias, s, batch, units, act, recAct, b0, b1);
  }
}

/** One step's fused gates and state update on rows [b0, b1) (bias added here): c_{s+1}, act(c_{s+1}), h_{s+1} from gates[s] and c_s. */
function lstmCellForward(buf: LstmBuffers, bias: Float32Array | null, s: number, batch: number, units: number,
  act: number, recAct: number, b0: number, b1: number): void {
  const { gates, h, c, actC } = buf;
  const cols = 4 * units;
  const hasBias = bias !== null;
  // For each (sample b, unit j): the four gates, then c = f c_prev + i g and h = o act(c).
  for (let b = b0; b < b1; b++) {
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
function lstmCellForwardDefault(buf: LstmBuffers, bias: Float32Array | null, s: number, batch: number, units: number,
  b0: number, b1: number): void {
  const { gates, h, c, actC } = buf;
  const cols = 4 * units;
  // For each (sample b, unit j): i, f, o = sigmoid, g = tanh, c = f c_prev + i g, h = o tanh(c).
  for (let b = b0; b < b1; b++) {
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

/** Where the backward time loop reads the output's gradient: dy of step s at dyOff(s) + b * dyStride. */
export interface StepsGradSource {
  /** [batch, time, units] when `sequences`, else [batch, units] (read at the last step only, by the caller); null: none. */
  dy: Float32Array | null;
  sequences: boolean;
  /** Whether d h_0 is wanted (else the loop stops after step 0's cell). */
  wantDh0: boolean;
}

/**
 * Backward over every step for rows [b0, b1), from the last: `grads.dh` and `grads.dc` hold the
 * complete gradients of h_T and c_T on entry (the caller adds dy of the last step); fills those
 * rows of `grads.dGates` and leaves d h_0 (when wanted) and d c_0 in `grads.dh` and `grads.dc`.
 */
export function lstmStepsBackward(sz: RnnSizes, recurrentKernel: Float32Array, recurrentMask: Float32Array | null,
  buf: LstmBuffers, grads: LstmGradBuffers, src: StepsGradSource, act: number, recAct: number, b0: number, b1: number): void {
  const { batch, time, units } = sz;
  const cols = 4 * units;
  const dyStride = src.sequences ? time * units : units;
  for (let s = time - 1; s >= 0; s--) {
    lstmCellBackward(buf, grads, s, batch, units, act, recAct, b0, b1);
    if (s === 0 && !src.wantDh0) break;
    // dh_{s} = (dGates[s] · U^T) * mask + dy of step s - 1, on these rows
    stepTimesKernelT(grads.dGates, (s * batch + b0) * cols, recurrentKernel, grads.dh, b1 - b0, units, cols, b0 * units);
    const dy = s > 0 && src.sequences ? src.dy : null;
    completeStateGradRows(grads.dh, recurrentMask, null, dy, (s - 1) * units, dyStride, units, b0, b1);
  }
}

/**
 * One step back on rows [b0, b1): from dh (complete gradient of h_{s+1}) and dc (gradient of
 * c_{s+1} from later steps), the gate pre-activation gradients dGates[s]; dc becomes the gradient of c_s.
 */
function lstmCellBackward(buf: LstmBuffers, grads: LstmGradBuffers, s: number, batch: number, units: number,
  act: number, recAct: number, b0: number, b1: number): void {
  const { gates, c, actC } = buf;
  const { dh, dc, dGates } = grads;
  const cols = 4 * units;
  const fast = act === ACT_TANH && recAct === ACT_SIGMOID;
  // For each (sample b, unit j): through h = o act(c) and c = f c_prev + i g to the four gates.
  for (let b = b0; b < b1; b++) {
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
