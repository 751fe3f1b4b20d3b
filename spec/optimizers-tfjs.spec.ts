/**
 * Lamina's optimizers against TensorFlow.js 4.22's (its CPU backend, float32) on the same start
 * weights and gradients: RMSprop plain, with momentum and centered, on gradients near epsilon
 * (1e-4 to 1e-3, where epsilon's placement matters) and of order 1; Adam where TF.js's epsilon
 * placement (Algorithm 1) and Keras' (epsilon hat, which Lamina follows) agree and where they do not.
 */
import { tf } from './helpers/tfjs';
import { Adam, Optimizer, RMSprop } from '../lib/optimizers';
import { Tensor } from '../lib/tensor';
import { expectClose, loadFixture } from './helpers/fixtures';

const cases = loadFixture('optimizer-cases') as Record<string, { w0: number[]; grads: number[][]; weights: number[][] }>;
const w0 = cases.rmsprop_small.w0;
const small = cases.rmsprop_small.grads;
const big = cases.rmsprop_centered.grads;

beforeAll(async () => {
  await tf.setBackend('cpu');
  // The CPU backend prints a one-time "install tfjs-node" notice on its first tensor: take it here.
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  tf.scalar(0).dispose();
  warn.mockRestore();
});

/** The weights after each step of TF.js's optimizer. */
function tfRun(optimizer: tf.Optimizer, grads: number[][]): number[][] {
  const w = tf.variable(tf.tensor1d(w0));
  const out: number[][] = [];
  for (const g of grads) {
    tf.tidy(() => optimizer.applyGradients([{ name: w.name, tensor: tf.tensor1d(g) }]));
    out.push(Array.from(w.dataSync()));
  }
  optimizer.dispose();
  w.dispose();
  return out;
}

/** The weights after each step of Lamina's optimizer. */
function laminaRun(optimizer: Optimizer, grads: number[][]): number[][] {
  const w = Tensor.from(w0);
  return grads.map((g) => {
    w.grad = Float32Array.from(g);
    optimizer.step([w]);
    return Array.from(w.data);
  });
}

/** Largest |a - b| over all steps and weights. */
function maxDifference(a: number[][], b: number[][]): number {
  return Math.max(...a.flatMap((row, i) => row.map((v, j) => Math.abs(v - b[i][j]))));
}

describe('RMSprop against tf.train.rmsprop (float32: rtol 1e-5, atol 1e-6)', () => {
  const runs: Array<[string, () => Optimizer, () => tf.Optimizer, number[][]]> = [
    ['plain, gradients near epsilon', () => new RMSprop({ learningRate: 0.01 }), () => tf.train.rmsprop(0.01, 0.9, 0, 1e-7, false), small],
    ['plain, gradients of order 1', () => new RMSprop({ learningRate: 0.01 }), () => tf.train.rmsprop(0.01, 0.9, 0, 1e-7, false), big],
    ['momentum 0.5, gradients near epsilon', () => new RMSprop({ learningRate: 0.01, momentum: 0.5 }), () => tf.train.rmsprop(0.01, 0.9, 0.5, 1e-7, false), small],
    ['momentum 0.9, gradients of order 1', () => new RMSprop({ learningRate: 0.01, momentum: 0.9 }), () => tf.train.rmsprop(0.01, 0.9, 0.9, 1e-7, false), big],
    ['centered, gradients of order 1', () => new RMSprop({ learningRate: 0.01, centered: true }), () => tf.train.rmsprop(0.01, 0.9, 0, 1e-7, true), big],
    ['centered with momentum 0.5, gradients of order 1', () => new RMSprop({ learningRate: 0.01, momentum: 0.5, centered: true }), () => tf.train.rmsprop(0.01, 0.9, 0.5, 1e-7, true), big],
  ];
  it.each(runs)('%s: the same weights after every step', (_, lamina, tfjs, grads) => {
    const expected = tfRun(tfjs(), grads);
    const got = laminaRun(lamina(), grads);
    got.forEach((w, step) => expectClose(w, expected[step]));
  });

  it('the issue repro: one weight, gradient 1e-3, lr 0.01 steps to -0.022361 in both', () => {
    const w = tf.variable(tf.tensor1d([0]));
    const optimizer = tf.train.rmsprop(0.01, 0.9, 0, 1e-7, false);
    optimizer.applyGradients([{ name: w.name, tensor: tf.tensor1d([1e-3]) }]);
    const x = Tensor.from([0]);
    x.grad = Float32Array.from([1e-3]);
    new RMSprop({ learningRate: 0.01 }).step([x]);
    expect(x.data[0]).toBeCloseTo(w.dataSync()[0], 7);
    optimizer.dispose();
    w.dispose();
  });

  it('centered with gradients near epsilon: Lamina follows Keras; TF.js subtracts epsilon and gives NaN', () => {
    const tfWeights = tfRun(tf.train.rmsprop(0.01, 0.9, 0, 1e-7, true), small);
    expect(tfWeights[0].some(Number.isNaN)).toBe(true);
    const got = laminaRun(new RMSprop({ learningRate: 0.01, centered: true }), small);
    got.forEach((w, step) => expectClose(w, cases.rmsprop_centered_small.weights[step]));
  });
});

describe('Adam against tf.train.adam: epsilon placement', () => {
  it('gradients of order 1: the same weights (epsilon is negligible next to sqrt(v))', () => {
    const expected = tfRun(tf.train.adam(0.01, 0.9, 0.999, 1e-7), big);
    laminaRun(new Adam({ learningRate: 0.01 }), big).forEach((w, step) => expectClose(w, expected[step]));
  });
  it('gradients of 1e-4 to 1e-3: Lamina is the Keras run (epsilon hat); TF.js differs by more than 1e-4', () => {
    const lamina = laminaRun(new Adam({ learningRate: 0.01 }), small);
    lamina.forEach((w, step) => expectClose(w, cases.adam_small.weights[step]));
    expect(maxDifference(tfRun(tf.train.adam(0.01, 0.9, 0.999, 1e-7), small), lamina)).toBeGreaterThan(1e-4);
  });
});
