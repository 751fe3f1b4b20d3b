/**
 * Lamina's cross-entropies against TensorFlow.js 4.22's (tfjs-layers, CPU backend, float32): the
 * functions `model.compile({ loss: 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy' |
 * 'binaryCrossentropy' })` uses (exported as tf.metrics.*), their gradients by tf.grad, and the
 * loss a compiled TF.js model reports from `evaluate`. Outputs that do not sum to 1 (sigmoid units)
 * and saturated probabilities (exactly 0 or 1, 1 - 1e-8, the float32 neighbours of the clip bounds).
 */
import { tf } from './helpers/tfjs';
import { Tape, Workspace, requireGrads } from '../lib/autodiff';
import { LossName, lossOp } from '../lib/losses';
import { Tensor } from '../lib/tensor';
import { expectClose, lcg, tensor } from './helpers/fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
  // The CPU backend prints a one-time "install tfjs-node" notice on its first tensor: take it here.
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  tf.scalar(0).dispose();
  warn.mockRestore();
});

type TfLoss = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;
const TF_LOSSES: Record<string, TfLoss> = {
  binary_crossentropy: tf.metrics.binaryCrossentropy,
  categorical_crossentropy: tf.metrics.categoricalCrossentropy,
  // not exported as a metric: composed here as tfjs-layers' losses.ts composes it (clip, then the
  // categorical loss on one-hot targets); its value is also checked against a compiled model below
  sparse_categorical_crossentropy: (yTrue, yPred) =>
    tf.metrics.categoricalCrossentropy(tf.oneHot(tf.cast(tf.reshape(yTrue, [-1]), 'int32'), yPred.shape[1] as number), tf.clipByValue(yPred, 1e-7, 1 - 1e-7)),
};

/** A TF.js model whose output is its input, compiled with `loss` (a TF.js name), evaluated on (yPred, yTrue). */
async function tfEvaluate(loss: string, yTrue: number[][], yPred: number[][]): Promise<number> {
  const model = tf.sequential({ layers: [tf.layers.activation({ activation: 'linear', inputShape: [yPred[0].length] })] });
  model.compile({ loss, optimizer: 'sgd' });
  const result = model.evaluate(tf.tensor2d(yPred), tf.tensor2d(yTrue), { batchSize: yPred.length }) as tf.Scalar;
  const value = (await result.data())[0];
  model.dispose();
  return value;
}

/** TF.js's batch loss (the mean of the per-sample losses, as fit and evaluate report it) and its gradient. */
function tfLossAndGradient(loss: LossName, yTrue: number[][] | number[], yPred: number[][]): { value: number; grad: Float32Array } {
  return tf.tidy(() => {
    const t = tf.tensor(yTrue);
    const f = (p: tf.Tensor): tf.Scalar => tf.mean(TF_LOSSES[loss](t, p)) as tf.Scalar;
    const p = tf.tensor2d(yPred);
    return { value: f(p).dataSync()[0], grad: Float32Array.from(tf.grad(f)(p).dataSync()) };
  });
}

/** Lamina's batch loss and its gradient. */
function laminaLossAndGradient(loss: LossName, yTrue: number[][] | number[], yPred: number[][]): { value: number; grad: Float32Array } {
  const p = tensor(yPred);
  const tape = new Tape();
  requireGrads([p]);
  const out = lossOp({ training: true, tape }, new Workspace(), loss, Tensor.from(yTrue), p);
  tape.backward(out);
  return { value: out.data[0], grad: p.grad as Float32Array };
}

/** Lamina's and TF.js's loss agree within `rtol` relative, gradients within float32 tolerance. */
function expectSame(loss: LossName, yTrue: number[][] | number[], yPred: number[][], rtol = 1e-6): void {
  const ours = laminaLossAndGradient(loss, yTrue, yPred);
  const theirs = tfLossAndGradient(loss, yTrue, yPred);
  expectClose([ours.value], [theirs.value], { rtol, atol: 0 });
  expectClose(ours.grad, Array.from(theirs.grad), { rtol: 1e-4, atol: 1e-6 });
}

const next = lcg(5);
const sigmoidRows = (rows: number, cols: number): number[][] =>
  Array.from({ length: rows }, () => Array.from({ length: cols }, () => Math.fround(1 / (1 + Math.exp(-3 * next())))));

describe('categorical_crossentropy against tfjs-layers (divide by the row sum, then clip)', () => {
  it('the issue repro: p = [0.5, 0.881], y = [1, 0]', () => {
    expectSame('categorical_crossentropy', [[1, 0]], [[0.5, 0.881]]);
    expect(laminaLossAndGradient('categorical_crossentropy', [[1, 0]], [[0.5, 0.881]]).value).toBeCloseTo(1.016, 3);
  });
  it('sigmoid outputs, one-hot and soft targets', () => {
    const yTrue = [[1, 0, 0, 0], [0, 0, 1, 0], [0.1, 0.2, 0.3, 0.4], [0, 0, 0, 1], [0.5, 0.5, 0, 0]];
    expectSame('categorical_crossentropy', yTrue, sigmoidRows(5, 4));
  });
  it('rows where a normalized value crosses a clip bound (a near-zero target entry, a dominant entry)', () => {
    expectSame('categorical_crossentropy', [[1, 0, 0], [1, 0, 0], [0, 1, 0]], [[1e-9, 0.6, 0.3], [0.9, 1e-9, 2e-9], [0.9, 1e-9, 2e-9]]);
  });
});

describe('sparse_categorical_crossentropy against tfjs-layers (clip, divide by the row sum, clip)', () => {
  it.each([
    ['sigmoid outputs', [0, 2, 3, 1, 3], sigmoidRows(5, 4)],
    ['rows with saturated entries', [0, 0, 1, 2], [[1e-9, 0.6, 0.3], [0.9, 1e-9, 2e-9], [0.9, 1e-9, 2e-9], [1, 1, 0]]],
  ])('%s', async (_, labels, yPred) => {
    expectSame('sparse_categorical_crossentropy', labels, yPred);
    const compiled = await tfEvaluate('sparseCategoricalCrossentropy', labels.map((l) => [l]), yPred);
    expectClose([laminaLossAndGradient('sparse_categorical_crossentropy', labels, yPred).value], [compiled], { rtol: 1e-6, atol: 0 });
  });
});

describe('binary_crossentropy against tfjs-layers (clip in float32, then through logits)', () => {
  const high = Math.fround(1 - 1e-7);
  const low = Math.fround(1e-7);
  it.each([
    ['p exactly 1 with y 0', [[0]], [[1]]],
    ['p exactly 0 with y 1', [[1]], [[0]]],
    ['p = 1 - 1e-8 (1 in float32) with y 0', [[0]], [[1 - 1e-8]]],
    ['p = 1e-8 with y 1', [[1]], [[1e-8]]],
    ['p at the float32 bounds and just outside', [[0], [0], [1], [1]], [[high], [Math.fround(0.99999994)], [low], [Math.fround(9.9e-8)]]],
    ['a saturated sigmoid batch, both labels', [[0, 1], [1, 0], [1, 1]], [[1, 1], [0, 0], [1, 0.25]]],
  ])('%s', (_, yTrue, yPred) => expectSame('binary_crossentropy', yTrue as number[][], yPred as number[][]));
  it('ordinary sigmoid outputs', () => {
    const yPred = sigmoidRows(6, 3);
    expectSame('binary_crossentropy', yPred.map((r) => r.map((_, j) => j % 2)), yPred);
  });
});

describe("the loss a compiled TF.js model reports (model.evaluate) equals Lamina's", () => {
  it('binaryCrossentropy on saturated sigmoids', async () => {
    const yTrue = [[0], [1], [0], [1]];
    const yPred = [[1], [0], [1 - 1e-8], [0.7]];
    expectClose([laminaLossAndGradient('binary_crossentropy', yTrue, yPred).value], [await tfEvaluate('binaryCrossentropy', yTrue, yPred)], { rtol: 1e-6, atol: 0 });
  });
  it('categoricalCrossentropy on sigmoid outputs', async () => {
    const yTrue = [[1, 0], [0, 1], [1, 0]];
    const yPred = [[0.5, 0.881], [0.2, 0.3], [0.99, 0.98]];
    expectClose([laminaLossAndGradient('categorical_crossentropy', yTrue, yPred).value], [await tfEvaluate('categoricalCrossentropy', yTrue, yPred)], { rtol: 1e-6, atol: 0 });
  });
});
