import { Dense } from '../layers/dense';
import { AlphaDropout, Dropout, GaussianDropout, GaussianNoise, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D } from '../layers/dropout';
import { CallContext, Tape, Workspace, requireGrads } from '../lib/autodiff';
import { gradCheck } from '../lib/gradcheck';
import { scaleShift, weightedSum } from '../lib/ops';
import { Layer } from '../lib/layer';
import { RandomStream } from '../lib/random';
import { Sequential } from '../lib/sequential';
import { Tensor } from '../lib/tensor';
import { lcg, randomTensor } from './helpers/fixtures';

const TRAIN = { training: true, tape: null };

function built<T extends Layer>(layer: T, perSample: number[], seed = 'spec'): T {
  layer.build(perSample, { init: new RandomStream(seed), layerSeed: seed });
  return layer;
}

describe('Dropout', () => {
  it('drops a fraction `rate` of 10^6 units and keeps the mean (inverted scaling)', () => {
    const layer = built(new Dropout(0.3), [1000]);
    const x = Tensor.zeros([1000, 1000]);
    const next = lcg(5);
    for (let i = 0; i < x.size; i++) x.data[i] = 1 + 0.5 * next();
    const y = layer.call(x, TRAIN);
    let dropped = 0;
    let wronglyScaled = 0;
    let sumX = 0;
    let sumY = 0;
    for (let i = 0; i < x.size; i++) {
      if (y.data[i] === 0) dropped++;
      else if (Math.abs(y.data[i] - x.data[i] / 0.7) > 1e-5) wronglyScaled++;
      sumX += x.data[i];
      sumY += y.data[i];
    }
    expect(wronglyScaled).toBe(0);
    expect(Math.abs(dropped / x.size - 0.3)).toBeLessThan(0.005);
    expect(Math.abs(sumY / sumX - 1)).toBeLessThan(0.01);
  });

  it('is the identity at inference', () => {
    const layer = built(new Dropout(0.5), [8]);
    const x = randomTensor([4, 8], lcg(1));
    expect(layer.call(x, { training: false, tape: null }).data).toEqual(x.data);
  });

  it('backward multiplies the upstream gradient by the cached mask', () => {
    const layer = built(new Dropout(0.4), [6, 5]);
    const x = randomTensor([3, 6, 5], lcg(2));
    const G = randomTensor([3, 6, 5], lcg(3));
    const tape = new Tape();
    const ctx = { training: true, tape };
    requireGrads([x]);
    // loss = sum(y * G), so the upstream gradient of y is G
    tape.backward(weightedSum(ctx, new Workspace(), layer.call(x, ctx), G));
    const mask = layer.lastMask as Tensor;
    expect(mask.shape).toEqual([3, 6, 5]);
    expect(mask.data.some((v) => v === 0)).toBe(true);
    for (let i = 0; i < x.size; i++) expect((x.grad as Float32Array)[i]).toBeCloseTo(G.data[i] * mask.data[i], 6);
  });

  it.each([
    ['an elementwise mask', [2, 3, 3, 4], 'scale'],
    ['a spatial mask [batch, 1, 1, channels]', [2, 1, 1, 4], 'scale'],
    ['a mask and a shift (AlphaDropout)', [2, 3, 1, 4], 'both'],
    ['a shift alone (GaussianNoise)', [2, 3, 3, 4], 'shift'],
  ] as const)('the mask op passes the gradient check with %s', (_name, maskShape, kind) => {
    const ws = new Workspace();
    const x = randomTensor([2, 3, 3, 4], lcg(4));
    const G = randomTensor([2, 3, 3, 4], lcg(5));
    const mask = randomTensor([...maskShape], lcg(6));
    const shift = randomTensor([...maskShape], lcg(7));
    const scale = kind === 'shift' ? null : mask;
    const offset = kind === 'scale' ? null : shift;
    const { relativeError } = gradCheck((ctx: CallContext) => weightedSum(ctx, ws, scaleShift(ctx, ws, x, scale, offset), G), [x]);
    expect(relativeError[0]).toBeLessThan(1e-2);
  });

  it('the same seed draws the same masks, bit for bit; another seed other masks', () => {
    const x = Tensor.full([16, 32], 1);
    const masks = (seed: string) => {
      const layer = built(new Dropout(0.5), [32], seed);
      return [0, 1, 2].map(() => Array.from(layer.call(x, TRAIN).data));
    };
    expect(masks('a')).toEqual(masks('a'));
    expect(masks('a')).not.toEqual(masks('b'));
    const own = (s: number) => built(new Dropout(0.5, { seed: s }), [32], 'model').call(x, TRAIN).data.slice();
    expect(own(3)).toEqual(own(3));
  });

  it('on a sequence [batch, time, features] draws a different mask at each time step', () => {
    const layer = built(new Dropout(0.5), [10, 8]);
    layer.call(Tensor.full([4, 10, 8], 1), TRAIN);
    const mask = layer.lastMask as Tensor;
    expect(mask.shape).toEqual([4, 10, 8]);
    const step = (b: number, t: number) => Array.from(mask.data.subarray((b * 10 + t) * 8, (b * 10 + t + 1) * 8));
    expect(step(0, 0)).not.toEqual(step(0, 1));
  });

  it('accepts a noiseShape with null entries and broadcasts along axes of length 1', () => {
    const layer = built(new Dropout(0.5, { noiseShape: [null, 1, 8] }), [10, 8]);
    const y = layer.call(Tensor.full([4, 10, 8], 1), TRAIN);
    expect((layer.lastMask as Tensor).shape).toEqual([4, 1, 8]);
    for (let b = 0; b < 4; b++) {
      for (let t = 1; t < 10; t++) {
        for (let f = 0; f < 8; f++) expect(y.get(b, t, f)).toBe(y.get(b, 0, f));
      }
    }
    expect(() => built(new Dropout(0.5, { noiseShape: [null, 1] }), [10, 8])).toThrow(/noiseShape \[null,1\] has 2 axes; the input \[1, 10, 8\] has 3/);
  });

  it('rejects a rate outside [0, 1) with a RangeError that mentions the keep probability', () => {
    for (const rate of [1, -0.1, 1.5, NaN]) {
      expect(() => new Dropout(rate)).toThrow(RangeError);
    }
    expect(() => new Dropout(1)).toThrow(/rate must be in \[0, 1\) \(the probability of dropping a unit\), got 1\. Papers often quote the keep probability p instead: rate = 1 - p\./);
    expect(() => new SpatialDropout2D(2)).toThrow(/SpatialDropout2D 'spatial_dropout2d.*': rate must be in \[0, 1\)/);
    expect(() => new GaussianDropout(-1)).toThrow(/GaussianDropout/);
    expect(() => new AlphaDropout(1)).toThrow(/AlphaDropout/);
    expect(() => new GaussianNoise(-1)).toThrow(/GaussianNoise '.*': stddev must be a finite number >= 0, got -1/);
  });
});

describe('spatial dropout drops whole feature maps', () => {
  const cases: Array<[string, Dropout, number[]]> = [
    ['SpatialDropout1D', new SpatialDropout1D(0.5), [7, 6]],
    ['SpatialDropout2D', new SpatialDropout2D(0.5), [5, 4, 6]],
    ['SpatialDropout3D', new SpatialDropout3D(0.5), [3, 4, 2, 6]],
  ];
  it.each(cases)('%s: for each (sample, channel) the mask is all zero or all kept', (_name, layer, perSample) => {
    built(layer, perSample);
    const batch = 8;
    const x = Tensor.full([batch, ...perSample], 1);
    const y = layer.call(x, TRAIN);
    const mask = layer.lastMask as Tensor;
    expect(mask.shape).toEqual([batch, ...perSample.map((d, i) => (i === perSample.length - 1 ? d : 1))]);
    const channels = perSample[perSample.length - 1];
    const positions = x.size / batch / channels;
    let droppedMaps = 0;
    // every position of map (b, c) has the same output value: 0 or 2
    for (let b = 0; b < batch; b++) {
      for (let c = 0; c < channels; c++) {
        const values = new Set<number>();
        for (let p = 0; p < positions; p++) values.add(y.data[(b * positions + p) * channels + c]);
        expect(values.size).toBe(1);
        const [v] = values;
        expect([0, 2]).toContain(v);
        if (v === 0) droppedMaps++;
      }
    }
    expect(droppedMaps).toBeGreaterThan(0);
    expect(droppedMaps).toBeLessThan(batch * channels);
  });

  it('channelsFirst puts the channel axis second', () => {
    const layer = built(new SpatialDropout2D(0.5, { dataFormat: 'channelsFirst' }), [3, 4, 4]);
    layer.call(Tensor.full([2, 3, 4, 4], 1), TRAIN);
    expect((layer.lastMask as Tensor).shape).toEqual([2, 3, 1, 1]);
  });

  it('rejects an input of the wrong rank, naming the layer and the shape', () => {
    const model = new Sequential({ seed: 1 });
    model.add(new Dense(4, { inputDim: 3 }));
    expect(() => model.add(new SpatialDropout2D(0.5, { name: 'sd' }))).toThrow(
      "SpatialDropout2D 'sd': expected an input of rank 4 (batch, 2 spatial axes, channels), got [1, 4]",
    );
  });
});

describe('Dropout in a model', () => {
  function model(seed: number, first: Layer[] = []): Sequential {
    const m = new Sequential({ seed });
    for (const l of first) m.add(l);
    if (first.length === 0) m.add(new Dense(16, { inputDim: 2, activation: 'relu' }));
    m.add(new Dropout(0.5));
    m.add(new Dense(1, { activation: 'sigmoid' }));
    m.compile({ loss: 'binary_crossentropy', optimizer: 'adam', metrics: ['accuracy'] });
    return m;
  }
  const x = [[0, 0], [0, 1], [1, 0], [1, 1]];

  it('predict(x, { training: true }) twice gives two different outputs; plain predict is deterministic', () => {
    const m = model(1);
    expect(m.predict(x, { training: true }).data).not.toEqual(m.predict(x, { training: true }).data);
    expect(m.predict(x).data).toEqual(m.predict(x).data);
  });

  it('the same model seed trains to the same weights bit for bit (masks included)', async () => {
    const run = async () => {
      const m = model(9);
      await m.fit(x, [0, 1, 1, 0], { epochs: 10, batchSize: 2, verbose: 0 });
      return m.getWeights().map((w) => Array.from(w.data));
    };
    expect(await run()).toEqual(await run());
  });

  it('works on the visible layer (Dropout first, with inputShape)', async () => {
    const m = new Sequential({ seed: 2 });
    const input = new Dropout(0.2, { inputShape: [2] });
    m.add(input);
    m.add(new Dense(8, { activation: 'relu' }));
    m.add(new Dense(1, { activation: 'sigmoid' }));
    m.compile({ loss: 'binary_crossentropy', optimizer: 'adam' });
    const h = await m.fit(x, [0, 1, 1, 0], { epochs: 3, verbose: 0 });
    expect(h.history.loss).toHaveLength(3);
    expect((input.lastMask as Tensor).shape).toEqual([4, 2]);
  });
});

describe('GaussianDropout, GaussianNoise, AlphaDropout', () => {
  const n = 200000;
  const moments = (d: Float32Array) => {
    let s = 0;
    let s2 = 0;
    for (const v of d) {
      s += v;
      s2 += v * v;
    }
    return [s / d.length, s2 / d.length - (s / d.length) ** 2];
  };
  it('GaussianDropout multiplies by N(1, rate / (1 - rate)) in training only', () => {
    const layer = built(new GaussianDropout(0.2), [n]);
    const y = layer.call(Tensor.full([1, n], 1), TRAIN);
    const [m, v] = moments(y.data);
    expect(m).toBeCloseTo(1, 2);
    expect(v).toBeCloseTo(0.25, 2);
    const x = Tensor.full([1, 3], 2);
    expect(layer.call(x, { training: false, tape: null })).toBe(x);
  });
  it('GaussianNoise adds N(0, stddev^2) in training only', () => {
    const layer = built(new GaussianNoise(0.5), [n]);
    const [m, v] = moments(layer.call(Tensor.zeros([1, n]), TRAIN).data);
    expect(m).toBeCloseTo(0, 2);
    expect(v).toBeCloseTo(0.25, 2);
  });
  it('AlphaDropout keeps zero mean and unit variance of a standardised input', () => {
    const layer = built(new AlphaDropout(0.3), [n]);
    const x = Tensor.zeros([1, n]);
    const r = new RandomStream('x');
    for (let i = 0; i < n; i++) x.data[i] = r.normal();
    const [m, v] = moments(layer.call(x, TRAIN).data);
    expect(Math.abs(m)).toBeLessThan(0.02);
    expect(Math.abs(v - 1)).toBeLessThan(0.03);
  });
});
