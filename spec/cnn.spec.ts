import { loadDigits } from '../datasets/digits';
import { Conv1D, Conv2D } from '../layers/conv';
import { Dense } from '../layers/dense';
import { Dropout, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D } from '../layers/dropout';
import { MaxPooling2D } from '../layers/pooling';
import { Flatten, Reshape } from '../layers/reshape';
import { Tape, Workspace, requireGrads } from '../lib/autodiff';
import { Layer } from '../lib/layer';
import { weightedSum } from '../lib/ops';
import { Sequential } from '../lib/sequential';
import { Tensor } from '../lib/tensor';
import { lcg, randomTensor } from './helpers/fixtures';

describe("the tutorial's CNN listings", () => {
  it.each([
    ['Dropout(0.5)', () => new Dropout(0.5), [8, 12, 12, 32]],
    ['SpatialDropout2D(0.5)', () => new SpatialDropout2D(0.5), [8, 1, 1, 32]],
  ] as Array<[string, () => Dropout, number[]]>)('Conv2D(32,(3,3)), Conv2D(32,(3,3)), MaxPooling2D(), %s, Dense(1) runs on digits', (_n, makeDropout, maskShape) => {
    const model = new Sequential({ seed: 1 });
    model.add(new Conv2D(32, [3, 3], { inputShape: [28, 28, 1] }));
    model.add(new Conv2D(32, [3, 3]));
    model.add(new MaxPooling2D());
    const dropout = makeDropout();
    model.add(dropout);
    model.add(new Dense(1));
    expect(model.outputShape).toEqual([12, 12, 1]);
    expect(model.countParams()).toBe(320 + 9248 + 33);
    const x = loadDigits({ nTrain: 8, nTest: 0 }).train.x;
    const off = model.predict(x);
    expect(off.shape).toEqual([8, 12, 12, 1]);
    const on = model.predict(x, { training: true });
    expect((dropout.lastMask as Tensor).shape).toEqual(maskShape);
    expect(Array.from(on.data)).not.toEqual(Array.from(off.data));
    // and it trains: one step of mean squared error against a [8, 12, 12, 1] target changes the kernels
    model.compile({ loss: 'mse', optimizer: 'adam' });
    const before = model.getWeights()[0].data.slice();
    return model.fit(x, Tensor.full([8, 12, 12, 1], 0.5), { epochs: 1, verbose: 0 }).then(() => {
      expect(Array.from(model.getWeights()[0].data)).not.toEqual(Array.from(before));
    });
  });
});

/** Runs `layers` on x in training mode with a tape, backward from sum(y * G); returns y and x's gradient. */
function trainingPass(layers: Layer[], x: Tensor): { y: Tensor; dx: Float32Array } {
  const tape = new Tape();
  requireGrads([x]);
  const ctx = { training: true, tape };
  let h = x;
  for (const layer of layers) h = layer.call(h, ctx);
  tape.backward(weightedSum(ctx, new Workspace(), h, Tensor.full(h.shape, 1)));
  return { y: h, dx: x.grad as Float32Array };
}

/** Checks that in y [batch, ...spatial, C], each (sample, channel) map is all zero iff mask[b, c] is 0, and scaled otherwise. */
function expectWholeMapsDropped(y: Tensor, before: Tensor, mask: Tensor, rate: number): void {
  const batch = y.shape[0];
  const C = y.shape[y.rank - 1];
  const positions = y.size / (batch * C);
  expect(mask.size).toBe(batch * C);
  let dropped = 0;
  for (let b = 0; b < batch; b++)
    for (let c = 0; c < C; c++) {
      const m = mask.data[b * C + c];
      expect(m === 0 || Math.abs(m - 1 / (1 - rate)) < 1e-6).toBe(true);
      if (m === 0) dropped++;
      for (let p = 0; p < positions; p++) {
        const i = (b * positions + p) * C + c;
        expect(y.data[i]).toBeCloseTo(before.data[i] * m, 5);
      }
    }
  expect(dropped).toBeGreaterThan(0);
  expect(dropped).toBeLessThan(batch * C);
}

describe('spatial dropout after conv layers drops whole feature maps (checked on the cached mask)', () => {

  it('SpatialDropout1D after Conv1D: mask [batch, 1, filters]', () => {
    const model = new Sequential({ seed: 3 });
    model.add(new Conv1D(6, 3, { inputShape: [10, 2], padding: 'same', activation: 'tanh' }));
    const drop = new SpatialDropout1D(0.5);
    model.add(drop);
    const [conv] = model.layers;
    const x = randomTensor([4, 10, 2], lcg(1));
    const plain = conv.call(x, { training: false, tape: null }).clone();
    const { y } = trainingPass(model.layers, x);
    expect((drop.lastMask as Tensor).shape).toEqual([4, 1, 6]);
    expectWholeMapsDropped(y, plain, drop.lastMask as Tensor, 0.5);
  });

  it('SpatialDropout2D after Conv2D: mask [batch, 1, 1, filters], and the dropped maps send no gradient back', () => {
    const model = new Sequential({ seed: 4 });
    model.add(new Conv2D(5, 3, { inputShape: [6, 6, 1] }));
    const drop = new SpatialDropout2D(0.4);
    model.add(drop);
    const [conv] = model.layers;
    const x = randomTensor([3, 6, 6, 1], lcg(2));
    const plain = conv.call(x, { training: false, tape: null }).clone();
    const { y } = trainingPass(model.layers, x);
    const mask = drop.lastMask as Tensor;
    expect(mask.shape).toEqual([3, 1, 1, 5]);
    expectWholeMapsDropped(y, plain, mask, 0.4);
    // d kernel[.., f] only comes from maps f that were kept: a filter dropped in every sample gets none.
    const kernelGrad = (conv as Conv2D).kernel.grad as Float32Array;
    for (let f = 0; f < 5; f++) {
      const keptSomewhere = [0, 1, 2].some((b) => mask.data[b * 5 + f] !== 0);
      const gradSize = [0, 1, 2, 3, 4, 5, 6, 7, 8].reduce((s, k) => s + Math.abs(kernelGrad[k * 5 + f]), 0);
      if (keptSomewhere) expect(gradSize).toBeGreaterThan(0);
      else expect(gradSize).toBe(0);
    }
  });

  it('SpatialDropout3D after a 5-D Reshape: mask [batch, 1, 1, 1, channels]', () => {
    const model = new Sequential({ seed: 5 });
    model.add(new Conv2D(8, 3, { inputShape: [6, 6, 1], padding: 'same' }));
    model.add(new Reshape([2, 3, 6, 8]));
    const drop = new SpatialDropout3D(0.5);
    model.add(drop);
    const x = randomTensor([4, 6, 6, 1], lcg(3));
    const infer = { training: false, tape: null };
    const plain = model.layers[1].call(model.layers[0].call(x, infer), infer).clone();
    const { y } = trainingPass(model.layers, x);
    expect(y.shape).toEqual([4, 2, 3, 6, 8]);
    expect((drop.lastMask as Tensor).shape).toEqual([4, 1, 1, 1, 8]);
    expectWholeMapsDropped(y, plain, drop.lastMask as Tensor, 0.5);
  });
});

describe('a CNN on real digits', () => {
  const { train, test } = loadDigits({ nTrain: 400, nTest: 400, seed: 1 });

  function smallCnn(seed: number): Sequential {
    const model = new Sequential({ seed });
    model.add(new Conv2D(8, 3, { activation: 'relu', inputShape: [28, 28, 1] }));
    model.add(new Conv2D(8, 3, { activation: 'relu' }));
    model.add(new MaxPooling2D());
    model.add(new Dropout(0.5));
    model.add(new Flatten());
    model.add(new Dense(10, { activation: 'softmax' }));
    model.compile({ loss: 'categorical_crossentropy', optimizer: 'adam', metrics: ['accuracy'] });
    return model;
  }

  it('learns well above chance (0.1) in 6 epochs on 400 digits, scored on 400 others', async () => {
    const model = smallCnn(1);
    const history = await model.fit(train.x, train.oneHot, { epochs: 6, verbose: 0 });
    expect(history.history.loss[5]).toBeLessThan(history.history.loss[0]);
    const [, testAcc] = model.evaluate(test.x, test.oneHot);
    expect(testAcc).toBeGreaterThan(0.6);
  });

  it('is bit-identical for one seed, allocates nothing after the first epoch', async () => {
    const a = smallCnn(7);
    const b = smallCnn(7);
    const x = train.x.rows(0, 96);
    const y = train.oneHot.rows(0, 96);
    await a.fit(x, y, { epochs: 1, verbose: 0 });
    const before = Workspace.allocations;
    await a.fit(x, y, { epochs: 2, verbose: 0 });
    expect(Workspace.allocations).toBe(before);
    await b.fit(x, y, { epochs: 1, verbose: 0 });
    await b.fit(x, y, { epochs: 2, verbose: 0 });
    const wa = a.getWeights();
    const wb = b.getWeights();
    wa.forEach((w, i) => expect(Array.from(w.data)).toEqual(Array.from(wb[i].data)));
  });
});
