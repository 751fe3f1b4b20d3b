import { LSTM } from '../layers/recurrent';
import { CallContext, Tape, Workspace, requireGrads } from '../lib/autodiff';
import { gradCheck } from '../lib/gradcheck';
import { weightedSum } from '../lib/ops';
import { RandomStream } from '../lib/random';
import { lstm, RecurrentOpOptions } from '../lib/recurrent-ops';
import { Tensor } from '../lib/tensor';
import { expectClose, lcg, loadFixture, randomTensor, tensor } from './helpers/fixtures';
import { maskTensor, referenceLstm, sumOfProducts } from './helpers/recurrent';

const fixture = loadFixture('layers').lstm as Array<Record<string, any>>;

describe('LSTM against the reference numbers (layers.json "lstm")', () => {
  it.each(fixture.map((c) => [c.return_sequences ? 'returnSequences' : 'last step only', c]))(
    '%s: output and the gradients of sum(y * G) for x, kernel, recurrent kernel and bias',
    (_name, c) => {
      const x = tensor(c.x);
      const [, time, features] = x.shape;
      const layer = new LSTM(c.units, { returnSequences: c.return_sequences });
      layer.build([time, features], { init: new RandomStream(0), layerSeed: '0' });
      layer.setWeights([tensor(c.kernel), tensor(c.recurrent_kernel), tensor(c.bias)]);
      const tape = new Tape();
      const ctx = { training: true, tape };
      requireGrads([x, ...layer.weights]);
      const y = layer.call(x, ctx);
      expect(y.shape).toEqual(c.return_sequences ? [x.shape[0], time, c.units] : [x.shape[0], c.units]);
      expectClose(y.data, c.y);
      tape.backward(weightedSum(ctx, new Workspace(), y, tensor(c.G)));
      expectClose(x.grad as Float32Array, c.dx);
      expectClose(layer.kernel.grad as Float32Array, c.dkernel);
      expectClose(layer.recurrentKernel.grad as Float32Array, c.drecurrent_kernel);
      expectClose((layer.bias as Tensor).grad as Float32Array, c.dbias);
    },
  );
});

describe('lstm op: gradient checks (central differences) and an independent forward', () => {
  const next = lcg(11);
  const B = 5, T = 4, F = 3, U = 4; // B = 5: the 4-row tiles and the remainder row
  const cases: Array<[string, RecurrentOpOptions & { masks?: boolean }]> = [
    ['last step', {}],
    ['returnSequences', { returnSequences: true }],
    ['goBackwards, returnSequences', { goBackwards: true, returnSequences: true }],
    ['input and recurrent masks', { masks: true }],
    ['masks, returnSequences, goBackwards', { masks: true, returnSequences: true, goBackwards: true }],
  ];
  it.each(cases)('%s', (_name, { masks, ...opts }) => {
    const ws = new Workspace();
    const x = randomTensor([B, T, F], next);
    const kernel = randomTensor([F, 4 * U], next, 0.6);
    const rk = randomTensor([U, 4 * U], next, 0.6);
    const bias = randomTensor([4 * U], next, 0.3);
    const inputMask = masks ? maskTensor([B, F], 0.4, next) : null;
    const recurrentMask = masks ? maskTensor([B, U], 0.4, next) : null;
    if (masks) {
      // the masks must drop something and keep something, or the test proves nothing
      expect(inputMask!.data.some((v) => v === 0) && inputMask!.data.some((v) => v > 0)).toBe(true);
      expect(recurrentMask!.data.some((v) => v === 0) && recurrentMask!.data.some((v) => v > 0)).toBe(true);
    }
    const all = { ...opts, inputMask, recurrentMask };
    const y = lstm({ training: false, tape: null }, ws, x, kernel, rk, bias, all).output;
    const ref = referenceLstm(x, kernel, rk, bias, all);
    expectClose(y.data, ref, { rtol: 1e-5, atol: 1e-6 });
    const G = randomTensor(y.shape.slice(), next);
    const { relativeError } = gradCheck((ctx) => weightedSum(ctx, ws, lstm(ctx, ws, x, kernel, rk, bias, all).output, G), [x, kernel, rk, bias]);
    for (const e of relativeError) expect(e).toBeLessThan(1e-2);
  });

  it('initial states and returnState: gradients reach h0 and c0, and flow back from the final states', () => {
    const ws = new Workspace();
    const x = randomTensor([B, T, F], next);
    const kernel = randomTensor([F, 4 * U], next, 0.6);
    const rk = randomTensor([U, 4 * U], next, 0.6);
    const bias = randomTensor([4 * U], next, 0.3);
    const h0 = randomTensor([B, U], next);
    const c0 = randomTensor([B, U], next);
    const [G, Gh, Gc] = [randomTensor([B, T, U], next), randomTensor([B, U], next), randomTensor([B, U], next)];
    const opts = { returnSequences: true, returnState: true, initialState: [h0, c0], recurrentMask: maskTensor([B, U], 0.3, next) };
    const loss = (ctx: CallContext): Tensor => {
      const r = lstm(ctx, ws, x, kernel, rk, null, opts);
      return sumOfProducts(ctx, [r.output, ...r.states], [G, Gh, Gc]);
    };
    const r = lstm({ training: false, tape: null }, ws, x, kernel, rk, null, opts);
    // h_T is the last row of the sequence output
    for (let b = 0; b < B; b++) for (let j = 0; j < U; j++) expect(r.states[0].get(b, j)).toBe(r.output.get(b, T - 1, j));
    const { relativeError } = gradCheck(loss, [x, kernel, rk, h0, c0]);
    for (const e of relativeError) expect(e).toBeLessThan(1e-2);
    expect(Array.from(c0.grad as Float32Array).some((v) => v !== 0)).toBe(true);
  });
});
