/**
 * Activation kernels: forward over a flat Float32Array, and backward from the forward *output*.
 *
 * Every activation here has a derivative that can be written in terms of its output y, so the
 * backward pass needs nothing but y: relu'(y) = [y > 0], sigmoid' = y(1 - y), tanh' = 1 - y^2.
 */

/** The activations the kernels know, by their Keras names. */
export type ActivationName = 'linear' | 'relu' | 'sigmoid' | 'hard_sigmoid' | 'tanh' | 'softmax' | 'elu' | 'selu' | 'softplus' | 'softsign';

/** SELU's constants (Klambauer et al., 2017), as Keras uses them. */
export const SELU_ALPHA = 1.6732632423543772;
export const SELU_SCALE = 1.0507009873554805;

/**
 * y = act(x) over elements [from, size) (x and y may be the same array).
 * Softmax works on rows of length `cols` (the last axis); `from` is then a multiple of `cols`.
 */
export function activationForward(act: ActivationName, x: Float32Array, y: Float32Array, size: number, cols: number, from = 0): void {
  switch (act) {
    case 'linear':
      if (x !== y) y.set(x.subarray(from, size), from);
      return;
    case 'relu':
      // y_i = max(0, x_i)
      for (let i = from; i < size; i++) y[i] = x[i] < 0 ? 0 : x[i];
      return;
    case 'sigmoid':
      // y_i = 1 / (1 + e^-x_i), written to stay finite for large |x_i|
      for (let i = from; i < size; i++) {
        const v = x[i];
        if (v >= 0) y[i] = 1 / (1 + Math.exp(-v));
        else {
          const e = Math.exp(v);
          y[i] = e / (1 + e);
        }
      }
      return;
    case 'tanh':
      for (let i = from; i < size; i++) y[i] = Math.tanh(x[i]);
      return;
    case 'hard_sigmoid':
      // Keras 2 and TensorFlow.js: clip(0.2 x + 0.5, 0, 1)
      for (let i = from; i < size; i++) y[i] = Math.min(1, Math.max(0, 0.2 * x[i] + 0.5));
      return;
    case 'elu':
      for (let i = from; i < size; i++) y[i] = x[i] > 0 ? x[i] : Math.expm1(x[i]);
      return;
    case 'selu':
      for (let i = from; i < size; i++) y[i] = x[i] > 0 ? SELU_SCALE * x[i] : SELU_SCALE * SELU_ALPHA * Math.expm1(x[i]);
      return;
    case 'softplus':
      // log(1 + e^x) = max(x, 0) + log1p(e^-|x|)
      for (let i = from; i < size; i++) y[i] = Math.max(x[i], 0) + Math.log1p(Math.exp(-Math.abs(x[i])));
      return;
    case 'softsign':
      for (let i = from; i < size; i++) y[i] = x[i] / (1 + Math.abs(x[i]));
      return;
    case 'softmax':
      softmaxRows(x, y, from / cols, size / cols, cols);
      return;
  }
}

/**
 * y = act(y + bias) in place over `rows` rows of `cols` (bias broadcast along rows): the bias
 * add fused into the activation's pass for relu and linear, the two that dominate small MLPs.
 */
export function biasActivationForward(act: ActivationName, y: Float32Array, bias: Float32Array, rows: number, cols: number): void {
  if (act === 'relu') {
    // Row by row: y = max(0, y + b).
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      for (let j = 0; j < cols; j++) {
        const v = y[o + j] + bias[j];
        y[o + j] = v < 0 ? 0 : v;
      }
    }
    return;
  }
  // Row by row: y += b, then the activation's own pass.
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let j = 0; j < cols; j++) y[o + j] += bias[j];
  }
  activationForward(act, y, y, rows * cols, cols);
}

/** Row-wise softmax: y[r, :] = exp(x[r, :] - max) / sum, for rows [firstRow, rows) of `cols` elements. */
function softmaxRows(x: Float32Array, y: Float32Array, firstRow: number, rows: number, cols: number): void {
  // For each row: subtract the row max, exponentiate, normalise.
  for (let r = firstRow; r < rows; r++) {
    const o = r * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) if (x[o + j] > max) max = x[o + j];
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(x[o + j] - max);
      y[o + j] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let j = 0; j < cols; j++) y[o + j] *= inv;
  }
}

/**
 * dx = dy * act'(x) over elements [from, size), computed from the forward output y (dx may be dy).
 * For softmax, dx[r, j] = y[r, j] * (dy[r, j] - sum_k dy[r, k] y[r, k]).
 */
export function activationBackward(
  act: ActivationName,
  y: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  size: number,
  cols: number,
  from = 0,
): void {
  switch (act) {
    case 'linear':
      if (dx !== dy) dx.set(dy.subarray(from, size), from);
      return;
    case 'relu':
      for (let i = from; i < size; i++) dx[i] = y[i] > 0 ? dy[i] : 0;
      return;
    case 'sigmoid':
      for (let i = from; i < size; i++) dx[i] = dy[i] * y[i] * (1 - y[i]);
      return;
    case 'tanh':
      for (let i = from; i < size; i++) dx[i] = dy[i] * (1 - y[i] * y[i]);
      return;
    case 'hard_sigmoid':
      // slope 0.2 inside the linear part (0 < y < 1), 0 where clipped
      for (let i = from; i < size; i++) dx[i] = y[i] > 0 && y[i] < 1 ? 0.2 * dy[i] : 0;
      return;
    case 'elu':
      // elu'(x) = 1 for x > 0, e^x = y + 1 otherwise
      for (let i = from; i < size; i++) dx[i] = y[i] > 0 ? dy[i] : dy[i] * (y[i] + 1);
      return;
    case 'selu':
      // selu'(x) = scale for x > 0, scale * alpha * e^x = y + scale * alpha otherwise
      for (let i = from; i < size; i++) dx[i] = y[i] > 0 ? dy[i] * SELU_SCALE : dy[i] * (y[i] + SELU_SCALE * SELU_ALPHA);
      return;
    case 'softplus':
      // softplus'(x) = sigmoid(x) = 1 - e^-y
      for (let i = from; i < size; i++) dx[i] = dy[i] * -Math.expm1(-y[i]);
      return;
    case 'softsign':
      // softsign'(x) = 1 / (1 + |x|)^2 = (1 - |y|)^2
      for (let i = from; i < size; i++) {
        const a = 1 - Math.abs(y[i]);
        dx[i] = dy[i] * a * a;
      }
      return;
    case 'softmax': {
      const rows = size / cols;
      // For each row: dot = <dy, y>, then dx = y * (dy - dot).
      for (let r = from / cols; r < rows; r++) {
        const o = r * cols;
        let dot = 0;
        for (let j = 0; j < cols; j++) dot += dy[o + j] * y[o + j];
        for (let j = 0; j < cols; j++) dx[o + j] = y[o + j] * (dy[o + j] - dot);
      }
      return;
    }
  }
}
