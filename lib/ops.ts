/**
 * Differentiable operations. Each op runs its forward kernel, then (if a tape is recording)
 * records, right beside it, the closure that sends the output's gradient back to its inputs.
 * Buffers come from the caller's `Workspace`, so a step allocates nothing once warm.
 */
import { activationBackward, activationForward, ActivationName, biasActivationForward } from '../kernels/activations';
import { broadcastAdd, broadcastMultiply } from '../kernels/dropout';
import { axpy } from '../kernels/elementwise';
import { denseBackwardBias, denseForward, matmul } from '../kernels/threaded';
import { repeatRows, sumRepeats } from '../kernels/merge';
import { CallContext, gradOf, record, takeUnsetGrad, Workspace } from './autodiff';
import { shapeToString, Tensor } from './tensor';

/** `shape` with its last axis replaced by `size`. */
export function withLastAxis(shape: readonly number[], size: number): number[] {
  const out = shape.slice();
  out[out.length - 1] = size;
  return out;
}

/**
 * The end of an affine op's forward pass, shared by dense and conv: y = act(y + bias) in place,
 * over rows of `cols` (the bias, if any, broadcast along the rows).
 */
export function biasActivation(y: Tensor, bias: Tensor | null, activation: ActivationName, cols: number): void {
  if (bias !== null) biasActivationForward(activation, y.data, bias.data, y.size / cols, cols);
  else activationForward(activation, y.data, y.data, y.size, cols);
}

/**
 * The start of an affine op's backward pass, shared by dense and conv: dz = dy * act'(z) from the
 * saved output y (into a buffer kept under `key`; dy itself for 'linear'), and
 * d bias += the column sums of dz. Returns dz for the kernel's and the input's gradients.
 */
export function biasActivationBackward(ctx: CallContext, ws: Workspace, key: string, y: Tensor, bias: Tensor | null, activation: ActivationName, cols: number): Float32Array {
  const dy = y.grad as Float32Array;
  const dz = activation === 'linear' ? dy : ws.get(ctx, key, y.shape).data;
  denseBackwardBias(activation, y.data, dy, dz, gradOf(bias), y.size / cols, cols, true);
  return dz;
}

/**
 * Dense: y = act(x · kernel + bias) on the last axis.
 * x: [..., in], kernel: [in, units], bias: [units] or null -> y: [..., units].
 */
export function dense(
  ctx: CallContext,
  ws: Workspace,
  x: Tensor,
  kernel: Tensor,
  bias: Tensor | null,
  activation: ActivationName,
): Tensor {
  const inDim = kernel.shape[0];
  const units = kernel.shape[1];
  const rows = x.size / inDim;
  const y = ws.get(ctx, 'dense.y', withLastAxis(x.shape, units));
  // y = act(x · kernel + bias) in one pass (kernels/dense.ts)
  denseForward(x.data, kernel.data, bias === null ? null : bias.data, y.data, rows, inDim, units, activation);

  record(ctx, y, [x, kernel, bias], () => {
    // dz = dy * act'(z), d bias += column sums of dz ;  d kernel += x^T · dz ;  dx += dz · kernel^T
    const dz = biasActivationBackward(ctx, ws, 'dense.dz', y, bias, activation, units);
    const dKernel = gradOf(kernel);
    if (dKernel !== null) matmul(x.data, dz, dKernel, inDim, rows, units, true, false, true);
    if (x.requiresGrad) {
      // dx = dz · kernel^T, written over x's gradient if nothing else wrote into it yet, else added
      const add = !takeUnsetGrad(x);
      matmul(dz, kernel.data, x.grad as Float32Array, rows, units, inDim, false, true, add);
    }
  });
  return y;
}

/**
 * sum(y * weights): a scalar that makes `weights` the upstream gradient of y. The gradient checks
 * and the fixtures ("gradients of sum(y * G)") use it as a loss.
 */
export function weightedSum(ctx: CallContext, ws: Workspace, y: Tensor, weights: Tensor): Tensor {
  if (weights.size !== y.size) {
    throw new RangeError(`weightedSum: weights have ${weights.size} elements, y has ${y.size}`);
  }
  const out = ws.get(ctx, 'weightedSum.out', []);
  let s = 0;
  for (let i = 0; i < y.size; i++) s += y.data[i] * weights.data[i];
  out.data[0] = s;
  record(ctx, out, [y], () => {
    const g = (out.grad as Float32Array)[0];
    const dy = gradOf(y);
    if (dy === null) return;
    for (let i = 0; i < y.size; i++) dy[i] += g * weights.data[i];
  });
  return out;
}

/**
 * y = x * scale + shift, with `scale` and `shift` broadcast from their shapes (each axis the
 * input's length or 1); either may be null (1 or 0). This is how every dropout applies its mask:
 * Dropout's scale is the cached mask, AlphaDropout adds a shift, GaussianNoise has only a shift.
 * Backward: dx += dy * scale, the same cached mask.
 */
export function scaleShift(ctx: CallContext, ws: Workspace, x: Tensor, scale: Tensor | null, shift: Tensor | null): Tensor {
  const y = ws.get(ctx, 'scaleShift.y', x.shape);
  if (scale !== null) broadcastMultiply(x.data, scale.data, y.data, x.shape, scale.shape);
  else y.data.set(x.data);
  if (shift !== null) broadcastAdd(shift.data, y.data, x.shape, shift.shape);

  record(ctx, y, [x], () => {
    const dy = y.grad as Float32Array;
    if (!x.requiresGrad) return;
    // dx = dy * scale, written over x's gradient if nothing else wrote into it yet, else added
    const add = !takeUnsetGrad(x);
    const dx = x.grad as Float32Array;
    if (scale !== null) broadcastMultiply(dy, scale.data, dx, x.shape, scale.shape, add);
    else if (add) for (let i = 0; i < dy.length; i++) dx[i] += dy[i];
    else dx.set(dy);
  });
  return y;
}

/**
 * sum_i weights[i] * losses[i]: the total loss of a model with several outputs, each loss a
 * scalar. Backward: each loss gets g * weights[i].
 */
export function weightedTotal(ctx: CallContext, ws: Workspace, losses: readonly Tensor[], weights: readonly number[]): Tensor {
  const out = ws.get(ctx, 'weightedTotal.out', []);
  let s = 0;
  for (let i = 0; i < losses.length; i++) s += weights[i] * losses[i].data[0];
  out.data[0] = s;
  record(ctx, out, losses, () => {
    const g = (out.grad as Float32Array)[0];
    // d total / d loss_i = weights[i]
    for (let i = 0; i < losses.length; i++) {
      const d = gradOf(losses[i]);
      if (d !== null) d[0] += g * weights[i];
    }
  });
  return out;
}

/**
 * y = act(x) elementwise (softmax over the last axis), the Activation layer's op: the same kernels
 * as dense's activation. x: [batch, ...] -> y of the same shape.
 * Backward from the output: dx += dy * act'(x), computed from y (for softmax, from the row of y).
 */
export function activation(ctx: CallContext, ws: Workspace, x: Tensor, act: ActivationName): Tensor {
  const cols = x.rank >= 2 ? x.shape[x.rank - 1] : x.size;
  if (act === 'softmax' && x.rank < 2) {
    throw new RangeError(`activation: softmax works on the last axis of [batch, ..., n], got ${shapeToString(x.shape)} (no axis besides the batch axis)`);
  }
  const y = ws.get(ctx, 'activation.y', x.shape);
  activationForward(act, x.data, y.data, x.size, cols);

  record(ctx, y, [x], () => {
    // dz = dy * act'(x) from y, then dx += dz
    const dx = gradOf(x);
    if (dx === null) return;
    const dy = y.grad as Float32Array;
    const dz = act === 'linear' ? dy : ws.get(ctx, 'activation.dz', y.shape).data;
    activationBackward(act, y.data, dy, dz, y.size, cols);
    axpy(1, dz, dx, y.size);
  });
  return y;
}

/**
 * RepeatVector's op: each sample's feature vector repeated n times.
 * x: [batch, features] -> y: [batch, n, features]. Backward: dx += the sum of dy over the repeats.
 */
export function repeatVector(ctx: CallContext, ws: Workspace, x: Tensor, n: number): Tensor {
  if (x.rank !== 2) throw new RangeError(`repeatVector: expected [batch, features], got ${shapeToString(x.shape)}`);
  const [batch, features] = x.shape;
  const y = ws.get(ctx, 'repeatVector.y', [batch, n, features]);
  repeatRows(x.data, y.data, batch, n, features);

  record(ctx, y, [x], () => {
    // dx[b, :] += sum_r dy[b, r, :]
    const dx = gradOf(x);
    if (dx !== null) sumRepeats(y.grad as Float32Array, dx, batch, n, features);
  });
  return y;
}

/**
 * meanAll: x [any shape] -> its mean, a scalar [] (a hand-written loss's per-sample values
 * reduced as Keras reduces them). Backward: dx += g / n.
 */
export function meanAll(ctx: CallContext, ws: Workspace, x: Tensor): Tensor {
  const out = ws.get(ctx, 'meanAll.out', []);
  const n = Math.max(x.size, 1);
  let s = 0;
  for (let i = 0; i < x.size; i++) s += x.data[i];
  out.data[0] = s / n;
  record(ctx, out, [x], () => {
    const g = (out.grad as Float32Array)[0] / n;
    const dx = gradOf(x);
    if (dx !== null) for (let i = 0; i < x.size; i++) dx[i] += g;
  });
  return out;
}
