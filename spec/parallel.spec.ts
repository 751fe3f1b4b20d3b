import { Conv2D } from '../layers/conv';
import { Dense } from '../layers/dense';
import { Dropout } from '../layers/dropout';
import { MaxPooling2D } from '../layers/pooling';
import { Flatten } from '../layers/reshape';
import { matmul as matmulReference, MATMUL_ROW_ALIGN } from '../kernels/matmul';
import { floatArray, getThreads, poolStats, runRows, setThreads } from '../kernels/parallel';
import { TASK_MATMUL, TASK_PROBE } from '../kernels/parallel-tasks';
import { matmul } from '../kernels/threaded';
import { Sequential } from '../lib/sequential';
import { Tensor } from '../lib/tensor';
import { distEntry, runNode } from './helpers/dist';
import { lcg } from './helpers/fixtures';

/** `length` floats in a SharedArrayBuffer, at `offset` floats into it (a view, as subarrays are), filled from `rand`. */
function shared(length: number, rand: () => number, offset = 0): Float32Array {
  const view = new Float32Array(new SharedArrayBuffer((offset + length + 3) * 4), offset * 4, length);
  for (let i = 0; i < length; i++) view[i] = rand();
  return view;
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}


describe('the thread pool', () => {
  it('shares rows out in aligned, contiguous blocks, one per thread, and runs them on the workers', () => {
    setThreads(3);
    const out = shared(103, () => -1);
    const before = poolStats();
    runRows(TASK_PROBE, 103, 4, Infinity, [out], [-1]);
    // each row holds the first row of its share: 3 shares of 36 rows (a multiple of 4), the last one short
    const starts = [...new Set(Array.from(out))];
    expect(starts).toEqual([0, 36, 72]);
    expect(poolStats().workers).toBe(2);
    expect(poolStats().splitJobs).toBe(before.splitJobs + 1);
    expect(poolStats().workerRows).toBe(before.workerRows + 103 - 36);
  });

  it('gives fewer shares when there are fewer row groups than threads (1 row, 5 rows)', () => {
    setThreads(3);
    const one = shared(1, () => -1);
    runRows(TASK_PROBE, 1, 4, Infinity, [one], [-1]);
    expect(Array.from(one)).toEqual([0]);
    const five = shared(5, () => -1);
    runRows(TASK_PROBE, 5, 4, Infinity, [five], [-1]);
    expect(Array.from(five)).toEqual([0, 0, 0, 0, 4]);
  });

  it('runs everything on the calling thread when a buffer is not in shared memory, or the work is small', () => {
    setThreads(2);
    const before = poolStats().splitJobs;
    const plain = new Float32Array(64).fill(-1);
    runRows(TASK_PROBE, 64, 4, Infinity, [plain], [-1]);
    expect(new Set(Array.from(plain))).toEqual(new Set([0]));
    const small = shared(64, () => -1);
    runRows(TASK_PROBE, 64, 4, 1000, [small], [-1]);
    expect(new Set(Array.from(small))).toEqual(new Set([0]));
    expect(poolStats().splitJobs).toBe(before);
  });

  it("surfaces a worker's error as an Error in the caller, after every share has finished, and keeps working", () => {
    setThreads(2);
    const out = shared(64, () => -1);
    expect(() => runRows(TASK_PROBE, 64, 4, Infinity, [out], [40])).toThrow(
      /parallel: worker 1 failed in probe \(rows 32 to 63\): Error: probe: failure asked for at row 40/,
    );
    // the calling thread's share was written too, and the pool still serves
    expect(out[0]).toBe(0);
    const again = shared(64, () => -1);
    runRows(TASK_PROBE, 64, 4, Infinity, [again], [-1]);
    expect([...new Set(Array.from(again))]).toEqual([0, 32]);
    // an error in the calling thread's own share is thrown as it is
    expect(() => runRows(TASK_PROBE, 64, 4, Infinity, [again], [3])).toThrow(/^probe: failure asked for at row 3$/);
  });

  it('setThreads takes whole numbers >= 1 and says what came otherwise', () => {
    expect(() => setThreads(0)).toThrow(/setThreads: expected a whole number of threads >= 1, got 0/);
    expect(() => setThreads(1.5)).toThrow(/got 1.5/);
    setThreads(2);
    expect(getThreads()).toBe(2);
  });

  it('allocates large tensors in shared memory (so the workers read them in place) and small ones plainly', () => {
    expect(floatArray(4096).buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Tensor.zeros([64, 64]).data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(floatArray(8).buffer).not.toBeInstanceOf(SharedArrayBuffer);
  });
});

describe('parallel kernels equal their single-thread kernels bit for bit', () => {
  const shapes: Array<[number, number, number]> = [
    [1, 7, 5], [2, 3, 2], [3, 1, 9], [5, 13, 3], [7, 11, 13], [13, 2, 31], [31, 17, 4], [37, 41, 43],
    [64, 9, 32], [97, 300, 29], [130, 257, 67], [257, 5, 1],
  ];
  const flags: Array<[boolean, boolean, boolean]> = [
    [false, false, false], [false, true, false], [true, false, true], [true, true, false], [false, false, true],
  ];
  it.each([2, 3])('matmul split across %i threads, every transpose, overwrite and accumulate, views at offsets', (threads) => {
    setThreads(threads);
    const rand = lcg(threads);
    let checked = 0;
    for (const [m, k, n] of shapes) {
      for (const [transA, transB, accumulate] of flags) {
        const a = shared(m * k, rand, 3);
        const b = shared(k * n, rand, 5);
        const c = shared(m * n, rand, 7);
        const expected = c.slice();
        matmulReference(a, b, expected, m, k, n, transA, transB, accumulate);
        runRows(TASK_MATMUL, m, MATMUL_ROW_ALIGN, Infinity, [a, b, c], [m, k, n, +transA, +transB, +accumulate]);
        expect({ m, k, n, transA, transB, accumulate, same: sameBits(c, expected) }).toEqual({ m, k, n, transA, transB, accumulate, same: true });
        checked++;
      }
    }
    expect(checked).toBe(shapes.length * flags.length);
  });

  it('kernels/threaded matmul splits a large product by itself and gives the same bits', () => {
    setThreads(2);
    const rand = lcg(9);
    const [m, k, n] = [203, 187, 149];
    const a = shared(m * k, rand), b = shared(k * n, rand), c = shared(m * n, rand);
    const expected = new Float32Array(m * n);
    matmulReference(a, b, expected, m, k, n);
    const before = poolStats().splitJobs;
    matmul(a, b, c, m, k, n);
    expect(poolStats().splitJobs).toBe(before + 1);
    expect(sameBits(c, expected)).toBe(true);
  });
});

describe('training on 1 and on 2 threads', () => {
  /** A small CNN and MLP whose products are large enough to be split; its weights after 2 epochs. */
  async function trainedWeights(threads: number): Promise<{ weights: Float32Array[]; splits: number }> {
    setThreads(threads);
    const before = poolStats().splitJobs;
    const model = new Sequential({ seed: 3 });
    model.add(new Conv2D(16, [3, 3], { inputShape: [14, 14, 2], activation: 'relu' }));
    model.add(new MaxPooling2D());
    model.add(new Flatten());
    model.add(new Dropout(0.3));
    model.add(new Dense(256, { activation: 'relu' }));
    model.add(new Dense(256, { activation: 'tanh' }));
    model.add(new Dense(3, { activation: 'softmax' }));
    model.compile({ loss: 'categoricalCrossentropy', optimizer: 'adam' });
    const rand = lcg(4);
    const x = Tensor.zeros([96, 14, 14, 2]);
    for (let i = 0; i < x.size; i++) x.data[i] = rand();
    const y = Tensor.zeros([96, 3]);
    for (let r = 0; r < 96; r++) y.data[r * 3 + (r % 3)] = 1;
    await model.fit(x, y, { epochs: 2, batchSize: 48, verbose: 0 });
    return { weights: model.getWeights().map((w) => w.data.slice()), splits: poolStats().splitJobs - before };
  }

  it('gives bit-identical weights (and 2 threads did split the work)', async () => {
    const one = await trainedWeights(1);
    const two = await trainedWeights(2);
    expect(one.splits).toBe(0);
    expect(two.splits).toBeGreaterThan(10);
    expect(two.weights.length).toBe(one.weights.length);
    for (let i = 0; i < one.weights.length; i++) expect({ i, same: sameBits(two.weights[i], one.weights[i]) }).toEqual({ i, same: true });
  });
});

describe('the process around the pool', () => {
  const fit = (entry: string): string => `
    const l = require(${JSON.stringify(entry)});
    const model = new l.Sequential({ seed: 1 });
    model.add(new l.Dense(256, { inputShape: [64], activation: 'relu' }));
    model.add(new l.Dense(1));
    model.compile({ loss: 'mse', optimizer: 'adam' });
    const x = l.Tensor.full([128, 64], 0.5), y = l.Tensor.full([128, 1], 1);
    model.fit(x, y, { epochs: 2, batchSize: 128, verbose: 0 }).then(() => console.log(JSON.stringify(l.poolStats())));
  `;

  it('a short fit with 2 threads, run by `node -e`, exits on its own (the workers do not hold it)', async () => {
    const run = await runNode(fit(distEntry()), [], 60000, { LAMINA_THREADS: '2' });
    expect(run.timedOut).toBe(false);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const stats = JSON.parse(run.stdout) as { threads: number; workers: number; splitJobs: number };
    expect(stats.threads).toBe(2);
    expect(stats.workers).toBe(1);
    expect(stats.splitJobs).toBeGreaterThan(0);
  });

  it('LAMINA_THREADS sets the default, and a bad value is an Error that names it', async () => {
    const entry = JSON.stringify(distEntry());
    const three = await runNode(`console.log(require(${entry}).getThreads())`, [], 30000, { LAMINA_THREADS: '3' });
    expect(three.stdout.trim()).toBe('3');
    const bad = await runNode(`try { require(${entry}).getThreads() } catch (e) { console.log(e.message) }`, [], 30000, { LAMINA_THREADS: 'two' });
    expect(bad.stdout.trim()).toBe("LAMINA_THREADS: expected a whole number of threads >= 1, got 'two'");
  });
});
