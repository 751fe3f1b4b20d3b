/**
 * Differentiable convolution, pooling and reshaping ops (channels-last), in the style of
 * `lib/ops.ts`: each runs its forward kernel into a `Workspace` buffer, then records right beside
 * it the closure that adds the output's gradient into its inputs' gradients.
 */
import { ActivationName } from '../kernels/activations';
import { colsCols, colsRows, conv2dBackwardData, conv2dBackwardFilter, conv2dForward, isPointwise } from '../kernels/conv';
import { Padding, WindowGeometry, windowGeometry } from '../kernels/im2col';
import { avgPoolBackward, avgPoolForward, globalAvgPoolBackward, globalPoolForward, maxPoolBackward, maxPoolForward } from '../kernels/pooling';
import { CallContext, gradOf, record, Workspace } from './autodiff';
import { biasActivationBackward } from './ops';
import { shapeToString, sizeOf, Tensor } from './tensor';

export type { Padding };

function checkRank(op: string, x: Tensor, rank: number, layout: string): void {
  if (x.rank !== rank) throw new RangeError(`${op}: expected x of rank ${rank} ${layout}, got ${shapeToString(x.shape)}`);
}

/** Throws unless every output axis of `g` has at least one element. */
function checkWindows(op: string, g: WindowGeometry, what: string, padding: Padding, oneD = false): void {
  if (g.outH < 1 || g.outW < 1) {
    const window = oneD ? `${g.kW}` : `${g.kH}x${g.kW}`;
    const input = oneD ? `${g.inW}` : `${g.inH}x${g.inW}`;
    throw new RangeError(`${op}: ${what} ${window} is larger than the input ${input} (padding '${padding}')`);
  }
}

/**
 * Shared body of conv1d and conv2d: y = act(conv(x, kernel) + bias) for the windows `g`, y of
 * `outShape` ([batch, outH, outW, F] or [batch, outW, F]).
 */
function convolve(ctx: CallContext, ws: Workspace, x: Tensor, kernel: Tensor, bias: Tensor | null, activation: ActivationName, g: WindowGeometry, outShape: number[]): Tensor {
  const filters = outShape[outShape.length - 1];
  const m = colsRows(g);
  const pointwise = isPointwise(g);
  const cols = pointwise ? x : ws.get(ctx, 'conv.cols', [m, colsCols(g)]);
  const y = ws.get(ctx, 'conv.y', outShape);
  conv2dForward(x.data, kernel.data, cols.data, y.data, g, filters, bias === null ? null : bias.data, activation);

  record(ctx, y, [x, kernel, bias], () => {
    // dz = dy * act'(z), d bias += column sums of dz ;  d kernel += cols^T · dz ;  dx += col2im(dz · kernel^T)
    const dz = biasActivationBackward(ctx, ws, 'conv.dz', y, bias, activation, filters);
    const dKernel = gradOf(kernel);
    const dx = gradOf(x);
    if (dKernel !== null) conv2dBackwardFilter(cols.data, dz, dKernel, g, filters);
    if (dx !== null) {
      const dcols = pointwise ? dx : ws.get(ctx, 'conv.dcols', cols.shape).data;
      conv2dBackwardData(dz, kernel.data, dcols, dx, g, filters);
    }
  });
  return y;
}

/**
 * conv2d: y = act(conv(x, kernel) + bias), channels-last, as Keras' Conv2D computes it.
 * x: [batch, h, w, inC]; kernel: [kH, kW, inC, filters]; bias: [filters] or null ->
 * y: [batch, outH, outW, filters] with out = floor((in - k) / s) + 1 ('valid') or ceil(in / s) ('same').
 */
export function conv2d(
  ctx: CallContext,
  ws: Workspace,
  x: Tensor,
  kernel: Tensor,
  bias: Tensor | null,
  activation: ActivationName,
  strides: readonly [number, number],
  padding: Padding,
): Tensor {
  checkRank('conv2d', x, 4, '[batch, height, width, channels]');
  const [kH, kW, inC, filters] = kernel.shape;
  if (kernel.rank !== 4 || x.shape[3] !== inC) {
    throw new RangeError(`conv2d: kernel ${shapeToString(kernel.shape)} does not fit x ${shapeToString(x.shape)} (expected [kH, kW, ${x.shape[3]}, filters])`);
  }
  const g = windowGeometry(x.shape as [number, number, number, number], kH, kW, strides[0], strides[1], padding);
  checkWindows('conv2d', g, 'kernel', padding);
  return convolve(ctx, ws, x, kernel, bias, activation, g, [g.batch, g.outH, g.outW, filters]);
}

/**
 * conv1d: y = act(conv(x, kernel) + bias) along the steps, as Keras' Conv1D.
 * x: [batch, steps, inC]; kernel: [k, inC, filters]; bias: [filters] or null -> y: [batch, outSteps, filters].
 * It is conv2d on x seen as [batch, 1, steps, inC] (same memory).
 */
export function conv1d(ctx: CallContext, ws: Workspace, x: Tensor, kernel: Tensor, bias: Tensor | null, activation: ActivationName, stride: number, padding: Padding): Tensor {
  checkRank('conv1d', x, 3, '[batch, steps, channels]');
  const [k, inC, filters] = kernel.shape;
  if (kernel.rank !== 3 || x.shape[2] !== inC) {
    throw new RangeError(`conv1d: kernel ${shapeToString(kernel.shape)} does not fit x ${shapeToString(x.shape)} (expected [k, ${x.shape[2]}, filters])`);
  }
  const g = windowGeometry([x.shape[0], 1, x.shape[1], inC], 1, k, 1, stride, padding);
  checkWindows('conv1d', g, 'kernel', padding, true);
  return convolve(ctx, ws, x, kernel, bias, activation, g, [g.batch, g.outW, filters]);
}

/** Shared body of the 1-D and 2-D pools over the windows `g`; y of `outShape`. */
function poolWindows(ctx: CallContext, ws: Workspace, kind: 'max' | 'avg', x: Tensor, g: WindowGeometry, outShape: number[]): Tensor {
  const y = ws.get(ctx, `${kind}Pool.y`, outShape);
  const argmax = kind === 'max' ? ws.ints(ctx, 'maxPool.argmax', y.size) : null;
  if (argmax !== null) maxPoolForward(x.data, y.data, argmax, g);
  else avgPoolForward(x.data, y.data, g);

  record(ctx, y, [x], () => {
    const dx = gradOf(x);
    if (dx === null) return;
    // max: the gradient goes to each window's maximum; avg: spread evenly over the window.
    if (argmax !== null) maxPoolBackward(y.grad as Float32Array, argmax, dx, y.size);
    else avgPoolBackward(y.grad as Float32Array, dx, g);
  });
  return y;
}

/**
 * pool2d: max or average pooling, channels-last. x: [batch, h, w, C] -> y: [batch, outH, outW, C]
 * with windows `poolSize` moved by `strides` (out as for conv2d).
 */
export function pool2d(ctx: CallContext, ws: Workspace, kind: 'max' | 'avg', x: Tensor, poolSize: readonly [number, number], strides: readonly [number, number], padding: Padding): Tensor {
  checkRank(`${kind}Pool2d`, x, 4, '[batch, height, width, channels]');
  const g = windowGeometry(x.shape as [number, number, number, number], poolSize[0], poolSize[1], strides[0], strides[1], padding);
  checkWindows(`${kind}Pool2d`, g, 'pool', padding);
  return poolWindows(ctx, ws, kind, x, g, [g.batch, g.outH, g.outW, g.inC]);
}

/** pool1d: max or average pooling along the steps. x: [batch, steps, C] -> y: [batch, outSteps, C]. */
export function pool1d(ctx: CallContext, ws: Workspace, kind: 'max' | 'avg', x: Tensor, poolSize: number, stride: number, padding: Padding): Tensor {
  checkRank(`${kind}Pool1d`, x, 3, '[batch, steps, channels]');
  const g = windowGeometry([x.shape[0], 1, x.shape[1], x.shape[2]], 1, poolSize, 1, stride, padding);
  checkWindows(`${kind}Pool1d`, g, 'pool', padding, true);
  return poolWindows(ctx, ws, kind, x, g, [g.batch, g.outW, g.inC]);
}

/**
 * globalPool: the mean or the maximum over every spatial position.
 * x: [batch, ...spatial, C] (rank >= 3) -> y: [batch, C].
 */
export function globalPool(ctx: CallContext, ws: Workspace, kind: 'max' | 'avg', x: Tensor): Tensor {
  if (x.rank < 3) throw new RangeError(`globalPool: expected x [batch, ...spatial, channels] of rank >= 3, got ${shapeToString(x.shape)}`);
  const batch = x.shape[0];
  const C = x.shape[x.rank - 1];
  const positions = sizeOf(x.shape.slice(1, -1));
  const y = ws.get(ctx, `global${kind}.y`, [batch, C]);
  const argmax = kind === 'max' ? ws.ints(ctx, 'globalMax.argmax', y.size) : null;
  globalPoolForward(kind, x.data, y.data, argmax, batch, positions, C);

  record(ctx, y, [x], () => {
    const dx = gradOf(x);
    if (dx === null) return;
    if (argmax !== null) maxPoolBackward(y.grad as Float32Array, argmax, dx, y.size);
    else globalAvgPoolBackward(y.grad as Float32Array, dx, batch, positions, C);
  });
  return y;
}

/**
 * reshape: the same values under another shape of the same size (`shape` batch axis included),
 * copied into a reused buffer; backward adds the gradient back unchanged (dx += dy).
 */
export function reshape(ctx: CallContext, ws: Workspace, x: Tensor, shape: readonly number[]): Tensor {
  if (sizeOf(shape) !== x.size) {
    throw new RangeError(`reshape: cannot reshape ${shapeToString(x.shape)} (${x.size} values) to ${shapeToString(shape)} (${sizeOf(shape)} values)`);
  }
  const y = ws.get(ctx, 'reshape.y', shape);
  y.data.set(x.data);
  record(ctx, y, [x], () => {
    const dy = y.grad as Float32Array;
    const dx = gradOf(x);
    if (dx === null) return;
    for (let i = 0; i < dy.length; i++) dx[i] += dy[i];
  });
  return y;
}
