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

describe('MaxNorm during fit', () => {
  it('after every optimizer step every column norm of the constrained kernel is <= maxValue + 1e-6', async () => {
    const { Sequential } = await import('../lib/sequential');
    const { Dense } = await import('../layers/dense');
    const { makeCircles } = await import('../datasets');
    const { X, y } = makeCircles({ nSamples: 100, noise: 0.1, randomState: 1 });
    const model = new Sequential({ seed: 1 });
    const hidden = new Dense(500, { inputDim: 2, activation: 'relu', kernelConstraint: new MaxNorm(0.2) });
    model.add(hidden);
    model.add(new Dense(1, { activation: 'sigmoid' }));
    model.compile({ loss: 'binary_crossentropy', optimizer: 'adam', metrics: ['accuracy'] });
    let steps = 0;
    let worst = 0;
    // glorot columns of a [2, 500] kernel start with norms below 0.16 and grow past 0.2 in training
    await model.fit(X.rows(0, 30), y.rows(0, 30), {
      epochs: 300,
      batchSize: 8,
      verbose: 0,
      callbacks: [
        {
          onBatchEnd() {
            steps++;
            const k = hidden.kernel;
            for (let j = 0; j < 500; j++) worst = Math.max(worst, Math.hypot(k.get(0, j), k.get(1, j)));
          },
        },
      ],
    });
    expect(steps).toBe(300 * 4);
    expect(worst).toBeLessThanOrEqual(0.2 + 1e-6);
    expect(worst).toBeGreaterThan(0.199); // the constraint was active, not vacuous
  });

  it('takes the norm over several axes (a conv kernel, one norm per filter)', () => {
    const w = Tensor.zeros([2, 2, 3, 4]);
    for (let i = 0; i < w.size; i++) w.data[i] = ((i % 7) - 3) * 0.9;
    new MaxNorm(1, { axis: [0, 1, 2] }).apply(w);
    for (let f = 0; f < 4; f++) {
      let s = 0;
      for (let i = f; i < w.size; i += 4) s += w.data[i] ** 2;
      expect(Math.sqrt(s)).toBeCloseTo(1, 5);
    }
  });
});
