/**
 * Plain, slow, float64 implementations of the recurrent cells straight from Keras' equations, one
 * element at a time: an independent check of the fused kernels' forward pass. Plus small helpers
 * for the recurrent specs.
 */
import { CallContext, gradOf } from '../../lib/autodiff';
import { RecurrentOpOptions } from '../../lib/recurrent-ops';
import { Tensor } from '../../lib/tensor';

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** A dropout mask of `shape` from `next` (values in [-1, 1)): 0 with probability about `rate`, else 1 / (1 - rate). */
export function maskTensor(shape: number[], rate: number, next: () => number): Tensor {
  const t = Tensor.zeros(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = (next() + 1) / 2 < rate ? 0 : 1 / (1 - rate);
  return t;
}

/** The scalar sum_i <ys[i], gs[i]> as an op: the gs become the upstream gradients of the ys. */
export function sumOfProducts(ctx: CallContext, ys: Tensor[], gs: Tensor[]): Tensor {
  const out = Tensor.zeros([]);
  ys.forEach((y, k) => y.data.forEach((v, i) => (out.data[0] += v * gs[k].data[i])));
  ctx.tape?.record(out, () => {
    const g = (out.grad as Float32Array)[0];
    ys.forEach((y, k) => {
      const d = gradOf(y);
      if (d !== null) for (let i = 0; i < d.length; i++) d[i] += g * gs[k].data[i];
    });
  });
  return out;
}

interface Walk {
  B: number;
  T: number;
  F: number;
  /** x_t for sample b at step s, masked (input order reversed when going backwards). */
  xAt: (b: number, s: number, f: number) => number;
  /** h * recurrent mask for sample b, unit k. */
  hm: (h: number[], b: number, k: number) => number;
  /** Collects the outputs in the op's layout. */
  out: number[][][];
}

function walk(x: Tensor, units: number, opts: RecurrentOpOptions): Walk {
  const [B, T, F] = x.shape;
  const im = opts.inputMask ?? null;
  const rm = opts.recurrentMask ?? null;
  return {
    B, T, F,
    xAt: (b, s, f) => x.get(b, opts.goBackwards ? T - 1 - s : s, f) * (im ? im.get(b, f) : 1),
    hm: (h, b, k) => h[k] * (rm ? rm.get(b, k) : 1),
    out: Array.from({ length: B }, () => [] as number[][]),
  };
}

function flatten(w: Walk, opts: RecurrentOpOptions): number[] {
  return w.out.flatMap((steps) => (opts.returnSequences ? steps.flat() : steps[steps.length - 1]));
}

/** Keras' LSTM (gates i, f, c, o; tanh and sigmoid), output in the op's layout, flat. */
export function referenceLstm(x: Tensor, K: Tensor, R: Tensor, bias: Tensor | null, opts: RecurrentOpOptions): number[] {
  const U = R.shape[0];
  const w = walk(x, U, opts);
  for (let b = 0; b < w.B; b++) {
    let h = opts.initialState ? Array.from({ length: U }, (_, j) => opts.initialState![0].get(b, j)) : new Array(U).fill(0);
    let c = opts.initialState ? Array.from({ length: U }, (_, j) => opts.initialState![1].get(b, j)) : new Array(U).fill(0);
    for (let s = 0; s < w.T; s++) {
      const z = new Array(4 * U).fill(0);
      for (let j = 0; j < 4 * U; j++) {
        z[j] = bias ? bias.data[j] : 0;
        for (let f = 0; f < w.F; f++) z[j] += w.xAt(b, s, f) * K.get(f, j);
        for (let k = 0; k < U; k++) z[j] += w.hm(h, b, k) * R.get(k, j);
      }
      const nh: number[] = [];
      const nc: number[] = [];
      for (let j = 0; j < U; j++) {
        const i = sigmoid(z[j]), f = sigmoid(z[U + j]), g = Math.tanh(z[2 * U + j]), o = sigmoid(z[3 * U + j]);
        nc[j] = f * c[j] + i * g;
        nh[j] = o * Math.tanh(nc[j]);
      }
      h = nh;
      c = nc;
      w.out[b].push(h);
    }
  }
  return flatten(w, opts);
}

/** Keras' GRU with resetAfter (gates z, r, h; bias [2, 3u]); the recurrent mask only before the recurrent kernel. */
export function referenceGru(x: Tensor, K: Tensor, R: Tensor, bias: Tensor | null, opts: RecurrentOpOptions): number[] {
  const U = R.shape[0];
  const w = walk(x, U, opts);
  for (let b = 0; b < w.B; b++) {
    let h = opts.initialState ? Array.from({ length: U }, (_, j) => opts.initialState![0].get(b, j)) : new Array(U).fill(0);
    for (let s = 0; s < w.T; s++) {
      const mx = new Array(3 * U).fill(0);
      const mi = new Array(3 * U).fill(0);
      for (let j = 0; j < 3 * U; j++) {
        mx[j] = bias ? bias.get(0, j) : 0;
        mi[j] = bias ? bias.get(1, j) : 0;
        for (let f = 0; f < w.F; f++) mx[j] += w.xAt(b, s, f) * K.get(f, j);
        for (let k = 0; k < U; k++) mi[j] += w.hm(h, b, k) * R.get(k, j);
      }
      const nh: number[] = [];
      for (let j = 0; j < U; j++) {
        const z = sigmoid(mx[j] + mi[j]);
        const r = sigmoid(mx[U + j] + mi[U + j]);
        const hh = Math.tanh(mx[2 * U + j] + r * mi[2 * U + j]);
        nh[j] = z * h[j] + (1 - z) * hh;
      }
      h = nh;
      w.out[b].push(h);
    }
  }
  return flatten(w, opts);
}

/**
 * Keras 2's GRU with resetAfter false (gates z, r, h; bias [3u]): hh = tanh(x_h + (r * h') · R_h),
 * the recurrent mask only on the state entering the recurrent kernel, the update on h itself.
 * `opts.recurrentActivation` 'hard_sigmoid' (clip(0.2 v + 0.5, 0, 1)) or the default sigmoid.
 */
export function referenceGruResetBefore(x: Tensor, K: Tensor, R: Tensor, bias: Tensor | null, opts: RecurrentOpOptions): number[] {
  const U = R.shape[0];
  const w = walk(x, U, opts);
  const rec = opts.recurrentActivation === 'hard_sigmoid' ? (v: number) => Math.min(1, Math.max(0, 0.2 * v + 0.5)) : sigmoid;
  for (let b = 0; b < w.B; b++) {
    let h = opts.initialState ? Array.from({ length: U }, (_, j) => opts.initialState![0].get(b, j)) : new Array(U).fill(0);
    for (let s = 0; s < w.T; s++) {
      const mx = new Array(3 * U).fill(0);
      for (let j = 0; j < 3 * U; j++) {
        mx[j] = bias ? bias.data[j] : 0;
        for (let f = 0; f < w.F; f++) mx[j] += w.xAt(b, s, f) * K.get(f, j);
      }
      const z: number[] = [];
      const r: number[] = [];
      for (let j = 0; j < U; j++) {
        let mz = 0, mr = 0;
        for (let k = 0; k < U; k++) {
          mz += w.hm(h, b, k) * R.get(k, j);
          mr += w.hm(h, b, k) * R.get(k, U + j);
        }
        z[j] = rec(mx[j] + mz);
        r[j] = rec(mx[U + j] + mr);
      }
      const nh: number[] = [];
      for (let j = 0; j < U; j++) {
        let mh = 0;
        for (let k = 0; k < U; k++) mh += r[k] * w.hm(h, b, k) * R.get(k, 2 * U + j);
        const hh = Math.tanh(mx[2 * U + j] + mh);
        nh[j] = z[j] * h[j] + (1 - z[j]) * hh;
      }
      h = nh;
      w.out[b].push(h);
    }
  }
  return flatten(w, opts);
}

/** SimpleRNN: h = act(x · K + h' · R + b), act tanh or elu. */
export function referenceSimpleRnn(x: Tensor, K: Tensor, R: Tensor, bias: Tensor | null, opts: RecurrentOpOptions): number[] {
  const U = R.shape[0];
  const w = walk(x, U, opts);
  const act = opts.activation === 'elu' ? (v: number) => (v > 0 ? v : Math.expm1(v)) : Math.tanh;
  for (let b = 0; b < w.B; b++) {
    let h = opts.initialState ? Array.from({ length: U }, (_, j) => opts.initialState![0].get(b, j)) : new Array(U).fill(0);
    for (let s = 0; s < w.T; s++) {
      const nh: number[] = [];
      for (let j = 0; j < U; j++) {
        let v = bias ? bias.data[j] : 0;
        for (let f = 0; f < w.F; f++) v += w.xAt(b, s, f) * K.get(f, j);
        for (let k = 0; k < U; k++) v += w.hm(h, b, k) * R.get(k, j);
        nh[j] = act(v);
      }
      h = nh;
      w.out[b].push(h);
    }
  }
  return flatten(w, opts);
}
