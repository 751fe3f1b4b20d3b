/**
 * One Workspace, several calls in one pass. Buffers used to be keyed by op kind only ('dense.y'),
 * so the same op run twice through one Workspace in a pass (a shared layer, or two `ops.dense`
 * calls in user code) overwrote the first call's output and gradient: gradient checks were off
 * by 0.33 and 0.46. Now each call in a pass gets its own buffers (keyed by the key and how many
 * times it was asked for since the pass began), reused call for call in the next pass.
 */
import { MAX_USES_PER_PASS, Workspace } from '../lib/autodiff';
import { gradCheck } from '../lib/gradcheck';
import { pool2d } from '../lib/conv-ops';
import { dense, weightedSum } from '../lib/ops';
import { CallContext } from '../lib/autodiff';
import { lcg, randomTensor } from './helpers/fixtures';

describe('one Workspace, two calls of an op in one pass', () => {
  const next = lcg(21);
  const x = randomTensor([4, 3], next);
  const k1 = randomTensor([3, 3], next);
  const b1 = randomTensor([3], next, 0.5);
  const k2 = randomTensor([3, 3], next);
  const G = randomTensor([4, 3], next);

  it('dense(dense(x)) through one Workspace passes the gradient check (as with two)', () => {
    const shared = new Workspace();
    const one = gradCheck((ctx) => weightedSum(ctx, shared, dense(ctx, shared, dense(ctx, shared, x, k1, b1, 'tanh'), k2, null, 'sigmoid'), G), [x, k1, b1, k2]);
    const [w1, w2, w3] = [new Workspace(), new Workspace(), new Workspace()];
    const separate = gradCheck((ctx) => weightedSum(ctx, w3, dense(ctx, w2, dense(ctx, w1, x, k1, b1, 'tanh'), k2, null, 'sigmoid'), G), [x, k1, b1, k2]);
    for (const e of one.relativeError) expect(e).toBeLessThan(1e-3);
    one.analytic.forEach((g, i) => expect(Array.from(g)).toEqual(Array.from(separate.analytic[i])));
  });

  it('at inference, two outputs of the same op are two tensors with their own values', () => {
    const ws = new Workspace();
    const ctx: CallContext = { training: false, tape: null };
    const a = dense(ctx, ws, x, k1, b1, 'relu');
    const before = Array.from(a.data);
    const b = dense(ctx, ws, x, k1, null, 'linear');
    expect(b).not.toBe(a);
    expect(Array.from(a.data)).toEqual(before);
  });

  it('max pooling twice in a pass keeps each call its own argmax', () => {
    const ws = new Workspace();
    const img = randomTensor([2, 5, 5, 2], next);
    const G = randomTensor([2, 5, 5, 2], next);
    // 'same' pooling with stride 1 keeps the shape, so both calls ask for the same buffers.
    const twice = (ctx: CallContext) => weightedSum(ctx, ws, pool2d(ctx, ws, 'max', pool2d(ctx, ws, 'max', img, [2, 2], [1, 1], 'same'), [3, 3], [1, 1], 'same'), G);
    const { relativeError } = gradCheck(twice, [img], { step: 1e-4 });
    expect(relativeError[0]).toBeLessThan(1e-3);
  });

  it('the next pass reuses the same buffers, call for call: no allocation', () => {
    const ws = new Workspace();
    const ctx: CallContext = { training: false, tape: null, pass: 0 };
    const run = () => dense(ctx, ws, dense(ctx, ws, x, k1, b1, 'tanh'), k2, null, 'linear');
    ctx.pass = 1;
    const first = run();
    const allocated = Workspace.allocations;
    for (let p = 2; p < 6; p++) {
      ctx.pass = p;
      expect(run()).toBe(first);
    }
    expect(Workspace.allocations).toBe(allocated);
    // A new context object is a new pass too.
    expect(dense({ training: false, tape: null }, ws, x, k1, b1, 'tanh')).toBe(dense({ training: false, tape: null }, ws, x, k1, b1, 'tanh'));
  });
});

describe('a context reused without bumping pass', () => {
  it('is one long pass: every call gets its own buffer, and past MAX_USES_PER_PASS calls an Error says to bump ctx.pass', () => {
    const ws = new Workspace();
    const next = lcg(3);
    const x = randomTensor([1, 2], next);
    const k = randomTensor([2, 2], next);
    const ctx: CallContext = { training: false, tape: null };
    const a = dense(ctx, ws, x, k, null, 'linear');
    expect(dense(ctx, ws, x, k, null, 'linear')).not.toBe(a);
    expect(() => {
      for (let i = 0; i < MAX_USES_PER_PASS; i++) dense(ctx, ws, x, k, null, 'linear');
    }).toThrow(/Workspace: 'dense.y' was asked for 4097 times in one pass; a context object reused for pass after pass must bump ctx.pass/);
  });
});
