/**
 * Autodiff by hand: `loss.backward()` on an expression of tensor ops, `valueAndGrads` as
 * TensorFlow.js has it, recording only when a tensor that requires a gradient takes part, the
 * errors of a misuse, and losses and metrics written by hand inside `fit`: a hand-written binary
 * cross-entropy trains the case study to the numbers of `'binary_crossentropy'`.
 */
import { circlesData, circlesModel } from '../examples/circles-mlp';
import { micrograd } from '../examples/micrograd';
import { Dense, gradCheck, Input, Model, sub, tensor, Tensor, valueAndGrads, variable, zeroGrads } from '../index';
import { tf } from './helpers/tfjs';

const W = [[0.1, -0.2], [0.3, 0.4]];
const X = [[1, 2], [3, 4], [5, 6]];
const Y = [[0, 1], [1, 0], [1, 1]];

/** The expression: mean((sigmoid(x w + b) - y)^2). */
const lossOf = (x: Tensor, y: Tensor, w: Tensor, b: Tensor): Tensor => x.matMul(w).add(b).sigmoid().sub(y).square().mean();

describe('loss.backward()', () => {
  it("fills w.grad and b.grad with TensorFlow.js's gradients of the same expression", () => {
    const w = variable(W);
    const b = variable([0, 0]);
    const loss = lossOf(tensor(X), tensor(Y), w, b);
    loss.backward();
    const [gw, gb] = tf.grads((tw: tf.Tensor, tb: tf.Tensor) => tf.mean(tf.square(tf.sub(tf.sigmoid(tf.add(tf.matMul(tf.tensor(X), tw), tb)), tf.tensor(Y)))))([tf.tensor(W), tf.tensor([0, 0])]);
    const close = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(1e-6));
    close(w.grad as Float32Array, gw.dataSync());
    close(b.grad as Float32Array, gb.dataSync());
    expect(loss.data[0]).toBeCloseTo(tf.mean(tf.square(tf.sub(tf.sigmoid(tf.add(tf.matMul(tf.tensor(X), tf.tensor(W)), tf.tensor([0, 0]))), tf.tensor(Y)))).dataSync()[0], 6);
  });

  it('accumulates from one backward to the next, as PyTorch does, until zeroGrads', () => {
    const w = variable(W);
    const b = variable([0, 0]);
    lossOf(tensor(X), tensor(Y), w, b).backward();
    const once = Array.from(w.grad as Float32Array);
    lossOf(tensor(X), tensor(Y), w, b).backward();
    expect(Array.from(w.grad as Float32Array)).toEqual(once.map((v) => Math.fround(v + v)));
    zeroGrads([w, b]);
    lossOf(tensor(X), tensor(Y), w, b).backward();
    expect(Array.from(w.grad as Float32Array)).toEqual(once);
  });

  it('passes gradCheck as any function of ops does', () => {
    const w = variable(W);
    const b = variable([0.5, -0.5]);
    const { relativeError } = gradCheck(() => lossOf(tensor(X), tensor(Y), w, b), [w, b]);
    for (const e of relativeError) expect(e).toBeLessThan(1e-2);
  });

  it('says what is wrong: a non-scalar, nothing that requires a gradient, a graph already used', () => {
    const w = variable(W);
    expect(() => tensor(X).matMul(w).backward()).toThrow(/backward: the loss must be a scalar \(one value\), got a tensor of shape \[3, 2\]; reduce it first, e.g. with \.sum\(\) or \.mean\(\)/);
    expect(() => tensor(X).sum().backward()).toThrow(/backward: nothing that requires a gradient took part in computing this tensor \(make the parameters with variable/);
    const loss = tensor(X).matMul(w).sum();
    loss.backward();
    expect(() => loss.backward()).toThrow(/or its graph was already used by an earlier backward\(\)/);
    expect(() => tensor([[1, 2]]).add(tensor([1, 2, 3]))).toThrow(/add: shapes \[1, 2\] and \[3\] do not broadcast/);
  });
});

describe('recording', () => {
  it('happens only when a tensor that requires a gradient takes part', () => {
    const plain = tensor(X).matMul(tensor(W)).sigmoid().mean();
    expect(plain.tape).toBeNull();
    expect(plain.requiresGrad).toBe(false);
    const recorded = tensor(X).matMul(variable(W)).sigmoid().mean();
    expect(recorded.tape).not.toBeNull();
    expect(recorded.requiresGrad).toBe(true);
  });

  it('predict and evaluate record nothing, though the weights require gradients', () => {
    const model = circlesModel({ seed: 1 });
    const { testX, testY } = circlesData();
    expect((model.predict(testX) as Tensor).tape).toBeNull();
    expect(model.evaluate(testX, testY)).toHaveLength(2);
    expect((model.apply(testX) as Tensor).tape).not.toBeNull();
  });
});

describe('valueAndGrads', () => {
  it('returns the value and the gradients, and leaves no state behind', () => {
    const w = tensor(W);
    const b = tensor([0, 0]);
    const x = tensor(X);
    const y = tensor(Y);
    const { value, grads } = valueAndGrads(() => lossOf(x, y, w, b), [w, b]);
    const w2 = variable(W);
    const b2 = variable([0, 0]);
    const direct = lossOf(x, y, w2, b2);
    direct.backward();
    expect(value.data[0]).toBe(direct.data[0]);
    expect(Array.from(grads[0].data)).toEqual(Array.from(w2.grad as Float32Array));
    expect(grads.map((g) => g.shape)).toEqual([[2, 2], [2]]);
    expect(w.requiresGrad).toBe(false);
    expect(w.grad).toBeNull();
    expect(() => valueAndGrads(() => x.matMul(w), [w])).toThrow(/valueAndGrads: f must return a scalar \(one value\), got a tensor of shape \[3, 2\]; reduce it/);
  });

  it('gives zero gradients for variables the value does not depend on', () => {
    const a = variable([1, 2]);
    const unused = variable([3]);
    const { grads } = valueAndGrads(() => a.square().sum(), [a, unused]);
    expect(Array.from(grads[0].data)).toEqual([2, 4]);
    expect(Array.from(grads[1].data)).toEqual([0]);
  });
});

describe('losses and metrics written by hand, in fit', () => {
  /** Binary cross-entropy with ops, probabilities clipped as Keras clips them. */
  function handBce(yTrue: Tensor, yPred: Tensor): Tensor {
    const p = yPred.clip(1e-7, 1 - 1e-7);
    return yTrue.mul(p.log()).add(sub(1, yTrue).mul(sub(1, p).log())).neg().mean();
  }
  /** The fraction of predictions on the right side of 0.5, per sample. */
  function handAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
    return yPred.greater(0.5).equal(yTrue);
  }

  it("train the case study (Dropout(0.4)) to the numbers of 'binary_crossentropy': every epoch's values within 1e-4 for 300 epochs", async () => {
    const { trainX, trainY, testX, testY } = circlesData();
    const builtIn = circlesModel({ seed: 1, rate: 0.4 });
    const hand = circlesModel({ seed: 1, rate: 0.4 });
    hand.compile({ loss: handBce, optimizer: 'adam', metrics: [handAccuracy] });
    const options = { validationData: [testX, testY] as [Tensor, Tensor], epochs: 300, verbose: 0 as const };
    const a = await builtIn.fit(trainX, trainY, options);
    const b = await hand.fit(trainX, trainY, options);
    expect(Object.keys(b.history)).toEqual(['loss', 'handAccuracy', 'val_loss', 'val_handAccuracy']);
    // The two losses' gradients differ by float32 rounding, and 300 epochs of Adam amplify that
    // (measured: below 1e-7 for the first 40 epochs, up to 1e-5 later); a wrong gradient is off by far more.
    const worst = (p: number[], q: number[]) => Math.max(...p.map((v, i) => Math.abs(v - q[i])));
    expect(worst(b.history.loss.slice(0, 40), a.history.loss.slice(0, 40))).toBeLessThan(1e-7);
    expect(worst(b.history.loss, a.history.loss)).toBeLessThan(1e-4);
    expect(worst(b.history.val_loss, a.history.val_loss)).toBeLessThan(1e-4);
    expect(b.history.handAccuracy).toEqual(a.history.accuracy);
    expect(b.history.val_handAccuracy).toEqual(a.history.val_accuracy);
    expect(hand.trainingConfig()).toBeNull();
  });

  it('a hand-written loss on a functional model with per-sample values is averaged, as Keras does', async () => {
    const inp = Input({ shape: [2] });
    const m = new Model({ inputs: inp, outputs: new Dense(1).apply(inp), seed: 2 });
    const perSample = (yTrue: Tensor, yPred: Tensor): Tensor => yPred.sub(yTrue).square().sum(1);
    m.compile({ loss: perSample, optimizer: 'sgd' });
    const x = tensor(X);
    const y = tensor([[1], [2], [3]]);
    const [loss] = m.evaluate(x, y);
    m.compile({ loss: 'mse', optimizer: 'sgd' });
    const [mse] = m.evaluate(x, y);
    expect(Math.abs(loss - mse) / mse).toBeLessThan(1e-6);
  });
});

describe('examples/micrograd.ts', () => {
  it('a logistic regression and an MLP trained with loss.backward() and plain SGD: the MLP bends the boundary', () => {
    const { logistic, mlp } = micrograd(1000);
    expect(logistic).toBeGreaterThan(0.8);
    expect(logistic).toBeLessThan(0.95);
    expect(mlp).toBeGreaterThan(0.97);
  });
});
