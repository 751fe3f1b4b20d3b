/**
 * Is dropout better than an L2 penalty, or than batch normalization, on the tutorial's case
 * study, and do dropout and batch normalization mix? The 2-500-1 MLP on the two circles (30
 * training points, 70 test points, 4000 epochs), 30 seeds per configuration, over worker threads:
 *
 *   none; Dropout(0.4); L2 on the hidden kernel; BatchNormalization after the hidden layer;
 *   BN then Dropout(0.4); Dropout(0.4) then BN (the order Li et al., CVPR 2019, warn about).
 *
 * The L2 strength is chosen first, on a validation split of the training points only (fit on the
 * first 20, score on the other 10; seeds 101..105), from {1e-4, 1e-3, 1e-2, 1e-1}: the test points
 * never choose anything. Prints the seeds before running, a table of mean ± std, and writes a box
 * plot of the test accuracies (docs/regularization-study.svg) and every run's scores
 * (docs/regularization-study.json).
 *
 * Run: npm run build && node dist/examples/regularization-study.js [seeds, default 30]
 */
import * as fs from 'fs';
import { boxPlot, Evaluation, repeatedEvaluation, saveSvg } from '../index';
import { accuracyTable, repeatsArg } from './report';
import { TASKS_MODULE } from './tasks';

/** The L2 strengths tried, and the seeds the choice uses. */
const L2_GRID = [1e-4, 1e-3, 1e-2, 1e-1];
const CHOICE_SEEDS = [101, 102, 103, 104, 105];

async function main(): Promise<void> {
  const repeats = repeatsArg(30);
  const seeds = Array.from({ length: repeats }, (_, i) => i + 1);
  const task = { module: TASKS_MODULE, name: 'circlesMlp' };
  console.log(`Seeds of every configuration: ${seeds[0]}..${seeds[seeds.length - 1]}; the L2 choice uses seeds ${CHOICE_SEEDS.join(', ')} on a validation split of the training points.`);
  const started = process.hrtime.bigint();

  // The L2 strength with the best mean validation accuracy (ties: the smaller strength).
  const choice: Array<{ l2: number; validationAcc: number }> = [];
  for (const strength of L2_GRID) {
    const e = await repeatedEvaluation(task, { l2: strength, validation: true }, { seeds: CHOICE_SEEDS });
    choice.push({ l2: strength, validationAcc: e.summary.testAcc.mean });
    console.log(`  L2 ${strength}: validation accuracy ${e.summary.testAcc.mean.toFixed(3)} ± ${e.summary.testAcc.std.toFixed(3)}`);
  }
  const best = choice.reduce((a, b) => (b.validationAcc > a.validationAcc ? b : a));
  console.log(`chosen: L2 ${best.l2}\n`);

  const configurations: Array<[string, Record<string, number | string>]> = [
    ['none', {}],
    ['Dropout(0.4)', { rate: 0.4 }],
    [`L2(${best.l2})`, { l2: best.l2 }],
    ['BatchNorm', { batchNorm: 'bn' }],
    ['BatchNorm -> Dropout(0.4)', { batchNorm: 'bn-dropout', rate: 0.4 }],
    ['Dropout(0.4) -> BatchNorm', { batchNorm: 'dropout-bn', rate: 0.4 }],
  ];
  const results: Array<[string, Evaluation]> = [];
  for (const [name, params] of configurations) results.push([name, await repeatedEvaluation(task, params, { seeds })]);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;

  console.log(`Regularization study: ${repeats} seeds per configuration, 4000 epochs each (${seconds.toFixed(0)} s on worker threads)\n`);
  console.log(accuracyTable(results));
  const svg = boxPlot(Object.fromEntries(results.map(([name, e]) => [name, e.runs.map((r) => r.testAcc)])), {
    title: `Case study, test accuracy over ${repeats} seeds`,
    yLabel: 'test accuracy',
  });
  saveSvg('docs/regularization-study.svg', svg);
  const record = { seeds, l2Choice: { grid: choice, seeds: CHOICE_SEEDS, chosen: best.l2 }, results: results.map(([name, e]) => ({ name, runs: e.runs })) };
  fs.writeFileSync('docs/regularization-study.json', JSON.stringify(record, null, 1) + '\n');
  console.log('\nwrote docs/regularization-study.svg and docs/regularization-study.json');
}

void main();
