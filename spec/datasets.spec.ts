/**
 * datasets/: numpy's RandomState stream, makeCircles / makeMoons against scikit-learn 1.2's output
 * (spec/fixtures/datasets.json), and the train/test splits.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Tensor } from '../lib/tensor';
import { NumpyRandomState, makeCircles, makeMoons, splitRows, trainTestSplit } from '../datasets';

interface FixtureCase {
  params: { n_samples: number; noise: number | null; random_state: number; factor?: number; shuffle: boolean };
  X: number[][];
  y: number[];
}
const fixtures = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'datasets.json'), 'utf8')) as {
  make_circles: FixtureCase[];
  make_moons: FixtureCase[];
};

/** Largest absolute difference between two n x 2 arrays. */
function maxDiff(a: number[][], b: number[][]): number {
  let worst = 0;
  // Every coordinate of every row.
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < 2; j++) worst = Math.max(worst, Math.abs(a[i][j] - b[i][j]));
  }
  return worst;
}

/** Checks a generated dataset against a scikit-learn case. */
function expectSameAsSklearn(
  got: { X: Tensor; y: Tensor; XArray: number[][]; yArray: number[] },
  want: FixtureCase,
): void {
  const n = want.y.length;
  expect(got.XArray.length).toBe(n);
  expect(maxDiff(got.XArray, want.X)).toBeLessThan(1e-12);
  expect(got.yArray).toEqual(want.y);
  expect(got.X.shape).toEqual([n, 2]);
  expect(got.y.shape).toEqual([n]);
  expect(Array.from(got.y.data)).toEqual(want.y);
  // The float32 Tensor holds the float64 values rounded once.
  for (let i = 0; i < n; i++) {
    expect(got.X.data[2 * i]).toBe(Math.fround(got.XArray[i][0]));
    expect(got.X.data[2 * i + 1]).toBe(Math.fround(got.XArray[i][1]));
  }
}

describe('NumpyRandomState (numpy 2.4 legacy RandomState values)', () => {
  it('gives the reference MT19937 outputs for seed 5489', () => {
    const rng = new NumpyRandomState(5489);
    expect([1, 2, 3, 4, 5].map(() => rng.randomInt32())).toEqual([3499211612, 581869302, 3890346734, 3586334585, 545404204]);
  });

  it('matches RandomState(0) and the largest seed', () => {
    const rng = new NumpyRandomState(0);
    expect([rng.randomInt32(), rng.randomInt32(), rng.randomInt32()]).toEqual([2357136044, 2546248239, 3071714933]);
    const top = new NumpyRandomState(4294967295);
    expect([top.randomInt32(), top.randomInt32()]).toEqual([419326371, 479346978]);
  });

  it('matches random_sample, including past the first 624-word block', () => {
    const rng = new NumpyRandomState(1);
    expect([rng.randomDouble(), rng.randomDouble(), rng.randomDouble()]).toEqual([
      0.417022004702574, 0.7203244934421581, 0.00011437481734488664,
    ]);
    const long = new NumpyRandomState(99);
    let last = 0;
    // 1000 doubles use 2000 words, crossing three twists.
    for (let i = 0; i < 1000; i++) last = long.randomDouble();
    expect(last).toBe(0.4623276301388288);
  });

  it('matches standard_normal and normal(loc, scale)', () => {
    const rng = new NumpyRandomState(1);
    const got = [1, 2, 3, 4, 5].map(() => rng.normal());
    const want = [1.6243453636632417, -0.6117564136500754, -0.5281717522634557, -1.0729686221561705, 0.8654076293246785];
    got.forEach((g, i) => expect(Math.abs(g - want[i])).toBeLessThan(1e-15));
    const seven = new NumpyRandomState(7);
    expect(seven.normal(2, 0.5)).toBeCloseTo(2.845262851900178, 14);
    expect(seven.normal(2, 0.5)).toBeCloseTo(1.7670313147295835, 14);
  });

  it('matches permutation and shuffle', () => {
    expect(new NumpyRandomState(0).permutation(10)).toEqual([2, 8, 4, 9, 1, 6, 7, 3, 0, 5]);
    expect(new NumpyRandomState(1).permutation(10)).toEqual([2, 9, 6, 4, 0, 3, 1, 7, 8, 5]);
    expect(new NumpyRandomState(42).permutation(5)).toEqual([1, 4, 2, 0, 3]);
    expect(new NumpyRandomState(2024).permutation(7)).toEqual([1, 5, 3, 4, 6, 2, 0]);
    const big = new NumpyRandomState(3).permutation(1000);
    expect(big.slice(0, 8)).toEqual([642, 762, 909, 199, 586, 797, 652, 755]);
    expect(big.reduce((s, v, i) => s + i * v, 0)).toBe(254166528);
    const rng = new NumpyRandomState(123);
    expect(rng.shuffle(Float64Array.from([0, 1, 2, 3, 4, 5]))).toEqual(Float64Array.from([1, 3, 4, 0, 2, 5]));
    expect(rng.randomDouble()).toBe(0.719150310154773);
  });

  it('keeps interval within bounds and rejects bad seeds', () => {
    const rng = new NumpyRandomState(5);
    expect(rng.interval(0)).toBe(0);
    // Many draws stay in [0, max].
    for (const max of [1, 2, 5, 1000, 0xffffffff]) {
      for (let k = 0; k < 200; k++) {
        const v = rng.interval(max);
        expect(v >= 0 && v <= max && Number.isInteger(v)).toBe(true);
      }
    }
    expect(() => new NumpyRandomState(-1)).toThrow(/seed must be an integer in \[0, 2\^32 - 1\]/);
    expect(() => new NumpyRandomState(2 ** 32)).toThrow(RangeError);
    expect(() => new NumpyRandomState(1.5)).toThrow(RangeError);
  });
});

describe('makeCircles equals scikit-learn 1.2 make_circles', () => {
  // One test per scikit-learn case.
  for (const c of fixtures.make_circles) {
    it(`n_samples=${c.params.n_samples} noise=${c.params.noise} random_state=${c.params.random_state} factor=${c.params.factor} shuffle=${c.params.shuffle}`, () => {
      const got = makeCircles({
        nSamples: c.params.n_samples,
        noise: c.params.noise,
        randomState: c.params.random_state,
        factor: c.params.factor,
        shuffle: c.params.shuffle,
      });
      expectSameAsSklearn(got, c);
    });
  }

  it("uses sklearn's defaults (nSamples 100, factor 0.8, shuffle) and takes a NumpyRandomState", () => {
    const c = fixtures.make_circles[0];
    expectSameAsSklearn(makeCircles({ noise: 0.1, randomState: new NumpyRandomState(1) }), c);
  });

  it('takes nSamples as [outer, inner]', () => {
    const { XArray, yArray } = makeCircles({ nSamples: [3, 5], shuffle: false, factor: 0.5 });
    expect(yArray).toEqual([0, 0, 0, 1, 1, 1, 1, 1]);
    expect(XArray[0]).toEqual([1, 0]);
    expect(XArray[3]).toEqual([0.5, 0]);
    expect(XArray[1][0]).toBeCloseTo(Math.cos((2 * Math.PI) / 3), 15);
  });

  it('rejects bad arguments with messages naming them', () => {
    expect(() => makeCircles({ factor: 1.5 })).toThrow('makeCircles: factor must be in [0, 1), got 1.5');
    expect(() => makeCircles({ factor: 1 })).toThrow(RangeError);
    expect(() => makeCircles({ nSamples: 0 })).toThrow(/nSamples must be a positive integer, got 0/);
    expect(() => makeCircles({ nSamples: 2.5 })).toThrow(RangeError);
    expect(() => makeCircles({ nSamples: [1, -1] })).toThrow(/nSamples as a pair/);
    expect(() => makeCircles({ noise: -0.1 })).toThrow(/noise must be a finite number >= 0, got -0.1/);
    expect(() => makeCircles({ randomState: -3 })).toThrow(/makeCircles: randomState must be an integer/);
    expect(() => makeCircles({ nSamples: '100' as unknown as number })).toThrow(TypeError);
    expect(() => makeCircles({ n_samples: 100 } as unknown as object)).toThrow(/unknown option 'n_samples'/);
  });
});

describe('makeMoons equals scikit-learn 1.2 make_moons', () => {
  // One test per scikit-learn case.
  for (const c of fixtures.make_moons) {
    it(`n_samples=${c.params.n_samples} noise=${c.params.noise} random_state=${c.params.random_state}`, () => {
      const got = makeMoons({
        nSamples: c.params.n_samples,
        noise: c.params.noise,
        randomState: c.params.random_state,
        shuffle: c.params.shuffle,
      });
      expectSameAsSklearn(got, c);
    });
  }

  it('puts both ends of each moon on the curve (linspace with the endpoint)', () => {
    const { XArray, yArray } = makeMoons({ nSamples: 6, shuffle: false });
    expect(yArray).toEqual([0, 0, 0, 1, 1, 1]);
    expect(XArray[0]).toEqual([1, 0]);
    expect(XArray[2][0]).toBe(-1);
    expect(XArray[3]).toEqual([0, 0.5]);
    expect(XArray[5][0]).toBe(2);
  });

  it('rejects bad arguments with messages naming them', () => {
    expect(() => makeMoons({ nSamples: -5 })).toThrow('makeMoons: nSamples must be a positive integer, got -5');
    expect(() => makeMoons({ noise: Number.NaN })).toThrow(/makeMoons: noise/);
    expect(() => makeMoons({ shuffle: 'yes' as unknown as boolean })).toThrow(/shuffle must be a boolean/);
  });
});

describe('trainTestSplit', () => {
  const X = Tensor.from([[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]]);
  const y = Tensor.from([0, 1, 2, 3, 4]);

  it("reproduces scikit-learn's docstring example (test_size=0.33, random_state=42)", () => {
    const s = trainTestSplit(X, y, { testSize: 0.33, randomState: 42 });
    expect(s.trainX.toArray()).toEqual([[4, 5], [0, 1], [6, 7]]);
    expect(s.testX.toArray()).toEqual([[2, 3], [8, 9]]);
    expect(s.trainY.toArray()).toEqual([2, 0, 3]);
    expect(s.testY.toArray()).toEqual([1, 4]);
  });

  it('partitions the rows: test = permutation[:nTest], train = the next nTrain', () => {
    const n = 100;
    const big = Tensor.from(Array.from({ length: n }, (_, i) => [i, -i]));
    const labels = Tensor.from(Array.from({ length: n }, (_, i) => i % 2));
    const s = trainTestSplit(big, labels, { randomState: 1 });
    expect(s.testIndices.length).toBe(25);
    expect(s.trainIndices.length).toBe(75);
    const perm = new NumpyRandomState(1).permutation(n);
    expect(s.testIndices).toEqual(perm.slice(0, 25));
    expect(s.trainIndices).toEqual(perm.slice(25));
    expect([...s.trainIndices, ...s.testIndices].sort((a, b) => a - b)).toEqual(perm.slice().sort((a, b) => a - b));
    expect(s.trainX.shape).toEqual([75, 2]);
    expect(s.testY.shape).toEqual([25]);
    // Each row follows its index.
    s.trainIndices.forEach((row, k) => {
      expect(s.trainX.get(k, 0)).toBe(row);
      expect(s.trainY.get(k)).toBe(row % 2);
    });
  });

  it('is deterministic for an integer randomState and sizes rows as sklearn does', () => {
    const a = trainTestSplit(X, y, { testSize: 0.4, randomState: 7 });
    const b = trainTestSplit(X, y, { testSize: 0.4, randomState: 7 });
    expect(a.testIndices).toEqual(b.testIndices);
    expect(a.trainIndices).toEqual(b.trainIndices);
    // ceil(0.3 * 5) = 2 test rows, floor(0.5 * 5) = 2 train rows, 1 left out.
    const sub = trainTestSplit(X, y, { testSize: 0.3, trainSize: 0.5, randomState: 0 });
    expect([sub.trainIndices.length, sub.testIndices.length]).toEqual([2, 2]);
    expect(trainTestSplit(X, y, { trainSize: 3, randomState: 0 }).testIndices.length).toBe(2);
    expect(trainTestSplit(X, y, { testSize: 1, randomState: 0 }).trainIndices.length).toBe(4);
  });

  it('takes the first rows for training when shuffle is false', () => {
    const s = trainTestSplit(X, y, { testSize: 2, shuffle: false });
    expect(s.trainIndices).toEqual([0, 1, 2]);
    expect(s.testY.toArray()).toEqual([3, 4]);
  });

  it('rejects bad arguments with messages naming them', () => {
    expect(() => trainTestSplit(X, Tensor.from([1, 2]))).toThrow(/X and y must have the same number of rows/);
    expect(() => trainTestSplit(X, y, { testSize: 1.5 })).toThrow(/testSize must be a fraction in \(0, 1\) or a row count in \[1, 5\), got 1.5/);
    expect(() => trainTestSplit(X, y, { testSize: 5 })).toThrow(/testSize/);
    expect(() => trainTestSplit(X, y, { trainSize: 0 })).toThrow(/trainSize/);
    expect(() => trainTestSplit(X, y, { testSize: 0.6, trainSize: 0.6 })).toThrow(/testSize \+ trainSize/);
    expect(() => trainTestSplit(X, y, { testSize: 3, trainSize: 3 })).toThrow(/more than the 5 rows/);
    expect(() => trainTestSplit(X, y, { randomState: 0.5 })).toThrow(/trainTestSplit: randomState/);
    expect(() => trainTestSplit(Tensor.from([[1], [2]]), Tensor.from([0, 1]), { testSize: 0.99 })).toThrow(
      /training set would be empty/,
    );
  });
});

describe('splitRows (the tutorial X[:n_train], X[n_train:])', () => {
  it('returns views of the first nTrain rows and the rest', () => {
    const { X, y } = makeCircles({ nSamples: 100, noise: 0.1, randomState: 1 });
    const s = splitRows(X, y, 30);
    expect(s.trainX.shape).toEqual([30, 2]);
    expect(s.testX.shape).toEqual([70, 2]);
    expect(s.trainY.shape).toEqual([30]);
    expect(s.testY.shape).toEqual([70]);
    expect(s.testX.data.buffer).toBe(X.data.buffer);
    expect(s.testX.get(0, 1)).toBe(X.get(30, 1));
    expect(s.testY.get(69)).toBe(y.get(99));
  });

  it('rejects bad arguments with messages naming them', () => {
    const X = Tensor.zeros([4, 3]);
    expect(() => splitRows(X, Tensor.zeros([4]), 5)).toThrow('splitRows: nTrain must be an integer in [0, 4] (the rows of X), got 5');
    expect(() => splitRows(X, Tensor.zeros([3]), 2)).toThrow(/splitRows: X and y must have the same number of rows/);
  });
});
