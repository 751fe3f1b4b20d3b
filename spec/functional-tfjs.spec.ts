/**
 * Functional models against TensorFlow.js 4.22 (CPU backend, float32), each built in both with the
 * same layer names and the same weights (Lamina's initial weights copied into TF.js with
 * setWeights, after checking that both list their weights in the same order, by name):
 *   1. a residual MLP (Dense -> Dense h -> Add([h, Dense(h)]) -> Dense), without the issue
 *      example's Dropout (masks cannot match across engines);
 *   2. a wide-and-deep model: two inputs, a short and a long branch, joined by Concatenate;
 *   3. one Dense shared by two inputs, its two uses joined by Multiply;
 *   4. two heads of unequal depth with two losses (binary crossentropy, mean squared error) and
 *      loss weights [1, 0.5];
 *   5. Bidirectional(LSTM) (returnSequences false, sigmoid gates in both) -> Dense.
 * For each: predictions; SGD (learning rate 0.1, shuffle false, batch size 5, 20 samples, 5
 * epochs = 20 steps) and every weight after step 1 and after step 20, and the per-epoch losses;
 * then model.json both ways (Lamina's save -> tf.loadLayersModel; TF.js's save -> loadModel),
 * predictions of the loaded model against the saved one's. Then `model.layers` (hence getWeights,
 * the saved layers and the summary) in Keras' order on graphs where that order is subtle, and data
 * given as TF.js gives it (a list of one Tensor for a one-input model).
 *
 * Tolerances. Predictions: each element within 1e-6 absolute or 1e-5 relative. Weights: per
 * weight tensor, rel(a, b) = max_i |a_i - b_i| / max(max_i |b_i|, 1e-3) at most 1e-5 (the
 * tensor's scale: float32 rounding differences of sums are relative to the terms summed, not to
 * one small element; element by element, max_i |a_i - b_i| / max(|b_i|, 1e-3), is reported too).
 * Losses: |a - b| / max(|b|, 1e-3) at most 1e-5. `LAMINA_REPORT=1 npx jest
 * spec/functional-tfjs.spec.ts` prints every figure measured.
 *
 * TF.js quirk worked around here: its compile ignores `lossWeights` (see `tfCompileLoss`).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { tf, tfLoadFolder, tfSaveFolder } from './helpers/tfjs';
import { Add, Bidirectional, Concatenate, Dense, Input, Layer, loadModel, LSTM, Model, modelToArtifacts, Multiply, SGD, SymbolicTensor, Tensor } from '../index';
import type { Callback } from '../index';
import { lcg, randomTensor } from './helpers/fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const N = 20;
const BATCH = 5;
const EPOCHS = 5;
const LEARNING_RATE = 0.1;

/** The worst element of a forward comparison: max |a - b| and max |a - b| / |b|. */
interface ForwardDiff {
  abs: number;
  rel: number;
  /** True when every element is within 1e-6 absolute or 1e-5 relative. */
  ok: boolean;
}

function forwardDiff(a: ArrayLike<number>, b: ArrayLike<number>): ForwardDiff {
  expect(a.length).toBe(b.length);
  let abs = 0;
  let rel = 0;
  let ok = true;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    abs = Math.max(abs, d);
    if (b[i] !== 0) rel = Math.max(rel, d / Math.abs(b[i]));
    if (!(d <= 1e-6 || d <= 1e-5 * Math.abs(b[i]))) ok = false;
  }
  return { abs, rel, ok };
}

/** max |a - b| / max(max |b|, 1e-3) over one weight tensor. */
function relative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 1e-3;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

/** The worst `relative` over lists of weights (same order in both). */
function worstRelative(ours: readonly ArrayLike<number>[], theirs: readonly ArrayLike<number>[]): number {
  expect(ours.length).toBe(theirs.length);
  return Math.max(...ours.map((w, i) => relative(w, theirs[i])));
}

/** max_i |a_i - b_i| / max(|b_i|, 1e-3) over lists of weights (reported, not asserted). */
function elementwise(ours: readonly ArrayLike<number>[], theirs: readonly ArrayLike<number>[]): number {
  let worst = 0;
  ours.forEach((w, k) => {
    for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(w[i] - theirs[k][i]) / Math.max(Math.abs(theirs[k][i]), 1e-3));
  });
  return worst;
}

const asList = <T>(p: T | T[]): T[] => (Array.isArray(p) ? p : [p]);
const toTf = (t: Tensor): tf.Tensor => tf.tensor(Array.from(t.data), t.shape);
const tmpDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'lamina-ftf-'));

/** One model in both engines, its data and how it trains. */
interface Case {
  label: string;
  ours: Model;
  theirs: tf.LayersModel;
  x: Tensor[];
  y: Tensor[];
  /** Lamina's and TF.js's names of each output's loss. */
  loss: string[];
  tfLoss: TfLossName[];
  lossWeights?: number[];
}

type TfLossName = 'binaryCrossentropy' | 'meanSquaredError';
/** TF.js's per-sample losses (the functions its loss names stand for). */
const TF_LOSSES: Record<TfLossName, (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor> = {
  binaryCrossentropy: tf.metrics.binaryCrossentropy,
  meanSquaredError: tf.metrics.meanSquaredError,
};

/**
 * TF.js's `compile` arguments for these losses and weights. TF.js 4.22 ignores `lossWeights`
 * (training.ts: "TODO(cais): Add lossWeights"; its total is the plain sum of the outputs' losses),
 * so each weighted loss is given as its function times the weight: the total is then Keras'
 * weighted sum, and TF.js logs each `<output>_loss` already weighted.
 */
function tfCompileLoss(names: TfLossName[], weights: number[] | undefined): (string | ((yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor))[] {
  if (weights === undefined) return names;
  return names.map((name, i) => (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.mul(weights[i], TF_LOSSES[name](yTrue, yPred)));
}

/** Labels 0/1 as a [n, 1] Tensor. */
function labels(n: number, next: () => number): Tensor {
  return Tensor.from(Array.from({ length: n }, () => [next() > 0 ? 1 : 0]));
}

/** Dense options in TF.js's spelling, with Lamina's default initializers being irrelevant (weights are copied). */
const tfDense = (units: number, name: string, activation: 'relu' | 'tanh' | 'sigmoid' | 'linear' = 'linear') => tf.layers.dense({ units, name, activation });

function residualMlp(): Case {
  const inp = Input({ shape: [4], name: 'x' });
  const d1 = new Dense(8, { activation: 'relu', name: 'd1' }).apply(inp);
  const h = new Dense(8, { activation: 'relu', name: 'h' }).apply(d1);
  const r = new Add({ name: 'add' }).apply([h, new Dense(8, { name: 'skip' }).apply(h)]);
  const ours = new Model({ inputs: inp, outputs: new Dense(1, { activation: 'sigmoid', name: 'out' }).apply(r), seed: 1 });

  const tInp = tf.input({ shape: [4], name: 'x' });
  const tD1 = tfDense(8, 'd1', 'relu').apply(tInp) as tf.SymbolicTensor;
  const tH = tfDense(8, 'h', 'relu').apply(tD1) as tf.SymbolicTensor;
  const tR = tf.layers.add({ name: 'add' }).apply([tH, tfDense(8, 'skip').apply(tH) as tf.SymbolicTensor]) as tf.SymbolicTensor;
  const theirs = tf.model({ inputs: tInp, outputs: tfDense(1, 'out', 'sigmoid').apply(tR) as tf.SymbolicTensor });
  const next = lcg(101);
  return { label: 'residual MLP', ours, theirs, x: [randomTensor([N, 4], next, 1.5)], y: [labels(N, next)], loss: ['binary_crossentropy'], tfLoss: ['binaryCrossentropy'] };
}

function wideAndDeep(): Case {
  const wide = Input({ shape: [3], name: 'wide' });
  const deep = Input({ shape: [4], name: 'deep' });
  const w1 = new Dense(2, { activation: 'tanh', name: 'wide1' }).apply(wide);
  const d2 = new Dense(5, { activation: 'relu', name: 'deep2' }).apply(new Dense(6, { activation: 'tanh', name: 'deep1' }).apply(deep));
  const joined = new Concatenate({ name: 'concat' }).apply([w1, d2]);
  const ours = new Model({ inputs: [wide, deep], outputs: new Dense(1, { name: 'out' }).apply(joined), seed: 2 });

  const tWide = tf.input({ shape: [3], name: 'wide' });
  const tDeep = tf.input({ shape: [4], name: 'deep' });
  const tW1 = tfDense(2, 'wide1', 'tanh').apply(tWide) as tf.SymbolicTensor;
  const tD2 = tfDense(5, 'deep2', 'relu').apply(tfDense(6, 'deep1', 'tanh').apply(tDeep)) as tf.SymbolicTensor;
  const tJoined = tf.layers.concatenate({ name: 'concat' }).apply([tW1, tD2]) as tf.SymbolicTensor;
  const theirs = tf.model({ inputs: [tWide, tDeep], outputs: tfDense(1, 'out').apply(tJoined) as tf.SymbolicTensor });
  const next = lcg(202);
  return { label: 'two inputs, Concatenate', ours, theirs, x: [randomTensor([N, 3], next, 1.5), randomTensor([N, 4], next, 1.5)], y: [randomTensor([N, 1], next)], loss: ['mean_squared_error'], tfLoss: ['meanSquaredError'] };
}

function sharedLayer(): Case {
  const a = Input({ shape: [3], name: 'a' });
  const b = Input({ shape: [3], name: 'b' });
  const shared = new Dense(4, { activation: 'tanh', name: 'shared' });
  const product = new Multiply({ name: 'mul' }).apply([shared.apply(a), shared.apply(b)]);
  const ours = new Model({ inputs: [a, b], outputs: new Dense(1, { activation: 'sigmoid', name: 'out' }).apply(product), seed: 3 });

  const tA = tf.input({ shape: [3], name: 'a' });
  const tB = tf.input({ shape: [3], name: 'b' });
  const tShared = tfDense(4, 'shared', 'tanh');
  const tProduct = tf.layers.multiply({ name: 'mul' }).apply([tShared.apply(tA) as tf.SymbolicTensor, tShared.apply(tB) as tf.SymbolicTensor]) as tf.SymbolicTensor;
  const theirs = tf.model({ inputs: [tA, tB], outputs: tfDense(1, 'out', 'sigmoid').apply(tProduct) as tf.SymbolicTensor });
  const next = lcg(303);
  return { label: 'shared layer', ours, theirs, x: [randomTensor([N, 3], next, 1.5), randomTensor([N, 3], next, 1.5)], y: [labels(N, next)], loss: ['binary_crossentropy'], tfLoss: ['binaryCrossentropy'] };
}

function twoOutputs(): Case {
  const inp = Input({ shape: [3], name: 'features' });
  const trunk = new Dense(6, { activation: 'tanh', name: 'trunk' }).apply(inp);
  const cls = new Dense(1, { activation: 'sigmoid', name: 'cls' }).apply(trunk);
  const reg = new Dense(2, { name: 'reg' }).apply(new Dense(4, { activation: 'relu', name: 'reg_hidden' }).apply(trunk));
  const ours = new Model({ inputs: inp, outputs: [cls, reg], seed: 4 });

  const tInp = tf.input({ shape: [3], name: 'features' });
  const tTrunk = tfDense(6, 'trunk', 'tanh').apply(tInp) as tf.SymbolicTensor;
  const tCls = tfDense(1, 'cls', 'sigmoid').apply(tTrunk) as tf.SymbolicTensor;
  const tReg = tfDense(2, 'reg').apply(tfDense(4, 'reg_hidden', 'relu').apply(tTrunk)) as tf.SymbolicTensor;
  const theirs = tf.model({ inputs: tInp, outputs: [tCls, tReg] });
  const next = lcg(404);
  return {
    label: 'two outputs, two losses',
    ours,
    theirs,
    x: [randomTensor([N, 3], next, 1.5)],
    y: [labels(N, next), randomTensor([N, 2], next)],
    loss: ['binary_crossentropy', 'mean_squared_error'],
    tfLoss: ['binaryCrossentropy', 'meanSquaredError'],
    lossWeights: [1, 0.5],
  };
}

function biLstm(): Case {
  const inp = Input({ shape: [5, 3], name: 'seq' });
  const bi = new Bidirectional({ layer: new LSTM(4, { name: 'rnn' }), name: 'bi' }).apply(inp);
  const ours = new Model({ inputs: inp, outputs: new Dense(1, { name: 'out' }).apply(bi), seed: 5 });

  const tInp = tf.input({ shape: [5, 3], name: 'seq' });
  // TF.js's LSTM defaults to hard_sigmoid gates; Lamina's to sigmoid (Keras 2.3+): asked for explicitly.
  const tLstm = tf.layers.lstm({ units: 4, name: 'rnn', recurrentActivation: 'sigmoid' });
  const tBi = tf.layers.bidirectional({ layer: tLstm as never, name: 'bi' }).apply(tInp) as tf.SymbolicTensor;
  const theirs = tf.model({ inputs: tInp, outputs: tfDense(1, 'out').apply(tBi) as tf.SymbolicTensor });
  const next = lcg(505);
  return { label: 'Bidirectional LSTM', ours, theirs, x: [randomTensor([N, 5, 3], next, 1.5)], y: [randomTensor([N, 1], next)], loss: ['mean_squared_error'], tfLoss: ['meanSquaredError'] };
}

/** The weight names TF.js's save writes, in its getWeights order. */
function tfWeightNames(m: tf.LayersModel): string[] {
  return m.weights.map((w) => w.originalName);
}

/** Copies of TF.js's weights' values. */
function tfValues(m: tf.LayersModel): Float32Array[] {
  return m.getWeights().map((w) => w.dataSync() as Float32Array);
}

const laminaValues = (m: Model): Float32Array[] => m.getWeights().map((w) => w.data);

/** Predictions of both on `x` (Lamina's model and TF.js's), one array per output. */
function predictions(ours: Model, theirs: tf.LayersModel, x: Tensor[]): [Float32Array[], Float32Array[]] {
  const mine = asList(ours.predict(x)).map((p) => p.data);
  const other = asList(theirs.predict(x.map(toTf)) as tf.Tensor | tf.Tensor[]).map((p) => p.dataSync() as Float32Array);
  return [mine, other];
}

function worstForward(ours: Model, theirs: tf.LayersModel, x: Tensor[]): ForwardDiff {
  const [a, b] = predictions(ours, theirs, x);
  expect(a.length).toBe(b.length);
  const diffs = a.map((p, i) => forwardDiff(p, b[i]));
  return { abs: Math.max(...diffs.map((d) => d.abs)), rel: Math.max(...diffs.map((d) => d.rel)), ok: diffs.every((d) => d.ok) };
}

/** TF.js's save written as model.json and one weights file in a new folder. */
async function saveTfToFolder(m: tf.LayersModel): Promise<string> {
  const dir = tmpDir();
  await tfSaveFolder(m, dir);
  return dir;
}

/** Lamina's save read back into tf.loadLayersModel. */
async function laminaIntoTf(m: Model): Promise<tf.LayersModel> {
  const dir = tmpDir();
  await m.save(dir);
  return tfLoadFolder(dir);
}

/** What was measured, per model, printed at the end when LAMINA_REPORT is set. */
const measured: Record<string, Record<string, number>> = {};

const CASES: [string, () => Case][] = [
  ['residual MLP', residualMlp],
  ['two inputs, Concatenate', wideAndDeep],
  ['shared layer', sharedLayer],
  ['two outputs, two losses', twoOutputs],
  ['Bidirectional LSTM', biLstm],
];

describe('functional models: Lamina and TensorFlow.js built with the same weights', () => {
  afterAll(() => {
    if (process.env.LAMINA_REPORT) process.stdout.write(`\n${JSON.stringify(measured, null, 1)}\n`);
  });

  it.each(CASES)('%s: same weight order, forward, weights after 1 and 20 SGD steps, model.json both ways', async (label, make) => {
    const c = make();
    const { ours, theirs, x, y } = c;
    const m: Record<string, number> = (measured[label] = {});

    // Both list their layers, and so their weights, in the same order, under the same names.
    expect(ours.layers.map((l) => l.name)).toEqual(theirs.layers.map((l) => l.name));
    expect(modelToArtifacts(ours).weightSpecs.map((s) => s.name)).toEqual(tfWeightNames(theirs));
    theirs.setWeights(ours.getWeights().map(toTf));

    // a. Forward.
    const forward = worstForward(ours, theirs, x);
    m.forwardAbs = forward.abs;
    m.forwardRel = forward.rel;
    expect(forward.ok).toBe(true);

    // b. Training: SGD, same learning rate, losses and loss weights; no shuffling, batches of 5.
    ours.compile({ loss: c.loss, lossWeights: c.lossWeights, optimizer: new SGD({ learningRate: LEARNING_RATE }) });
    theirs.compile({ loss: tfCompileLoss(c.tfLoss, c.lossWeights) as never, optimizer: tf.train.sgd(LEARNING_RATE) });
    let ourFirst: Float32Array[] = [];
    let theirFirst: Float32Array[] = [];
    let ourSteps = 0;
    let theirSteps = 0;
    const ourCallback: Callback = {
      onBatchEnd: () => {
        if (ourSteps++ === 0) ourFirst = laminaValues(ours);
      },
    };
    const ourHistory = await ours.fit(x, y, { epochs: EPOCHS, batchSize: BATCH, shuffle: false, verbose: 0, callbacks: [ourCallback] });
    const theirHistory = await theirs.fit(x.map(toTf), y.map(toTf), {
      epochs: EPOCHS,
      batchSize: BATCH,
      shuffle: false,
      verbose: 0,
      callbacks: {
        onBatchEnd: async () => {
          if (theirSteps++ === 0) theirFirst = tfValues(theirs);
        },
      },
    });
    expect([ourSteps, theirSteps]).toEqual([20, 20]);
    m.step1 = worstRelative(ourFirst, theirFirst);
    m.step20 = worstRelative(laminaValues(ours), tfValues(theirs));
    m.step1Elementwise = elementwise(ourFirst, theirFirst);
    m.step20Elementwise = elementwise(laminaValues(ours), tfValues(theirs));
    // The weights moved: a comparison of untouched weights would prove nothing.
    expect(worstRelative(ourFirst, laminaValues(ours))).toBeGreaterThan(1e-3);
    expect(m.step1).toBeLessThanOrEqual(1e-5);
    expect(m.step20).toBeLessThanOrEqual(1e-5);
    // The per-epoch losses: the total, and for several outputs each output's (weighted, as TF.js logs it).
    const logged: [string, number][] = [['loss', 1]];
    if (ours.outputNames.length > 1) ours.outputNames.forEach((name, i) => logged.push([`${name}_loss`, c.lossWeights?.[i] ?? 1]));
    m.epochLoss = 0;
    for (const [key, weight] of logged) {
      const theirLoss = theirHistory.history[key] as number[];
      expect(theirLoss).toHaveLength(EPOCHS);
      ourHistory.history[key].forEach((v, i) => (m.epochLoss = Math.max(m.epochLoss, Math.abs(v * weight - theirLoss[i]) / Math.max(Math.abs(theirLoss[i]), 1e-3))));
    }
    expect(m.epochLoss).toBeLessThanOrEqual(1e-5);

    // c. Lamina's save -> tf.loadLayersModel, and TF.js's save -> Lamina's loadModel.
    const intoTf = worstForward(ours, await laminaIntoTf(ours), x);
    m.laminaToTfAbs = intoTf.abs;
    expect(intoTf.ok).toBe(true);
    const loaded = await loadModel(await saveTfToFolder(theirs));
    expect(loaded.layers.map((l) => l.name)).toEqual(theirs.layers.map((l) => l.name));
    expect(loaded.outputNames).toEqual(theirs.outputNames);
    const fromTf = worstForward(loaded, theirs, x);
    m.tfToLaminaAbs = fromTf.abs;
    expect(fromTf.ok).toBe(true);
  }, 20000);
});

/**
 * A graph described once, built in both engines: Inputs of shape [3]; each step makes a tensor
 * with a layer (a Dense(3) named again is the same layer, shared) from named tensors.
 */
interface GraphSpec {
  inputs: string[];
  steps: [tensor: string, layer: string, kind: 'dense' | 'add' | 'concat', from: string[]][];
  outputs: string[];
}

function buildBoth(g: GraphSpec): { ours: Model; theirs: tf.LayersModel } {
  const mine = new Map<string, SymbolicTensor>();
  const other = new Map<string, tf.SymbolicTensor>();
  const myLayers = new Map<string, Layer>();
  const otherLayers = new Map<string, tf.layers.Layer>();
  for (const name of g.inputs) {
    mine.set(name, Input({ shape: [3], name }));
    other.set(name, tf.input({ shape: [3], name }));
  }
  // Each step in both engines, a layer named before reused.
  for (const [tensor, layer, kind, from] of g.steps) {
    if (!myLayers.has(layer)) {
      myLayers.set(layer, kind === 'dense' ? new Dense(3, { name: layer }) : kind === 'add' ? new Add({ name: layer }) : new Concatenate({ name: layer }));
      otherLayers.set(layer, kind === 'dense' ? tf.layers.dense({ units: 3, name: layer }) : kind === 'add' ? tf.layers.add({ name: layer }) : tf.layers.concatenate({ name: layer }));
    }
    const ins = from.map((f) => mine.get(f) as SymbolicTensor);
    const tfIns = from.map((f) => other.get(f) as tf.SymbolicTensor);
    mine.set(tensor, (myLayers.get(layer) as Layer).apply(kind === 'dense' ? ins[0] : ins) as SymbolicTensor);
    other.set(tensor, (otherLayers.get(layer) as tf.layers.Layer).apply(kind === 'dense' ? tfIns[0] : tfIns) as tf.SymbolicTensor);
  }
  return {
    ours: new Model({ inputs: g.inputs.map((n) => mine.get(n) as SymbolicTensor), outputs: g.outputs.map((n) => mine.get(n) as SymbolicTensor), seed: 1 }),
    theirs: tf.model({ inputs: g.inputs.map((n) => other.get(n) as tf.SymbolicTensor), outputs: g.outputs.map((n) => other.get(n) as tf.SymbolicTensor) }),
  };
}

describe("model.layers in Keras' and TensorFlow.js's order (by depth, then by the walk from the outputs)", () => {
  const graphs: [string, GraphSpec][] = [
    [
      'a shared layer at two depths (its later node deeper)',
      {
        inputs: ['x'],
        steps: [
          ['t1', 's', 'dense', ['x']],
          ['t2', 's', 'dense', ['t1']],
          ['u', 'u', 'dense', ['x']],
          ['sum', 'sum', 'add', ['t2', 'u']],
          ['out', 'out', 'dense', ['sum']],
        ],
        outputs: ['out'],
      },
    ],
    [
      "a shared layer whose shallow node is met after its deep one (Keras raises that node, and what it reads, to the layer's depth)",
      {
        inputs: ['x', 'y'],
        steps: [
          ['p', 'P', 'dense', ['y']],
          ['b', 'S', 'dense', ['p']],
          ['a', 'S', 'dense', ['x']],
          ['e', 'E', 'dense', ['a']],
        ],
        outputs: ['b', 'e'],
      },
    ],
    [
      'layers of equal depth in the order the walk enters them (a shared layer entered before a layer its first node reads)',
      {
        inputs: ['x', 'w'],
        steps: [
          ['sw', 'S', 'dense', ['w']],
          ['yx', 'Y', 'dense', ['x']],
          ['m', 'm', 'add', ['yx', 'sw']],
          ['o', 'S', 'dense', ['m']],
        ],
        outputs: ['o'],
      },
    ],
    [
      'three inputs at three depths, two outputs at two depths',
      {
        inputs: ['c', 'a', 'b'],
        steps: [
          ['a1', 'a1', 'dense', ['a']],
          ['a2', 'a2', 'dense', ['a1']],
          ['b1', 'b1', 'dense', ['b']],
          ['cat', 'cat', 'concat', ['c', 'a2', 'b1']],
          ['head1', 'head1', 'dense', ['cat']],
          ['head2', 'head2', 'dense', ['head1']],
        ],
        outputs: ['head2', 'b1', 'head1'],
      },
    ],
    [
      'a shared layer on two inputs of unequal depth, an output that another output reads',
      {
        inputs: ['p', 'q'],
        steps: [
          ['q1', 'q1', 'dense', ['q']],
          ['sp', 'shared', 'dense', ['p']],
          ['sq', 'shared', 'dense', ['q1']],
          ['m', 'm', 'add', ['sp', 'sq']],
          ['o', 'o', 'dense', ['m']],
        ],
        outputs: ['m', 'o'],
      },
    ],
  ];

  it.each(graphs)('%s', async (_label, g) => {
    const { ours, theirs } = buildBoth(g);
    expect(ours.layers.map((l) => l.name)).toEqual(theirs.layers.map((l) => l.name));
    expect(modelToArtifacts(ours).weightSpecs.map((s) => s.name)).toEqual(tfWeightNames(theirs));
    // The saved layers list the same order, and the models load into each other's order.
    expect(ours.topologyJson().config.layers.map((l) => (l as { name?: string }).name)).toEqual(theirs.layers.map((l) => l.name));
    expect((await laminaIntoTf(ours)).layers.map((l) => l.name)).toEqual(theirs.layers.map((l) => l.name));
    expect((await loadModel(await saveTfToFolder(theirs))).layers.map((l) => l.name)).toEqual(theirs.layers.map((l) => l.name));
    // The same weights in getWeights' order give the same predictions.
    theirs.setWeights(ours.getWeights().map(toTf));
    const next = lcg(7);
    const x = g.inputs.map(() => randomTensor([4, 3], next));
    expect(worstForward(ours, theirs, x).ok).toBe(true);
  });
});

describe('data as TensorFlow.js takes it', () => {
  it('a one-input, one-output model takes x and y as a list of one Tensor, and a nested array as one array', async () => {
    const inp = Input({ shape: [2], name: 'x' });
    const m = new Model({ inputs: inp, outputs: new Dense(1, { name: 'y' }).apply(inp), seed: 1 });
    const x = Tensor.from([[1, 2], [3, 4], [5, 6]]);
    const y = Tensor.from([[1], [0], [1]]);
    expect(Array.from((m.predict([x]) as Tensor).data)).toEqual(Array.from((m.predict(x) as Tensor).data));
    expect((m.predict([[1, 2]]) as Tensor).shape).toEqual([1, 1]);
    m.compile({ loss: 'mse', optimizer: new SGD({ learningRate: 0.1 }) });
    expect(m.evaluate([x], [y])).toEqual(m.evaluate(x, y));
    const history = await m.fit([x], [y], { epochs: 2, verbose: 0 });
    expect(history.history.loss).toHaveLength(2);
  });
});
