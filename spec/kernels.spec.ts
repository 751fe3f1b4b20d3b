import { activationBackward, activationForward, ActivationName } from '../kernels/activations';
import { biasAdd } from '../kernels/elementwise';
import { mean, sum, sumAxes, sumRows } from '../kernels/reductions';
import { lcg } from './helpers/fixtures';

const ACTIVATIONS: ActivationName[] = ['linear', 'relu', 'sigmoid', 'hard_sigmoid', 'tanh', 'softmax', 'elu', 'selu', 'softplus', 'softsign'];

describe('activation kernels', () => {
  it.each(ACTIVATIONS)('%s: backward (from the output) agrees with central differences', (act) => {
    const next = lcg(11);
    const rows = 3;
    const cols = 4;
    const x = Float32Array.from({ length: rows * cols }, () => 2 * next());
    const dy = Float32Array.from({ length: rows * cols }, () => next());
    const y = new Float32Array(x.length);
    activationForward(act, x, y, x.length, cols);
    const dx = new Float32Array(x.length);
    activationBackward(act, y, dy, dx, x.length, cols);
    // sum(act(x) * dy), differenced in float64 through the same kernel
    const f = (v: Float32Array): number => {
      const out = new Float32Array(v.length);
      activationForward(act, v, out, v.length, cols);
      let s = 0;
      for (let i = 0; i < v.length; i++) s += out[i] * dy[i];
      return s;
    };
    for (let i = 0; i < x.length; i++) {
      const h = 1e-3;
      const up = Float32Array.from(x);
      const down = Float32Array.from(x);
      up[i] += h;
      down[i] -= h;
      const numeric = (f(up) - f(down)) / (up[i] - down[i]);
      expect(Math.abs(dx[i] - numeric)).toBeLessThan(1e-2 * Math.max(1, Math.abs(numeric)));
    }
  });

  it('sigmoid is finite and exact at the extremes; softmax rows sum to 1', () => {
    const y = new Float32Array(3);
    activationForward('sigmoid', Float32Array.from([-1000, 0, 1000]), y, 3, 3);
    expect(Array.from(y)).toEqual([0, 0.5, 1]);
    const s = new Float32Array(6);
    activationForward('softmax', Float32Array.from([1, 2, 3, 1000, 1000, -1000]), s, 6, 3);
    expect(s[0] + s[1] + s[2]).toBeCloseTo(1, 6);
    expect(s[3]).toBeCloseTo(0.5, 6);
  });
});

describe('reductions and bias add', () => {
  it('sumRows, sum, mean and biasAdd', () => {
    const x = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const out = new Float32Array(3);
    sumRows(x, out, 2, 3);
    expect(Array.from(out)).toEqual([5, 7, 9]);
    sumRows(x, out, 2, 3, true);
    expect(Array.from(out)).toEqual([10, 14, 18]);
    expect(sum(x)).toBe(21);
    expect(mean(x)).toBe(3.5);
    biasAdd(x, Float32Array.from([10, 20, 30]), 2, 3);
    expect(Array.from(x)).toEqual([11, 22, 33, 14, 25, 36]);
  });

  it('sumAxes reduces any set of axes (keepdims layout)', () => {
    // x[i, j, k] = 100 i + 10 j + k, shape [2, 3, 4]
    const x = new Float32Array(24);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) x[i * 12 + j * 4 + k] = 100 * i + 10 * j + k;
    const overJ = new Float32Array(8);
    sumAxes(x, [2, 3, 4], [1], overJ);
    expect(overJ[1 * 4 + 2]).toBe(3 * 100 + 30 + 3 * 2);
    const overIK = new Float32Array(3);
    sumAxes(x, [2, 3, 4], [0, 2], overIK);
    expect(Array.from(overIK)).toEqual([0, 1, 2].map((j) => 4 * 100 + 8 * 10 * j + 2 * 6));
  });
});
