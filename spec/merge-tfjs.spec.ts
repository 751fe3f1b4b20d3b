/**
 * The merge layers, Activation and RepeatVector against TensorFlow.js on the same inputs: eager
 * forward values (TF.js's `tf.layers.*().apply`), and the gradients of sum(y * G) with respect to
 * every input (`tf.grads`), including broadcast inputs and Maximum/Minimum on ties. TF.js has no
 * Subtract layer; it is compared with `tf.sub`.
 */
import { Activation } from '../layers/activation';
import { Add, Average, Concatenate, Maximum, Merge, Minimum, Multiply, Subtract } from '../layers/merge';
import { RepeatVector } from '../layers/reshape';
import { requireGrads, Tape, Workspace } from '../lib/autodiff';
import { Layer } from '../lib/layer';
import { weightedSum } from '../lib/ops';
import { RandomStream } from '../lib/random';
import { Tensor } from '../lib/tensor';
import { lcg, randomTensor } from './helpers/fixtures';
import { tf } from './helpers/tfjs';

type TfLayerMaker = () => { apply(x: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[] };
/** The largest |ours - theirs| of each comparison, printed with LAMINA_REPORT=1. */
const measured: Record<string, number> = {};
afterAll(() => {
  if (process.env.LAMINA_REPORT) console.log(Object.entries(measured).map(([k, d]) => `${k}: ${d.toExponential(2)}`).join('\n'));
});

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function toTf(t: Tensor): tf.Tensor {
  return tf.tensor(Array.from(t.data), t.shape.slice());
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** Ours: y = layer(inputs) and the gradients of sum(y * G) for every input (one taped pass). */
function ours(layer: Layer, inputs: Tensor[], G: (shape: number[]) => Tensor): { y: Tensor; grads: Float32Array[] } {
  const tape = new Tape();
  const ctx = { training: false, tape };
  requireGrads(inputs);
  const y = layer.call(layer.takesList ? inputs : inputs[0], ctx);
  tape.backward(weightedSum(ctx, new Workspace(), y, G(y.shape)));
  return { y, grads: inputs.map((t) => Float32Array.from(t.grad as Float32Array)) };
}

/** Theirs: the same through TF.js (`f` maps TF.js inputs to the output). */
function theirs(f: (xs: tf.Tensor[]) => tf.Tensor, inputs: Tensor[], G: Tensor): { y: Float32Array; grads: Float32Array[] } {
  const xs = inputs.map(toTf);
  const y = f(xs).dataSync() as Float32Array;
  const g = toTf(G);
  const grads = tf.grads((...args: tf.Tensor[]) => tf.sum(tf.mul(f(args), g)))(xs);
  return { y, grads: grads.map((d) => d.dataSync() as Float32Array) };
}

/** Compares forward values and input gradients with TF.js; records the worst difference. */
function compare(label: string, layer: Layer, f: (xs: tf.Tensor[]) => tf.Tensor, inputs: Tensor[]): void {
  let G: Tensor | null = null;
  const mine = ours(layer, inputs, (shape) => (G = randomTensor(shape, lcg(77))));
  const other = theirs(f, inputs, G as unknown as Tensor);
  const forward = maxDiff(mine.y.data, other.y);
  const backward = Math.max(...mine.grads.map((g, k) => maxDiff(g, other.grads[k])));
  measured[`${label} forward`] = forward;
  measured[`${label} gradients`] = backward;
  expect(forward).toBeLessThanOrEqual(1e-6);
  expect(backward).toBeLessThanOrEqual(1e-6);
}

/** Keras' merge broadcasting spelled out: each input reshaped to [batch, 1, ..., ...perSample] and broadcast to the common shape. */
function broadcastLikeKeras(xs: tf.Tensor[]): tf.Tensor[] {
  const rank = Math.max(...xs.map((x) => x.rank));
  const padded = xs.map((x) => [x.shape[0], ...new Array<number>(rank - x.rank).fill(1), ...x.shape.slice(1)]);
  const shape = padded[0].map((_, a) => Math.max(...padded.map((p) => p[a])));
  return xs.map((x, k) => tf.broadcastTo(tf.reshape(x, padded[k]), shape));
}

/** TF.js's layer applied eagerly to a list. */
function applyList(make: TfLayerMaker): (xs: tf.Tensor[]) => tf.Tensor {
  return (xs) => make().apply(xs) as tf.Tensor;
}

const MERGES: [string, () => Merge, (xs: tf.Tensor[]) => tf.Tensor][] = [
  ['Add', () => new Add(), applyList(() => tf.layers.add())],
  ['Multiply', () => new Multiply(), applyList(() => tf.layers.multiply())],
  ['Average', () => new Average(), applyList(() => tf.layers.average())],
  ['Maximum', () => new Maximum(), applyList(() => tf.layers.maximum())],
  ['Minimum', () => new Minimum(), applyList(() => tf.layers.minimum())],
];

describe('merge layers against TensorFlow.js', () => {
  it.each(MERGES)('%s, two and three inputs', (label, make, f) => {
    const next = lcg(1);
    compare(`${label} 2 x [4, 5]`, make(), f, [randomTensor([4, 5], next), randomTensor([4, 5], next)]);
    compare(`${label} 3 x [2, 3, 4]`, make(), f, [randomTensor([2, 3, 4], next), randomTensor([2, 3, 4], next), randomTensor([2, 3, 4], next)]);
  });

  it.each(MERGES)('%s with broadcast inputs [2, 4, 3], [2, 1, 3], [2, 3]', (label, make, f) => {
    const next = lcg(2);
    const inputs = [randomTensor([2, 4, 3], next), randomTensor([2, 1, 3], next), randomTensor([2, 3], next)];
    // Values and gradients against the TF.js layer on the inputs broadcast explicitly first
    // (Keras' rule: axes of length 1 inserted after the batch axis, then repeated): TF.js 4.22's
    // maximum and minimum gradients do not sum over broadcast axes (tf.grads throws "The gradient
    // of input 'b' has shape '2,4,3', which does not match the shape of the input '2,1,3'").
    compare(`${label} broadcast`, make(), (xs) => f(broadcastLikeKeras(xs)), inputs);
    // And the values against the TF.js layer broadcasting by itself.
    const y = make().call(inputs, { training: false, tape: null });
    const d = maxDiff(y.data, f(inputs.map(toTf)).dataSync());
    measured[`${label} broadcast by the TF.js layer, forward`] = d;
    expect(d).toBeLessThanOrEqual(1e-6);
  });

  it('Subtract is tf.sub, on equal and broadcast shapes', () => {
    const next = lcg(3);
    compare('Subtract [4, 5]', new Subtract(), ([a, b]) => tf.sub(a, b), [randomTensor([4, 5], next), randomTensor([4, 5], next)]);
    compare('Subtract broadcast [2, 1, 3] - [2, 4, 3]', new Subtract(), ([a, b]) => tf.sub(a, b), [randomTensor([2, 1, 3], next), randomTensor([2, 4, 3], next)]);
  });

  it('Maximum and Minimum send a tie\'s gradient where TF.js does', () => {
    const a = Tensor.from([[1, 2, 3, 5], [0, 0, 0, 0]]);
    const b = Tensor.from([[1, 4, 3, 0], [0, 1, -1, 0]]);
    const c = Tensor.from([[0, 4, 3, 5], [0, 1, -1, 0]]);
    for (const [label, make, f] of MERGES.filter(([l]) => l === 'Maximum' || l === 'Minimum')) {
      compare(`${label} ties`, make(), f, [a, b, c]);
      compare(`${label} ties, other order`, make(), f, [c, b, a]);
    }
  });

  it.each([
    [-1, [[3, 2], [3, 4]]],
    [1, [[2, 1, 3, 2], [2, 2, 3, 2], [2, 3, 3, 2]]],
    [2, [[2, 2, 1, 2], [2, 2, 3, 2]]],
    [-2, [[2, 3, 2], [2, 1, 2]]],
    [3, [[2, 2, 3, 1], [2, 2, 3, 3]]],
  ])('Concatenate on axis %i of %j', (axis, shapes) => {
    const next = lcg(4);
    // TF.js's Concatenate layer concatenates along the last axis for every negative axis (its
    // K.concatenate turns any axis < 0 into the rank), although its computeOutputShape counts from
    // the end as Keras does; Lamina follows Keras, so -2 is compared with tf.concat(xs, -2).
    const f = axis < 0 && axis !== -1 ? (xs: tf.Tensor[]) => tf.concat(xs, axis) : applyList(() => tf.layers.concatenate({ axis }));
    compare(`Concatenate axis ${axis}`, new Concatenate({ axis }), f, shapes.map((s) => randomTensor(s, next)));
  });
});

describe('Activation and RepeatVector against TensorFlow.js', () => {
  it.each(['linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'elu', 'selu', 'softplus', 'softsign', 'hard_sigmoid'])('Activation(%s) on [3, 2, 5]', (name) => {
    const x = randomTensor([3, 2, 5], lcg(5), 3);
    const tfName = name === 'hard_sigmoid' ? 'hardSigmoid' : name;
    const layer = new Activation(name);
    layer.build([2, 5], { init: new RandomStream('x'), layerSeed: 'x' });
    compare(`Activation(${name})`, layer, ([t]) => tf.layers.activation({ activation: tfName as never }).apply(t) as tf.Tensor, [x]);
  });

  it('RepeatVector(3) on [4, 5]', () => {
    const layer = new RepeatVector(3);
    layer.build([5], { init: new RandomStream('x'), layerSeed: 'x' });
    compare('RepeatVector(3)', layer, ([t]) => tf.layers.repeatVector({ n: 3 }).apply(t) as tf.Tensor, [randomTensor([4, 5], lcg(6))]);
  });
});
