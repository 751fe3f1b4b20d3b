/**
 * Max and average pooling, channels-last, over the windows of a `WindowGeometry` (inC is the
 * number of channels, kept by pooling). 'same' padding pads nothing in effect: a window that runs
 * over the edge pools only the input values it covers (max ignores the pad, average divides by
 * the count of real values), as TensorFlow does. 1-D pooling is 2-D pooling with inH = kH = 1.
 *
 * Max pooling records, for each output, the flat input index of the maximum (the first one in
 * window order on ties) so that the backward pass routes the gradient there alone.
 */
import { WindowGeometry } from './im2col';

const max = Math.max;
const min = Math.min;

/**
 * y[b, oy, ox, c] = max of x over the window; argmax[same] = flat index of that x.
 * x: [batch, inH, inW, C]; y and argmax: [batch, outH, outW, C].
 */
export function maxPoolForward(x: Float32Array, y: Float32Array, argmax: Int32Array, g: WindowGeometry): void {
  const { batch, inH, inW, inC: C, kH, kW, strideH, strideW, padTop, padLeft, outH, outW } = g;
  let o = 0;
  // For each output position: start from the window's first value, then keep the larger ones.
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outH; oy++) {
      const y0 = max(oy * strideH - padTop, 0);
      const y1 = min(oy * strideH - padTop + kH, inH);
      for (let ox = 0; ox < outW; ox++, o += C) {
        const x0 = max(ox * strideW - padLeft, 0);
        const x1 = min(ox * strideW - padLeft + kW, inW);
        const first = ((b * inH + y0) * inW + x0) * C;
        for (let c = 0; c < C; c++) {
          y[o + c] = x[first + c];
          argmax[o + c] = first + c;
        }
        // Every window position (iy, ix), all channels at once (contiguous).
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = x0; ix < x1; ix++) {
            const from = ((b * inH + iy) * inW + ix) * C;
            for (let c = 0; c < C; c++) {
              const v = x[from + c];
              if (v > y[o + c]) {
                y[o + c] = v;
                argmax[o + c] = from + c;
              }
            }
          }
        }
      }
    }
  }
}

/** dx[argmax[i]] += dy[i] for every output i: each window's maximum gets the gradient. */
export function maxPoolBackward(dy: Float32Array, argmax: Int32Array, dx: Float32Array, outputSize: number): void {
  for (let i = 0; i < outputSize; i++) dx[argmax[i]] += dy[i];
}

/**
 * y[b, oy, ox, c] = mean of x over the part of the window inside the input.
 * x: [batch, inH, inW, C]; y: [batch, outH, outW, C].
 */
export function avgPoolForward(x: Float32Array, y: Float32Array, g: WindowGeometry): void {
  const { batch, inH, inW, inC: C, kH, kW, strideH, strideW, padTop, padLeft, outH, outW } = g;
  let o = 0;
  // For each output position: sum the window (all channels at once), divide by its count.
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outH; oy++) {
      const y0 = max(oy * strideH - padTop, 0);
      const y1 = min(oy * strideH - padTop + kH, inH);
      for (let ox = 0; ox < outW; ox++, o += C) {
        const x0 = max(ox * strideW - padLeft, 0);
        const x1 = min(ox * strideW - padLeft + kW, inW);
        for (let c = 0; c < C; c++) y[o + c] = 0;
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = x0; ix < x1; ix++) {
            const from = ((b * inH + iy) * inW + ix) * C;
            for (let c = 0; c < C; c++) y[o + c] += x[from + c];
          }
        }
        const inv = 1 / ((y1 - y0) * (x1 - x0));
        for (let c = 0; c < C; c++) y[o + c] *= inv;
      }
    }
  }
}

/** dx[window] += dy / count for every output: the adjoint of `avgPoolForward`. */
export function avgPoolBackward(dy: Float32Array, dx: Float32Array, g: WindowGeometry): void {
  const { batch, inH, inW, inC: C, kH, kW, strideH, strideW, padTop, padLeft, outH, outW } = g;
  let o = 0;
  // For each output position: spread its gradient evenly over the window's real values.
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outH; oy++) {
      const y0 = max(oy * strideH - padTop, 0);
      const y1 = min(oy * strideH - padTop + kH, inH);
      for (let ox = 0; ox < outW; ox++, o += C) {
        const x0 = max(ox * strideW - padLeft, 0);
        const x1 = min(ox * strideW - padLeft + kW, inW);
        const inv = 1 / ((y1 - y0) * (x1 - x0));
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = x0; ix < x1; ix++) {
            const to = ((b * inH + iy) * inW + ix) * C;
            for (let c = 0; c < C; c++) dx[to + c] += dy[o + c] * inv;
          }
        }
      }
    }
  }
}

/**
 * Global pooling over every position: x [batch, positions, C] -> y [batch, C], the mean
 * (`kind` 'avg') or the maximum ('max', with argmax [batch, C] holding the flat input index).
 */
export function globalPoolForward(kind: 'avg' | 'max', x: Float32Array, y: Float32Array, argmax: Int32Array | null, batch: number, positions: number, C: number): void {
  // For each sample: fold its positions into one row of C values.
  for (let b = 0; b < batch; b++) {
    const o = b * C;
    const first = b * positions * C;
    for (let c = 0; c < C; c++) {
      y[o + c] = x[first + c];
      if (argmax !== null) argmax[o + c] = first + c;
    }
    for (let p = 1; p < positions; p++) {
      const from = first + p * C;
      if (kind === 'avg') for (let c = 0; c < C; c++) y[o + c] += x[from + c];
      else {
        const arg = argmax as Int32Array;
        for (let c = 0; c < C; c++) {
          if (x[from + c] > y[o + c]) {
            y[o + c] = x[from + c];
            arg[o + c] = from + c;
          }
        }
      }
    }
    if (kind === 'avg') for (let c = 0; c < C; c++) y[o + c] /= positions;
  }
}

/** dx[b, p, c] += dy[b, c] / positions, the adjoint of global average pooling. */
export function globalAvgPoolBackward(dy: Float32Array, dx: Float32Array, batch: number, positions: number, C: number): void {
  const inv = 1 / positions;
  // For each sample and position: add the sample's gradient row, scaled.
  for (let b = 0; b < batch; b++) {
    for (let p = 0; p < positions; p++) {
      const to = (b * positions + p) * C;
      for (let c = 0; c < C; c++) dx[to + c] += dy[b * C + c] * inv;
    }
  }
}
