/**
 * Pieces shared by the recurrent cells (kernels/lstm.ts, gru.ts, simple-rnn.ts):
 *
 * - elementwise activations by integer code, with their slopes written from the output (so a
 *   cell's backward needs only what its forward stored), small enough for V8 to inline in the
 *   fused gate loops;
 * - the two products of one time step against the recurrent kernel, on buffers at an offset (no
 *   subarray views, so a step allocates nothing);
 * - moving a sequence between the user's batch-major layout [batch, time, x] and the time-major
 *   layout [time, batch, x] the cells work in, where one step's rows are contiguous. The input
 *   dropout mask [batch, features] is applied during that copy, once for the whole sequence.
 *
 * Layout convention of every cell: step s reads input time t = s (or t = time - 1 - s when going
 * backwards) and the state buffers hold time + 1 slots, slot 0 being the initial state.
 */
import { ActivationName } from './activations';

/** Bound once: a global `Math` lookup is slow when the module runs inside a vm context (jest). */
const exp = Math.exp;
const tanh = Math.tanh;
const expm1 = Math.expm1;
const log1p = Math.log1p;
const abs = Math.abs;

/** Integer codes of the activations a recurrent cell accepts (every elementwise one). */
export const ACT_LINEAR = 0;
export const ACT_TANH = 1;
export const ACT_SIGMOID = 2;
export const ACT_RELU = 3;
export const ACT_ELU = 4;
export const ACT_SELU = 5;
export const ACT_SOFTPLUS = 6;
export const ACT_SOFTSIGN = 7;
export const ACT_HARD_SIGMOID = 8;

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

const CODES: Partial<Record<ActivationName, number>> = {
  linear: ACT_LINEAR,
  tanh: ACT_TANH,
  sigmoid: ACT_SIGMOID,
  relu: ACT_RELU,
  elu: ACT_ELU,
  selu: ACT_SELU,
  softplus: ACT_SOFTPLUS,
  softsign: ACT_SOFTSIGN,
  hard_sigmoid: ACT_HARD_SIGMOID,
};

/** The code of an elementwise activation, or -1 for one a cell cannot use (softmax works on rows). */
export function activationCode(name: ActivationName): number {
  return CODES[name] ?? -1;
}

/** act(v) for an activation code. */
export function activate(code: number, v: number): number {
  switch (code) {
    case ACT_TANH:
      return tanh(v);
    case ACT_SIGMOID:
      return 1 / (1 + exp(-v));
    case ACT_RELU:
      return v < 0 ? 0 : v;
    case ACT_ELU:
      return v > 0 ? v : expm1(v);
    case ACT_SELU:
      return v > 0 ? SELU_SCALE * v : SELU_SCALE * SELU_ALPHA * expm1(v);
    case ACT_SOFTPLUS:
      return (v > 0 ? v : 0) + log1p(exp(-abs(v)));
    case ACT_SOFTSIGN:
      return v / (1 + abs(v));
    case ACT_HARD_SIGMOID: {
      const h = 0.2 * v + 0.5;
      return h < 0 ? 0 : h > 1 ? 1 : h;
    }
    default:
      return v;
  }
}

/** act'(x) written from the output y = act(x), for an activation code. */
export function slope(code: number, y: number): number {
  switch (code) {
    case ACT_TANH:
      return 1 - y * y;
    case ACT_SIGMOID:
      return y * (1 - y);
    case ACT_RELU:
      return y > 0 ? 1 : 0;
    case ACT_ELU:
      return y > 0 ? 1 : y + 1;
    case ACT_SELU:
      return y > 0 ? SELU_SCALE : y + SELU_SCALE * SELU_ALPHA;
    case ACT_SOFTPLUS:
      return -expm1(-y);
    case ACT_SOFTSIGN: {
      const a = 1 - abs(y);
      return a * a;
    }
    case ACT_HARD_SIGMOID:
      return y > 0 && y < 1 ? 0.2 : 0;
    default:
      return 1;
  }
}

/**
 * One step's recurrent product: z[zo + b*cols + j] (+)= sum_k h[ho + b*units + k] * r[k*cols + j],
 * i.e. Z_s [batch, cols] (+)= H [batch, units] · R [units, cols], the buffers read at offsets.
 * Tiles of 4 rows x 4 columns are summed in registers (float64) over k; R stays in L1 across tiles.
 */
export function stepTimesKernel(h: Float32Array, ho: number, r: Float32Array, z: Float32Array, zo: number,
  batch: number, units: number, cols: number, accumulate: boolean): void {
  let b = 0;
  for (; b + 3 < batch; b += 4) {
    const h0 = ho + b * units, h1 = h0 + units, h2 = h1 + units, h3 = h2 + units;
    const z0 = zo + b * cols, z1 = z0 + cols, z2 = z1 + cols, z3 = z2 + cols;
    let j = 0;
    for (; j + 3 < cols; j += 4) {
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      // s_rq = sum_k H[b+r, k] * R[k, j+q]: a rank-1 update of the 4x4 tile per k
      for (let k = 0, rk = j; k < units; k++, rk += cols) {
        const r0 = r[rk], r1 = r[rk + 1], r2 = r[rk + 2], r3 = r[rk + 3];
        const a0 = h[h0 + k], a1 = h[h1 + k], a2 = h[h2 + k], a3 = h[h3 + k];
        s00 += a0 * r0; s01 += a0 * r1; s02 += a0 * r2; s03 += a0 * r3;
        s10 += a1 * r0; s11 += a1 * r1; s12 += a1 * r2; s13 += a1 * r3;
        s20 += a2 * r0; s21 += a2 * r1; s22 += a2 * r2; s23 += a2 * r3;
        s30 += a3 * r0; s31 += a3 * r1; s32 += a3 * r2; s33 += a3 * r3;
      }
      if (accumulate) {
        z[z0 + j] += s00; z[z0 + j + 1] += s01; z[z0 + j + 2] += s02; z[z0 + j + 3] += s03;
        z[z1 + j] += s10; z[z1 + j + 1] += s11; z[z1 + j + 2] += s12; z[z1 + j + 3] += s13;
        z[z2 + j] += s20; z[z2 + j + 1] += s21; z[z2 + j + 2] += s22; z[z2 + j + 3] += s23;
        z[z3 + j] += s30; z[z3 + j + 1] += s31; z[z3 + j + 2] += s32; z[z3 + j + 3] += s33;
      } else {
        z[z0 + j] = s00; z[z0 + j + 1] = s01; z[z0 + j + 2] = s02; z[z0 + j + 3] = s03;
        z[z1 + j] = s10; z[z1 + j + 1] = s11; z[z1 + j + 2] = s12; z[z1 + j + 3] = s13;
        z[z2 + j] = s20; z[z2 + j + 1] = s21; z[z2 + j + 2] = s22; z[z2 + j + 3] = s23;
        z[z3 + j] = s30; z[z3 + j + 1] = s31; z[z3 + j + 2] = s32; z[z3 + j + 3] = s33;
      }
    }
    // the last cols % 4 columns of these 4 rows, one dot product each
    for (; j < cols; j++) {
      for (let q = 0; q < 4; q++) rowDot(h, ho + (b + q) * units, r, j, z, zo + (b + q) * cols + j, units, cols, accumulate);
    }
  }
  // the last batch % 4 rows, one dot product per element
  for (; b < batch; b++) {
    for (let j = 0; j < cols; j++) rowDot(h, ho + b * units, r, j, z, zo + b * cols + j, units, cols, accumulate);
  }
}

/** z[zi] (+)= sum_k h[hi + k] * r[k*cols + j]. */
function rowDot(h: Float32Array, hi: number, r: Float32Array, j: number, z: Float32Array, zi: number,
  units: number, cols: number, accumulate: boolean): void {
  let s = 0;
  for (let k = 0; k < units; k++) s += h[hi + k] * r[k * cols + j];
  z[zi] = accumulate ? z[zi] + s : s;
}

/**
 * One step's product back through the recurrent kernel: dh[dho + b*units + k] = sum_j dz[zo + b*cols + j] * r[k*cols + j],
 * i.e. dH [batch, units] = dZ_s [batch, cols] · R^T. Both inner walks are contiguous along j;
 * tiles of 4 batch rows x 4 kernel rows are summed in registers.
 */
export function stepTimesKernelT(dz: Float32Array, zo: number, r: Float32Array, dh: Float32Array,
  batch: number, units: number, cols: number, dho = 0): void {
  let b = 0;
  for (; b + 3 < batch; b += 4) {
    const d0 = zo + b * cols, d1 = d0 + cols, d2 = d1 + cols, d3 = d2 + cols;
    let k = 0;
    for (; k + 3 < units; k += 4) {
      const r0 = k * cols, r1 = r0 + cols, r2 = r1 + cols, r3 = r2 + cols;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      // s_pq = sum_j dZ[b+p, j] * R[k+q, j]
      for (let j = 0; j < cols; j++) {
        const a0 = dz[d0 + j], a1 = dz[d1 + j], a2 = dz[d2 + j], a3 = dz[d3 + j];
        const w0 = r[r0 + j], w1 = r[r1 + j], w2 = r[r2 + j], w3 = r[r3 + j];
        s00 += a0 * w0; s01 += a0 * w1; s02 += a0 * w2; s03 += a0 * w3;
        s10 += a1 * w0; s11 += a1 * w1; s12 += a1 * w2; s13 += a1 * w3;
        s20 += a2 * w0; s21 += a2 * w1; s22 += a2 * w2; s23 += a2 * w3;
        s30 += a3 * w0; s31 += a3 * w1; s32 += a3 * w2; s33 += a3 * w3;
      }
      const o0 = dho + b * units + k, o1 = o0 + units, o2 = o1 + units, o3 = o2 + units;
      dh[o0] = s00; dh[o0 + 1] = s01; dh[o0 + 2] = s02; dh[o0 + 3] = s03;
      dh[o1] = s10; dh[o1 + 1] = s11; dh[o1 + 2] = s12; dh[o1 + 3] = s13;
      dh[o2] = s20; dh[o2 + 1] = s21; dh[o2 + 2] = s22; dh[o2 + 3] = s23;
      dh[o3] = s30; dh[o3 + 1] = s31; dh[o3 + 2] = s32; dh[o3 + 3] = s33;
    }
    // the last units % 4 kernel rows for these 4 batch rows
    for (; k < units; k++) {
      for (let p = 0; p < 4; p++) dh[dho + (b + p) * units + k] = dotRows(dz, d0 + p * cols, r, k * cols, cols);
    }
  }
  // the last batch % 4 rows
  for (; b < batch; b++) {
    for (let k = 0; k < units; k++) dh[dho + b * units + k] = dotRows(dz, zo + b * cols, r, k * cols, cols);
  }
}

/** sum_j a[ao + j] * b[bo + j] over n elements. */
function dotRows(a: Float32Array, ao: number, b: Float32Array, bo: number, n: number): number {
  let s = 0;
  for (let j = 0; j < n; j++) s += a[ao + j] * b[bo + j];
  return s;
}

/**
 * Batch-major input to time-major, with the input mask applied once for the whole sequence:
 * out[s, b, f] = x[b, t, f] * mask[b, f] (mask null: no mask), t = s or time - 1 - s when `backwards`.
 * x: [batch, time, features], mask: [batch, features], out: [time, batch, features].
 */
export function gatherSteps(x: Float32Array, mask: Float32Array | null, out: Float32Array,
  batch: number, time: number, features: number, backwards: boolean): void {
  // For each (step, sample): copy (and mask) one row of features.
  for (let s = 0; s < time; s++) {
    const t = backwards ? time - 1 - s : s;
    for (let b = 0; b < batch; b++) {
      const src = (b * time + t) * features;
      const dst = (s * batch + b) * features;
      if (mask === null) for (let f = 0; f < features; f++) out[dst + f] = x[src + f];
      else for (let f = 0; f < features; f++) out[dst + f] = x[src + f] * mask[b * features + f];
    }
  }
}

/**
 * The way back of `gatherSteps`: dx[b, t, f] += dOut[s, b, f] * mask[b, f] (the same mask).
 * dOut: [time, batch, features], dx: [batch, time, features].
 */
export function scatterSteps(dOut: Float32Array, mask: Float32Array | null, dx: Float32Array,
  batch: number, time: number, features: number, backwards: boolean): void {
  // For each (step, sample): add one row of feature gradients back at its input time.
  for (let s = 0; s < time; s++) {
    const t = backwards ? time - 1 - s : s;
    for (let b = 0; b < batch; b++) {
      const dst = (b * time + t) * features;
      const src = (s * batch + b) * features;
      if (mask === null) for (let f = 0; f < features; f++) dx[dst + f] += dOut[src + f];
      else for (let f = 0; f < features; f++) dx[dst + f] += dOut[src + f] * mask[b * features + f];
    }
  }
}

/**
 * The hidden states of every step in the user's layout: y[b, s, j] = h[(s + 1) * batch * units + b * units + j]
 * (slot 0 of h is the initial state). h: [time + 1, batch, units], y: [batch, time, units].
 */
export function stepsToBatchMajor(h: Float32Array, y: Float32Array, batch: number, time: number, units: number): void {
  // For each (sample, step): copy one row of units.
  for (let b = 0; b < batch; b++) {
    for (let s = 0; s < time; s++) {
      const src = ((s + 1) * batch + b) * units;
      const dst = (b * time + s) * units;
      for (let j = 0; j < units; j++) y[dst + j] = h[src + j];
    }
  }
}

/**
 * Step s's recurrent product on batch rows [b0, b1): z[s] (+)= h'_s · R, where h'_s is state slot
 * s of h [time + 1, batch, units], multiplied by `mask` [batch, units] into `hMasked` first when
 * both are given (the recurrent dropout mask, kept for the backward pass). z is [time, batch, cols].
 */
export function stepStateTimesKernel(h: Float32Array, hMasked: Float32Array | null, mask: Float32Array | null, r: Float32Array, z: Float32Array,
  s: number, batch: number, units: number, cols: number, b0: number, b1: number, accumulate: boolean): void {
  const h0 = s * batch * units + b0 * units;
  const z0 = (s * batch + b0) * cols;
  if (mask !== null && hMasked !== null) {
    maskedCopy(h, h0, mask, hMasked, h0, (b1 - b0) * units, b0 * units);
    stepTimesKernel(hMasked, h0, r, z, z0, b1 - b0, units, cols, accumulate);
  } else {
    stepTimesKernel(h, h0, r, z, z0, b1 - b0, units, cols, accumulate);
  }
}

/** out[o + i] = a[ao + i] * mask[mo + i] for i < n (the recurrent mask applied to one step's state, or to some of its rows). */
export function maskedCopy(a: Float32Array, ao: number, mask: Float32Array, out: Float32Array, o: number, n: number, mo = 0): void {
  for (let i = 0; i < n; i++) out[o + i] = a[ao + i] * mask[mo + i];
}

/**
 * Completes the gradient of a step's output state h [batch, units] before the cell's backward:
 * dh[b, j] = dh[b, j] * mask[b, j] + direct[b, j] + dy[dyOff + b * dyStride + j], where dh arrived
 * through the recurrent kernel (masked like the forward's h), `direct` is what the next step's cell
 * sent straight back (GRU's z * h_{t-1}) and dy the upstream gradient of this step's output
 * (null parts are skipped). dy's stride lets it be read from [batch, time, units] or [batch, units].
 */
export function completeStateGrad(dh: Float32Array, mask: Float32Array | null, direct: Float32Array | null,
  dy: Float32Array | null, dyOff: number, dyStride: number, batch: number, units: number): void {
  completeStateGradRows(dh, mask, direct, dy, dyOff, dyStride, units, 0, batch);
}

/** `completeStateGrad` on batch rows [b0, b1) only (a thread's share of the time loop). */
export function completeStateGradRows(dh: Float32Array, mask: Float32Array | null, direct: Float32Array | null,
  dy: Float32Array | null, dyOff: number, dyStride: number, units: number, b0: number, b1: number): void {
  const from = b0 * units;
  const to = b1 * units;
  if (mask !== null) for (let i = from; i < to; i++) dh[i] *= mask[i];
  if (direct !== null) for (let i = from; i < to; i++) dh[i] += direct[i];
  if (dy === null) return;
  // row by row: add the upstream gradient of this step's output
  for (let b = b0; b < b1; b++) {
    const o = b * units;
    const d = dyOff + b * dyStride;
    for (let j = 0; j < units; j++) dh[o + j] += dy[d + j];
  }
}

/** Sizes of one recurrent pass. */
/**
 * Where a recurrent backward pass takes its upstream gradients from and adds its weight gradients
 * to (null: not wanted). The LSTM adds the cell state's two (`LstmBackwardArgs`).
 */
export interface RecurrentBackwardArgs {
  /** Upstream gradient of the output: [batch, time, units] when `sequences`, else [batch, units]; null if none. */
  dy: Float32Array | null;
  sequences: boolean;
  /** Upstream gradient of the final state h_T [batch, units] (returnState), or null. */
  dhLast: Float32Array | null;
  /** Accumulated (+=): kernel [features, gates * u], recurrent kernel [units, gates * u], bias. */
  dKernel: Float32Array | null;
  dRecurrentKernel: Float32Array | null;
  dBias: Float32Array | null;
  /** Accumulated (+=): initial state h_0 [batch, units], or null. */
  dh0: Float32Array | null;
}

export interface RnnSizes {
  batch: number;
  time: number;
  features: number;
  units: number;
}
