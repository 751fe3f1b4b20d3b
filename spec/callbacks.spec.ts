import { Tensor } from '../lib/tensor';
import { circlesData, circlesModel } from '../examples/circles-mlp';
import { Dense } from '../layers/dense';
import { Dropout } from '../layers/dropout';
import { EarlyStopping, LearningRateScheduler, ReduceLROnPlateau, TerminateOnNaN } from '../lib/callbacks';
import { SGD } from '../lib/optimizers';
import { EpochProgress } from '../lib/progress';
import { Sequential } from '../lib/sequential';

describe('EarlyStopping', () => {
  it('with restoreBestWeights on the overfit case study: stops early and restores the best val_loss epoch', async () => {
    const { trainX, trainY, testX, testY } = circlesData();
    const model = circlesModel({ seed: 1 });
    const snapshots: Float32Array[][] = [];
    const recorder = { onEpochEnd: () => void snapshots.push(model.getWeights().map((w) => w.data)) };
    const stopper = new EarlyStopping({ monitor: 'val_loss', patience: 100, restoreBestWeights: true });
    const history = await model.fit(trainX, trainY, { validationData: [testX, testY], epochs: 4000, verbose: 0, callbacks: [recorder, stopper] });
    const valLoss = history.history.val_loss;
    expect(valLoss.length).toBeLessThan(4000);
    expect(stopper.stoppedEpoch).toBe(valLoss.length - 1);
    const best = valLoss.indexOf(Math.min(...valLoss));
    expect(stopper.bestEpoch).toBe(best);
    // Keras' rule: `patience` epochs without improvement after the best one
    expect(valLoss.length - 1 - best).toBe(100);
    expect(model.getWeights().map((w) => w.data)).toEqual(snapshots[best]);
    expect(model.evaluate(testX, testY)[0]).toBeCloseTo(valLoss[best], 5);
  }, 30000);

  it('names the monitor when it is missing from the logs', async () => {
    const model = circlesModel({ seed: 1 });
    const { trainX, trainY } = circlesData();
    await expect(model.fit(trainX, trainY, { epochs: 2, verbose: 0, callbacks: [new EarlyStopping()] })).rejects.toThrow(
      "EarlyStopping: monitor 'val_loss' is not in the logs; available: loss, accuracy (val_ metrics need validationData)",
    );
    expect(() => new EarlyStopping({ patience: -1 })).toThrow(/patience must be a non-negative integer/);
  });
});

describe('TerminateOnNaN, LearningRateScheduler, ReduceLROnPlateau', () => {
  const x = [[0, 0], [0, 1], [1, 0], [1, 1]];
  const y = [0, 1, 1, 0];
  function model(lr: number): Sequential {
    const m = new Sequential({ seed: 1 });
    m.add(new Dense(4, { inputDim: 2, activation: 'relu' }));
    m.add(new Dense(1));
    m.compile({ loss: 'mse', optimizer: new SGD({ learningRate: lr }) });
    return m;
  }
  it('TerminateOnNaN stops at the first non-finite batch loss', async () => {
    const m = model(1e6);
    const h = await m.fit(x, y, { epochs: 100, batchSize: 1, verbose: 0, callbacks: [new TerminateOnNaN()] });
    expect(h.history.loss.length).toBeLessThan(100);
    expect(Number.isFinite(h.history.loss[h.history.loss.length - 1])).toBe(false);
  });
  it('LearningRateScheduler sets the rate each epoch', async () => {
    const m = model(0.1);
    const seen: number[] = [];
    await m.fit(x, y, { epochs: 3, verbose: 0, callbacks: [new LearningRateScheduler((e) => 0.1 / (e + 1)), { onEpochEnd: () => void seen.push(m.optimizer.learningRate) }] });
    expect(seen).toEqual([0.1, 0.05, 0.1 / 3]);
  });
  it('ReduceLROnPlateau multiplies the rate by factor after patience epochs without improvement', async () => {
    const m = model(0.01);
    const plateau = new ReduceLROnPlateau({ monitor: 'loss', factor: 0.5, patience: 2 });
    const losses = [1, 0.9, 0.95, 0.96, 0.97, 0.98];
    const seen: number[] = [];
    plateau.setModel(m);
    losses.forEach((loss, epoch) => {
      plateau.onEpochEnd(epoch, { loss });
      seen.push(m.optimizer.learningRate);
    });
    expect(seen).toEqual([0.01, 0.01, 0.01, 0.005, 0.005, 0.0025]);
  });
});

describe('summary', () => {
  it("reports the tutorial's dropout MLP: 1,500 + 0 + 501 = 2,001 parameters", () => {
    const m = new Sequential({ seed: 1, name: 'sequential' });
    m.add(new Dense(500, { inputDim: 2, activation: 'relu', name: 'dense' }));
    m.add(new Dropout(0.4, { name: 'dropout' }));
    m.add(new Dense(1, { activation: 'sigmoid', name: 'dense_1' }));
    const lines: string[] = [];
    const text = m.summary((t) => lines.push(t));
    expect(lines).toEqual([text]);
    expect(text).toContain('Model: "sequential"');
    expect(text).toMatch(/ dense \(Dense\)\s+\(None, 500\)\s+1500\n/);
    expect(text).toMatch(/ dropout \(Dropout\)\s+\(None, 500\)\s+0\n/);
    expect(text).toMatch(/ dense_1 \(Dense\)\s+\(None, 1\)\s+501\n/);
    expect(text).toContain('Total params: 2,001\nTrainable params: 2,001\nNon-trainable params: 0');
  });
  it('counts a frozen layer as non-trainable', () => {
    const m = new Sequential({ seed: 1 });
    m.add(new Dense(3, { inputDim: 2, trainable: false }));
    m.add(new Dense(1));
    expect(m.summary(null)).toContain('Total params: 13\nTrainable params: 4\nNon-trainable params: 9');
  });
});

describe('progress output', () => {
  it('draws a Keras bar on a terminal and ends with the epoch line', () => {
    const written: string[] = [];
    const p = new EpochProgress(0, 5, 4, 1, { write: (t: string) => written.push(t), isTTY: true });
    expect(p.wantsBatches).toBe(true);
    p.batch(1, { loss: 0.5 });
    p.end({ loss: 0.25, accuracy: 1 });
    expect(written[0]).toBe('Epoch 1/5\n');
    expect(written[1]).toMatch(/^\r1\/4 \[={6}>\.{23}\] - ETA: \d+s - loss: 0\.5000/);
    expect(written[2]).toMatch(/^\r4\/4 \[={30}\] - \d+s [\d.]+ms\/step - loss: 0\.2500 - accuracy: 1\.0000\x1b\[K\n$/);
  });
  it('writes one plain line per epoch when not on a terminal, and for verbose 2', () => {
    for (const [verbose, isTTY] of [[1, false], [2, true]] as const) {
      const written: string[] = [];
      const p = new EpochProgress(2, 5, 4, verbose, { write: (t: string) => written.push(t), isTTY });
      expect(p.wantsBatches).toBe(false);
      p.batch(1, { loss: 1 });
      p.end({ loss: 0.25 });
      expect(written).toHaveLength(1);
      expect(written[0]).toMatch(/^Epoch 3\/5\n4\/4 - \d+s [\d.]+ms\/step - loss: 0\.2500\n$/);
    }
  });
});

describe('ModelCheckpoint', () => {
  it('saves after the epochs that improve val_loss (saveBestOnly), loadable, named from the logs', async () => {
    const fs = await import('fs');
    const os = await import('os');
    const path = await import('path');
    const { ModelCheckpoint } = await import('../lib/callbacks');
    const { loadModel } = await import('../layers/serialization');
    const { trainX, trainY, testX, testY } = circlesData();
    const model = circlesModel({ seed: 1 });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lamina-ckpt-'));
    const every = new ModelCheckpoint(`file://${dir}/every-{epoch}`);
    const best = new ModelCheckpoint(`file://${dir}/best-{epoch}-{val_loss}`, { saveBestOnly: true });
    const h = await model.fit(trainX, trainY, { validationData: [testX, testY], epochs: 6, verbose: 0, callbacks: [every, best] });
    expect(every.saved).toEqual([1, 2, 3, 4, 5, 6].map((e) => `file://${dir}/every-${e}`));
    // one save per new minimum of val_loss, named with its epoch and value
    const minima: string[] = [];
    let lowest = Infinity;
    h.history.val_loss.forEach((v, e) => {
      if (v < lowest) {
        lowest = v;
        minima.push(`file://${dir}/best-${e + 1}-${v.toFixed(4)}`);
      }
    });
    expect(best.saved).toEqual(minima);
    const last = await loadModel(every.saved[5]);
    expect(Array.from((last.predict(testX) as Tensor).data)).toEqual(Array.from(model.predict(testX).data));
  });
});

describe('summary of the digits CNN', () => {
  it('reports the Keras parameter counts', async () => {
    const { Conv2D } = await import('../layers/conv');
    const { MaxPooling2D } = await import('../layers/pooling');
    const { Flatten } = await import('../layers/reshape');
    const m = new Sequential({ seed: 1 });
    m.add(new Conv2D(32, 3, { inputShape: [28, 28, 1], activation: 'relu', name: 'c1' }));
    m.add(new Conv2D(32, 3, { activation: 'relu', name: 'c2' }));
    m.add(new MaxPooling2D({ name: 'pool' }));
    m.add(new Dropout(0.5, { name: 'drop' }));
    m.add(new Flatten({ name: 'flat' }));
    m.add(new Dense(10, { activation: 'softmax', name: 'out' }));
    const text = m.summary(null);
    // Keras: 3*3*1*32 + 32 = 320; 3*3*32*32 + 32 = 9,248; 12*12*32*10 + 10 = 46,090
    expect(text).toMatch(/ c1 \(Conv2D\)\s+\(None, 26, 26, 32\)\s+320\n/);
    expect(text).toMatch(/ c2 \(Conv2D\)\s+\(None, 24, 24, 32\)\s+9248\n/);
    expect(text).toMatch(/ pool \(MaxPooling2D\)\s+\(None, 12, 12, 32\)\s+0\n/);
    expect(text).toMatch(/ flat \(Flatten\)\s+\(None, 4608\)\s+0\n/);
    expect(text).toMatch(/ out \(Dense\)\s+\(None, 10\)\s+46090\n/);
    expect(text).toContain('Total params: 55,658\nTrainable params: 55,658\nNon-trainable params: 0');
  });
});
