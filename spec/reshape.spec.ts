import { Conv2D } from '../layers/conv';
import { Dense } from '../layers/dense';
import { MaxPooling2D } from '../layers/pooling';
import { Flatten, Reshape } from '../layers/reshape';
import { Tape, Workspace, requireGrads } from '../lib/autodiff';
import { reshape } from '../lib/conv-ops';
import { gradCheck } from '../lib/gradcheck';
import { Layer } from '../lib/layer';
import { weightedSum } from '../lib/ops';
import { RandomStream } from '../lib/random';
import { Sequential } from '../lib/sequential';
import { Tensor } from '../lib/tensor';
import { lcg, randomTensor } from './helpers/fixtures';

const INFER = { training: false, tape: null };

function built<T extends Layer>(layer: T, perSample: number[]): T {
  layer.build(perSample, { init: new RandomStream('r'), layerSeed: 'r' });
  return layer;
}

describe('Flatten', () => {
  it('turns [batch, h, w, c] into [batch, h*w*c] in row-major (channels-last) order', () => {
    const layer = built(new Flatten(), [2, 3, 4]);
    expect(layer.outputShape).toEqual([24]);
    const x = randomTensor([5, 2, 3, 4], lcg(1));
    const y = layer.call(x, INFER);
    expect(y.shape).toEqual([5, 24]);
    expect(y.get(3, (1 * 3 + 2) * 4 + 3)).toBe(x.get(3, 1, 2, 3));
    expect(Array.from(y.data)).toEqual(Array.from(x.data));
  });

  it('passes the gradient back unchanged (gradient check through Flatten and a Dense)', () => {
    const next = lcg(2);
    const flatten = built(new Flatten(), [3, 2, 2]);
    const dense = built(new Dense(3, { activation: 'tanh' }), [12]);
    const x = randomTensor([2, 3, 2, 2], next);
    const G = randomTensor([2, 3], next);
    const ws = new Workspace();
    const { relativeError } = gradCheck((ctx) => weightedSum(ctx, ws, dense.call(flatten.call(x, ctx), ctx), G), [x, ...dense.weights]);
    for (const e of relativeError) expect(e).toBeLessThan(1e-2);
  });

  it('rejects a scalar per sample and a wrong input by name', () => {
    expect(() => new Flatten({ name: 'f' }).computeOutputShape([])).toThrow(/Flatten 'f': expected an input with at least one axis per sample/);
    const layer = built(new Flatten({ name: 'f2' }), [4, 4]);
    expect(() => layer.call(Tensor.zeros([2, 16]), INFER)).toThrow("Flatten 'f2': expected input [batch, 4, 4], got [2, 16]");
  });
});

describe('Reshape', () => {
  it('reshapes per sample, inferring one -1', () => {
    expect(built(new Reshape([2, -1]), [3, 4]).outputShape).toEqual([2, 6]);
    expect(built(new Reshape([2, 2, 2, 3]), [24]).outputShape).toEqual([2, 2, 2, 3]);
    const layer = built(new Reshape([-1, 4]), [2, 2, 2]);
    const x = randomTensor([3, 2, 2, 2], lcg(3));
    const y = layer.call(x, INFER);
    expect(y.shape).toEqual([3, 2, 4]);
    expect(Array.from(y.data)).toEqual(Array.from(x.data));
  });

  it('the reshape op passes the gradient check', () => {
    const next = lcg(4);
    const ws = new Workspace();
    const x = randomTensor([2, 3, 4], next);
    const G = randomTensor([2, 12], next);
    const { relativeError } = gradCheck((ctx) => weightedSum(ctx, ws, reshape(ctx, ws, x, [2, 12]), G), [x]);
    expect(relativeError[0]).toBeLessThan(1e-2);
  });

  it('rejects bad target shapes with messages naming the layer', () => {
    expect(() => new Reshape([2, -1, -1], { name: 'r' })).toThrow(/Reshape 'r': targetShape must be positive integers .* at most one -1, got \[2,-1,-1\]/);
    expect(() => new Reshape([0, 2], { name: 'r' })).toThrow(/targetShape must be positive integers/);
    expect(() => new Reshape([5], { name: 'r5' }).computeOutputShape([2, 3])).toThrow("Reshape 'r5': cannot reshape a per-sample input [2, 3] (6 values) to [5]");
    expect(() => new Reshape([4, -1], { name: 'r4' }).computeOutputShape([2, 3])).toThrow(/Reshape 'r4': cannot reshape/);
    expect(() => reshape(INFER, new Workspace(), Tensor.zeros([2, 3]), [7])).toThrow(/cannot reshape \[2, 3\] \(6 values\) to \[7\]/);
  });

  it('allocates nothing after the first training step of a shape', () => {
    const model = new Sequential({ seed: 1 });
    model.add(new Reshape([4, 4, 1], { inputShape: [16] }));
    model.add(new Flatten());
    model.add(new Dense(1, { activation: 'sigmoid' }));
    model.compile({ loss: 'binary_crossentropy', optimizer: 'adam' });
    const x = randomTensor([8, 16], lcg(5));
    const y = Tensor.from([[0], [1], [0], [1], [1], [0], [1], [0]]);
    return (async () => {
      await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
      const before = Workspace.allocations;
      await model.fit(x, y, { epochs: 5, batchSize: 4, verbose: 0 });
      expect(Workspace.allocations).toBe(before);
    })();
  });
});

describe('Dense on the 4-D output of a conv stack (Keras applies it to the last axis)', () => {
  it('Conv2D -> MaxPooling2D -> Dense(1) gives [batch, h, w, 1], each position its own dot product', () => {
    const next = lcg(6);
    const conv = built(new Conv2D(4, 3), [8, 8, 1]);
    const pool = built(new MaxPooling2D(), [6, 6, 4]);
    const dense = built(new Dense(1), [3, 3, 4]);
    expect(dense.outputShape).toEqual([3, 3, 1]);
    const x = randomTensor([2, 8, 8, 1], next);
    const h = pool.call(conv.call(x, INFER), INFER);
    const y = dense.call(h, INFER);
    expect(y.shape).toEqual([2, 3, 3, 1]);
    let z = (dense.bias as Tensor).data[0];
    for (let c = 0; c < 4; c++) z += h.get(1, 2, 0, c) * dense.kernel.get(c, 0);
    expect(y.get(1, 2, 0, 0)).toBeCloseTo(z, 6);
    // and the whole stack differentiates
    const tape = new Tape();
    requireGrads([...conv.weights, ...dense.weights]);
    const ctx = { training: true, tape };
    const out = dense.call(pool.call(conv.call(x, ctx), ctx), ctx);
    tape.backward(weightedSum(ctx, new Workspace(), out, Tensor.full(out.shape, 1)));
    expect(Array.from(conv.kernel.grad as Float32Array).some((v) => v !== 0)).toBe(true);
  });
});
