import { allDigits, DIGIT_COUNT, loadDigits } from '../datasets/digits';

describe('the mnist package digits', () => {
  const { train, test } = loadDigits({ nTrain: 600, nTest: 400, seed: 3 });

  it('come as [n, 28, 28, 1] images, [n] integer labels and [n, 10] one-hot labels', () => {
    expect(train.x.shape).toEqual([600, 28, 28, 1]);
    expect(train.labels.shape).toEqual([600]);
    expect(train.oneHot.shape).toEqual([600, 10]);
    expect(test.x.shape).toEqual([400, 28, 28, 1]);
    expect(test.labels.shape).toEqual([400]);
    expect(test.oneHot.shape).toEqual([400, 10]);
    expect(train.indices.length).toBe(600);
  });

  it('hold gray levels in [0, 1] that use the range (ink and background)', () => {
    const { pixels } = allDigits();
    expect(pixels.length).toBe(DIGIT_COUNT * 784);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of pixels) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    expect(lo).toBe(0);
    expect(hi).toBe(1);
    // every image has some ink
    for (let i = 0; i < train.x.shape[0]; i++) {
      let ink = 0;
      for (let p = 0; p < 784; p++) ink += train.x.data[i * 784 + p];
      expect(ink).toBeGreaterThan(10);
    }
  });

  it('have labels 0..9 that agree with the one-hot rows, every class present', () => {
    for (const part of [train, test]) {
      const counts = new Array(10).fill(0);
      for (let i = 0; i < part.labels.size; i++) {
        const label = part.labels.data[i];
        expect(Number.isInteger(label) && label >= 0 && label <= 9).toBe(true);
        const row = Array.from(part.oneHot.data.subarray(i * 10, i * 10 + 10));
        expect(row.reduce((s, v) => s + v, 0)).toBe(1);
        expect(row[label]).toBe(1);
        expect(allDigits().labels[part.indices[i]]).toBe(label);
        counts[label]++;
      }
      expect(counts.every((c) => c > 10)).toBe(true);
    }
  });

  it('are split deterministically by the seed, and differently for another seed', () => {
    const again = loadDigits({ nTrain: 600, nTest: 400, seed: 3 });
    expect(again.train.indices).toEqual(train.indices);
    expect(again.test.indices).toEqual(test.indices);
    expect(Array.from(again.train.x.data.subarray(0, 5000))).toEqual(Array.from(train.x.data.subarray(0, 5000)));
    const other = loadDigits({ nTrain: 600, nTest: 400, seed: 4 });
    expect(Array.from(other.train.indices)).not.toEqual(Array.from(train.indices));
    // the split is a shuffle, not the package's digit-sorted order
    expect(new Set(Array.from(train.labels.data.subarray(0, 50))).size).toBeGreaterThan(5);
  });

  it('never put an image in both train and test (by index and by content)', () => {
    const full = loadDigits({ seed: 9 });
    expect(full.train.x.shape[0] + full.test.x.shape[0]).toBe(DIGIT_COUNT);
    const trainSet = new Set(full.train.indices);
    expect(trainSet.size).toBe(full.train.indices.length);
    for (const i of full.test.indices) expect(trainSet.has(i)).toBe(false);
    const key = (data: Float32Array, i: number) => Buffer.from(data.buffer, data.byteOffset + i * 784 * 4, 784 * 4).toString('base64');
    const seen = new Set<string>();
    for (let i = 0; i < full.train.x.shape[0]; i++) seen.add(key(full.train.x.data, i));
    let shared = 0;
    for (let i = 0; i < full.test.x.shape[0]; i++) if (seen.has(key(full.test.x.data, i))) shared++;
    expect(shared).toBe(0);
  });

  it('reject impossible sizes', () => {
    expect(() => loadDigits({ nTrain: 9000, nTest: 2000 })).toThrow(/nTrain \(9000\) and nTest \(2000\) .* <= 10000/);
    expect(() => loadDigits({ nTrain: 0 })).toThrow(/nTrain \(0\)/);
  });
});
