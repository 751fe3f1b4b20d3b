/**
 * The wrapper layers against TensorFlow.js 4.22 (CPU backend): Bidirectional(LSTM),
 * Bidirectional(GRU) for every merge mode, with and without returnSequences, and
 * TimeDistributed(Dense), built in both with the same weights, predict the same numbers within
 * 1e-6; both write the same weight names in model.json; and models with them go across in both
 * directions (Lamina's artifacts -> tf.loadLayersModel, TF.js's save -> modelFromArtifacts).
 */
import { tf } from './helpers/tfjs';
import { Dense } from '../layers/dense';
import { GRU, LSTM, RecurrentLayer } from '../layers/recurrent';
import { modelFromArtifacts } from '../layers/serialization';
import { Bidirectional, TimeDistributed } from '../layers/wrappers';
import { ModelArtifacts, modelToArtifacts } from '../lib/io/artifacts';
import { PairMergeMode } from '../lib/sequence-ops';
import { Sequential } from '../lib/sequential';
import { Model } from '../lib/model';
import { Tensor } from '../lib/tensor';
import { lcg, randomTensor } from './helpers/fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const MODES: PairMergeMode[] = ['concat', 'sum', 'mul', 'ave'];
const T = 5, F = 3, U = 4;

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** TF.js's artifacts of `model` (what its save writes), captured in memory. */
async function tfArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return saved as unknown as tf.io.ModelArtifacts;
}

/** Lamina's prediction and TF.js's for the same input [7, ...inputShape]. */
function predictBoth(ours: Model, theirs: tf.LayersModel, seed: number): [Float32Array, Float32Array] {
  const x = randomTensor([7, ...ours.inputShape], lcg(seed));
  const predicted = theirs.predict(tf.tensor(Array.from(x.data), x.shape)) as tf.Tensor;
  return [(ours.predict(x) as Tensor).data, predicted.dataSync() as Float32Array];
}

/** Gives `model` weights drawn in [-0.6, 0.6) (biases included) and returns them. */
function randomize(model: Sequential, seed: number): Tensor[] {
  const next = lcg(seed);
  model.setWeights(model.getWeights().map((w) => randomTensor(w.shape, next, 0.6)));
  return model.getWeights();
}

type Cell = 'LSTM' | 'GRU';

/** The same model in Lamina and TF.js: Bidirectional(cell) named 'bi' around a layer named 'rnn', then TimeDistributed(Dense) 'td' for sequences. */
function pair(cell: Cell, mode: PairMergeMode, returnSequences: boolean): { ours: Sequential; theirs: tf.Sequential } {
  const inner: RecurrentLayer =
    cell === 'LSTM'
      ? new LSTM(U, { name: 'rnn', returnSequences })
      : new GRU(U, { name: 'rnn', returnSequences, resetAfter: false });
  const ours = new Sequential({ seed: 1 });
  ours.add(new Bidirectional({ layer: inner, mergeMode: mode, name: 'bi', inputShape: [T, F] }));
  // TF.js's recurrent layers default to hard_sigmoid gates; Lamina's to sigmoid (Keras 2.3+): asked for explicitly.
  const tfArgs = { units: U, name: 'rnn', returnSequences, recurrentActivation: 'sigmoid' as const };
  const tfInner = cell === 'LSTM' ? tf.layers.lstm(tfArgs) : tf.layers.gru(tfArgs);
  const layers: tf.layers.Layer[] = [tf.layers.bidirectional({ layer: tfInner as never, mergeMode: mode, name: 'bi', inputShape: [T, F] })];
  if (returnSequences) {
    ours.add(new TimeDistributed({ layer: new Dense(2, { name: 'head', activation: 'tanh' }), name: 'td' }));
    layers.push(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2, name: 'head', activation: 'tanh' }), name: 'td' }));
  }
  return { ours, theirs: tf.sequential({ layers }) };
}

describe('the same weights, the same predictions as TensorFlow.js', () => {
  const cases: [Cell, PairMergeMode, boolean][] = [];
  for (const cell of ['LSTM', 'GRU'] as Cell[]) for (const mode of MODES) for (const rs of [false, true]) cases.push([cell, mode, rs]);

  it.each(cases)('Bidirectional(%s), mergeMode %s, returnSequences %s (then TimeDistributed(Dense) for sequences)', async (cell, mode, rs) => {
    const { ours, theirs } = pair(cell, mode, rs);
    expect(theirs.outputs[0].shape).toEqual([null, ...ours.outputShape]);
    // Same weight names and order in both model.json manifests.
    const names = (await tfArtifacts(theirs)).weightSpecs!.map((s) => s.name);
    expect(modelToArtifacts(ours).weightSpecs.map((s) => s.name)).toEqual(names);
    const weights = randomize(ours, 10 + MODES.indexOf(mode));
    theirs.setWeights(weights.map((w) => tf.tensor(Array.from(w.data), w.shape)));
    const [a, b] = predictBoth(ours, theirs, 3);
    expect(maxDiff(a, b)).toBeLessThanOrEqual(1e-6);
  });

  it('TimeDistributed(Dense) alone', () => {
    const ours = new Sequential({ seed: 2 });
    ours.add(new TimeDistributed({ layer: new Dense(3, { activation: 'sigmoid' }), inputShape: [T, F] }));
    const theirs = tf.sequential({ layers: [tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 3, activation: 'sigmoid' }), inputShape: [T, F] } as never)] });
    theirs.setWeights(randomize(ours, 5).map((w) => tf.tensor(Array.from(w.data), w.shape)));
    const [a, b] = predictBoth(ours, theirs, 4);
    expect(maxDiff(a, b)).toBeLessThanOrEqual(1e-6);
  });
});

describe('model.json both ways', () => {
  it.each([
    ['LSTM', 'concat', true],
    ['GRU', 'ave', false],
    ['LSTM', 'mul', false],
  ] as [Cell, PairMergeMode, boolean][])('Lamina -> TensorFlow.js: Bidirectional(%s, %s, returnSequences %s) loads in tf.loadLayersModel and predicts the same', async (cell, mode, rs) => {
    const { ours } = pair(cell, mode, rs);
    randomize(ours, 21);
    const artifacts = modelToArtifacts(ours);
    const theirs = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: artifacts.modelTopology as never, weightSpecs: artifacts.weightSpecs, weightData: artifacts.weightData }),
    );
    expect(theirs.layers[0].getClassName()).toBe('Bidirectional');
    const [a, b] = predictBoth(ours, theirs, 6);
    expect(maxDiff(a, b)).toBeLessThanOrEqual(1e-6);
  });

  it.each([
    ['LSTM (TF.js defaults: hard_sigmoid)', () => tf.layers.lstm({ units: U, returnSequences: true })],
    ['GRU (TF.js defaults: hard_sigmoid, resetAfter false)', () => tf.layers.gru({ units: U })],
  ])('TensorFlow.js -> Lamina: Bidirectional(%s) with TimeDistributed(Dense) loads in modelFromArtifacts and predicts the same', async (_label, make) => {
    const inner = make();
    const layers: tf.layers.Layer[] = [tf.layers.bidirectional({ layer: inner as never, mergeMode: 'sum', inputShape: [T, F] })];
    if ((inner as unknown as { returnSequences: boolean }).returnSequences) layers.push(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2 }) }));
    const theirs = tf.sequential({ layers });
    // Non-zero biases, so that their place is checked too.
    const next = lcg(17);
    theirs.setWeights(theirs.getWeights().map((w) => tf.tensor(Array.from({ length: w.size }, () => 0.6 * next()), w.shape)));
    const artifacts = await tfArtifacts(theirs);
    const ours = modelFromArtifacts(artifacts as unknown as ModelArtifacts);
    expect(ours.layers[0]).toBeInstanceOf(Bidirectional);
    expect(modelToArtifacts(ours).weightSpecs.map((s) => s.name)).toEqual(artifacts.weightSpecs!.map((s) => s.name));
    const [a, b] = predictBoth(ours, theirs, 8);
    expect(maxDiff(a, b)).toBeLessThanOrEqual(1e-6);
  });
});
