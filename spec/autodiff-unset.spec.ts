import { Dense } from '../layers/dense';
import { Dropout } from '../layers/dropout';
import { Tape, Workspace } from '../lib/autodiff';
import { add } from '../lib/tensor-ops';
import { weightedSum } from '../lib/ops';
import { RandomStream } from '../lib/random';
import { Tensor } from '../lib/tensor';
import { lcg } from './helpers/fixtures';

/** x [8, 3] -> Dense(16, relu) -> Dropout(0.5) -> Dense(2): one taped pass, backward from sum(y * G); returns the tensors. */
function pass(layers: [Dense, Dropout, Dense], x: Tensor, G: Tensor, tape: Tape, ctx: { training: boolean; tape: Tape; pass: number }) {
  ctx.pass++;
  tape.reset();
  for (const layer of [layers[0], layers[2]]) for (const w of layer.weights) (w.grad as Float32Array).fill(0);
  const h = layers[0].call(x, ctx);
  const d = layers[1].call(h, ctx);
  const y = layers[2].call(d, ctx);
  tape.backward(weightedSum(ctx, new Workspace(), y, G));
  return { h, d, y };
}

function makeLayers(seed: number): [Dense, Dropout, Dense] {
  const a = new Dense(16, { activation: 'relu', inputShape: [3] });
  const drop = new Dropout(0.5, { seed });
  const b = new Dense(2);
  a.build([3], { init: new RandomStream(seed), layerSeed: 's0' });
  drop.build([16], { init: new RandomStream(seed), layerSeed: 's1' });
  b.build([16], { init: new RandomStream(seed + 1), layerSeed: 's2' });
  return [a, drop, b];
}

describe('gradients the tape leaves unset instead of zero-filling', () => {
  const rand = lcg(5);
  const x = Tensor.zeros([8, 3]);
  for (let i = 0; i < x.size; i++) x.data[i] = rand();
  const G = Tensor.zeros([8, 2]);
  for (let i = 0; i < G.size; i++) G.data[i] = rand();

  it('the first writer overwrites: no fill of the hidden gradients, and the next pass sees no stale values', () => {
    const layers = makeLayers(1);
    const tape = new Tape();
    const ctx = { training: true, tape, pass: 0 };
    const first = pass(layers, x, G, tape, ctx);
    const hGrad = (first.h.grad as Float32Array).slice();
    const dGrad = (first.d.grad as Float32Array).slice();
    expect(hGrad.some((v) => v !== 0)).toBe(true);
    // Count fills of the two hidden gradient buffers in the next pass.
    let fills = 0;
    for (const t of [first.h, first.d]) {
      const buffer = t.grad as Float32Array;
      const fill = buffer.fill.bind(buffer);
      buffer.fill = ((...args: Parameters<Float32Array['fill']>) => {
        fills++;
        return fill(...args);
      }) as Float32Array['fill'];
    }
    // A fresh Dropout mask each pass: draw the same one again by rebuilding the dropout's stream.
    const again = makeLayers(1);
    again[0].setWeights(layers[0].getWeights());
    again[2].setWeights(layers[2].getWeights());
    const second = pass([layers[0], again[1], layers[2]], x, G, tape, ctx);
    expect(second.h).toBe(first.h); // the same buffers, reused
    expect(fills).toBe(0);
    expect(Array.from(second.h.grad as Float32Array)).toEqual(Array.from(hGrad));
    expect(Array.from(second.d.grad as Float32Array)).toEqual(Array.from(dGrad));
  });

  it('a tensor used by two ops that both write whole contributions gets the sum: the first overwrites, the second adds', () => {
    const [first, drop, second] = makeLayers(3);
    const third = new Dense(2);
    third.build([16], { init: new RandomStream(9), layerSeed: 's3' });
    // h feeds Dropout -> Dense and, directly, another Dense; each path's gradient of h alone, then both.
    const hGrad = (paths: 'dropout' | 'dense' | 'both'): Float32Array => {
      const tape = new Tape();
      const ctx = { training: true, tape, pass: 1 };
      drop.build([16], { init: new RandomStream(3), layerSeed: 's1' }); // the same mask every time
      const ws = new Workspace();
      const h = first.call(x, ctx);
      const viaDropout = weightedSum(ctx, ws, second.call(drop.call(h, ctx), ctx), G);
      const direct = weightedSum(ctx, ws, third.call(h, ctx), G);
      const loss = paths === 'dropout' ? viaDropout : paths === 'dense' ? direct : add(viaDropout, direct);
      tape.backward(loss);
      return (h.grad as Float32Array).slice();
    };
    const a = hGrad('dropout');
    const b = hGrad('dense');
    const both = hGrad('both');
    expect(a.some((v) => v !== 0) && b.some((v) => v !== 0)).toBe(true);
    for (let i = 0; i < both.length; i++) expect(both[i]).toBeCloseTo(a[i] + b[i], 6);
  });

  it('an output nothing writes into has a zero gradient after the walk, whatever its buffer held', () => {
    const tape = new Tape();
    const ctx = { training: true, tape, pass: 0 };
    const layers = makeLayers(2);
    const first = pass(layers, x, G, tape, ctx);
    // Dirty the output's gradient buffer, then walk a pass whose loss ignores y.
    (first.y.grad as Float32Array).fill(123);
    ctx.pass++;
    tape.reset();
    const h = layers[0].call(x, ctx);
    const y = layers[2].call(layers[1].call(h, ctx), ctx);
    tape.backward(weightedSum(ctx, new Workspace(), h, Tensor.full(h.shape, 1)));
    expect(Array.from(y.grad as Float32Array).every((v) => v === 0)).toBe(true);
    expect(Array.from(h.grad as Float32Array).every((v) => v === 1)).toBe(true);
  });
});
