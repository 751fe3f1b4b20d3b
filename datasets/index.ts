/**
 * Lamina's datasets: scikit-learn's toy generators and train/test splits, reproduced exactly.
 *
 * - `makeCircles(options)`, `makeMoons(options)`: `X` `[n, 2]`, `y` `[n]` (float32 Tensors) plus
 *   the float64 `XArray` (`n` rows of 2) and `yArray` (length `n`).
 * - `trainTestSplit(X, y, options)`: X `[n, ...]`, y `[n, ...]` to `trainX` `[nTrain, ...]`,
 *   `testX` `[nTest, ...]`, `trainY`, `testY` (copies) and the row indices.
 * - `splitRows(X, y, nTrain)`: X `[n, ...]` to views `trainX` `[nTrain, ...]`, `testX` `[n - nTrain, ...]`.
 * - `NumpyRandomState`: numpy's legacy `RandomState(seed)` stream (MT19937) these draw from.
 */
export { makeCircles } from './circles';
export type { MakeCirclesOptions } from './circles';
export { makeMoons } from './moons';
export type { MakeMoonsOptions } from './moons';
export type { ToyDataset } from './toy';
export { trainTestSplit, splitRows } from './split';
export type { Split, IndexedSplit, TrainTestSplitOptions } from './split';
export { NumpyRandomState, checkRandomState } from './mt19937';
export type { MutableArrayLike } from './mt19937';
export { loadDigits, allDigits, DIGIT_COUNT, DIGIT_PIXELS } from './digits';
export type { Digits, DigitsPart, DigitsOptions } from './digits';
export { makeWaveforms } from './sequences';
export type { MakeWaveformsOptions, SequenceDataset } from './sequences';
export { makeTokenSequences, POSITIVE_WORDS, NEGATIVE_WORDS } from './tokens';
export type { MakeTokenSequencesOptions } from './tokens';
