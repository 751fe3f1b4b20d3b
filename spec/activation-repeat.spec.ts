/**
 * Activation(activation) and RepeatVector(n): values, gradient checks through `call` and through
 * models, shapes and errors.
 */
import { Activation } from '../layers/activation';
import { Dense } from '../layers/dense';
import { Add, Concatenate } from '../layers/merge';
import { Flatten, RepeatVector } from '../layers/reshape';
import { SimpleRNN } from '../layers/recurrent';
import { Workspace } from '../lib/autodiff';
import { gradCheck } from '../lib/gradcheck';
import { Input } from '../lib/graph/input';
import { Layer } from '../lib/layer';
import { Model } from '../lib/model';
import { activation, repeatVector, weightedSum } from '../lib/ops';
import { RandomStream } from '../lib/random';
import { Sequential } from '../lib/sequential';
import { Tensor } from '../lib/tensor';
import { lcg, randomTensor } from './helpers/fixtures';

const INFER = { training: false, tape: null };
/** The relative errors of every gradient check, printed with LAMINA_REPORT=1. */
const measured: Record<string, number> = {};
afterAll(() => {
  if (process.env.LAMINA_REPORT) console.log(Object.entries(measured).map(([k, e]) => `${k}: ${e.toExponential(2)}`).join('\n'));
});

function built<T extends Layer>(layer: T, perSample: number[]): T {
  layer.build(perSample, { init: new RandomStream('r'), layerSeed: 'r' });
  return layer;
}

/** gradCheck of sum(f(ctx) * G) over `tensors`; records and returns the worst relative error. */
function check(label: string, f: (ctx: typeof INFER | { training: boolean; tape: never }) => Tensor, tensors: Tensor[]): number {
  const G = randomTensor(f(INFER).shape, lcg(42));
  const ws = new Workspace();
  const { relativeError } = gradCheck((ctx) => weightedSum(ctx, ws, f(ctx as never), G), tensors);
  measured[label] = Math.max(...relativeError);
  return measured[label];
}

describe('Activation', () => {
  it('applies the named function elementwise, softmax along the last axis', () => {
    const x = Tensor.from([[[-1, 0, 2], [3, -4, 0.5]]]);
    expect(built(new Activation('relu'), [2, 3]).call(x, INFER).toArray()).toEqual([[[0, 0, 2], [3, 0, 0.5]]]);
    const y = built(new Activation('softmax'), [2, 3]).call(x, INFER);
    expect(y.shape).toEqual([1, 2, 3]);
    for (const row of (y.toArray() as number[][][])[0]) expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
    const e = [Math.exp(-1), 1, Math.exp(2)];
    expect(y.get(0, 0, 2)).toBeCloseTo(e[2] / (e[0] + e[1] + e[2]), 6);
    expect(built(new Activation('tanh'), [2, 3]).call(x, INFER).get(0, 1, 0)).toBeCloseTo(Math.tanh(3), 6);
  });

  it.each(['linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'elu', 'selu', 'softplus', 'softsign', 'hard_sigmoid'])('%s passes the gradient check on [3, 2, 4]', (name) => {
    const layer = built(new Activation(name), [2, 4]);
    // Values on a grid of 0.05 shifted by 0.013: never within a step of relu's or elu's kink at 0.
    const x = randomTensor([3, 2, 4], lcg(1), 2);
    for (let i = 0; i < x.size; i++) x.data[i] = Math.round(x.data[i] * 20) / 20 + 0.013;
    expect(check(`Activation(${name})`, (ctx) => layer.call(x, ctx), [x])).toBeLessThan(1e-2);
  });

  it('in a functional model: Dense -> Activation(softmax) and a shared Activation(tanh) used twice', () => {
    const a = Input({ shape: [3] });
    const d = new Dense(3);
    const e = new Dense(4);
    const tanh = new Activation('tanh');
    const soft = new Activation('softmax');
    const out = soft.apply(e.apply(tanh.apply(d.apply(tanh.apply(a)))));
    const model = new Model({ inputs: a, outputs: out, seed: 1 });
    expect(tanh.inboundNodes.length).toBe(2);
    const x = randomTensor([5, 3], lcg(2));
    expect(check('model tanh -> Dense -> tanh (shared) -> Dense -> Activation(softmax)', (ctx) => model.forward(x, ctx)[0], [d.kernel, e.kernel, x])).toBeLessThan(1e-2);
  });

  it('takes an input shape as a first layer, saves its activation, and names its errors', () => {
    const model = new Sequential({ seed: 1 });
    model.add(new Activation('relu', { inputShape: [3] }));
    model.add(new Dense(2));
    expect(model.predict([[1, -1, 2]]).shape).toEqual([1, 2]);
    expect(new Activation('hardSigmoid', { name: 'h' }).getConfig()).toEqual({ name: 'h', trainable: true, dtype: 'float32', activation: 'hard_sigmoid' });
    expect(() => new Activation('swishy', { name: 'bad' })).toThrow(/Unknown activation for Activation 'bad': 'swishy'; known: linear, relu/);
    expect(() => new Activation(undefined as unknown as string, { name: 'none' })).toThrow(/Activation 'none': the activation must be a name such as 'relu' or 'softmax', got undefined/);
    expect(() => new Activation('relu', { activation: 'tanh' } as never)).toThrow(/Activation: unknown option 'activation'/);
    expect(() => new Activation('softmax', { name: 's' }).computeOutputShape([])).toThrow(/Activation 's': softmax works on the last axis of a per-sample input, got a scalar per sample/);
    expect(() => built(new Activation('relu', { name: 'r' }), [3]).call(Tensor.zeros([2, 4]), INFER)).toThrow("Activation 'r': expected input [batch, 3], got [2, 4]");
    expect(() => activation(INFER, new Workspace(), Tensor.zeros([4]), 'softmax')).toThrow(/activation: softmax works on the last axis of \[batch, \.\.\., n\], got \[4\]/);
  });
});

describe('Activation and RepeatVector add into the gradient of an input that is also used elsewhere', () => {
  it('h -> [tanh(h) + h] and h -> [flatten(repeat(h)), h]', () => {
    const a = Input({ shape: [3] });
    const d = new Dense(4);
    const h = d.apply(a);
    const residual = new Add().apply([new Activation('tanh').apply(h), h]);
    const both = new Concatenate().apply([new Flatten().apply(new RepeatVector(2).apply(residual)), residual]);
    const model = new Model({ inputs: a, outputs: both, seed: 3 });
    expect(model.outputShape).toEqual([12]);
    const x = randomTensor([3, 3], lcg(5));
    expect(check('model Add(tanh(h), h), Concatenate(Flatten(RepeatVector(2)), .)', (ctx) => model.forward(x, ctx)[0], [d.kernel, d.bias as Tensor, x])).toBeLessThan(1e-2);
  });
});

describe('RepeatVector', () => {
  it('repeats each sample n times: [batch, features] -> [batch, n, features]', () => {
    const layer = built(new RepeatVector(3), [2]);
    expect(layer.outputShape).toEqual([3, 2]);
    expect(layer.call(Tensor.from([[1, 2], [3, 4]]), INFER).toArray()).toEqual([
      [[1, 2], [1, 2], [1, 2]],
      [[3, 4], [3, 4], [3, 4]],
    ]);
  });

  it('passes the gradient check (the input gradient is the sum over the repeats)', () => {
    const layer = built(new RepeatVector(4), [3]);
    const x = randomTensor([2, 3], lcg(3));
    expect(check('RepeatVector(4)', (ctx) => layer.call(x, ctx), [x])).toBeLessThan(1e-2);
    // and the op, with G = 1: each input element gets n
    const ws = new Workspace();
    const { analytic } = gradCheck((ctx) => weightedSum(ctx, ws, repeatVector(ctx, ws, x, 4), Tensor.full([2, 4, 3], 1)), [x]);
    expect(Array.from(analytic[0])).toEqual(new Array(6).fill(4));
  });

  it('feeds a recurrent layer in a model (encoder vector to every step), gradient-checked', () => {
    const a = Input({ shape: [3] });
    const enc = new Dense(4, { activation: 'tanh' });
    const rnn = new SimpleRNN(2, { returnSequences: true });
    const head = new Dense(1);
    const out = head.apply(new Flatten().apply(rnn.apply(new RepeatVector(3).apply(enc.apply(a)))));
    const model = new Model({ inputs: a, outputs: out, seed: 2 });
    const x = randomTensor([2, 3], lcg(4));
    expect(check('model Dense -> RepeatVector(3) -> SimpleRNN -> Dense', (ctx) => model.forward(x, ctx)[0], [enc.kernel, ...rnn.weights, x])).toBeLessThan(1e-2);
  });

  it('names its errors', () => {
    expect(() => new RepeatVector(0, { name: 'rv' })).toThrow(/RepeatVector 'rv': n must be a positive integer, got 0/);
    expect(() => new RepeatVector(2.5)).toThrow(/n must be a positive integer, got 2.5/);
    expect(() => new RepeatVector(2, { name: 'rv2' }).computeOutputShape([2, 3])).toThrow(/RepeatVector 'rv2': expected input \[batch, features\] \(one axis per sample\), got per-sample shape \[2, 3\]/);
    expect(() => built(new RepeatVector(2, { name: 'rv3' }), [3]).call(Tensor.zeros([2, 4]), INFER)).toThrow("RepeatVector 'rv3': expected input [batch, 3], got [2, 4]");
    expect(() => repeatVector(INFER, new Workspace(), Tensor.zeros([2, 3, 1]), 2)).toThrow(/repeatVector: expected \[batch, features\], got \[2, 3, 1\]/);
    expect(new RepeatVector(5, { name: 'r5' }).getConfig()).toEqual({ name: 'r5', trainable: true, dtype: 'float32', n: 5 });
  });
});
