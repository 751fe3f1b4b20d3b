/**
 * Extension 2 of the tutorial: a weight constraint. MaxNorm(3) on the hidden layer's kernel, with
 * and without Dropout(0.4), over the same seeds (default 10; `node dist/examples/maxnorm.js 30`).
 */
import { repeatedEvaluation } from '../index';
import { accuracyTable, repeatsArg } from './report';
import { TASKS_MODULE } from './tasks';

async function main(): Promise<void> {
  const repeats = repeatsArg(10);
  const task = { module: TASKS_MODULE, name: 'circlesMlp' };
  const configs: Array<[string, Record<string, number>]> = [
    ['no dropout', {}],
    ['MaxNorm(3)', { maxNorm: 3 }],
    ['Dropout(0.4)', { rate: 0.4 }],
    ['Dropout(0.4) + MaxNorm(3)', { rate: 0.4, maxNorm: 3 }],
  ];
  const rows: Array<[string, Awaited<ReturnType<typeof repeatedEvaluation>>]> = [];
  for (const [name, params] of configs) rows.push([name, await repeatedEvaluation(task, params, { repeats })]);
  console.log(`MaxNorm(3) on the hidden layer, ${repeats} seeds each, 4000 epochs:\n`);
  console.log(accuracyTable(rows));
}

void main();
