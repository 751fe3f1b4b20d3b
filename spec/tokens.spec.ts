/**
 * The generated token task (datasets/tokens.ts) and the study configurations built on the case
 * study (examples/circles-mlp.ts): ids in range, sentiment words of the label's polarity in every
 * sequence, the label noise rate, one seed one dataset; the layer orders of the BN and L2 models.
 */
import { makeTokenSequences, NEGATIVE_WORDS, POSITIVE_WORDS } from '../datasets/tokens';
import { circlesModel } from '../examples/circles-mlp';

describe('makeTokenSequences', () => {
  const { X, y } = makeTokenSequences({ nSamples: 2000, length: 30, vocab: 50, labelNoise: 0.1, randomState: 3 });

  it('gives [n, length] ids in 1..vocab-1 and [n, 1] labels, the same for the same seed', () => {
    expect(X.shape).toEqual([2000, 30]);
    expect(y.shape).toEqual([2000, 1]);
    expect(X.data.every((v) => Number.isInteger(v) && v >= 1 && v < 50)).toBe(true);
    expect(y.data.every((v) => v === 0 || v === 1)).toBe(true);
    const again = makeTokenSequences({ nSamples: 2000, length: 30, vocab: 50, labelNoise: 0.1, randomState: 3 });
    expect(Array.from(again.X.data)).toEqual(Array.from(X.data));
    expect(Array.from(makeTokenSequences({ nSamples: 2000, length: 30, vocab: 50, randomState: 4 }).X.data)).not.toEqual(Array.from(X.data));
  });

  it('puts sentiment words in every sequence, and the majority polarity gives the label but for about 10% noise', () => {
    let agree = 0;
    let ones = 0;
    for (let i = 0; i < 2000; i++) {
      const row = Array.from(X.data.subarray(i * 30, i * 30 + 30));
      const pos = row.filter((v) => POSITIVE_WORDS.includes(v)).length;
      const neg = row.filter((v) => NEGATIVE_WORDS.includes(v)).length;
      expect(pos + neg).toBeGreaterThan(0);
      if ((pos > neg ? 1 : 0) === y.data[i]) agree++;
      ones += y.data[i];
    }
    // the label disagrees with the majority through the 10% flips and the mixed-in word's ties
    expect(agree / 2000).toBeGreaterThan(0.8);
    expect(agree / 2000).toBeLessThan(0.93);
    expect(ones / 2000).toBeGreaterThan(0.45);
    expect(ones / 2000).toBeLessThan(0.55);
  });

  it('names the argument and what was expected', () => {
    expect(() => makeTokenSequences({ nSamples: 0 })).toThrow('makeTokenSequences: nSamples must be an integer >= 1, got 0');
    expect(() => makeTokenSequences({ nSamples: 2, vocab: 11 })).toThrow('vocab must be an integer >= 12, got 11');
    expect(() => makeTokenSequences({ nSamples: 2, labelNoise: 0.7 })).toThrow('labelNoise must be in [0, 0.5], got 0.7');
  });
});

describe('the regularization study models', () => {
  it('place BatchNormalization and Dropout in the order asked, and the L2 penalty on the hidden kernel', () => {
    const kinds = (m: ReturnType<typeof circlesModel>) => m.layers.map((l) => l.className);
    expect(kinds(circlesModel({ seed: 1, batchNorm: 'bn' }))).toEqual(['Dense', 'BatchNormalization', 'Dense']);
    expect(kinds(circlesModel({ seed: 1, batchNorm: 'bn-dropout', rate: 0.4 }))).toEqual(['Dense', 'BatchNormalization', 'Dropout', 'Dense']);
    expect(kinds(circlesModel({ seed: 1, batchNorm: 'dropout-bn', rate: 0.4 }))).toEqual(['Dense', 'Dropout', 'BatchNormalization', 'Dense']);
    const penalized = circlesModel({ seed: 1, l2: 0.01 }).penalizedWeights();
    expect(penalized.map((p) => [p.weight.shape, p.regularizer.config])).toEqual([[[2, 500], { l1: 0, l2: 0.01 }]]);
  });
});
