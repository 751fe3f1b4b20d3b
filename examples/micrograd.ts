/**
 * Deep learning from scratch, micrograd's story with Lamina's ops: two half moons, first a
 * logistic regression, then a 2-16-16-1 MLP, each a handful of variables, a loss written with
 * ops, `loss.backward()` and a plain SGD step. Prints both accuracies and draws the MLP's decision
 * function to out/micrograd.svg. Run: `node dist/examples/micrograd.js`.
 */
import { heatMap, makeMoons, RandomStream, saveSvg, sub, tensor, Tensor, variable, zeroGrads } from '../index';

/** Binary cross-entropy of probabilities p [n, 1] against labels y [n, 1], averaged. */
const bce = (p: Tensor, y: Tensor): Tensor => {
  const q = p.clip(1e-7, 1 - 1e-7);
  return y.mul(q.log()).add(sub(1, y).mul(sub(1, q).log())).neg().mean();
};

/** A matrix [rows, cols] of N(0, 1 / rows) draws, as a variable. */
const init = (rows: number, cols: number, random: RandomStream): Tensor =>
  variable(Array.from({ length: rows }, () => Array.from({ length: cols }, () => random.normal() / Math.sqrt(rows))));

/** Plain SGD: p -= lr * dL/dp for every parameter, then the gradients back to zero. */
function sgd(params: Tensor[], lr: number): void {
  for (const p of params) for (let i = 0; i < p.size; i++) p.data[i] -= lr * (p.grad as Float32Array)[i];
  zeroGrads(params);
}

/** Trains `forward` (with its `params`) on x, y for `steps`; returns the final loss. */
function train(forward: (x: Tensor) => Tensor, params: Tensor[], x: Tensor, y: Tensor, steps: number, lr: number): number {
  let loss = 0;
  for (let step = 0; step < steps; step++) {
    const l = bce(forward(x), y);
    l.backward();
    sgd(params, lr);
    loss = l.data[0];
  }
  return loss;
}

/** The fraction of points on the right side of 0.5. */
const accuracy = (p: Tensor, y: Tensor): number => p.greater(0.5).equal(y).mean().data[0];

export function micrograd(steps = 2000): { logistic: number; mlp: number; forward: (x: Tensor) => Tensor } {
  const { X, y: labels } = makeMoons({ nSamples: 200, noise: 0.1, randomState: 1 });
  const y = labels.reshape([200, 1]);
  const random = new RandomStream('micrograd');
  // 1. Logistic regression: p = sigmoid(x w + b), a straight boundary.
  const w = init(2, 1, random);
  const b = variable([0]);
  const logistic = (x: Tensor) => x.matMul(w).add(b).sigmoid();
  train(logistic, [w, b], X, y, steps, 0.5);
  // 2. An MLP: two hidden tanh layers of 16, a bent boundary.
  const [w1, b1, w2, b2, w3, b3] = [init(2, 16, random), variable(new Array(16).fill(0)), init(16, 16, random), variable(new Array(16).fill(0)), init(16, 1, random), variable([0])];
  const mlp = (x: Tensor) => x.matMul(w1).add(b1).tanh().matMul(w2).add(b2).tanh().matMul(w3).add(b3).sigmoid();
  train(mlp, [w1, b1, w2, b2, w3, b3], X, y, steps, 0.5);
  return { logistic: accuracy(logistic(X), y), mlp: accuracy(mlp(X), y), forward: mlp };
}

if (require.main === module) {
  const { logistic, mlp, forward } = micrograd();
  console.log(`logistic regression: accuracy ${logistic.toFixed(3)}; MLP 2-16-16-1: accuracy ${mlp.toFixed(3)} (2000 SGD steps each)`);
  const side = 80;
  const grid = tensor(Array.from({ length: side * side }, (_, k) => [-1.5 + (3.5 * (k % side)) / (side - 1), -1 + (2.5 * Math.floor(k / side)) / (side - 1)]));
  const { X, y } = makeMoons({ nSamples: 200, noise: 0.1, randomState: 1 });
  const svg = heatMap(forward(grid), { rows: side, cols: side, xMin: -1.5, xMax: 2, yMin: -1, yMax: 1.5 }, { title: 'An MLP by hand: p(class 1)', colorbarLabel: 'p(class 1)', vMin: 0, vMax: 1, points: { X, labels: y } });
  saveSvg('out/micrograd.svg', svg);
  console.log('wrote out/micrograd.svg');
}
