/**
 * A model with two inputs: the case study's points, and a feature computed from them (the distance
 * from the origin, which is what tells the two circles apart), each through its own Dense layer,
 * joined by Concatenate:
 *
 *   point [2]  -> Dense(16, relu) \
 *                                  Concatenate -> Dropout(0.4) -> Dense(1, sigmoid)
 *   radius [1] -> Dense(4, relu)  /
 *
 * Data go in as a list in input order, or as an object keyed by input name. Prints the summary
 * (with its Connected to column) and the accuracies (Adam with learning rate 0.01: the radius needs a
 * steep unit, which 1000 steps at 0.001 do not reach). Run: `node dist/examples/two-input.js`.
 */
import { Adam, Concatenate, Dense, Dropout, Input, Model, Tensor } from '../index';
import { circlesData } from './circles-mlp';

/** The distance of each point [n, 2] from the origin, [n, 1]. */
export function radii(points: Tensor): Tensor {
  const r = Tensor.zeros([points.shape[0], 1]);
  for (let i = 0; i < r.size; i++) r.data[i] = Math.hypot(points.data[2 * i], points.data[2 * i + 1]);
  return r;
}

/** The two-input model, compiled. */
export function twoInputModel(seed: number): Model {
  const point = Input({ shape: [2], name: 'point' });
  const radius = Input({ shape: [1], name: 'radius' });
  const joined = new Concatenate().apply([new Dense(16, { activation: 'relu' }).apply(point), new Dense(4, { activation: 'relu' }).apply(radius)]);
  const out = new Dense(1, { activation: 'sigmoid', name: 'inner' }).apply(new Dropout(0.4).apply(joined));
  const model = new Model({ inputs: [point, radius], outputs: out, name: 'two_input', seed });
  model.compile({ loss: 'binary_crossentropy', optimizer: new Adam({ learningRate: 0.01 }), metrics: ['accuracy'] });
  return model;
}

/** Trains the model on the case study's 30 points; returns it with its train and test accuracy. */
export async function runTwoInput(seed: number, epochs = 1000): Promise<{ model: Model; train: number; test: number }> {
  const { trainX, trainY, testX, testY } = circlesData();
  const model = twoInputModel(seed);
  await model.fit({ point: trainX, radius: radii(trainX) }, trainY, { epochs, verbose: 0 });
  return { model, train: model.evaluate([trainX, radii(trainX)], trainY)[1], test: model.evaluate([testX, radii(testX)], testY)[1] };
}

async function main(): Promise<void> {
  const { model, train, test } = await runTwoInput(1);
  model.summary();
  console.log(`\ntwo inputs (point, radius), seed 1, 1000 epochs: train ${train.toFixed(3)}, test ${test.toFixed(3)}`);
}

if (require.main === module) void main();
