/**
 * The floor of plain JavaScript for the case study: the 2-500-1 MLP (ReLU, sigmoid, binary
 * cross-entropy, Adam lr 1e-3 eps 1e-7) trained on the 30 training rows as one batch per epoch,
 * validated on the 70 others every epoch, 4000 epochs, as one hand-fused loop with no engine: one
 * pass over the hidden layer per row forward, one backward, no tape, no allocation. An engine that
 * runs the case study faster than this loop wins by the shape of its work, not by its language.
 *
 * Written for Lamina's bench after ../shared/anchors/floor_fused_mlp.js (not part of this
 * project): the same loop and arithmetic (float64, Glorot-uniform weights from the Park-Miller
 * generator, seed 1), on Lamina's makeCircles(100, noise 0.1, random_state 1) instead of a JSON
 * copy of scikit-learn's (they agree to float32 rounding).
 *
 * Run: npm run build && node dist/bench/floor-mlp.js [epochs] [--json]   (one run per process: see main)
 */
import { circlesData } from '../examples/circles-mlp';

/** One timed run of the floor: seconds of the loop and the accuracies after the last epoch. */
export interface FloorRun {
  seconds: number;
  trainAcc: number;
  testAcc: number;
}

const H = 500;
const N = 30;
const V = 70;
// Module-level names for the two Math functions of the inner loops: under jest's vm sandbox a
// lookup of the global `Math` costs a property interceptor every time (40x slower there).
const { exp, max } = Math;

/** Trains the floor for `epochs` on the case study's data (X [100, 2], y [100]; rows 0-29 train). */
export function floorFit(xs: ArrayLike<number>, ys: ArrayLike<number>, epochs = 4000): FloorRun {
  const X = Float64Array.from(xs);
  const Y = Float64Array.from(ys);
  const W1 = new Float64Array(2 * H);
  const b1 = new Float64Array(H);
  const W2 = new Float64Array(H);
  let b2 = 0;
  let s = 1;
  const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const l1 = Math.sqrt(6 / (2 + H));
  const l2 = Math.sqrt(6 / (H + 1));
  // Glorot-uniform kernels, zero biases
  for (let i = 0; i < 2 * H; i++) W1[i] = (2 * rnd() - 1) * l1;
  for (let i = 0; i < H; i++) W2[i] = (2 * rnd() - 1) * l2;
  const P = [W1, b1, W2];
  const G = P.map((p) => new Float64Array(p.length));
  const M = P.map((p) => new Float64Array(p.length));
  const Vv = P.map((p) => new Float64Array(p.length));
  let mb2 = 0;
  let vb2 = 0;
  const h = new Float64Array(N * H);
  const o = new Float64Array(V);

  // Forward over n rows from r0: hidden pre-activation, ReLU and the output dot product in one pass per row.
  const fwd = (r0: number, n: number, acts: Float64Array | null): void => {
    for (let r = 0; r < n; r++) {
      const x0 = X[(r0 + r) * 2];
      const x1 = X[(r0 + r) * 2 + 1];
      let z = b2;
      for (let j = 0; j < H; j++) {
        let a = x0 * W1[j] + x1 * W1[H + j] + b1[j];
        a = max(a, 0);
        if (acts) acts[r * H + j] = a;
        z += a * W2[j];
      }
      o[r] = 1 / (1 + exp(-z));
    }
  };
  // Backward over the training rows: every gradient in one pass per row; returns [correct, dLoss/db2].
  const back = (): [number, number] => {
    const [gW1, gb1, gW2] = G;
    let acc = 0;
    let gb = 0;
    for (let r = 0; r < N; r++) {
      const g = (o[r] - Y[r]) / N;
      acc += o[r] > 0.5 === (Y[r] === 1) ? 1 : 0;
      gb += g;
      const x0 = X[r * 2];
      const x1 = X[r * 2 + 1];
      const base = r * H;
      for (let j = 0; j < H; j++) {
        const a = h[base + j];
        gW2[j] += g * a;
        const gg = a > 0 ? g * W2[j] : 0;
        gW1[j] += gg * x0;
        gW1[H + j] += gg * x1;
        gb1[j] += gg;
      }
    }
    return [acc, gb];
  };
  // Adam on one weight array, the bias correction folded into alpha.
  const adam = (p: Float64Array, g: Float64Array, m: Float64Array, v: Float64Array, alpha: number): void => {
    for (let i = 0; i < p.length; i++) {
      m[i] += (g[i] - m[i]) * 0.1;
      v[i] += (g[i] * g[i] - v[i]) * 0.001;
      p[i] -= (m[i] * alpha) / (Math.sqrt(v[i]) + 1e-7);
    }
  };

  let t = 0;
  let trainAcc = 0;
  let testAcc = 0;
  const started = process.hrtime.bigint();
  // One epoch: forward and backward on the training rows, Adam, validation forward.
  for (let e = 0; e < epochs; e++) {
    fwd(0, N, h);
    for (const g of G) g.fill(0);
    const [acc, gb2] = back();
    t++;
    const alpha = (0.001 * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
    for (let k = 0; k < 3; k++) adam(P[k], G[k], M[k], Vv[k], alpha);
    mb2 += (gb2 - mb2) * 0.1;
    vb2 += (gb2 * gb2 - vb2) * 0.001;
    b2 -= (mb2 * alpha) / (Math.sqrt(vb2) + 1e-7);
    fwd(N, V, null);
    let va = 0;
    for (let r = 0; r < V; r++) va += o[r] > 0.5 === (Y[N + r] === 1) ? 1 : 0;
    trainAcc = acc / N;
    testAcc = va / V;
  }
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, trainAcc, testAcc };
}

/**
 * Runs the floor once on the case study's data (Lamina's makeCircles) and prints the result. One
 * run per process, as the loop it copies: a second `floorFit` in the same process took 2.5-3.4x
 * as long in every trial here (its loops are closures, and V8 optimizes them less once a second
 * set of them exists), so bench/run.ts starts a fresh process for each run.
 */
function main(): void {
  const epochs = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 4000);
  const { X, y } = circlesData();
  const cpu0 = process.cpuUsage();
  const run = floorFit(X.data, y.data, epochs);
  const cpu = process.cpuUsage(cpu0);
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ ...run, cpuSeconds: (cpu.user + cpu.system) / 1e6 }));
    return;
  }
  console.log(`hand-fused plain-JS floor, ${epochs} epochs: ${run.seconds.toFixed(3)} s; train ${run.trainAcc.toFixed(3)}, test ${run.testAcc.toFixed(3)}`);
}

if (require.main === module) main();
