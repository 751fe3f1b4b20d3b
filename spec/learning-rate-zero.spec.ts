/**
 * A learning rate of 0 is valid in Keras and TensorFlow.js (frozen training, warm-up schedules that
 * start at 0): optimizers, LearningRateScheduler and ReduceLROnPlateau accept it, and a step at
 * rate 0 leaves the weights as they were. Negative or NaN rates stay errors.
 */
import { Dense } from '../layers/dense';
import { LearningRateScheduler, ReduceLROnPlateau } from '../lib/callbacks';
import { Adam, Optimizer, RMSprop, SGD } from '../lib/optimizers';
import { Sequential } from '../lib/sequential';

const x = [[0, 0], [0, 1], [1, 0], [1, 1]];
const y = [0, 1, 1, 0];

function model(optimizer: Optimizer): Sequential {
  const m = new Sequential({ seed: 1 });
  m.add(new Dense(4, { inputDim: 2, activation: 'relu' }));
  m.add(new Dense(1));
  m.compile({ loss: 'mse', optimizer });
  return m;
}

const weights = (m: Sequential): number[][] => m.getWeights().map((w) => Array.from(w.data));

describe('learningRate 0 in training', () => {
  it.each([
    ['SGD', () => new SGD({ learningRate: 0, momentum: 0.9 })],
    ['Adam', () => new Adam({ learningRate: 0 })],
    ['RMSprop', () => new RMSprop({ learningRate: 0, centered: true })],
  ])('%s at rate 0: fit runs and changes no weight', async (_, optimizer) => {
    const m = model(optimizer());
    const before = weights(m);
    await m.fit(x, y, { epochs: 2, batchSize: 2, verbose: 0 });
    expect(weights(m)).toEqual(before);
  });

  it('LearningRateScheduler may return 0 (a warm-up from 0): epoch 0 changes nothing, epoch 1 trains', async () => {
    const m = model(new SGD({ learningRate: 0.1 }));
    const snapshots: number[][][] = [weights(m)];
    const rates: number[] = [];
    const schedule = new LearningRateScheduler((epoch) => 0.05 * epoch);
    await m.fit(x, y, { epochs: 2, verbose: 0, callbacks: [schedule, { onEpochEnd: () => void (snapshots.push(weights(m)), rates.push(m.optimizer.learningRate)) }] });
    expect(rates).toEqual([0, 0.05]);
    expect(snapshots[1]).toEqual(snapshots[0]);
    expect(snapshots[2]).not.toEqual(snapshots[1]);
  });

  it('LearningRateScheduler still rejects a negative or NaN rate, naming the epoch', async () => {
    for (const bad of [-0.1, NaN]) {
      const m = model(new SGD());
      await expect(m.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new LearningRateScheduler(() => bad)] })).rejects.toThrow(
        `LearningRateScheduler: the schedule returned ${bad} for epoch 0; expected a finite number >= 0`,
      );
    }
  });

  it('LearningRateScheduler rejects a rate that is not a number, saying what it was', async () => {
    const m = model(new SGD());
    await expect(m.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new LearningRateScheduler(() => '0.1' as unknown as number)] })).rejects.toThrow(
      "LearningRateScheduler: the schedule returned the string '0.1' for epoch 0; expected a finite number >= 0",
    );
  });

  it('ReduceLROnPlateau on a model at rate 0 keeps it at 0 (minLr 0 is the default)', () => {
    const m = model(new Adam({ learningRate: 0 }));
    const plateau = new ReduceLROnPlateau({ monitor: 'loss', factor: 0.5, patience: 1 });
    plateau.setModel(m);
    [1, 1, 1].forEach((loss, epoch) => plateau.onEpochEnd(epoch, { loss }));
    expect(m.optimizer.learningRate).toBe(0);
  });
});

describe('ReduceLROnPlateau factor and minLr', () => {
  it('accepts factor 0 (as Keras: the rate drops to minLr) and rejects factor >= 1, a negative or NaN minLr', () => {
    expect(() => new ReduceLROnPlateau({ factor: 0 })).not.toThrow();
    expect(() => new ReduceLROnPlateau({ factor: 1 })).toThrow(/ReduceLROnPlateau: factor must be in \[0, 1\), got 1/);
    expect(() => new ReduceLROnPlateau({ minLr: NaN })).toThrow(/ReduceLROnPlateau: minLr must be a finite number >= 0, got NaN/);
    expect(() => new ReduceLROnPlateau({ minLr: -1 })).toThrow(/minLr must be a finite number >= 0, got -1/);
  });
});
