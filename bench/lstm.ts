/**
 * LSTM training throughput, the workload issue 7 compares with TensorFlow.js:
 * LSTM(32, { dropout: 0.5, recurrentDropout: 0.5 }) -> Dense(1), sequences of 50 steps x 8
 * features, batch 32, mean squared error, Adam. Reports training sequences per second (`fit`,
 * shuffling included, best of `repeats`), with and without the dropouts.
 *
 * Run: npx tsc -p tsconfig.build.json && node dist/bench/lstm.js
 */
import { Dense, LSTM, Sequential, Tensor } from '../index';

export interface LstmBenchResult {
  model: string;
  sequencesPerSecond: number;
  /** Seconds of the fastest `fit` (all epochs). */
  seconds: number;
}

/** Deterministic inputs in [-1, 1) and targets, from a 32-bit LCG. */
export function lstmBenchData(n: number, time: number, features: number): { x: Tensor; y: Tensor } {
  let s = 12345;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 4294967296) * 2 - 1;
  };
  const x = Tensor.zeros([n, time, features]);
  for (let i = 0; i < x.size; i++) x.data[i] = next();
  const y = Tensor.zeros([n, 1]);
  // target: the mean of feature 0 over the last five steps (a learnable signal)
  for (let b = 0; b < n; b++) {
    let m = 0;
    for (let t = time - 5; t < time; t++) m += x.data[(b * time + t) * features];
    y.data[b] = m / 5;
  }
  return { x, y };
}

/** Training sequences per second of LSTM(units) -> Dense(1) on n sequences for `epochs` (best of `repeats`). */
export async function benchLstm({ dropout = 0.5, recurrentDropout = 0.5, n = 1024, epochs = 3, repeats = 3,
  time = 50, features = 8, units = 32, batchSize = 32 } = {}): Promise<LstmBenchResult> {
  const { x, y } = lstmBenchData(n, time, features);
  let best = Infinity;
  // Build and fit `repeats` fresh models with the same seed; keep the fastest fit.
  for (let r = 0; r < repeats; r++) {
    const model = new Sequential({ seed: 1 });
    model.add(new LSTM(units, { inputShape: [time, features], dropout, recurrentDropout }));
    model.add(new Dense(1));
    model.compile({ loss: 'mse', optimizer: 'adam' });
    const started = process.hrtime.bigint();
    await model.fit(x, y, { epochs, batchSize, verbose: 0 });
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e9);
  }
  const name = `LSTM(${units}${dropout || recurrentDropout ? `, dropout ${dropout}, recurrentDropout ${recurrentDropout}` : ''}) -> Dense(1)`;
  return { model: name, sequencesPerSecond: (n * epochs) / best, seconds: best };
}

async function main(): Promise<void> {
  console.log(`node ${process.version}; ${50} steps x ${8} features, batch 32, ${1024} sequences x 3 epochs, best of 3`);
  for (const rates of [{ dropout: 0.5, recurrentDropout: 0.5 }, { dropout: 0, recurrentDropout: 0 }]) {
    const r = await benchLstm(rates);
    console.log(`${r.model.padEnd(58)} ${r.sequencesPerSecond.toFixed(0).padStart(6)} sequences/s training (${r.seconds.toFixed(2)} s)`);
  }
}

if (require.main === module) void main();
