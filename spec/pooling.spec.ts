import { AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D } from '../layers/pooling';
import { Tape, Workspace, requireGrads } from '../lib/autodiff';
import { globalPool, Padding, pool1d, pool2d } from '../lib/conv-ops';
import { gradCheck } from '../lib/gradcheck';
import { Layer } from '../lib/layer';
import { weightedSum } from '../lib/ops';
import { RandomStream } from '../lib/random';
import { Tensor } from '../lib/tensor';
import { expectClose, lcg, loadFixture, randomTensor, tensor } from './helpers/fixtures';

const fixture = loadFixture('layers').max_pooling2d as Array<Record<string, any>>;
const INFER = { training: false, tape: null };

function built<T extends Layer>(layer: T, perSample: number[]): T {
  layer.build(perSample, { init: new RandomStream('p'), layerSeed: 'p' });
  return layer;
}

/** Pooling from the definition: TensorFlow's padding; windows pool only the values inside the input. */
function naivePool(kind: 'max' | 'avg', x: Tensor, [ph, pw]: number[], [sh, sw]: number[], padding: Padding): Tensor {
  const [n, h, w, c] = x.shape;
  const out = (len: number, p: number, s: number) => (padding === 'same' ? Math.ceil(len / s) : Math.floor((len - p) / s) + 1);
  const oh = out(h, ph, sh);
  const ow = out(w, pw, sw);
  const top = padding === 'same' ? Math.floor(Math.max((oh - 1) * sh + ph - h, 0) / 2) : 0;
  const left = padding === 'same' ? Math.floor(Math.max((ow - 1) * sw + pw - w, 0) / 2) : 0;
  const y = Tensor.zeros([n, oh, ow, c]);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let ch = 0; ch < c; ch++) {
          const values: number[] = [];
          for (let ky = 0; ky < ph; ky++)
            for (let kx = 0; kx < pw; kx++) {
              const iy = oy * sh - top + ky;
              const ix = ox * sw - left + kx;
              if (iy >= 0 && iy < h && ix >= 0 && ix < w) values.push(x.get(b, iy, ix, ch));
            }
          y.data[((b * oh + oy) * ow + ox) * c + ch] = kind === 'max' ? Math.max(...values) : values.reduce((s, v) => s + v, 0) / values.length;
        }
  return y;
}

describe('pooling against the reference numbers (layers.json "max_pooling2d")', () => {
  it.each(fixture.map((c) => [`pool ${c.pool_size} stride ${c.strides} on ${tensor(c.x).shape}`, c]))('%s: max output, its input gradient, and y_avg', (_n, c) => {
    const x = tensor(c.x);
    const layer = built(new MaxPooling2D({ poolSize: c.pool_size, strides: c.strides, padding: c.padding }), x.shape.slice(1));
    const tape = new Tape();
    requireGrads([x]);
    const ctx = { training: true, tape };
    const y = layer.call(x, ctx);
    expect(y.shape).toEqual(tensor(c.y).shape);
    expectClose(y.data, c.y);
    tape.backward(weightedSum(ctx, new Workspace(), y, tensor(c.G)));
    expectClose(x.grad as Float32Array, c.dx);
    const avg = built(new AveragePooling2D(c.pool_size, { strides: c.strides }), x.shape.slice(1));
    expectClose(avg.call(x, INFER).data, c.y_avg);
  });
});

describe('pool2d and pool1d ops', () => {
  const next = lcg(31);
  const cases: Array<[string, number[], number[], number[], Padding]> = [
    // name, x shape, pool, strides, padding
    ['2x2 stride 2 valid', [2, 6, 6, 3], [2, 2], [2, 2], 'valid'],
    ['2x2 stride 2 valid, odd sizes', [2, 7, 5, 2], [2, 2], [2, 2], 'valid'],
    ['2x2 stride 2 same, odd sizes', [2, 7, 5, 2], [2, 2], [2, 2], 'same'],
    ['3x3 stride 1 same', [1, 5, 5, 2], [3, 3], [1, 1], 'same'],
    ['3x2 strides [2, 1] valid', [2, 7, 6, 1], [3, 2], [2, 1], 'valid'],
    ['3x3 stride 2 same', [1, 8, 7, 3], [3, 3], [2, 2], 'same'],
  ];

  it.each(cases)('%s: max and average equal plain loops', (_n, xs, pool, strides, padding) => {
    const x = randomTensor(xs, next);
    for (const kind of ['max', 'avg'] as const) {
      const y = pool2d(INFER, new Workspace(), kind, x, pool as [number, number], strides as [number, number], padding);
      const want = naivePool(kind, x, pool, strides, padding);
      expect(y.shape).toEqual(want.shape);
      expectClose(y.data, Array.from(want.data), { atol: 1e-6 });
    }
  });

  it.each(cases)('%s: max and average pass the gradient check', (_n, xs, pool, strides, padding) => {
    for (const kind of ['max', 'avg'] as const) {
      const ws = new Workspace();
      const x = randomTensor(xs, next);
      const G = randomTensor(naivePool(kind, x, pool, strides, padding).shape, next);
      const f = (ctx: any) => weightedSum(ctx, ws, pool2d(ctx, ws, kind, x, pool as [number, number], strides as [number, number], padding), G);
      expect(gradCheck(f, [x]).relativeError[0]).toBeLessThan(1e-2);
    }
  });

  it.each([
    ['pool 2 stride 2 valid', [2, 9, 3], 2, 2, 'valid'],
    ['pool 3 stride 2 same', [2, 8, 2], 3, 2, 'same'],
    ['pool 2 stride 1 same', [1, 5, 2], 2, 1, 'same'],
  ] as Array<[string, number[], number, number, Padding]>)('1-D %s equals 2-D pooling on [batch, 1, steps, C] and passes the gradient check', (_n, xs, pool, stride, padding) => {
    for (const kind of ['max', 'avg'] as const) {
      const ws = new Workspace();
      const x = randomTensor(xs, next);
      const y = pool1d(INFER, ws, kind, x, pool, stride, padding);
      const want = naivePool(kind, x.reshape([xs[0], 1, xs[1], xs[2]]), [1, pool], [1, stride], padding);
      expect(y.shape).toEqual([want.shape[0], want.shape[2], want.shape[3]]);
      expectClose(y.data, Array.from(want.data));
      const G = randomTensor(y.shape, next);
      const f = (ctx: any) => weightedSum(ctx, ws, pool1d(ctx, ws, kind, x, pool, stride, padding), G);
      expect(gradCheck(f, [x]).relativeError[0]).toBeLessThan(1e-2);
    }
  });

  it('max pooling sends the whole gradient to the window maximum only', () => {
    const x = new Tensor(Float32Array.from([1, 5, 2, 3]), [1, 2, 2, 1]);
    const tape = new Tape();
    requireGrads([x]);
    const ctx = { training: true, tape };
    const y = pool2d(ctx, new Workspace(), 'max', x, [2, 2], [2, 2], 'valid');
    expect(Array.from(y.data)).toEqual([5]);
    tape.backward(weightedSum(ctx, new Workspace(), y, Tensor.full([1, 1, 1, 1], 3)));
    expect(Array.from(x.grad as Float32Array)).toEqual([0, 3, 0, 0]);
  });

  it('global pools: mean and max per channel, with gradients', () => {
    const ws = new Workspace();
    const x = randomTensor([2, 3, 4, 5], next);
    for (const kind of ['max', 'avg'] as const) {
      const y = globalPool(INFER, ws, kind, x);
      expect(y.shape).toEqual([2, 5]);
      for (let b = 0; b < 2; b++)
        for (let c = 0; c < 5; c++) {
          const values: number[] = [];
          for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) values.push(x.get(b, i, j, c));
          const want = kind === 'max' ? Math.max(...values) : values.reduce((s, v) => s + v, 0) / values.length;
          expect(y.get(b, c)).toBeCloseTo(want, 6);
        }
      const G = randomTensor([2, 5], next);
      const f = (ctx: any) => weightedSum(ctx, ws, globalPool(ctx, ws, kind, x), G);
      expect(gradCheck(f, [x]).relativeError[0]).toBeLessThan(1e-2);
    }
  });
});

describe('pooling layers', () => {
  it('default to Keras\' pool 2, strides = pool, padding valid', () => {
    const layer = new MaxPooling2D();
    expect(layer.poolSize).toEqual([2, 2]);
    expect(layer.strides).toEqual([2, 2]);
    expect(layer.padding).toBe('valid');
    expect(new MaxPooling2D(3).strides).toEqual([3, 3]);
    expect(new AveragePooling2D([3, 2]).strides).toEqual([3, 2]);
    expect(new MaxPooling2D({ poolSize: 3, strides: 1 }).strides).toEqual([1, 1]);
    expect(new MaxPooling1D().poolSize).toEqual([2]);
    expect(layer.name).toMatch(/^max_pooling2d(_\d+)?$/);
    expect(new GlobalAveragePooling2D().name).toMatch(/^global_average_pooling2d(_\d+)?$/);
  });

  it.each([
    // layer, per-sample input, Keras' output shape
    [() => new MaxPooling2D(), [24, 24, 32], [12, 12, 32]],
    [() => new MaxPooling2D(), [7, 5, 3], [3, 2, 3]],
    [() => new MaxPooling2D({ padding: 'same' }), [7, 5, 3], [4, 3, 3]],
    [() => new AveragePooling2D(3, { strides: 2 }), [7, 7, 2], [3, 3, 2]],
    [() => new AveragePooling2D(3, { strides: 1, padding: 'same' }), [5, 4, 2], [5, 4, 2]],
    [() => new MaxPooling1D(), [9, 4], [4, 4]],
    [() => new AveragePooling1D(3, { strides: 2, padding: 'same' }), [8, 2], [4, 2]],
    [() => new GlobalAveragePooling2D(), [5, 6, 7], [7]],
    [() => new GlobalMaxPooling2D(), [5, 6, 7], [7]],
    [() => new GlobalAveragePooling1D(), [6, 7], [7]],
    [() => new GlobalMaxPooling1D(), [6, 7], [7]],
  ] as Array<[() => Layer, number[], number[]]>)('%# output shape', (make, input, out) => {
    const layer = built(make(), input);
    expect(layer.outputShape).toEqual(out);
    const y = layer.call(randomTensor([2, ...input], lcg(4)), INFER);
    expect(y.shape).toEqual([2, ...out]);
  });

  it('rejects bad arguments and inputs with messages naming the layer', () => {
    expect(() => new MaxPooling2D({ poolSize: 0 })).toThrow(/MaxPooling2D '.*': poolSize must be a positive integer or 2 of them, got 0/);
    expect(() => new MaxPooling2D({ strides: [2] })).toThrow(/strides must be a positive integer or 2 of them, got \[2\]/);
    expect(() => new AveragePooling1D({ padding: 'causal' as never })).toThrow(/padding must be one of 'valid', 'same', got "causal"/);
    expect(() => new MaxPooling2D(5, { name: 'p5' }).computeOutputShape([3, 8, 1])).toThrow("MaxPooling2D 'p5': pool 5x5 is larger than the input 3x8 (padding 'valid')");
    expect(() => new MaxPooling2D({ name: 'p' }).computeOutputShape([8, 8])).toThrow(/MaxPooling2D 'p': expected an input of rank 4 \(\[batch, height, width, channels\]\), got per-sample shape \[8, 8\]/);
    expect(() => new GlobalMaxPooling1D({ name: 'g' }).computeOutputShape([8, 8, 2])).toThrow(/GlobalMaxPooling1D 'g': expected an input of rank 3/);
    const layer = built(new MaxPooling2D({ name: 'pp' }), [4, 4, 2]);
    expect(() => layer.call(Tensor.zeros([1, 4, 4, 3]), INFER)).toThrow("MaxPooling2D 'pp': expected input [batch, 4, 4, 2], got [1, 4, 4, 3]");
  });
});
