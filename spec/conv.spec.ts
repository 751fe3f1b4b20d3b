import { Conv1D, Conv2D } from '../layers/conv';
import { Dense } from '../layers/dense';
import { Flatten } from '../layers/reshape';
import { MaxNorm } from '../lib/constraints';
import { Sequential } from '../lib/sequential';
import { ActivationName } from '../lib/activations';
import { Tape, Workspace, requireGrads } from '../lib/autodiff';
import { conv1d, conv2d, Padding } from '../lib/conv-ops';
import { gradCheck } from '../lib/gradcheck';
import { Layer } from '../lib/layer';
import { weightedSum } from '../lib/ops';
import { RandomStream } from '../lib/random';
import { Tensor } from '../lib/tensor';
import { expectClose, lcg, loadFixture, randomTensor, tensor } from './helpers/fixtures';

const fixture = loadFixture('layers').conv2d as Array<Record<string, any>>;
const INFER = { training: false, tape: null };

function built<T extends Layer>(layer: T, perSample: number[], seed = 'spec'): T {
  layer.build(perSample, { init: new RandomStream(seed), layerSeed: seed });
  return layer;
}

/**
 * A plain-loop convolution written from the definition (independent of im2col): TensorFlow's
 * padding, y[b, oy, ox, f] = bias[f] + sum x[b, oy*s - top + ky, ox*s - left + kx, c] * k[ky, kx, c, f].
 */
function naiveConv2d(x: Tensor, k: Tensor, bias: Tensor | null, [sh, sw]: number[], padding: Padding): Tensor {
  const [n, h, w, c] = x.shape;
  const [kh, kw, , f] = k.shape;
  const out = (len: number, kk: number, s: number) => (padding === 'same' ? Math.ceil(len / s) : Math.floor((len - kk) / s) + 1);
  const oh = out(h, kh, sh);
  const ow = out(w, kw, sw);
  const top = padding === 'same' ? Math.floor(Math.max((oh - 1) * sh + kh - h, 0) / 2) : 0;
  const left = padding === 'same' ? Math.floor(Math.max((ow - 1) * sw + kw - w, 0) / 2) : 0;
  const y = Tensor.zeros([n, oh, ow, f]);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let j = 0; j < f; j++) {
          let s = bias ? bias.data[j] : 0;
          for (let ky = 0; ky < kh; ky++)
            for (let kx = 0; kx < kw; kx++) {
              const iy = oy * sh - top + ky;
              const ix = ox * sw - left + kx;
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
              for (let ci = 0; ci < c; ci++) s += x.get(b, iy, ix, ci) * k.get(ky, kx, ci, j);
            }
          y.data[((b * oh + oy) * ow + ox) * f + j] = s;
        }
  return y;
}

describe('Conv2D against the reference numbers (layers.json "conv2d")', () => {
  it.each(fixture.map((c) => [`${c.kernel.length}x${c.kernel[0].length} stride ${c.strides} ${c.padding}, x ${tensor(c.x).shape}`, c]))(
    '%s: output and the gradients of sum(y * G) for x, kernel and bias',
    (_name, c) => {
      const x = tensor(c.x);
      const kernel = tensor(c.kernel);
      const layer = built(new Conv2D(kernel.shape[3], [kernel.shape[0], kernel.shape[1]], { strides: c.strides, padding: c.padding }), x.shape.slice(1));
      layer.setWeights([kernel, tensor(c.bias)]);
      const tape = new Tape();
      requireGrads([x, ...layer.weights]);
      const ctx = { training: true, tape };
      const y = layer.call(x, ctx);
      expect(y.shape).toEqual(tensor(c.y).shape);
      expectClose(y.data, c.y);
      tape.backward(weightedSum(ctx, new Workspace(), y, tensor(c.G)));
      expectClose(x.grad as Float32Array, c.dx);
      expectClose(layer.kernel.grad as Float32Array, c.dkernel);
      expectClose((layer.bias as Tensor).grad as Float32Array, c.dbias);
    },
  );
});

describe('conv2d op', () => {
  const next = lcg(11);
  const cases: Array<[string, number[], number[], number[], Padding]> = [
    // name, x shape, kernel shape, strides, padding
    ['3x3 valid stride 1', [2, 5, 6, 2], [3, 3, 2, 3], [1, 1], 'valid'],
    ['3x3 same stride 1', [2, 5, 6, 2], [3, 3, 2, 3], [1, 1], 'same'],
    ['3x3 valid stride 2, odd sizes', [2, 7, 5, 2], [3, 3, 2, 2], [2, 2], 'valid'],
    ['3x3 same stride 2, odd sizes', [2, 7, 5, 2], [3, 3, 2, 2], [2, 2], 'same'],
    ['2x2 same stride 1 (pad bottom/right only)', [1, 5, 4, 3], [2, 2, 3, 2], [1, 1], 'same'],
    ['4x2 same strides [3, 2]', [2, 8, 7, 1], [4, 2, 1, 3], [3, 2], 'same'],
    ['1x1 pointwise', [2, 3, 4, 5], [1, 1, 5, 3], [1, 1], 'valid'],
    ['1x1 stride 2', [1, 5, 5, 2], [1, 1, 2, 2], [2, 2], 'valid'],
    ['kernel as large as the input', [2, 3, 4, 2], [3, 4, 2, 3], [1, 1], 'valid'],
  ];

  it.each(cases)('%s equals a plain-loop convolution', (_n, xs, ks, strides, padding) => {
    const x = randomTensor(xs, next);
    const kernel = randomTensor(ks, next);
    const bias = randomTensor([ks[3]], next);
    const y = conv2d(INFER, new Workspace(), x, kernel, bias, 'linear', strides as [number, number], padding);
    const want = naiveConv2d(x, kernel, bias, strides, padding);
    expect(y.shape).toEqual(want.shape);
    expectClose(y.data, Array.from(want.data), { rtol: 1e-5, atol: 1e-5 });
  });

  it.each(cases)('%s passes the gradient check for x, kernel and bias', (_n, xs, ks, strides, padding) => {
    const ws = new Workspace();
    const x = randomTensor(xs, next);
    const kernel = randomTensor(ks, next);
    const bias = randomTensor([ks[3]], next);
    const G = randomTensor(naiveConv2d(x, kernel, bias, strides, padding).shape, next);
    const f = (ctx: any) => weightedSum(ctx, ws, conv2d(ctx, ws, x, kernel, bias, 'linear', strides as [number, number], padding), G);
    const { relativeError } = gradCheck(f, [x, kernel, bias]);
    for (const e of relativeError) expect(e).toBeLessThan(1e-2);
  });

  it.each(['relu', 'tanh', 'sigmoid', 'softmax'])('fuses bias + %s and differentiates through it', (act) => {
    const ws = new Workspace();
    const x = randomTensor([2, 5, 5, 2], next);
    const kernel = randomTensor([3, 3, 2, 4], next, 0.5);
    const bias = randomTensor([4], next, 0.5);
    const G = randomTensor([2, 5, 5, 4], next);
    const y = conv2d(INFER, ws, x, kernel, bias, act as ActivationName, [1, 1], 'same');
    const z = naiveConv2d(x, kernel, bias, [1, 1], 'same');
    if (act === 'relu') expectClose(y.data, Array.from(z.data, (v) => Math.max(v, 0)), { atol: 1e-5 });
    if (act === 'tanh') expectClose(y.data, Array.from(z.data, Math.tanh), { atol: 1e-5 });
    const f = (ctx: any) => weightedSum(ctx, ws, conv2d(ctx, ws, x, kernel, bias, act as ActivationName, [1, 1], 'same'), G);
    const { relativeError } = gradCheck(f, [x, kernel, bias]);
    for (const e of relativeError) expect(e).toBeLessThan(1e-2);
  });

  it('works without a bias', () => {
    const ws = new Workspace();
    const x = randomTensor([1, 4, 4, 2], next);
    const kernel = randomTensor([2, 2, 2, 2], next);
    const G = randomTensor([1, 2, 2, 2], next);
    const f = (ctx: any) => weightedSum(ctx, ws, conv2d(ctx, ws, x, kernel, null, 'linear', [2, 2], 'valid'), G);
    const { relativeError } = gradCheck(f, [x, kernel]);
    for (const e of relativeError) expect(e).toBeLessThan(1e-2);
  });

  it('rejects a kernel that does not fit the input channels, or a kernel larger than the input', () => {
    const ws = new Workspace();
    expect(() => conv2d(INFER, ws, Tensor.zeros([1, 4, 4, 2]), Tensor.zeros([3, 3, 3, 1]), null, 'linear', [1, 1], 'valid')).toThrow(
      /kernel \[3, 3, 3, 1\] does not fit x \[1, 4, 4, 2\]/,
    );
    expect(() => conv2d(INFER, ws, Tensor.zeros([1, 2, 4, 1]), Tensor.zeros([3, 3, 1, 1]), null, 'linear', [1, 1], 'valid')).toThrow(
      /kernel 3x3 is larger than the input 2x4 \(padding 'valid'\)/,
    );
    expect(() => conv2d(INFER, ws, Tensor.zeros([4, 4, 1]), Tensor.zeros([3, 3, 1, 1]), null, 'linear', [1, 1], 'valid')).toThrow(/rank 4/);
    expect(() => conv1d(INFER, ws, Tensor.zeros([1, 4, 1]), Tensor.zeros([5, 1, 1]), null, 'linear', 1, 'valid')).toThrow(
      "conv1d: kernel 5 is larger than the input 4 (padding 'valid')",
    );
  });
});

describe('conv1d op', () => {
  const next = lcg(23);
  const cases: Array<[string, number[], number[], number, Padding]> = [
    ['k3 valid stride 1', [2, 7, 3], [3, 3, 4], 1, 'valid'],
    ['k3 same stride 1', [2, 7, 3], [3, 3, 4], 1, 'same'],
    ['k2 same stride 1 (pad right only)', [2, 5, 2], [2, 2, 2], 1, 'same'],
    ['k3 valid stride 2, odd length', [2, 9, 2], [3, 2, 3], 2, 'valid'],
    ['k4 same stride 3', [1, 10, 2], [4, 2, 2], 3, 'same'],
  ];

  it.each(cases)('%s equals conv2d on [batch, 1, steps, channels] and passes the gradient check', (_n, xs, ks, stride, padding) => {
    const ws = new Workspace();
    const x = randomTensor(xs, next);
    const kernel = randomTensor(ks, next);
    const bias = randomTensor([ks[2]], next);
    const y = conv1d(INFER, ws, x, kernel, bias, 'linear', stride, padding);
    const want = naiveConv2d(x.reshape([xs[0], 1, xs[1], xs[2]]), kernel.reshape([1, ...ks]), bias, [1, stride], padding);
    expect(y.shape).toEqual([want.shape[0], want.shape[2], want.shape[3]]);
    expectClose(y.data, Array.from(want.data), { atol: 1e-5 });
    const G = randomTensor(y.shape, next);
    const f = (ctx: any) => weightedSum(ctx, ws, conv1d(ctx, ws, x, kernel, bias, 'tanh', stride, padding), G);
    const { relativeError } = gradCheck(f, [x, kernel, bias]);
    for (const e of relativeError) expect(e).toBeLessThan(1e-2);
  });
});

describe('Conv2D and Conv1D layers', () => {
  it.each([
    // per-sample input, kernel, strides, padding, Keras' output shape
    [[28, 28, 1], 3, 1, 'valid', [26, 26, 32]],
    [[28, 28, 1], 3, 1, 'same', [28, 28, 32]],
    [[7, 5, 2], 3, 2, 'valid', [3, 2, 32]],
    [[7, 5, 2], 3, 2, 'same', [4, 3, 32]],
    [[6, 6, 3], 2, 2, 'same', [3, 3, 32]],
    [[5, 5, 1], 4, 2, 'valid', [1, 1, 32]],
    [[8, 9, 1], [3, 2], [2, 3], 'valid', [3, 3, 32]],
    [[8, 9, 1], [3, 2], [2, 3], 'same', [4, 3, 32]],
    [[3, 3, 1], 5, 1, 'same', [3, 3, 32]],
  ] as const)('Conv2D on %j, kernel %j, strides %j, %s -> %j', (input, k, s, padding, out) => {
    const layer = new Conv2D(32, k as never, { strides: s as never, padding, inputShape: input as never });
    expect(layer.computeOutputShape(input)).toEqual(out);
  });

  it.each([
    [[10, 3], 3, 1, 'valid', [8, 16]],
    [[10, 3], 3, 1, 'same', [10, 16]],
    [[11, 2], 4, 3, 'valid', [3, 16]],
    [[11, 2], 4, 3, 'same', [4, 16]],
  ] as const)('Conv1D on %j, kernel %j, strides %j, %s -> %j', (input, k, s, padding, out) => {
    expect(new Conv1D(16, k, { strides: s, padding }).computeOutputShape(input)).toEqual(out);
  });

  it('has Keras-ordered weights: kernel [kH, kW, in, filters] glorot-uniform, bias [filters] zeros', () => {
    const layer = built(new Conv2D(32, [3, 3], { inputShape: [28, 28, 1] }), [28, 28, 1]);
    const [kernel, bias] = layer.getWeights();
    expect(layer.weightNames).toEqual(['kernel', 'bias']);
    expect(kernel.shape).toEqual([3, 3, 1, 32]);
    expect(bias.shape).toEqual([32]);
    expect(bias.data.every((v) => v === 0)).toBe(true);
    // Keras' fans for a conv kernel: fanIn = 3*3*1, fanOut = 3*3*32.
    const limit = Math.sqrt(6 / (9 + 288));
    const largest = Math.max(...Array.from(kernel.data, Math.abs));
    expect(largest).toBeLessThanOrEqual(limit);
    expect(largest).toBeGreaterThan(0.9 * limit);
    expect(layer.countParams()).toBe(320);
    const c1 = built(new Conv1D(4, 3, { useBias: false }), [10, 2]);
    expect(c1.weights.map((w) => w.shape)).toEqual([[3, 2, 4]]);
    expect(c1.bias).toBeNull();
  });

  it('setWeights round-trips and a wrong shape is refused by name', () => {
    const layer = built(new Conv2D(2, 2), [4, 4, 3]);
    const k = randomTensor([2, 2, 3, 2], lcg(3));
    layer.setWeights([k, Tensor.full([2], 0.5)]);
    expect(layer.getWeights()[0].data).toEqual(k.data);
    expect(() => layer.setWeights([Tensor.zeros([3, 3, 3, 2]), Tensor.zeros([2])])).toThrow(/kernel must have shape \[2, 2, 3, 2\], got \[3, 3, 3, 2\]/);
  });

  it('uses the initializer and activation it is given', () => {
    const layer = built(new Conv2D(2, 3, { kernelInitializer: 'ones', activation: 'relu', padding: 'same' }), [4, 4, 1]);
    expect(layer.kernel.data.every((v) => v === 1)).toBe(true);
    const x = Tensor.full([1, 4, 4, 1], -1);
    expect(layer.call(x, INFER).data.every((v) => v === 0)).toBe(true);
  });

  it('applies its kernelConstraint after each training step (MaxNorm per filter)', async () => {
    const model = new Sequential({ seed: 2 });
    model.add(new Conv2D(3, 3, { inputShape: [5, 5, 1], kernelInitializer: 'ones', kernelConstraint: new MaxNorm(0.5, { axis: [0, 1, 2] }) }));
    model.add(new Flatten());
    model.add(new Dense(1));
    model.compile({ loss: 'mse', optimizer: 'sgd' });
    await model.fit(randomTensor([4, 5, 5, 1], lcg(9)), Tensor.zeros([4, 1]), { epochs: 1, verbose: 0 });
    const kernel = model.layers[0].weights[0];
    for (let f = 0; f < 3; f++) {
      let sq = 0;
      for (let k = 0; k < 9; k++) sq += kernel.data[k * 3 + f] ** 2;
      expect(Math.sqrt(sq)).toBeCloseTo(0.5, 4);
    }
  });

  it('rejects bad arguments and inputs with messages naming the layer', () => {
    expect(() => new Conv2D(0, 3)).toThrow(/Conv2D 'conv2d(_\d+)?': filters must be a positive integer, got 0/);
    expect(() => new Conv2D(4, [3, 3, 3] as never)).toThrow(/kernelSize must be a positive integer or 2 of them, got \[3,3,3\]/);
    expect(() => new Conv2D(4, 0)).toThrow(/kernelSize must be a positive integer or 2 of them, got 0/);
    expect(() => new Conv2D(4, 3, { strides: [1, 0] })).toThrow(/strides must be a positive integer or 2 of them/);
    expect(() => new Conv2D(4, 3, { padding: 'full' as never })).toThrow(/padding must be one of 'valid', 'same', got "full"/);
    expect(() => new Conv2D(4, 3, { activation: 'relux' })).toThrow(/Unknown activation.*'relux'.*known: linear, relu/);
    expect(() => new Conv1D(4, [2, 2] as never)).toThrow(/Conv1D '.*': kernelSize must be a positive integer or 1 of them/);
    const big = new Conv2D(8, 5, { name: 'big' });
    expect(() => big.computeOutputShape([3, 3, 1])).toThrow("Conv2D 'big': kernel 5x5 is larger than the input 3x3 (padding 'valid')");
    expect(() => new Conv1D(8, 5, { name: 'c1' }).computeOutputShape([4, 2])).toThrow("Conv1D 'c1': kernel 5 is larger than the input 4 (padding 'valid')");
    expect(() => new Conv2D(8, 3, { name: 'flat' }).computeOutputShape([28, 28])).toThrow(
      "Conv2D 'flat': expected an input of rank 4 ([batch, height, width, channels]), got per-sample shape [28, 28] (rank 3 with the batch axis)",
    );
    const layer = built(new Conv2D(2, 3, { name: 'c2' }), [5, 5, 1]);
    expect(() => layer.call(Tensor.zeros([2, 5, 5, 2]), INFER)).toThrow("Conv2D 'c2': expected input [batch, 5, 5, 1], got [2, 5, 5, 2]");
  });
});

describe('conv buffers', () => {
  it('a forward + backward step allocates nothing after the first of a shape', () => {
    const ws = new Workspace();
    const next = lcg(5);
    const x = randomTensor([3, 9, 9, 2], next);
    const kernel = randomTensor([3, 3, 2, 4], next);
    const bias = randomTensor([4], next);
    const G = randomTensor([3, 5, 5, 4], next);
    const step = () => {
      const tape = new Tape();
      requireGrads([x, kernel, bias]);
      const ctx = { training: true, tape };
      tape.backward(weightedSum(ctx, ws, conv2d(ctx, ws, x, kernel, bias, 'relu', [2, 2], 'same'), G));
    };
    step();
    const before = Workspace.allocations;
    for (let i = 0; i < 5; i++) step();
    expect(Workspace.allocations).toBe(before);
  });
});
