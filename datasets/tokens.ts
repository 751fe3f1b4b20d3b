/**
 * A generated text-like task for embeddings, with no download: sequences of token ids whose
 * class depends on a few "sentiment" tokens hidden among many distractors. Ids 1..5 are positive
 * words, 6..10 negative ones, 11..vocab-1 distractors (0 is never drawn, as a padding id would
 * be). A sequence of class 1 holds 1 to 3 positive words, one of class 0 as many negative ones,
 * each at a random position; with probability 0.3 one word of the other polarity is mixed in; the
 * rest are distractors drawn uniformly; then the label is flipped with probability `labelNoise`.
 * A small training set is easy to memorise through its distractors, which is what dropout on
 * words and channels is meant to prevent.
 *
 * Seeded (lib/random.ts streams): the same `randomState` gives the same data.
 */
import { checkOptions, optionKeys } from '../lib/options';
import { RandomStream, Seed } from '../lib/random';
import { describe, Tensor } from '../lib/tensor';
import { SequenceDataset } from './sequences';

/** Options of `makeTokenSequences`. */
export interface MakeTokenSequencesOptions {
  /** Number of sequences. */
  nSamples: number;
  /** Tokens per sequence (default 40). */
  length?: number;
  /** Ids are 0..vocab-1 (default 200; at least 12). */
  vocab?: number;
  /** Probability of flipping a label (default 0.1). */
  labelNoise?: number;
  /** Seed of the generator (default 0). */
  randomState?: Seed;
}

const KNOWN = optionKeys<MakeTokenSequencesOptions>({ nSamples: true, length: true, vocab: true, labelNoise: true, randomState: true });

/** The first positive and negative word ids, and the first distractor id. */
export const POSITIVE_WORDS = [1, 2, 3, 4, 5];
export const NEGATIVE_WORDS = [6, 7, 8, 9, 10];
const FIRST_DISTRACTOR = 11;

/**
 * X [nSamples, length] of token ids (as floats, for an Embedding), y [nSamples, 1] of 0 or 1,
 * each class with probability 1/2 before label noise.
 */
export function makeTokenSequences(options: MakeTokenSequencesOptions): SequenceDataset {
  const { nSamples, length = 40, vocab = 200, labelNoise = 0.1, randomState = 0 } = checkOptions('makeTokenSequences', options, KNOWN);
  for (const [name, v, min] of [['nSamples', nSamples, 1], ['length', length, 4], ['vocab', vocab, 12]] as const) {
    if (!Number.isInteger(v) || v < min) throw new RangeError(`makeTokenSequences: ${name} must be an integer >= ${min}, got ${describe(v)}`);
  }
  if (!(labelNoise >= 0 && labelNoise <= 0.5)) throw new RangeError(`makeTokenSequences: labelNoise must be in [0, 0.5], got ${describe(labelNoise)}`);
  const random = new RandomStream(`tokens/${randomState}`);
  const X = Tensor.zeros([nSamples, length]);
  const y = Tensor.zeros([nSamples, 1]);
  // One sequence at a time: distractors everywhere, then its sentiment words, then its label.
  for (let i = 0; i < nSamples; i++) {
    const row = i * length;
    for (let t = 0; t < length; t++) X.data[row + t] = FIRST_DISTRACTOR + random.int(vocab - FIRST_DISTRACTOR);
    const positive = random.uniform() < 0.5;
    const own = positive ? POSITIVE_WORDS : NEGATIVE_WORDS;
    const other = positive ? NEGATIVE_WORDS : POSITIVE_WORDS;
    const count = 1 + random.int(3);
    for (let k = 0; k < count; k++) X.data[row + random.int(length)] = own[random.int(own.length)];
    if (random.uniform() < 0.3) X.data[row + random.int(length)] = other[random.int(other.length)];
    const flipped = random.uniform() < labelNoise;
    y.data[i] = positive !== flipped ? 1 : 0;
  }
  return { X, y };
}
