/**
 * What `compile` fixes for each output of a model: its loss, its weight in the total loss and its
 * metrics, and the names they are logged under. One output logs `loss` and each metric by the
 * name asked for (`accuracy`); several log `loss` (the weighted sum), `<output>_loss` and
 * `<output>_<metric>`, as Keras names them.
 */
import { LossFunction, LossName, resolveLoss } from './losses';
import { customMetric, Metric, MetricFunction, resolveMetric } from './metrics';
import { Optimizer, resolveOptimizer } from './optimizers';
import { checkOptions, optionKeys } from './options';
import { describe, Tensor } from './tensor';

/** Options of `compile`. */
export interface CompileArgs {
  /**
   * `'binary_crossentropy'`, `'categorical_crossentropy'`, `'sparse_categorical_crossentropy'`,
   * `'mean_squared_error'`, ...: one for every output, a list (one per output, in order) or an
   * object keyed by output name.
   */
  loss: LossSpec | readonly LossSpec[] | Readonly<Record<string, LossSpec>>;
  /** An optimizer name (`'adam'`, `'sgd'`, `'rmsprop'`) or object (default `'rmsprop'`, as Keras). */
  optimizer?: string | Optimizer;
  /**
   * Metric names, e.g. `['accuracy']` (for every output); for several outputs also a list of
   * lists (one per output) or an object keyed by output name. Logged under the name given.
   */
  metrics?: readonly MetricSpec[] | readonly (readonly MetricSpec[])[] | Readonly<Record<string, readonly MetricSpec[]>>;
  /** The weight of each output's loss in the total (a list, or an object by output name; default 1 each). */
  lossWeights?: readonly number[] | Readonly<Record<string, number>>;
}

/** A loss: a name, or a function of (yTrue, yPred) written with ops. */
export type LossSpec = string | LossFunction;
/** A metric: a name, or a function of (yTrue, yPred). */
export type MetricSpec = string | MetricFunction;

export const COMPILE_KEYS = optionKeys<CompileArgs>({ loss: true, optimizer: true, metrics: true, lossWeights: true });

/** How one output is trained. */
export interface OutputTraining {
  /** The output's name (its layer's name). */
  name: string;
  /** A loss name, or a hand-written loss function. */
  loss: LossName | LossFunction;
  /** Its weight in the total loss. */
  weight: number;
  metrics: Metric[];
}

/** The result of `compile`. */
export interface Compiled {
  optimizer: Optimizer;
  outputs: OutputTraining[];
  /** The log names, in the order `evaluate` returns them: loss, then each output's loss (several outputs), then the metrics. */
  logNames: string[];
  /** Each output's loss weight, in order. */
  lossWeights: number[];
  /** A list reused by each step for the outputs' loss ops. */
  losses: Tensor[];
  /** False when a loss or metric is a function: the training config cannot be saved (the model saves uncompiled). */
  savable: boolean;
}

/** One value per output from a single value (for all), a list (in order) or an object by name. */
function perOutput<T>(where: string, arg: unknown, names: readonly string[], isOne: (v: unknown) => boolean, fallback: T | undefined, what: string): T[] {
  if (isOne(arg)) return names.map(() => arg as T);
  if (Array.isArray(arg)) {
    if (arg.length !== names.length) throw new RangeError(`${where}: ${what} has ${arg.length} entries but the model has ${names.length} outputs (${names.join(', ')})`);
    return arg as T[];
  }
  if (typeof arg === 'object' && arg !== null) {
    const record = arg as Record<string, T>;
    for (const key of Object.keys(record)) if (!names.includes(key)) throw new Error(`${where}: ${what} names '${key}', which is not an output; the outputs are ${names.join(', ')}`);
    return names.map((n) => {
      if (n in record) return record[n];
      if (fallback !== undefined) return fallback;
      throw new Error(`${where}: ${what} gives nothing for the output '${n}'`);
    });
  }
  throw new TypeError(`${where}: ${what} should be one value, a list (one per output) or an object by output name, got ${describe(arg)}`);
}

/** Checks `compile`'s arguments for a model with these outputs (names and per-sample shapes). */
export function resolveCompile(where: string, args: CompileArgs, outputs: readonly { name: string; shape: readonly number[] }[]): Compiled {
  if (args === undefined) throw new TypeError(`${where}: expected { loss, optimizer, metrics }, got undefined`);
  checkOptions(where, args, COMPILE_KEYS);
  const names = outputs.map((o) => o.name);
  const losses = perOutput<unknown>(where, args.loss, names, (v) => typeof v === 'string' || typeof v === 'function' || v === undefined, undefined, 'loss').map(
    (l): LossName | LossFunction => (typeof l === 'function' ? (l as LossFunction) : resolveLoss(l)),
  );
  const weights = perOutput<number>(where, args.lossWeights ?? 1, names, (v) => typeof v === 'number', 1, 'lossWeights');
  weights.forEach((w, i) => {
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw new RangeError(`${where}: lossWeights for '${names[i]}' must be a finite number >= 0, got ${describe(w)}`);
  });
  const metricArg = args.metrics === undefined ? [] : args.metrics;
  if (typeof metricArg !== 'object' || metricArg === null) {
    throw new TypeError(`${where}: metrics must be an array of names, e.g. ['accuracy'], got ${describe(metricArg)}`);
  }
  const flat = Array.isArray(metricArg) && metricArg.every((m) => !Array.isArray(m));
  const metricNames = perOutput<readonly string[]>(where, metricArg, names, () => flat, [], 'metrics');
  const optimizer = resolveOptimizer(args.optimizer ?? 'rmsprop');
  const trained = outputs.map((o, i) => {
    const list = metricNames[i];
    if (!Array.isArray(list)) throw new TypeError(`${where}: metrics for '${o.name}' must be an array of names, got ${describe(list)}`);
    const units = o.shape[o.shape.length - 1];
    const named = typeof losses[i] === 'string' ? (losses[i] as LossName) : null;
    return { name: o.name, loss: losses[i], weight: weights[i], metrics: list.map((m) => (typeof m === 'function' ? customMetric(m) : resolveMetric(m, named, units))) };
  });
  const single = trained.length === 1;
  const logNames = ['loss'];
  if (!single) for (const o of trained) logNames.push(`${o.name}_loss`);
  for (const o of trained) for (const m of o.metrics) logNames.push(single ? m.name : `${o.name}_${m.name}`);
  const savable = losses.every((l) => typeof l === 'string') && metricNames.every((list) => list.every((m) => typeof m === 'string'));
  return { optimizer, outputs: trained, logNames, lossWeights: weights.slice(), losses: new Array<Tensor>(trained.length), savable };
}
