/**
 * Extension 4 of the tutorial: a grid search of the dropout rate. Rates 0.0 to 0.9 in steps of
 * 0.1 after the hidden layer, each over the same seeds (default 10; `node
 * dist/examples/grid-search.js 30`), on worker threads. Prints a table and writes train and test
 * accuracy against the rate, with one-standard-deviation error bars, to out/grid-search.svg.
 */
import { errorBarPlot, gridSearch, saveSvg } from '../index';
import { gridTable } from './lamina-cli';
import { repeatsArg } from './report';
import { TASKS_MODULE } from './tasks';

async function main(): Promise<void> {
  const repeats = repeatsArg(10);
  const rates = Array.from({ length: 10 }, (_, i) => i / 10);
  const started = process.hrtime.bigint();
  const rows = await gridSearch({ module: TASKS_MODULE, name: 'circlesMlp' }, { rate: rates }, { repeats });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`Grid search of the dropout rate: ${rates.length} rates x ${repeats} seeds, 4000 epochs each (${seconds.toFixed(1)} s)\n`);
  console.log(gridTable(rows.map((r) => ({ ...r, summary: { trainAcc: r.summary.trainAcc, testAcc: r.summary.testAcc } }))));
  const best = rows.reduce((a, b) => (b.summary.testAcc.mean > a.summary.testAcc.mean ? b : a));
  console.log(`\nbest mean test accuracy: ${best.summary.testAcc.mean.toFixed(3)} at rate ${best.params.rate}`);
  const svg = errorBarPlot(
    rates,
    [
      { name: 'train', mean: rows.map((r) => r.summary.trainAcc.mean), error: rows.map((r) => r.summary.trainAcc.std) },
      { name: 'test', mean: rows.map((r) => r.summary.testAcc.mean), error: rows.map((r) => r.summary.testAcc.std) },
    ],
    { title: `Accuracy against dropout rate (mean ± std over ${repeats} seeds)`, xLabel: 'dropout rate', yLabel: 'accuracy' },
  );
  saveSvg('out/grid-search.svg', svg);
  console.log('wrote out/grid-search.svg');
}

void main();
