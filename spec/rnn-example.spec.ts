import { makeWaveforms } from '../datasets/sequences';
import { inputDropoutLstm, lstmThenDropout, variationalLstm } from '../examples/rnn-listings';
import { runWaveformStudy, waveformTable } from '../examples/rnn-waveforms';
import { Dropout } from '../layers/dropout';
import { GRU, LSTM, SimpleRNN } from '../layers/recurrent';
import { Dense } from '../layers/dense';
import { Workspace } from '../lib/autodiff';
import { Sequential } from '../lib/sequential';
import { Tensor } from '../lib/tensor';

describe('makeWaveforms', () => {
  it('is seeded, shaped [n, length, channels] with labels 0/1 in both classes', () => {
    const a = makeWaveforms({ nSamples: 64, randomState: 3 });
    const b = makeWaveforms({ nSamples: 64, randomState: 3 });
    const c = makeWaveforms({ nSamples: 64, randomState: 4 });
    expect(a.X.shape).toEqual([64, 30, 8]);
    expect(a.y.shape).toEqual([64, 1]);
    expect(a.X.data).toEqual(b.X.data);
    expect(a.X.data).not.toEqual(c.X.data);
    const ones = a.y.data.reduce((s, v) => s + v, 0);
    expect(a.y.data.every((v) => v === 0 || v === 1)).toBe(true);
    expect(ones).toBeGreaterThan(16);
    expect(ones).toBeLessThan(48);
    expect(() => makeWaveforms({ nSamples: 0 })).toThrow(/makeWaveforms: nSamples must be a positive integer, got 0/);
  });

  it('without noise, fast waves cross zero about twice as often as slow ones', () => {
    const { X, y } = makeWaveforms({ nSamples: 200, noise: 0, channels: 1, randomState: 5 });
    const sums = [0, 0];
    const counts = [0, 0];
    for (let i = 0; i < 200; i++) {
      let crossings = 0;
      for (let t = 1; t < 30; t++) if (Math.sign(X.get(i, t, 0)) !== Math.sign(X.get(i, t - 1, 0))) crossings++;
      sums[y.data[i]] += crossings;
      counts[y.data[i]]++;
    }
    // 2 f crossings per sequence: about 3 for slow waves (1 to 2 cycles), about 5 for fast ones (2 to 3)
    expect(sums[0] / counts[0]).toBeGreaterThan(2.5);
    expect(sums[0] / counts[0]).toBeLessThan(3.5);
    expect(sums[1] / counts[1]).toBeGreaterThan(4.5);
    expect(sums[1] / counts[1]).toBeLessThan(5.5);
  });
});

describe("the tutorial's three recurrent listings", () => {
  const data = makeWaveforms({ nSamples: 64, randomState: 1 });
  it.each([
    ['LSTM(32) -> Dropout(0.5) -> Dense(1)', lstmThenDropout, ['LSTM', 'Dropout', 'Dense']],
    ['Dropout(0.5) -> LSTM(32) -> Dense(1)', inputDropoutLstm, ['Dropout', 'LSTM', 'Dense']],
    ['LSTM(32, dropout 0.5, recurrentDropout 0.5) -> Dense(1)', variationalLstm, ['LSTM', 'Dense']],
  ] as const)('%s builds, trains, and lowers its loss', async (_name, build, classes) => {
    const model = build(30, 8, 1);
    expect(model.layers.map((l) => l.className)).toEqual(classes);
    expect(model.outputShape).toEqual([1]);
    model.compile({ loss: 'binary_crossentropy', optimizer: 'adam', metrics: ['accuracy'] });
    const before = model.evaluate(data.X, data.y)[0];
    await model.fit(data.X, data.y, { epochs: 15, verbose: 0 });
    expect(model.evaluate(data.X, data.y)[0]).toBeLessThan(before);
  });

  it('listing 2: the Dropout on the 3-D input draws [batch, time, features] masks, different at each step', async () => {
    const model = inputDropoutLstm(30, 8, 1);
    model.compile({ loss: 'binary_crossentropy', optimizer: 'adam' });
    await model.fit(data.X, data.y, { epochs: 1, batchSize: 64, verbose: 0 });
    const mask = (model.layers[0] as Dropout).lastMask as Tensor;
    expect(mask.shape).toEqual([64, 30, 8]);
    const step = (t: number) => Array.from(mask.data.subarray(t * 8, (t + 1) * 8));
    expect(step(0)).not.toEqual(step(1));
  });

  it('listing 3: the LSTM caches one [batch, 8] input mask and one [batch, 32] recurrent mask', async () => {
    const model = variationalLstm(30, 8, 1);
    model.compile({ loss: 'binary_crossentropy', optimizer: 'adam' });
    await model.fit(data.X, data.y, { epochs: 1, batchSize: 64, verbose: 0 });
    const lstm = model.layers[0] as LSTM;
    expect(lstm.lastInputMask!.shape).toEqual([64, 8]);
    expect(lstm.lastRecurrentMask!.shape).toEqual([64, 32]);
  });
});

describe('recurrent training allocates no buffer once warm', () => {
  it.each([
    ['LSTM', () => new LSTM(8, { inputShape: [6, 3], dropout: 0.3, recurrentDropout: 0.3 })],
    ['GRU', () => new GRU(8, { inputShape: [6, 3], dropout: 0.3, recurrentDropout: 0.3, returnSequences: true })],
    ['SimpleRNN', () => new SimpleRNN(8, { inputShape: [6, 3], dropout: 0.3, recurrentDropout: 0.3, goBackwards: true })],
  ] as const)('%s', async (_name, make) => {
    const model = new Sequential({ seed: 1 });
    const layer = make();
    model.add(layer);
    if (layer.returnSequences) model.add(new Dense(1));
    model.add(new Dense(1));
    model.compile({ loss: 'mse', optimizer: 'adam' });
    const x = Tensor.zeros([40, 6, 3]);
    x.data.forEach((_, i) => (x.data[i] = Math.sin(i)));
    const y = Tensor.zeros(layer.returnSequences ? [40, 6, 1] : [40, 1]);
    await model.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 });
    const after = Workspace.allocations;
    await model.fit(x, y, { epochs: 20, batchSize: 16, verbose: 0 });
    expect(Workspace.allocations).toBe(after);
  });
});

describe('the waveform study (a tiny run of examples/rnn-waveforms.ts)', () => {
  it('trains the three models and prints one row per seed plus the mean', async () => {
    const runs = await runWaveformStudy({ seeds: 2, epochs: 2, nTrain: 32, nTest: 32, curves: false });
    expect(runs.map((r) => `${r.model}/${r.seed}`)).toEqual([
      'no dropout/1', 'no dropout/2', 'input dropout/1', 'input dropout/2', 'variational dropout/1', 'variational dropout/2',
    ]);
    for (const r of runs) for (const a of [r.trainAcc, r.testAcc]) expect(a >= 0 && a <= 1).toBe(true);
    const table = waveformTable(runs).split('\n');
    expect(table).toHaveLength(2 + 2 + 1);
    expect(table[2]).toContain(runs[0].trainAcc.toFixed(3));
    expect(table[4]).toMatch(/^\| mean \|/);
  });
});
