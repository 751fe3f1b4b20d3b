/**
 * The tensor ops written by hand (lib/tensor-ops): every op gradient-checked by central
 * differences (through `gradCheck`, with the ops recording on their own tape), including
 * broadcasting along each axis and reductions over each axis with and without keepDims; values
 * on small cases worked by hand; recording only when a tensor that requires gradients takes part;
 * the dropout op against the Dropout layer's mask; the error messages.
 * `LAMINA_REPORT=1 npx jest spec/tensor-ops.spec.ts` prints the worst relative error of each check.
 */
import { Dropout } from '../layers/dropout';
import { Tape } from '../lib/autodiff';
import { gradCheck } from '../lib/gradcheck';
import { RandomStream } from '../lib/random';
import { Tensor } from '../lib/tensor';
import {
  abs, add, clip, concat, div, dropout, equal, exp, gather, greater, greaterEqual, less, lessEqual, log, logSoftmax,
  matMul, max, maximum, mean, minimum, mul, neg, ones, pow, relu, reshape, scalar, sigmoid, slice, softmax, sqrt, square,
  sub, sum, tanh, tensor, transpose, variable, where, zeros,
} from '../lib/tensor-ops';
import { lcg, randomTensor } from './helpers/fixtures';

/** The worst relative error of each group of gradient checks, printed with LAMINA_REPORT=1. */
const measured: Record<string, number> = {};
afterAll(() => {
  if (process.env.LAMINA_REPORT) console.log(Object.entries(measured).map(([k, e]) => `${k}: ${e.toExponential(2)}`).join('\n'));
});

/** A float32 gradient check passes below this relative error (lib/gradcheck.ts explains why). */
const TOLERANCE = 1e-2;

/**
 * Gradient-checks the scalar sum(f(inputs) * G), G a fixed random tensor (so every output
 * element carries its own weight), with respect to every input; records the worst error under `label`.
 */
function check(label: string, f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], seed = 7): void {
  let G: Tensor | null = null;
  const result = gradCheck(() => {
    const y = f(...inputs);
    if (G === null) G = randomTensor(y.shape, lcg(seed));
    return mul(y, G).sum();
  }, inputs);
  for (const e of result.relativeError) {
    measured[label] = Math.max(measured[label] ?? 0, e);
    expect(e).toBeLessThan(TOLERANCE);
  }
  // The check compared something: some gradient is not zero.
  expect(result.analytic.some((g) => g.some((v) => v !== 0))).toBe(true);
}

/** A random tensor whose entries are at least `gap` away from 0 (kinks and poles stay out of the difference quotients). */
function awayFromZero(shape: number[], next: () => number, gap = 0.1): Tensor {
  const t = randomTensor(shape, next);
  for (let i = 0; i < t.size; i++) t.data[i] = Math.sign(t.data[i] || 1) * (gap + Math.abs(t.data[i]));
  return t;
}

/** A random tensor with entries in [lo, hi). */
function uniform(shape: number[], next: () => number, lo: number, hi: number): Tensor {
  const t = randomTensor(shape, next);
  for (let i = 0; i < t.size; i++) t.data[i] = lo + ((t.data[i] + 1) / 2) * (hi - lo);
  return t;
}

/** Runs backward on the tape a hand-made loss was recorded on. */
function backward(loss: Tensor): void {
  expect(loss.tape).not.toBeNull();
  (loss.tape as Tape).backward(loss);
}

describe('the API of the issue', () => {
  it('x.matMul(w).add(b).sigmoid().sub(y).square().mean() fills w.grad and b.grad, equal to the formula', () => {
    const w = variable([[0.1, -0.2], [0.3, 0.4]]);
    const b = variable([0, 0]);
    const x = tensor([[1, 2], [3, 4], [5, 6]]);
    const y = tensor([[0, 1], [1, 0], [1, 1]]);
    const loss = x.matMul(w).add(b).sigmoid().sub(y).square().mean();
    backward(loss);
    // By hand: z = xw + b, p = sigmoid(z), loss = mean((p - y)^2), dz = 2 (p - y) p (1 - p) / 6.
    const dz: number[][] = [];
    let want = 0;
    for (let r = 0; r < 3; r++) {
      dz.push([]);
      for (let j = 0; j < 2; j++) {
        const z = x.get(r, 0) * w.get(0, j) + x.get(r, 1) * w.get(1, j);
        const p = 1 / (1 + Math.exp(-z));
        want += (p - y.get(r, j)) ** 2 / 6;
        dz[r].push((2 * (p - y.get(r, j)) * p * (1 - p)) / 6);
      }
    }
    expect(loss.data[0]).toBeCloseTo(want, 6);
    const dw = [0, 1].flatMap((i) => [0, 1].map((j) => dz.reduce((s, row, r) => s + x.get(r, i) * row[j], 0)));
    const db = [0, 1].map((j) => dz.reduce((s, row) => s + row[j], 0));
    Array.from(w.grad as Float32Array).forEach((g, i) => expect(g).toBeCloseTo(dw[i], 6));
    Array.from(b.grad as Float32Array).forEach((g, i) => expect(g).toBeCloseTo(db[i], 6));
    // x and y need no gradient: none was computed for them.
    expect(x.grad).toBeNull();
    expect(y.grad).toBeNull();
  });

  it('every op is also a method that gives the same values as the function', () => {
    const next = lcg(3);
    const a = uniform([2, 3], next, 0.5, 2);
    const b = uniform([2, 3], next, 0.5, 2);
    const pairs: Array<[Tensor, Tensor]> = [
      [a.add(b), add(a, b)], [a.sub(b), sub(a, b)], [a.mul(b), mul(a, b)], [a.div(b), div(a, b)], [a.pow(b), pow(a, b)],
      [a.maximum(b), maximum(a, b)], [a.minimum(b), minimum(a, b)], [a.greater(b), greater(a, b)], [a.less(b), less(a, b)],
      [a.equal(b), equal(a, b)], [a.greaterEqual(b), greaterEqual(a, b)], [a.lessEqual(b), lessEqual(a, b)],
      [a.where(greater(a, b), b), where(greater(a, b), a, b)], [a.neg(), neg(a)], [a.exp(), exp(a)], [a.log(), log(a)],
      [a.sqrt(), sqrt(a)], [a.square(), square(a)], [a.abs(), abs(a)], [a.relu(), relu(a)], [a.sigmoid(), sigmoid(a)],
      [a.tanh(), tanh(a)], [a.clip(0.7, 1.2), clip(a, 0.7, 1.2)], [a.sum(1, true), sum(a, 1, true)], [a.mean(0), mean(a, 0)],
      [a.max(), max(a)], [a.matMul(b, false, true), matMul(a, b, false, true)], [a.softmax(0), softmax(a, 0)],
      [a.logSoftmax(), logSoftmax(a)], [a.reshape([3, -1]), reshape(a, [3, 2])], [a.transpose(), transpose(a, [1, 0])],
      [a.concat([b, a], 1), concat([a, b, a], 1)], [a.concat(b), concat([a, b])], [a.slice([0, 1], [2, 2]), slice(a, [0, 1], [2, 2])],
      [a.gather([1, 0, 1]), gather(a, [1, 0, 1])], [a.dropout(0.5, { seed: 1 }), dropout(a, 0.5, { seed: 1 })],
    ];
    for (const [method, fn] of pairs) {
      expect(method.shape).toEqual(fn.shape);
      expect(Array.from(method.data)).toEqual(Array.from(fn.data));
    }
  });

  it('factories: tensor copies its values (with an optional shape), variable requires gradients, zeros/ones/scalar', () => {
    const source = Tensor.from([[1, 2], [3, 4]]);
    const t = tensor(source);
    expect(t.data).not.toBe(source.data);
    expect(tensor([1, 2, 3, 4, 5, 6], [2, 3]).toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(tensor(new Float32Array([1, 2])).shape).toEqual([2]);
    expect(tensor(3).shape).toEqual([]);
    expect(t.requiresGrad).toBe(false);
    expect(variable([1, 2]).requiresGrad).toBe(true);
    expect(Array.from(zeros([2]).data)).toEqual([0, 0]);
    expect(Array.from(ones([2, 1]).data)).toEqual([1, 1]);
    expect(scalar(2.5).toArray()).toBe(2.5);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow('tensor: shape [2, 2] holds 4 values but 3 were given');
  });
});

describe('recording happens only when a tensor that requires gradients takes part', () => {
  it('an expression of plain tensors records nothing', () => {
    const x = tensor([[1, 2], [3, 4]]);
    const w = tensor([[0.5], [-1]]);
    const steps = [x.matMul(w)];
    steps.push(steps[0].add(1).sigmoid(), steps[0].softmax(0), x.gather([0]), x.transpose(), x.reshape([4]), x.dropout(0.5, { seed: 2 }));
    steps.push(steps[1].sub(0.5).square().mean(), concat([x, x]), x.slice([0, 0], [1, 2]), x.max(0), where(greater(x, 2), x, 0));
    for (const y of steps) {
      expect(y.tape).toBeNull();
      expect(y.requiresGrad).toBe(false);
    }
  });

  it('one variable in the expression records every op that depends on it, on one tape', () => {
    const w = variable([[0.5], [-1]]);
    const x = tensor([[1, 2], [3, 4]]);
    const plain = x.mul(2); // before w takes part: not recorded
    const z = plain.matMul(w);
    const loss = z.relu().sum();
    expect(plain.tape).toBeNull();
    expect(z.tape).not.toBeNull();
    expect(loss.tape).toBe(z.tape);
    expect(loss.tape?.length).toBe(3);
    backward(loss);
    // relu(z) passes z = [2*1*0.5 - 2*2, 2*3*0.5 - 2*4] = [-3, -5]: both cut, so dw = 0; w.grad exists.
    expect(Array.from(w.grad as Float32Array)).toEqual([0, 0]);
  });

  it('two expressions recorded on two tapes are joined when they meet', () => {
    const a = variable([1, 2]);
    const b = variable([3, 4]);
    const pa = a.square();
    const pb = b.exp();
    expect(pa.tape).not.toBe(pb.tape);
    const loss = pa.add(pb).sum();
    expect(pa.tape).toBe(loss.tape);
    expect(pb.tape).toBe(loss.tape);
    backward(loss);
    expect(Array.from(a.grad as Float32Array)).toEqual([2, 4]);
    expect(Array.from(b.grad as Float32Array)).toEqual([Math.fround(Math.exp(3)), Math.fround(Math.exp(4))]);
  });

  it('a tensor used twice gets both contributions (x * x)', () => {
    const x = variable([3, -2]);
    backward(x.mul(x).sum());
    expect(Array.from(x.grad as Float32Array)).toEqual([6, -4]);
  });
});

describe('binary ops: gradient checks with NumPy broadcasting along each axis', () => {
  // [2, 3, 4] against shapes that broadcast along each axis, both ways round, and scalars.
  const shapes: Array<[number[], number[]]> = [
    [[2, 3, 4], [2, 3, 4]],
    [[2, 3, 4], [3, 1]],
    [[2, 3, 4], [1, 4]],
    [[2, 3, 4], [2, 1, 4]],
    [[2, 3, 4], [2, 3, 1]],
    [[2, 3, 4], [4]],
    [[2, 3, 4], []],
    [[3, 1], [2, 3, 4]],
    [[2, 1, 4], [1, 3, 1]],
  ];
  const ops = { add, sub, mul, div, pow, maximum, minimum };
  for (const [name, op] of Object.entries(ops)) {
    it(`${name}`, () => {
      shapes.forEach(([sa, sb], k) => {
        const next = lcg(11 + k);
        // pow needs a positive base; div a divisor away from 0; maximum/minimum values apart.
        const a = name === 'pow' ? uniform(sa, next, 0.5, 2) : awayFromZero(sa, next);
        const b = name === 'div' || name === 'pow' ? awayFromZero(sb, next, 0.5) : name === 'maximum' || name === 'minimum' ? uniform(sb, next, -3, 3) : randomTensor(sb, next);
        check(`${name} broadcast`, op, [a, b]);
      });
    });
  }

  it('numbers are scalars on either side', () => {
    const next = lcg(5);
    const x = uniform([2, 3], next, 0.5, 2);
    check('numbers', (t) => t.mul(3).add(1).sub(0.5).div(2).pow(1.5), [x]);
    check('numbers', (t) => add(2, t).mul(sub(1, t)).mul(div(1, t)).mul(pow(2, t)), [x]);
  });

  it('broadcast values are right (a [2, 3] + [3] by hand)', () => {
    const y = add([[1, 2, 3], [4, 5, 6]], [10, 20, 30]);
    expect(y.toArray()).toEqual([[11, 22, 33], [14, 25, 36]]);
    expect(sub([[1], [2]], [1, 2, 3]).toArray()).toEqual([[0, -1, -2], [1, 0, -1]]);
  });

  it('where: cond broadcast against a and b, the gradient to a where true and to b where false', () => {
    const next = lcg(21);
    const a = randomTensor([2, 3, 4], next);
    const b = randomTensor([3, 1], next);
    const cond = greater(randomTensor([1, 4], next), 0);
    check('where', (x, z) => where(cond, x, z), [a, b]);
    expect(where([1, 0, 1], [1, 2, 3], [-1, -2, -3]).toArray()).toEqual([1, -2, 3]);
  });

  it('comparisons are 0/1, broadcast, NaN compares false, and record nothing even from a variable', () => {
    const a = variable([1, 2, NaN]);
    expect(greater(a, 1.5).toArray()).toEqual([0, 1, 0]);
    expect(less(a, 1.5).toArray()).toEqual([1, 0, 0]);
    expect(equal(a, [[1], [2]]).toArray()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(greaterEqual(a, 2).toArray()).toEqual([0, 1, 0]);
    expect(lessEqual(a, 2).toArray()).toEqual([1, 1, 0]);
    expect(greater(a, 0).tape).toBeNull();
    expect(greater(a, 0).requiresGrad).toBe(false);
  });

  it('maximum and minimum: ties send the gradient to a (as TensorFlow), NaN propagates in the value', () => {
    const a = variable([1, 2, 3]);
    const b = variable([1, 5, 0]);
    backward(maximum(a, b).sum());
    expect(Array.from(a.grad as Float32Array)).toEqual([1, 0, 1]);
    expect(Array.from(b.grad as Float32Array)).toEqual([0, 1, 0]);
    const c = variable([1, 2]);
    const d = variable([1, 0]);
    backward(minimum(c, d).sum());
    expect(Array.from(c.grad as Float32Array)).toEqual([1, 0]);
    expect(Array.from(d.grad as Float32Array)).toEqual([0, 1]);
    expect(maximum([NaN, 1], [0, NaN]).toArray()).toEqual([NaN, NaN]);
  });
});

describe('unary ops: gradient checks', () => {
  const cases: Array<[string, (x: Tensor) => Tensor, (next: () => number) => Tensor]> = [
    ['neg', neg, (next) => randomTensor([2, 3, 4], next)],
    ['exp', exp, (next) => randomTensor([2, 3, 4], next)],
    ['log', log, (next) => uniform([2, 3, 4], next, 0.3, 3)],
    ['sqrt', sqrt, (next) => uniform([2, 3, 4], next, 0.3, 3)],
    ['square', square, (next) => randomTensor([2, 3, 4], next)],
    ['abs', abs, (next) => awayFromZero([2, 3, 4], next)],
    ['relu', relu, (next) => awayFromZero([2, 3, 4], next)],
    ['sigmoid', sigmoid, (next) => randomTensor([2, 3, 4], next, 3)],
    ['tanh', tanh, (next) => randomTensor([2, 3, 4], next, 2)],
    ['clip', (x) => clip(x, -0.5, 0.4), (next) => {
      // Values at least 0.05 away from the bounds, on both sides of them.
      const t = uniform([2, 3, 4], next, -1, 1);
      for (let i = 0; i < t.size; i++) if (Math.abs(t.data[i] + 0.5) < 0.05 || Math.abs(t.data[i] - 0.4) < 0.05) t.data[i] += 0.1;
      return t;
    }],
  ];
  for (const [name, op, make] of cases) {
    it(name, () => check(name, op, [make(lcg(name.length * 13))]));
  }

  it('values: sigmoid stays finite far out, relu/abs/clip by hand, NaN propagates', () => {
    expect(sigmoid([-100, 0, 100]).toArray()).toEqual([Math.fround(1 / (1 + Math.exp(100))), 0.5, 1]);
    expect(relu([-1, 0, 2]).toArray()).toEqual([0, 0, 2]);
    expect(abs([-1.5, 2]).toArray()).toEqual([1.5, 2]);
    expect(clip([-3, 0.5, 3, NaN], -1, 1).toArray()).toEqual([-1, 0.5, 1, NaN]);
    for (const op of [neg, exp, log, sqrt, square, abs, relu, sigmoid, tanh]) expect(op([NaN]).toArray()).toEqual([NaN]);
  });

  it('clip and abs gradients at the edges: clip passes at the bounds (inclusive), abs has 0 at 0', () => {
    const x = variable([-1, 1, 2, 0]);
    backward(clip(x, -1, 1).sum().add(abs(x).sum()));
    // clip: 1, 1, 0, 1; abs: -1, 1, 1, 0
    expect(Array.from(x.grad as Float32Array)).toEqual([0, 2, 1, 1]);
  });
});

describe('reductions: gradient checks over each axis, lists of axes and all, with and without keepDims', () => {
  const axesList: Array<number | number[] | undefined> = [0, 1, 2, -1, [0, 2], [1, 2], [0, 1, 2], undefined];
  const ops = { sum, mean, max };
  for (const [name, op] of Object.entries(ops)) {
    it(name, () => {
      axesList.forEach((axes, k) => {
        for (const keepDims of [false, true]) {
          const x = randomTensor([2, 3, 4], lcg(30 + k));
          check(`${name}`, (t) => op(t, axes, keepDims), [x]);
        }
      });
    });
  }

  it('output shapes and values by hand', () => {
    const x = tensor([[[1, 2], [3, 4], [5, 6]]]); // [1, 3, 2]
    expect(sum(x).toArray()).toBe(21);
    expect(sum(x, 1).toArray()).toEqual([[9, 12]]);
    expect(sum(x, [0, 1], true).shape).toEqual([1, 1, 2]);
    expect(mean(x, -1).toArray()).toEqual([[1.5, 3.5, 5.5]]);
    expect(max(x, 1, true).toArray()).toEqual([[[5, 6]]]);
    expect(max(x, [1, 2]).toArray()).toEqual([6]);
    expect(max([1, NaN, 3]).toArray()).toEqual(NaN);
  });

  it('max sends the whole gradient to the first maximum on a tie', () => {
    const x = variable([[2, 5, 5], [7, 7, 7]]);
    backward(max(x, 1).sum());
    expect(Array.from(x.grad as Float32Array)).toEqual([0, 1, 0, 1, 0, 0]);
  });
});

describe('matMul: gradient checks', () => {
  it('2-D with each pair of transposes', () => {
    for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]]) {
      const next = lcg(40);
      const a = randomTensor(tA ? [4, 3] : [3, 4], next);
      const b = randomTensor(tB ? [5, 4] : [4, 5], next);
      check('matMul 2-D', (x, w) => matMul(x, w, tA, tB), [a, b]);
    }
  });

  it('batched 3-D, with a shared 2-D operand or a batch of 1, and transposes', () => {
    const cases: Array<[number[], number[], boolean, boolean]> = [
      [[2, 3, 4], [2, 4, 5], false, false],
      [[2, 4, 3], [2, 5, 4], true, true],
      [[2, 3, 4], [4, 5], false, false],
      [[3, 4], [2, 5, 4], false, true],
      [[1, 3, 4], [2, 4, 5], false, false],
      [[2, 4, 3], [1, 4, 5], true, false],
    ];
    cases.forEach(([sa, sb, tA, tB], k) => {
      const next = lcg(50 + k);
      check('matMul batched', (x, w) => matMul(x, w, tA, tB), [randomTensor(sa, next), randomTensor(sb, next)]);
    });
  });

  it('values by hand, and a batched product equals the products of its entries', () => {
    expect(matMul([[1, 2], [3, 4]], [[5], [6]]).toArray()).toEqual([[17], [39]]);
    expect(matMul([[1, 2], [3, 4]], [[5, 6]], false, true).toArray()).toEqual([[17], [39]]);
    const next = lcg(60);
    const a = randomTensor([3, 2, 4], next);
    const b = randomTensor([4, 3], next);
    const y = matMul(a, b);
    expect(y.shape).toEqual([3, 2, 3]);
    for (let i = 0; i < 3; i++) expect(Array.from(y.slice([i, 0, 0], [1, 2, 3]).data)).toEqual(Array.from(matMul(a.slice([i, 0, 0], [1, 2, 4]).reshape([2, 4]), b).data));
  });
});

describe('softmax and logSoftmax: gradient checks along each axis', () => {
  for (const [name, op] of Object.entries({ softmax, logSoftmax })) {
    it(name, () => {
      for (const axis of [0, 1, 2, -1]) check(name, (t) => op(t, axis), [randomTensor([2, 3, 4], lcg(70 + axis), 2)]);
    });
  }

  it('values: rows sum to 1, stable for large inputs, logSoftmax = log(softmax), default the last axis', () => {
    const x = tensor([[1000, 1001, 1002], [-5, 0, 5]]);
    const s = softmax(x);
    const e = [Math.exp(-2), Math.exp(-1), 1];
    const z = e[0] + e[1] + e[2];
    expect(Array.from(s.data.subarray(0, 3))).toEqual(e.map((v) => Math.fround(v / z)));
    expect(sum(s, 1).toArray()).toEqual([1, 1].map((v) => expect.closeTo(v, 6)));
    const ls = logSoftmax(x);
    Array.from(ls.data).forEach((v, i) => expect(v).toBeCloseTo(Math.log(s.data[i]), 5));
    expect(Array.from(softmax(x, 0).data)).toEqual(Array.from(softmax(x.transpose(), -1).transpose().data));
  });
});

describe('shape ops: gradient checks and values', () => {
  it('reshape (with -1) shares the memory and passes the gradient through', () => {
    const x = randomTensor([2, 3, 4], lcg(80));
    check('reshape', (t) => reshape(t, [4, -1]).mul(reshape(t, [24]).reshape([4, 6])), [x]);
    const y = x.reshape([-1, 2]);
    expect(y.shape).toEqual([12, 2]);
    expect(y.data).toBe(x.data);
  });

  it('transpose with every permutation of three axes', () => {
    const x = randomTensor([2, 3, 4], lcg(81));
    for (const perm of [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]]) check('transpose', (t) => transpose(t, perm), [x]);
    const t = transpose(x, [2, 0, 1]);
    expect(t.shape).toEqual([4, 2, 3]);
    expect(t.get(3, 1, 2)).toBe(x.get(1, 2, 3));
    expect(transpose([[1, 2, 3]]).toArray()).toEqual([[1], [2], [3]]);
  });

  it('concat along each axis (and negative), three inputs', () => {
    for (const axis of [0, 1, 2, -1]) {
      const next = lcg(82);
      const shape = (n: number): number[] => [2, 3, 4].map((d, a) => (a === (axis + 3) % 3 ? n : d));
      check('concat', (a, b, c) => concat([a, b, c], axis), [randomTensor(shape(1), next), randomTensor(shape(2), next), randomTensor(shape(3), next)]);
    }
    expect(concat([[[1, 2]], [[3, 4]]], 1).toArray()).toEqual([[1, 2, 3, 4]]);
    expect(concat([[[1, 2]], [[3, 4]]]).toArray()).toEqual([[1, 2], [3, 4]]);
  });

  it('slice boxes (lists shorter than the rank, size -1, a number for the first axis)', () => {
    const x = randomTensor([3, 4, 5], lcg(83));
    check('slice', (t) => slice(t, [1, 0, 2], [2, 3, -1]), [x]);
    check('slice', (t) => slice(t, [0, 1]), [x]);
    check('slice', (t) => slice(t, 2, 1), [x]);
    const s = slice(x, [1, 2, 3], [2, 1, 2]);
    expect(s.shape).toEqual([2, 1, 2]);
    expect(s.get(1, 0, 1)).toBe(x.get(2, 2, 4));
    expect(slice(x, [0, 1]).shape).toEqual([3, 3, 5]);
  });

  it('gather rows (repeats add up), along another axis, with a 2-D index', () => {
    const x = randomTensor([4, 3], lcg(84));
    check('gather', (t) => gather(t, [3, 0, 3, 1]), [x]);
    check('gather', (t) => gather(t, [[2, 2], [0, 1]], 1), [x]);
    expect(gather([[1, 2], [3, 4], [5, 6]], [2, 0]).toArray()).toEqual([[5, 6], [1, 2]]);
    expect(gather([[1, 2], [3, 4]], new Int32Array([1, 1]), 1).toArray()).toEqual([[2, 2], [4, 4]]);
    const v = variable([[1, 2], [3, 4]]);
    backward(gather(v, [1, 1, 0]).sum());
    expect(Array.from(v.grad as Float32Array)).toEqual([1, 1, 2, 2]);
  });
});

describe('dropout', () => {
  it('draws the Dropout layer mask (same kernel, same seed, same bits), caches it on the result, scales by 1/(1-rate)', () => {
    const x = randomTensor([8, 16], lcg(90));
    const y = dropout(x, 0.4, { seed: 'm' });
    const layer = new Dropout(0.4, { seed: 'm' });
    layer.build([16], { init: new RandomStream('r'), layerSeed: 'r' });
    const fromLayer = layer.call(x, { training: true, tape: null });
    expect(Array.from(y.mask.data)).toEqual(Array.from((layer.lastMask as Tensor).data));
    expect(Array.from(y.data)).toEqual(Array.from(fromLayer.data));
    const scale = Math.fround(1 / 0.6);
    expect(new Set(y.mask.data)).toEqual(new Set([0, scale]));
    y.data.forEach((v, i) => expect(v).toBe(Math.fround(x.data[i] * y.mask.data[i])));
  });

  it('the backward pass reuses the cached mask: dx = dy * mask (gradient check with a seed)', () => {
    const x = randomTensor([4, 5], lcg(91));
    check('dropout', (t) => dropout(t, 0.3, { seed: 5 }), [x]);
    const v = variable(x);
    const y = dropout(v, 0.5, { seed: 3 });
    backward(y.mul(2).sum());
    expect(Array.from(v.grad as Float32Array)).toEqual(Array.from(y.mask.data).map((m) => 2 * m));
  });

  it('a seed reproduces the mask; without one each call draws another; noiseShape broadcasts one value along an axis', () => {
    const x = ones([6, 50]);
    expect(Array.from(dropout(x, 0.5, { seed: 9 }).mask.data)).toEqual(Array.from(dropout(x, 0.5, { seed: 9 }).mask.data));
    expect(Array.from(dropout(x, 0.5).mask.data)).not.toEqual(Array.from(dropout(x, 0.5).mask.data));
    const s = dropout(x, 0.5, { seed: 4, noiseShape: [1, 50] });
    expect(s.mask.shape).toEqual([1, 50]);
    for (let r = 1; r < 6; r++) expect(Array.from(s.data.subarray(r * 50, r * 50 + 50))).toEqual(Array.from(s.data.subarray(0, 50)));
    check('dropout noiseShape', (t) => dropout(t, 0.5, { seed: 4, noiseShape: [3, 1] }), [randomTensor([3, 4], lcg(92))]);
  });
});

describe('error messages name the op, the argument and both shapes', () => {
  it('shapes that do not broadcast', () => {
    expect(() => add(zeros([3, 2]), zeros([4]))).toThrow('add: shapes [3, 2] and [4] do not broadcast');
    expect(() => zeros([2, 3]).mul(zeros([3, 2]))).toThrow('mul: shapes [2, 3] and [3, 2] do not broadcast');
    expect(() => where(zeros([2]), zeros([3]), zeros([4]))).toThrow('where: shapes [2], [3] and [4] do not broadcast');
    expect(() => greater(zeros([2]), zeros([3]))).toThrow('greater: shapes [2] and [3] do not broadcast');
  });

  it('bad axes', () => {
    expect(() => sum(zeros([2, 3]), 2)).toThrow('sum: axis 2 is out of range for a tensor of rank 2; expected an integer from -2 to 1');
    expect(() => mean(zeros([2, 3]), [1, -1])).toThrow('mean: axis 1 is listed twice in [1, -1]');
    expect(() => max(zeros([2, 3]), 0.5)).toThrow('max: axis 0.5 is out of range');
    expect(() => softmax(zeros([2, 3]), -3)).toThrow('softmax: axis -3 is out of range for a tensor of rank 2');
    expect(() => softmax(scalar(1))).toThrow('softmax: axis -1 is out of range for a tensor of rank 0; a scalar has no axes');
    expect(() => concat([zeros([2, 3]), zeros([2, 3])], 2)).toThrow('concat: axis 2 is out of range');
  });

  it('matMul shapes', () => {
    expect(() => matMul(zeros([2, 3]), zeros([4, 5]))).toThrow('matMul: inner dimensions of shapes [2, 3] and [4, 5] do not match (3 vs 4)');
    expect(() => matMul(zeros([2, 3]), zeros([2, 5]), false, true)).toThrow('matMul: inner dimensions of shapes [2, 3] and [2, 5] do not match (3 vs 5 with transposeA false and transposeB true)');
    expect(() => matMul(zeros([3]), zeros([3, 1]))).toThrow('matMul: expects matrices (rank 2) or batches of matrices (rank 3), got shapes [3] and [3, 1]');
    expect(() => matMul(zeros([2, 3, 4]), zeros([3, 4, 5]))).toThrow('matMul: batch sizes of shapes [2, 3, 4] and [3, 4, 5] differ (2 vs 3');
  });

  it('reshape, transpose, concat, slice, gather arguments', () => {
    expect(() => reshape(zeros([2, 3]), [4, 2])).toThrow('reshape: cannot reshape [2, 3] (6 values) to [4, 2] (8 values)');
    expect(() => reshape(zeros([2, 3]), [4, -1])).toThrow('reshape: cannot reshape [2, 3] (6 values) to [4, -1]');
    expect(() => reshape(zeros([2, 3]), [-1, -1])).toThrow('reshape: at most one axis may be -1, got [-1, -1]');
    expect(() => reshape(zeros([2, 3]), [2, -3])).toThrow('reshape: shape must be a list of non-negative integers with at most one -1, got [2, -3]');
    expect(() => transpose(zeros([2, 3]), [0, 0])).toThrow('transpose: perm [0, 0] is not a permutation of the axes of a tensor of shape [2, 3] (each of 0..1 once)');
    expect(() => transpose(zeros([2, 3]), [1, 0, 2])).toThrow('transpose: perm [1, 0, 2] is not a permutation');
    expect(() => concat([zeros([2, 3]), zeros([3, 3])], 1)).toThrow('concat: tensors[0] has shape [2, 3] and tensors[1] [3, 3]; joining along axis 1 needs the same rank and the same lengths on every other axis');
    expect(() => concat([])).toThrow('concat: expects a non-empty list of tensors');
    expect(() => slice(zeros([3, 4]), [1, 2], [2, 3])).toThrow('slice: begin [1, 2] and size [2, 3] reach outside x of shape [3, 4] on axis 1 (2 to 5 of 4)');
    expect(() => slice(zeros([3, 4]), [0, 0, 0])).toThrow('slice: begin must be an integer or a list of at most 2 integers for x of shape [3, 4], got [0, 0, 0]');
    expect(() => gather(zeros([3, 2]), [0, 3])).toThrow('gather: indices hold 3 at flat position 1, outside the integers 0..2 of axis 0 of x of shape [3, 2]');
    expect(() => gather(zeros([3, 2]), [0.5])).toThrow('gather: indices hold 0.5 at flat position 0');
  });

  it('dropout rate, noiseShape and options; clip bounds; non-tensor arguments', () => {
    expect(() => dropout(zeros([2]), 1)).toThrow('dropout: rate must be a number in [0, 1) (the probability of dropping a unit), got 1');
    expect(() => dropout(zeros([2]), -0.1)).toThrow('dropout: rate must be a number in [0, 1)');
    expect(() => dropout(zeros([2, 3]), 0.5, { noiseShape: [2, 2] })).toThrow('dropout: noiseShape [2, 2] does not fit x of shape [2, 3] (same rank, each axis x\'s length or 1)');
    expect(() => dropout(zeros([2]), 0.5, { sed: 1 } as never)).toThrow(/dropout: .*sed.*seed/);
    expect(() => clip(zeros([2]), 1, 0)).toThrow('clip: min must not exceed max (and neither may be NaN), got min 1 and max 0');
    expect(() => add('x' as never, 1)).toThrow("add: a: expected nested arrays of numbers, an ndarray, { data, shape } or a Tensor, got the string 'x'");
  });
});
