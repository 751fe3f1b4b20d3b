/**
 * Strict options: every options object is checked against the keys its interface declares. A
 * misspelled key used to be ignored silently (`fit(x, y, { batch_size: 8, epoch: 3 })` trained one
 * epoch at batch 32; `new Dense(3, { activaton: 'relu' })` was linear); now it is an Error that
 * names the key and suggests the closest known one.
 */
import fc from 'fast-check';
import {
  AlphaDropout, AveragePooling1D, AveragePooling2D, boxPlot, Conv1D, Conv2D, Dense, Dropout, EarlyStopping, errorBarPlot, Flatten,
  GaussianDropout, GaussianNoise, GlobalAveragePooling2D, gradCheck, GRU, heatMap, initializers, linePlot, loadDigits, LSTM, makeCircles, makeMoons,
  makeWaveforms, MaxNorm, MaxPooling1D, MaxPooling2D, ModelCheckpoint, predictMC, ReduceLROnPlateau, repeatedEvaluation, Reshape,
  scatterPlot, Sequential, SimpleRNN, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D, Tensor, trainTestSplit, UnitNorm,
} from '../index';
import { closestName } from '../lib/options';
import { SEED } from './helpers/properties';

type Options = Record<string, unknown>;

function xorModel(seed = 1): Sequential {
  const model = new Sequential({ seed });
  model.add(new Dense(4, { inputDim: 2, activation: 'tanh' }));
  model.add(new Dropout(0.2));
  model.add(new Dense(1, { activation: 'sigmoid' }));
  model.compile({ loss: 'binary_crossentropy', optimizer: 'adam', metrics: ['accuracy'] });
  return model;
}
const X = [[0, 0], [0, 1], [1, 0], [1, 1]];
const Y = [0, 1, 1, 0];

describe('fit refuses misspelled options before it trains', () => {
  it.each([
    [{ batch_size: 8 }, 'batch_size', 'batchSize'],
    [{ epoch: 3 }, 'epoch', 'epochs'],
    [{ validation_data: [X, Y] }, 'validation_data', 'validationData'],
    [{ bachSize: 4 }, 'bachSize', 'batchSize'],
    [{ validation_split: 0.25 }, 'validation_split', 'validationSplit'],
  ])('%j', async (options, key, suggestion) => {
    const model = xorModel();
    const before = model.getWeights().map((w) => Array.from(w.data));
    await expect(model.fit(X, Y, { verbose: 0, ...options } as Options)).rejects.toThrow(
      new RegExp(`Sequential.fit: unknown option '${key}' \\(did you mean ${suggestion}\\?\\); known options: epochs, batchSize`),
    );
    expect(model.getWeights().map((w) => Array.from(w.data))).toEqual(before);
  });

  it('evaluate, predict, compile and the constructor check theirs too', () => {
    const model = xorModel();
    expect(() => model.evaluate(X, Y, { batch_size: 2 } as Options)).toThrow(/Sequential.evaluate: unknown option 'batch_size' \(did you mean batchSize\?\)/);
    expect(() => model.predict(X, { trainig: true } as Options)).toThrow(/Sequential.predict: unknown option 'trainig' \(did you mean training\?\)/);
    expect(() => model.compile({ loss: 'mse', metric: ['accuracy'] } as Options as never)).toThrow(/Sequential.compile: unknown option 'metric' \(did you mean metrics\?\)/);
    expect(() => new Sequential({ sead: 1 } as Options)).toThrow(/Sequential: unknown option 'sead' \(did you mean seed\?\)/);
  });
});

describe('layers refuse misspelled options', () => {
  it("new Dense(3, { activaton: 'relu' }) is an Error, not a linear layer", () => {
    expect(() => new Dense(3, { activaton: 'relu' } as Options)).toThrow(/^Dense: unknown option 'activaton' \(did you mean activation\?\); known options: name, inputShape, inputDim, trainable, activation/);
    expect(() => new Dense(3, { name: 'd', input_dim: 2 } as Options)).toThrow(/Dense 'd': unknown option 'input_dim' \(did you mean inputDim\?\)/);
  });

  it('a key far from every known one gets the list without a guess', () => {
    expect(() => new Flatten({ zzzzzzzz: 1 } as Options)).toThrow(/^Flatten: unknown option 'zzzzzzzz'; known options: name, inputShape, inputDim, trainable$/);
  });

  it('each class accepts its own keys and those of its parents', () => {
    expect(new LSTM(2, { unitForgetBias: false, recurrentDropout: 0.1, activation: 'tanh' }).unitForgetBias).toBe(false);
    expect(() => new SimpleRNN(2, { unitForgetBias: false } as Options)).toThrow(/SimpleRNN: unknown option 'unitForgetBias'/);
    expect(new SpatialDropout2D(0.2, { dataFormat: 'channelsFirst', seed: 3 }).rate).toBe(0.2);
    expect(() => new Dropout(0.2, { dataFormat: 'channelsFirst' } as Options)).toThrow(/Dropout: unknown option 'dataFormat'/);
    expect(() => new SpatialDropout1D(0.2, { noiseShape: [1, 1, 1] } as Options)).toThrow(/SpatialDropout1D: unknown option 'noiseShape'/);
  });
});

/** Every public call that takes an options object: a valid sample of its options and how to call it. */
interface OptionsCase {
  label: string;
  valid: Options;
  call: (options: Options) => unknown;
}

const tiny = (): Sequential => {
  const m = new Sequential({ seed: 2 });
  m.add(new Dense(2, { inputDim: 2 }));
  m.add(new Dropout(0.5));
  m.add(new Dense(1, { activation: 'sigmoid' }));
  m.compile({ loss: 'binary_crossentropy' });
  return m;
};

const CASES: OptionsCase[] = [
  { label: 'Dense', valid: { activation: 'relu', useBias: true, inputDim: 2, name: 'x' }, call: (o) => new Dense(2, o) },
  { label: 'Conv2D', valid: { strides: 1, padding: 'same', activation: 'relu' }, call: (o) => new Conv2D(2, 3, o) },
  { label: 'Conv1D', valid: { strides: 2, padding: 'valid' }, call: (o) => new Conv1D(2, 3, o) },
  { label: 'MaxPooling2D', valid: { poolSize: 2, strides: 2, padding: 'valid' }, call: (o) => new MaxPooling2D(o) },
  { label: 'AveragePooling2D', valid: { poolSize: 2 }, call: (o) => new AveragePooling2D(o) },
  { label: 'MaxPooling1D', valid: { poolSize: 2 }, call: (o) => new MaxPooling1D(o) },
  { label: 'AveragePooling1D', valid: { poolSize: 2 }, call: (o) => new AveragePooling1D(o) },
  { label: 'GlobalAveragePooling2D', valid: { name: 'g' }, call: (o) => new GlobalAveragePooling2D(o) },
  { label: 'Flatten', valid: { trainable: false }, call: (o) => new Flatten(o) },
  { label: 'Reshape', valid: { inputShape: [4] }, call: (o) => new Reshape([2, 2], o) },
  { label: 'Dropout', valid: { noiseShape: [null, 1], seed: 1 }, call: (o) => new Dropout(0.3, o) },
  { label: 'SpatialDropout3D', valid: { dataFormat: 'channelsLast', seed: 1 }, call: (o) => new SpatialDropout3D(0.3, o) },
  { label: 'GaussianDropout', valid: { seed: 2 }, call: (o) => new GaussianDropout(0.3, o) },
  { label: 'GaussianNoise', valid: { seed: 2 }, call: (o) => new GaussianNoise(0.3, o) },
  { label: 'AlphaDropout', valid: { noiseShape: [null, 1], seed: 2 }, call: (o) => new AlphaDropout(0.3, o) },
  { label: 'LSTM', valid: { returnSequences: true, recurrentDropout: 0.2, unitForgetBias: true }, call: (o) => new LSTM(2, o) },
  { label: 'GRU', valid: { goBackwards: true, dropout: 0.1, recurrentActivation: 'sigmoid' }, call: (o) => new GRU(2, o) },
  { label: 'SimpleRNN', valid: { returnState: false, recurrentInitializer: 'orthogonal' }, call: (o) => new SimpleRNN(2, o) },
  { label: 'Sequential', valid: { seed: 3, name: 'm' }, call: (o) => new Sequential(o) },
  { label: 'Sequential.compile', valid: { loss: 'mse', optimizer: 'sgd', metrics: ['mse'] }, call: (o) => tiny().compile(o as never) },
  { label: 'Sequential.evaluate', valid: { batchSize: 2, training: false }, call: (o) => tiny().evaluate(X, Y, o) },
  { label: 'Sequential.predict', valid: { batchSize: 2, training: true }, call: (o) => tiny().predict(X, o) },
  { label: 'EarlyStopping', valid: { monitor: 'loss', patience: 2, minDelta: 0, mode: 'min', restoreBestWeights: true }, call: (o) => new EarlyStopping(o) },
  { label: 'ReduceLROnPlateau', valid: { monitor: 'loss', factor: 0.5, patience: 2, cooldown: 1, minLr: 0 }, call: (o) => new ReduceLROnPlateau(o) },
  { label: 'ModelCheckpoint', valid: { monitor: 'loss', saveBestOnly: true, mode: 'min' }, call: (o) => new ModelCheckpoint('file:///tmp/x', o) },
  { label: 'MaxNorm', valid: { axis: 0 }, call: (o) => new MaxNorm(3, o) },
  { label: 'UnitNorm', valid: { axis: [0, 1] }, call: (o) => new UnitNorm(o) },
  { label: 'randomUniform', valid: { minval: -1, maxval: 1 }, call: (o) => initializers.randomUniform(o) },
  { label: 'randomNormal', valid: { mean: 0, stddev: 1 }, call: (o) => initializers.randomNormal(o) },
  { label: 'orthogonal', valid: { gain: 2 }, call: (o) => initializers.orthogonal(o) },
  { label: 'makeCircles', valid: { nSamples: 10, noise: 0.1, randomState: 1, factor: 0.5, shuffle: true }, call: (o) => makeCircles(o) },
  { label: 'makeMoons', valid: { nSamples: 10, noise: 0.1, randomState: 1 }, call: (o) => makeMoons(o) },
  { label: 'makeWaveforms', valid: { nSamples: 4, length: 3, channels: 2, noise: 1, randomState: 2 }, call: (o) => makeWaveforms({ nSamples: 4, ...o } as never) },
  { label: 'loadDigits', valid: { nTrain: 10, nTest: 5, seed: 1 }, call: (o) => loadDigits(o) },
  { label: 'trainTestSplit', valid: { testSize: 0.5, randomState: 1, shuffle: true }, call: (o) => trainTestSplit(X, Y, o) },
  { label: 'predictMC', valid: { samples: 3, batchSize: 2 }, call: (o) => predictMC(tiny(), X, o) },
  { label: 'gradCheck', valid: { step: 1e-3, training: false }, call: (o) => gradCheck(() => Tensor.zeros([]), [], o) },
  { label: 'linePlot', valid: { title: 't', yMin: 0, yMax: 1, width: 300 }, call: (o) => linePlot({ a: [0, 1] }, o) },
  { label: 'scatterPlot', valid: { xLabel: 'x', classNames: ['a', 'b'] }, call: (o) => scatterPlot(X, Y, o) },
  { label: 'boxPlot', valid: { yLabel: 'y', yMin: 0 }, call: (o) => boxPlot({ a: [1, 2, 3] }, o) },
  { label: 'errorBarPlot', valid: { height: 300 }, call: (o) => errorBarPlot([0, 1], [{ name: 's', mean: [0, 1], error: [0.1, 0.1] }], o) },
  { label: 'heatMap', valid: { colorbarLabel: 'std', vMin: 0 }, call: (o) => heatMap([0, 1, 2, 3], { rows: 2, cols: 2, xMin: 0, xMax: 1, yMin: 0, yMax: 1 }, o) },
];

/** One edit of a known key that is not itself a known key: a letter dropped, doubled, swapped, or snake_cased. */
function misspell(key: string, how: number, at: number): string {
  const i = at % key.length;
  switch (how % 4) {
    case 0:
      return key.slice(0, i) + key.slice(i + 1);
    case 1:
      return key.slice(0, i) + key[i] + key.slice(i);
    case 2:
      return i + 1 < key.length ? key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2) : key + 's';
    default:
      return key.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase() + (/[A-Z]/.test(key) ? '' : '_');
  }
}

describe('property: random options with one misspelled key throw and name the key', () => {
  it.each(CASES.map((c) => [c.label, c] as const))('%s', async (_label, c) => {
    // The valid sample itself is accepted (the check does not refuse what it should take).
    await Promise.resolve(c.call({ ...c.valid }));
    const validKeys = Object.keys(c.valid);
    await fc.assert(
      fc.asyncProperty(
        fc.subarray(validKeys),
        fc.constantFrom(...validKeys),
        fc.nat(3),
        fc.nat(40),
        fc.anything(),
        async (kept, target, how, at, value) => {
          const typo = misspell(target, how, at);
          fc.pre(!validKeys.includes(typo) && typo.length > 0 && typo !== '__proto__');
          const options: Options = {};
          for (const k of kept) options[k] = c.valid[k];
          options[typo] = value;
          let error: unknown = null;
          try {
            await Promise.resolve(c.call(options));
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(Error);
          expect((error as Error).message).toContain(`unknown option '${typo}'`);
        },
      ),
      { seed: SEED, numRuns: 25 },
    );
  });

  it('fit and repeatedEvaluation too (async calls reject)', async () => {
    await expect(xorModel().fit(X, Y, { verbose: 0, epochz: 1 } as Options)).rejects.toThrow(/unknown option 'epochz' \(did you mean epochs\?\)/);
    await expect(repeatedEvaluation(async () => ({ a: 1 }), {}, { repeat: 2 } as Options)).rejects.toThrow(/repeatedEvaluation: unknown option 'repeat' \(did you mean repeats\?\)/);
  });
});

describe('closestName', () => {
  it('finds the camelCase spelling, a near miss, a prefix, or nothing', () => {
    const known = ['epochs', 'batchSize', 'validationData', 'verbose'];
    expect(closestName('batch_size', known)).toBe('batchSize');
    expect(closestName('BatchSize', known)).toBe('batchSize');
    expect(closestName('bachSize', known)).toBe('batchSize');
    expect(closestName('epoch', known)).toBe('epochs');
    expect(closestName('validation_data', known)).toBe('validationData');
    expect(closestName('learningRate', known)).toBeNull();
  });
});

describe('values of the wrong type say what they were', () => {
  it("Dense('10') says it got a string", () => {
    expect(() => new Dense('10' as unknown as number)).toThrow(/units must be a positive integer, got the string '10'/);
    expect(() => new Dropout('0.5' as unknown as number)).toThrow(/rate must be in \[0, 1\).*got the string '0.5'/);
    expect(() => new LSTM('4' as unknown as number)).toThrow(/got the string '4'/);
    expect(() => makeCircles({ factor: '0.5' as unknown as number })).toThrow(/got the string '0.5'/);
  });

  it('fit: verbose is 0, 1, 2 or auto; shuffle is a boolean; epochs a number', async () => {
    const model = xorModel();
    await expect(model.fit(X, Y, { verbose: 3 as 0 })).rejects.toThrow(/Sequential.fit: verbose must be 0 \(silent\), 1 \(progress bar\), 2 \(one line per epoch\) or 'auto', got 3/);
    await expect(model.fit(X, Y, { verbose: true as unknown as 0 })).rejects.toThrow(/verbose must be .* got true/);
    await expect(model.fit(X, Y, { verbose: 0, shuffle: 'yes' as unknown as boolean })).rejects.toThrow(/Sequential.fit: shuffle must be true or false, got the string 'yes'/);
    await expect(model.fit(X, Y, { verbose: 0, epochs: '3' as unknown as number })).rejects.toThrow(/epochs must be a non-negative integer, got the string '3'/);
    const log = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const history = await model.fit(X, Y, { verbose: 'auto', epochs: 2 });
      expect(history.history.loss).toHaveLength(2);
    } finally {
      log.mockRestore();
    }
  });
});

describe('two fits on one model at the same time', () => {
  it('the second is refused while the first runs; afterwards fit works again', async () => {
    const model = xorModel();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    // The first fit waits in a callback, as a fit with an async callback (a checkpoint) does.
    const first = model.fit(X, Y, { epochs: 2, verbose: 0, callbacks: [{ onEpochEnd: () => gate }] });
    await expect(model.fit(X, Y, { epochs: 1, verbose: 0 })).rejects.toThrow(/Sequential.fit: model 'sequential' is already being fitted/);
    release();
    const history = await first;
    expect(history.history.loss).toHaveLength(2);
    await expect(model.fit(X, Y, { epochs: 1, verbose: 0 })).resolves.toBeDefined();
  });

  it('a fit that throws releases the model', async () => {
    const model = xorModel();
    await expect(model.fit(X, Y, { epochs: 1, verbose: 0, callbacks: [{ onTrainBegin: () => { throw new Error('boom'); } }] })).rejects.toThrow('boom');
    await expect(model.fit(X, Y, { epochs: 1, verbose: 0 })).resolves.toBeDefined();
  });
});
