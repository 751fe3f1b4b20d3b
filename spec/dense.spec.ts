import { Dense } from '../layers/dense';
import { Tape, requireGrads } from '../lib/autodiff';
import { gradCheck } from '../lib/gradcheck';
import { weightedSum, dense } from '../lib/ops';
import { Workspace } from '../lib/autodiff';
import { RandomStream } from '../lib/random';
import { Tensor } from '../lib/tensor';
import { expectClose, lcg, loadFixture, randomTensor, tensor } from './helpers/fixtures';

const fixture = loadFixture('layers').dense as Array<Record<string, any>>;

function buildDense(c: Record<string, any>): Dense {
  const layer = new Dense(c.kernel[0].length, { activation: c.activation, inputDim: c.kernel.length });
  layer.build([c.kernel.length], { init: new RandomStream(0), layerSeed: '0' });
  layer.setWeights([tensor(c.kernel), tensor(c.bias)]);
  return layer;
}

describe('Dense against the reference numbers (layers.json "dense")', () => {
  it.each(fixture.map((c) => [c.activation, c]))('%s: output and the gradients of sum(y * G)', (_name, c) => {
    const layer = buildDense(c);
    const x = tensor(c.x);
    const tape = new Tape();
    requireGrads([x, ...layer.weights]);
    const ctx = { training: true, tape };
    const y = layer.call(x, ctx);
    expectClose(y.data, c.y);
    tape.backward(weightedSum(ctx, new Workspace(), y, tensor(c.G)));
    expectClose(x.grad as Float32Array, c.dx);
    expectClose(layer.kernel.grad as Float32Array, c.dkernel);
    expectClose((layer.bias as Tensor).grad as Float32Array, c.dbias);
  });
});

describe('Dense gradient checks (central differences)', () => {
  const next = lcg(7);
  it.each(['linear', 'relu', 'sigmoid', 'hard_sigmoid', 'tanh', 'softmax', 'elu', 'selu', 'softplus', 'softsign'])('%s on a [4, 3] input', (act) => {
    const ws = new Workspace();
    const x = randomTensor([4, 3], next);
    const kernel = randomTensor([3, 5], next);
    const bias = randomTensor([5], next, 0.5);
    const G = randomTensor([4, 5], next);
    const { relativeError } = gradCheck((ctx) => weightedSum(ctx, ws, dense(ctx, ws, x, kernel, bias, act as never), G), [x, kernel, bias]);
    for (const e of relativeError) expect(e).toBeLessThan(1e-2);
  });

  it('works on the last axis of a rank-3 input, as Keras does', () => {
    const ws = new Workspace();
    const x = randomTensor([2, 3, 4], next);
    const kernel = randomTensor([4, 2], next);
    const bias = randomTensor([2], next);
    const G = randomTensor([2, 3, 2], next);
    const y = dense({ training: false, tape: null }, ws, x, kernel, bias, 'tanh');
    expect(y.shape).toEqual([2, 3, 2]);
    // row (1, 2) of the output is tanh(x[1, 2, :] · kernel + bias)
    for (let j = 0; j < 2; j++) {
      let z = bias.data[j];
      for (let p = 0; p < 4; p++) z += x.get(1, 2, p) * kernel.get(p, j);
      expect(y.get(1, 2, j)).toBeCloseTo(Math.tanh(z), 6);
    }
    const { relativeError } = gradCheck((ctx) => weightedSum(ctx, ws, dense(ctx, ws, x, kernel, bias, 'tanh'), G), [x, kernel, bias]);
    for (const e of relativeError) expect(e).toBeLessThan(1e-2);
  });

  it('without a bias', () => {
    const ws = new Workspace();
    const x = randomTensor([3, 2], next);
    const kernel = randomTensor([2, 3], next);
    const G = randomTensor([3, 3], next);
    const { relativeError } = gradCheck((ctx) => weightedSum(ctx, ws, dense(ctx, ws, x, kernel, null, 'relu'), G), [x, kernel]);
    for (const e of relativeError) expect(e).toBeLessThan(1e-2);
  });
});

describe('Dense layer', () => {
  it('has Keras-ordered weights [kernel [in, units], bias [units]] and glorot-uniform kernels', () => {
    const layer = new Dense(500, { inputDim: 2, activation: 'relu' });
    layer.build([2], { init: new RandomStream('s'), layerSeed: 's' });
    const [kernel, bias] = layer.getWeights();
    expect(kernel.shape).toEqual([2, 500]);
    expect(bias.shape).toEqual([500]);
    expect(Array.from(bias.data).every((v) => v === 0)).toBe(true);
    const limit = Math.sqrt(6 / 502);
    expect(Math.max(...Array.from(kernel.data, Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...Array.from(kernel.data, Math.abs))).toBeGreaterThan(0.9 * limit);
    expect(layer.countParams()).toBe(1500);
  });

  it('rejects bad arguments with messages naming them', () => {
    expect(() => new Dense(0)).toThrow(/units must be a positive integer, got 0/);
    expect(() => new Dense(3, { activation: 'relux' })).toThrow(/Unknown activation.*'relux'.*known: linear, relu, sigmoid/);
    expect(() => new Dense(3, { kernelInitializer: 'glorot' })).toThrow(/kernelInitializer.*'glorot'.*glorot_uniform/);
    expect(() => new Dense(3, { inputShape: [0] })).toThrow(/inputShape must be positive integers/);
    const layer = new Dense(2, { inputDim: 3 });
    layer.build([3], { init: new RandomStream(1), layerSeed: '1' });
    expect(() => layer.setWeights([Tensor.zeros([2, 2]), Tensor.zeros([2])])).toThrow(/kernel must have shape \[3, 2\], got \[2, 2\]/);
  });
});

describe('weightedSum (the specs\' loss)', () => {
  it('passes the gradient check', () => {
    const ws = new Workspace();
    const next = lcg(13);
    const y = randomTensor([3, 4], next);
    const G = randomTensor([3, 4], next);
    const { relativeError, analytic } = gradCheck((ctx) => weightedSum(ctx, ws, y, G), [y]);
    expect(relativeError[0]).toBeLessThan(1e-2);
    expect(Array.from(analytic[0])).toEqual(Array.from(G.data));
  });
});

describe('Dense in a model on rank-3 input', () => {
  it('propagates [time, features] -> [time, units] and trains', async () => {
    const { Sequential } = await import('../lib/sequential');
    const model = new Sequential({ seed: 4 });
    model.add(new Dense(3, { inputShape: [5, 2], activation: 'tanh' }));
    model.add(new Dense(1));
    expect(model.outputShape).toEqual([5, 1]);
    model.compile({ loss: 'mse', optimizer: 'sgd' });
    const x = randomTensor([6, 5, 2], lcg(1));
    const y = randomTensor([6, 5, 1], lcg(2));
    const h = await model.fit(x, y, { epochs: 30, verbose: 0 });
    expect(h.history.loss[29]).toBeLessThan(h.history.loss[0]);
    expect(model.predict(x).shape).toEqual([6, 5, 1]);
  });
});
