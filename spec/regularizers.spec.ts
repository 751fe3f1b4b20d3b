/**
 * Weight penalties (lib/regularizers.ts): the penalty op's gradient by central differences for
 * l1, l2 and l1l2; `fit` and `evaluate` report loss + penalty (as Keras); a layer that is not
 * trainable adds none; training against TensorFlow.js 4.22 with the same weights (its loss and
 * weights after 1 and 20 steps); saved as TF.js's `L1L2` and loaded back by Lamina and by TF.js;
 * the Errors for bad arguments.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { tf, tfLoadFolder } from './helpers/tfjs';
import { Workspace } from '../lib/autodiff';
import { gradCheck } from '../lib/gradcheck';
import { L1L2, l1, l1l2, l2, penaltyOp, Regularizer, resolveRegularizer } from '../lib/regularizers';
import { Tensor } from '../lib/tensor';
import { Dense } from '../layers/dense';
import { LSTM } from '../layers/recurrent';
import { Conv2D } from '../layers/conv';
import { Flatten } from '../layers/reshape';
import { loadModel } from '../layers/serialization';
import { ActivityRegularization } from '../layers/regularization';
import { Sequential } from '../lib/sequential';
import { SGD } from '../lib/optimizers';
import { lcg } from './helpers/fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A tensor of `shape` filled from `rand`, kept away from 0 (where |w| has its kink). */
function awayFromZero(shape: number[], rand: () => number): Tensor {
  const t = Tensor.zeros(shape);
  for (let i = 0; i < t.size; i++) {
    const v = rand();
    t.data[i] = v + (v >= 0 ? 0.1 : -0.1);
  }
  return t;
}

describe('the penalty op', () => {
  it.each([
    ['l1(0.3)', l1(0.3)],
    ['l2(0.2)', l2(0.2)],
    ['l1l2({ l1: 0.05, l2: 0.4 })', l1l2({ l1: 0.05, l2: 0.4 })],
  ] as Array<[string, Regularizer]>)('%s: value and gradient check (the loss passes through)', (_name, reg) => {
    const rand = lcg(7);
    const w = awayFromZero([3, 4], rand);
    const b = awayFromZero([4], rand);
    const loss = Tensor.from([0.7]);
    const ws = new Workspace();
    const { relativeError } = gradCheck((ctx) => penaltyOp(ctx, ws, loss, [{ weight: w, regularizer: reg }, { weight: b, regularizer: reg }]), [loss, w, b]);
    relativeError.forEach((e) => expect(e).toBeLessThan(1e-2));
    // the value: loss + l1 * sum|w| + l2 * sum w^2 over both weights
    const { l1: a, l2: c } = reg.config as { l1: number; l2: number };
    let expected = 0.7;
    for (const t of [w, b]) for (const v of t.data) expected += a * Math.abs(v) + c * v * v;
    const value = penaltyOp({ training: false, tape: null }, ws, loss, [{ weight: w, regularizer: reg }, { weight: b, regularizer: reg }]).data[0];
    expect(value).toBeCloseTo(expected, 5);
  });
});

/** A 2-3-1 model whose kernel and bias are penalized, with fixed weights. */
function penalizedModel(trainable = true): Sequential {
  const model = new Sequential({ seed: 1 });
  model.add(new Dense(3, { inputShape: [2], activation: 'tanh', kernelRegularizer: l2(0.1), biasRegularizer: 'l1', trainable }));
  model.add(new Dense(1, { activation: 'sigmoid', kernelRegularizer: l1l2({ l1: 0.02, l2: 0.03 }) }));
  model.compile({ loss: 'binaryCrossentropy', optimizer: new SGD({ learningRate: 0 }) });
  return model;
}

const X = new Tensor(Float32Array.from([0.5, -1, 1.5, 0.25, -0.75, 2]), [3, 2]);
const Y = new Tensor(Float32Array.from([1, 0, 1]), [3, 1]);

/** The model's penalties computed by hand from its weights (trainable layers only). */
function penaltyByHand(model: Sequential): number {
  const [k1, b1, k2] = model.getWeights().map((w) => Array.from(w.data));
  const first = model.layers[0].trainable ? 0.1 * k1.reduce((s, v) => s + v * v, 0) + 0.01 * b1.reduce((s, v) => s + Math.abs(v), 0) : 0;
  return first + k2.reduce((s, v) => s + 0.02 * Math.abs(v) + 0.03 * v * v, 0);
}

describe('the loss fit and evaluate report', () => {
  it('is the loss plus the penalties, in fit (the loss it minimizes) and in evaluate, as Keras', async () => {
    const model = penalizedModel();
    // a bias away from zero, so the l1 bias penalty counts
    model.layers[0].weights[1].data.set([0.5, -0.25, 1]);
    const [plain] = (() => {
      const bare = penalizedModel();
      bare.setWeights(model.getWeights());
      return [bare.evaluate(X, Y)[0] - penaltyByHand(bare)];
    })();
    const penalty = penaltyByHand(model);
    expect(penalty).toBeGreaterThan(0.1);
    const [evaluated] = model.evaluate(X, Y);
    expect(evaluated).toBeCloseTo(plain + penalty, 5);
    const history = await model.fit(X, Y, { epochs: 1, batchSize: 3, verbose: 0 });
    expect(history.history.loss[0]).toBeCloseTo(plain + penalty, 5);
    // and without regularizers, the same model reports the bare loss
    const bare = new Sequential({ seed: 1 });
    bare.add(new Dense(3, { inputShape: [2], activation: 'tanh' }));
    bare.add(new Dense(1, { activation: 'sigmoid' }));
    bare.compile({ loss: 'binaryCrossentropy', optimizer: new SGD({ learningRate: 0 }) });
    bare.setWeights(model.getWeights());
    expect(bare.evaluate(X, Y)[0]).toBeCloseTo(plain, 6);
  });

  it('leaves out the penalties of a layer that is not trainable (Keras 3), in the loss and the gradient', async () => {
    const frozen = penalizedModel(false);
    expect(frozen.penalizedWeights().length).toBe(1);
    const all = penalizedModel(true);
    expect(all.penalizedWeights().length).toBe(3);
    all.setWeights(frozen.getWeights());
    expect(all.evaluate(X, Y)[0] - frozen.evaluate(X, Y)[0]).toBeCloseTo(penaltyByHand(all) - penaltyByHand(frozen), 5);
  });
});

describe('activity penalties (activityRegularizer, ActivityRegularization)', () => {
  /** 2 -> Dense(4, tanh, activity l2) -> ActivityRegularization(l1) -> Dense(1, sigmoid), kernel l1l2; SGD with rate `lr`. */
  function activityModel(lr: number): Sequential {
    const model = new Sequential({ seed: 6 });
    model.add(new Dense(4, { inputShape: [2], activation: 'tanh', activityRegularizer: l2(0.3), kernelRegularizer: l1l2({ l1: 0.01, l2: 0.02 }) }));
    model.add(new ActivityRegularization({ l1: 0.2 }));
    model.add(new Dense(1, { activation: 'sigmoid' }));
    model.compile({ loss: 'binaryCrossentropy', optimizer: new SGD({ learningRate: lr }) });
    return model;
  }

  it('evaluate adds each penalty summed over the batch (Keras 3), and fit steps along the gradient of that loss', async () => {
    const model = activityModel(0.05);
    // by hand: the hidden activations h, the bare loss, the penalties
    const [k1, b1] = model.getWeights().map((w) => Array.from(w.data));
    let activity = 0;
    for (let r = 0; r < 3; r++) {
      for (let j = 0; j < 4; j++) {
        const h = Math.tanh(X.data[2 * r] * k1[j] + X.data[2 * r + 1] * k1[4 + j] + b1[j]);
        activity += 0.3 * h * h + 0.2 * Math.abs(h);
      }
    }
    const weights = k1.reduce((sum, v) => sum + 0.01 * Math.abs(v) + 0.02 * v * v, 0);
    const bare = new Sequential({ seed: 6 });
    bare.add(new Dense(4, { inputShape: [2], activation: 'tanh' }));
    bare.add(new Dense(1, { activation: 'sigmoid' }));
    bare.compile({ loss: 'binaryCrossentropy', optimizer: new SGD({ learningRate: 0 }) });
    bare.setWeights(model.getWeights());
    const loss = (m: Sequential): number => m.evaluate(X, Y, { batchSize: 3 })[0];
    expect(loss(model)).toBeCloseTo(loss(bare) + activity + weights, 5);

    // the step fit takes is -lr times the gradient of that loss (central differences on a copy)
    const before = model.getWeights().map((w) => Float32Array.from(w.data));
    const probe = activityModel(0);
    probe.setWeights(model.getWeights());
    const live = probe.layers.flatMap((layer) => layer.weights);
    const numeric = live.map((w) => Array.from(w.data, (_v, i) => {
      const v = w.data[i];
      w.data[i] = v + 1e-3;
      const up = loss(probe);
      const upAt = w.data[i];
      w.data[i] = v - 1e-3;
      const down = loss(probe);
      const downAt = w.data[i];
      w.data[i] = v;
      return (up - down) / (upAt - downAt);
    }));
    await model.fit(X, Y, { epochs: 1, batchSize: 3, shuffle: false, verbose: 0 });
    const after = model.getWeights().map((w) => Array.from(w.data));
    after.forEach((w, t) => w.forEach((v, i) => {
      const analytic = (before[t][i] - v) / 0.05;
      expect(Math.abs(analytic - numeric[t][i])).toBeLessThan(2e-2 * Math.max(1, Math.abs(numeric[t][i])));
    }));
  });

  it('saves ActivityRegularization and activity_regularizer and loads them back', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lamina-activity-'));
    const model = activityModel(0.1);
    await model.save(`file://${dir}`);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    const layers = json.modelTopology.config.layers as Array<{ class_name: string; config: Record<string, unknown> }>;
    expect(layers[0].config.activity_regularizer).toEqual({ class_name: 'L1L2', config: { l1: 0, l2: 0.3 } });
    expect(layers[1].class_name).toBe('ActivityRegularization');
    expect(layers[1].config).toMatchObject({ l1: 0.2, l2: 0 });
    const loaded = await loadModel(`file://${dir}`);
    loaded.compile({ loss: 'binaryCrossentropy', optimizer: 'sgd' });
    expect(loaded.evaluate(X, Y)[0]).toBeCloseTo(model.evaluate(X, Y)[0], 6);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('against TensorFlow.js (same weights, SGD 0.1, 20 steps on one batch)', () => {
  it('gives the same loss (penalties included) and the same weights after 1 and 20 steps', async () => {
    const model = new Sequential({ seed: 4 });
    model.add(new Dense(4, { inputShape: [2], activation: 'relu', kernelRegularizer: l1l2({ l1: 0.01, l2: 0.05 }), biasRegularizer: l2(0.02) }));
    model.add(new Dense(1, { activation: 'sigmoid', kernelRegularizer: l1(0.03) }));
    model.compile({ loss: 'binaryCrossentropy', optimizer: new SGD({ learningRate: 0.1 }) });
    model.layers[0].weights[1].data.set([0.1, -0.2, 0.3, 0.05]);

    const theirs = tf.sequential();
    theirs.add(tf.layers.dense({ units: 4, inputShape: [2], activation: 'relu', kernelRegularizer: tf.regularizers.l1l2({ l1: 0.01, l2: 0.05 }), biasRegularizer: tf.regularizers.l2({ l2: 0.02 }) }));
    theirs.add(tf.layers.dense({ units: 1, activation: 'sigmoid', kernelRegularizer: tf.regularizers.l1({ l1: 0.03 }) }));
    theirs.compile({ loss: 'binaryCrossentropy', optimizer: tf.train.sgd(0.1) });
    theirs.setWeights(model.getWeights().map((w) => tf.tensor(Array.from(w.data), w.shape)));

    const xs = tf.tensor(Array.from(X.data), X.shape);
    const ys = tf.tensor(Array.from(Y.data), Y.shape);
    for (let step = 1; step <= 20; step++) {
      const ours = (await model.fit(X, Y, { epochs: 1, batchSize: 3, shuffle: false, verbose: 0 })).history.loss[0];
      const their = (await theirs.trainOnBatch(xs, ys)) as number;
      expect(Math.abs(ours - their)).toBeLessThan(1e-5 * Math.abs(their) + 1e-7);
      if (step === 1 || step === 20) {
        const a = model.getWeights().map((w) => Array.from(w.data)).flat();
        const b = theirs.getWeights().map((w) => Array.from(w.dataSync())).flat();
        a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(1e-5 * Math.abs(b[i]) + 1e-6));
      }
    }
  });
});

describe('saving', () => {
  it("writes TF.js's L1L2 for Dense, Conv2D and LSTM; Lamina and TF.js load them back", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lamina-regularizers-'));
    const model = new Sequential({ seed: 2 });
    model.add(new Conv2D(2, [2, 2], { inputShape: [4, 4, 1], kernelRegularizer: l2(0.02) }));
    model.add(new Flatten());
    model.add(new Dense(3, { kernelRegularizer: l1l2({ l1: 0.01, l2: 0.02 }), biasRegularizer: 'l2' }));
    await model.save(`file://${dir}`);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    const layers = json.modelTopology.config.layers as Array<{ config: Record<string, unknown> }>;
    expect(layers[0].config.kernel_regularizer).toEqual({ class_name: 'L1L2', config: { l1: 0, l2: 0.02 } });
    expect(layers[2].config.kernel_regularizer).toEqual({ class_name: 'L1L2', config: { l1: 0.01, l2: 0.02 } });
    expect(layers[2].config.bias_regularizer).toEqual({ class_name: 'L1L2', config: { l1: 0, l2: 0.01 } });
    const loaded = await loadModel(`file://${dir}`);
    expect(loaded.penalizedWeights().map((p) => p.regularizer.config)).toEqual([{ l1: 0, l2: 0.02 }, { l1: 0.01, l2: 0.02 }, { l1: 0, l2: 0.01 }]);
    const theirs = await tfLoadFolder(dir);
    const dense = theirs.layers[2].getConfig() as { kernelRegularizer: { className: string; config: Record<string, number> } };
    expect(dense.kernelRegularizer).toEqual({ className: 'L1L2', config: { l1: 0.01, l2: 0.02 } });
    // and predicts as Lamina does, from Lamina's weights
    const rand = lcg(12);
    const x = Tensor.zeros([3, 4, 4, 1]);
    for (let i = 0; i < x.size; i++) x.data[i] = rand();
    const expected = Array.from((model.predict(x) as Tensor).data);
    expect(Array.from((loaded.predict(x) as Tensor).data)).toEqual(expected);
    const got = (theirs.predict(tf.tensor(Array.from(x.data), x.shape)) as tf.Tensor).dataSync();
    Array.from(got).forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(1e-6));
    fs.rmSync(dir, { recursive: true, force: true });

    // the recurrent kernel's penalty too
    const lstm = new LSTM(2, { inputShape: [3, 2], recurrentRegularizer: l2(0.5) });
    const rnn = new Sequential({ seed: 3 });
    rnn.add(lstm);
    expect(lstm.getConfig().recurrent_regularizer).toEqual({ class_name: 'L1L2', config: { l1: 0, l2: 0.5 } });
    expect(rnn.penalizedWeights().map((p) => p.weight)).toEqual([lstm.weights[1]]);
  });

  it("reads Keras 3's L1 and L2 classes, and says what it expected for anything else", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lamina-regularizers-'));
    const model = new Sequential({ seed: 2 });
    model.add(new Dense(2, { inputShape: [2], kernelRegularizer: l2(0.1) }));
    await model.save(`file://${dir}`);
    const file = path.join(dir, 'model.json');
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    const config = json.modelTopology.config.layers[0].config;
    config.kernel_regularizer = { class_name: 'L2', config: { l2: 0.25 } };
    fs.writeFileSync(file, JSON.stringify(json));
    expect((await loadModel(`file://${dir}`)).penalizedWeights()[0].regularizer.config).toEqual({ l1: 0, l2: 0.25 });
    config.kernel_regularizer = { class_name: 'OrthogonalRegularizer', config: { factor: 0.01 } };
    fs.writeFileSync(file, JSON.stringify(json));
    await expect(loadModel(`file://${dir}`)).rejects.toThrow(/kernel_regularizer.*an L1L2, L1 or L2 regularizer/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('bad arguments', () => {
  it('names the argument and what was expected', () => {
    expect(() => new Dense(2, { kernelRegularizer: 'l3' })).toThrow("Unknown kernelRegularizer for Dense 'dense");
    expect(() => l2(-1)).toThrow('l2: the factor must be a finite number >= 0, got -1');
    expect(() => new L1L2({ l1: Number.NaN })).toThrow('L1L2: l1 must be a finite number >= 0, got NaN');
    expect(() => l1l2({ l3: 1 } as never)).toThrow("l1l2: unknown option 'l3'");
    expect(resolveRegularizer('l1_l2')?.config).toEqual({ l1: 0.01, l2: 0.01 });
    expect(resolveRegularizer('l1L2')?.config).toEqual({ l1: 0.01, l2: 0.01 });
    expect(resolveRegularizer(null)).toBeNull();
  });
});
