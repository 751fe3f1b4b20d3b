/**
 * Does dropout help a CNN on a small set of real digits? The digits CNN (examples/cnn-model.ts)
 * without dropout, with Dropout(0.5) and with SpatialDropout2D(0.5) after the pooling layer,
 * each trained on the same `nTrain` digits for `epochs` epochs (long enough to overfit) and tested
 * on `nTest` other digits after every epoch, for each seed (weights, shuffles and masks; the data
 * split is fixed). Prints a table of final train/test accuracy (both measured with dropout off)
 * and writes the mean test and train accuracy curves to out/cnn-dropout.svg.
 *
 * Run: npx tsc -p tsconfig.build.json && node dist/examples/cnn-dropout.js [seeds=1,2,3] [nTrain=500] [epochs=20] [nTest=2000]
 */
import { linePlot, loadDigits, saveSvg } from '../index';
import { CnnVariant, digitsCnn, VARIANT_NAMES } from './cnn-model';

const VARIANTS: CnnVariant[] = ['none', 'dropout', 'spatial'];

interface Run {
  variant: CnnVariant;
  seed: number;
  trainAcc: number;
  testAcc: number;
  seconds: number;
  imagesPerSecond: number;
  trainCurve: number[];
  testCurve: number[];
}

async function main(): Promise<void> {
  const seeds = (process.argv[2] ?? '1,2,3').split(',').map(Number);
  const nTrain = Number(process.argv[3] ?? 500);
  const epochs = Number(process.argv[4] ?? 20);
  const nTest = Number(process.argv[5] ?? 2000);
  const { train, test } = loadDigits({ nTrain, nTest, seed: 0 });
  console.log(`Digits CNN: ${nTrain} training digits, ${nTest} test digits (split seed 0), ${epochs} epochs, batch 32, Adam; seeds ${seeds.join(', ')}\n`);
  const started = Date.now();
  const runs: Run[] = [];
  // Every seed, every variant: fit with the test set as validation data, then score both sets.
  for (const seed of seeds) {
    for (const variant of VARIANTS) {
      const model = digitsCnn(seed, variant);
      const t0 = process.hrtime.bigint();
      const history = await model.fit(train.x, train.oneHot, { epochs, batchSize: 32, validationData: [test.x, test.oneHot], verbose: 0 });
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const [, trainAcc] = model.evaluate(train.x, train.oneHot);
      const [, testAcc] = model.evaluate(test.x, test.oneHot);
      runs.push({ variant, seed, trainAcc, testAcc, seconds, imagesPerSecond: (nTrain * epochs) / seconds, trainCurve: history.history.acc, testCurve: history.history.val_acc });
      process.stderr.write(`  seed ${seed} ${VARIANT_NAMES[variant]}: done in ${seconds.toFixed(1)} s\n`);
    }
  }

  console.log('| model                 | seed | train | test  | gap   | fit time  |');
  console.log('|-----------------------|------|-------|-------|-------|-----------|');
  for (const r of runs) {
    console.log(`| ${VARIANT_NAMES[r.variant].padEnd(21)} | ${String(r.seed).padStart(4)} | ${r.trainAcc.toFixed(3)} | ${r.testAcc.toFixed(3)} | ${(r.trainAcc - r.testAcc).toFixed(3)} | ${r.seconds.toFixed(1).padStart(7)} s |`);
  }
  for (const variant of VARIANTS) {
    const mine = runs.filter((r) => r.variant === variant);
    const mean = (f: (r: Run) => number) => mine.reduce((s, r) => s + f(r), 0) / mine.length;
    console.log(`| ${VARIANT_NAMES[variant].padEnd(21)} | mean | ${mean((r) => r.trainAcc).toFixed(3)} | ${mean((r) => r.testAcc).toFixed(3)} | ${mean((r) => r.trainAcc - r.testAcc).toFixed(3)} | ${mean((r) => r.seconds).toFixed(1).padStart(7)} s |`);
  }
  const trainImages = runs.length * nTrain * epochs;
  const fitSeconds = runs.reduce((s, r) => s + r.seconds, 0);
  console.log(`\n${runs.length} fits, ${trainImages} training images and ${runs.length * nTest * epochs} test images seen in ${fitSeconds.toFixed(0)} s of fit (fit time includes the per-epoch test pass); total ${((Date.now() - started) / 1000).toFixed(0)} s`);

  // Mean curves over the seeds, per variant.
  const series: Record<string, number[]> = {};
  for (const variant of VARIANTS) {
    const mine = runs.filter((r) => r.variant === variant);
    const meanCurve = (pick: (r: Run) => number[]) => Array.from({ length: epochs }, (_, e) => mine.reduce((s, r) => s + pick(r)[e], 0) / mine.length);
    series[`${VARIANT_NAMES[variant]} train`] = meanCurve((r) => r.trainCurve);
    series[`${VARIANT_NAMES[variant]} test`] = meanCurve((r) => r.testCurve);
  }
  const svg = linePlot(series, {
    title: `Digits CNN, ${nTrain} training digits: accuracy per epoch (mean of ${seeds.length} seeds)`,
    xLabel: 'epoch',
    yLabel: 'accuracy',
  });
  saveSvg('out/cnn-dropout.svg', svg);
  console.log('wrote out/cnn-dropout.svg (training accuracy is measured with the masks on, as Keras does)');
}

if (require.main === module) void main();
