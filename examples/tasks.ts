/**
 * Experiment tasks: `(params, seed) => scores` functions that `repeatedEvaluation`, `gridSearch`
 * and the `lamina` command line run, in worker threads or serially. A worker loads this module
 * (compiled: dist/examples/tasks.js) and calls a task by name.
 */
import { Params, Scores } from '../index';
import { runCaseStudy } from './circles-mlp';

/** Absolute path of this module, compiled, for `{ module, name }` task references. */
export const TASKS_MODULE = __filename.endsWith('.ts') ? require('path').join(__dirname, '..', 'dist', 'examples', 'tasks.js') : __filename;

/** The parameters `circlesMlp` takes (camelCase; the command line spells them in kebab-case). */
export const CIRCLES_MLP_PARAMS = ['rate', 'inputRate', 'maxNorm', 'epochs'] as const;

/** Throws an Error naming a parameter the task does not take (a misspelling would otherwise be ignored). */
function checkParams(task: string, params: Params, known: readonly string[]): void {
  for (const key of Object.keys(params)) {
    if (!known.includes(key)) throw new Error(`${task}: unknown parameter '${key}'; it takes ${known.join(', ')}`);
  }
}

function numberOrNull(params: Params, key: string): number | null {
  const v = params[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`circles-mlp: parameter ${key} must be a number, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * The case study: params `rate` (dropout after the hidden layer), `inputRate`, `maxNorm`,
 * `epochs` (default 4000; 0 trains nothing, as in Keras, and scores the initial weights). Scores:
 * train and test accuracy and loss of the trained model (`evaluate`, dropout off), which exist
 * for any number of epochs.
 */
export async function circlesMlp(params: Params, seed: number): Promise<Scores> {
  checkParams('circles-mlp', params, CIRCLES_MLP_PARAMS);
  const run = await runCaseStudy({
    seed,
    rate: numberOrNull(params, 'rate'),
    inputRate: numberOrNull(params, 'inputRate'),
    maxNorm: numberOrNull(params, 'maxNorm'),
    epochs: numberOrNull(params, 'epochs') ?? 4000,
  });
  return { trainAcc: run.trainAcc, testAcc: run.testAcc, trainLoss: run.trainLoss, testLoss: run.testLoss };
}

/** A task the command line knows: its export name in this module, what it is, the parameters it takes. */
export interface TaskInfo {
  name: string;
  about: string;
  params: readonly string[];
}

/** The tasks the command line knows, by its `--model` name. */
export const TASKS: Record<string, TaskInfo> = {
  'circles-mlp': { name: 'circlesMlp', about: "the tutorial's 2-500-1 MLP on two noisy circles", params: CIRCLES_MLP_PARAMS },
};
