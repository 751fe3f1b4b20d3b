/**
 * Train/test splits: `trainTestSplit` (scikit-learn's `train_test_split`, same rows for the same
 * integer `randomState`) and `splitRows` (the tutorial's `X[:n_train]`, `X[n_train:]`).
 */
import { Tensor, TensorLike, describe, shapeToString } from '../lib/tensor';
import { checkOptions, optionKeys } from '../lib/options';
import { NumpyRandomState, checkRandomState } from './mt19937';

/** The four parts of a split, in the order scikit-learn names them. */
export interface Split {
  /** Training rows of X, shape `[nTrain, ...X.shape.slice(1)]`. */
  trainX: Tensor;
  /** Test rows of X, shape `[nTest, ...X.shape.slice(1)]`. */
  testX: Tensor;
  /** Training rows of y, shape `[nTrain, ...y.shape.slice(1)]`. */
  trainY: Tensor;
  /** Test rows of y, shape `[nTest, ...y.shape.slice(1)]`. */
  testY: Tensor;
}

/** A `trainTestSplit` result: the four parts and the row indices each side took. */
export interface IndexedSplit extends Split {
  /** Rows of X (and y) in `trainX` (and `trainY`), in order. */
  trainIndices: number[];
  /** Rows of X (and y) in `testX` (and `testY`), in order. */
  testIndices: number[];
}

/** Options of `trainTestSplit`, scikit-learn's arguments in camelCase. */
export interface TrainTestSplitOptions {
  /** A fraction in (0, 1) (rounded up) or a row count in [1, n). Default: the complement of `trainSize`, or 0.25. */
  testSize?: number;
  /** A fraction in (0, 1) (rounded down) or a row count in [1, n). Default: the complement of `testSize`. */
  trainSize?: number;
  /** An integer seed (numpy's `RandomState(seed)`) or a `NumpyRandomState`; unseeded when undefined. */
  randomState?: number | NumpyRandomState | null;
  /** Whether to draw the rows at random (true, default) or take the first rows for training. */
  shuffle?: boolean;
}

const KNOWN = optionKeys<TrainTestSplitOptions>({ testSize: true, trainSize: true, randomState: true, shuffle: true });

/**
 * Splits X `[n, ...]` and y `[n, ...]` into random train and test rows as scikit-learn's
 * `train_test_split` does (through `ShuffleSplit`): `perm = RandomState(seed).permutation(n)`,
 * the test rows are `perm[:nTest]`, the training rows `perm[nTest:nTest + nTrain]`. With
 * `shuffle: false` the first `nTrain` rows train and the next `nTest` test.
 *
 * A whole number >= 1 is a count, a number in (0, 1) a fraction (JavaScript has no `1.0` apart
 * from `1`, so `testSize: 1` means one row). Returns new Tensors (copies) and the row indices.
 */
export function trainTestSplit(X: TensorLike, y: TensorLike, options: TrainTestSplitOptions = {}): IndexedSplit {
  const owner = 'trainTestSplit';
  checkOptions(owner, options, KNOWN);
  const [tx, ty] = checkPair(X, y, owner);
  const n = tx.shape[0];
  const { testSize, trainSize, randomState, shuffle = true } = options;
  if (typeof shuffle !== 'boolean') throw new TypeError(`${owner}: shuffle must be a boolean, got ${describe(shuffle)}`);
  const [nTrain, nTest] = splitSizes(n, testSize, trainSize, owner);

  let trainIndices: number[];
  let testIndices: number[];
  if (shuffle) {
    const perm = checkRandomState(randomState, owner).permutation(n);
    testIndices = perm.slice(0, nTest);
    trainIndices = perm.slice(nTest, nTest + nTrain);
  } else {
    trainIndices = range(0, nTrain);
    testIndices = range(nTrain, nTrain + nTest);
  }
  return {
    trainX: takeRows(tx, trainIndices),
    testX: takeRows(tx, testIndices),
    trainY: takeRows(ty, trainIndices),
    testY: takeRows(ty, testIndices),
    trainIndices,
    testIndices,
  };
}

/**
 * The tutorial's split `trainX, testX = X[:n_train], X[n_train:]` (and the same for y): the first
 * `nTrain` rows train, the rest test. The parts are views sharing X's and y's memory.
 */
export function splitRows(X: TensorLike, y: TensorLike, nTrain: number): Split {
  const [tx, ty] = checkPair(X, y, 'splitRows');
  const n = tx.shape[0];
  if (typeof nTrain !== 'number' || !Number.isInteger(nTrain) || nTrain < 0 || nTrain > n) {
    throw new RangeError(`splitRows: nTrain must be an integer in [0, ${n}] (the rows of X), got ${describe(nTrain)}`);
  }
  return { trainX: tx.rows(0, nTrain), testX: tx.rows(nTrain, n), trainY: ty.rows(0, nTrain), testY: ty.rows(nTrain, n) };
}

/** X and y as Tensors with at least one axis and the same number of rows. */
function checkPair(X: TensorLike, y: TensorLike, owner: string): [Tensor, Tensor] {
  const tx = Tensor.from(X, `${owner}: X`);
  const ty = Tensor.from(y, `${owner}: y`);
  if (tx.rank === 0 || ty.rank === 0) {
    throw new RangeError(`${owner}: X and y need a first (samples) axis, got shapes ${shapeToString(tx.shape)} and ${shapeToString(ty.shape)}`);
  }
  if (tx.shape[0] !== ty.shape[0]) {
    throw new RangeError(
      `${owner}: X and y must have the same number of rows, got X ${shapeToString(tx.shape)} and y ${shapeToString(ty.shape)}`,
    );
  }
  return [tx, ty];
}

/** scikit-learn's `_validate_shuffle_split`: `[nTrain, nTest]` for n rows. */
function splitSizes(n: number, testSize: unknown, trainSize: unknown, owner: string): [number, number] {
  if (testSize === undefined && trainSize === undefined) testSize = 0.25;
  const test = sizeKind(testSize, 'testSize', n, owner);
  const train = sizeKind(trainSize, 'trainSize', n, owner);
  if (test === 'fraction' && train === 'fraction' && (testSize as number) + (trainSize as number) > 1) {
    throw new RangeError(
      `${owner}: testSize + trainSize = ${(testSize as number) + (trainSize as number)} should be in (0, 1); reduce testSize and/or trainSize`,
    );
  }
  let nTest = test === 'fraction' ? Math.ceil((testSize as number) * n) : (testSize as number);
  let nTrain = train === 'fraction' ? Math.floor((trainSize as number) * n) : (trainSize as number);
  if (train === 'none') nTrain = n - nTest;
  else if (test === 'none') nTest = n - nTrain;
  if (nTrain + nTest > n) {
    throw new RangeError(
      `${owner}: trainSize and testSize give ${nTrain} + ${nTest} = ${nTrain + nTest} rows, more than the ${n} rows of X`,
    );
  }
  if (nTrain === 0) {
    throw new RangeError(
      `${owner}: with ${n} rows, testSize=${String(testSize)} and trainSize=${String(trainSize)} the training set would be empty`,
    );
  }
  return [nTrain, nTest];
}

/** Whether a size is absent, a fraction in (0, 1) or a count in [1, n); throws otherwise. */
function sizeKind(size: unknown, name: string, n: number, owner: string): 'none' | 'fraction' | 'count' {
  if (size === undefined || size === null) return 'none';
  if (typeof size !== 'number') throw new TypeError(`${owner}: ${name} must be a number, got ${describe(size)}`);
  if (size > 0 && size < 1) return 'fraction';
  if (Number.isInteger(size) && size >= 1 && size < n) return 'count';
  throw new RangeError(`${owner}: ${name} must be a fraction in (0, 1) or a row count in [1, ${n}), got ${describe(size)}`);
}

/** The integers start..end-1. */
function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, k) => start + k);
}

/** A new Tensor holding rows `indices` of `t`, in that order. */
function takeRows(t: Tensor, indices: number[]): Tensor {
  const rowSize = t.shape[0] === 0 ? 0 : t.size / t.shape[0];
  const out = new Float32Array(indices.length * rowSize);
  // Row indices[k] of t becomes row k of out.
  for (let k = 0; k < indices.length; k++) {
    const start = indices[k] * rowSize;
    out.set(t.data.subarray(start, start + rowSize), k * rowSize);
  }
  return new Tensor(out, [indices.length, ...t.shape.slice(1)]);
}
