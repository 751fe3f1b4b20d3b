/**
 * A generated sequence task for the recurrent examples: tell a slow wave from a fast one under
 * heavy noise. Each sample is `length` time steps of `channels` readings, as if `channels`
 * sensors read the same sine wave (one random amplitude, phase and frequency per sample), each
 * with its own Gaussian noise. Slow waves (label 0) make 1 to 2 cycles per sequence, fast ones
 * (label 1) 2 to 3, so samples near 2 cycles are hard and the noise leaves plenty to memorise:
 * with a small training set an LSTM fits it perfectly and tests well below that.
 *
 * Seeded (lib/random.ts streams, no unseeded randomness): the same `randomState` gives the same data.
 */
import { checkOptions, optionKeys } from '../lib/options';
import { RandomStream, Seed } from '../lib/random';
import { Tensor, describe } from '../lib/tensor';

/** Options of `makeWaveforms`. */
export interface MakeWaveformsOptions {
  /** Number of sequences. */
  nSamples: number;
  /** Time steps per sequence (default 30). */
  length?: number;
  /** Readings per time step (default 8). */
  channels?: number;
  /** Standard deviation of the Gaussian noise added to every reading (default 1.5). */
  noise?: number;
  /** Seed of the generator (default 0). */
  randomState?: Seed;
}

const KNOWN = optionKeys<MakeWaveformsOptions>({ nSamples: true, length: true, channels: true, noise: true, randomState: true });

/** A labelled sequence set: X [n, length, channels], y [n, 1] with 0 = slow, 1 = fast. */
export interface SequenceDataset {
  X: Tensor;
  y: Tensor;
}

/**
 * Noisy slow (label 0) and fast (label 1) sine waves, each class with probability 1/2.
 * Sample i: amplitude A in [0.5, 1.5), phase phi in [0, 2 pi), f cycles per sequence in [1, 2)
 * (slow) or [2, 3) (fast); reading (t, c) = A sin(2 pi f t / length + phi) + noise * N(0, 1).
 * Returns X [nSamples, length, channels] and y [nSamples, 1].
 */
export function makeWaveforms(options: MakeWaveformsOptions): SequenceDataset {
  const { nSamples, length = 30, channels = 8, noise = 1.5, randomState = 0 } = checkOptions('makeWaveforms', options, KNOWN);
  for (const [name, v] of [['nSamples', nSamples], ['length', length], ['channels', channels]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`makeWaveforms: ${name} must be a positive integer, got ${describe(v)}`);
  }
  if (!(noise >= 0) || !Number.isFinite(noise)) throw new RangeError(`makeWaveforms: noise must be a finite number >= 0, got ${describe(noise)}`);
  const random = new RandomStream(`waveforms/${randomState}`);
  const X = Tensor.zeros([nSamples, length, channels]);
  const y = Tensor.zeros([nSamples, 1]);
  // One sample at a time: its class, amplitude, phase and frequency, then its readings.
  for (let i = 0; i < nSamples; i++) {
    const fast = random.uniform() < 0.5;
    const amplitude = random.uniformIn(0.5, 1.5);
    const phase = random.uniformIn(0, 2 * Math.PI);
    const cycles = fast ? random.uniformIn(2, 3) : random.uniformIn(1, 2);
    y.data[i] = fast ? 1 : 0;
    // reading (t, c) = A sin(angle_t) + noise
    for (let t = 0; t < length; t++) {
      const wave = amplitude * Math.sin((2 * Math.PI * cycles * t) / length + phase);
      for (let c = 0; c < channels; c++) X.data[(i * length + t) * channels + c] = wave + noise * random.normal();
    }
  }
  return { X, y };
}
