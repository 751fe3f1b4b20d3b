import { MaxNorm, NonNeg, UnitNorm } from '../lib/constraints';
import { Tensor } from '../lib/tensor';
import { expectClose, loadFixture, tensor } from './helpers/fixtures';

const fixture = loadFixture('constraints').max_norm;

describe('constraints', () => {
  it('MaxNorm(3, axis 0) equals Keras on a Dense kernel (constraints.json)', () => {
    const w = tensor(fixture.kernel);
    new MaxNorm(fixture.max_value, { axis: fixture.axis }).apply(w);
    expectClose(w.data, fixture.constrained);
  });
  it('UnitNorm makes every column norm 1; NonNeg zeroes negatives', () => {
    const w = tensor([[3, -1], [4, 0]]);
    new UnitNorm().apply(w);
    expectClose(w.data, [0.6, -1, 0.8, 0], { rtol: 1e-6 });
    const [a, , c] = Array.from(w.data);
    new NonNeg().apply(w);
    expect(Array.from(w.data)).toEqual([a, 0, c, 0]);
  });
  it('MaxNorm rejects a non-positive maxValue', () => {
    expect(() => new MaxNorm(0)).toThrow(/MaxNorm: maxValue must be a positive number, got 0/);
    expect(() => new MaxNorm(1, { axis: 3 }).apply(Tensor.zeros([2, 2]))).toThrow(/axis 3 is outside a weight of rank 2/);
  });
});
