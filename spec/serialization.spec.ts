import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { circlesData, circlesModel } from '../examples/circles-mlp';
import { Dense } from '../layers/dense';
import { Dropout } from '../layers/dropout';
import { loadModel } from '../layers/serialization';
import { MaxNorm } from '../lib/constraints';
import { Sequential } from '../lib/sequential';

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'lamina-save-'));
}

describe('save and loadModel', () => {
  it('round-trips the trained dropout MLP with bit-identical predictions, compiled as it was', async () => {
    const { trainX, trainY, testX } = circlesData();
    const model = circlesModel({ seed: 3, rate: 0.4, maxNorm: 3 });
    await model.fit(trainX, trainY, { epochs: 50, verbose: 0 });
    const dir = tmpDir();
    const result = await model.save(`file://${dir}`);
    expect(result.bytes).toBe(4 * 2001);
    expect(fs.readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    const loaded = await loadModel(`file://${dir}`);
    expect(Array.from(loaded.predict(testX).data)).toEqual(Array.from(model.predict(testX).data));
    expect(loaded.layers.map((l) => l.className)).toEqual(['Dense', 'Dropout', 'Dense']);
    expect(loaded.seed).toBe(model.seed);
    expect(loaded.summary(null)).toBe(model.summary(null));
    // compiled: evaluate works and gives the same numbers; the constraint came back too
    expect(loaded.evaluate(testX, circlesData().testY)).toEqual(model.evaluate(testX, circlesData().testY));
    expect(loaded.layers[0].constraints[0]).toBeInstanceOf(MaxNorm);
    // also by a plain path and by the model.json path
    expect(Array.from((await loadModel(path.join(dir, 'model.json'))).predict(testX).data)).toEqual(Array.from(model.predict(testX).data));
  });

  it('writes the TensorFlow.js layers-model format', async () => {
    const model = new Sequential({ seed: 1, name: 'mlp' });
    model.add(new Dense(3, { inputDim: 2, activation: 'relu', name: 'hidden' }));
    model.add(new Dropout(0.4, { name: 'drop' }));
    model.add(new Dense(1, { activation: 'sigmoid', name: 'out' }));
    const dir = tmpDir();
    await model.save(dir);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.modelTopology.class_name).toBe('Sequential');
    expect(json.modelTopology.config.layers[0]).toEqual({
      class_name: 'Dense',
      config: expect.objectContaining({ name: 'hidden', units: 3, activation: 'relu', use_bias: true, batch_input_shape: [null, 2], kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } } }),
    });
    expect(json.modelTopology.config.layers[1]).toEqual({ class_name: 'Dropout', config: expect.objectContaining({ rate: 0.4, noise_shape: null }) });
    expect(json.weightsManifest).toEqual([
      {
        paths: ['weights.bin'],
        weights: [
          { name: 'hidden/kernel', shape: [2, 3], dtype: 'float32' },
          { name: 'hidden/bias', shape: [3], dtype: 'float32' },
          { name: 'out/kernel', shape: [3, 1], dtype: 'float32' },
          { name: 'out/bias', shape: [1], dtype: 'float32' },
        ],
      },
    ]);
    const bin = fs.readFileSync(path.join(dir, 'weights.bin'));
    expect(Array.from(new Float32Array(bin.buffer, bin.byteOffset, 6))).toEqual(Array.from(model.layers[0].weights[0].data));
  });

  it('gives clear errors for a truncated or corrupt save, and leaves no temporary files', async () => {
    const model = new Sequential({ seed: 1 });
    model.add(new Dense(2, { inputDim: 2, name: 'd' }));
    const save = async () => {
      const dir = tmpDir();
      await model.save(dir);
      expect(fs.readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
      return dir;
    };
    const truncated = await save();
    fs.truncateSync(path.join(truncated, 'weights.bin'), 10);
    await expect(loadModel(truncated)).rejects.toThrow('the weights hold 10 bytes but the manifest needs 24 (a truncated weights.bin, or one from another model?)');

    const cut = await save();
    const text = fs.readFileSync(path.join(cut, 'model.json'), 'utf8');
    fs.writeFileSync(path.join(cut, 'model.json'), text.slice(0, text.length / 2));
    await expect(loadModel(cut)).rejects.toThrow(/model\.json is not valid JSON \(truncated or corrupt\?\)/);

    const unknown = await save();
    fs.writeFileSync(path.join(unknown, 'model.json'), text.replace('"Dense"', '"Dense3D"'));
    await expect(loadModel(unknown)).rejects.toThrow(/unknown layer class "Dense3D"; Lamina loads Dense, Dropout/);

    const reshaped = await save();
    const json = JSON.parse(text);
    json.weightsManifest[0].weights[0].shape = [1, 4];
    fs.writeFileSync(path.join(reshaped, 'model.json'), JSON.stringify(json));
    await expect(loadModel(reshaped)).rejects.toThrow("weight 'd/kernel' has shape [1, 4] but layer 'd' needs kernel of shape [2, 2]");

    await expect(loadModel(path.join(os.tmpdir(), 'no-such-lamina-model'))).rejects.toThrow(/loadModel: cannot read .*no-such-lamina-model\/model\.json/);
    await expect(loadModel('http://example.com/model.json')).rejects.toThrow("only file:// paths are supported here, got 'http://example.com/model.json'");
  });
});

describe('save and loadModel: recurrent layers', () => {
  it.each(['LSTM', 'GRU', 'SimpleRNN'] as const)('%s with dropout and recurrentDropout round-trips bit for bit', async (kind) => {
    const { LSTM, GRU, SimpleRNN } = await import('../layers/recurrent');
    const { Tensor } = await import('../lib/tensor');
    const Layer = { LSTM, GRU, SimpleRNN }[kind];
    const model = new Sequential({ seed: 5 });
    model.add(new Layer(4, { inputShape: [6, 3], dropout: 0.2, recurrentDropout: 0.3, returnSequences: true }));
    model.add(new Dense(1, { activation: 'sigmoid' }));
    model.compile({ loss: 'binary_crossentropy', optimizer: 'rmsprop' });
    const x = Tensor.zeros([5, 6, 3]);
    for (let i = 0; i < x.size; i++) x.data[i] = Math.sin(i);
    const y = Tensor.zeros([5, 6, 1]);
    for (let i = 0; i < y.size; i++) y.data[i] = i % 2;
    await model.fit(x, y, { epochs: 3, verbose: 0 });
    const dir = tmpDir();
    await model.save(dir);
    const loaded = await loadModel(dir);
    expect(loaded.layers[0].getConfig()).toEqual(model.layers[0].getConfig());
    expect(Array.from(loaded.predict(x).data)).toEqual(Array.from(model.predict(x).data));
    expect(loaded.layers[0].stochastic).toBe(true);
  });
});
