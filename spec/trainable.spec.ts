/**
 * Frozen layers (`trainable: false`). They used to compute their kernel gradient every step and,
 * since only trainable weights were zeroed, accumulate it without bound (0.074 after one step,
 * 0.444 after six). Now "requires a gradient" is an explicit flag on each weight, set from the
 * layer's `trainable`: a frozen weight gets no gradient work at all, unfreezing starts from a zero
 * gradient, and constraints leave frozen weights alone.
 */
import { Dense, MaxNorm, Sequential, SGD } from '../index';

const X = [[0.5, -1], [1, 2], [-1.5, 0.25], [2, -0.5]];
const Y = [1, 0, 1, 0];

function model(frozenFirst: boolean, seed = 3): Sequential {
  const m = new Sequential({ seed });
  m.add(new Dense(3, { inputDim: 2, activation: 'tanh', trainable: !frozenFirst }));
  m.add(new Dense(1, { activation: 'sigmoid' }));
  m.compile({ loss: 'binary_crossentropy', optimizer: new SGD({ learningRate: 0.3 }) });
  return m;
}

const fit = (m: Sequential, epochs: number) => m.fit(X, Y, { epochs, batchSize: 4, shuffle: false, verbose: 0 });
const values = (m: Sequential) => m.getWeights().map((w) => Array.from(w.data));

describe('trainable: false', () => {
  it('a frozen layer gets no gradient: its gradient stays zero and its weights do not move, step after step', async () => {
    const m = model(true);
    const first = m.layers[0] as Dense;
    const before = values(m);
    expect(first.kernel.requiresGrad).toBe(false);
    for (const steps of [1, 5]) {
      await fit(m, steps);
      expect(Array.from(first.kernel.grad ?? [], Math.abs).reduce((a, b) => Math.max(a, b), 0)).toBe(0);
      expect(values(m).slice(0, 2)).toEqual(before.slice(0, 2));
    }
    // The trainable layer did learn.
    expect(values(m)[2]).not.toEqual(before[2]);
  });

  it('unfreezing starts from a clean gradient: the next step equals a fresh model on the same weights', async () => {
    const a = model(true);
    await fit(a, 6);
    a.layers[0].trainable = true;
    const b = model(false, 99);
    b.setWeights(a.getWeights());
    await fit(a, 1);
    await fit(b, 1);
    expect(values(a)).toEqual(values(b));
  });

  it('freezing after training stops the updates (the flag is read by every fit)', async () => {
    const m = model(false);
    await fit(m, 2);
    m.layers[0].trainable = false;
    const kept = values(m).slice(0, 2);
    await fit(m, 3);
    expect(values(m).slice(0, 2)).toEqual(kept);
  });

  it('constraints are not applied to frozen weights', async () => {
    const m = new Sequential({ seed: 1 });
    m.add(new Dense(3, { inputDim: 2, trainable: false, kernelConstraint: new MaxNorm(0.01) }));
    m.add(new Dense(1, { activation: 'sigmoid' }));
    m.compile({ loss: 'binary_crossentropy', optimizer: 'sgd' });
    const before = values(m)[0];
    await fit(m, 2);
    expect(values(m)[0]).toEqual(before);
  });

  it('trainable must be a boolean', () => {
    expect(() => new Dense(2, { trainable: 'no' as unknown as boolean })).toThrow(/Dense 'dense.*': trainable must be true or false, got the string 'no'/);
    expect(() => {
      new Dense(2).trainable = 0 as unknown as boolean;
    }).toThrow(/trainable must be true or false, got 0/);
  });
});
