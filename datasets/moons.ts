/**
 * `makeMoons`: scikit-learn's `make_moons`, two interleaving half circles, equal to scikit-learn
 * 1.2's output for the same arguments.
 */
import { NumpyRandomState, checkRandomState } from './mt19937';
import { checkOptions, optionKeys } from '../lib/options';
import { ToyDataset, checkNoise, checkShuffle, finishToyDataset, linspace, sampleCounts } from './toy';

/** Options of `makeMoons`, scikit-learn's arguments in camelCase. */
export interface MakeMoonsOptions {
  /** Number of points (outer moon gets `n // 2`, inner the rest), or a pair `[outer, inner]`. Default 100. */
  nSamples?: number | [number, number];
  /** Standard deviation of the Gaussian noise added to each coordinate; none when undefined/null. */
  noise?: number | null;
  /** An integer seed (numpy's `RandomState(seed)`) or a `NumpyRandomState`; unseeded when undefined. */
  randomState?: number | NumpyRandomState | null;
  /** Whether to shuffle the points. Default true. */
  shuffle?: boolean;
}

const KNOWN = optionKeys<MakeMoonsOptions>({ nSamples: true, noise: true, randomState: true, shuffle: true });

/**
 * Two half moons: the outer `(cos t, sin t)` (label 0) first, then the inner
 * `(1 - cos t, 1 - sin t - 0.5)` (label 1), `t = linspace(0, pi, count)` with the endpoint; rows
 * shuffled, then noise added.
 *
 * Returns `X` `[n, 2]` and `y` `[n]` as float32 Tensors, and `XArray` (`n` rows of 2, float64)
 * and `yArray` (length `n`) with scikit-learn's exact values.
 */
export function makeMoons(options: MakeMoonsOptions = {}): ToyDataset {
  const owner = 'makeMoons';
  const { nSamples = 100, noise, randomState, shuffle = true } = checkOptions(owner, options, KNOWN);
  const [nOut, nIn] = sampleCounts(nSamples, owner);
  const scale = checkNoise(noise, owner);
  const doShuffle = checkShuffle(shuffle, owner);
  const rng = checkRandomState(randomState, owner);

  const tOut = linspace(0, Math.PI, nOut, true);
  const tIn = linspace(0, Math.PI, nIn, true);
  const points = [
    ...tOut.map((t) => [Math.cos(t), Math.sin(t)]),
    ...tIn.map((t) => [1 - Math.cos(t), 1 - Math.sin(t) - 0.5]),
  ];
  const labels = [...tOut.map(() => 0), ...tIn.map(() => 1)];
  return finishToyDataset(points, labels, doShuffle, scale, rng);
}
