/**
 * Round trips through TensorFlow.js 4.22 (its pure-JavaScript CPU backend): a model saved by
 * Lamina loads in `tf.loadLayersModel` (handed over with `tf.io.fromMemory`, since TF.js's own
 * file:// handler needs tfjs-node), and a model saved by TF.js (through a small IOHandler that
 * writes the two files) loads in Lamina; both predict the same numbers within 1e-6.
 */
import { tf, tfLoadFolder, tfSaveFolder } from './helpers/tfjs';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadModel } from '../layers/serialization';
import { Sequential } from '../lib/sequential';
import { Tensor } from '../lib/tensor';
import { Dense } from '../layers/dense';
import { Dropout } from '../layers/dropout';
import { GRU, LSTM } from '../layers/recurrent';
import { randomUniform } from '../lib/initializers';
import { Conv2D } from '../layers/conv';
import { AveragePooling2D, MaxPooling2D } from '../layers/pooling';
import { Flatten } from '../layers/reshape';
import { lcg } from './helpers/fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'lamina-tfjs-'));
}

function input(shape: number[], seed: number): Tensor {
  const next = lcg(seed);
  const t = Tensor.zeros(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = next();
  return t;
}

function expectSame(a: ArrayLike<number>, b: ArrayLike<number>): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  expect(worst).toBeLessThanOrEqual(1e-6);
}

const laminaModels: Record<string, () => Sequential> = {
  'Dense -> Dropout -> Dense': () => {
    const m = new Sequential({ seed: 1 });
    m.add(new Dense(16, { inputDim: 2, activation: 'relu' }));
    m.add(new Dropout(0.4));
    m.add(new Dense(1, { activation: 'sigmoid' }));
    return m;
  },
  'Conv2D -> MaxPooling2D -> Dropout -> Conv2D(same, strides 2) -> AveragePooling2D -> Flatten -> Dense': () => {
    const m = new Sequential({ seed: 3 });
    m.add(new Conv2D(4, 3, { inputShape: [9, 9, 2], activation: 'relu' }));
    m.add(new MaxPooling2D());
    m.add(new Dropout(0.5));
    m.add(new Conv2D(3, [2, 3], { padding: 'same', strides: 2, activation: 'tanh' }));
    m.add(new AveragePooling2D({ poolSize: 2, padding: 'same' }));
    m.add(new Flatten());
    m.add(new Dense(2, { activation: 'softmax' }));
    return m;
  },
  'LSTM(dropout, recurrentDropout) -> Dense': () => {
    const m = new Sequential({ seed: 2 });
    m.add(new LSTM(8, { inputShape: [5, 3], dropout: 0.5, recurrentDropout: 0.5 }));
    m.add(new Dense(1, { activation: 'sigmoid' }));
    return m;
  },
  'GRU(resetAfter false, hard_sigmoid, dropout, recurrentDropout) -> Dense': () => {
    const m = new Sequential({ seed: 4 });
    const biasInitializer = randomUniform({ minval: -0.5, maxval: 0.5 });
    m.add(new GRU(6, { inputShape: [5, 3], resetAfter: false, recurrentActivation: 'hard_sigmoid', biasInitializer, dropout: 0.3, recurrentDropout: 0.3 }));
    m.add(new Dense(2));
    return m;
  },
  'GRU(resetAfter false, returnSequences, goBackwards) -> GRU(resetAfter false, returnSequences) -> Dense': () => {
    const m = new Sequential({ seed: 5 });
    const biasInitializer = randomUniform({ minval: -0.5, maxval: 0.5 });
    m.add(new GRU(5, { inputShape: [6, 3], resetAfter: false, returnSequences: true, goBackwards: true, biasInitializer }));
    m.add(new GRU(4, { resetAfter: false, returnSequences: true, biasInitializer }));
    m.add(new Dense(1));
    return m;
  },
};

describe('Lamina -> TensorFlow.js', () => {
  it.each(Object.keys(laminaModels))('%s: same predictions within 1e-6', async (name) => {
    const model = laminaModels[name]();
    const shape = [7, ...model.inputShape];
    const x = input(shape, 3);
    const dir = tmpDir();
    await model.save(`file://${dir}`);
    const theirs = await tfLoadFolder(dir);
    const predicted = theirs.predict(tf.tensor(Array.from(x.data), shape)) as tf.Tensor;
    expectSame(predicted.dataSync(), model.predict(x).data);
  });
});

const tfModels: Record<string, () => tf.Sequential> = {
  'dense -> dropout -> dense': () =>
    tf.sequential({
      layers: [
        tf.layers.dense({ units: 16, inputShape: [2], activation: 'tanh' }),
        tf.layers.dropout({ rate: 0.3 }),
        tf.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    }),
  'conv2d -> maxPooling2d -> conv2d(same) -> flatten -> dense': () =>
    tf.sequential({
      layers: [
        tf.layers.conv2d({ filters: 3, kernelSize: 3, inputShape: [8, 7, 1], activation: 'relu' }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.conv2d({ filters: 2, kernelSize: [2, 2], padding: 'same', activation: 'sigmoid' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 1 }),
      ],
    }),
  'lstm (TF.js defaults: hard_sigmoid) -> dense': () =>
    tf.sequential({ layers: [tf.layers.lstm({ units: 6, inputShape: [4, 3], returnSequences: true }), tf.layers.dense({ units: 2 })] }),
  'gru (TF.js defaults: hard_sigmoid, resetAfter false) -> dense': () => tf.sequential({ layers: [tfGru({ units: 6, inputShape: [4, 3] }), tf.layers.dense({ units: 2 })] }),
  'gru(returnSequences, goBackwards) -> gru(returnSequences, sigmoid) -> dense': () =>
    tf.sequential({
      layers: [
        tfGru({ units: 5, inputShape: [6, 3], returnSequences: true, goBackwards: true }),
        tfGru({ units: 4, returnSequences: true, recurrentActivation: 'sigmoid' }),
        tf.layers.dense({ units: 1 }),
      ],
    }),
};

/** A TF.js GRU with a random bias (TF.js's default is zeros, which would hide a bias read wrongly). */
function tfGru(args: Parameters<typeof tf.layers.gru>[0]): tf.layers.Layer {
  return tf.layers.gru({ ...args, biasInitializer: tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 7 }) });
}

describe('TensorFlow.js -> Lamina', () => {
  it.each(Object.keys(tfModels))('%s: same predictions within 1e-6', async (name) => {
    const theirs = tfModels[name]();
    const dir = tmpDir();
    await tfSaveFolder(theirs, dir);
    const model = await loadModel(`file://${dir}`);
    const shape = [5, ...model.inputShape];
    const x = input(shape, 4);
    const predicted = theirs.predict(tf.tensor(Array.from(x.data), shape)) as tf.Tensor;
    expectSame((model.predict(x) as Tensor).data, predicted.dataSync());
  });
});

describe('TensorFlow.js GRU configs', () => {
  it('TF.js writes reset_after: false; a config without reset_after (older savers) still loads as resetAfter false', async () => {
    const theirs = tfModels['gru (TF.js defaults: hard_sigmoid, resetAfter false) -> dense']();
    const dir = tmpDir();
    await tfSaveFolder(theirs, dir);
    const file = path.join(dir, 'model.json');
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    const config = json.modelTopology.config.layers[0].config;
    expect(config.reset_after).toBe(false);
    delete config.reset_after;
    fs.writeFileSync(file, JSON.stringify(json));
    const model = await loadModel(`file://${dir}`);
    const layer = model.layers[0] as GRU;
    expect(layer.resetAfter).toBe(false);
    expect(layer.recurrentActivation).toBe('hard_sigmoid');
    const x = input([5, 4, 3], 6);
    const predicted = theirs.predict(tf.tensor(Array.from(x.data), [5, 4, 3])) as tf.Tensor;
    expectSame((model.predict(x) as Tensor).data, predicted.dataSync());
  });
});
