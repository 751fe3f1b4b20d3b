import { GRU } from '../layers/recurrent';
import { CallContext, Tape, Workspace, requireGrads } from '../lib/autodiff';
import { gradCheck } from '../lib/gradcheck';
import { weightedSum } from '../lib/ops';
import { RandomStream } from '../lib/random';
import { gru, RecurrentOpOptions, simpleRnn } from '../lib/recurrent-ops';
import { Tensor } from '../lib/tensor';
import { expectClose, lcg, randomTensor } from './helpers/fixtures';
import { maskTensor, referenceGru, referenceGruResetBefore, referenceSimpleRnn, sumOfProducts } from './helpers/recurrent';

const B = 6, T = 5, F = 3, U = 5; // B = 6, U = 5: both the kernels' 4x4 tiles and their remainder loops run (3u = 15)
type Case = [string, RecurrentOpOptions & { masks?: boolean }];
const cases: Case[] = [
  ['last step', {}],
  ['returnSequences', { returnSequences: true }],
  ['goBackwards', { goBackwards: true }],
  ['input and recurrent masks', { masks: true }],
  ['masks, returnSequences, goBackwards', { masks: true, returnSequences: true, goBackwards: true }],
];

describe('gru op (resetAfter): independent forward and gradient checks, with and without masks', () => {
  const next = lcg(21);
  it.each(cases)('%s', (_name, { masks, ...opts }) => {
    const ws = new Workspace();
    const x = randomTensor([B, T, F], next);
    const kernel = randomTensor([F, 3 * U], next, 0.6);
    const rk = randomTensor([U, 3 * U], next, 0.6);
    const bias = randomTensor([2, 3 * U], next, 0.3);
    const all = { ...opts, inputMask: masks ? maskTensor([B, F], 0.4, next) : null, recurrentMask: masks ? maskTensor([B, U], 0.4, next) : null };
    if (masks) expect(all.recurrentMask!.data.some((v) => v === 0) && all.inputMask!.data.some((v) => v === 0)).toBe(true);
    const y = gru({ training: false, tape: null }, ws, x, kernel, rk, bias, all).output;
    expectClose(y.data, referenceGru(x, kernel, rk, bias, all));
    const G = randomTensor(y.shape.slice(), next);
    const { relativeError } = gradCheck((ctx) => weightedSum(ctx, ws, gru(ctx, ws, x, kernel, rk, bias, all).output, G), [x, kernel, rk, bias]);
    for (const e of relativeError) expect(e).toBeLessThan(1e-2);
  });

  it('with an initial state, returnState and no bias', () => {
    const ws = new Workspace();
    const x = randomTensor([B, T, F], next);
    const kernel = randomTensor([F, 3 * U], next, 0.6);
    const rk = randomTensor([U, 3 * U], next, 0.6);
    const h0 = randomTensor([B, U], next);
    const opts = { returnSequences: true, returnState: true, initialState: [h0], recurrentMask: maskTensor([B, U], 0.4, next) };
    const r = gru({ training: false, tape: null }, ws, x, kernel, rk, null, opts);
    expectClose(r.output.data, referenceGru(x, kernel, rk, null, opts));
    const [G, Gh] = [randomTensor([B, T, U], next), randomTensor([B, U], next)];
    const loss = (ctx: CallContext): Tensor => {
      const res = gru(ctx, ws, x, kernel, rk, null, opts);
      return sumOfProducts(ctx, [res.output, ...res.states], [G, Gh]);
    };
    const { relativeError } = gradCheck(loss, [x, kernel, rk, h0]);
    for (const e of relativeError) expect(e).toBeLessThan(1e-2);
  });
});

describe('gru op (resetAfter false): independent forward and gradient checks, with and without masks', () => {
  const next = lcg(41);
  const inputs = (): [Tensor, Tensor, Tensor, Tensor] => [
    randomTensor([B, T, F], next),
    randomTensor([F, 3 * U], next, 0.6),
    randomTensor([U, 3 * U], next, 0.6),
    randomTensor([3 * U], next, 0.3),
  ];
  it.each(cases)('%s', (_name, { masks, ...opts }) => {
    const ws = new Workspace();
    const [x, kernel, rk, bias] = inputs();
    const all = {
      ...opts,
      resetAfter: false,
      inputMask: masks ? maskTensor([B, F], 0.4, next) : null,
      recurrentMask: masks ? maskTensor([B, U], 0.4, next) : null,
    };
    if (masks) expect(all.recurrentMask!.data.some((v) => v === 0) && all.inputMask!.data.some((v) => v === 0)).toBe(true);
    const y = gru({ training: false, tape: null }, ws, x, kernel, rk, bias, all).output;
    expectClose(y.data, referenceGruResetBefore(x, kernel, rk, bias, all));
    // not the resetAfter function with the bias as its input row: the variants differ
    const asResetAfter = Tensor.zeros([2, 3 * U]);
    asResetAfter.data.set(bias.data);
    const other = referenceGru(x, kernel, rk, asResetAfter, all);
    expect(Math.max(...y.data.map((v, i) => Math.abs(v - other[i])))).toBeGreaterThan(1e-3);
    const G = randomTensor(y.shape.slice(), next);
    const { relativeError } = gradCheck((ctx) => weightedSum(ctx, ws, gru(ctx, ws, x, kernel, rk, bias, all).output, G), [x, kernel, rk, bias]);
    for (const e of relativeError) expect(e).toBeLessThan(1e-2);
  });

  it.each([
    ['with a bias', true],
    ['without a bias', false],
  ])('an initial state, returnState, returnSequences, goBackwards and masks, %s', (_name, withBias) => {
    const ws = new Workspace();
    const [x, kernel, rk, b] = inputs();
    const bias = withBias ? b : null;
    const h0 = randomTensor([B, U], next);
    const opts = {
      resetAfter: false,
      returnSequences: true,
      returnState: true,
      goBackwards: true,
      initialState: [h0],
      inputMask: maskTensor([B, F], 0.3, next),
      recurrentMask: maskTensor([B, U], 0.4, next),
    };
    const r = gru({ training: false, tape: null }, ws, x, kernel, rk, bias, opts);
    expectClose(r.output.data, referenceGruResetBefore(x, kernel, rk, bias, opts));
    const [G, Gh] = [randomTensor([B, T, U], next), randomTensor([B, U], next)];
    const loss = (ctx: CallContext): Tensor => {
      const res = gru(ctx, ws, x, kernel, rk, bias, opts);
      return sumOfProducts(ctx, [res.output, ...res.states], [G, Gh]);
    };
    const { relativeError } = gradCheck(loss, bias !== null ? [x, kernel, rk, bias, h0] : [x, kernel, rk, h0]);
    for (const e of relativeError) expect(e).toBeLessThan(1e-2);
  });

  it('hard_sigmoid gates (TensorFlow.js\'s default) match the reference', () => {
    const ws = new Workspace();
    const [x, kernel, rk, bias] = inputs();
    const opts = { resetAfter: false, returnSequences: true, recurrentActivation: 'hard_sigmoid' as const };
    expectClose(gru({ training: false, tape: null }, ws, x, kernel, rk, bias, opts).output.data, referenceGruResetBefore(x, kernel, rk, bias, opts));
  });

  it('checks the bias shape against the variant', () => {
    const ctx = { training: false, tape: null };
    const [x, kernel, rk] = inputs();
    expect(() => gru(ctx, new Workspace(), x, kernel, rk, Tensor.zeros([2, 3 * U]), { resetAfter: false })).toThrow(/gru: bias must be \[15\] with resetAfter false, got \[2, 15\]/);
    expect(() => gru(ctx, new Workspace(), x, kernel, rk, Tensor.zeros([3 * U]))).toThrow(/gru: bias must be \[2, 15\] with resetAfter true, got \[15\]/);
  });
});

describe('GRU layer with resetAfter false', () => {
  const built = (layer: GRU, perSample: number[]): GRU => {
    layer.build(perSample, { init: new RandomStream('spec'), layerSeed: 'spec' });
    return layer;
  };

  it('weights kernel [f, 3u], recurrent_kernel [u, 3u], bias [3u]; the config says reset_after; the default stays true', () => {
    expect(built(new GRU(4, { resetAfter: false }), [6, 3]).getWeights().map((w) => w.shape)).toEqual([[3, 12], [4, 12], [12]]);
    expect(built(new GRU(4, { resetAfter: false, useBias: false }), [6, 3]).getWeights().map((w) => w.shape)).toEqual([[3, 12], [4, 12]]);
    expect(new GRU(4, { resetAfter: false }).getConfig().reset_after).toBe(false);
    const byDefault = new GRU(4);
    expect(byDefault.resetAfter).toBe(true);
    expect(byDefault.getConfig().reset_after).toBe(true);
    expect(built(byDefault, [6, 3]).getWeights()[2].shape).toEqual([2, 12]);
  });

  it('training draws one input and one recurrent mask per forward pass, used forward and backward; inference uses none', () => {
    const layer = built(new GRU(U, { resetAfter: false, dropout: 0.5, recurrentDropout: 0.5, returnSequences: true }), [T, F]);
    const x = randomTensor([B, T, F], lcg(5));
    const G = randomTensor([B, T, U], lcg(6));
    const [kernel, rk, bias] = layer.weights;
    const tape = new Tape();
    const ctx = { training: true, tape };
    requireGrads([x, kernel, rk, bias]);
    const y = layer.call(x, { training: true, tape: null }).data.slice();
    tape.backward(weightedSum(ctx, new Workspace(), layer.call(x, ctx), G));
    const got = [x, kernel, rk, bias].map((t) => Float32Array.from(t.grad as Float32Array));
    const inMask = (layer.lastInputMask as Tensor).clone();
    const recMask = (layer.lastRecurrentMask as Tensor).clone();
    expect(inMask.shape).toEqual([B, F]);
    expect(recMask.shape).toEqual([B, U]);
    for (const m of [inMask, recMask]) {
      expect(m.data.every((v) => v === 0 || v === 2)).toBe(true);
      expect(m.data.some((v) => v === 0) && m.data.some((v) => v === 2)).toBe(true);
    }
    // the second pass drew new masks, so its output differs from the first's
    const second = gru({ training: false, tape: null }, new Workspace(), x, kernel, rk, bias, { resetAfter: false, returnSequences: true, inputMask: inMask, recurrentMask: recMask });
    expect(second.output.data.some((v, i) => v !== y[i])).toBe(true);
    // the op with copies of the second pass's masks gives its gradients
    const tape2 = new Tape();
    const ctx2 = { training: true, tape: tape2 };
    requireGrads([x, kernel, rk, bias]);
    const opts = { resetAfter: false, returnSequences: true, inputMask: inMask, recurrentMask: recMask };
    tape2.backward(weightedSum(ctx2, new Workspace(), gru(ctx2, new Workspace(), x, kernel, rk, bias, opts).output, G));
    [x, kernel, rk, bias].forEach((t, i) => expect(Array.from(t.grad as Float32Array)).toEqual(Array.from(got[i])));
    // inference: no mask, the cached masks left alone, equal to the same weights without dropout
    const inferred = layer.call(x, { training: false, tape: null }).data.slice();
    expect((layer.lastInputMask as Tensor).data).toEqual(inMask.data);
    const twin = built(new GRU(U, { resetAfter: false, returnSequences: true }), [T, F]);
    twin.setWeights(layer.getWeights());
    expect(twin.call(x, { training: false, tape: null }).data).toEqual(inferred);
    expectClose(inferred, referenceGruResetBefore(x, kernel, rk, bias, { returnSequences: true }));
  });
});

describe('simpleRnn op: independent forward and gradient checks, with and without masks', () => {
  const next = lcg(31);
  it.each(cases)('%s', (_name, { masks, ...opts }) => {
    const ws = new Workspace();
    const x = randomTensor([B, T, F], next);
    const kernel = randomTensor([F, U], next, 0.6);
    const rk = randomTensor([U, U], next, 0.6);
    const bias = randomTensor([U], next, 0.3);
    const all = { ...opts, inputMask: masks ? maskTensor([B, F], 0.4, next) : null, recurrentMask: masks ? maskTensor([B, U], 0.4, next) : null };
    const y = simpleRnn({ training: false, tape: null }, ws, x, kernel, rk, bias, all).output;
    expectClose(y.data, referenceSimpleRnn(x, kernel, rk, bias, all));
    const G = randomTensor(y.shape.slice(), next);
    const { relativeError } = gradCheck((ctx) => weightedSum(ctx, ws, simpleRnn(ctx, ws, x, kernel, rk, bias, all).output, G), [x, kernel, rk, bias]);
    for (const e of relativeError) expect(e).toBeLessThan(1e-2);
  });

  it('elu activation, an initial state and returnState', () => {
    const ws = new Workspace();
    const x = randomTensor([B, T, F], next);
    const kernel = randomTensor([F, U], next, 0.6);
    const rk = randomTensor([U, U], next, 0.4);
    const bias = randomTensor([U], next, 0.3);
    const h0 = randomTensor([B, U], next);
    const opts = { activation: 'elu' as const, returnState: true, initialState: [h0], inputMask: maskTensor([B, F], 0.3, next) };
    const r = simpleRnn({ training: false, tape: null }, ws, x, kernel, rk, bias, opts);
    expectClose(r.output.data, referenceSimpleRnn(x, kernel, rk, bias, opts));
    const [G, Gh] = [randomTensor([B, U], next), randomTensor([B, U], next)];
    const loss = (ctx: CallContext): Tensor => {
      const res = simpleRnn(ctx, ws, x, kernel, rk, bias, opts);
      return sumOfProducts(ctx, [res.output, ...res.states], [G, Gh]);
    };
    const { relativeError } = gradCheck(loss, [x, kernel, rk, bias, h0]);
    for (const e of relativeError) expect(e).toBeLessThan(1e-2);
  });
});

describe('the recurrent ops reject what does not fit', () => {
  const ws = new Workspace();
  const ctx = { training: false, tape: null };
  const x = Tensor.zeros([2, 3, 4]);
  it('names the op, the argument, the expected and the given shapes', () => {
    expect(() => gru(ctx, ws, Tensor.zeros([2, 4]), Tensor.zeros([4, 6]), Tensor.zeros([2, 6]), null)).toThrow(/gru: x must be \[batch, time, features\], got \[2, 4\]/);
    expect(() => gru(ctx, ws, x, Tensor.zeros([3, 6]), Tensor.zeros([2, 6]), null)).toThrow(/gru: kernel must be \[4, 6\] .* got \[3, 6\]/);
    expect(() => simpleRnn(ctx, ws, x, Tensor.zeros([4, 2]), Tensor.zeros([2, 2]), null, { recurrentMask: Tensor.zeros([2, 3]) })).toThrow(/simpleRnn: recurrentMask must be \[2, 2\], got \[2, 3\]/);
    expect(() => simpleRnn(ctx, ws, x, Tensor.zeros([4, 2]), Tensor.zeros([2, 2]), null, { activation: 'softmax' })).toThrow(/elementwise/);
  });
});
