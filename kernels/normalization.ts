/**
 * Normalization over the last axis's channels, as fused passes over [rows, C] (rows: every
 * position of every sample, e.g. batch * height * width for a conv output):
 *
 * - batch normalization: per channel c, the mean and (biased) variance over the rows, then
 *   y = gamma * (x - mean) / sqrt(var + eps) + beta; its backward
 *   dx = gamma / (sqrt(var + eps) * N) * (N dy - sum(dy) - xhat sum(dy xhat));
 * - layer normalization: per row, the mean and variance over its C channels, then the same
 *   affine map per channel; its backward has the same form over the row.
 *
 * Sums run in float64; the statistics are stored in float32 and xhat is kept for the backward
 * pass. gamma or beta null: 1 or 0.
 */

/** Float64 scratch for the channel sums, grown as needed (a kernel allocates once). */
let scratch = new Float64Array(256);

/** The scratch, at least n long. */
function sums(n: number): Float64Array {
  if (scratch.length < n) scratch = new Float64Array(n);
  return scratch;
}

/**
 * Batch statistics and output in training mode: mean[c], variance[c] (biased) over the `rows`
 * rows of x [rows, C], summed in float64; invStd[c] = 1 / sqrt(var + eps); xhat = (x - mean) *
 * invStd and y = gamma * xhat + beta, from the stored (float32) statistics.
 */
export function batchNormTrain(x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, eps: number, rows: number, C: number,
  y: Float32Array, xhat: Float32Array, mean: Float32Array, variance: Float32Array, invStd: Float32Array): void {
  const acc = sums(2 * C);
  acc.fill(0, 0, 2 * C);
  // Pass 1: the channel sums
  for (let r = 0, o = 0; r < rows; r++, o += C) for (let c = 0; c < C; c++) acc[c] += x[o + c];
  for (let c = 0; c < C; c++) acc[c] /= rows;
  // Pass 2: the channel sums of squared deviations
  for (let r = 0, o = 0; r < rows; r++, o += C) {
    for (let c = 0; c < C; c++) {
      const d = x[o + c] - acc[c];
      acc[C + c] += d * d;
    }
  }
  for (let c = 0; c < C; c++) {
    mean[c] = acc[c];
    variance[c] = acc[C + c] / rows;
    invStd[c] = 1 / Math.sqrt(acc[C + c] / rows + eps);
  }
  // Pass 3: normalize, scale and shift
  for (let r = 0, o = 0; r < rows; r++, o += C) {
    for (let c = 0; c < C; c++) {
      const h = (x[o + c] - mean[c]) * invStd[c];
      xhat[o + c] = h;
      y[o + c] = (gamma === null ? h : gamma[c] * h) + (beta === null ? 0 : beta[c]);
    }
  }
}

/** Inference mode: y = gamma * (x - movingMean) / sqrt(movingVar + eps) + beta, per channel. */
export function batchNormInfer(x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, movingMean: Float32Array, movingVar: Float32Array,
  eps: number, rows: number, C: number, y: Float32Array): void {
  const std = sums(C);
  for (let c = 0; c < C; c++) std[c] = Math.sqrt(movingVar[c] + eps);
  // One pass: each element through its channel's affine map
  for (let r = 0, o = 0; r < rows; r++, o += C) {
    for (let c = 0; c < C; c++) {
      const h = (x[o + c] - movingMean[c]) / std[c];
      y[o + c] = (gamma === null ? h : gamma[c] * h) + (beta === null ? 0 : beta[c]);
    }
  }
}

/**
 * Backward of `batchNormInfer` (a per-channel affine map): dx += dy * gamma / sqrt(movingVar + eps),
 * dGamma += dy * (x - movingMean) / sqrt(movingVar + eps), dBeta += dy (each may be null).
 */
export function batchNormInferBackward(dy: Float32Array, x: Float32Array, gamma: Float32Array | null, movingMean: Float32Array, movingVar: Float32Array,
  eps: number, rows: number, C: number, dx: Float32Array | null, dGamma: Float32Array | null, dBeta: Float32Array | null): void {
  const inv = sums(C);
  for (let c = 0; c < C; c++) inv[c] = 1 / Math.sqrt(movingVar[c] + eps);
  // Each element through its channel's map
  for (let r = 0, o = 0; r < rows; r++, o += C) {
    for (let c = 0; c < C; c++) {
      if (dx !== null) dx[o + c] += dy[o + c] * (gamma === null ? inv[c] : gamma[c] * inv[c]);
      if (dGamma !== null) dGamma[c] += dy[o + c] * (x[o + c] - movingMean[c]) * inv[c];
      if (dBeta !== null) dBeta[c] += dy[o + c];
    }
  }
}

/**
 * Backward of `batchNormTrain`: dx, dGamma and dBeta added into (each may be null), from per-channel sums of dy and dy * xhat (float64).
 */
export function batchNormBackward(dy: Float32Array, xhat: Float32Array, gamma: Float32Array | null, invStd: Float32Array, rows: number, C: number,
  dx: Float32Array | null, dGamma: Float32Array | null, dBeta: Float32Array | null): void {
  const acc = sums(2 * C);
  acc.fill(0, 0, 2 * C);
  // Pass 1: per channel, sum(dy) and sum(dy * xhat)
  for (let r = 0, o = 0; r < rows; r++, o += C) {
    for (let c = 0; c < C; c++) {
      acc[c] += dy[o + c];
      acc[C + c] += dy[o + c] * xhat[o + c];
    }
  }
  for (let c = 0; c < C; c++) {
    if (dBeta !== null) dBeta[c] += acc[c];
    if (dGamma !== null) dGamma[c] += acc[C + c];
  }
  if (dx === null) return;
  // Pass 2: dx += gamma invStd / N (N dy - sum(dy) - xhat sum(dy xhat))
  for (let r = 0, o = 0; r < rows; r++, o += C) {
    for (let c = 0; c < C; c++) {
      const k = (gamma === null ? 1 : gamma[c]) * invStd[c] / rows;
      dx[o + c] += k * (rows * dy[o + c] - acc[c] - xhat[o + c] * acc[C + c]);
    }
  }
}

/**
 * Layer normalization of each of the `rows` rows of x [rows, C] over its C channels:
 * y = gamma * (x - mean_r) / sqrt(var_r + eps) + beta; xhat and invStd[r] are kept.
 */
export function layerNormForward(x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, eps: number, rows: number, C: number,
  y: Float32Array, xhat: Float32Array, invStd: Float32Array): void {
  // For each row: its mean, its variance, then the normalized, scaled and shifted values.
  for (let r = 0, o = 0; r < rows; r++, o += C) {
    let mean = 0;
    for (let c = 0; c < C; c++) mean += x[o + c];
    mean /= C;
    let variance = 0;
    for (let c = 0; c < C; c++) {
      const d = x[o + c] - mean;
      variance += d * d;
    }
    invStd[r] = 1 / Math.sqrt(variance / C + eps);
    const inv = invStd[r];
    for (let c = 0; c < C; c++) {
      const h = (x[o + c] - mean) * inv;
      xhat[o + c] = h;
      y[o + c] = (gamma === null ? h : gamma[c] * h) + (beta === null ? 0 : beta[c]);
    }
  }
}

/**
 * Backward of `layerNormForward`: per row, g = dy * gamma and dx = invStd / C (C g - sum(g) -
 * xhat sum(g xhat)) added into dx (may be null); dGamma += sum over rows of dy xhat, dBeta += sum of dy.
 */
export function layerNormBackward(dy: Float32Array, xhat: Float32Array, gamma: Float32Array | null, invStd: Float32Array, rows: number, C: number,
  dx: Float32Array | null, dGamma: Float32Array | null, dBeta: Float32Array | null): void {
  // For each row: the parameter gradients, then the row's two sums and its dx.
  for (let r = 0, o = 0; r < rows; r++, o += C) {
    let sumG = 0;
    let sumGX = 0;
    for (let c = 0; c < C; c++) {
      const d = dy[o + c];
      const h = xhat[o + c];
      if (dGamma !== null) dGamma[c] += d * h;
      if (dBeta !== null) dBeta[c] += d;
      const g = gamma === null ? d : d * gamma[c];
      sumG += g;
      sumGX += g * h;
    }
    if (dx === null) continue;
    const k = invStd[r] / C;
    for (let c = 0; c < C; c++) {
      const g = gamma === null ? dy[o + c] : dy[o + c] * gamma[c];
      dx[o + c] += k * (C * g - sumG - xhat[o + c] * sumGX);
    }
  }
}
