/**
 * The variance shift of Li et al. ("Understanding the Disharmony between Dropout and Batch
 * Normalization", CVPR 2019), measured on the case study: Dense(500, relu) -> Dropout(0.4) ->
 * BatchNormalization -> Dense(1), trained 4000 epochs on the 30 training points (seed 1). For each
 * of the 500 units, the variance of BatchNormalization's input over the training points
 *
 *   - in training mode (dropout on; averaged over 50 masks),
 *   - in inference mode (dropout off: what BN sees at test time),
 *
 * against the moving variance BN learned (in training mode). Dropout scales kept units by
 * 1 / (1 - rate), so in training the input's variance is larger, and BN normalizes test-time
 * inputs by a variance that is too large. Prints the means and ratios; writes
 * docs/variance-shift.svg (the three variances per unit, units sorted by inference variance).
 *
 * Run: npm run build && node dist/examples/variance-shift.js
 */
import { BatchNormalization, Dense, Dropout, Input, linePlot, Model, saveSvg, Tensor } from '../index';
import { circlesData } from './circles-mlp';

/** Per column of x [rows, units]: the variance over the rows (biased, as BN computes it). */
function columnVariances(x: Tensor): Float64Array {
  const [rows, units] = x.shape;
  const mean = new Float64Array(units);
  const variance = new Float64Array(units);
  // the column means, then the mean squared deviations
  for (let r = 0; r < rows; r++) for (let u = 0; u < units; u++) mean[u] += x.data[r * units + u] / rows;
  for (let r = 0; r < rows; r++) {
    for (let u = 0; u < units; u++) {
      const d = x.data[r * units + u] - mean[u];
      variance[u] += (d * d) / rows;
    }
  }
  return variance;
}

async function main(): Promise<void> {
  const rate = 0.4;
  const masks = 50;
  const { trainX, trainY, testX, testY } = circlesData();
  const input = Input({ shape: [2] });
  const dropped = new Dropout(rate).apply(new Dense(500, { activation: 'relu' }).apply(input));
  const bn = new BatchNormalization();
  const output = new Dense(1, { activation: 'sigmoid' }).apply(bn.apply(dropped));
  const model = new Model({ inputs: input, outputs: output, seed: 1 });
  model.compile({ loss: 'binary_crossentropy', optimizer: 'adam', metrics: ['accuracy'] });
  await model.fit(trainX, trainY, { validationData: [testX, testY], epochs: 4000, verbose: 0 });

  // What BatchNormalization receives: the Dropout layer's output, through the same layers.
  const probe = new Model({ inputs: input, outputs: dropped });
  const inference = columnVariances(probe.predict(trainX) as Tensor);
  const training = new Float64Array(500);
  for (let m = 0; m < masks; m++) {
    const v = columnVariances(probe.predict(trainX, { training: true }) as Tensor);
    for (let u = 0; u < 500; u++) training[u] += v[u] / masks;
  }
  const moving = Float64Array.from(bn.movingVariance.data);

  // Units that are alive on the training points (a dead relu unit has variance 0 everywhere).
  const alive = Array.from({ length: 500 }, (_, u) => u).filter((u) => inference[u] > 1e-8);
  const mean = (v: Float64Array) => alive.reduce((s, u) => s + v[u], 0) / alive.length;
  const ratio = (a: Float64Array, b: Float64Array) => alive.reduce((s, u) => s + a[u] / b[u], 0) / alive.length;
  console.log(`Dropout(${rate}) -> BatchNormalization on the case study (seed 1, 4000 epochs); ${alive.length} of 500 units alive on the training points`);
  console.log(`mean variance of BN's input over the 30 training points:`);
  console.log(`  training mode (dropout on, ${masks} masks): ${mean(training).toFixed(4)}`);
  console.log(`  inference mode (dropout off):              ${mean(inference).toFixed(4)}`);
  console.log(`  BN's moving variance:                      ${mean(moving).toFixed(4)}`);
  console.log(`per-unit ratios (mean over units): training / inference ${ratio(training, inference).toFixed(3)}, moving / inference ${ratio(moving, inference).toFixed(3)} (1 / (1 - rate) = ${(1 / (1 - rate)).toFixed(3)})`);
  const [, trainAcc] = model.evaluate(trainX, trainY);
  const [, testAcc] = model.evaluate(testX, testY);
  console.log(`the model: train accuracy ${trainAcc.toFixed(3)}, test accuracy ${testAcc.toFixed(3)}`);

  const order = alive.slice().sort((a, b) => inference[a] - inference[b]);
  saveSvg('docs/variance-shift.svg', linePlot(
    {
      'training mode (dropout on)': order.map((u) => training[u]),
      "BN's moving variance": order.map((u) => moving[u]),
      'inference mode (dropout off)': order.map((u) => inference[u]),
    },
    { title: `Variance of BatchNormalization's input per unit, Dropout(${rate}) before it`, xLabel: 'unit (sorted by inference-mode variance)', yLabel: 'variance over the training points' },
  ));
  console.log('wrote docs/variance-shift.svg');
}

void main();
