/**
 * fit's `validationSplit`, as Keras and TensorFlow.js define it: the last fraction of the rows,
 * taken before shuffling, held out and evaluated at the end of each epoch. Checked against
 * TensorFlow.js 4.22 on the same weights, data and optimizer: the val_loss of every epoch agrees
 * within 1e-6.
 */
import { tf } from './helpers/tfjs';
import { Dense, Sequential, SGD, Tensor } from '../index';
import { lcg } from './helpers/fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const ROWS = 20;
function data(): { x: Tensor; y: Tensor } {
  const next = lcg(11);
  const x = Tensor.zeros([ROWS, 3]);
  const y = Tensor.zeros([ROWS, 1]);
  for (let i = 0; i < x.size; i++) x.data[i] = 2 * next() - 1;
  for (let r = 0; r < ROWS; r++) y.data[r] = x.data[3 * r] + 0.5 * x.data[3 * r + 1] > 0 ? 1 : 0;
  return { x, y };
}

function laminaModel(): Sequential {
  const model = new Sequential({ seed: 4 });
  model.add(new Dense(5, { inputDim: 3, activation: 'tanh' }));
  model.add(new Dense(1, { activation: 'sigmoid' }));
  model.compile({ loss: 'binary_crossentropy', optimizer: new SGD({ learningRate: 0.5 }), metrics: ['accuracy'] });
  return model;
}

describe('fit({ validationSplit })', () => {
  it('holds out the last rows before shuffling: the same run as validationData = those rows', async () => {
    const { x, y } = data();
    const split = await laminaModel().fit(x, y, { validationSplit: 0.3, epochs: 4, batchSize: 5, verbose: 0 });
    // floor(20 * 0.7) = 14 training rows, the last 6 validate.
    const explicit = await laminaModel().fit(x.rows(0, 14), y.rows(0, 14), { validationData: [x.rows(14, 20), y.rows(14, 20)], epochs: 4, batchSize: 5, verbose: 0 });
    expect(Object.keys(split.history)).toEqual(['loss', 'accuracy', 'val_loss', 'val_accuracy']);
    expect(split.history).toEqual(explicit.history);
  });

  it("val_loss matches TensorFlow.js's validationSplit within 1e-6 on the same weights", async () => {
    const { x, y } = data();
    const ours = laminaModel();
    const theirs = tf.sequential({
      layers: [tf.layers.dense({ units: 5, inputShape: [3], activation: 'tanh' }), tf.layers.dense({ units: 1, activation: 'sigmoid' })],
    });
    theirs.setWeights(ours.getWeights().map((w) => tf.tensor(Array.from(w.data), w.shape)));
    theirs.compile({ loss: 'binaryCrossentropy', optimizer: tf.train.sgd(0.5) });
    const options = { validationSplit: 0.3, epochs: 4, batchSize: 5, shuffle: false, verbose: 0 as const };
    const mine = await ours.fit(x, y, options);
    const reference = await theirs.fit(tf.tensor(Array.from(x.data), x.shape), tf.tensor(Array.from(y.data), y.shape), options);
    const expected = reference.history.val_loss as number[];
    expect(expected).toHaveLength(4);
    mine.history.val_loss.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(1e-6));
    // The training loss too: the same 14 rows trained, in the same order.
    mine.history.loss.forEach((v, i) => expect(Math.abs(v - (reference.history.loss[i] as number))).toBeLessThan(1e-6));
  });

  it('validationData wins over validationSplit, as in Keras', async () => {
    const { x, y } = data();
    const both = await laminaModel().fit(x, y, { validationSplit: 0.5, validationData: [x.rows(0, 4), y.rows(0, 4)], epochs: 2, verbose: 0 });
    const dataOnly = await laminaModel().fit(x, y, { validationData: [x.rows(0, 4), y.rows(0, 4)], epochs: 2, verbose: 0 });
    expect(both.history).toEqual(dataOnly.history);
  });

  it('rejects fractions outside [0, 1) and splits that leave a side empty', async () => {
    const { x, y } = data();
    await expect(laminaModel().fit(x, y, { validationSplit: 1, verbose: 0 })).rejects.toThrow(/validationSplit must be a number in \[0, 1\).*got 1/);
    await expect(laminaModel().fit(x, y, { validationSplit: -0.1, verbose: 0 })).rejects.toThrow(/validationSplit must be/);
    await expect(laminaModel().fit(x, y, { validationSplit: '0.2' as unknown as number, verbose: 0 })).rejects.toThrow(/got the string '0.2'/);
    await expect(laminaModel().fit(x.rows(0, 2), y.rows(0, 2), { validationSplit: 1e-17, verbose: 0 })).rejects.toThrow(/validationSplit 1e-17 of 2 samples leaves no sample to validate on/);
    await expect(laminaModel().fit(x.rows(0, 2), y.rows(0, 2), { validationSplit: 0.99, verbose: 0 })).rejects.toThrow(/leaves no sample to train on/);
  });
});
