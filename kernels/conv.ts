/**
 * 2-D convolution, channels-last, as im2col + the blocked matmul (kernels/matmul.ts):
 *
 *   forward         y[M, F]      = cols[M, K] · kernel[K, F]
 *   backward filter dkernel[K, F] += cols^T · dy
 *   backward data   dcols[M, K]  = dy · kernel^T, then dx += col2im(dcols)
 *
 * with M = batch*outH*outW output positions, K = kH*kW*inC window values and F filters; a Keras
 * kernel [kH, kW, inC, F] is already the [K, F] matrix. A 1-D convolution is the same with
 * inH = kH = 1. A 1x1 convolution with stride 1 skips im2col: x itself is cols.
 */
import { ActivationName } from './activations';
import { WindowGeometry } from './im2col';
import { col2im, denseForward, im2col, matmul } from './threaded';

/** Rows of the im2col matrix: batch * outH * outW. */
export function colsRows(g: WindowGeometry): number {
  return g.batch * g.outH * g.outW;
}

/** Columns of the im2col matrix: kH * kW * inC. */
export function colsCols(g: WindowGeometry): number {
  return g.kH * g.kW * g.inC;
}

/** True when x is its own im2col matrix (1x1 windows, stride 1, no padding). */
export function isPointwise(g: WindowGeometry): boolean {
  return g.kH === 1 && g.kW === 1 && g.strideH === 1 && g.strideW === 1 && g.padTop === 0 && g.padLeft === 0;
}

/**
 * y = act(conv(x, kernel) + bias), the product, bias and activation in one pass per row of y
 * (kernels/dense.ts: a convolution is a dense layer applied to every window). x: [batch, inH,
 * inW, inC]; kernel: [kH, kW, inC, filters]; bias: [filters] or null; cols: scratch of [M, K]
 * (filled here, kept for the filter gradient; unused when pointwise); y: [batch, outH, outW,
 * filters], overwritten.
 */
export function conv2dForward(x: Float32Array, kernel: Float32Array, cols: Float32Array, y: Float32Array, g: WindowGeometry, filters: number,
  bias: Float32Array | null = null, act: ActivationName = 'linear'): void {
  const m = colsRows(g);
  const k = colsCols(g);
  if (isPointwise(g)) {
    denseForward(x, kernel, bias, y, m, k, filters, act);
    return;
  }
  im2col(x, cols, g);
  denseForward(cols, kernel, bias, y, m, k, filters, act);
}

/**
 * dkernel += cols^T · dy. cols: the forward's im2col matrix [M, K] (or x when pointwise);
 * dy: [batch, outH, outW, filters]; dkernel: [kH, kW, inC, filters].
 */
export function conv2dBackwardFilter(cols: Float32Array, dy: Float32Array, dkernel: Float32Array, g: WindowGeometry, filters: number): void {
  matmul(cols, dy, dkernel, colsCols(g), colsRows(g), filters, true, false, true);
}

/**
 * dx += the gradient of conv with respect to x. dy: [batch, outH, outW, filters]; kernel:
 * [kH, kW, inC, filters]; dcols: scratch [M, K] (unused when pointwise); dx: [batch, inH, inW, inC].
 */
export function conv2dBackwardData(dy: Float32Array, kernel: Float32Array, dcols: Float32Array, dx: Float32Array, g: WindowGeometry, filters: number): void {
  const m = colsRows(g);
  const k = colsCols(g);
  if (isPointwise(g)) {
    matmul(dy, kernel, dx, m, filters, k, false, true, true);
    return;
  }
  matmul(dy, kernel, dcols, m, filters, k, false, true, false);
  col2im(dcols, dx, g);
}
