/**
 * Dropout in a text model: Embedding(200, 16) -> LSTM(16) -> Dense(1) on the generated token task
 * (datasets/tokens.ts; 200 training and 1000 test sequences, 10% label noise), 60 epochs, with
 *
 *   no dropout; Dropout(0.5) after the LSTM; word dropout (Dropout(0.2, noiseShape [null, null, 1])
 *   after the Embedding: whole words); embedding-channel dropout (SpatialDropout1D(0.2)); the
 *   variational LSTM (dropout 0.2, recurrentDropout 0.2: one mask per sequence).
 *
 * Seeds 1..10 (default) per configuration, over worker threads. Prints the seeds first, a table of
 * mean ± std, and writes a box plot of the test accuracies (docs/embedding-study.svg) and every
 * run's scores (docs/embedding-study.json).
 *
 * Run: npm run build && node dist/examples/embedding-study.js [seeds, default 10]
 */
import * as fs from 'fs';
import { boxPlot, Evaluation, repeatedEvaluation, saveSvg } from '../index';
import { accuracyTable, repeatsArg } from './report';
import { TASKS_MODULE } from './tasks';

async function main(): Promise<void> {
  const repeats = repeatsArg(10);
  const seeds = Array.from({ length: repeats }, (_, i) => i + 1);
  const task = { module: TASKS_MODULE, name: 'tokenLstm' };
  console.log(`Seeds of every configuration: ${seeds[0]}..${seeds[seeds.length - 1]}`);
  const started = process.hrtime.bigint();
  const configurations: Array<[string, string]> = [
    ['none', 'none'],
    ['Dropout(0.5) after the LSTM', 'after-lstm'],
    ['word dropout 0.2', 'words'],
    ['SpatialDropout1D(0.2)', 'channels'],
    ['variational LSTM 0.2 / 0.2', 'variational'],
  ];
  const results: Array<[string, Evaluation]> = [];
  for (const [name, dropout] of configurations) results.push([name, await repeatedEvaluation(task, { dropout }, { seeds })]);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`Embedding study: ${repeats} seeds per configuration, 60 epochs each (${seconds.toFixed(0)} s on worker threads)\n`);
  console.log(accuracyTable(results));
  saveSvg('docs/embedding-study.svg', boxPlot(Object.fromEntries(results.map(([name, e]) => [name, e.runs.map((r) => r.testAcc)])), {
    title: `Token task, test accuracy over ${repeats} seeds`,
    yLabel: 'test accuracy',
  }));
  fs.writeFileSync('docs/embedding-study.json', JSON.stringify({ seeds, results: results.map(([name, e]) => ({ name, runs: e.runs })) }, null, 1) + '\n');
  console.log('\nwrote docs/embedding-study.svg and docs/embedding-study.json');
}

void main();
