/**
 * The merge layers (Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate): their
 * values, their gradients (gradient checks through `call` and through functional models), Keras'
 * broadcasting of per-sample shapes, the tie rule of Maximum/Minimum, and their errors.
 */
import { Dense } from '../layers/dense';
import { Add, Average, Concatenate, Maximum, Merge, MergeArgs, Minimum, Multiply, Subtract } from '../layers/merge';
import { Flatten } from '../layers/reshape';
import { Tape, Workspace } from '../lib/autodiff';
import { gradCheck } from '../lib/gradcheck';
import { Input } from '../lib/graph/input';
import { SymbolicTensor } from '../lib/graph/symbolic';
import { concatenate, maximum } from '../lib/merge-ops';
import { Model } from '../lib/model';
import { weightedSum } from '../lib/ops';
import { Tensor } from '../lib/tensor';
import { lcg, randomTensor } from './helpers/fixtures';

const INFER = { training: false, tape: null };
type MergeClass = new (args?: MergeArgs) => Merge;
const ELEMENTWISE: [string, MergeClass][] = [
  ['Add', Add],
  ['Subtract', Subtract],
  ['Multiply', Multiply],
  ['Average', Average],
  ['Maximum', Maximum],
  ['Minimum', Minimum],
];
/** The relative errors of every gradient check, printed with LAMINA_REPORT=1. */
const measured: Record<string, number> = {};
afterAll(() => {
  if (process.env.LAMINA_REPORT) console.log(Object.entries(measured).map(([k, e]) => `${k}: ${e.toExponential(2)}`).join('\n'));
});

/** Values snapped to a grid of 0.05, input k shifted by 0.01 k: inputs differ by at least 0.01 at every element, so a step of 1e-3 never crosses a max/min kink. */
function separated(shapes: number[][], seed: number): Tensor[] {
  const next = lcg(seed);
  return shapes.map((shape, k) => {
    const t = randomTensor(shape, next);
    for (let i = 0; i < t.size; i++) t.data[i] = Math.round(t.data[i] * 20) / 20 + 0.01 * k;
    return t;
  });
}

/** gradCheck of sum(layer.call(inputs) * G) over the inputs; returns the worst relative error. */
function checkLayer(label: string, layer: Merge, inputs: Tensor[]): number {
  const out = layer.call(inputs, INFER);
  const G = randomTensor(out.shape, lcg(99));
  const ws = new Workspace();
  const { relativeError } = gradCheck((ctx) => weightedSum(ctx, ws, layer.call(inputs, ctx), G), inputs);
  const worst = Math.max(...relativeError);
  measured[label] = worst;
  return worst;
}

describe('values', () => {
  const a = Tensor.from([[1, -2, 3], [4, 5, -6]]);
  const b = Tensor.from([[10, 20, -30], [0.5, 5, 7]]);
  const c = Tensor.from([[-1, 2, 3], [4, 0, -6]]);
  const values = (layer: Merge, inputs: Tensor[]) => layer.call(inputs, INFER).toArray();

  it('each elementwise layer computes its Keras formula, in input order', () => {
    expect(values(new Add(), [a, b, c])).toEqual([[10, 20, -24], [8.5, 10, -5]]);
    expect(values(new Subtract(), [a, b])).toEqual([[-9, -22, 33], [3.5, 0, -13]]);
    expect(values(new Multiply(), [a, b, c])).toEqual([[-10, -80, -270], [8, 0, 252]]);
    expect(values(new Average(), [a, c])).toEqual([[0, 0, 3], [4, 2.5, -6]]);
    expect(values(new Maximum(), [a, b, c])).toEqual([[10, 20, 3], [4, 5, 7]]);
    expect(values(new Minimum(), [a, b, c])).toEqual([[-1, -2, -30], [0.5, 0, -6]]);
  });

  it('Concatenate joins along the last axis by default, and along any other but the batch axis', () => {
    expect(values(new Concatenate(), [a, Tensor.from([[7], [8]])])).toEqual([[1, -2, 3, 7], [4, 5, -6, 8]]);
    const x = Tensor.from([[[1, 2], [3, 4]]]);
    const y = Tensor.from([[[5, 6]]]);
    expect(values(new Concatenate({ axis: 1 }), [x, y])).toEqual([[[1, 2], [3, 4], [5, 6]]]);
    expect(values(new Concatenate({ axis: -2 }), [x, y])).toEqual([[[1, 2], [3, 4], [5, 6]]]);
    expect(values(new Concatenate({ axis: 2 }), [x, Tensor.from([[[9], [10]]])])).toEqual([[[1, 2, 9], [3, 4, 10]]]);
  });

  it('apply runs eagerly on data (nested arrays or Tensors), and a second apply must bring the same shapes', () => {
    const add = new Add({ name: 'eager' });
    expect(add.apply([[[1, 2]], [[3, 4]]]).toArray()).toEqual([[4, 6]]);
    expect(add.apply([Tensor.from([[1, 1], [2, 2]]), Tensor.from([[0, 1], [0, 1]])]).toArray()).toEqual([[1, 2], [2, 3]]);
    expect(() => add.apply([[[1, 2, 3]], [[3, 4, 5]]])).toThrow(/Add 'eager': was built for per-sample input \[\[2\],\[2\]\], but the data have \[\[3\],\[3\]\]/);
    expect(new Concatenate({ axis: -1 }).apply([[[1]], [[2, 3]], [[4]]]).toArray()).toEqual([[1, 2, 3, 4]]);
  });

  it("broadcasts per-sample shapes as Keras' merge layers do: axes of length 1 repeat, a shorter shape aligns on the last axes", () => {
    const x = Tensor.from([[[1, 2, 3], [4, 5, 6]]]); // [1, 2, 3]
    const row = Tensor.from([[[10, 20, 30]]]); // [1, 1, 3]
    const col = Tensor.from([[[100], [200]]]); // [1, 2, 1]
    const vec = Tensor.from([[1000, 2000, 3000]]); // [1, 3], aligned as [1, 1, 3]
    expect(values(new Add(), [x, row])).toEqual([[[11, 22, 33], [14, 25, 36]]]);
    expect(values(new Add(), [row, col])).toEqual([[[110, 120, 130], [210, 220, 230]]]);
    expect(values(new Multiply(), [x, vec])).toEqual([[[1000, 4000, 9000], [4000, 10000, 18000]]]);
    expect(values(new Maximum(), [col, x])).toEqual([[[100, 100, 100], [200, 200, 200]]]);
    expect(new Add().computeOutputShape([[2, 1], [3], [1, 1]])).toEqual([2, 3]);
  });
});

describe('gradient checks through call', () => {
  it.each(ELEMENTWISE)('%s with two inputs', (label, Cls) => {
    expect(checkLayer(`${label} 2 inputs [3, 4]`, new Cls(), separated([[3, 4], [3, 4]], 1))).toBeLessThan(1e-2);
  });

  it.each(ELEMENTWISE.filter(([label]) => label !== 'Subtract'))('%s with three inputs of rank 3', (label, Cls) => {
    expect(checkLayer(`${label} 3 inputs [2, 3, 2]`, new Cls(), separated([[2, 3, 2], [2, 3, 2], [2, 3, 2]], 2))).toBeLessThan(1e-2);
  });

  it.each(ELEMENTWISE)('%s with broadcast inputs (a repeated axis, a shorter shape)', (label, Cls) => {
    const shapes = label === 'Subtract' ? [[2, 1, 3], [2, 4, 3]] : [[2, 4, 3], [2, 1, 3], [2, 3]];
    expect(checkLayer(`${label} broadcast ${JSON.stringify(shapes)}`, new Cls(), separated(shapes, 3))).toBeLessThan(1e-2);
  });

  it.each([
    [-1, [[2, 3], [2, 5]]],
    [1, [[2, 3], [2, 1], [2, 2]]],
    [1, [[2, 1, 3, 2], [2, 2, 3, 2]]],
    [2, [[2, 2, 1, 2], [2, 2, 3, 2], [2, 2, 2, 2]]],
    [-2, [[2, 2, 1, 2], [2, 2, 3, 2]]],
    [3, [[2, 2, 3, 1], [2, 2, 3, 3]]],
  ])('Concatenate on axis %i of %j', (axis, shapes) => {
    expect(checkLayer(`Concatenate axis ${axis} ${JSON.stringify(shapes)}`, new Concatenate({ axis }), separated(shapes, 4))).toBeLessThan(1e-2);
  });

  it('one input used twice in the same merge gets both contributions (x * x: 2x, max(x, x): all of it to the first)', () => {
    const x = Tensor.from([[1.5, -2, 0.25]]);
    const ws = new Workspace();
    const tape = new Tape();
    x.requiresGrad = true;
    x.grad = new Float32Array(3);
    tape.backward(weightedSum({ training: false, tape }, ws, new Multiply().call([x, x], { training: false, tape }), Tensor.full([1, 3], 1)));
    expect(Array.from(x.grad)).toEqual([3, -4, 0.5]);
    expect(checkLayer('Multiply [x, x]', new Multiply(), [x, x])).toBeLessThan(1e-2);
    for (const [label, layer] of [['Add', new Add()], ['Maximum', new Maximum()], ['Minimum', new Minimum()], ['Concatenate', new Concatenate()]] as const) {
      expect(checkLayer(`${label} [x, x]`, layer, [x, x])).toBeLessThan(1e-2);
    }
    expect(checkLayer('Subtract [x, x]', new Subtract(), [x, x])).toBe(0);
  });
});

describe('Maximum and Minimum on ties', () => {
  /** Gradients of sum(layer(inputs) * 1) for each input. */
  function tieGrads(layer: Merge, inputs: Tensor[]): number[][] {
    const tape = new Tape();
    const ctx = { training: false, tape };
    for (const t of inputs) {
      t.requiresGrad = true;
      t.grad = new Float32Array(t.size);
    }
    const y = layer.call(inputs, ctx);
    tape.backward(weightedSum(ctx, new Workspace(), y, Tensor.full(y.shape, 1)));
    return inputs.map((t) => Array.from(t.grad as Float32Array));
  }

  it('the whole gradient goes to the first input holding the extreme value', () => {
    const a = Tensor.from([[1, 2, 3, 5]]);
    const b = Tensor.from([[1, 4, 3, 0]]);
    const c = Tensor.from([[0, 4, 3, 5]]);
    expect(tieGrads(new Maximum(), [a, b, c])).toEqual([[1, 0, 1, 1], [0, 1, 0, 0], [0, 0, 0, 0]]);
    expect(tieGrads(new Minimum(), [c, a, b])).toEqual([[1, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]]);
    // Order matters, not which tensor: the same values in another order send it elsewhere.
    expect(tieGrads(new Maximum(), [b, a])).toEqual([[1, 1, 1, 0], [0, 0, 0, 1]]);
  });

  it('NaN propagates to the output, as Math.max does', () => {
    const y = maximum(INFER, new Workspace(), [Tensor.from([[NaN, 1]]), Tensor.from([[2, NaN]])]);
    expect(Array.from(y.data).map(Number.isNaN)).toEqual([true, true]);
  });
});

describe('in functional models (gradient checks through model.forward)', () => {
  /** gradCheck of sum(model(x) * G) over `tensors`; returns the worst relative error. */
  function checkModel(label: string, model: Model, x: Tensor[], tensors: Tensor[]): number {
    const G = randomTensor(model.forward(x, INFER)[0].shape, lcg(7));
    const ws = new Workspace();
    const { relativeError } = gradCheck((ctx) => weightedSum(ctx, ws, model.forward(x, ctx)[0], G), tensors);
    const worst = Math.max(...relativeError);
    measured[label] = worst;
    return worst;
  }

  it('Add of two Dense branches of one input: the input gets both branches\' gradients', () => {
    const a = Input({ shape: [3] });
    const d1 = new Dense(4, { activation: 'tanh' });
    const d2 = new Dense(4);
    const out = new Add().apply([d1.apply(a), d2.apply(a)]);
    const model = new Model({ inputs: a, outputs: out, seed: 1 });
    const x = randomTensor([5, 3], lcg(8));
    expect(checkModel('model Add(Dense, Dense): kernels, biases, x', model, [x], [d1.kernel, d2.kernel, d1.bias as Tensor, d2.bias as Tensor, x])).toBeLessThan(1e-2);
  });

  it.each(ELEMENTWISE)('%s of Dense branches (three where allowed) before a Dense head', (label, Cls) => {
    const a = Input({ shape: [3] });
    const branches = [new Dense(4, { activation: 'tanh' }), new Dense(4), new Dense(4, { activation: 'sigmoid' })].slice(0, label === 'Subtract' ? 2 : 3);
    const merged = new Cls().apply(branches.map((d) => d.apply(a)));
    const head = new Dense(2);
    const model = new Model({ inputs: a, outputs: head.apply(merged), seed: 2 });
    const x = randomTensor([4, 3], lcg(9));
    expect(checkModel(`model ${label}(${branches.length} Dense)`, model, [x], [...branches.map((d) => d.kernel), head.kernel])).toBeLessThan(1e-2);
  });

  it('Concatenate of two model inputs (one through a Dense) on the last axis, and a broadcast Add of a [2, 3] and a [3] input', () => {
    const a = Input({ shape: [3] });
    const b = Input({ shape: [2] });
    const d = new Dense(4, { activation: 'tanh' });
    const head = new Dense(1);
    const model = new Model({ inputs: [a, b], outputs: head.apply(new Concatenate().apply([d.apply(a), b])), seed: 3 });
    const x = [randomTensor([4, 3], lcg(10)), randomTensor([4, 2], lcg(11))];
    expect(model.outputShape).toEqual([1]);
    expect(checkModel('model Concatenate(Dense(a), b)', model, x, [d.kernel, head.kernel, ...x])).toBeLessThan(1e-2);

    const p = Input({ shape: [2, 3] });
    const q = Input({ shape: [3] });
    const dq = new Dense(3);
    const h = new Dense(1);
    const sum = new Add().apply([p, dq.apply(q)]);
    expect(sum.shape).toEqual([null, 2, 3]);
    const model2 = new Model({ inputs: [p, q], outputs: h.apply(new Flatten().apply(sum)), seed: 4 });
    const x2 = [randomTensor([3, 2, 3], lcg(12)), randomTensor([3, 3], lcg(13))];
    expect(checkModel('model Add([2,3], Dense([3])) broadcast', model2, x2, [dq.kernel, h.kernel, ...x2])).toBeLessThan(1e-2);
  });

  it('a model with merges trains and allocates nothing after its first step', async () => {
    const a = Input({ shape: [3] });
    const h1 = new Dense(4, { activation: 'relu' }).apply(a);
    const h2 = new Dense(4).apply(a);
    const merged = new Concatenate().apply([new Add().apply([h1, h2]), new Maximum().apply([h1, h2]), new Multiply().apply([h1, h2])]);
    const model = new Model({ inputs: a, outputs: new Dense(1, { activation: 'sigmoid' }).apply(merged), seed: 5 });
    model.compile({ loss: 'binary_crossentropy', optimizer: 'adam' });
    const x = randomTensor([8, 3], lcg(14));
    const y = Tensor.from([[0], [1], [0], [1], [1], [0], [1], [0]]);
    const first = await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    const before = Workspace.allocations;
    const more = await model.fit(x, y, { epochs: 20, batchSize: 4, verbose: 0 });
    expect(Workspace.allocations).toBe(before);
    expect(more.history.loss[19]).toBeLessThan(first.history.loss[0]);
  });
});

describe('errors', () => {
  it('a shape mismatch is a RangeError naming the layer and both inputs by position', () => {
    expect(() => new Add({ name: 'sum' }).computeOutputShape([[3], [4]])).toThrow(
      new RangeError("Add 'sum': input 0 has shape [null, 3] and input 1 has shape [null, 4], which do not match (aligned on the last axis, each axis must be equal or 1)"),
    );
    // The conflict is between the input that set the axis and the one that disagrees.
    expect(() => new Maximum({ name: 'mx' }).computeOutputShape([[1], [2, 3], [4]])).toThrow(/Maximum 'mx': input 1 has shape \[null, 2, 3\] and input 2 has shape \[null, 4\], which do not match/);
    expect(() => new Concatenate({ name: 'cat', axis: 1 }).computeOutputShape([[2, 3], [2, 4]])).toThrow(
      /Concatenate 'cat': input 0 has shape \[null, 2, 3\] and input 1 has shape \[null, 2, 4\]; concatenating along axis 1 needs the same rank and the same lengths on every other axis/,
    );
    expect(() => new Concatenate({ name: 'cat2' }).computeOutputShape([[2, 3], [3]])).toThrow(/Concatenate 'cat2': input 0 has shape \[null, 2, 3\] and input 1 has shape \[null, 3\]/);
  });

  it('apply adds which layers made the inputs', () => {
    const a = Input({ shape: [3], name: 'in_a' });
    const h1 = new Dense(4, { name: 'left' }).apply(a);
    const h2 = new Dense(5, { name: 'right' }).apply(a);
    let error: unknown;
    try {
      new Add({ name: 'join' }).apply([h1, h2]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe(
      "Add 'join': input 0 has shape [null, 4] and input 1 has shape [null, 5], which do not match (aligned on the last axis, each axis must be equal or 1) (inputs from 0: 'left' [null, 4]; 1: 'right' [null, 5])",
    );
  });

  it('Subtract takes exactly two inputs; every merge at least two, as a list', () => {
    const a = Input({ shape: [2] });
    expect(() => new Subtract({ name: 's' }).apply([a, a, a])).toThrow(/Subtract 's': takes exactly 2 inputs, got 3/);
    expect(() => new Subtract({ name: 's2' }).call([Tensor.zeros([1, 2]), Tensor.zeros([1, 2]), Tensor.zeros([1, 2])], INFER)).toThrow(/Subtract 's2': takes exactly 2 inputs, got 3/);
    expect(() => new Add({ name: 'one' }).apply([a])).toThrow(/Add 'one': takes a list of at least two inputs, got 1/);
    expect(() => new Add({ name: 'one2' }).call([Tensor.zeros([1, 2])], INFER)).toThrow(/Add 'one2': takes a list of at least two inputs, got 1/);
    expect(() => new Add({ name: 'nolist' }).call(Tensor.zeros([1, 2]) as unknown as Tensor[], INFER)).toThrow(/Add 'nolist': takes a list of tensors, one per input, got a Tensor of shape \[1, 2\]/);
    expect(() => new Add({ name: 'shape' }).computeOutputShape([3, 4] as unknown as number[][])).toThrow(TypeError);
  });

  it('Concatenate refuses the batch axis and axes the inputs do not have', () => {
    expect(() => new Concatenate({ name: 'c0', axis: 0 })).toThrow(/Concatenate 'c0': axis must be a non-zero integer \(0 is the batch axis; -1 the last\), got 0/);
    expect(() => new Concatenate({ axis: 1.5 })).toThrow(/axis must be a non-zero integer/);
    expect(() => new Concatenate({ name: 'c3', axis: 3 }).computeOutputShape([[2, 3], [2, 3]])).toThrow(/Concatenate 'c3': axis 3 is not a per-sample axis of inputs of rank 3; expected 1 to 2 or -2 to -1/);
    expect(() => new Concatenate({ name: 'cm', axis: -3 }).computeOutputShape([[2, 3], [2, 3]])).toThrow(/Concatenate 'cm': axis -3 is not a per-sample axis/);
  });

  it('merge layers take no input shape, Concatenate takes an axis, and misspellings are caught', () => {
    expect(() => new Add({ inputShape: [3] } as MergeArgs)).toThrow(/^Add: unknown option 'inputShape'; known options: name, trainable$/);
    expect(() => new Concatenate({ axes: 1 } as MergeArgs)).toThrow(/Concatenate: unknown option 'axes' \(did you mean axis\?\)/);
    expect(() => new Add({ axis: 1 } as MergeArgs)).toThrow(/Add: unknown option 'axis'/);
  });

  it('the ops check batch sizes and shapes themselves', () => {
    expect(() => maximum(INFER, new Workspace(), [Tensor.zeros([2, 3]), Tensor.zeros([3, 3])])).toThrow(/maximum: every input needs the same batch size \(axis 0\); input 0 has shape \[2, 3\] and input 1 \[3, 3\]/);
    expect(() => concatenate(INFER, new Workspace(), [Tensor.zeros([2, 3]), Tensor.zeros([2, 3, 1])])).toThrow(/concatenate: input 0 has shape \[null, 3\] and input 1 has shape \[null, 3, 1\]/);
  });

  it('a symbolic merge has the broadcast or concatenated shape', () => {
    const a = Input({ shape: [4, 3] });
    const b = Input({ shape: [1, 3] });
    expect((new Multiply().apply([a, b]) as SymbolicTensor).shape).toEqual([null, 4, 3]);
    expect(new Concatenate({ axis: 1 }).apply([a, b]).shape).toEqual([null, 5, 3]);
  });
});
