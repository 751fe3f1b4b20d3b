/**
 * Window geometry shared by convolution and pooling, and the im2col / col2im copies that turn a
 * convolution into one matrix multiply. Everything is channels-last: an image batch is
 * [batch, height, width, channels], row-major.
 *
 * Padding follows TensorFlow: 'valid' uses only whole windows; 'same' gives ceil(in / stride)
 * outputs and pads the input with max((out - 1) * stride + window - in, 0) zeros, the odd one at
 * the bottom / right.
 */

/** 'valid' (no padding) or 'same' (TensorFlow's: out = ceil(in / stride), extra pad bottom/right). */
export type Padding = 'valid' | 'same';

/** Where the windows of a 2-D convolution or pooling fall, for one input shape. */
export interface WindowGeometry {
  batch: number;
  inH: number;
  inW: number;
  /** Input channels. */
  inC: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  /** Zero rows added above the input (the 'same' pad before). */
  padTop: number;
  /** Zero columns added left of the input. */
  padLeft: number;
  outH: number;
  outW: number;
}

/** Number of outputs along one axis: floor((in - window) / stride) + 1 ('valid') or ceil(in / stride) ('same'). */
export function outputLength(input: number, window: number, stride: number, padding: Padding): number {
  return padding === 'same' ? Math.ceil(input / stride) : Math.floor((input - window) / stride) + 1;
}

/** Padding before the first element along one axis: floor(total / 2) of TensorFlow's total 'same' pad, 0 for 'valid'. */
export function padBefore(input: number, window: number, stride: number, padding: Padding): number {
  if (padding === 'valid') return 0;
  const total = Math.max((outputLength(input, window, stride, padding) - 1) * stride + window - input, 0);
  return Math.floor(total / 2);
}

/**
 * The geometry of windows kH x kW moved by (strideH, strideW) over a channels-last input
 * [batch, inH, inW, inC]. The caller checks that the output is not empty.
 */
export function windowGeometry(
  inputShape: readonly [number, number, number, number],
  kH: number,
  kW: number,
  strideH: number,
  strideW: number,
  padding: Padding,
): WindowGeometry {
  const [batch, inH, inW, inC] = inputShape;
  return {
    batch, inH, inW, inC, kH, kW, strideH, strideW,
    padTop: padBefore(inH, kH, strideH, padding),
    padLeft: padBefore(inW, kW, strideW, padding),
    outH: outputLength(inH, kH, strideH, padding),
    outW: outputLength(inW, kW, strideW, padding),
  };
}

/**
 * im2col: cols[(b, oy, ox), (ky, kx, c)] = x[b, oy*sH - padTop + ky, ox*sW - padLeft + kx, c]
 * (0 outside the input). x: [batch, inH, inW, inC]; cols: [batch*outH*outW, kH*kW*inC], each row
 * one window laid out as a Keras kernel [kH, kW, inC, ...] is, so y = cols · kernel.
 */
export function im2col(x: Float32Array, cols: Float32Array, g: WindowGeometry): void {
  im2colRows(x, cols, g, 0, g.batch * g.outH);
}

/**
 * The rows of cols for output rows (b, oy) = r0 to r1 - 1 (r = b * outH + oy): `im2col` for a
 * slice of the image rows, each written exactly as the whole copy writes it (for the thread pool).
 */
export function im2colRows(x: Float32Array, cols: Float32Array, g: WindowGeometry, r0: number, r1: number): void {
  const { inH, inW, inC, kH, kW, strideH, strideW, padTop, padLeft, outH, outW } = g;
  const run = kW * inC;
  let o = r0 * outW * kH * run;
  // For each output position (b, oy, ox), copy its window row by row (ky) into the next row of cols.
  for (let r = r0; r < r1; r++) {
    const b = Math.floor(r / outH);
    const oy = r - b * outH;
    const iy0 = oy * strideH - padTop;
    for (let ox = 0; ox < outW; ox++) {
      const ix0 = ox * strideW - padLeft;
      const inside = ix0 >= 0 && ix0 + kW <= inW;
      for (let ky = 0; ky < kH; ky++) {
        const iy = iy0 + ky;
        if (iy < 0 || iy >= inH) {
          // A window row above or below the input: zeros.
          for (let j = 0; j < run; j++) cols[o + j] = 0;
        } else if (inside) {
          // The whole row of the window lies inside: kW*inC contiguous values.
          const from = ((b * inH + iy) * inW + ix0) * inC;
          for (let j = 0; j < run; j++) cols[o + j] = x[from + j];
        } else {
          // Part of the row is in the left/right padding: copy column by column.
          for (let kx = 0; kx < kW; kx++) {
            const ix = ix0 + kx;
            const to = o + kx * inC;
            if (ix < 0 || ix >= inW) for (let c = 0; c < inC; c++) cols[to + c] = 0;
            else {
              const from = ((b * inH + iy) * inW + ix) * inC;
              for (let c = 0; c < inC; c++) cols[to + c] = x[from + c];
            }
          }
        }
        o += run;
      }
    }
  }
}

/**
 * col2im, the adjoint of im2col: dx[b, iy, ix, c] += every dcols entry that im2col copied from
 * there (padding entries are dropped). dcols: [batch*outH*outW, kH*kW*inC]; dx: [batch, inH, inW, inC].
 */
export function col2im(dcols: Float32Array, dx: Float32Array, g: WindowGeometry): void {
  col2imImages(dcols, dx, g, 0, g.batch);
}

/**
 * `col2im` for images b0 to b1 - 1 only: each image's windows add into that image's part of dx
 * alone, so images can be shared out between threads.
 */
export function col2imImages(dcols: Float32Array, dx: Float32Array, g: WindowGeometry, b0: number, b1: number): void {
  const { inH, inW, inC, kH, kW, strideH, strideW, padTop, padLeft, outH, outW } = g;
  const run = kW * inC;
  let o = b0 * outH * outW * kH * run;
  // The same walk as im2col, adding each window row back where it came from.
  for (let b = b0; b < b1; b++) {
    for (let oy = 0; oy < outH; oy++) {
      const iy0 = oy * strideH - padTop;
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * strideW - padLeft;
        const inside = ix0 >= 0 && ix0 + kW <= inW;
        for (let ky = 0; ky < kH; ky++) {
          const iy = iy0 + ky;
          if (iy >= 0 && iy < inH) {
            if (inside) {
              // Contiguous row: kW*inC values go back in one run.
              const to = ((b * inH + iy) * inW + ix0) * inC;
              for (let j = 0; j < run; j++) dx[to + j] += dcols[o + j];
            } else {
              // Skip the columns that fell in the padding.
              for (let kx = 0; kx < kW; kx++) {
                const ix = ix0 + kx;
                if (ix < 0 || ix >= inW) continue;
                const to = ((b * inH + iy) * inW + ix) * inC;
                const from = o + kx * inC;
                for (let c = 0; c < inC; c++) dx[to + c] += dcols[from + c];
              }
            }
          }
          o += run;
        }
      }
    }
  }
}

/** The geometry as numbers (for the thread pool's arguments), and back. */
export function geometryArgs(g: WindowGeometry): number[] {
  return [g.batch, g.inH, g.inW, g.inC, g.kH, g.kW, g.strideH, g.strideW, g.padTop, g.padLeft, g.outH, g.outW];
}

/** The geometry from `geometryArgs`' numbers, starting at `at`, written into `into` (no allocation). */
export function readGeometry(args: Int32Array, at: number, into: WindowGeometry): WindowGeometry {
  into.batch = args[at]; into.inH = args[at + 1]; into.inW = args[at + 2]; into.inC = args[at + 3];
  into.kH = args[at + 4]; into.kW = args[at + 5]; into.strideH = args[at + 6]; into.strideW = args[at + 7];
  into.padTop = args[at + 8]; into.padLeft = args[at + 9]; into.outH = args[at + 10]; into.outW = args[at + 11];
  return into;
}
