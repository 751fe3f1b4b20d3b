/**
 * Extension 1 of the tutorial: dropout on the visible layer. The case study's MLP with
 * Dropout(rate) on its two inputs, against no dropout and the tutorial's Dropout(0.4) on the
 * hidden layer, each over the same seeds (default 10; `node dist/examples/input-dropout.js 30`).
 */
import { repeatedEvaluation } from '../index';
import { accuracyTable, repeatsArg } from './report';
import { TASKS_MODULE } from './tasks';

async function main(): Promise<void> {
  const repeats = repeatsArg(10);
  const task = { module: TASKS_MODULE, name: 'circlesMlp' };
  const configs: Array<[string, Record<string, number>]> = [
    ['no dropout', {}],
    ['input Dropout(0.1)', { inputRate: 0.1 }],
    ['input Dropout(0.2)', { inputRate: 0.2 }],
    ['hidden Dropout(0.4)', { rate: 0.4 }],
    ['input 0.2 + hidden 0.4', { inputRate: 0.2, rate: 0.4 }],
  ];
  const rows: Array<[string, Awaited<ReturnType<typeof repeatedEvaluation>>]> = [];
  for (const [name, params] of configs) rows.push([name, await repeatedEvaluation(task, params, { repeats })]);
  console.log(`Dropout on the visible layer, ${repeats} seeds each, 4000 epochs:\n`);
  console.log(accuracyTable(rows));
}

void main();
