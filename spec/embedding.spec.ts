/**
 * Embedding: the lookup and its gradient (a repeated index gets the sum of its rows' gradients,
 * checked by central differences), against TensorFlow.js 4.22 with the same table (the output,
 * and the table after 1 and 20 SGD steps of a model that sees repeated indices), saved and loaded
 * both ways, word dropout (whole words, `noiseShape: [null, null, 1]`) and embedding-channel
 * dropout (SpatialDropout1D) after it, and the Errors for bad indices and arguments.
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
import { Dense } from '../layers/dense';
import { Dropout, SpatialDropout1D } from '../layers/dropout';
import { Embedding } from '../layers/embedding';
import { Flatten } from '../layers/reshape';
import { loadModel } from '../layers/serialization';
import { lcg } from './helpers/fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Indices [2, 5] with repeats (3 appears three times, 0 twice). */
const INDICES = new Tensor(Float32Array.from([3, 0, 3, 7, 1, 0, 3, 5, 2, 6]), [2, 5]);

describe('Embedding', () => {
  it('gathers a row per index and passes the gradient check, repeated indices summing', () => {
    const layer = new Embedding(8, 3, { inputShape: [5] });
    const model = new Sequential({ seed: 1 });
    model.add(layer);
    const table = layer.embeddings;
    const y = model.predict(INDICES) as Tensor;
    expect(y.shape).toEqual([2, 5, 3]);
    for (let i = 0; i < 10; i++) {
      const row = INDICES.data[i];
      expect(Array.from(y.data.subarray(i * 3, i * 3 + 3))).toEqual(Array.from(table.data.subarray(row * 3, row * 3 + 3)));
    }
    // d/d(table) of sum(G * y): each table row gets the sum of G's rows of the positions that index it
    const rand = lcg(3);
    const G = Tensor.zeros([2, 5, 3]);
    for (let i = 0; i < G.size; i++) G.data[i] = rand();
    const ws = new Workspace();
    const { relativeError, analytic } = gradCheck((ctx) => weightedSum(ctx, ws, layer.call(INDICES, ctx), G), [table]);
    expect(relativeError[0]).toBeLessThan(1e-2);
    const expected = new Float32Array(24);
    for (let i = 0; i < 10; i++) for (let j = 0; j < 3; j++) expected[INDICES.data[i] * 3 + j] += G.data[i * 3 + j];
    Array.from(analytic[0]).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    // row 4 is never indexed: no gradient
    expect(Array.from(analytic[0].subarray(12, 15))).toEqual([0, 0, 0]);
  });

  it('equals TensorFlow.js: the output, and the table and the dense weights after 1 and 20 SGD steps', async () => {
    const model = new Sequential({ seed: 2 });
    model.add(new Embedding(8, 4, { inputShape: [5] }));
    model.add(new Flatten());
    model.add(new Dense(1));
    model.compile({ loss: 'meanSquaredError', optimizer: new SGD({ learningRate: 0.1 }) });
    const theirs = tf.sequential();
    theirs.add(tf.layers.embedding({ inputDim: 8, outputDim: 4, inputLength: 5 }));
    theirs.add(tf.layers.flatten());
    theirs.add(tf.layers.dense({ units: 1 }));
    theirs.compile({ loss: 'meanSquaredError', optimizer: tf.train.sgd(0.1) });
    theirs.setWeights(model.getWeights().map((w) => tf.tensor(Array.from(w.data), w.shape)));
    const y = new Tensor(Float32Array.from([0.5, -1]), [2, 1]);
    const xs = tf.tensor(Array.from(INDICES.data), [2, 5]);
    const ys = tf.tensor(Array.from(y.data), [2, 1]);
    const ours = model.predict(INDICES) as Tensor;
    const their = theirs.predict(xs) as tf.Tensor;
    Array.from(their.dataSync()).forEach((v, i) => expect(Math.abs(v - ours.data[i])).toBeLessThan(1e-6));
    for (let step = 1; step <= 20; step++) {
      await model.fit(INDICES, y, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0 });
      await theirs.trainOnBatch(xs, ys);
      if (step === 1 || step === 20) {
        const a = model.getWeights().flatMap((w) => Array.from(w.data));
        const b = theirs.getWeights().flatMap((w) => Array.from(w.dataSync()));
        a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(1e-5 * Math.abs(b[i]) + 1e-6));
      }
    }
  });

  it('saves as TensorFlow.js does and loads back in Lamina and in TF.js, predictions within 1e-6', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lamina-embedding-'));
    const model = new Sequential({ seed: 4 });
    model.add(new Embedding(8, 3, { inputShape: [5], embeddingsRegularizer: 'l2' }));
    model.add(new Flatten());
    model.add(new Dense(2));
    await model.save(`file://${dir}`);
    const expected = Array.from((model.predict(INDICES) as Tensor).data);
    const ours = await loadModel(`file://${dir}`);
    expect(Array.from((ours.predict(INDICES) as Tensor).data)).toEqual(expected);
    expect(ours.penalizedWeights().map((p) => p.regularizer.config)).toEqual([{ l1: 0, l2: 0.01 }]);
    const theirs = await tfLoadFolder(dir);
    const got = Array.from((theirs.predict(tf.tensor(Array.from(INDICES.data), [2, 5])) as tf.Tensor).dataSync());
    got.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(1e-6));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('word dropout: Dropout with noiseShape [null, null, 1] drops whole words, SpatialDropout1D whole channels', async () => {
    const model = new Sequential({ seed: 5 });
    model.add(new Embedding(8, 6, { inputShape: [5], embeddingsInitializer: 'ones' }));
    const words = new Dropout(0.5, { noiseShape: [null, null, 1] });
    model.add(words);
    const y = model.predict(INDICES, { training: true }) as Tensor;
    // every word's vector is all zeros or all 2 (1 / (1 - 0.5))
    let dropped = 0;
    for (let w = 0; w < 10; w++) {
      const row = Array.from(y.data.subarray(w * 6, w * 6 + 6));
      expect(row.every((v) => v === row[0]) && (row[0] === 0 || row[0] === 2)).toBe(true);
      if (row[0] === 0) dropped++;
    }
    expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBeLessThan(10);
    const channels = new Sequential({ seed: 5 });
    channels.add(new Embedding(8, 6, { inputShape: [5], embeddingsInitializer: 'ones' }));
    channels.add(new SpatialDropout1D(0.5));
    const z = channels.predict(INDICES, { training: true }) as Tensor;
    // per sequence, a channel is dropped at every step or at none
    for (let b = 0; b < 2; b++) {
      for (let c = 0; c < 6; c++) {
        const column = [0, 1, 2, 3, 4].map((t) => z.data[(b * 5 + t) * 6 + c]);
        expect(column.every((v) => v === column[0])).toBe(true);
      }
    }
  });

  it('names the layer, what was expected and what came', () => {
    const layer = new Embedding(4, 2, { inputShape: [3] });
    const model = new Sequential({ seed: 1 });
    model.add(layer);
    expect(() => model.predict(new Tensor(Float32Array.from([0, 1, 4]), [1, 3]))).toThrow(`Embedding '${layer.name}': indices must be whole numbers in [0, 4), got 4 at flat position 2 of the input [1, 3]`);
    expect(() => model.predict(new Tensor(Float32Array.from([0, 1.5, 2]), [1, 3]))).toThrow('got 1.5 at flat position 1');
    expect(() => new Embedding(0, 2)).toThrow("inputDim must be a positive integer, got 0");
    expect(() => new Embedding(4, 2, { maskZero: true })).toThrow('maskZero is not implemented (Lamina has no masks)');
    expect(() => new Embedding(4, 2, { embeddings_initializer: 'ones' } as never)).toThrow("unknown option 'embeddings_initializer'");
  });
});
