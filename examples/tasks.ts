/**
 * Experiment tasks: `(params, seed) => scores` functions that `repeatedEvaluation`, `gridSearch`
 * and the `lamina` command line run, in worker threads or serially. A worker loads this module
 * (compiled: dist/examples/tasks.js) and calls a task by name.
 */
import { Params, Scores } from '../index';
import { runCaseStudy } from './circles-mlp';

/** Absolute path of this module, compiled, for `{ module, name }` task references. */
export const TASKS_MODULE = __filename.endsWith('.ts') ? require('path').join(__dirname, '..', 'dist', 'examples', 'tasks.js') : __filename;

function numberOrNull(params: Params, key: string): number | null {
  const v = params[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`circles-mlp: parameter ${key} must be a number, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * The case study: params `rate` (dropout after the hidden layer), `inputRate`, `maxNorm`,
 * `epochs` (default 4000). Scores: train and test accuracy and loss.
 */
export async function circlesMlp(params: Params, seed: number): Promise<Scores> {
  const run = await runCaseStudy({
    seed,
    rate: numberOrNull(params, 'rate'),
    inputRate: numberOrNull(params, 'inputRate'),
    maxNorm: numberOrNull(params, 'maxNorm'),
    epochs: numberOrNull(params, 'epochs') ?? 4000,
  });
  const history = run.history.history;
  return { trainAcc: run.trainAcc, testAcc: run.testAcc, trainLoss: history.loss[history.loss.length - 1], testLoss: history.val_loss[history.val_loss.length - 1] };
}

/** The tasks the command line knows, by its `--model` name. */
export const TASKS: Record<string, { name: string; about: string }> = {
  'circles-mlp': { name: 'circlesMlp', about: "the tutorial's 2-500-1 MLP on two noisy circles (params: rate, inputRate, maxNorm, epochs)" },
};
