/**
 * The digits CNN of `npm run cnn` (examples/cnn-model.ts: 500 training digits, 2000 test digits,
 * split seed 0, 20 epochs, batch 32, Adam) with four regularizations after the pooling layer:
 * Dropout(0.5), SpatialDropout2D(0.5), BatchNormalization, BatchNormalization -> Dropout(0.5);
 * seeds 1, 2, 3 (weights, shuffles and masks). Scores the final model on both sets (dropout off);
 * prints the table and writes every run to docs/cnn-regularization-study.json.
 *
 * Run: npm run build && node dist/examples/cnn-regularization-study.js [seeds=1,2,3]
 */
import * as fs from 'fs';
import { loadDigits } from '../index';
import { CnnVariant, digitsCnn, VARIANT_NAMES } from './cnn-model';

const VARIANTS: CnnVariant[] = ['dropout', 'spatial', 'bn', 'bn-dropout'];

async function main(): Promise<void> {
  const seeds = (process.argv[2] ?? '1,2,3').split(',').map(Number);
  const { train, test } = loadDigits({ nTrain: 500, nTest: 2000, seed: 0 });
  console.log(`Digits CNN: 500 training digits, 2000 test digits (split seed 0), 20 epochs, batch 32, Adam; seeds ${seeds.join(', ')}\n`);
  const started = Date.now();
  const runs: Array<{ variant: string; seed: number; trainAcc: number; testAcc: number }> = [];
  // Every variant, every seed: fit, then score both sets with dropout off.
  for (const variant of VARIANTS) {
    for (const seed of seeds) {
      const model = digitsCnn(seed, variant);
      await model.fit(train.x, train.oneHot, { epochs: 20, batchSize: 32, verbose: 0 });
      const [, trainAcc] = model.evaluate(train.x, train.oneHot);
      const [, testAcc] = model.evaluate(test.x, test.oneHot);
      runs.push({ variant: VARIANT_NAMES[variant], seed, trainAcc, testAcc });
      process.stderr.write(`  ${VARIANT_NAMES[variant]}, seed ${seed}: train ${trainAcc.toFixed(3)}, test ${testAcc.toFixed(3)}\n`);
    }
  }
  console.log('| configuration | seeds | train accuracy | test accuracy | test per seed |');
  console.log('|---|---|---|---|---|');
  for (const variant of VARIANTS) {
    const mine = runs.filter((r) => r.variant === VARIANT_NAMES[variant]);
    const mean = (f: (r: (typeof runs)[number]) => number) => mine.reduce((s, r) => s + f(r), 0) / mine.length;
    console.log(`| ${VARIANT_NAMES[variant]} | ${mine.length} | ${mean((r) => r.trainAcc).toFixed(3)} | ${mean((r) => r.testAcc).toFixed(3)} | ${mine.map((r) => r.testAcc.toFixed(3)).join(', ')} |`);
  }
  console.log(`\n(${((Date.now() - started) / 60000).toFixed(1)} min)`);
  fs.writeFileSync('docs/cnn-regularization-study.json', JSON.stringify({ seeds, runs }, null, 1) + '\n');
  console.log('wrote docs/cnn-regularization-study.json');
}

void main();
