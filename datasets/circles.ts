/**
 * `makeCircles`: scikit-learn's `make_circles`, a large circle around a smaller one, equal to
 * scikit-learn 1.2's output for the same arguments.
 */
import { describe } from '../lib/tensor';
import { NumpyRandomState, checkRandomState } from './mt19937';
import { checkOptions, optionKeys } from '../lib/options';
import { ToyDataset, checkNoise, checkShuffle, finishToyDataset, linspace, sampleCounts } from './toy';

/** Options of `makeCircles`, scikit-learn's arguments in camelCase. */
export interface MakeCirclesOptions {
  /** Number of points (outer circle gets `n // 2`, inner the rest), or a pair `[outer, inner]`. Default 100. */
  nSamples?: number | [number, number];
  /** Standard deviation of the Gaussian noise added to each coordinate; none when undefined/null. */
  noise?: number | null;
  /** An integer seed (numpy's `RandomState(seed)`) or a `NumpyRandomState`; unseeded when undefined. */
  randomState?: number | NumpyRandomState | null;
  /** Radius of the inner circle relative to the outer one, in [0, 1). Default 0.8. */
  factor?: number;
  /** Whether to shuffle the points. Default true. */
  shuffle?: boolean;
}

const KNOWN = optionKeys<MakeCirclesOptions>({ nSamples: true, noise: true, randomState: true, factor: true, shuffle: true });

/**
 * Two concentric circles: the outer one (radius 1, label 0) first, then the inner one (radius
 * `factor`, label 1), at angles `k * 2 pi / count`; rows shuffled, then noise added.
 *
 * Returns `X` `[n, 2]` and `y` `[n]` as float32 Tensors, and `XArray` (`n` rows of 2, float64)
 * and `yArray` (length `n`) with scikit-learn's exact values.
 */
export function makeCircles(options: MakeCirclesOptions = {}): ToyDataset {
  const owner = 'makeCircles';
  const { nSamples = 100, noise, randomState, factor = 0.8, shuffle = true } = checkOptions(owner, options, KNOWN);
  if (typeof factor !== 'number') throw new TypeError(`${owner}: factor must be a number, got ${describe(factor)}`);
  if (!(factor >= 0 && factor < 1)) throw new RangeError(`${owner}: factor must be in [0, 1), got ${describe(factor)}`);
  const [nOut, nIn] = sampleCounts(nSamples, owner);
  const scale = checkNoise(noise, owner);
  const doShuffle = checkShuffle(shuffle, owner);
  const rng = checkRandomState(randomState, owner);

  // endpoint=False so that the first point is not repeated as the last.
  const angleOut = linspace(0, 2 * Math.PI, nOut, false);
  const angleIn = linspace(0, 2 * Math.PI, nIn, false);
  const points = [
    ...angleOut.map((t) => [Math.cos(t), Math.sin(t)]),
    ...angleIn.map((t) => [Math.cos(t) * factor, Math.sin(t) * factor]),
  ];
  const labels = [...angleOut.map(() => 0), ...angleIn.map(() => 1)];
  return finishToyDataset(points, labels, doShuffle, scale, rng);
}
