/**
 * The functional API: Input, layer.apply, Model. Sequential is one case of it (a chain), with the
 * same training loop: the case study written both ways gives bit-identical histories and weights.
 * A layer applied twice shares its weights (gradients of both uses add up), and each of its nodes
 * has buffers, and for a Dropout a mask, of its own.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CallContext, Workspace } from '../lib/autodiff';
import { Dense, Dropout, gradCheck, Input, Model, model as makeModel, Sequential, SGD, Tensor, makeCircles, splitRows } from '../index';
import { weightedSum, weightedTotal } from '../lib/ops';
import { lcg, randomTensor } from './helpers/fixtures';

const values = (m: Model) => m.getWeights().map((w) => Array.from(w.data));

describe('the case study, functional and Sequential', () => {
  it('gives bit-identical history and weights for the same seed (Dropout(0.4), 300 epochs)', async () => {
    const { X, y } = makeCircles({ nSamples: 100, noise: 0.1, randomState: 1 });
    const { trainX, testX, trainY, testY } = splitRows(X, y, 30);
    const seq = new Sequential({ seed: 3 });
    seq.add(new Dense(500, { inputDim: 2, activation: 'relu' }));
    seq.add(new Dropout(0.4));
    seq.add(new Dense(1, { activation: 'sigmoid' }));

    const inp = Input({ shape: [2] });
    const hidden = new Dropout(0.4).apply(new Dense(500, { activation: 'relu' }).apply(inp));
    const fun = new Model({ inputs: inp, outputs: new Dense(1, { activation: 'sigmoid' }).apply(hidden), seed: 3 });
    expect(values(fun)).toEqual(values(seq));

    const histories = [];
    for (const m of [seq, fun]) {
      m.compile({ loss: 'binary_crossentropy', optimizer: 'adam', metrics: ['accuracy'] });
      histories.push(await m.fit(trainX, trainY, { validationData: [testX, testY], epochs: 300, verbose: 0 }));
    }
    expect(histories[1].history).toEqual(histories[0].history);
    expect(values(fun)).toEqual(values(seq));
    expect(fun.layers.map((l) => l.className)).toEqual(['InputLayer', 'Dense', 'Dropout', 'Dense']);
    expect(seq.layers.map((l) => l.className)).toEqual(['Dense', 'Dropout', 'Dense']);
  }, 30000);
});

describe('shared layers', () => {
  it('one Dense applied to two inputs: one set of weights, two nodes, gradients of both uses add up', () => {
    const a = Input({ shape: [3], name: 'a' });
    const b = Input({ shape: [3], name: 'b' });
    const shared = new Dense(2, { activation: 'tanh', name: 'shared' });
    const ya = shared.apply(a);
    const yb = shared.apply(b);
    const m = makeModel({ inputs: [a, b], outputs: [ya, yb], seed: 5 });
    expect(shared.inboundNodes).toHaveLength(2);
    expect(m.weights).toHaveLength(2);
    expect(m.layers.map((l) => l.name)).toEqual(['a', 'b', 'shared']);
    const next = lcg(9);
    const xa = randomTensor([4, 3], next);
    const xb = randomTensor([4, 3], next);
    const G1 = randomTensor([4, 2], next);
    const G2 = randomTensor([4, 2], next);
    const ws = new Workspace();
    // sum(oa * G1) + sum(ob * G2): both uses of the shared layer feed the loss.
    const loss = (ctx: CallContext): Tensor => {
      const [oa, ob] = m.forward([xa, xb], ctx);
      return weightedTotal(ctx, ws, [weightedSum(ctx, ws, oa, G1), weightedSum(ctx, ws, ob, G2)], [1, 1]);
    };
    const { relativeError, analytic } = gradCheck(loss, shared.weights);
    for (const e of relativeError) expect(e).toBeLessThan(1e-2);
    // The bias gradient is the sum of both uses' upstream gradients through tanh: not zero.
    expect(Array.from(analytic[1]).some((v) => v !== 0)).toBe(true);
  });

  it('a shared Dropout draws a new mask at each use; lastMask is the last, nodeMasks holds each', async () => {
    const inp = Input({ shape: [50] });
    const drop = new Dropout(0.5);
    const m = new Model({ inputs: inp, outputs: [drop.apply(inp), drop.apply(inp)], seed: 2 });
    const x = Tensor.full([4, 50], 1);
    const [first, second] = m.forward(x, { training: true, tape: null });
    expect(drop.nodeMasks).toHaveLength(2);
    expect(drop.lastMask).toBe(drop.nodeMasks[1]);
    expect(Array.from(drop.nodeMasks[0].data)).not.toEqual(Array.from(drop.nodeMasks[1].data));
    expect(Array.from(first.data)).toEqual(Array.from(drop.nodeMasks[0].data));
    expect(Array.from(second.data)).toEqual(Array.from(drop.nodeMasks[1].data));
  });

  it('a training step of a model with a shared layer allocates nothing after the first', async () => {
    const a = Input({ shape: [3] });
    const shared = new Dense(3, { activation: 'relu' });
    const out = new Dense(1, { activation: 'sigmoid' }).apply(shared.apply(shared.apply(a)));
    const m = new Model({ inputs: a, outputs: out, seed: 1 });
    m.compile({ loss: 'binary_crossentropy', optimizer: 'adam' });
    const x = randomTensor([8, 3], lcg(4));
    const y = Tensor.from([0, 1, 0, 1, 1, 0, 1, 0]).reshape([8, 1]);
    await m.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
    const before = Workspace.allocations;
    await m.fit(x, y, { epochs: 5, batchSize: 4, verbose: 0 });
    expect(Workspace.allocations).toBe(before);
  });
});

describe('several inputs and outputs', () => {
  function twoHeads(): Model {
    const inp = Input({ shape: [2], name: 'features' });
    const h = new Dense(8, { activation: 'tanh', name: 'trunk' }).apply(inp);
    const cls = new Dense(1, { activation: 'sigmoid', name: 'cls' }).apply(h);
    const reg = new Dense(1, { name: 'reg' }).apply(h);
    return new Model({ inputs: inp, outputs: [cls, reg], seed: 7 });
  }
  const next = lcg(13);
  const x = randomTensor([12, 2], next);
  const yCls = Tensor.from(Array.from({ length: 12 }, (_, i) => [i % 2]));
  const yReg = randomTensor([12, 1], next);

  it("history keys as Keras names them; the total loss is the weighted sum of the outputs' losses", async () => {
    const m = twoHeads();
    m.compile({ loss: { cls: 'binary_crossentropy', reg: 'mse' }, metrics: { cls: ['accuracy'] }, lossWeights: { cls: 1, reg: 0.5 }, optimizer: new SGD({ learningRate: 0.1 }) });
    const history = await m.fit(x, { cls: yCls, reg: yReg }, { epochs: 3, validationSplit: 0.25, verbose: 0 });
    expect(Object.keys(history.history)).toEqual(['loss', 'cls_loss', 'reg_loss', 'cls_accuracy', 'val_loss', 'val_cls_loss', 'val_reg_loss', 'val_cls_accuracy']);
    expect(m.metricsNames).toEqual(['loss', 'cls_loss', 'reg_loss', 'cls_accuracy']);
    const [total, clsLoss, regLoss, acc] = m.evaluate(x, [yCls, yReg]);
    expect(total).toBeCloseTo(clsLoss + 0.5 * regLoss, 5);
    expect(acc).toBeGreaterThanOrEqual(0);
    const predicted = m.predict(x);
    expect(Array.isArray(predicted)).toBe(true);
    expect((predicted as Tensor[]).map((p) => p.shape)).toEqual([[12, 1], [12, 1]]);
  });

  it('two inputs: data as a list in input order or as an object by name, the same training', async () => {
    const make = () => {
      const a = Input({ shape: [2], name: 'left' });
      const b = Input({ shape: [3], name: 'right' });
      const outA = new Dense(1, { activation: 'sigmoid', name: 'outA' }).apply(new Dense(4, { activation: 'relu' }).apply(a));
      const outB = new Dense(1, { activation: 'sigmoid', name: 'outB' }).apply(new Dense(4, { activation: 'relu' }).apply(b));
      const m = new Model({ inputs: [a, b], outputs: [outA, outB], seed: 11 });
      m.compile({ loss: 'binary_crossentropy', metrics: ['accuracy'], optimizer: 'adam' });
      return m;
    };
    const xa = randomTensor([10, 2], next);
    const xb = randomTensor([10, 3], next);
    const ya = Tensor.from(Array.from({ length: 10 }, (_, i) => [i % 2]));
    const yb = Tensor.from(Array.from({ length: 10 }, (_, i) => [(i >> 1) % 2]));
    const h1 = await make().fit([xa, xb], [ya, yb], { epochs: 4, batchSize: 5, verbose: 0 });
    const h2 = await make().fit({ right: xb, left: xa }, { outB: yb, outA: ya }, { epochs: 4, batchSize: 5, verbose: 0 });
    expect(h2.history).toEqual(h1.history);
    expect(Object.keys(h1.history)).toEqual(['loss', 'outA_loss', 'outB_loss', 'outA_accuracy', 'outB_accuracy']);
    await expect(make().fit([xa], [ya, yb], { verbose: 0 })).rejects.toThrow(/the model has 2 inputs \(left, right\); give x as a list of 2 arrays in that order, or an object keyed by name/);
    await expect(make().fit({ left: xa, rihgt: xb }, [ya, yb], { verbose: 0 })).rejects.toThrow(/x has 'rihgt', which is not one of the model's inputs: left, right/);
    await expect(make().fit([xa, xb.rows(0, 9)], [ya, yb], { verbose: 0 })).rejects.toThrow(/every input needs the same number of samples; 'left' has 10, 'right' has 9/);
  });
});

describe('clear errors', () => {
  it('an output that needs an input the model is not given, an unused input, a non-Input as input', () => {
    const a = Input({ shape: [2], name: 'in_a' });
    const b = Input({ shape: [2], name: 'in_b' });
    const fromB = new Dense(1, { name: 'from_b' }).apply(b);
    expect(() => new Model({ inputs: a, outputs: fromB })).toThrow(/Model: the output 'from_b' depends on the input 'in_b', which is not among the model's inputs \('in_a'\); add it to inputs/);
    expect(() => new Model({ inputs: [a, b], outputs: fromB })).toThrow(/Model: the input 'in_a' is not used by any output/);
    expect(() => new Model({ inputs: fromB, outputs: fromB })).toThrow(/inputs\[0\] \('from_b'\) is not a model input; make inputs with Input/);
    expect(() => new Model({ inputs: a, outputs: [] })).toThrow(/outputs must be a symbolic tensor .* or a non-empty list of them/);
    expect(() => new Model({ inputs: a, outputz: a } as never)).toThrow(/Model: unknown option 'outputz' \(did you mean outputs\?\)/);
  });

  it('apply: data mixed with symbolic tensors; a shared layer given another shape; a list to a one-input layer', () => {
    const a = Input({ shape: [2] });
    const d = new Dense(3, { name: 'd3' });
    d.apply(a);
    expect(() => d.apply(Input({ shape: [5] }))).toThrow(/Dense 'd3': was built for per-sample input \[2\], but '.*' has \[5\]; a layer used twice shares its weights/);
    expect(() => new Dense(2).apply([a, Tensor.zeros([1, 2])] as never)).toThrow(/mix of symbolic tensors .* and data/);
    expect(() => new Dense(2, { name: 'one' }).apply([a, a])).toThrow(/Dense 'one': takes one input, got a list of 2/);
  });

  it('Input checks its shape', () => {
    expect(() => Input({ shape: [0] })).toThrow(/Input: shape must be positive integers/);
    expect(() => Input({ batchShape: [4, 2] })).toThrow(/batchShape must be \[null, d1, d2, \.\.\.\]/);
    expect(Input({ batchShape: [null, 3] }).shape).toEqual([null, 3]);
    expect(() => Input({ shap: [2] } as never)).toThrow(/Input: unknown option 'shap' \(did you mean shape\?\)/);
  });
});

describe('layers on data (eager)', () => {
  it('a layer applied to a Tensor runs now and returns a Tensor; it is built on first use', () => {
    const d = new Dense(2, { activation: 'relu', name: 'eager' });
    const x = Tensor.from([[1, 2, 3]]);
    const y = d.apply(x);
    expect(y).toBeInstanceOf(Tensor);
    expect(y.shape).toEqual([1, 2]);
    expect(d.built).toBe(true);
    expect(d.apply([[1, 2, 3]]).data).toEqual(y.data);
    expect(() => d.apply([[1, 2]])).toThrow(/Dense 'eager': was built for per-sample input \[3\], but the data has \[2\]/);
    const drop = new Dropout(0.5, { seed: 1 });
    expect(Array.from(drop.apply(x).data)).toEqual([1, 2, 3]);
    expect(Array.from(drop.apply(x, { training: true }).data).every((v) => v === 0 || v === 2 || v === 4 || v === 6)).toBe(true);
  });
});

describe('summary and save', () => {
  function residual(): Model {
    const inp = Input({ shape: [4], name: 'x' });
    const h = new Dense(4, { activation: 'relu', name: 'h' }).apply(inp);
    const out = new Dense(1, { name: 'out' }).apply(h);
    return new Model({ inputs: inp, outputs: [out, h], name: 'two_out', seed: 1 });
  }

  it("summary prints Keras' functional table with the Connected to column", () => {
    const text = residual().summary(null);
    expect(text).toContain('Connected to');
    expect(text).toMatch(/x \(InputLayer\)\s+\(None, 4\)\s+0/);
    expect(text).toMatch(/h \(Dense\)\s+\(None, 4\)\s+20\s+x\[0\]\[0\]/);
    expect(text).toMatch(/out \(Dense\)\s+\(None, 1\)\s+5\s+h\[0\]\[0\]/);
    expect(text).toContain('Total params: 25');
  });

  it("save writes TensorFlow.js's functional topology: class_name Model, inbound_nodes, input and output layers", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lamina-functional-'));
    await residual().save(dir);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    const topology = json.modelTopology;
    expect(topology.class_name).toBe('Model');
    expect(topology.config.input_layers).toEqual([['x', 0, 0]]);
    expect(topology.config.output_layers).toEqual([['out', 0, 0], ['h', 0, 0]]);
    expect(topology.config.layers.map((l: { name: string; inbound_nodes: unknown }) => [l.name, l.inbound_nodes])).toEqual([
      ['x', []],
      ['h', [[['x', 0, 0, {}]]]],
      ['out', [[['h', 0, 0, {}]]]],
    ]);
    expect(json.weightsManifest[0].weights.map((w: { name: string }) => w.name)).toEqual(['h/kernel', 'h/bias', 'out/kernel', 'out/bias']);
  });
});
