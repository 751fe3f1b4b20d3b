/**
 * Matmul throughput: GFLOP/s (FLOP = 2*m*n*k) for squares, and microseconds per call for the skinny
 * shapes of the 2-500-1 MLP workload (30 training and 70 validation points).
 *
 * Run: npx tsc -p tsconfig.build.json && node dist/bench/matmul.js
 */
import { floatArray } from '../kernels/parallel';
import { matmul } from '../kernels/threaded';

/** One matmul shape: op(A) is [m, k], op(B) is [k, n]. */
export interface MatmulShape {
  name: string;
  m: number;
  k: number;
  n: number;
  transA: boolean;
  transB: boolean;
}

/** The matmuls of one training epoch and one validation pass of the 2-500-1 MLP. */
export const SKINNY_SHAPES: MatmulShape[] = [
  { name: 'NN [30,2]x[2,500] (forward 1)', m: 30, k: 2, n: 500, transA: false, transB: false },
  { name: 'NN [30,500]x[500,1] (forward 2)', m: 30, k: 500, n: 1, transA: false, transB: false },
  { name: 'NN [70,2]x[2,500] (validation 1)', m: 70, k: 2, n: 500, transA: false, transB: false },
  { name: 'NN [70,500]x[500,1] (validation 2)', m: 70, k: 500, n: 1, transA: false, transB: false },
  { name: 'TN [500,30]x[30,1] (dW2 = h^T dy)', m: 500, k: 30, n: 1, transA: true, transB: false },
  { name: 'NT [30,1]x[1,500] (dh = dy W2^T)', m: 30, k: 1, n: 500, transA: false, transB: true },
  { name: 'TN [2,30]x[30,500] (dW1 = x^T dh)', m: 2, k: 30, n: 500, transA: true, transB: false },
];

/** Deterministic fill in [-0.5, 0.5) (a 32-bit LCG), so runs are comparable. */
function fillRandom(x: Float32Array, seed: number): Float32Array {
  let s = seed >>> 0;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 4294967296 - 0.5;
  }
  return x;
}

/** Seconds per call of `fn`, after a warm-up, over repetitions totalling at least `minSeconds`. */
function secondsPerCall(fn: () => void, minSeconds: number): number {
  const warmEnd = process.hrtime.bigint() + BigInt(Math.round(minSeconds * 0.3e9));
  let batch = 1;
  do fn(); while (process.hrtime.bigint() < warmEnd);
  // grow the batch until one batch takes ~10 ms, so the clock is read rarely
  for (;;) {
    const t0 = process.hrtime.bigint();
    for (let r = 0; r < batch; r++) fn();
    if (Number(process.hrtime.bigint() - t0) > 1e7) break;
    batch *= 2;
  }
  let reps = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < minSeconds) {
    for (let r = 0; r < batch; r++) fn();
    reps += batch;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  return elapsed / reps;
}

/**
 * Seconds per call of matmul on one shape (fresh random operands, allocated as tensors are, so a
 * large product is split across the thread pool: see setThreads).
 */
export function timeShape(shape: MatmulShape, minSeconds = 0.3): number {
  const { m, k, n, transA, transB } = shape;
  const a = fillRandom(floatArray(m * k), 1);
  const b = fillRandom(floatArray(k * n), 2);
  const c = floatArray(m * n);
  return secondsPerCall(() => matmul(a, b, c, m, k, n, transA, transB), minSeconds);
}

/** GFLOP/s of C = A.B for square matrices of each size (no transposes). */
export function benchMatmul(sizes: number[]): { size: number; gflops: number }[] {
  return sizes.map((size) => {
    const sec = timeShape({ name: `NN ${size}`, m: size, k: size, n: size, transA: false, transB: false });
    return { size, gflops: (2 * size * size * size) / sec / 1e9 };
  });
}

function main(): void {
  console.log('matmul, square, GFLOP/s (2*m*n*k / time):');
  for (const { size, gflops } of benchMatmul([64, 128, 256, 512, 1024])) {
    console.log(`  NN ${String(size).padStart(4)}: ${gflops.toFixed(2)}`);
  }
  for (const [transA, transB] of [[false, true], [true, false], [true, true]]) {
    const sec = timeShape({ name: '', m: 256, k: 256, n: 256, transA, transB });
    const tag = (transA ? 'T' : 'N') + (transB ? 'T' : 'N');
    console.log(`  ${tag}  256: ${((2 * 256 ** 3) / sec / 1e9).toFixed(2)}`);
  }
  console.log('matmul, skinny shapes of the 2-500-1 MLP, microseconds per call:');
  for (const shape of SKINNY_SHAPES) {
    const us = timeShape(shape) * 1e6;
    const gflops = (2 * shape.m * shape.k * shape.n) / (us * 1e3);
    console.log(`  ${shape.name.padEnd(36)} ${us.toFixed(2).padStart(7)} us  (${gflops.toFixed(2)} GFLOP/s)`);
  }
}

if (require.main === module) main();
