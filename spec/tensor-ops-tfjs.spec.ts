/**
 * The tensor ops against TensorFlow.js on the same expressions: the value and `tf.grads`'
 * gradient with respect to every input, within 1e-5 relative (max |ours - theirs| over
 * max |theirs|, per tensor). Composite expressions (a logistic loss, softmax cross-entropy, a
 * two-layer MLP, a broadcasted normalization) are compared on their scalar loss; each op family
 * on random inputs through sum(y * G), G a fixed random tensor, and on its output y itself.
 * `LAMINA_REPORT=1 npx jest spec/tensor-ops-tfjs.spec.ts` prints the worst difference of each case.
 */
import { Tape } from '../lib/autodiff';
import { Tensor } from '../lib/tensor';
import {
  abs, add, clip, concat, div, exp, gather, greater, log, logSoftmax, matMul, max, maximum, mean, minimum, mul, neg,
  pow, relu, reshape, sigmoid, slice, softmax, sqrt, square, sub, sum, tanh, transpose, variable, where,
} from '../lib/tensor-ops';
import { lcg, randomTensor } from './helpers/fixtures';
import { tf } from './helpers/tfjs';

/** The worst relative difference of each case (value, then gradients), printed with LAMINA_REPORT=1. */
const measured: Record<string, number> = {};
afterAll(() => {
  if (process.env.LAMINA_REPORT) console.log(Object.entries(measured).map(([k, d]) => `${k}: ${d.toExponential(2)}`).join('\n'));
});

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const TOLERANCE = 1e-5;

/** max |a - b| / max |b| (0 when b is all zeros and a equals it). */
function relative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff === 0 ? 0 : diff / scale;
}

function toTf(t: Tensor): tf.Tensor {
  return tf.tensor(Array.from(t.data), t.shape.slice());
}

/**
 * Compares `ours(...inputs)` with `theirs(...inputs)`: the output values, and the gradients of
 * the output itself when it is a scalar, else of sum(output * G), with respect to every input.
 */
function compare(label: string, ours: (...xs: Tensor[]) => Tensor, theirs: (...xs: tf.Tensor[]) => tf.Tensor, inputs: Tensor[]): void {
  // Ours: the inputs as variables, one pass, backward on the loss's tape.
  const vars = inputs.map((t) => variable(t));
  const y = ours(...vars);
  const G = randomTensor(y.shape, lcg(97));
  const loss = y.size === 1 ? y : mul(y, G).sum();
  (loss.tape as Tape).backward(loss);

  // Theirs: the same through tf.grads.
  const xs = inputs.map(toTf);
  const g = toTf(G);
  const tfLoss = (...args: tf.Tensor[]): tf.Tensor => {
    const out = theirs(...args);
    return out.size === 1 ? tf.reshape(out, []) : tf.sum(tf.mul(out, g));
  };
  const ty = theirs(...xs);
  expect(y.shape).toEqual(ty.shape);
  const grads = tf.grads(tfLoss)(xs);

  const errors = [relative(y.data, ty.dataSync()), ...vars.map((v, k) => relative(v.grad as Float32Array, grads[k].dataSync()))];
  errors.forEach((e, k) => {
    measured[label] = Math.max(measured[label] ?? 0, e);
    if (!(e <= TOLERANCE)) throw new Error(`${label}: ${k === 0 ? 'value' : `gradient of input ${k - 1}`} differs from TF.js by ${e.toExponential(2)} relative`);
  });
}

/** a and b broadcast to their common shape (for TF.js ops whose gradient does not reduce over broadcast axes). */
function broadcastBoth(a: tf.Tensor, b: tf.Tensor): [tf.Tensor, tf.Tensor] {
  const shape = tf.add(a, b).shape;
  return [tf.broadcastTo(a, shape), tf.broadcastTo(b, shape)];
}

/** A random tensor with entries in [lo, hi). */
function uniform(shape: number[], next: () => number, lo: number, hi: number): Tensor {
  const t = randomTensor(shape, next);
  for (let i = 0; i < t.size; i++) t.data[i] = lo + ((t.data[i] + 1) / 2) * (hi - lo);
  return t;
}

/** Labels 0/1 of `shape`. */
function labels(shape: number[], next: () => number): Tensor {
  const t = randomTensor(shape, next);
  for (let i = 0; i < t.size; i++) t.data[i] = t.data[i] > 0 ? 1 : 0;
  return t;
}

/** One-hot rows [n, classes]. */
function oneHot(n: number, classes: number, next: () => number): Tensor {
  const t = Tensor.zeros([n, classes]);
  for (let r = 0; r < n; r++) t.data[r * classes + Math.floor(((next() + 1) / 2) * classes)] = 1;
  return t;
}

describe('composite expressions against tf.grads', () => {
  it('logistic regression loss: -mean(y log p + (1 - y) log(1 - p)), p = sigmoid(xw + b)', () => {
    const next = lcg(1);
    const X = randomTensor([16, 3], next, 2);
    const y = labels([16, 1], next);
    compare(
      'logistic loss',
      (x, w, b) => {
        const p = x.matMul(w).add(b).sigmoid();
        return y.mul(p.log()).add(sub(1, y).mul(sub(1, p).log())).mean().neg();
      },
      (x, w, b) => {
        const p = tf.sigmoid(tf.add(tf.matMul(x, w), b));
        return tf.neg(tf.mean(tf.add(tf.mul(toTf(y), tf.log(p)), tf.mul(tf.sub(1, toTf(y)), tf.log(tf.sub(1, p))))));
      },
      [X, randomTensor([3, 1], next), randomTensor([1], next)],
    );
  });

  it('softmax cross-entropy: -mean(sum(y * logSoftmax(xW + b), -1)), and through softmax then a clipped log', () => {
    const next = lcg(2);
    const X = randomTensor([12, 4], next, 2);
    const Y = oneHot(12, 5, next);
    const W = randomTensor([4, 5], next);
    const b = randomTensor([5], next);
    compare(
      'softmax cross-entropy (logSoftmax)',
      (x, w, c) => Y.mul(x.matMul(w).add(c).logSoftmax()).sum(-1).mean().neg(),
      (x, w, c) => tf.neg(tf.mean(tf.sum(tf.mul(toTf(Y), tf.logSoftmax(tf.add(tf.matMul(x, w), c))), -1))),
      [X, W, b],
    );
    compare(
      'softmax cross-entropy (softmax, clip, log)',
      (x, w, c) => Y.mul(x.matMul(w).add(c).softmax().clip(1e-7, 1).log()).sum(1).mean().neg(),
      (x, w, c) => tf.neg(tf.mean(tf.sum(tf.mul(toTf(Y), tf.log(tf.clipByValue(tf.softmax(tf.add(tf.matMul(x, w), c)), 1e-7, 1))), 1))),
      [X, W, b],
    );
  });

  it('a two-layer MLP: mean((sigmoid(relu(xW1 + b1) W2 + b2) - y)^2), and a tanh one with a transposed weight', () => {
    const next = lcg(3);
    const X = randomTensor([10, 2], next, 2);
    const y = labels([10, 1], next);
    compare(
      'two-layer MLP (relu, sigmoid)',
      (x, w1, b1, w2, b2) => x.matMul(w1).add(b1).relu().matMul(w2).add(b2).sigmoid().sub(y).square().mean(),
      (x, w1, b1, w2, b2) => tf.mean(tf.square(tf.sub(tf.sigmoid(tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2)), toTf(y)))),
      [X, randomTensor([2, 8], next), randomTensor([8], next, 0.1), randomTensor([8, 1], next), randomTensor([1], next, 0.1)],
    );
    compare(
      'two-layer MLP (tanh, transposed W2)',
      (x, w1, b1, w2) => x.matMul(w1).add(b1).tanh().matMul(w2, false, true).sub(y).abs().mean(),
      (x, w1, b1, w2) => tf.mean(tf.abs(tf.sub(tf.matMul(tf.tanh(tf.add(tf.matMul(x, w1), b1)), w2, false, true), toTf(y)))),
      [X, randomTensor([2, 8], next), randomTensor([8], next, 0.1), randomTensor([1, 8], next)],
    );
  });

  it('a broadcasted normalization (x - mean) / sqrt(var + eps) * gamma + beta over one axis and over two', () => {
    const next = lcg(4);
    const x = randomTensor([4, 6, 5], next, 3);
    const gamma = uniform([5], next, 0.5, 1.5);
    const beta = randomTensor([5], next);
    for (const axes of [[1], [-1], [0, 1]]) {
      compare(
        `normalization over [${axes}]`,
        (t, g, c) => {
          const centred = t.sub(t.mean(axes, true));
          return centred.div(centred.square().mean(axes, true).add(1e-3).sqrt()).mul(g).add(c);
        },
        (t, g, c) => {
          const centred = tf.sub(t, tf.mean(t, axes, true));
          return tf.add(tf.mul(tf.div(centred, tf.sqrt(tf.add(tf.mean(tf.square(centred), axes, true), 1e-3))), g), c);
        },
        [x, gamma, beta],
      );
    }
  });
});

describe('each op family on random inputs against tf.grads', () => {
  it('binary ops with broadcasting, and where', () => {
    const pairs: Array<[number[], number[]]> = [[[2, 3, 4], [3, 1]], [[2, 1, 4], [2, 3, 1]], [[3], [2, 3]], [[2, 3], []]];
    const ops: Array<[string, (a: Tensor, b: Tensor) => Tensor, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor]> = [
      ['add', add, tf.add], ['sub', sub, tf.sub], ['mul', mul, tf.mul], ['div', div, tf.div], ['pow', pow, tf.pow],
      // TF.js's maximum/minimum gradients do not sum over broadcast axes (they fail on [3, 1]
      // against [2, 3, 4]): there the inputs are broadcast first, with tf.broadcastTo.
      ['maximum', maximum, (a, b) => tf.maximum(...broadcastBoth(a, b))], ['minimum', minimum, (a, b) => tf.minimum(...broadcastBoth(a, b))],
    ];
    for (const [name, ours, theirs] of ops) {
      pairs.forEach(([sa, sb], k) => {
        const next = lcg(10 + k);
        const a = name === 'pow' ? uniform(sa, next, 0.5, 2) : randomTensor(sa, next);
        const b = name === 'div' ? uniform(sb, next, 0.5, 2) : randomTensor(sb, next);
        compare(name, ours, theirs, [a, b]);
      });
    }
    const next = lcg(20);
    const c = randomTensor([1, 4], next);
    compare('where', (a, b) => where(greater(c, 0), a, b), (a, b) => tf.where(tf.greater(toTf(c), 0), a, b), [randomTensor([2, 3, 4], next), randomTensor([3, 1], next)]);
  });

  it('unary ops and clip', () => {
    const ops: Array<[string, (x: Tensor) => Tensor, (x: tf.Tensor) => tf.Tensor, number, number]> = [
      ['neg', neg, tf.neg, -2, 2], ['exp', exp, tf.exp, -2, 2], ['log', log, tf.log, 0.2, 3], ['sqrt', sqrt, tf.sqrt, 0.2, 3],
      ['square', square, tf.square, -2, 2], ['abs', abs, tf.abs, -2, 2], ['relu', relu, tf.relu, -2, 2],
      ['sigmoid', sigmoid, tf.sigmoid, -6, 6], ['tanh', tanh, tf.tanh, -3, 3],
      ['clip', (x) => clip(x, -0.5, 0.7), (x) => tf.clipByValue(x, -0.5, 0.7), -2, 2],
    ];
    ops.forEach(([name, ours, theirs, lo, hi], k) => compare(name, ours, theirs, [uniform([3, 7], lcg(30 + k), lo, hi)]));
  });

  it('sum, mean and max over axes, with and without keepDims', () => {
    const cases: Array<number | number[] | undefined> = [0, 1, -1, [0, 2], undefined];
    cases.forEach((axes, k) => {
      for (const keepDims of [false, true]) {
        const x = randomTensor([3, 4, 5], lcg(40 + k));
        compare('sum', (t) => sum(t, axes, keepDims), (t) => tf.sum(t, axes, keepDims), [x]);
        compare('mean', (t) => mean(t, axes, keepDims), (t) => tf.mean(t, axes, keepDims), [x]);
        // Random values have no ties, where TF.js would give every tied element the gradient.
        compare('max', (t) => max(t, axes, keepDims), (t) => tf.max(t, axes, keepDims), [x]);
      }
    });
  });

  it('matMul: transposes, batched, and a 2-D operand shared by a batch', () => {
    const cases: Array<[number[], number[], boolean, boolean]> = [
      [[3, 4], [4, 5], false, false], [[4, 3], [4, 5], true, false], [[3, 4], [5, 4], false, true], [[4, 3], [5, 4], true, true],
      [[2, 3, 4], [2, 4, 5], false, false], [[2, 4, 3], [2, 5, 4], true, true], [[2, 3, 4], [4, 5], false, false], [[3, 4], [2, 4, 5], false, false],
    ];
    // TF.js's batched matMul gradient does not sum over a shared 2-D operand (its gradient comes
    // back [batch, ...]): there the operand is broadcast to the batch first, with tf.broadcastTo.
    const batched = (t: tf.Tensor, other: tf.Tensor): tf.Tensor => (t.rank === 2 && other.rank === 3 ? tf.broadcastTo(t, [other.shape[0], ...t.shape]) : t);
    cases.forEach(([sa, sb, tA, tB], k) => {
      const next = lcg(50 + k);
      compare('matMul', (a, b) => matMul(a, b, tA, tB), (a, b) => tf.matMul(batched(a, b), batched(b, a), tA, tB), [randomTensor(sa, next), randomTensor(sb, next)]);
    });
  });

  it('softmax and logSoftmax along the last axis, and along others (TF.js through transposes)', () => {
    const x = randomTensor([3, 4, 5], lcg(60), 3);
    compare('softmax', (t) => softmax(t), (t) => tf.softmax(t), [x]);
    compare('logSoftmax', (t) => logSoftmax(t), (t) => tf.logSoftmax(t), [x]);
    compare('softmax', (t) => softmax(t, 1), (t) => tf.transpose(tf.softmax(tf.transpose(t, [0, 2, 1])), [0, 2, 1]), [x]);
    compare('logSoftmax', (t) => logSoftmax(t, 0), (t) => tf.transpose(tf.logSoftmax(tf.transpose(t, [2, 1, 0])), [2, 1, 0]), [x]);
  });

  it('reshape, transpose, concat, slice, gather', () => {
    const next = lcg(70);
    const x = randomTensor([3, 4, 5], next);
    compare('reshape', (t) => reshape(t, [5, -1]).mul(reshape(t, [5, 12])), (t) => tf.mul(tf.reshape(t, [5, -1]), tf.reshape(t, [5, 12])), [x]);
    compare('transpose', (t) => transpose(t, [1, 2, 0]), (t) => tf.transpose(t, [1, 2, 0]), [x]);
    compare('transpose', (t) => transpose(t), (t) => tf.transpose(t), [x]);
    compare('concat', (a, b) => concat([a, b, a], 1), (a, b) => tf.concat([a, b, a], 1), [x, randomTensor([3, 2, 5], next)]);
    compare('slice', (t) => slice(t, [1, 0, 2], [2, -1, 3]), (t) => tf.slice(t, [1, 0, 2], [2, -1, 3]), [x]);
    compare('gather', (t) => gather(t, [2, 0, 2]), (t) => tf.gather(t, tf.tensor1d([2, 0, 2], 'int32')), [x]);
    compare('gather', (t) => gather(t, [[3, 1], [1, 1]], 1), (t) => tf.gather(t, tf.tensor2d([[3, 1], [1, 1]], [2, 2], 'int32'), 1), [x]);
  });
});
