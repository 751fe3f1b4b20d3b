/**
 * Parallel experiments: the wall time of 8 case-study runs (Dropout(0.4), 4000 epochs) serially
 * in this thread against on 2 worker threads, and a check that both give the same table.
 *
 * Run: npm run build && node dist/bench/experiment.js
 */
import { repeatedEvaluation } from '../index';
import { TASKS_MODULE } from '../examples/tasks';
import { cpuPercent, measured } from './cpu';

export interface ParallelTiming {
  runs: number;
  serialSeconds: number;
  parallelSeconds: number;
  ratio: number;
  identical: boolean;
  /** CPU time over wall time of each side, in percent (the worker threads count in this process's CPU time). */
  serialCpuPercent: number | null;
  parallelCpuPercent: number | null;
}

/** Runs the same 8 seeds serially and on `workers` threads; the ratio is parallel / serial wall time. */
export async function benchParallel(workers = 2, runs = 8): Promise<ParallelTiming> {
  const task = { module: TASKS_MODULE, name: 'circlesMlp' };
  const params = { rate: 0.4, epochs: 4000 };
  const serial = await measured(() => repeatedEvaluation(task, params, { repeats: runs, workers: 0 }));
  const parallel = await measured(() => repeatedEvaluation(task, params, { repeats: runs, workers }));
  const [serialSeconds, parallelSeconds] = [serial.span.wallSeconds, parallel.span.wallSeconds];
  return {
    runs,
    serialSeconds,
    parallelSeconds,
    ratio: parallelSeconds / serialSeconds,
    identical: JSON.stringify(serial.value) === JSON.stringify(parallel.value),
    serialCpuPercent: cpuPercent(serial.span.cpuSeconds, serialSeconds),
    parallelCpuPercent: cpuPercent(parallel.span.cpuSeconds, parallelSeconds),
  };
}

async function main(): Promise<void> {
  const t = await benchParallel();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(t));
    return;
  }
  console.log(
    `${t.runs} runs: serial ${t.serialSeconds.toFixed(2)} s (${t.serialCpuPercent?.toFixed(0)}% CPU), 2 workers ${t.parallelSeconds.toFixed(2)} s (${t.parallelCpuPercent?.toFixed(0)}% CPU), ratio ${t.ratio.toFixed(3)}; identical tables: ${t.identical}`,
  );
}

if (require.main === module) void main();
