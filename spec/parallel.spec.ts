import { Conv2D } from '../layers/conv';
import { Dense } from '../layers/dense';
import { Dropout } from '../layers/dropout';
import { MaxPooling2D } from '../layers/pooling';
import { Flatten } from '../layers/reshape';
import { matmul as matmulReference, MATMUL_ROW_ALIGN } from '../kernels/matmul';
import { floatArray, getThreads, poolStats, runRows, setThreads } from '../kernels/parallel';
import { TASK_ACTIVATION_BACKWARD, TASK_COL2IM, TASK_COLUMN_SUMS, TASK_DENSE, TASK_IM2COL, TASK_MATMUL, TASK_PROBE } from '../kernels/parallel-tasks';
import { gruStepsBackward, gruStepsForward } from '../kernels/gru-steps';
import { lstmStepsBackward, lstmStepsForward } from '../kernels/lstm-steps';
import { ACT_HARD_SIGMOID, ACT_RELU, ACT_SIGMOID, ACT_TANH } from '../kernels/recurrent';
import { GRU, LSTM } from '../layers/recurrent';
import { ActivationName } from '../kernels/activations';
import { ACTIVATION_CODES, denseBackwardBias, denseForwardRows } from '../kernels/dense';
import { col2imImages, geometryArgs, im2colRows, windowGeometry } from '../kernels/im2col';
import { gruSteps, gruStepsBack, lstmSteps, lstmStepsBack, matmul } from '../kernels/threaded';
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


/** Runs the probe task over `rows` rows (chunks of `align`), each chunk taking `micros`; returns each row's chunk start and thread. */
function probe(rows: number, align: number, opts: { work?: number; failRow?: number; failOnWorkers?: boolean; micros?: number; plain?: boolean } = {}) {
  const make = (): Float32Array => (opts.plain ? new Float32Array(rows) : shared(rows, () => 0)).fill(-1);
  const starts = make();
  const threads = make();
  runRows(TASK_PROBE, rows, align, opts.work ?? Infinity, [starts, threads], [opts.failRow ?? -1, opts.failOnWorkers ? 1 : 0, opts.micros ?? 0]);
  return { starts: Array.from(starts), threads: Array.from(threads) };
}

describe('the thread pool', () => {
  it('cuts the rows into aligned chunks that the calling thread and the workers take until none is left', () => {
    setThreads(3);
    const before = poolStats();
    const { starts, threads } = probe(103, 4, { micros: 2000 });
    // 103 rows in groups of 4 for 3 threads: chunks of 12 rows (about 4 per thread), the last one short
    expect([...new Set(starts)]).toEqual([0, 12, 24, 36, 48, 60, 72, 84, 96]);
    for (let r = 0; r < 103; r++) expect(threads[r]).toBe(threads[starts[r]]); // a chunk is one thread's
    expect(new Set(threads).has(0)).toBe(true);
    expect([...new Set(threads)].some((t) => t > 0)).toBe(true);
    expect(poolStats().workers).toBe(2);
    expect(poolStats().splitJobs).toBe(before.splitJobs + 1);
    expect(poolStats().workerRows).toBe(before.workerRows + threads.filter((t) => t > 0).length);
  });

  it('makes fewer chunks when there are fewer row groups than threads (1 row, 5 rows)', () => {
    setThreads(3);
    expect(probe(1, 4).starts).toEqual([0]);
    expect(probe(5, 4).starts).toEqual([0, 0, 0, 0, 4]);
  });

  it('runs everything on the calling thread when a buffer is not in shared memory, or the work is small', () => {
    setThreads(2);
    const before = poolStats().splitJobs;
    expect(new Set(probe(64, 4, { plain: true }).threads)).toEqual(new Set([0]));
    const small = probe(64, 4, { work: 1000 });
    expect(new Set(small.starts)).toEqual(new Set([0]));
    expect(new Set(small.threads)).toEqual(new Set([0]));
    expect(poolStats().splitJobs).toBe(before);
  });

  it("surfaces a worker's error as an Error in the caller, after every chunk has finished, and keeps working", () => {
    setThreads(2);
    expect(() => probe(64, 4, { failOnWorkers: true, micros: 2000 })).toThrow(
      /^parallel: worker 1 failed in probe \(rows \d+ to \d+\): Error: probe: failure asked for on worker 1$/,
    );
    // the pool still serves, with both threads
    const again = probe(64, 4, { micros: 2000 });
    expect([...new Set(again.starts)]).toEqual([0, 8, 16, 24, 32, 40, 48, 56]);
    expect(new Set(again.threads)).toEqual(new Set([0, 1]));
    // an error in a chunk the calling thread took is thrown as it is, and one a worker took comes wrapped
    expect(() => probe(64, 4, { failRow: 3 })).toThrow(/probe: failure asked for at row 3$/);
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
    expect(floatArray(8).buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(floatArray(4).buffer).not.toBeInstanceOf(SharedArrayBuffer);
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

  it.each([2, 3])('dense forward (fused bias and activation) split across %i threads, every path and activation', (threads) => {
    setThreads(threads);
    const rand = lcg(20 + threads);
    const cases: Array<[number, number, number, ActivationName, boolean]> = [
      [1, 2, 5, 'relu', true], [7, 2, 500, 'relu', true], [13, 1, 17, 'linear', true], [31, 2, 9, 'linear', true],
      [5, 5, 11, 'tanh', false], [37, 7, 23, 'sigmoid', true], [29, 300, 1, 'sigmoid', true], [41, 13, 3, 'softmax', true],
      [97, 61, 43, 'relu', true], [11, 9, 7, 'elu', false],
    ];
    for (const [m, k, n, act, withBias] of cases) {
      const x = shared(m * k, rand), w = shared(k * n, rand), bias = shared(n, rand), y = shared(m * n, rand);
      const expected = new Float32Array(m * n);
      denseForwardRows(x, w, withBias ? bias : null, expected, m, k, n, act, 0, m);
      runRows(TASK_DENSE, m, MATMUL_ROW_ALIGN, Infinity, [x, w, y, bias], [m, k, n, ACTIVATION_CODES.indexOf(act), withBias ? 1 : 0]);
      expect({ m, k, n, act, same: sameBits(y, expected) }).toEqual({ m, k, n, act, same: true });
    }
  });

  it.each([2, 3])('im2col and col2im split across %i threads, with padding and strides', (threads) => {
    setThreads(threads);
    const rand = lcg(30 + threads);
    const shapes: Array<[[number, number, number, number], number, number, number, number, 'valid' | 'same']> = [
      [[1, 5, 7, 2], 3, 3, 1, 1, 'valid'], [[3, 7, 5, 3], 3, 2, 2, 1, 'same'], [[2, 11, 13, 1], 5, 5, 3, 2, 'same'], [[5, 4, 4, 4], 1, 1, 1, 1, 'valid'],
    ];
    for (const [shape, kH, kW, sH, sW, padding] of shapes) {
      const g = windowGeometry(shape, kH, kW, sH, sW, padding);
      const x = shared(shape[0] * shape[1] * shape[2] * shape[3], rand);
      const colsSize = g.batch * g.outH * g.outW * kH * kW * g.inC;
      const cols = shared(colsSize, rand), expectedCols = new Float32Array(colsSize);
      im2colRows(x, expectedCols, g, 0, g.batch * g.outH);
      runRows(TASK_IM2COL, g.batch * g.outH, 1, Infinity, [x, cols], geometryArgs(g));
      expect({ shape, im2col: sameBits(cols, expectedCols) }).toEqual({ shape, im2col: true });
      const dx = shared(x.length, rand), expectedDx = dx.slice();
      col2imImages(cols, expectedDx, g, 0, g.batch);
      runRows(TASK_COL2IM, g.batch, 1, Infinity, [cols, dx], geometryArgs(g));
      expect({ shape, col2im: sameBits(dx, expectedDx) }).toEqual({ shape, col2im: true });
    }
  });

  it.each([2, 3])('activation backward (rows) and bias sums (columns) split across %i threads equal the fused single-thread pass', (threads) => {
    setThreads(threads);
    const rand = lcg(40 + threads);
    for (const [rows, cols, act] of [[1, 5, 'relu'], [7, 3, 'relu'], [33, 17, 'sigmoid'], [101, 32, 'relu'], [19, 7, 'softmax'], [23, 13, 'linear']] as Array<[number, number, ActivationName]>) {
      const y = shared(rows * cols, rand), dy = shared(rows * cols, rand);
      if (act === 'relu') for (let i = 0; i < y.length; i++) y[i] = Math.max(0, y[i]);
      const dBias = shared(cols, rand), expectedBias = dBias.slice(), expectedDz = new Float32Array(rows * cols);
      denseBackwardBias(act, y, dy, expectedDz, expectedBias, rows, cols, true);
      const dz = shared(rows * cols, rand);
      runRows(TASK_ACTIVATION_BACKWARD, rows, 1, Infinity, [y, dy, dz], [ACTIVATION_CODES.indexOf(act), cols]);
      runRows(TASK_COLUMN_SUMS, cols, 1, Infinity, [dz, dBias], [rows, cols]);
      expect({ rows, cols, act, dz: sameBits(dz, expectedDz), bias: sameBits(dBias, expectedBias) }).toEqual({ rows, cols, act, dz: true, bias: true });
    }
  });

  it.each([2, 3])('the LSTM time loop, forward and back, split by samples across %i threads (masks, activations, sequences, 1 to 40 samples)', (threads) => {
    setThreads(threads);
    const rand = lcg(50 + threads);
    // [batch, time, units, recurrent mask, default activations, returnSequences, d h_0 wanted]
    const cases: Array<[number, number, number, boolean, boolean, boolean, boolean]> = [
      [1, 3, 4, true, true, true, true], [5, 4, 3, false, true, false, false], [7, 6, 5, true, false, true, false],
      [13, 5, 8, true, true, false, true], [32, 9, 7, false, false, true, true], [37, 4, 12, true, true, true, false],
      [40, 20, 33, true, true, true, true], [29, 30, 24, false, false, false, false],
    ];
    const stats = () => ['lstm forward', 'lstm backward'].map((name) => poolStats().splitsByKernel[name] ?? 0);
    const splitsBefore = stats();
    for (const [batch, time, units, masked, defaults, sequences, wantDh0] of cases) {
      const sz = { batch, time, features: 3, units };
      const [act, recAct] = defaults ? [ACT_TANH, ACT_SIGMOID] : [ACT_RELU, ACT_HARD_SIGMOID];
      const cols = 4 * units, state = batch * units;
      const U = shared(units * cols, rand), bias = shared(cols, rand);
      const mask = masked ? shared(state, () => (rand() > 0 ? 2 : 0)) : null;
      const buffers = () => ({
        xs: shared(1, rand), gates: shared(time * batch * cols, rand), h: shared((time + 1) * state, rand),
        c: shared((time + 1) * state, rand), actC: shared(time * state, rand), hMasked: masked ? shared(time * state, rand) : null,
      });
      const split = buffers();
      const ref = { ...split, gates: split.gates.slice(), h: split.h.slice(), c: split.c.slice(), actC: split.actC.slice(), hMasked: split.hMasked?.slice() ?? null };
      lstmStepsForward(sz, U, bias, mask, ref, act, recAct, 0, batch);
      lstmSteps(sz, { recurrentKernel: U, bias }, mask, split, act, recAct);
      const forwardSame = [ref.gates, ref.h, ref.c, ref.actC].every((b, i) => sameBits(b, [split.gates, split.h, split.c, split.actC][i]))
        && (ref.hMasked === null || sameBits(ref.hMasked, split.hMasked as Float32Array));
      // backward from the same forward buffers, the same upstream gradients
      const dy = shared(sequences ? batch * time * units : state, rand);
      const grads = () => ({ dGates: shared(time * batch * cols, rand), dh: shared(state, rand), dc: shared(state, rand), dxs: null });
      const splitGrads = grads();
      const refGrads = { dGates: splitGrads.dGates.slice(), dh: splitGrads.dh.slice(), dc: splitGrads.dc.slice(), dxs: null };
      const src = { dy, sequences, wantDh0 };
      lstmStepsBackward(sz, U, mask, ref, refGrads, src, act, recAct, 0, batch);
      lstmStepsBack(sz, { recurrentKernel: U, bias }, mask, split, splitGrads, src, act, recAct);
      const backwardSame = sameBits(refGrads.dGates, splitGrads.dGates) && sameBits(refGrads.dh, splitGrads.dh) && sameBits(refGrads.dc, splitGrads.dc);
      expect({ batch, time, units, forwardSame, backwardSame }).toEqual({ batch, time, units, forwardSame: true, backwardSame: true });
    }
    // the two large cases were split, forward and back (the small ones ran on this thread)
    expect(stats().map((n, i) => n - splitsBefore[i])).toEqual([2, 2]);
  });

  it.each([2, 3])('the GRU time loop (resetAfter), forward and back, split by samples across %i threads', (threads) => {
    setThreads(threads);
    const rand = lcg(60 + threads);
    // [batch, time, units, recurrent mask, default activations, returnSequences, d h_0 wanted]
    const cases: Array<[number, number, number, boolean, boolean, boolean, boolean]> = [
      [1, 3, 4, true, true, true, true], [7, 6, 5, false, false, true, false], [13, 5, 8, true, true, false, true],
      [40, 20, 33, true, false, true, true], [29, 30, 24, false, true, false, false],
    ];
    const stats = () => ['gru forward', 'gru backward'].map((name) => poolStats().splitsByKernel[name] ?? 0);
    const splitsBefore = stats();
    for (const [batch, time, units, masked, defaults, sequences, wantDh0] of cases) {
      const sz = { batch, time, features: 3, units };
      const [act, recAct] = defaults ? [ACT_TANH, ACT_SIGMOID] : [ACT_RELU, ACT_HARD_SIGMOID];
      const cols = 3 * units, state = batch * units;
      const U = shared(units * cols, rand), bias = shared(2 * cols, rand);
      const mask = masked ? shared(state, () => (rand() > 0 ? 2 : 0)) : null;
      const split = {
        xs: shared(1, rand), gates: shared(time * batch * cols, rand), inner: shared(time * batch * cols, rand),
        h: shared((time + 1) * state, rand), hMasked: masked ? shared(time * state, rand) : null,
      };
      const ref = { ...split, gates: split.gates.slice(), inner: split.inner.slice(), h: split.h.slice(), hMasked: split.hMasked?.slice() ?? null };
      gruStepsForward(sz, U, bias, mask, ref, act, recAct, 0, batch);
      gruSteps(sz, { recurrentKernel: U, bias }, mask, split, act, recAct);
      const forwardSame = sameBits(ref.gates, split.gates) && sameBits(ref.inner, split.inner) && sameBits(ref.h, split.h)
        && (ref.hMasked === null || sameBits(ref.hMasked, split.hMasked as Float32Array));
      const dy = shared(sequences ? batch * time * units : state, rand);
      const splitGrads = { dGates: shared(time * batch * cols, rand), dInner: shared(time * batch * cols, rand), dh: shared(state, rand), dhDirect: shared(state, rand), dxs: null };
      const refGrads = { dGates: splitGrads.dGates.slice(), dInner: splitGrads.dInner.slice(), dh: splitGrads.dh.slice(), dhDirect: splitGrads.dhDirect.slice(), dxs: null };
      const src = { dy, sequences, wantDh0 };
      gruStepsBackward(sz, U, mask, ref, refGrads, src, act, recAct, 0, batch);
      gruStepsBack(sz, { recurrentKernel: U, bias }, mask, split, splitGrads, src, act, recAct);
      const backwardSame = sameBits(refGrads.dGates, splitGrads.dGates) && sameBits(refGrads.dInner, splitGrads.dInner)
        && sameBits(refGrads.dh, splitGrads.dh) && sameBits(refGrads.dhDirect, splitGrads.dhDirect);
      expect({ batch, time, units, forwardSame, backwardSame }).toEqual({ batch, time, units, forwardSame: true, backwardSame: true });
    }
    expect(stats().map((n, i) => n - splitsBefore[i])).toEqual([2, 2]);
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
  /** A small CNN and MLP whose products, window copies and bias sums are large enough to be split; its weights after 3 epochs. */
  async function trainedWeights(threads: number): Promise<{ weights: Float32Array[]; splits: number; kernels: string[] }> {
    setThreads(threads);
    const before = poolStats().splitJobs;
    const kernelsBefore = poolStats().splitsByKernel;
    const model = new Sequential({ seed: 3 });
    model.add(new Conv2D(8, [3, 3], { inputShape: [18, 18, 2], activation: 'relu' }));
    model.add(new Conv2D(16, [3, 3], { activation: 'relu', padding: 'same' }));
    model.add(new MaxPooling2D());
    model.add(new Flatten());
    model.add(new Dropout(0.3));
    model.add(new Dense(256, { activation: 'relu' }));
    model.add(new Dense(256, { activation: 'tanh' }));
    model.add(new Dense(3, { activation: 'softmax' }));
    model.compile({ loss: 'categoricalCrossentropy', optimizer: 'adam' });
    const rand = lcg(4);
    const x = Tensor.zeros([96, 18, 18, 2]);
    for (let i = 0; i < x.size; i++) x.data[i] = rand();
    const y = Tensor.zeros([96, 3]);
    for (let r = 0; r < 96; r++) y.data[r * 3 + (r % 3)] = 1;
    await model.fit(x, y, { epochs: 3, batchSize: 96, verbose: 0 });
    const kernels = Object.entries(poolStats().splitsByKernel).filter(([name, n]) => n > (kernelsBefore[name] ?? 0)).map(([name]) => name);
    return { weights: model.getWeights().map((w) => w.data.slice()), splits: poolStats().splitJobs - before, kernels };
  }

  it('gives bit-identical weights (and 2 threads did split the work)', async () => {
    const one = await trainedWeights(1);
    const two = await trainedWeights(2);
    expect(one.splits).toBe(0);
    expect(two.splits).toBeGreaterThan(20);
    expect(two.kernels.sort()).toEqual(['activation backward', 'col2im', 'column sums', 'dense', 'im2col', 'matmul']);
    expect(two.weights.length).toBe(one.weights.length);
    for (let i = 0; i < one.weights.length; i++) expect({ i, same: sameBits(two.weights[i], one.weights[i]) }).toEqual({ i, same: true });
  });
});

describe('training an LSTM and a GRU on 1 and on 2 threads', () => {
  /** LSTM(32) or GRU(32) with input and recurrent dropout on 64 sequences of 20 x 3; its weights after 2 epochs and the kernels 2 threads split. */
  async function trainedWeights(threads: number, kind: string): Promise<{ weights: Float32Array[]; kernels: string[] }> {
    setThreads(threads);
    const kernelsBefore = poolStats().splitsByKernel;
    const model = new Sequential({ seed: 5 });
    const args = { inputShape: [20, 3], dropout: 0.2, recurrentDropout: 0.5 };
    model.add(kind === 'LSTM' ? new LSTM(32, args) : new GRU(32, args));
    model.add(new Dense(1));
    model.compile({ loss: 'meanSquaredError', optimizer: 'adam' });
    const rand = lcg(6);
    const x = Tensor.zeros([64, 20, 3]);
    for (let i = 0; i < x.size; i++) x.data[i] = rand();
    const y = Tensor.zeros([64, 1]);
    for (let i = 0; i < y.size; i++) y.data[i] = rand();
    await model.fit(x, y, { epochs: 2, batchSize: 64, verbose: 0 });
    const kernels = Object.entries(poolStats().splitsByKernel).filter(([name, n]) => n > (kernelsBefore[name] ?? 0)).map(([name]) => name);
    return { weights: model.getWeights().map((w) => w.data.slice()), kernels };
  }

  it.each(['LSTM', 'GRU'])('%s: gives bit-identical weights, the time loop split by samples both ways', async (kind) => {
    const one = await trainedWeights(1, kind);
    const two = await trainedWeights(2, kind);
    const name = kind.toLowerCase();
    expect(one.kernels).toEqual([]);
    expect(two.kernels).toEqual(expect.arrayContaining([`${name} forward`, `${name} backward`]));
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
