/**
 * Experiments with more than one run: repeated evaluation (the same configuration over many
 * seeds, summarised as mean, standard deviation, min and max) and grid search (every combination
 * of parameter values, each repeated). Runs go to a pool of `worker_threads`; because every run
 * is seeded, a parallel table is identical to a serial one.
 *
 * A run is a *task*: `(params, seed) => scores`. Functions cannot cross threads, so a task that
 * runs in workers is named by the module that exports it: `{ module: '/abs/path/tasks.js',
 * name: 'circlesMlp' }`. A task given as a plain function runs serially in this thread.
 */
import { describe } from './tensor';
import type * as WORKER_THREADS from 'worker_threads';
import type * as OS from 'os';
import { nodeBuiltin } from './platform';
import { checkOptions, moreOptionKeys, optionKeys } from './options';

/** Parameters of one run, e.g. `{ rate: 0.4, epochs: 4000 }`. */
export type Params = Record<string, number | string | boolean | null>;
/** Scores of one run, e.g. `{ trainAcc: 1, testAcc: 0.757 }`. */
export type Scores = Record<string, number>;
/** One run of an experiment. */
export type TaskFn = (params: Params, seed: number) => Scores | Promise<Scores>;
/** A task exported by a (compiled JavaScript) module, which each worker loads. */
export interface TaskRef {
  /** Absolute path of the module. */
  module: string;
  /** Name of the exported task function (default `run`). */
  name?: string;
}

/** mean, standard deviation (population, as numpy's default), min and max of one score. */
export interface Summary {
  mean: number;
  std: number;
  min: number;
  max: number;
}

/** Options of `repeatedEvaluation` and `gridSearch`. */
export interface ExperimentOptions {
  /** Number of runs per configuration (default: the number of seeds, or 10). */
  repeats?: number;
  /** The seed of each repeat (default 1, 2, ..., repeats). */
  seeds?: number[];
  /** Worker threads (default: the number of cores); 0 runs serially in this thread. */
  workers?: number;
}

const EXPERIMENT_KEYS = optionKeys<ExperimentOptions>({ repeats: true, seeds: true, workers: true });
const GRID_SEARCH_KEYS = moreOptionKeys<ExperimentOptions & { base?: Params }, ExperimentOptions>(EXPERIMENT_KEYS, { base: true });

/** Result of `repeatedEvaluation`. */
export interface Evaluation {
  params: Params;
  seeds: number[];
  /** Scores of each run, in seed order. */
  runs: Scores[];
  /** Per score name. */
  summary: Record<string, Summary>;
}

/** Runs `task(params, seed)` once per seed and summarises each score. */
export async function repeatedEvaluation(task: TaskFn | TaskRef, params: Params = {}, options: ExperimentOptions = {}): Promise<Evaluation> {
  checkOptions('repeatedEvaluation', options, EXPERIMENT_KEYS);
  const [row] = await runGrid('repeatedEvaluation', task, [params], options);
  return row;
}

/**
 * Runs every combination of the values in `grid` (e.g. `{ rate: [0, 0.1, ..., 0.9] }`), merged
 * over `base` parameters, `repeats` times each; returns one summarised row per combination, in
 * the grid's order (first key slowest).
 */
export async function gridSearch(
  task: TaskFn | TaskRef,
  grid: Record<string, ReadonlyArray<Params[string]>>,
  options: ExperimentOptions & { base?: Params } = {},
): Promise<Evaluation[]> {
  checkOptions('gridSearch', options, GRID_SEARCH_KEYS);
  if (typeof grid !== 'object' || grid === null || Object.keys(grid).length === 0) {
    throw new RangeError('gridSearch: grid must name at least one parameter with a list of values, e.g. { rate: [0, 0.2, 0.4] }');
  }
  for (const [key, values] of Object.entries(grid)) {
    if (!Array.isArray(values) || values.length === 0) {
      throw new RangeError(`gridSearch: grid.${key} has no values; give it a non-empty array`);
    }
  }
  // The cartesian product of the value lists, first key slowest.
  let combos: Params[] = [{ ...(options.base ?? {}) }];
  for (const [key, values] of Object.entries(grid)) {
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  }
  return runGrid('gridSearch', task, combos, options);
}

/** Mean, population standard deviation, min and max. */
export function summarize(values: readonly number[]): Summary {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / n;
  return { mean, std: Math.sqrt(variance), min: Math.min(...values), max: Math.max(...values) };
}

async function runGrid(where: string, task: TaskFn | TaskRef, combos: Params[], options: ExperimentOptions): Promise<Evaluation[]> {
  const seeds = resolveSeeds(where, options);
  const workers = options.workers ?? nodeBuiltin<typeof OS>('os', where).cpus().length;
  if (!Number.isInteger(workers) || workers < 0) throw new RangeError(`${where}: workers must be a non-negative integer, got ${describe(workers)}`);
  const jobs = combos.flatMap((params) => seeds.map((seed) => ({ params, seed })));
  const scores =
    typeof task === 'function'
      ? await runSerial(task, jobs)
      : workers === 0
        ? await runSerial(loadTask(task), jobs)
        : await runInWorkers(task, jobs, workers);
  return combos.map((params, c) => {
    const runs = scores.slice(c * seeds.length, (c + 1) * seeds.length);
    const summary: Record<string, Summary> = {};
    for (const name of Object.keys(runs[0])) summary[name] = summarize(runs.map((r) => r[name]));
    return { params, seeds, runs, summary };
  });
}

function resolveSeeds(where: string, { repeats, seeds }: ExperimentOptions): number[] {
  if (repeats !== undefined && (!Number.isInteger(repeats) || repeats < 1)) {
    throw new RangeError(`${where}: repeats must be an integer >= 1, got ${describe(repeats)}`);
  }
  if (seeds !== undefined) {
    if (!Array.isArray(seeds) || seeds.length === 0 || !seeds.every(Number.isInteger)) {
      throw new RangeError(`${where}: seeds must be a non-empty array of integers, got ${JSON.stringify(seeds)}`);
    }
    if (repeats !== undefined && repeats !== seeds.length) {
      throw new RangeError(`${where}: repeats (${repeats}) and seeds (${seeds.length} of them) disagree`);
    }
    return seeds.slice();
  }
  return Array.from({ length: repeats ?? 10 }, (_, i) => i + 1);
}

interface Job {
  params: Params;
  seed: number;
}

/** The exported task function of a module. */
function loadTask({ module, name = 'run' }: TaskRef): TaskFn {
  if (typeof require !== 'function') throw new Error(`experiment: a task given by module path ('${module}') needs Node.js's require; pass the task function itself`);
  const fn = require(module)[name];
  if (typeof fn !== 'function') throw new TypeError(`experiment: module '${module}' exports no function '${name}'`);
  return fn as TaskFn;
}

async function runSerial(task: TaskFn, jobs: Job[]): Promise<Scores[]> {
  const out: Scores[] = [];
  for (const job of jobs) out.push(checkScores(await task(job.params, job.seed), job));
  return out;
}

function checkScores(scores: unknown, job: Job): Scores {
  if (typeof scores !== 'object' || scores === null || !Object.values(scores).every((v) => typeof v === 'number')) {
    throw new TypeError(`experiment: a task must return an object of numbers; for seed ${job.seed} it returned ${JSON.stringify(scores)}`);
  }
  return scores as Scores;
}

/** The code each worker runs: load the task once, then run the jobs it is sent. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('worker_threads');
const fn = require(workerData.module)[workerData.name];
parentPort.on('message', async (job) => {
  try {
    parentPort.postMessage({ index: job.index, scores: await fn(job.params, job.seed) });
  } catch (error) {
    parentPort.postMessage({ index: job.index, error: String((error && error.stack) || error) });
  }
});
`;

/** Runs the jobs on `size` workers, each taking the next job when it finishes one; results in job order. */
function runInWorkers(ref: TaskRef, jobs: Job[], size: number): Promise<Scores[]> {
  loadTask(ref); // fail early, in this thread, if the module or export is missing
  const results: Scores[] = new Array(jobs.length);
  let next = 0;
  let done = 0;
  return new Promise((resolve, reject) => {
    const { Worker } = nodeBuiltin<typeof WORKER_THREADS>('worker_threads', 'experiments on worker threads');
    const pool: WORKER_THREADS.Worker[] = [];
    const finish = (error?: Error) => {
      for (const w of pool) void w.terminate();
      if (error) reject(error);
      else resolve(results);
    };
    const feed = (worker: WORKER_THREADS.Worker) => {
      if (next < jobs.length) {
        const index = next++;
        worker.postMessage({ index, ...jobs[index] });
      }
    };
    // Start min(size, jobs) workers and give each its first job.
    for (let i = 0; i < Math.min(size, jobs.length); i++) {
      // Each worker runs its model on one thread: the workers themselves already use the cores.
      const env = { ...process.env, LAMINA_THREADS: '1' };
      const worker = new Worker(WORKER_SOURCE, { eval: true, env, workerData: { module: ref.module, name: ref.name ?? 'run' } });
      pool.push(worker);
      worker.on('message', (m: { index: number; scores?: Scores; error?: string }) => {
        if (m.error !== undefined) return finish(new Error(`experiment: the run with seed ${jobs[m.index].seed} failed in a worker: ${m.error}`));
        results[m.index] = checkScores(m.scores, jobs[m.index]);
        if (++done === jobs.length) finish();
        else feed(worker);
      });
      worker.on('error', (e) => finish(e));
      feed(worker);
    }
  });
}
