/**
 * The merge layers, Activation and RepeatVector in TensorFlow.js's layers-model format: each
 * writes its Keras class name and config keys, `layerFromConfig` builds it back from its own
 * config and from the config TF.js writes, and TF.js loads a Lamina functional model made of them
 * with the same predictions.
 */
import { Activation } from '../layers/activation';
import { Dense } from '../layers/dense';
import { Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract } from '../layers/merge';
import { Flatten, RepeatVector } from '../layers/reshape';
import { layerFromConfig } from '../layers/serialization';
import { Input } from '../lib/graph/input';
import { modelToArtifacts } from '../lib/io/artifacts';
import { Layer } from '../lib/layer';
import { Model } from '../lib/model';
import { Tensor } from '../lib/tensor';
import { lcg, randomTensor } from './helpers/fixtures';
import { tf } from './helpers/tfjs';

const LAYERS: [string, () => Layer, Record<string, unknown>][] = [
  ['Add', () => new Add({ name: 'a1' }), {}],
  ['Subtract', () => new Subtract({ name: 's1', trainable: false }), {}],
  ['Multiply', () => new Multiply({ name: 'm1' }), {}],
  ['Average', () => new Average({ name: 'av1' }), {}],
  ['Maximum', () => new Maximum({ name: 'mx1' }), {}],
  ['Minimum', () => new Minimum({ name: 'mn1' }), {}],
  ['Concatenate', () => new Concatenate({ name: 'c1', axis: -2 }), { axis: -2 }],
  ['Activation', () => new Activation('softmax', { name: 'act1' }), { activation: 'softmax' }],
  ['RepeatVector', () => new RepeatVector(4, { name: 'rv1', inputShape: [3] }), { n: 4, batch_input_shape: [null, 3] }],
];

describe('configs', () => {
  it.each(LAYERS)('%s writes its Keras keys and layerFromConfig(getConfig()) gives the same layer back', (className, make, own) => {
    const layer = make();
    const config = layer.getConfig();
    expect(layer.className).toBe(className);
    expect(config).toEqual({ name: layer.name, trainable: layer.trainable, dtype: 'float32', ...own });
    const back = layerFromConfig({ class_name: className, config });
    expect(back).toBeInstanceOf(layer.constructor);
    expect(back.getConfig()).toEqual(config);
    expect(back.takesList).toBe(layer.takesList);
  });

  it('the layers built back compute what the originals do', () => {
    const x = Tensor.from([[[1, 2], [3, 4]]]);
    const y = Tensor.from([[[5, 6]]]);
    const cat = layerFromConfig({ class_name: 'Concatenate', config: new Concatenate({ axis: 1 }).getConfig() });
    expect(cat.apply([x, y]).toArray()).toEqual([[[1, 2], [3, 4], [5, 6]]]);
    const sub = layerFromConfig({ class_name: 'Subtract', config: new Subtract().getConfig() });
    expect(sub.apply([x, x]).toArray()).toEqual([[[0, 0], [0, 0]]]);
    const relu = layerFromConfig({ class_name: 'Activation', config: new Activation('relu').getConfig() });
    expect(relu.apply([[-1, 2]]).toArray()).toEqual([[0, 2]]);
    expect(layerFromConfig({ class_name: 'RepeatVector', config: new RepeatVector(2).getConfig() }).apply([[7, 8]]).toArray()).toEqual([[[7, 8], [7, 8]]]);
  });

  it('reads the configs TensorFlow.js writes for the same layers', () => {
    const fromTf: [string, { getConfig(): object }][] = [
      ['Add', tf.layers.add({ name: 'tf_add' })],
      ['Multiply', tf.layers.multiply({ name: 'tf_mul' })],
      ['Average', tf.layers.average({ name: 'tf_avg' })],
      ['Maximum', tf.layers.maximum({ name: 'tf_max' })],
      ['Minimum', tf.layers.minimum({ name: 'tf_min' })],
      ['Concatenate', tf.layers.concatenate({ name: 'tf_cat', axis: 2 })],
      ['Activation', tf.layers.activation({ name: 'tf_act', activation: 'tanh' })],
      ['RepeatVector', tf.layers.repeatVector({ name: 'tf_rv', n: 3 })],
    ];
    for (const [className, tfLayer] of fromTf) {
      const config = tfLayer.getConfig() as Record<string, unknown>;
      const layer = layerFromConfig({ class_name: className, config });
      expect(layer.className).toBe(className);
      expect(layer.getConfig()).toMatchObject(config);
    }
  });

  it('a bad config names the layer and the key', () => {
    expect(() => layerFromConfig({ class_name: 'RepeatVector', config: { name: 'r', n: 'two' } })).toThrow(/layer 'r' \(RepeatVector\): config.n should be a number, got/);
    expect(() => layerFromConfig({ class_name: 'Activation', config: { name: 'a' } })).toThrow(/layer 'a' \(Activation\): config.activation should be a string/);
    expect(() => layerFromConfig({ class_name: 'Concatenate', config: { name: 'c', axis: 0 } })).toThrow(/Concatenate 'c': axis must be a non-zero integer/);
  });
});

describe('TensorFlow.js loads a Lamina functional model made of these layers', () => {
  it('two inputs, Dense branches joined by every merge layer, Activation and RepeatVector: same predictions within 1e-6', async () => {
    await tf.setBackend('cpu');
    const a = Input({ shape: [3], name: 'in_a' });
    const b = Input({ shape: [4], name: 'in_b' });
    const h1 = new Dense(4, { activation: 'tanh' }).apply(a);
    const h2 = new Dense(4).apply(b);
    const h3 = new Activation('sigmoid').apply(new Dense(4).apply(a));
    const merged = [
      new Add().apply([h1, h2, h3]),
      new Multiply().apply([h1, h2]),
      new Average().apply([h1, h3]),
      new Maximum().apply([h1, h2, h3]),
      new Minimum().apply([h2, h3]),
      b,
    ];
    const joined = new Concatenate().apply(merged);
    const seq = new RepeatVector(2).apply(new Dense(3).apply(joined));
    const cat = new Concatenate({ axis: 1 }).apply([seq, new RepeatVector(1).apply(new Dense(3).apply(h1))]);
    const out = new Activation('softmax').apply(new Dense(2).apply(new Flatten().apply(cat)));
    const model = new Model({ inputs: [a, b], outputs: out, seed: 1 });
    expect(model.outputShape).toEqual([2]);

    const artifacts = modelToArtifacts(model);
    const tfModel = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: artifacts.modelTopology as never, weightSpecs: artifacts.weightSpecs as never, weightData: artifacts.weightData }));
    const xa = randomTensor([5, 3], lcg(1));
    const xb = randomTensor([5, 4], lcg(2));
    const ours = model.predict([xa, xb]) as Tensor;
    const theirs = (tfModel.predict([tf.tensor(Array.from(xa.data), [5, 3]), tf.tensor(Array.from(xb.data), [5, 4])]) as tf.Tensor).dataSync();
    let worst = 0;
    for (let i = 0; i < ours.size; i++) worst = Math.max(worst, Math.abs(ours.data[i] - theirs[i]));
    if (process.env.LAMINA_REPORT) console.log(`TF.js predictions of the saved merge model: max |diff| ${worst.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(1e-6);
  });
});
