import { Dense } from '../layers/dense';
import { Dropout } from '../layers/dropout';
import { GRU, LSTM, RecurrentLayer, SimpleRNN } from '../layers/recurrent';
import { Tape, Workspace, requireGrads } from '../lib/autodiff';
import { Layer } from '../lib/layer';
import { weightedSum } from '../lib/ops';
import { RandomStream } from '../lib/random';
import { lstm } from '../lib/recurrent-ops';
import { Sequential } from '../lib/sequential';
import { Tensor } from '../lib/tensor';
import { expectClose, lcg, randomTensor } from './helpers/fixtures';
import { referenceLstm } from './helpers/recurrent';

const TRAIN = { training: true, tape: null };
const INFER = { training: false, tape: null };

function built<T extends Layer>(layer: T, perSample: number[], seed = 'spec'): T {
  layer.build(perSample, { init: new RandomStream(seed), layerSeed: seed });
  return layer;
}

/** A constant sequence: x[b, t, :] = v_b for every t. */
function constantSequence(batch: number, time: number, features: number, next: () => number): Tensor {
  const x = Tensor.zeros([batch, time, features]);
  const row = randomTensor([batch, features], next);
  for (let b = 0; b < batch; b++) for (let t = 0; t < time; t++) for (let f = 0; f < features; f++) x.data[(b * time + t) * features + f] = row.get(b, f);
  return x;
}

/** Row t of sample b of a [batch, time, units] output. */
function stepRow(y: Tensor, b: number, t: number): number[] {
  const [, time, units] = y.shape;
  return Array.from(y.data.subarray((b * time + t) * units, (b * time + t + 1) * units));
}

/**
 * An LSTM whose step output depends only on that step's (masked) input: zero recurrent kernel
 * and a forget gate held shut (bias -40), so h_t = o tanh(i g) from x_t alone.
 */
function memorylessLstm(units: number, time: number, features: number, args: { dropout?: number; recurrentDropout?: number }): LSTM {
  const layer = built(new LSTM(units, { returnSequences: true, ...args }), [time, features]);
  const [kernel, , bias] = layer.getWeights();
  for (let f = 0; f < features; f++) for (let j = units; j < 2 * units; j++) kernel.data[f * 4 * units + j] = 0;
  bias.data.fill(-40, units, 2 * units);
  layer.setWeights([kernel, Tensor.zeros([units, 4 * units]), bias]);
  return layer;
}

describe('recurrent layers: Keras weights, initializers and shapes', () => {
  it('LSTM: kernel [f, 4u] glorot-uniform, recurrent kernel [u, 4u] orthogonal, bias [4u] with the forget slice at 1', () => {
    const layer = built(new LSTM(3), [5, 2]);
    const [kernel, rk, bias] = layer.getWeights();
    expect(layer.weightNames).toEqual(['kernel', 'recurrent_kernel', 'bias']);
    expect([kernel.shape, rk.shape, bias.shape]).toEqual([[2, 12], [3, 12], [12]]);
    expect(Array.from(bias.data)).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    const limit = Math.sqrt(6 / 14);
    expect(Math.max(...Array.from(kernel.data, Math.abs))).toBeLessThanOrEqual(limit);
    // orthogonal [3, 12]: its rows are orthonormal, R R^T = I
    for (let a = 0; a < 3; a++) {
      for (let c = 0; c < 3; c++) {
        let dot = 0;
        for (let j = 0; j < 12; j++) dot += rk.get(a, j) * rk.get(c, j);
        expect(dot).toBeCloseTo(a === c ? 1 : 0, 5);
      }
    }
    expect(Array.from(built(new LSTM(3, { unitForgetBias: false }), [5, 2]).getWeights()[2].data).every((v) => v === 0)).toBe(true);
    expect(layer.countParams()).toBe(2 * 12 + 3 * 12 + 12);
  });

  it('GRU: bias [2, 3u] (input and recurrent rows); SimpleRNN: [f, u], [u, u], [u]', () => {
    expect(built(new GRU(4), [6, 3]).getWeights().map((w) => w.shape)).toEqual([[3, 12], [4, 12], [2, 12]]);
    expect(built(new SimpleRNN(4), [6, 3]).getWeights().map((w) => w.shape)).toEqual([[3, 4], [4, 4], [4]]);
    expect(built(new SimpleRNN(4, { useBias: false }), [6, 3]).getWeights().map((w) => w.shape)).toEqual([[3, 4], [4, 4]]);
  });

  it('output shapes: [units], or [time, units] with returnSequences', () => {
    const layer = built(new LSTM(7), [5, 2]);
    expect(layer.outputShape).toEqual([7]);
    expect(layer.call(Tensor.zeros([3, 5, 2]), INFER).shape).toEqual([3, 7]);
    const seq = built(new GRU(7, { returnSequences: true }), [5, 2]);
    expect(seq.outputShape).toEqual([5, 7]);
    expect(seq.call(Tensor.zeros([3, 5, 2]), INFER).shape).toEqual([3, 5, 7]);
  });

  it('goBackwards reads the sequence from its end (same as the forward layer on the time-reversed input)', () => {
    const next = lcg(3);
    const fwd = built(new GRU(4), [6, 3], 'same');
    const bwd = built(new GRU(4, { goBackwards: true }), [6, 3], 'same');
    const x = randomTensor([2, 6, 3], next);
    const reversed = Tensor.zeros([2, 6, 3]);
    for (let b = 0; b < 2; b++) for (let t = 0; t < 6; t++) for (let f = 0; f < 3; f++) reversed.data[(b * 6 + t) * 3 + f] = x.get(b, 5 - t, f);
    expectClose(bwd.call(x, INFER).data, Array.from(fwd.call(reversed, INFER).data));
  });

  it('returnState keeps the final states on the layer: [h, c] for LSTM, h equal to the last output', () => {
    const layer = built(new LSTM(4, { returnState: true }), [5, 3]);
    const y = layer.call(randomTensor([2, 5, 3], lcg(4)), INFER);
    expect(layer.lastStates.map((s) => s.shape)).toEqual([[2, 4], [2, 4]]);
    expect(Array.from(layer.lastStates[0].data)).toEqual(Array.from(y.data));
    expect(layer.lastStates[1].data.some((v, i) => v !== y.data[i])).toBe(true);
  });

  it('rejects bad arguments with messages naming the layer and the argument', () => {
    for (const [args, pattern] of [
      [{ dropout: 1 }, /LSTM 'lstm.*': dropout must be in \[0, 1\) \(the probability of dropping a unit\), got 1/],
      [{ recurrentDropout: -0.1 }, /LSTM 'lstm.*': recurrentDropout must be in \[0, 1\).*got -0\.1/],
      [{ recurrentDropout: NaN }, /recurrentDropout must be in \[0, 1\).*got NaN/],
    ] as const) {
      expect(() => new LSTM(4, args)).toThrow(RangeError);
      expect(() => new LSTM(4, args)).toThrow(pattern);
    }
    expect(() => new GRU(4, { dropout: 1.5 })).toThrow(/GRU 'gru.*': dropout must be in \[0, 1\)/);
    expect(() => new SimpleRNN(0)).toThrow(/SimpleRNN 'simple_rnn.*': units must be a positive integer, got 0/);
    expect(() => new GRU(4, { resetAfter: 'no' as unknown as boolean })).toThrow(/GRU 'gru.*': resetAfter must be true or false, got the string 'no'/);
    expect(() => new LSTM(4, { activation: 'softmax' })).toThrow(/activation must be elementwise/);
    expect(() => new LSTM(4, { recurrentActivation: 'sigmoidal' })).toThrow(/Unknown recurrentActivation.*'sigmoidal'/);
    expect(() => built(new LSTM(4), [5])).toThrow(/LSTM 'lstm.*': expected a per-sample input of shape \[time, features\].*got \[5\]/);
    const layer = built(new LSTM(4), [5, 3]);
    expect(() => layer.call(Tensor.zeros([2, 5, 2]), INFER)).toThrow(/expected an input \[batch, time, 3\], got \[2, 5, 2\]/);
  });
});

describe('variational dropout: one input mask and one recurrent mask per sequence', () => {
  it('caches masks of shape [batch, features] and [batch, units], 0 or 1 / (1 - rate), new ones each pass', () => {
    const layer = built(new LSTM(8, { dropout: 0.5, recurrentDropout: 0.25 }), [6, 5]);
    const x = randomTensor([4, 6, 5], lcg(5));
    layer.call(x, TRAIN);
    const inMask = layer.lastInputMask as Tensor;
    const recMask = layer.lastRecurrentMask as Tensor;
    expect(inMask.shape).toEqual([4, 5]);
    expect(recMask.shape).toEqual([4, 8]);
    expect(new Set(inMask.data)).toEqual(new Set([0, 2]));
    expect(new Set(recMask.data)).toEqual(new Set([0, 4 / 3].map(Math.fround)));
    const first = [inMask.data.slice(), recMask.data.slice()];
    layer.call(x, { ...TRAIN });
    expect((layer.lastInputMask as Tensor).data).not.toEqual(first[0]);
    expect((layer.lastRecurrentMask as Tensor).data).not.toEqual(first[1]);
  });

  it('applies the same masks at every time step: the layer equals Keras\' equations with the cached masks', () => {
    const layer = built(new LSTM(6, { dropout: 0.5, recurrentDropout: 0.5, returnSequences: true }), [7, 4]);
    const x = randomTensor([5, 7, 4], lcg(6));
    const y = layer.call(x, TRAIN);
    const [kernel, rk, bias] = layer.weights;
    const masks = { inputMask: layer.lastInputMask, recurrentMask: layer.lastRecurrentMask, returnSequences: true };
    expectClose(y.data, referenceLstm(x, kernel, rk, bias, masks));
    // and differs from the same equations without masks (the masks did something)
    const plain = referenceLstm(x, kernel, rk, bias, { returnSequences: true });
    expect(Math.max(...plain.map((v, i) => Math.abs(v - y.data[i])))).toBeGreaterThan(1e-2);
  });

  it('a constant sequence gives the same output at every step (memoryless LSTM, input dropout 0.5)', () => {
    const layer = memorylessLstm(5, 8, 6, { dropout: 0.5 });
    const x = constantSequence(4, 8, 6, lcg(7));
    const y = layer.call(x, TRAIN);
    for (let b = 0; b < 4; b++) for (let t = 1; t < 8; t++) expectClose(stepRow(y, b, t), stepRow(y, b, 0), { rtol: 1e-6, atol: 1e-7 });
    // with the mask on, the output is not the unmasked one (y is the layer's buffer: copy it first)
    const masked = y.data.slice();
    const clean = layer.call(x, INFER).data;
    expect(masked.some((v, i) => Math.abs(v - clean[i]) > 1e-3)).toBe(true);
  });

  it('a Dropout before the LSTM draws a different mask at each time step: the same constant sequence gives different steps', () => {
    const dropout = built(new Dropout(0.5), [8, 6]);
    const layer = memorylessLstm(5, 8, 6, {});
    const x = constantSequence(4, 8, 6, lcg(7));
    const y = layer.call(dropout.call(x, TRAIN), TRAIN);
    const mask = dropout.lastMask as Tensor;
    expect(mask.shape).toEqual([4, 8, 6]);
    let differing = 0;
    for (let b = 0; b < 4; b++) for (let t = 1; t < 8; t++) if (stepRow(y, b, t).some((v, j) => Math.abs(v - stepRow(y, b, 0)[j]) > 1e-4)) differing++;
    expect(differing).toBeGreaterThan(20); // of 28 (sample, step) pairs; equal only if two steps drew the same 6 coins
  });

  it('backpropagation through time uses the same masks: gradients equal the op\'s with the cached masks, zero for dropped features', () => {
    const layer = built(new LSTM(6, { dropout: 0.5, recurrentDropout: 0.5 }), [7, 4]);
    const x = randomTensor([5, 7, 4], lcg(8));
    const G = randomTensor([5, 6], lcg(9));
    const tape = new Tape();
    const ctx = { training: true, tape };
    requireGrads([x, ...layer.weights]);
    tape.backward(weightedSum(ctx, new Workspace(), layer.call(x, ctx), G));
    const got = [x.grad, ...layer.weights.map((w) => w.grad)].map((g) => Float32Array.from(g as Float32Array));
    const inMask = layer.lastInputMask as Tensor;
    // every time step of a dropped feature gets no gradient
    let dropped = 0;
    for (let b = 0; b < 5; b++) {
      for (let f = 0; f < 4; f++) {
        if (inMask.get(b, f) !== 0) continue;
        dropped++;
        for (let t = 0; t < 7; t++) expect(x.grad![(b * 7 + t) * 4 + f]).toBe(0);
      }
    }
    expect(dropped).toBeGreaterThan(0);
    // the op run again with copies of the cached masks gives the same gradients
    const [kernel, rk, bias] = layer.weights;
    const tape2 = new Tape();
    const ctx2 = { training: true, tape: tape2 };
    requireGrads([x, kernel, rk, bias]);
    const opts = { inputMask: inMask.clone(), recurrentMask: (layer.lastRecurrentMask as Tensor).clone() };
    tape2.backward(weightedSum(ctx2, new Workspace(), lstm(ctx2, new Workspace(), x, kernel, rk, bias, opts).output, G));
    [x, kernel, rk, bias].forEach((t, i) => expect(Array.from(t.grad as Float32Array)).toEqual(Array.from(got[i])));
  });

  it('inference uses no mask and leaves the cached masks alone', () => {
    for (const layer of [new LSTM(4, { dropout: 0.5, recurrentDropout: 0.5 }), new GRU(4, { dropout: 0.5, recurrentDropout: 0.5 }), new SimpleRNN(4, { dropout: 0.5, recurrentDropout: 0.5 })] as RecurrentLayer[]) {
      built(layer, [5, 3]);
      const x = randomTensor([3, 5, 3], lcg(10));
      layer.call(x, TRAIN);
      const cached = (layer.lastInputMask as Tensor).data.slice();
      const a = layer.call(x, INFER).data.slice();
      const b = layer.call(x, INFER).data.slice();
      expect(a).toEqual(b);
      expect((layer.lastInputMask as Tensor).data).toEqual(cached);
      // training off equals the layer without dropout holding the same weights
      const twin = built(new (layer.constructor as new (u: number) => RecurrentLayer)(4), [5, 3]);
      twin.setWeights(layer.getWeights());
      expect(twin.call(x, INFER).data).toEqual(a);
    }
  });

  it('one model seed gives the same masks, bit for bit; another seed other masks', () => {
    const masks = async (seed: number): Promise<Float32Array[]> => {
      const model = new Sequential({ seed });
      const layer = new LSTM(4, { inputShape: [5, 3], dropout: 0.5, recurrentDropout: 0.5 });
      model.add(layer);
      model.add(new Dense(1));
      model.compile({ loss: 'mse', optimizer: 'adam' });
      await model.fit(randomTensor([8, 5, 3], lcg(1)), randomTensor([8, 1], lcg(2)), { epochs: 2, batchSize: 8, verbose: 0 });
      return [(layer.lastInputMask as Tensor).data.slice(), (layer.lastRecurrentMask as Tensor).data.slice()];
    };
    return Promise.all([masks(1), masks(1), masks(2)]).then(([a, b, c]) => {
      expect(a).toEqual(b);
      expect(a).not.toEqual(c);
    });
  });
});
