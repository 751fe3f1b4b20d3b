import { Tensor } from '../lib/tensor';
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

/** The name every save gives its weights file: weights.<host>.<pid>.<12 hex digits>.bin. */
const WEIGHTS_FILE = /^weights\.[A-Za-z0-9-]+\.\d+\.[0-9a-f]{12}\.bin$/;

/** The weights file a folder's model.json names. */
function weightsFileOf(dir: string): string {
  return path.join(dir, JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')).weightsManifest[0].paths[0]);
}

describe('save and loadModel', () => {
  it('round-trips the trained dropout MLP with bit-identical predictions, compiled as it was', async () => {
    const { trainX, trainY, testX } = circlesData();
    const model = circlesModel({ seed: 3, rate: 0.4, maxNorm: 3 });
    await model.fit(trainX, trainY, { epochs: 50, verbose: 0 });
    const dir = tmpDir();
    const result = await model.save(`file://${dir}`);
    expect(result.bytes).toBe(4 * 2001);
    const files = fs.readdirSync(dir).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toBe('model.json');
    expect(files[1]).toMatch(WEIGHTS_FILE);
    expect(result.weightsBin).toBe(path.join(dir, files[1]));
    expect(weightsFileOf(dir)).toBe(result.weightsBin);
    const loaded = await loadModel(`file://${dir}`);
    expect(Array.from((loaded.predict(testX) as Tensor).data)).toEqual(Array.from(model.predict(testX).data));
    expect(loaded.layers.map((l) => l.className)).toEqual(['Dense', 'Dropout', 'Dense']);
    expect(loaded.seed).toBe(model.seed);
    expect(loaded.summary(null)).toBe(model.summary(null));
    // compiled: evaluate works and gives the same numbers; the constraint came back too
    expect(loaded.evaluate(testX, circlesData().testY)).toEqual(model.evaluate(testX, circlesData().testY));
    expect(loaded.layers[0].constraints[0]).toBeInstanceOf(MaxNorm);
    // also by a plain path and by the model.json path
    expect(Array.from(((await loadModel(path.join(dir, 'model.json'))).predict(testX) as Tensor).data)).toEqual(Array.from(model.predict(testX).data));
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
        paths: [expect.stringMatching(WEIGHTS_FILE)],
        weights: [
          { name: 'hidden/kernel', shape: [2, 3], dtype: 'float32' },
          { name: 'hidden/bias', shape: [3], dtype: 'float32' },
          { name: 'out/kernel', shape: [3, 1], dtype: 'float32' },
          { name: 'out/bias', shape: [1], dtype: 'float32' },
        ],
      },
    ]);
    const bin = fs.readFileSync(weightsFileOf(dir));
    expect(Array.from(new Float32Array(bin.buffer, bin.byteOffset, 6))).toEqual(Array.from(model.layers[0].weights[0].data));
  });

  it('gives clear errors for a truncated or corrupt save, and leaves no temporary files', async () => {
    const model = new Sequential({ seed: 1 });
    model.add(new Dense(2, { inputDim: 2, name: 'd' }));
    const save = async () => {
      const dir = tmpDir();
      await model.save(dir);
      expect(fs.readdirSync(dir).filter((f) => f !== 'model.json')).toEqual([path.basename(weightsFileOf(dir))]);
      return dir;
    };
    const truncated = await save();
    fs.truncateSync(weightsFileOf(truncated), 10);
    await expect(loadModel(truncated)).rejects.toThrow(/the manifest's weights need 24 bytes but its files hold 10 \('weights\.[^']+\.bin' 10\): a truncated weights file, or one from another model\?/);

    const cut = await save();
    const cutWeights = path.basename(weightsFileOf(cut));
    const text = fs.readFileSync(path.join(cut, 'model.json'), 'utf8');
    fs.writeFileSync(path.join(cut, 'model.json'), text.slice(0, text.length / 2));
    await expect(loadModel(cut)).rejects.toThrow(/model\.json is not valid JSON \(truncated or corrupt\?\)/);

    // model.json of `cut` naming the weights file of `dir`
    const own = (dir: string) => text.replace(cutWeights, path.basename(weightsFileOf(dir)));
    const unknown = await save();
    fs.writeFileSync(path.join(unknown, 'model.json'), own(unknown).replace('"Dense"', '"Dense3D"'));
    await expect(loadModel(unknown)).rejects.toThrow(/unknown layer class "Dense3D"; Lamina loads Dense, Dropout/);

    const reshaped = await save();
    const json = JSON.parse(own(reshaped));
    json.weightsManifest[0].weights[0].shape = [1, 4];
    fs.writeFileSync(path.join(reshaped, 'model.json'), JSON.stringify(json));
    await expect(loadModel(reshaped)).rejects.toThrow("weight 'd/kernel' has shape [1, 4] but layer 'd' needs kernel of shape [2, 2]");

    await expect(loadModel(path.join(os.tmpdir(), 'no-such-lamina-model'))).rejects.toThrow(/loadModel: cannot read .*no-such-lamina-model\/model\.json/);
    await expect(loadModel('ftp://example.com/model.json')).rejects.toThrow("loadModel: 'ftp://example.com/model.json' has a scheme Lamina does not know; it takes file://");
    // browser storage outside a browser: an Error that says what is missing
    await expect(loadModel('localstorage://m')).rejects.toThrow("loadModel: localstorage:// needs a browser's window.localStorage, which this runtime lacks");
    await expect(loadModel('indexeddb://m')).rejects.toThrow("loadModel: indexeddb:// needs a browser's indexedDB, which this runtime lacks");
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
    expect(Array.from((loaded.predict(x) as Tensor).data)).toEqual(Array.from(model.predict(x).data));
    expect(loaded.layers[0].stochastic).toBe(true);
  });
});

describe('loadModel: clear errors on malformed files, and the weights checked', () => {
  /** A folder holding a saved 2 -> 3 -> 1 model, its parsed model.json, and its weights file's name. */
  async function saved(): Promise<{ dir: string; json: any; file: string; model: Sequential }> {
    const model = new Sequential({ seed: 4, name: 'small' });
    model.add(new Dense(3, { inputDim: 2, name: 'h' }));
    model.add(new Dense(1, { name: 'o' }));
    const dir = tmpDir();
    await model.save(dir);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    return { dir, json, file: json.weightsManifest[0].paths[0], model };
  }
  const write = (dir: string, json: unknown) => fs.writeFileSync(path.join(dir, 'model.json'), typeof json === 'string' ? json : JSON.stringify(json));

  it('model.json holding null, a number or a list: an Error saying a JSON object was expected', async () => {
    const { dir } = await saved();
    for (const text of ['null', '3', '[]', '"model"']) {
      write(dir, text);
      await expect(loadModel(dir)).rejects.toThrow(new RegExp(`^loadModel: .*model\\.json should hold a JSON object \\(a layers-model: modelTopology and weightsManifest\\), got ${text.replace(/[[\]"]/g, '\\$&')}$`));
    }
  });

  it('an object, a number or null in paths: an Error naming what came', async () => {
    const { dir, json } = await saved();
    for (const bad of [{ evil: true }, 7, null]) {
      json.weightsManifest[0].paths = [bad];
      write(dir, json);
      await expect(loadModel(dir)).rejects.toThrow(`each entry of weightsManifest[].paths should be a file name (a string), got ${JSON.stringify(bad)}`);
    }
  });

  it('a UTF-8 byte order mark before the JSON is accepted', async () => {
    const { dir, model } = await saved();
    const text = fs.readFileSync(path.join(dir, 'model.json'));
    fs.writeFileSync(path.join(dir, 'model.json'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), text]));
    const loaded = await loadModel(dir);
    expect(Array.from(loaded.getWeights()[0].data)).toEqual(Array.from(model.getWeights()[0].data));
  });

  it('NaN or an infinity in a weight: an Error naming the weight, unless allowNonFinite', async () => {
    for (const [value, shown] of [[NaN, 'NaN'], [Infinity, 'Infinity'], [-Infinity, '-Infinity']] as const) {
      const { dir, file } = await saved();
      const bin = fs.readFileSync(path.join(dir, file));
      // index 1 of o/kernel: after h/kernel (6), h/bias (3)
      bin.writeFloatLE(value, 4 * (9 + 1));
      fs.writeFileSync(path.join(dir, file), bin);
      await expect(loadModel(dir)).rejects.toThrow(`weight 'o/kernel' holds ${shown} at index 1 (shape [3, 1]); pass { allowNonFinite: true } to load it anyway`);
      const loaded = await loadModel(`file://${dir}`, { allowNonFinite: true });
      expect(loaded.layers[1].weights[0].data[1]).toBe(value);
    }
  });

  it('loadModel options are checked: unknown keys suggest the known one, allowNonFinite must be a boolean', async () => {
    const { dir } = await saved();
    await expect(loadModel(dir, { allowNonFinit: true } as never)).rejects.toThrow("loadModel: unknown option 'allowNonFinit' (did you mean allowNonFinite?); known options: allowNonFinite");
    await expect(loadModel(dir, { allowNonFinite: 'yes' } as never)).rejects.toThrow('loadModel: allowNonFinite must be true or false, got "yes"');
  });

  it('the same file twice (by name, or by a link to it) is an Error', async () => {
    const { dir, json, file } = await saved();
    json.weightsManifest[0].paths = [file, file];
    write(dir, json);
    await expect(loadModel(dir)).rejects.toThrow(`the weights path '${file}' appears twice in weightsManifest`);
    fs.symlinkSync(file, path.join(dir, 'again.bin'));
    json.weightsManifest[0].paths = [file, 'again.bin'];
    write(dir, json);
    await expect(loadModel(dir)).rejects.toThrow(`the weights paths '${file}' and 'again.bin' are the same file`);
  });

  it('TensorFlow.js-style shards (any file names, several files) and a symlink inside the folder load', async () => {
    const { dir, json, file, model } = await saved();
    const bin = fs.readFileSync(path.join(dir, file));
    fs.writeFileSync(path.join(dir, 'group1-shard1of2.bin'), bin.subarray(0, 20));
    fs.writeFileSync(path.join(dir, 'group1-shard2of2.bin'), bin.subarray(20));
    json.weightsManifest[0].paths = ['group1-shard1of2.bin', 'group1-shard2of2.bin'];
    write(dir, json);
    const x = [[0.5, -1]];
    expect(Array.from(((await loadModel(dir)).predict(x) as Tensor).data)).toEqual(Array.from(model.predict(x).data));
    fs.symlinkSync(file, path.join(dir, 'link.bin'));
    json.weightsManifest[0].paths = ['link.bin'];
    write(dir, json);
    expect(Array.from(((await loadModel(dir)).predict(x) as Tensor).data)).toEqual(Array.from(model.predict(x).data));
  });

  it('reads asynchronously: no synchronous file call while a model loads', async () => {
    const { dir } = await saved();
    const names = ['readFileSync', 'openSync', 'readSync', 'statSync', 'lstatSync', 'fstatSync', 'realpathSync', 'existsSync'] as const;
    // The module object itself (what lib's `import * as fs` reads through), not this file's namespace copy.
    const nodeFs = require('fs') as typeof fs;
    const spies = names.map((n) => jest.spyOn(nodeFs, n));
    try {
      await loadModel(dir);
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it('readArtifacts is asynchronous and checks the files the same way', async () => {
    const { readArtifacts } = await import('../lib/io/read-folder');
    const { dir, json } = await saved();
    const artifacts = await readArtifacts(dir);
    expect(artifacts.weightData.byteLength).toBe(4 * 13);
    expect(artifacts.weightSpecs.map((s) => s.name)).toEqual(['h/kernel', 'h/bias', 'o/kernel', 'o/bias']);
    json.weightsManifest[0].paths = ['../x.bin'];
    write(dir, json);
    await expect(readArtifacts(dir)).rejects.toThrow("the weights path '../x.bin' is not a plain file name inside the model's folder");
  });
});

describe('Layer.weightShapes: the shapes build creates, known before anything is allocated', () => {
  it('matches the weights build creates, for every layer with weights', async () => {
    const { Conv1D, Conv2D } = await import('../layers/conv');
    const { LSTM, GRU, SimpleRNN } = await import('../layers/recurrent');
    const { RandomStream } = await import('../lib/random');
    const cases: [() => import('../lib/layer').Layer, number[]][] = [
      [() => new Dense(4), [3]],
      [() => new Dense(4, { useBias: false }), [2, 3]],
      [() => new Conv2D(5, [3, 2]), [8, 8, 3]],
      [() => new Conv1D(2, 3, { useBias: false }), [9, 4]],
      [() => new LSTM(3), [5, 2]],
      [() => new GRU(3), [5, 2]],
      [() => new SimpleRNN(3, { useBias: false }), [5, 2]],
      [() => new Dropout(0.5), [7]],
    ];
    for (const [make, input] of cases) {
      const layer = make();
      const planned = layer.weightShapes(input);
      layer.build(input, { init: new RandomStream('w'), layerSeed: 'w' });
      expect(planned).toEqual(layer.weights.map((w, i) => ({ name: layer.weightNames[i], shape: w.shape })));
    }
  });

  it('plannedWeights refuses a weight over MAX_WEIGHT_SIZE from its shape alone', () => {
    const start = process.memoryUsage().rss;
    const layer = new Dense(2 ** 20);
    expect(() => layer.plannedWeights([2 ** 11])).toThrow(`Dense '${layer.name}': the weight kernel of shape [2048, 1048576] would hold 2147483648 values; at most 1073741824 are supported`);
    expect(layer.weights).toHaveLength(0);
    expect(process.memoryUsage().rss - start).toBeLessThan(100 * 2 ** 20);
  });
});
