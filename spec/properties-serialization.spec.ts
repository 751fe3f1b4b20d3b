/**
 * Property test of loadModel on corrupt saved models: a small saved model whose model.json has one
 * random value replaced (by null, a negative, a fraction, a huge number, a string, an array, an
 * object) or removed, or whose weights file is cut short. Each load either gives a model that
 * predicts finite values of its output shape, or an Error from loadModel that says what is wrong.
 * Seed fixed.
 */
import fc from 'fast-check';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Dense, Dropout, loadModel, LSTM, Sequential, Tensor } from '../index';
import { attemptAsync, expectAllFinite, expectShape, prod, randomData, SEED } from './helpers/properties';

/** Every path to a leaf (or an array/object) of a JSON value. */
function paths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = at.length > 0 ? [at] : [];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...at, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...at, k]));
  return out;
}

const REPLACEMENTS: unknown[] = [null, -1, 0, 0.5, 1e12, NaN, 'x', '', [], {}, true, [1e12], ['a']];

describe('property: loadModel on corrupt saved models', () => {
  let dir: string;
  const saved: Record<string, { json: string; bin: Buffer; file: string }> = {};
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lamina-props-'));
    const mlp = new Sequential({ seed: 1 });
    mlp.add(new Dense(3, { inputDim: 2, activation: 'relu', kernelConstraint: 'maxNorm' }));
    mlp.add(new Dropout(0.3, { noiseShape: [null, 1] }));
    mlp.add(new Dense(1, { activation: 'sigmoid' }));
    mlp.compile({ loss: 'binary_crossentropy', optimizer: 'adam', metrics: ['accuracy'] });
    const rnn = new Sequential({ seed: 2 });
    rnn.add(new LSTM(2, { inputShape: [3, 2], dropout: 0.1, returnSequences: false }));
    rnn.add(new Dense(2, { activation: 'softmax' }));
    for (const [name, model] of Object.entries({ mlp, rnn })) {
      const where = path.join(dir, name);
      await model.save(`file://${where}`);
      const json = fs.readFileSync(path.join(where, 'model.json'), 'utf8');
      const file = JSON.parse(json).weightsManifest[0].paths[0];
      saved[name] = { json, bin: fs.readFileSync(path.join(where, file)), file };
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('one corrupted value or a short weights file: a working model or an Error from loadModel', async () => {
    let loaded = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('mlp', 'rnn'), fc.nat(), fc.constantFrom(...REPLACEMENTS.map((_, i) => i), -1, -2), fc.integer({ min: 1, max: 1e6 }), async (name, pick, how, seed) => {
        const { json, bin, file } = saved[name];
        const doc = JSON.parse(json);
        const all = paths(doc);
        const where = all[pick % all.length];
        let weights = bin;
        if (how === -2) weights = bin.subarray(0, pick % bin.length);
        else {
          // Replace (or, for -1, delete) the value at `where`.
          let parent = doc;
          for (const key of where.slice(0, -1)) parent = parent[key];
          const last = where[where.length - 1];
          if (how === -1 && !Array.isArray(parent)) delete parent[last];
          else parent[last] = REPLACEMENTS[Math.max(how, 0)];
        }
        const folder = path.join(dir, `case-${name}`);
        fs.mkdirSync(folder, { recursive: true });
        fs.writeFileSync(path.join(folder, 'model.json'), JSON.stringify(doc));
        fs.writeFileSync(path.join(folder, file), weights);
        const result = await attemptAsync(() => loadModel(`file://${folder}`), ['loadModel']);
        if (!result.ok) return;
        const model = result.value;
        const x = new Tensor(randomData(2 * prod(model.inputShape), seed), [2, ...model.inputShape]);
        const y = model.predict(x) as Tensor;
        expectShape(y.shape, [2, ...model.outputShape], 'predict after load');
        expectAllFinite(y.data, `predict after loading a model with ${JSON.stringify(where)} changed`);
        loaded++;
      }),
      { seed: SEED, numRuns: 300 },
    );
    expect(loaded).toBeGreaterThan(20);
  });
});
