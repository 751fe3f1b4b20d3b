/**
 * Functional models saved and loaded: Lamina's `class_name: 'Model'` topology back into the same
 * graph (shared layers, several inputs and outputs), TensorFlow.js's `tf.model` into Lamina, and
 * Lamina's into `tf.loadLayersModel`, predictions equal within 1e-6; Keras 3's `Functional`
 * spelling with its `args` / `keras_history` nodes; and clear errors for a broken graph.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Dense, Dropout, Input, loadModel, Model, Tensor } from '../index';
import { tf, tfLoadFolder, tfSaveFolder } from './helpers/tfjs';
import { lcg, randomTensor } from './helpers/fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const tmpDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'lamina-fio-'));
const asList = (p: Tensor | Tensor[]): Tensor[] => (Array.isArray(p) ? p : [p]);

function expectSame(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-6): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  expect(worst).toBeLessThanOrEqual(tol);
}

/** Two inputs, a layer shared by both, two outputs. */
function sharedTwoOutputs(): Model {
  const a = Input({ shape: [3], name: 'left' });
  const b = Input({ shape: [3], name: 'right' });
  const shared = new Dense(4, { activation: 'tanh', name: 'shared' });
  const outA = new Dense(2, { activation: 'softmax', name: 'out_a' }).apply(new Dropout(0.2, { name: 'drop' }).apply(shared.apply(a)));
  const outB = new Dense(1, { name: 'out_b' }).apply(shared.apply(b));
  const m = new Model({ inputs: [a, b], outputs: [outA, outB], name: 'shared_two', seed: 4 });
  m.compile({ loss: ['categorical_crossentropy', 'mse'], metrics: [['accuracy'], []], lossWeights: [1, 0.3], optimizer: 'adam' });
  return m;
}

describe('Lamina -> Lamina', () => {
  it('a functional model with a shared layer, two inputs and two outputs loads as the same graph, compiled as saved', async () => {
    const m = sharedTwoOutputs();
    const next = lcg(5);
    const xs = [randomTensor([5, 3], next), randomTensor([5, 3], next)];
    const dir = tmpDir();
    await m.save(dir);
    const loaded = await loadModel(dir);
    expect(loaded).toBeInstanceOf(Model);
    expect(loaded.name).toBe('shared_two');
    expect(loaded.layers.map((l) => l.name)).toEqual(m.layers.map((l) => l.name));
    expect(loaded.inputNames).toEqual(['left', 'right']);
    expect(loaded.outputNames).toEqual(['out_a', 'out_b']);
    const shared = loaded.layers.find((l) => l.name === 'shared');
    expect(shared?.inboundNodes).toHaveLength(2);
    asList(loaded.predict(xs)).forEach((p, i) => expect(Array.from(p.data)).toEqual(Array.from(asList(m.predict(xs))[i].data)));
    expect(loaded.metricsNames).toEqual(m.metricsNames);
    expect(loaded.trainingConfig()).toEqual(m.trainingConfig());
  });
});

describe('TensorFlow.js -> Lamina', () => {
  it('tf.model with a shared layer and two outputs loads and predicts within 1e-6', async () => {
    const a = tf.input({ shape: [3], name: 'in_a' });
    const b = tf.input({ shape: [3], name: 'in_b' });
    const shared = tf.layers.dense({ units: 4, activation: 'relu', name: 'tf_shared', biasInitializer: 'randomNormal' });
    const head = tf.layers.dense({ units: 2, activation: 'sigmoid', name: 'tf_head' });
    const outA = head.apply(shared.apply(a)) as tf.SymbolicTensor;
    const outB = tf.layers.dense({ units: 1, name: 'tf_other' }).apply(shared.apply(b)) as tf.SymbolicTensor;
    const theirs = tf.model({ inputs: [a, b], outputs: [outA, outB] });
    const dir = tmpDir();
    await tfSaveFolder(theirs, dir, 'group1-shard1of1.bin');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')).modelTopology.class_name).toBe('Model');
    const mine = await loadModel(dir);
    const next = lcg(8);
    const xs = [randomTensor([4, 3], next), randomTensor([4, 3], next)];
    const predicted = theirs.predict(xs.map((x) => tf.tensor(Array.from(x.data), x.shape))) as tf.Tensor[];
    asList(mine.predict(xs)).forEach((p, i) => expectSame(p.data, predicted[i].dataSync()));
  });
});

describe('Lamina -> TensorFlow.js', () => {
  it('a functional model with a shared layer and two outputs loads in tf.loadLayersModel and predicts within 1e-6', async () => {
    const m = sharedTwoOutputs();
    const dir = tmpDir();
    await m.save(dir);
    const theirs = await tfLoadFolder(dir);
    const next = lcg(6);
    const xs = [randomTensor([4, 3], next), randomTensor([4, 3], next)];
    const predicted = theirs.predict(xs.map((x) => tf.tensor(Array.from(x.data), x.shape))) as tf.Tensor[];
    asList(m.predict(xs)).forEach((p, i) => expectSame(p.data, predicted[i].dataSync()));
  });
});

describe("Keras 3's Functional spelling and broken graphs", () => {
  /** A saved functional model's model.json, rewritten by `edit`, loaded. */
  async function loadEdited(edit: (topology: { class_name: string; config: Record<string, unknown> }) => void): Promise<Model> {
    const inp = Input({ shape: [2], name: 'x' });
    const m = new Model({ inputs: inp, outputs: new Dense(1, { name: 'y' }).apply(new Dense(3, { name: 'h' }).apply(inp)), seed: 1 });
    const dir = tmpDir();
    await m.save(dir);
    const file = path.join(dir, 'model.json');
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    edit(json.modelTopology);
    fs.writeFileSync(file, JSON.stringify(json));
    return loadModel(dir);
  }
  type LayerEntry = { name: string; inbound_nodes: unknown[] };

  it("loads class_name 'Functional' with Keras 3's { args: [keras tensor] } nodes", async () => {
    const loaded = await loadEdited((t) => {
      t.class_name = 'Functional';
      for (const layer of t.config.layers as LayerEntry[]) {
        layer.inbound_nodes = (layer.inbound_nodes as [string, number, number, object][][]).map((node) => ({
          args: node.map(([name, n, k]) => ({ class_name: '__keras_tensor__', config: { shape: [null, 3], dtype: 'float32', keras_history: [name, n, k] } })),
          kwargs: {},
        }));
      }
    });
    expect(loaded.layers.map((l) => l.name)).toEqual(['x', 'h', 'y']);
    expect((loaded.predict([[1, 2]]) as Tensor).shape).toEqual([1, 1]);
  });

  it('a node that reads a layer the model does not list, an output nobody makes, a cycle: clear Errors', async () => {
    await expect(loadEdited((t) => ((t.config.layers as LayerEntry[])[2].inbound_nodes = [[['ghost', 0, 0, {}]]]))).rejects.toThrow(
      /a node reads the layer 'ghost', which the model does not list/,
    );
    await expect(loadEdited((t) => (t.config.output_layers = [['y', 3, 0]]))).rejects.toThrow(/output_layers names node \["y",3,0\], which the graph does not make/);
    await expect(loadEdited((t) => ((t.config.layers as LayerEntry[])[1].inbound_nodes = [[['y', 0, 0, {}]]]))).rejects.toThrow(
      /node 0 of layer 'h' reads tensors no node makes \(a missing layer, a wrong node index, or a cycle\)/,
    );
    await expect(loadEdited((t) => (t.config.input_layers = []))).rejects.toThrow(/a functional model needs modelTopology.config.input_layers/);
  });

  it('a long chain listed backwards loads in linear work; more than MAX_NODES nodes is refused', async () => {
    const depth = 2000;
    const layers: unknown[] = [{ class_name: 'InputLayer', name: 'in', config: { name: 'in', batch_input_shape: [null, 1] }, inbound_nodes: [] }];
    for (let i = depth; i >= 1; i--) {
      layers.push({ class_name: 'Dense', name: `d${i}`, config: { name: `d${i}`, units: 1 }, inbound_nodes: [[[i === 1 ? 'in' : `d${i - 1}`, 0, 0, {}]]] });
    }
    const dir = tmpDir();
    const write = (topologyLayers: unknown[], weights: { name: string; shape: number[]; dtype: string }[]) => {
      fs.writeFileSync(path.join(dir, 'w.bin'), Buffer.alloc(4 * weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0)));
      fs.writeFileSync(
        path.join(dir, 'model.json'),
        JSON.stringify({ modelTopology: { class_name: 'Model', config: { name: 'chain', layers: topologyLayers, input_layers: [['in', 0, 0]], output_layers: [[`d${depth}`, 0, 0]] } }, weightsManifest: [{ paths: ['w.bin'], weights }] }),
      );
    };
    const weights = [];
    for (let i = depth; i >= 1; i--) weights.push({ name: `d${i}/kernel`, shape: [1, 1], dtype: 'float32' }, { name: `d${i}/bias`, shape: [1], dtype: 'float32' });
    write(layers, weights);
    const started = Date.now();
    const loaded = await loadModel(dir);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(loaded.nodes).toHaveLength(depth);
    const many = [layers[0], { class_name: 'Dense', name: 'd', config: { name: 'd', units: 1 }, inbound_nodes: Array.from({ length: 100001 }, () => [['in', 0, 0, {}]]) }];
    write(many, [{ name: 'd/kernel', shape: [1, 1], dtype: 'float32' }, { name: 'd/bias', shape: [1], dtype: 'float32' }]);
    await expect(loadModel(dir)).rejects.toThrow(/the layers list more than 100000 nodes \(MAX_NODES\)/);
  }, 20000);
});
