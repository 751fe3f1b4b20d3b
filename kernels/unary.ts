/**
 * Elementwise kernels of one input: forward, and backward from the input x and the output y
 * (whichever makes the derivative cheaper). relu, sigmoid and tanh run the activation kernels.
 * NaN propagates through every forward; the backward of a NaN input is NaN or 0 as the formula gives.
 */
import { activationForward } from './activations';

/** The differentiable elementwise ops of one input. */
export type UnaryOp = 'neg' | 'exp' | 'log' | 'sqrt' | 'square' | 'abs' | 'relu' | 'sigmoid' | 'tanh';

/** y[i] = op(x[i]) for the first `size` elements. */
export function unaryForward(op: UnaryOp, x: Float32Array, y: Float32Array, size: number): void {
  switch (op) {
    case 'neg':
      for (let i = 0; i < size; i++) y[i] = -x[i];
      return;
    case 'exp':
      for (let i = 0; i < size; i++) y[i] = Math.exp(x[i]);
      return;
    case 'log':
      for (let i = 0; i < size; i++) y[i] = Math.log(x[i]);
      return;
    case 'sqrt':
      for (let i = 0; i < size; i++) y[i] = Math.sqrt(x[i]);
      return;
    case 'square':
      for (let i = 0; i < size; i++) y[i] = x[i] * x[i];
      return;
    case 'abs':
      for (let i = 0; i < size; i++) y[i] = Math.abs(x[i]);
      return;
    case 'relu':
    case 'sigmoid':
    case 'tanh':
      activationForward(op, x, y, size, size);
      return;
  }
}

/** dx[i] += dy[i] * op'(x[i]) for the first `size` elements, from x and the forward output y. */
export function unaryBackward(op: UnaryOp, x: Float32Array, y: Float32Array, dy: Float32Array, dx: Float32Array, size: number): void {
  switch (op) {
    case 'neg':
      // (-x)' = -1
      for (let i = 0; i < size; i++) dx[i] -= dy[i];
      return;
    case 'exp':
      // (e^x)' = e^x = y
      for (let i = 0; i < size; i++) dx[i] += dy[i] * y[i];
      return;
    case 'log':
      // (ln x)' = 1 / x
      for (let i = 0; i < size; i++) dx[i] += dy[i] / x[i];
      return;
    case 'sqrt':
      // (sqrt x)' = 1 / (2 sqrt x) = 1 / 2y
      for (let i = 0; i < size; i++) dx[i] += dy[i] / (2 * y[i]);
      return;
    case 'square':
      // (x^2)' = 2x
      for (let i = 0; i < size; i++) dx[i] += 2 * dy[i] * x[i];
      return;
    case 'abs':
      // |x|' = sign(x), 0 at 0
      for (let i = 0; i < size; i++) dx[i] += x[i] > 0 ? dy[i] : x[i] < 0 ? -dy[i] : 0;
      return;
    case 'relu':
      // relu'(x) = [x > 0]
      for (let i = 0; i < size; i++) if (x[i] > 0) dx[i] += dy[i];
      return;
    case 'sigmoid':
      // sigmoid' = y (1 - y)
      for (let i = 0; i < size; i++) dx[i] += dy[i] * y[i] * (1 - y[i]);
      return;
    case 'tanh':
      // tanh' = 1 - y^2
      for (let i = 0; i < size; i++) dx[i] += dy[i] * (1 - y[i] * y[i]);
      return;
  }
}

/** y[i] = x[i] clipped to [lo, hi] (NaN stays NaN, as TensorFlow's clipByValue). */
export function clipForward(x: Float32Array, y: Float32Array, lo: number, hi: number, size: number): void {
  for (let i = 0; i < size; i++) {
    const v = x[i];
    y[i] = v > hi ? hi : v < lo ? lo : v;
  }
}

/** dx[i] += dy[i] where lo <= x[i] <= hi (the gradient of clip; 0 where clipped and for NaN). */
export function clipBackward(x: Float32Array, dy: Float32Array, dx: Float32Array, lo: number, hi: number, size: number): void {
  for (let i = 0; i < size; i++) if (x[i] >= lo && x[i] <= hi) dx[i] += dy[i];
}
