/**
 * Metrics, computed from the same forward pass as the loss. `accuracy` (or `acc`) means binary,
 * categorical or sparse categorical accuracy, chosen from the loss and the output width as Keras
 * chooses it.
 */
import { lookUpName } from './names';
import { LossName, targetsLike } from './losses';
import { describe, Tensor } from './tensor';

/** A metric: the batch mean of a per-sample score, from labels and predictions. */
export type MetricFn = (yTrue: Float32Array, yPred: Float32Array, rows: number, cols: number) => number;

/**
 * A metric written by hand: from a batch's targets and predictions (Tensors of their shapes,
 * never recorded), a number, or a Tensor whose mean is the batch's value. Logged under the
 * function's name.
 */
export type MetricFunction = (yTrue: Tensor, yPred: Tensor) => Tensor | number;

/** A metric as asked for (`name` is the key in `history.history`) and how it scores a batch. */
export interface Metric {
  name: string;
  /** The batch mean of the metric for targets `yTrue` and predictions `yPred` ([rows, ..., cols]). */
  compute(yTrue: Tensor, yPred: Tensor, rows: number, cols: number): number;
}

/** A built-in metric over the flat arrays. */
function builtIn(name: string, fn: MetricFn): Metric {
  return { name, compute: (t, p, rows, cols) => fn(t.data, p.data, rows, cols) };
}

/** A hand-written metric as a `Metric`: it is given views of the batch, which record nothing. */
export function customMetric(f: MetricFunction): Metric {
  return {
    name: f.name || 'metric',
    compute: (t, p) => {
      const value = f(targetsLike(t, p), new Tensor(p.data, p.shape));
      if (typeof value === 'number') return value;
      if (!(value instanceof Tensor)) throw new TypeError(`metric '${f.name}': must return a number or a Tensor, got ${describe(value)}`);
      let s = 0;
      // The mean of the values the metric gave.
      for (let i = 0; i < value.size; i++) s += value.data[i];
      return s / Math.max(value.size, 1);
    },
  };
}

/** Fraction of elements where (p > 0.5) equals the label. */
export const binaryAccuracy: MetricFn = (t, p, rows, cols) => {
  const n = rows * cols;
  let hits = 0;
  for (let i = 0; i < n; i++) if ((p[i] > 0.5 ? 1 : 0) === t[i]) hits++;
  return hits / n;
};

/** Fraction of rows where argmax(p) equals argmax(t) (one-hot labels). */
export const categoricalAccuracy: MetricFn = (t, p, rows, cols) => {
  let hits = 0;
  for (let r = 0; r < rows; r++) if (argmax(p, r * cols, cols) === argmax(t, r * cols, cols)) hits++;
  return hits / rows;
};

/** Fraction of rows where argmax(p) equals the integer label. */
export const sparseCategoricalAccuracy: MetricFn = (t, p, rows, cols) => {
  let hits = 0;
  for (let r = 0; r < rows; r++) if (argmax(p, r * cols, cols) === t[r]) hits++;
  return hits / rows;
};

/** Mean of (p - t)^2. */
export const meanSquaredError: MetricFn = (t, p, rows, cols) => {
  let s = 0;
  for (let i = 0; i < rows * cols; i++) s += (p[i] - t[i]) * (p[i] - t[i]);
  return s / (rows * cols);
};

/** Mean of |p - t|. */
export const meanAbsoluteError: MetricFn = (t, p, rows, cols) => {
  let s = 0;
  for (let i = 0; i < rows * cols; i++) s += Math.abs(p[i] - t[i]);
  return s / (rows * cols);
};

function argmax(x: Float32Array, offset: number, n: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) if (x[offset + j] > x[offset + best]) best = j;
  return best;
}

type Kind = 'accuracy' | MetricFn;
const KNOWN: Record<string, Kind> = {
  accuracy: 'accuracy',
  acc: 'accuracy',
  binary_accuracy: binaryAccuracy,
  categorical_accuracy: categoricalAccuracy,
  sparse_categorical_accuracy: sparseCategoricalAccuracy,
  mean_squared_error: meanSquaredError,
  mse: meanSquaredError,
  mean_absolute_error: meanAbsoluteError,
  mae: meanAbsoluteError,
};

/**
 * Resolves a metric name for a model compiled with `loss` (null: a hand-written loss) whose
 * output's last axis has `units` elements. Unknown names throw an Error listing the known ones.
 */
export function resolveMetric(name: unknown, loss: LossName | null, units: number): Metric {
  const kind = lookUpName('metric', name, KNOWN);
  // The sparse loss takes one class index per sample; every metric but accuracy (and its sparse
  // form) reads y element by element against the output, and would read past its end.
  const sparseLoss = loss === 'sparse_categorical_crossentropy';
  if (kind !== 'accuracy' && (kind === sparseCategoricalAccuracy) !== sparseLoss) {
    throw new Error(
      sparseLoss
        ? `metric '${String(name)}' compares y with the output element by element, but sparse_categorical_crossentropy takes one class index per sample; use 'accuracy' or 'sparse_categorical_accuracy'`
        : `metric '${String(name)}' expects one class index per sample, which only the loss sparse_categorical_crossentropy takes (this model uses ${loss}); use 'accuracy'`,
    );
  }
  let fn: MetricFn;
  if (kind !== 'accuracy') fn = kind;
  else if (loss === 'sparse_categorical_crossentropy') fn = sparseCategoricalAccuracy;
  else if (loss === 'binary_crossentropy' || units === 1) fn = binaryAccuracy;
  else fn = categoricalAccuracy;
  return builtIn(name as string, fn);
}
