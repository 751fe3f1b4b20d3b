/**
 * Experiment tasks: `(params, seed) => scores` functions that `repeatedEvaluation`, `gridSearch`
 * and the `lamina` command line run, in worker threads or serially. A worker loads this module
 * (compiled: dist/examples/tasks.js) and calls a task by name.
 */
import { Dense, Dropout, Embedding, LSTM, makeTokenSequences, Params, Scores, Sequential, SpatialDropout1D, splitRows } from '../index';
import { runCaseStudy } from './circles-mlp';

/** Absolute path of this module, compiled, for `{ module, name }` task references. */
export const TASKS_MODULE = __filename.endsWith('.ts') ? require('path').join(__dirname, '..', 'dist', 'examples', 'tasks.js') : __filename;

/** The parameters `circlesMlp` takes (camelCase; the command line spells them in kebab-case). */
export const CIRCLES_MLP_PARAMS = ['rate', 'inputRate', 'maxNorm', 'epochs', 'l2', 'batchNorm', 'validation'] as const;

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
    l2: numberOrNull(params, 'l2'),
    batchNorm: batchNormOf(params),
    validation: params.validation === true,
  });
  return { trainAcc: run.trainAcc, testAcc: run.testAcc, trainLoss: run.trainLoss, testLoss: run.testLoss };
}

/** The `batchNorm` parameter: 'none' (or absent), 'bn', 'bn-dropout' or 'dropout-bn'. */
function batchNormOf(params: Params): 'none' | 'bn' | 'bn-dropout' | 'dropout-bn' {
  const v = params.batchNorm ?? 'none';
  if (v === 'none' || v === 'bn' || v === 'bn-dropout' || v === 'dropout-bn') return v;
  throw new TypeError(`circles-mlp: parameter batchNorm must be 'none', 'bn', 'bn-dropout' or 'dropout-bn', got ${JSON.stringify(v)}`);
}

/** The parameters `tokenLstm` takes. */
export const TOKEN_LSTM_PARAMS = ['dropout', 'epochs'] as const;

/**
 * The embedding task (datasets/tokens.ts: 200 training and 1000 test sequences of 40 ids, vocab 200,
 * 10% label noise, data seed 0): Embedding(200, 16) -> [dropout] -> LSTM(16) -> [dropout] ->
 * Dense(1, sigmoid), Adam, batch 32. `dropout`: 'none', 'after-lstm' (Dropout(0.5) after the LSTM),
 * 'words' (Dropout(0.2) with noiseShape [null, null, 1]: whole words), 'channels'
 * (SpatialDropout1D(0.2): whole embedding channels), 'variational' (LSTM dropout 0.2 and
 * recurrentDropout 0.2). Scores: train and test accuracy and loss.
 */
export async function tokenLstm(params: Params, seed: number): Promise<Scores> {
  checkParams('token-lstm', params, TOKEN_LSTM_PARAMS);
  const kind = params.dropout ?? 'none';
  const { X, y } = makeTokenSequences({ nSamples: 1200, randomState: 0 });
  const { trainX, testX, trainY, testY } = splitRows(X, y, 200);
  const model = new Sequential({ seed });
  model.add(new Embedding(200, 16, { inputShape: [40] }));
  if (kind === 'words') model.add(new Dropout(0.2, { noiseShape: [null, null, 1] }));
  if (kind === 'channels') model.add(new SpatialDropout1D(0.2));
  model.add(new LSTM(16, kind === 'variational' ? { dropout: 0.2, recurrentDropout: 0.2 } : {}));
  if (kind === 'after-lstm') model.add(new Dropout(0.5));
  if (!['none', 'words', 'channels', 'variational', 'after-lstm'].includes(String(kind))) {
    throw new TypeError(`token-lstm: parameter dropout must be 'none', 'after-lstm', 'words', 'channels' or 'variational', got ${JSON.stringify(kind)}`);
  }
  model.add(new Dense(1, { activation: 'sigmoid' }));
  model.compile({ loss: 'binary_crossentropy', optimizer: 'adam', metrics: ['accuracy'] });
  await model.fit(trainX, trainY, { epochs: numberOrNull(params, 'epochs') ?? 60, batchSize: 32, verbose: 0 });
  const [trainLoss, trainAcc] = model.evaluate(trainX, trainY);
  const [testLoss, testAcc] = model.evaluate(testX, testY);
  return { trainAcc, testAcc, trainLoss, testLoss };
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
  'token-lstm': { name: 'tokenLstm', about: 'Embedding -> LSTM on generated token sequences (datasets/tokens.ts)', params: TOKEN_LSTM_PARAMS },
};
