/**
 * BatchNormalization and LayerNormalization: gradient checks (BN in training mode), against
 * TensorFlow.js 4.22 with the same weights (forward in training and inference mode, the moving
 * statistics after 5 steps, the weights after 1 and 20 SGD steps), a frozen BN (Keras 3: inference
 * mode, no update, no gradient), the summary's non-trainable count, save/load both ways, errors.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { tf, tfLoadFolder } from './helpers/tfjs';
import { Workspace } from '../lib/autodiff';
import { gradCheck } from '../lib/gradcheck';
import { weightedSum } from '../lib/ops';
import { SGD } from '../lib/optimizers';
import { Sequential } from '../lib/sequential';
import { Tensor } from '../lib/tensor';
import { RandomStream } from '../lib/random';
import { Conv2D } from '../layers/conv';
import { Dense } from '../layers/dense';
import { Dropout } from '../layers/dropout';
import { BatchNormalization, LayerNormalization } from '../layers/normalization';
import { Flatten } from '../layers/reshape';
import { loadModel } from '../layers/serialization';
import { summaryText } from '../lib/summary';
import { lcg } from './helpers/fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A tensor of `shape` filled from `rand` (scaled and shifted so channels differ). */
function filled(shape: number[], rand: () => number, scale = 1, shift = 0): Tensor {
  const t = Tensor.zeros(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = rand() * scale + shift + (i % shape[shape.length - 1]) * 0.3;
  return t;
}

/** Largest |a - b| relative to max(1, |b|). */
function maxRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return worst;
}

describe('gradient checks', () => {
  it('BatchNormalization in training mode: x, gamma and beta ([6, 3, 4]: statistics over 18 rows)', () => {
    const rand = lcg(1);
    const layer = new BatchNormalization();
    layer.build([3, 4], { init: new RandomStream(1), layerSeed: 'bn' });
    const x = filled([6, 3, 4], rand, 2);
    layer.weights[0].data.set([1.5, 0.5, -1, 2]);
    layer.weights[1].data.set([0.1, -0.2, 0.3, 0]);
    const G = filled([6, 3, 4], rand);
    const ws = new Workspace();
    const { relativeError } = gradCheck((ctx) => weightedSum(ctx, ws, layer.call(x, ctx), G), [x, layer.weights[0], layer.weights[1]], { training: true });
    relativeError.forEach((e) => expect(e).toBeLessThan(1e-2));
  });

  it('LayerNormalization: x, gamma and beta', () => {
    const rand = lcg(2);
    const layer = new LayerNormalization();
    layer.build([5], { init: new RandomStream(1), layerSeed: 'ln' });
    const x = filled([4, 5], rand, 3);
    layer.weights[0].data.set([1, 2, 0.5, -1, 1.5]);
    layer.weights[1].data.set([0, 0.1, 0.2, 0.3, 0.4]);
    const G = filled([4, 5], rand);
    const ws = new Workspace();
    const { relativeError } = gradCheck((ctx) => weightedSum(ctx, ws, layer.call(x, ctx), G), [x, layer.weights[0], layer.weights[1]]);
    relativeError.forEach((e) => expect(e).toBeLessThan(1e-2));
  });
});

describe('against TensorFlow.js', () => {
  it('BatchNormalization: training-mode output, moving statistics after 5 steps, inference output', () => {
    const rand = lcg(3);
    const ours = new BatchNormalization({ momentum: 0.9 });
    const model = new Sequential({ seed: 1 });
    model.add(new Dense(4, { inputShape: [3] }));
    model.add(ours);
    const theirs = tf.layers.batchNormalization({ momentum: 0.9, inputShape: [4] });
    theirs.apply(tf.zeros([1, 4]));
    ours.weights[0].data.set([1.5, 0.5, -1, 2]);
    ours.weights[1].data.set([0.1, -0.2, 0.3, 0]);
    theirs.setWeights(ours.weights.map((w) => tf.tensor(Array.from(w.data), w.shape)));
    const ctx = { training: true, tape: null };
    for (let step = 0; step < 5; step++) {
      const x = filled([8, 4], rand, 2, step);
      const y = ours.call(x, { ...ctx, pass: step + 1 });
      const ty = theirs.apply(tf.tensor(Array.from(x.data), x.shape), { training: true }) as tf.Tensor;
      expect(maxRelative(y.data, ty.dataSync())).toBeLessThan(1e-5);
    }
    const [, , theirMean, theirVariance] = theirs.getWeights().map((w) => w.dataSync());
    expect(maxRelative(ours.movingMean.data, theirMean)).toBeLessThan(1e-5);
    expect(maxRelative(ours.movingVariance.data, theirVariance)).toBeLessThan(1e-5);
    const x = filled([5, 4], rand);
    const inference = ours.call(x, { training: false, tape: null, pass: 10 });
    const theirInference = theirs.apply(tf.tensor(Array.from(x.data), x.shape), { training: false }) as tf.Tensor;
    expect(maxRelative(inference.data, theirInference.dataSync())).toBeLessThan(1e-5);
  });

  it.each(['BatchNormalization', 'LayerNormalization'])('%s between two Dense layers: every weight after 1 and 20 SGD steps', async (kind) => {
    const rand = lcg(4);
    const X = filled([8, 3], rand, 2);
    const Y = filled([8, 1], rand);
    const model = new Sequential({ seed: 5 });
    model.add(new Dense(4, { inputShape: [3], activation: 'relu' }));
    model.add(kind === 'BatchNormalization' ? new BatchNormalization() : new LayerNormalization());
    model.add(new Dense(1));
    model.compile({ loss: 'meanSquaredError', optimizer: new SGD({ learningRate: 0.05 }) });
    const theirs = tf.sequential();
    theirs.add(tf.layers.dense({ units: 4, inputShape: [3], activation: 'relu' }));
    theirs.add(kind === 'BatchNormalization' ? tf.layers.batchNormalization({}) : tf.layers.layerNormalization({}));
    theirs.add(tf.layers.dense({ units: 1 }));
    theirs.compile({ loss: 'meanSquaredError', optimizer: tf.train.sgd(0.05) });
    // layer by layer: TF.js's model-level weight list puts every trainable weight before the moving statistics
    theirs.layers.forEach((layer, i) => layer.setWeights(model.layers[i].weights.map((w) => tf.tensor(Array.from(w.data), w.shape))));
    const xs = tf.tensor(Array.from(X.data), X.shape);
    const ys = tf.tensor(Array.from(Y.data), Y.shape);
    for (let step = 1; step <= 20; step++) {
      const loss = (await model.fit(X, Y, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 })).history.loss[0];
      const their = (await theirs.trainOnBatch(xs, ys)) as number;
      expect(Math.abs(loss - their)).toBeLessThan(1e-5 * Math.max(1, Math.abs(their)));
      if (step === 1 || step === 20) {
        const a = model.layers.flatMap((layer) => layer.weights.flatMap((w) => Array.from(w.data)));
        const b = theirs.layers.flatMap((layer) => layer.getWeights().flatMap((w) => Array.from(w.dataSync())));
        expect(a.length).toBe(b.length);
        expect(maxRelative(a, b)).toBeLessThan(1e-5);
      }
    }
  });
});

describe('BatchNormalization in a model', () => {
  it('frozen (trainable: false) runs on the moving statistics in training, updates nothing and learns nothing', async () => {
    const rand = lcg(6);
    const model = new Sequential({ seed: 7 });
    model.add(new Dense(3, { inputShape: [2] }));
    const bn = new BatchNormalization({ trainable: false });
    model.add(bn);
    model.add(new Dense(1));
    model.compile({ loss: 'meanSquaredError', optimizer: new SGD({ learningRate: 0.1 }) });
    const before = bn.weights.map((w) => Array.from(w.data));
    await model.fit(filled([6, 2], rand), filled([6, 1], rand), { epochs: 3, verbose: 0 });
    expect(bn.weights.map((w) => Array.from(w.data))).toEqual(before);
    // a trainable one moves its statistics and learns gamma and beta, but never gives its moving statistics to the optimizer
    const live = new Sequential({ seed: 7 });
    live.add(new Dense(3, { inputShape: [2] }));
    const bn2 = new BatchNormalization();
    live.add(bn2);
    live.add(new Dense(1));
    live.compile({ loss: 'meanSquaredError', optimizer: new SGD({ learningRate: 0.1 }) });
    expect(live.trainableWeights).not.toContain(bn2.movingMean);
    expect(live.trainableWeights).toContain(bn2.weights[0]);
    await live.fit(filled([6, 2], rand), filled([6, 1], rand), { epochs: 3, verbose: 0 });
    expect(Array.from(bn2.movingMean.data)).not.toEqual([0, 0, 0]);
    expect(Array.from(bn2.weights[0].data)).not.toEqual([1, 1, 1]);
  });

  it("counts the moving statistics as non-trainable in the summary, as Keras", () => {
    const model = new Sequential({ seed: 1 });
    model.add(new Conv2D(4, [3, 3], { inputShape: [8, 8, 1] }));
    model.add(new BatchNormalization());
    model.add(new Flatten());
    model.add(new Dropout(0.5));
    model.add(new Dense(2));
    const text = summaryText(model);
    // conv 40, BN 16 (8 trainable), dense 144 * 2 + 2 = 290
    expect(text).toContain('Total params: 346');
    expect(text).toContain('Trainable params: 338');
    expect(text).toContain('Non-trainable params: 8');
  });

  it('saves and loads in Lamina and in TF.js (predictions within 1e-6), after training moved the statistics', async () => {
    const rand = lcg(8);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lamina-normalization-'));
    const model = new Sequential({ seed: 9 });
    model.add(new Dense(4, { inputShape: [3] }));
    model.add(new BatchNormalization({ momentum: 0.5 }));
    model.add(new LayerNormalization({ epsilon: 1e-4 }));
    model.add(new Dense(1));
    model.compile({ loss: 'meanSquaredError', optimizer: 'adam' });
    await model.fit(filled([16, 3], rand), filled([16, 1], rand), { epochs: 3, verbose: 0 });
    await model.save(`file://${dir}`);
    const x = filled([5, 3], rand);
    const expected = Array.from((model.predict(x) as Tensor).data);
    const ours = await loadModel(`file://${dir}`);
    expect(Array.from((ours.predict(x) as Tensor).data)).toEqual(expected);
    const theirs = await tfLoadFolder(dir);
    const got = (theirs.predict(tf.tensor(Array.from(x.data), x.shape)) as tf.Tensor).dataSync();
    expect(maxRelative(got, expected)).toBeLessThan(1e-6);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('names the layer and what was expected', () => {
    expect(() => new BatchNormalization({ axis: 1 })).toThrow("only axis -1 (channels last) is implemented, got 1");
    expect(() => new BatchNormalization({ momentum: 2 })).toThrow('momentum must be in [0, 1], got 2');
    expect(() => new LayerNormalization({ epsilon: 0 })).toThrow('epsilon must be a positive number, got 0');
  });
});
