/**
 * What `makeCircles` and `makeMoons` share: argument checks, numpy's `linspace`, and the last
 * steps of scikit-learn's generators (shuffle the rows, then add Gaussian noise, then pack).
 */
import { Tensor, describe } from '../lib/tensor';
import { NumpyRandomState } from './mt19937';

/** A two-class toy dataset of `n` points in the plane. */
export interface ToyDataset {
  /** The points, float32, shape `[n, 2]`. */
  X: Tensor;
  /** The labels 0 or 1, float32, shape `[n]`. */
  y: Tensor;
  /** The points in float64, `n` rows of `[x, y]` (the values scikit-learn returns). */
  XArray: number[][];
  /** The labels as numbers, length `n`. */
  yArray: number[];
}

/** Throws a TypeError naming an option `owner` does not know (say `n_samples` for `nSamples`). */

/**
 * scikit-learn's split of `n_samples`: an integer n gives `[n // 2, n - n // 2]` (outer, inner),
 * a pair is taken as it is.
 */
export function sampleCounts(nSamples: unknown, owner: string): [number, number] {
  if (typeof nSamples === 'number') {
    if (!Number.isInteger(nSamples) || nSamples < 1) {
      throw new RangeError(`${owner}: nSamples must be a positive integer, got ${describe(nSamples)}`);
    }
    const outer = Math.floor(nSamples / 2);
    return [outer, nSamples - outer];
  }
  if (Array.isArray(nSamples) && nSamples.length === 2) {
    const [outer, inner] = nSamples as unknown[];
    const count = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
    if (!count(outer) || !count(inner) || outer + inner === 0) {
      throw new RangeError(
        `${owner}: nSamples as a pair must hold two non-negative integers [outer, inner] with a positive sum, ` +
          `got [${String(outer)}, ${String(inner)}]`,
      );
    }
    return [outer, inner];
  }
  throw new TypeError(`${owner}: nSamples must be a positive integer or a pair [outer, inner], got ${describe(nSamples)}`);
}

/** Checks `noise`: undefined/null (no noise) or a finite number >= 0. */
export function checkNoise(noise: unknown, owner: string): number | null {
  if (noise === undefined || noise === null) return null;
  if (typeof noise !== 'number') throw new TypeError(`${owner}: noise must be a number, got ${describe(noise)}`);
  if (!Number.isFinite(noise) || noise < 0) {
    throw new RangeError(`${owner}: noise must be a finite number >= 0, got ${describe(noise)}`);
  }
  return noise;
}

/** Checks `shuffle`: a boolean. */
export function checkShuffle(shuffle: unknown, owner: string): boolean {
  if (typeof shuffle !== 'boolean') throw new TypeError(`${owner}: shuffle must be a boolean, got ${describe(shuffle)}`);
  return shuffle;
}

/**
 * numpy's `linspace(start, stop, num, endpoint)`: `start + k * step` with `step = (stop - start) / div`,
 * `div = num - 1` with the endpoint (which is then set to `stop` exactly) or `num` without.
 */
export function linspace(start: number, stop: number, num: number, endpoint: boolean): number[] {
  const div = endpoint ? num - 1 : num;
  const delta = stop - start;
  const out = new Array<number>(num);
  // k * step, as numpy multiplies arange(num) by the step (by delta alone when div is 0).
  for (let k = 0; k < num; k++) out[k] = (div > 0 ? k * (delta / div) : k * delta) + start;
  if (endpoint && num > 1) out[num - 1] = stop;
  return out;
}

/**
 * The tail of scikit-learn's generators: `util_shuffle(X, y)` (rows permuted by
 * `rng.shuffle(arange(n))`), then `X += rng.normal(scale=noise, size=X.shape)` row-major, then
 * packing into float32 Tensors beside the float64 arrays.
 */
export function finishToyDataset(
  points: number[][],
  labels: number[],
  shuffle: boolean,
  noise: number | null,
  rng: NumpyRandomState,
): ToyDataset {
  const n = points.length;
  let XArray = points;
  let yArray = labels;
  if (shuffle) {
    const order = rng.permutation(n);
    XArray = order.map((i) => points[i].slice());
    yArray = order.map((i) => labels[i]);
  }
  if (noise !== null) {
    // Row by row, x then y: the order numpy fills an [n, 2] array.
    for (const row of XArray) {
      row[0] += rng.normal(0, noise);
      row[1] += rng.normal(0, noise);
    }
  }
  const X = new Float32Array(2 * n);
  // Row i of XArray goes to X[2i], X[2i + 1].
  for (let i = 0; i < n; i++) {
    X[2 * i] = XArray[i][0];
    X[2 * i + 1] = XArray[i][1];
  }
  return { X: new Tensor(X, [n, 2]), y: new Tensor(Float32Array.from(yArray), [n]), XArray, yArray };
}
