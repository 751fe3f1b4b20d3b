/**
 * Extension 3 of the tutorial: repeated evaluation. A single run says little about a stochastic
 * learner, so the overfit MLP and the MLP with Dropout(0.4) are each trained 30 times (seeds
 * 1..30, default; `node dist/examples/repeated-evaluation.js 10` for fewer), over worker threads.
 * Prints a table and writes a box plot of the test accuracies to out/repeated-evaluation.svg.
 */
import { boxPlot, repeatedEvaluation, saveSvg } from '../index';
import { accuracyTable, repeatsArg } from './report';
import { TASKS_MODULE } from './tasks';

async function main(): Promise<void> {
  const repeats = repeatsArg(30);
  const task = { module: TASKS_MODULE, name: 'circlesMlp' };
  const started = process.hrtime.bigint();
  const overfit = await repeatedEvaluation(task, {}, { repeats });
  const dropout = await repeatedEvaluation(task, { rate: 0.4 }, { repeats });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`Repeated evaluation: ${repeats} runs per model, 4000 epochs each (${seconds.toFixed(1)} s on worker threads)\n`);
  console.log(accuracyTable([['no dropout', overfit], ['Dropout(0.4)', dropout]]));
  const svg = boxPlot(
    { 'no dropout': overfit.runs.map((r) => r.testAcc), 'Dropout(0.4)': dropout.runs.map((r) => r.testAcc) },
    { title: `Test accuracy over ${repeats} runs`, yLabel: 'test accuracy' },
  );
  saveSvg('out/repeated-evaluation.svg', svg);
  console.log('\nwrote out/repeated-evaluation.svg');
}

void main();
