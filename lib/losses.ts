/**
 * Losses as differentiable ops: the batch mean of a per-sample loss, with Keras' and TensorFlow.js's
 * definitions to the float32 bit where it shows:
 * - probabilities are clipped to [LOW, HIGH], Keras' epsilon 1e-7 cast to float32 as both engines
 *   do (1 - 1e-7 rounds to 0.99999988), so a prediction of exactly 0 or 1 stays finite and costs
 *   what it costs there; the gradient is zero where the clip is active, bounds included in the range;
 * - the categorical cross-entropies first divide each row by its sum, so outputs that do not sum to
 *   1 (sigmoid units) are normalized as Keras and TF.js normalize them, in forward and backward.
 */
import { CallContext, gradOf, record, Workspace } from './autodiff';
import { lookUpName } from './names';
import { meanAll } from './ops';
import { describe, Tensor, shapeToString } from './tensor';

/**
 * A loss written by hand: from a batch's targets (a Tensor, never recorded) and predictions (the
 * model's output, recorded while fitting), a Tensor of ops (lib/tensor-ops.ts): one value per
 * sample, or already their mean. `fit` takes the mean, as Keras does.
 */
export type LossFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;

/**
 * The targets as a view (never recorded) with the predictions' shape when they hold as many
 * values (y given as [n] for an output [n, 1]), as Keras brings y_true to y_pred's rank: a
 * hand-written `yTrue.mul(yPred)` then multiplies elementwise instead of broadcasting to [n, n].
 */
export function targetsLike(yTrue: Tensor, yPred: Tensor): Tensor {
  return new Tensor(yTrue.data, yTrue.size === yPred.size ? yPred.shape : yTrue.shape);
}

/**
 * The scalar loss of a hand-written loss `f` on a batch: f's value, or the mean of its values.
 * It records through f's own ops, on the tape yPred was recorded on.
 */
export function customLossOp(ctx: CallContext, ws: Workspace, f: LossFunction, yTrue: Tensor, yPred: Tensor, where: string): Tensor {
  const value = f(targetsLike(yTrue, yPred), yPred);
  if (!(value instanceof Tensor)) throw new TypeError(`${where}: the loss function '${f.name || 'anonymous'}' must return a Tensor, got ${describe(value)}`);
  if (value.size === 0) throw new RangeError(`${where}: the loss function '${f.name || 'anonymous'}' returned an empty tensor`);
  return value.size === 1 ? value : meanAll(ctx, ws, value);
}

/**
 * A built-in loss as a function of (yTrue, yPred) for code written by hand (a custom training
 * loop): the same op `fit` uses, recording on yPred's tape. Returns the batch mean, a scalar.
 */
export function lossFunction(name: string): LossFunction {
  const loss = resolveLoss(name);
  const f = (yTrue: Tensor, yPred: Tensor): Tensor => lossOp({ training: false }, new Workspace(), loss, Tensor.from(yTrue, `${loss}: yTrue`), yPred);
  Object.defineProperty(f, 'name', { value: loss });
  return f;
}

/** Keras' fuzz factor for logs of probabilities. */
export const EPSILON = 1e-7;
/** The clip bounds of probabilities: EPSILON and 1 - EPSILON as float32 tensors hold them (1.0000000117e-7, 0.99999988). */
const LOW = Math.fround(EPSILON);
const HIGH = Math.fround(1 - EPSILON);

export type LossName =
  | 'binary_crossentropy'
  | 'categorical_crossentropy'
  | 'sparse_categorical_crossentropy'
  | 'mean_squared_error'
  | 'mean_absolute_error';

const KNOWN: Record<string, LossName> = {
  binary_crossentropy: 'binary_crossentropy',
  categorical_crossentropy: 'categorical_crossentropy',
  sparse_categorical_crossentropy: 'sparse_categorical_crossentropy',
  mean_squared_error: 'mean_squared_error',
  mse: 'mean_squared_error',
  mean_absolute_error: 'mean_absolute_error',
  mae: 'mean_absolute_error',
};

/** A loss name in either spelling -> its Keras name; unknown -> an Error listing the known ones. */
export function resolveLoss(name: unknown): LossName {
  return lookUpName('loss', name, KNOWN);
}

/**
 * Checks that `yTrue` fits a prediction of shape `predShape` (batch first) for `loss`, and that
 * its values are valid labels. Called once per fit/evaluate, not per batch.
 */
export function checkTargets(loss: LossName, yTrue: Tensor, predShape: readonly number[], where: string): void {
  const rows = yTrue.shape[0];
  const perSample = predShape.slice(1).reduce((a, b) => a * b, 1);
  const expected = loss === 'sparse_categorical_crossentropy' ? rows * (perSample / predShape[predShape.length - 1]) : rows * perSample;
  if (yTrue.size !== expected) {
    const want =
      loss === 'sparse_categorical_crossentropy'
        ? 'one integer class label per sample'
        : `${perSample} value(s) per sample to match the model's output shape [batch, ${predShape.slice(1).join(', ')}]`;
    throw new RangeError(`${where}: y has shape ${shapeToString(yTrue.shape)}; ${loss} expects ${want}`);
  }
  const d = yTrue.data;
  if (loss === 'binary_crossentropy') {
    for (let i = 0; i < d.length; i++) {
      if (!(d[i] >= 0 && d[i] <= 1)) {
        throw new RangeError(`${where}: binary_crossentropy expects labels in {0, 1} (or probabilities in [0, 1]), found ${d[i]} at y index ${i}`);
      }
    }
  } else if (loss === 'sparse_categorical_crossentropy') {
    const classes = predShape[predShape.length - 1];
    for (let i = 0; i < d.length; i++) {
      if (!Number.isInteger(d[i]) || d[i] < 0 || d[i] >= classes) {
        throw new RangeError(`${where}: sparse_categorical_crossentropy expects integer labels in [0, ${classes - 1}], found ${d[i]} at y index ${i}`);
      }
    }
  }
}

/**
 * The loss op: a scalar tensor holding the batch-mean loss of `yPred` ([batch, ..., k]) against
 * `yTrue` (same size, or one class index per row for the sparse loss). Backward adds
 * d(loss)/d(yPred) into `yPred.grad`.
 */
export function lossOp(ctx: CallContext, ws: Workspace, loss: LossName, yTrue: Tensor, yPred: Tensor): Tensor {
  const out = ws.get(ctx, 'loss.out', []);
  const cols = yPred.shape[yPred.shape.length - 1];
  const rows = yPred.size / cols;
  const t = yTrue.data;
  const p = yPred.data;
  let total = 0;
  switch (loss) {
    case 'binary_crossentropy':
      // mean over every element of -(t log p + (1 - t) log(1 - p)), p clipped to [LOW, HIGH]
      for (let i = 0; i < p.length; i++) {
        const q = clip(p[i]);
        total -= t[i] * Math.log(q) + (1 - t[i]) * Math.log(1 - q);
      }
      total /= p.length;
      break;
    case 'categorical_crossentropy':
    case 'sparse_categorical_crossentropy':
      // mean over rows of -sum_j t_j log clip(q_j), q = the row divided by its sum
      for (let r = 0; r < rows; r++) total += rowCrossentropy(loss, t, p, r, cols);
      total /= rows;
      break;
    case 'mean_squared_error':
      for (let i = 0; i < p.length; i++) total += (p[i] - t[i]) * (p[i] - t[i]);
      total /= p.length;
      break;
    case 'mean_absolute_error':
      for (let i = 0; i < p.length; i++) total += Math.abs(p[i] - t[i]);
      total /= p.length;
      break;
  }
  out.data[0] = total;

  record(ctx, out, [yPred], () => {
    const dp = gradOf(yPred);
    if (dp === null) return;
    const g = (out.grad as Float32Array)[0];
    switch (loss) {
      case 'binary_crossentropy': {
        const s = g / p.length;
        // d/dp = -(t/p - (1-t)/(1-p)) / n inside the clip range, 0 where the clip is active
        for (let i = 0; i < p.length; i++) {
          const q = p[i];
          if (inRange(q)) dp[i] += -s * (t[i] / q - (1 - t[i]) / (1 - q));
        }
        break;
      }
      case 'categorical_crossentropy':
      case 'sparse_categorical_crossentropy':
        for (let r = 0; r < rows; r++) rowCrossentropyBackward(loss, t, p, r, cols, dp, g / rows);
        break;
      case 'mean_squared_error': {
        const s = (2 * g) / p.length;
        for (let i = 0; i < p.length; i++) dp[i] += s * (p[i] - t[i]);
        break;
      }
      case 'mean_absolute_error': {
        const s = g / p.length;
        for (let i = 0; i < p.length; i++) dp[i] += s * Math.sign(p[i] - t[i]);
        break;
      }
    }
  });
  return out;
}

/** p clipped to [LOW, HIGH] (NaN stays NaN). */
function clip(p: number): number {
  return p < LOW ? LOW : p > HIGH ? HIGH : p;
}

/** Whether the clip passes p through (its gradient is 1 there, 0 elsewhere; bounds included, as TF.js's clipByValue). */
function inRange(p: number): boolean {
  return p >= LOW && p <= HIGH;
}

/** The target weight of column j in row r: t itself, or 1 at the row's class index for the sparse loss. */
function targetAt(loss: LossName, t: Float32Array, r: number, j: number, cols: number): number {
  return loss === 'sparse_categorical_crossentropy' ? (t[r] === j ? 1 : 0) : t[r * cols + j];
}

/** c_j of a categorical row: p_j, or clip(p_j) for the sparse loss (TF.js and Keras' TensorFlow backend clip it before normalizing). */
function rowEntry(loss: LossName, p: Float32Array, i: number): number {
  return loss === 'sparse_categorical_crossentropy' ? clip(p[i]) : p[i];
}

/** The sum of row r's entries c_j. */
function rowSum(loss: LossName, p: Float32Array, r: number, cols: number): number {
  let s = 0;
  for (let j = 0; j < cols; j++) s += rowEntry(loss, p, r * cols + j);
  return s;
}

/**
 * Row r's categorical cross-entropy as Keras and TF.js compute it: with c_j = rowEntry, s = sum_j c_j
 * and q_j = c_j / s (the row normalized to sum to 1), -sum_j t_j log clip(q_j).
 */
function rowCrossentropy(loss: LossName, t: Float32Array, p: Float32Array, r: number, cols: number): number {
  const s = rowSum(loss, p, r, cols);
  let value = 0;
  // -sum_j t_j log clip(q_j)
  for (let j = 0; j < cols; j++) {
    const tj = targetAt(loss, t, r, j, cols);
    if (tj !== 0) value -= tj * Math.log(clip(rowEntry(loss, p, r * cols + j) / s));
  }
  return value;
}

/**
 * Adds `scale` * d rowCrossentropy / d p into row r of `dp`. With a_j = d loss / d q_j = -t_j / q_j
 * where the clip passes q_j (0 elsewhere), the division by the row sum gives
 * d loss / d c_k = (a_k - sum_j a_j q_j) / s; the sparse loss's first clip passes it on to p_k only
 * where p_k is inside the clip range.
 */
function rowCrossentropyBackward(loss: LossName, t: Float32Array, p: Float32Array, r: number, cols: number, dp: Float32Array, scale: number): void {
  const o = r * cols;
  const s = rowSum(loss, p, r, cols);
  let aq = 0;
  // sum_j a_j q_j = -(the sum of t_j over the columns where the clip passes q_j)
  for (let j = 0; j < cols; j++) {
    const tj = targetAt(loss, t, r, j, cols);
    if (tj !== 0 && inRange(rowEntry(loss, p, o + j) / s)) aq -= tj;
  }
  // d loss / d p_k = (a_k - sum_j a_j q_j) / s, masked by the sparse loss's first clip
  for (let k = 0; k < cols; k++) {
    if (loss === 'sparse_categorical_crossentropy' && !inRange(p[o + k])) continue;
    const tk = targetAt(loss, t, r, k, cols);
    const q = rowEntry(loss, p, o + k) / s;
    const a = tk !== 0 && inRange(q) ? -tk / q : 0;
    dp[o + k] += (scale * (a - aq)) / s;
  }
}
