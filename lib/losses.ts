/**
 * Losses as differentiable ops: the batch mean of a per-sample loss, Keras' definitions, with
 * probabilities clipped to [1e-7, 1 - 1e-7] so that a prediction of exactly 0 or 1 stays finite.
 */
import { CallContext, gradOf, Workspace } from './autodiff';
import { lookUpName } from './names';
import { Tensor, shapeToString } from './tensor';

/** Keras' fuzz factor for logs of probabilities. */
export const EPSILON = 1e-7;

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
  const out = ws.get('loss.out', []);
  const cols = yPred.shape[yPred.shape.length - 1];
  const rows = yPred.size / cols;
  const t = yTrue.data;
  const p = yPred.data;
  let total = 0;
  switch (loss) {
    case 'binary_crossentropy':
      // mean over every element of -(t log p + (1 - t) log(1 - p)), p clipped
      for (let i = 0; i < p.length; i++) {
        const q = clip(p[i]);
        total -= t[i] * Math.log(q) + (1 - t[i]) * Math.log(1 - q);
      }
      total /= p.length;
      break;
    case 'categorical_crossentropy':
      // mean over rows of -sum_j t_j log p_j, p clipped
      for (let i = 0; i < p.length; i++) if (t[i] !== 0) total -= t[i] * Math.log(clip(p[i]));
      total /= rows;
      break;
    case 'sparse_categorical_crossentropy':
      // mean over rows of -log p[label]
      for (let r = 0; r < rows; r++) total -= Math.log(clip(p[r * cols + t[r]]));
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

  ctx.tape?.record(out, () => {
    const dp = gradOf(yPred);
    if (dp === null) return;
    const g = (out.grad as Float32Array)[0];
    switch (loss) {
      case 'binary_crossentropy': {
        const s = g / p.length;
        // d/dp = -(t/p - (1-t)/(1-p)) / n inside the clip range, 0 where the clip is active
        for (let i = 0; i < p.length; i++) {
          const q = p[i];
          if (q >= EPSILON && q <= 1 - EPSILON) dp[i] += -s * (t[i] / q - (1 - t[i]) / (1 - q));
        }
        break;
      }
      case 'categorical_crossentropy': {
        const s = g / rows;
        for (let i = 0; i < p.length; i++) {
          const q = p[i];
          if (t[i] !== 0 && q >= EPSILON && q <= 1 - EPSILON) dp[i] -= (s * t[i]) / q;
        }
        break;
      }
      case 'sparse_categorical_crossentropy': {
        const s = g / rows;
        for (let r = 0; r < rows; r++) {
          const i = r * cols + t[r];
          const q = p[i];
          if (q >= EPSILON && q <= 1 - EPSILON) dp[i] -= s / q;
        }
        break;
      }
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

function clip(p: number): number {
  return p < EPSILON ? EPSILON : p > 1 - EPSILON ? 1 - EPSILON : p;
}
