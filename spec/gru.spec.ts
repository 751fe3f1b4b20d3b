import { Tape, Workspace } from '../lib/autodiff';
import { gradCheck } from '../lib/gradcheck';
import { weightedSum } from '../lib/ops';
import { gru, RecurrentOpOptions, simpleRnn } from '../lib/recurrent-ops';
import { Tensor } from '../lib/tensor';
import { expectClose, lcg, randomTensor } from './helpers/fixtures';
import { maskTensor, referenceGru, referenceSimpleRnn, sumOfProducts } from './helpers/recurrent';

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
    const loss = (ctx: { training: boolean; tape: Tape | null }): Tensor => {
      const res = gru(ctx, ws, x, kernel, rk, null, opts);
      return sumOfProducts(ctx, [res.output, ...res.states], [G, Gh]);
    };
    const { relativeError } = gradCheck(loss, [x, kernel, rk, h0]);
    for (const e of relativeError) expect(e).toBeLessThan(1e-2);
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
    const loss = (ctx: { training: boolean; tape: Tape | null }): Tensor => {
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
