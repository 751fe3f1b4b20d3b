/**
 * The wrapper layers (layers/wrappers.ts) and their ops (lib/sequence-ops.ts): gradient checks of
 * every op and of TimeDistributed(Dense), Bidirectional(LSTM), Bidirectional(GRU) and
 * Bidirectional(SimpleRNN) for every merge mode, with and without returnSequences; forward values
 * against the plain float64 cells of spec/helpers/recurrent.ts; the dropout masks of each
 * direction; weights, trainable, errors; configs that rebuild the layers (layerFromConfig).
 * The comparison with TensorFlow.js is in spec/wrappers-tfjs.spec.ts.
 */
import { Dense } from '../layers/dense';
import { Dropout } from '../layers/dropout';
import { GRU, LSTM, RecurrentLayer, SimpleRNN } from '../layers/recurrent';
import { layerFromConfig, modelFromArtifacts } from '../layers/serialization';
import { Bidirectional, TimeDistributed } from '../layers/wrappers';
import { CallContext, requireGrads, Tape, Workspace } from '../lib/autodiff';
import { gradCheck, relativeDifference } from '../lib/gradcheck';
import { Input } from '../lib/graph/input';
import { modelToArtifacts } from '../lib/io/artifacts';
import { LayerJson } from '../lib/io/artifacts';
import { Model } from '../lib/model';
import { weightedSum } from '../lib/ops';
import { RandomStream } from '../lib/random';
import { gru, lstm, simpleRnn } from '../lib/recurrent-ops';
import { concatenate } from '../lib/merge-ops';
import { mergePair, PairMergeMode, reverseTime } from '../lib/sequence-ops';
import { Sequential } from '../lib/sequential';
import { SGD } from '../lib/optimizers';
import { Tensor } from '../lib/tensor';
import { lcg, randomTensor } from './helpers/fixtures';
import { referenceGru, referenceLstm, referenceSimpleRnn } from './helpers/recurrent';

const MODES: PairMergeMode[] = ['concat', 'sum', 'mul', 'ave'];
const TOLERANCE = 1e-2; // gradCheck's float32 pass mark (see lib/gradcheck.ts)

/** Builds `layer` for a per-sample shape from a fixed stream, outside any model. */
function build<L extends { build: (s: number[], r: { init: RandomStream; layerSeed: string }) => void }>(layer: L, shape: number[], seed = 1): L {
  layer.build(shape, { init: new RandomStream(seed), layerSeed: `spec${seed}` });
  return layer;
}

/** Sets every weight of `layer` to values in [-scale, scale) from `next` (so biases are not all zero). */
function randomizeWeights(layer: { weights: Tensor[]; setWeights: (v: Tensor[]) => void }, next: () => number, scale = 0.6): void {
  layer.setWeights(layer.weights.map((w) => randomTensor(w.shape, next, scale)));
}

/** Largest |a - b|. */
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('sequence ops: gradient checks and forward values', () => {
  const next = lcg(5);
  const ws = new Workspace();

  it('reverseTime: y[b, t] = x[b, T - 1 - t], and its gradient', () => {
    const x = randomTensor([2, 4, 3], next);
    const y = reverseTime({ training: false, tape: null }, ws, x);
    expect(y.shape).toEqual([2, 4, 3]);
    for (let b = 0; b < 2; b++) for (let t = 0; t < 4; t++) for (let k = 0; k < 3; k++) expect(y.get(b, t, k)).toBe(x.get(b, 3 - t, k));
    const G = randomTensor([2, 4, 3], next);
    const { relativeError } = gradCheck((ctx) => weightedSum(ctx, ws, reverseTime(ctx, ws, x), G), [x]);
    expect(relativeError[0]).toBeLessThan(TOLERANCE);
  });

  it('reverseTime of a [batch, time] tensor (no feature axis) and of a rank-4 one', () => {
    const x2 = new Tensor(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
    expect(Array.from(reverseTime({ training: false, tape: null }, ws, x2).data)).toEqual([3, 2, 1, 6, 5, 4]);
    const x4 = randomTensor([2, 3, 2, 2], next);
    const G = randomTensor([2, 3, 2, 2], next);
    expect(gradCheck((ctx) => weightedSum(ctx, ws, reverseTime(ctx, ws, x4), G), [x4]).relativeError[0]).toBeLessThan(TOLERANCE);
  });

  it.each(MODES)('mergePair %s: forward values and the gradients of both inputs', (mode) => {
    const a = randomTensor([3, 2, 4], next);
    const b = randomTensor([3, 2, 4], next);
    const y = mergePair({ training: false, tape: null }, ws, mode, a, b);
    expect(y.shape).toEqual(mode === 'concat' ? [3, 2, 8] : [3, 2, 4]);
    // Forward, element by element.
    for (let r = 0; r < 6; r++) {
      for (let j = 0; j < 4; j++) {
        const [u, v] = [a.data[r * 4 + j], b.data[r * 4 + j]];
        if (mode === 'concat') {
          expect(y.data[r * 8 + j]).toBe(u);
          expect(y.data[r * 8 + 4 + j]).toBe(v);
        } else {
          const want = mode === 'sum' ? u + v : mode === 'mul' ? u * v : 0.5 * (u + v);
          expect(y.data[r * 4 + j]).toBeCloseTo(want, 6);
        }
      }
    }
    const G = randomTensor(y.shape, next);
    const { relativeError } = gradCheck((ctx) => weightedSum(ctx, ws, mergePair(ctx, ws, mode, a, b), G), [a, b]);
    relativeError.forEach((e) => expect(e).toBeLessThan(TOLERANCE));
  });

  it('mergePair mul of a tensor with itself: both contributions add up (d(x*x) = 2x dy)', () => {
    const a = randomTensor([2, 3], next);
    const G = randomTensor([2, 3], next);
    const { relativeError, analytic } = gradCheck((ctx) => weightedSum(ctx, ws, mergePair(ctx, ws, 'mul', a, a), G), [a]);
    expect(relativeError[0]).toBeLessThan(TOLERANCE);
    analytic[0].forEach((g, i) => expect(g).toBeCloseTo(2 * a.data[i] * G.data[i], 5));
  });

  it('concatenate (last axis) of different widths: [2, 3, 2] and [2, 3, 5] -> [2, 3, 7], and its gradients', () => {
    const a = randomTensor([2, 3, 2], next);
    const b = randomTensor([2, 3, 5], next);
    const y = concatenate({ training: false, tape: null }, ws, [a, b], -1);
    expect(y.shape).toEqual([2, 3, 7]);
    expect(y.get(1, 2, 1)).toBe(a.get(1, 2, 1));
    expect(y.get(1, 2, 6)).toBe(b.get(1, 2, 4));
    const G = randomTensor([2, 3, 7], next);
    gradCheck((ctx) => weightedSum(ctx, ws, concatenate(ctx, ws, [a, b], -1), G), [a, b]).relativeError.forEach((e) => expect(e).toBeLessThan(TOLERANCE));
  });

  it('shape errors name the op and both shapes', () => {
    const ctx = { training: false, tape: null };
    expect(() => mergePair(ctx, ws, 'sum', Tensor.zeros([2, 3]), Tensor.zeros([2, 4]))).toThrow(/mergePair\('sum'\): the two tensors must have one shape, got \[2, 3\] and \[2, 4\]/);
    expect(() => mergePair(ctx, ws, 'avg' as PairMergeMode, Tensor.zeros([2]), Tensor.zeros([2]))).toThrow(/mergePair: unknown mode "avg"; expected one of concat, sum, mul, ave/);
    expect(() => reverseTime(ctx, ws, Tensor.zeros([3]))).toThrow(/reverseTime: expected x \[batch, time, ...\], got \[3\]/);
  });
});

describe('TimeDistributed', () => {
  const next = lcg(7);

  it('TimeDistributed(Dense): [batch, time, features] -> [batch, time, units], each step the Dense of that step', () => {
    const td = build(new TimeDistributed({ layer: new Dense(3, { activation: 'tanh' }) }), [4, 2]);
    randomizeWeights(td, next);
    expect(td.outputShape).toEqual([4, 3]);
    const x = randomTensor([5, 4, 2], next);
    const y = td.call(x, { training: false, tape: null });
    expect(y.shape).toEqual([5, 4, 3]);
    const [kernel, bias] = td.weights;
    // Step by step, by hand: y[b, t, u] = tanh(sum_f x[b, t, f] K[f, u] + bias[u]).
    for (let b = 0; b < 5; b++) {
      for (let t = 0; t < 4; t++) {
        for (let u = 0; u < 3; u++) {
          let z = bias.data[u];
          for (let f = 0; f < 2; f++) z += x.get(b, t, f) * kernel.get(f, u);
          expect(y.get(b, t, u)).toBeCloseTo(Math.tanh(z), 6);
        }
      }
    }
  });

  it('TimeDistributed(Dense) gradient check: input, kernel, bias', () => {
    const td = build(new TimeDistributed({ layer: new Dense(3, { activation: 'sigmoid' }) }), [4, 2]);
    randomizeWeights(td, next);
    const x = randomTensor([3, 4, 2], next);
    const G = randomTensor([3, 4, 3], next);
    const ws = new Workspace();
    const { relativeError } = gradCheck((ctx) => weightedSum(ctx, ws, td.call(x, { ...ctx, ws }), G), [x, ...td.weights]);
    expect(relativeError).toHaveLength(3);
    relativeError.forEach((e) => expect(e).toBeLessThan(TOLERANCE));
  });

  it('TimeDistributed(Dense) on a rank-4 per-sample input ([time, h, w]) inside a Model: gradient check through model.forward', () => {
    const inp = Input({ shape: [3, 2, 4] });
    const out = new TimeDistributed({ layer: new Dense(2, { activation: 'tanh' }) }).apply(inp);
    expect(out.shape).toEqual([null, 3, 2, 2]);
    const model = new Model({ inputs: inp, outputs: out, seed: 2 });
    const x = randomTensor([2, 3, 2, 4], next);
    const G = randomTensor([2, 3, 2, 2], next);
    const ws = new Workspace();
    const { relativeError } = gradCheck((ctx) => weightedSum(ctx, ws, model.forward(x, ctx)[0], G), [x, ...model.weights]);
    relativeError.forEach((e) => expect(e).toBeLessThan(TOLERANCE));
  });

  it("its weights are the inner layer's (same tensors, Keras names), and trainable is the inner layer's", () => {
    const dense = new Dense(3);
    const td = build(new TimeDistributed({ layer: dense }), [4, 2]);
    expect(td.weights).toHaveLength(2);
    expect(td.weights[0]).toBe(dense.kernel);
    expect(td.weightNames).toEqual(['kernel', 'bias']);
    const values = td.weights.map((w) => randomTensor(w.shape, next));
    td.setWeights(values);
    expect(Array.from(dense.kernel.data)).toEqual(Array.from(values[0].data));
    td.trainable = false;
    expect(dense.trainable).toBe(false);
    expect(dense.kernel.requiresGrad).toBe(false);
    expect(new TimeDistributed({ layer: new Dense(2), trainable: false }).layer.trainable).toBe(false);
  });

  it('an inner layer built before must have been built for the per-step shape', () => {
    const dense = build(new Dense(3), [5]);
    expect(() => build(new TimeDistributed({ layer: dense, name: 'td' }), [4, 2])).toThrow(
      /TimeDistributed 'td': the inner layer 'dense(_\d+)?' was built for per-sample input \[5\], but each time step here is \[2\]/,
    );
    const same = build(new TimeDistributed({ layer: dense }), [4, 5]);
    expect(same.weights[0]).toBe(dense.kernel);
  });

  it('TimeDistributed(Dropout) in training draws one mask over every step (a Dropout of the folded batch)', () => {
    const td = build(new TimeDistributed({ layer: new Dropout(0.5, { seed: 3 }) }), [6, 4]);
    const x = Tensor.from(Array.from({ length: 2 }, () => Array.from({ length: 6 }, () => [1, 1, 1, 1])));
    const y = td.call(x, { training: true, tape: null });
    const values = new Set(Array.from(y.data));
    expect(values).toEqual(new Set([0, 2]));
    expect(td.stochastic).toBe(true);
    expect(Array.from(td.call(x, { training: false, tape: null }).data)).toEqual(Array.from(x.data));
  });

  it('clear errors: no layer, a list layer, a per-sample input without a time axis, a wrong input', () => {
    expect(() => new TimeDistributed({} as never)).toThrow(/TimeDistributed 'time_distributed(_\d+)?': the option 'layer' must be a Layer \(e.g. \{ layer: new Dense\(8\) \}\), got undefined/);
    expect(() => new TimeDistributed({ layer: new Dense(2), laier: 1 } as never)).toThrow(/TimeDistributed: unknown option 'laier' \(did you mean layer\?\)/);
    const td = new TimeDistributed({ layer: new Dense(2), name: 'td' });
    expect(() => td.computeOutputShape([4])).toThrow(/TimeDistributed 'td': expected a per-sample input \[time, ...\] of rank >= 2 .* got \[4\]/);
    build(td, [4, 3]);
    expect(() => td.call(Tensor.zeros([2, 4, 5]), { training: false, tape: null })).toThrow(/TimeDistributed 'td': expected an input \[batch, 4, 3\], got \[2, 4, 5\]/);
  });
});

type Cell = 'LSTM' | 'GRU' | 'SimpleRNN';
const makeCell: Record<Cell, (units: number, args: ConstructorParameters<typeof LSTM>[1]) => RecurrentLayer> = {
  LSTM: (u, a) => new LSTM(u, a),
  GRU: (u, a) => new GRU(u, a),
  SimpleRNN: (u, a) => new SimpleRNN(u, a),
};
const reference = { LSTM: referenceLstm, GRU: referenceGru, SimpleRNN: referenceSimpleRnn };
const op = { LSTM: lstm, GRU: gru, SimpleRNN: simpleRnn };

/** The expected Bidirectional output from the float64 reference cells, reversed and merged by hand. */
function referenceBidirectional(cell: Cell, bi: Bidirectional, x: Tensor): number[] {
  const [B, T] = x.shape;
  const U = bi.layer.units;
  const rs = bi.returnSequences;
  const [fk, fr, fb, bk, br, bb] = bi.weights;
  const fwd = reference[cell](x, fk, fr, fb, { returnSequences: rs });
  const bwd = reference[cell](x, bk, br, bb, { returnSequences: rs, goBackwards: true });
  const steps = rs ? T : 1;
  const out: number[] = [];
  // Sample b, output step t: forward's step t and backward's step (T - 1 - t) (its own order is reversed).
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < steps; t++) {
      const f = fwd.slice((b * steps + t) * U, (b * steps + t + 1) * U);
      const tb = rs ? steps - 1 - t : 0;
      const g = bwd.slice((b * steps + tb) * U, (b * steps + tb + 1) * U);
      if (bi.mergeMode === 'concat') out.push(...f, ...g);
      else out.push(...f.map((v, k) => (bi.mergeMode === 'sum' ? v + g[k] : bi.mergeMode === 'mul' ? v * g[k] : (v + g[k]) / 2)));
    }
  }
  return out;
}

describe('Bidirectional: forward values and gradient checks for every merge mode', () => {
  const B = 2, T = 4, F = 3, U = 3;
  const cases: [Cell, PairMergeMode, boolean][] = [];
  for (const cell of ['LSTM', 'GRU'] as Cell[]) for (const mode of MODES) for (const rs of [false, true]) cases.push([cell, mode, rs]);
  cases.push(['SimpleRNN', 'concat', true], ['SimpleRNN', 'ave', false]);

  it.each(cases)('Bidirectional(%s), mergeMode %s, returnSequences %s', (cell, mode, rs) => {
    const next = lcg(cell.length * 100 + MODES.indexOf(mode) * 10 + (rs ? 1 : 0));
    const bi = build(new Bidirectional({ layer: makeCell[cell](U, { returnSequences: rs }), mergeMode: mode }), [T, F]);
    randomizeWeights(bi, next);
    const x = randomTensor([B, T, F], next);
    const width = mode === 'concat' ? 2 * U : U;
    expect(bi.outputShape).toEqual(rs ? [T, width] : [width]);
    const y = bi.call(x, { training: false, tape: null });
    expect(y.shape).toEqual(rs ? [B, T, width] : [B, width]);
    expect(maxDiff(y.data, referenceBidirectional(cell, bi, x))).toBeLessThan(1e-5);

    const G = randomTensor(y.shape, next);
    const ws = new Workspace();
    const { relativeError } = gradCheck((ctx) => weightedSum(ctx, ws, bi.call(x, { ...ctx, ws }), G), [x, ...bi.weights]);
    expect(relativeError).toHaveLength(7);
    relativeError.forEach((e) => expect(e).toBeLessThan(TOLERANCE));
  });

  it('an inner layer that already goes backwards: its forward half goes backwards, the other forwards', () => {
    const bi = build(new Bidirectional({ layer: new LSTM(2, { goBackwards: true, returnSequences: true }) }), [3, 2]);
    expect(bi.forwardLayer.goBackwards).toBe(true);
    expect(bi.backwardLayer.goBackwards).toBe(false);
    expect(bi.getConfig().layer).toMatchObject({ config: { go_backwards: true } });
  });
});

describe('Bidirectional: dropout masks per direction, per pass', () => {
  const B = 4, T = 5, F = 3, U = 4;

  it.each([['LSTM'], ['GRU']] as [Cell][])(
    '%s: each half draws its own masks at every training pass, and backpropagation uses this pass\'s masks',
    (cell) => {
      const next = lcg(31);
      const bi = build(new Bidirectional({ layer: makeCell[cell](U, { dropout: 0.4, recurrentDropout: 0.4, returnSequences: true }), mergeMode: 'mul' }), [T, F]);
      randomizeWeights(bi, next);
      const x = randomTensor([B, T, F], next);
      const G = randomTensor([B, T, U], next);
      const masks = () => [bi.forwardLayer.lastInputMask, bi.forwardLayer.lastRecurrentMask, bi.backwardLayer.lastInputMask, bi.backwardLayer.lastRecurrentMask].map((m) => Array.from((m as Tensor).data));

      // Pass 1, taped.
      const ws = new Workspace();
      const tape = new Tape();
      const ctx: CallContext = { training: true, tape, ws };
      requireGrads([x, ...bi.weights]);
      const y = bi.call(x, ctx);
      tape.backward(weightedSum(ctx, ws, y, G));
      const analytic = [x, ...bi.weights].map((t) => Float32Array.from(t.grad as Float32Array));
      const [fIn, fRec, bIn, bRec] = masks();
      // Two directions, two different masks of each kind (both made of 0 and 1 / (1 - 0.4)).
      expect(new Set([...fIn, ...bIn, ...fRec, ...bRec])).toEqual(new Set([0, Math.fround(1 / 0.6)]));
      expect(fIn).not.toEqual(bIn);
      expect(fRec).not.toEqual(bRec);

      // The same function with those masks given explicitly to the ops: same output, and its
      // numeric gradient is the analytic gradient of pass 1 (so backward reused pass 1's masks).
      const mask = (values: number[], shape: number[]) => new Tensor(Float32Array.from(values), shape);
      const [fk, fr, fb, bk, br, bb] = bi.weights;
      const opts = { returnSequences: true, activation: 'tanh' as const, recurrentActivation: 'sigmoid' as const };
      const explicit = (c: CallContext): Tensor => {
        const w = new Workspace();
        const fwd = op[cell](c, w, x, fk, fr, fb, { ...opts, inputMask: mask(fIn, [B, F]), recurrentMask: mask(fRec, [B, U]) }).output;
        const bwd = op[cell](c, w, x, bk, br, bb, { ...opts, goBackwards: true, inputMask: mask(bIn, [B, F]), recurrentMask: mask(bRec, [B, U]) }).output;
        return weightedSum(c, w, mergePair(c, w, 'mul', fwd, reverseTime(c, w, bwd)), G);
      };
      const explicitY = explicit({ training: false, tape: null }).data[0];
      const ourY = y.data.reduce((s, v, i) => s + v * G.data[i], 0);
      expect(Math.abs(explicitY - ourY)).toBeLessThan(1e-5 * Math.max(1, Math.abs(ourY)));
      const { numeric } = gradCheck(explicit, [x, ...bi.weights]);
      analytic.forEach((a, k) => expect(relativeDifference(a, numeric[k])).toBeLessThan(TOLERANCE));

      // Pass 2 draws new masks in each half.
      bi.call(x, { training: true, tape: null, ws });
      const [fIn2, fRec2, bIn2, bRec2] = masks();
      expect(fIn2).not.toEqual(fIn);
      expect(fRec2).not.toEqual(fRec);
      expect(bIn2).not.toEqual(bIn);
      expect(bRec2).not.toEqual(bRec);
      // Inference draws none: the output is the deterministic one.
      const a = Array.from(bi.call(x, { training: false, tape: null }).data);
      expect(Array.from(bi.call(x, { training: false, tape: null }).data)).toEqual(a);
    },
  );

  it('an explicit seed on the inner layer seeds the forward half; the backward half gets a seed of its own', () => {
    const bi = new Bidirectional({ layer: new LSTM(2, { dropout: 0.5, seed: 9 }) });
    expect(bi.forwardLayer.seed).toBe(9);
    expect(bi.backwardLayer.seed).toBe('9/backward');
    build(bi, [3, 6]);
    bi.call(Tensor.zeros([8, 3, 6]), { training: true, tape: null });
    expect(Array.from(bi.forwardLayer.lastInputMask!.data)).not.toEqual(Array.from(bi.backwardLayer.lastInputMask!.data));
    expect(bi.stochastic).toBe(true);
  });
});

describe('Bidirectional: weights, trainable, configuration, errors', () => {
  it('two new halves made from the inner layer: names, weights in order forward then backward, the same tensors', () => {
    const inner = new LSTM(3, { name: 'enc', kernelInitializer: 'zeros', unitForgetBias: false });
    const bi = build(new Bidirectional({ layer: inner, name: 'bi' }), [4, 2]);
    expect(bi.forwardLayer.name).toBe('forward_enc');
    expect(bi.backwardLayer.name).toBe('backward_enc');
    expect(bi.forwardLayer).not.toBe(inner);
    expect(inner.built).toBe(false);
    expect(bi.weightNames).toEqual([
      'forward_enc/kernel', 'forward_enc/recurrent_kernel', 'forward_enc/bias',
      'backward_enc/kernel', 'backward_enc/recurrent_kernel', 'backward_enc/bias',
    ]);
    expect(bi.weights.map((w) => w.shape)).toEqual([[2, 12], [3, 12], [12], [2, 12], [3, 12], [12]]);
    expect(bi.weights.slice(0, 3)).toEqual(bi.forwardLayer.weights);
    expect(bi.weights[3]).toBe(bi.backwardLayer.kernel);
    // The arguments are copied: zero kernels, no forget bias, in both halves.
    expect(bi.weights.filter((_, i) => i % 3 !== 1).every((w) => w.data.every((v) => v === 0))).toBe(true);
    // The two halves start from different recurrent kernels (drawn one after the other).
    expect(Array.from(bi.weights[1].data)).not.toEqual(Array.from(bi.weights[4].data));
    expect(bi.countParams()).toBe(2 * (2 * 12 + 3 * 12 + 12));
  });

  it('trainable false freezes both halves; a model leaves them out of its trainable weights', () => {
    const bi = new Bidirectional({ layer: new GRU(2), trainable: false });
    const model = new Sequential({ seed: 1 });
    model.add(new Dense(3, { inputShape: [4, 2] }));
    model.add(bi);
    expect(bi.forwardLayer.trainable).toBe(false);
    expect(bi.weights.every((w) => !w.requiresGrad)).toBe(true);
    expect(model.trainableWeights).toHaveLength(2);
    bi.trainable = true;
    expect(bi.backwardLayer.trainable && bi.weights.every((w) => w.requiresGrad)).toBe(true);
    expect(model.trainableWeights).toHaveLength(8);
  });

  it("as a model's first layer it takes the inner layer's inputShape; fit moves every weight of both halves", async () => {
    const model = new Sequential({ seed: 3 });
    model.add(new Bidirectional({ layer: new LSTM(3, { inputShape: [5, 2], returnSequences: true, dropout: 0.2, recurrentDropout: 0.2 }), mergeMode: 'sum' }));
    model.add(new TimeDistributed({ layer: new Dense(1) }));
    expect(model.outputShape).toEqual([5, 1]);
    model.compile({ loss: 'mse', optimizer: new SGD({ learningRate: 0.1 }) });
    const next = lcg(4);
    const x = randomTensor([8, 5, 2], next);
    const y = randomTensor([8, 5, 1], next);
    const before = model.getWeights().map((w) => Array.from(w.data));
    const history = await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
    expect(history.history.loss.every(Number.isFinite)).toBe(true);
    model.getWeights().forEach((w, i) => expect(Array.from(w.data)).not.toEqual(before[i]));
  });

  it('both wrappers apply eagerly to data (built on first use), and symbolically with the shapes Keras gives', () => {
    const x = randomTensor([2, 4, 3], lcg(12));
    expect(new Bidirectional({ layer: new GRU(2, { returnSequences: true }) }).apply(x).shape).toEqual([2, 4, 4]);
    expect(new Bidirectional({ layer: new SimpleRNN(2), mergeMode: 'sum' }).apply(x, { training: true }).shape).toEqual([2, 2]);
    expect(new TimeDistributed({ layer: new Dense(5) }).apply(x).shape).toEqual([2, 4, 5]);
    const inp = Input({ shape: [4, 3] });
    expect(new Bidirectional({ layer: new LSTM(2, { returnSequences: true }), mergeMode: 'ave' }).apply(inp).shape).toEqual([null, 4, 2]);
  });

  it('a training step allocates nothing once warm: the second and third taped passes make no new buffer', () => {
    const bi = build(new Bidirectional({ layer: new LSTM(3, { returnSequences: true, dropout: 0.3, recurrentDropout: 0.3 }) }), [4, 2]);
    const td = build(new TimeDistributed({ layer: new Dense(2) }), [4, 6]);
    const x = randomTensor([3, 4, 2], lcg(13));
    const G = randomTensor([3, 4, 2], lcg(14));
    const ws = new Workspace();
    const tape = new Tape();
    const counts: number[] = [];
    requireGrads([...bi.weights, ...td.weights]);
    // Three passes through one workspace and tape, as fit runs steps.
    for (let pass = 0; pass < 3; pass++) {
      tape.reset();
      const ctx: CallContext = { training: true, tape, ws, pass };
      tape.backward(weightedSum(ctx, ws, td.call(bi.call(x, ctx), ctx), G));
      counts.push(Workspace.allocations);
    }
    expect(counts[2]).toBe(counts[1]);
    expect(counts[1]).toBe(counts[0]);
  });

  it('getConfig is TensorFlow.js\'s: { merge_mode, layer: { class_name, config of the layer given }, name, ... }', () => {
    const bi = new Bidirectional({ layer: new LSTM(3, { name: 'lstm_x', returnSequences: true }), mergeMode: 'ave', name: 'bi_x' });
    const config = bi.getConfig();
    expect(config).toMatchObject({ name: 'bi_x', trainable: true, merge_mode: 'ave', layer: { class_name: 'LSTM', config: { name: 'lstm_x', units: 3, return_sequences: true, go_backwards: false } } });
    const td = new TimeDistributed({ layer: new Dense(2, { name: 'd_x', activation: 'relu' }), name: 'td_x', inputShape: [4, 3] });
    expect(td.getConfig()).toMatchObject({ name: 'td_x', trainable: true, batch_input_shape: [null, 4, 3], layer: { class_name: 'Dense', config: { name: 'd_x', units: 2, activation: 'relu' } } });
  });

  it.each([
    ['Bidirectional(LSTM), concat', () => new Bidirectional({ layer: new LSTM(3, { returnSequences: true, recurrentDropout: 0.25 }) })],
    ['Bidirectional(GRU resetAfter false), mul', () => new Bidirectional({ layer: new GRU(2, { resetAfter: false, goBackwards: true }), mergeMode: 'mul', trainable: false })],
    ['Bidirectional(SimpleRNN), sum', () => new Bidirectional({ layer: new SimpleRNN(2, { activation: 'relu' }), mergeMode: 'sum' })],
    ['TimeDistributed(Dense)', () => new TimeDistributed({ layer: new Dense(2, { activation: 'sigmoid' }), inputShape: [4, 3] })],
  ])('%s: layerFromConfig(getConfig()) rebuilds it: same config, same weights layout, same output', (_label, make) => {
    const layer = make() as Bidirectional | TimeDistributed;
    const json = JSON.parse(JSON.stringify({ class_name: layer.className, config: layer.getConfig() })) as LayerJson;
    const copy = layerFromConfig(json);
    expect(copy).toBeInstanceOf(layer.constructor);
    expect(copy.getConfig()).toEqual(layer.getConfig());
    build(layer, [4, 3], 1);
    build(copy, [4, 3], 2);
    expect(copy.weightNames).toEqual(layer.weightNames);
    copy.setWeights(layer.getWeights());
    const x = randomTensor([3, 4, 3], lcg(8));
    expect(Array.from(copy.call(x, { training: false, tape: null }).data)).toEqual(Array.from(layer.call(x, { training: false, tape: null }).data));
  });

  it('a Sequential with both wrappers saves and loads in Lamina: weight names, same predictions', () => {
    const model = new Sequential({ seed: 6 });
    model.add(new Bidirectional({ layer: new LSTM(3, { name: 'rnn', returnSequences: true }), name: 'bi', inputShape: [4, 2] }));
    model.add(new TimeDistributed({ layer: new Dense(2, { name: 'head' }), name: 'td' }));
    const artifacts = modelToArtifacts(model);
    expect(artifacts.weightSpecs.map((s) => s.name)).toEqual([
      'bi/forward_rnn/kernel', 'bi/forward_rnn/recurrent_kernel', 'bi/forward_rnn/bias',
      'bi/backward_rnn/kernel', 'bi/backward_rnn/recurrent_kernel', 'bi/backward_rnn/bias',
      'td/kernel', 'td/bias',
    ]);
    const loaded = modelFromArtifacts(artifacts);
    const x = randomTensor([3, 4, 2], lcg(9));
    expect(Array.from((loaded.predict(x) as Tensor).data)).toEqual(Array.from(model.predict(x).data));
    expect(loaded.layers[0]).toBeInstanceOf(Bidirectional);
  });

  it('clear errors: a layer that is not recurrent, returnState, an unknown or null mergeMode, a misspelled option, a wrong input', () => {
    expect(() => new Bidirectional({ layer: new Dense(2, { name: 'd' }) as never, name: 'b' })).toThrow(
      /Bidirectional 'b': the option 'layer' must be a recurrent layer \(LSTM, GRU or SimpleRNN\), got 'd' \(Dense\)/,
    );
    expect(() => new Bidirectional({} as never)).toThrow(TypeError);
    expect(() => new Bidirectional({ layer: new LSTM(2, { returnState: true, name: 'l' }), name: 'b' })).toThrow(
      /Bidirectional 'b': the inner layer 'l' has returnState true, which Bidirectional does not support/,
    );
    expect(() => new Bidirectional({ layer: new LSTM(2), mergeMode: 'avg' as never, name: 'b' })).toThrow(
      /Bidirectional 'b': mergeMode must be one of 'concat', 'sum', 'mul', 'ave', got the string 'avg'/,
    );
    expect(() => new Bidirectional({ layer: new LSTM(2), mergeMode: null as never })).toThrow(/null, two separate outputs, is not supported/);
    expect(() => new Bidirectional({ layer: new LSTM(2), merge_mode: 'sum' } as never)).toThrow(/Bidirectional: unknown option 'merge_mode' \(did you mean mergeMode\?\)/);
    const bi = new Bidirectional({ layer: new LSTM(2), name: 'b' });
    expect(() => bi.computeOutputShape([5])).toThrow(/Bidirectional 'b': LSTM 'forward_lstm(_\d+)?': expected a per-sample input of shape \[time, features\]/);
    expect(() => layerFromConfig({ class_name: 'Bidirectional', config: { name: 'b', layer: { class_name: 'Dense', config: { name: 'd', units: 2 } } } })).toThrow(/must be a recurrent layer/);
    expect(() => layerFromConfig({ class_name: 'Bidirectional', config: { name: 'b', merge_mode: null, layer: { class_name: 'LSTM', config: { name: 'l', units: 2 } } } })).toThrow(/mergeMode must be one of/);
  });
});
