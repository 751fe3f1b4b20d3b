/**
 * Parallel experiments: the wall time of 8 case-study runs (Dropout(0.4), 4000 epochs) serially
 * in this thread against on 2 worker threads, and a check that both give the same table.
 *
 * Run: npm run build && node dist/bench/experiment.js
 */
import { repeatedEvaluation } from '../index';
import { TASKS_MODULE } from '../examples/tasks';

export interface ParallelTiming {
  runs: number;
  serialSeconds: number;
  parallelSeconds: number;
  ratio: number;
  identical: boolean;
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const started = process.hrtime.bigint();
  const value = await f();
  return [value, Number(process.hrtime.bigint() - started) / 1e9];
}

/** Runs the same 8 seeds serially and on `workers` threads; the ratio is parallel / serial wall time. */
export async function benchParallel(workers = 2, runs = 8): Promise<ParallelTiming> {
  const task = { module: TASKS_MODULE, name: 'circlesMlp' };
  const params = { rate: 0.4, epochs: 4000 };
  const [serial, serialSeconds] = await timed(() => repeatedEvaluation(task, params, { repeats: runs, workers: 0 }));
  const [parallel, parallelSeconds] = await timed(() => repeatedEvaluation(task, params, { repeats: runs, workers }));
  return { runs, serialSeconds, parallelSeconds, ratio: parallelSeconds / serialSeconds, identical: JSON.stringify(serial) === JSON.stringify(parallel) };
}

async function main(): Promise<void> {
  const t = await benchParallel();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(t));
    return;
  }
  console.log(
    `${t.runs} runs: serial ${t.serialSeconds.toFixed(2)} s, 2 workers ${t.parallelSeconds.toFixed(2)} s, ratio ${t.ratio.toFixed(3)}; identical tables: ${t.identical}`,
  );
}

if (require.main === module) void main();
