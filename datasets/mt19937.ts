/**
 * numpy's legacy `RandomState` stream, bit for bit: the Mersenne Twister MT19937 seeded with
 * `init_genrand`, numpy's 53-bit doubles, its polar-method Gaussians and its bounded integers.
 * scikit-learn's toy datasets and `train_test_split` draw from this stream, so reproducing it
 * reproduces their numbers.
 */
import { entropyInt } from '../lib/platform';
import { describe } from '../lib/tensor';

/** Length of the MT19937 state in 32-bit words. */
const N = 624;
/** The twist's middle offset. */
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
/** 2^53, the denominator of a 53-bit double. */
const TWO_POW_53 = 9007199254740992;

/** Any array-like whose elements can be swapped in place (plain arrays, typed arrays). */
export interface MutableArrayLike<T> {
  readonly length: number;
  [index: number]: T;
}

/**
 * numpy's `np.random.RandomState(seed)` for a 32-bit integer seed.
 *
 * `new NumpyRandomState(1).normal()` equals `np.random.RandomState(1).normal()`, and
 * `permutation(n)` equals `RandomState(seed).permutation(n)`.
 */
export class NumpyRandomState {
  private readonly state = new Uint32Array(N);
  private position = N;
  private hasGauss = false;
  private gauss = 0;

  /** Seeds the stream with `init_genrand(seed)`; `seed` is an integer in [0, 2^32 - 1]. */
  constructor(seed: number) {
    this.seed(seed);
  }

  /** Re-seeds the stream as numpy's `RandomState.seed(seed)` does (and forgets a cached Gaussian). */
  seed(seed: number): void {
    if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`NumpyRandomState: seed must be an integer in [0, 2^32 - 1], got ${describe(seed)}`);
    }
    const mt = this.state;
    mt[0] = seed >>> 0;
    // init_genrand: each word from the previous one, modulo 2^32.
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.position = N;
    this.hasGauss = false;
    this.gauss = 0;
  }

  /** The next 32-bit output of MT19937, an integer in [0, 2^32 - 1]. */
  randomInt32(): number {
    if (this.position >= N) this.twist();
    let y = this.state[this.position++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A double in [0, 1) from two draws: `((a >>> 5) * 2^26 + (b >>> 6)) / 2^53` (numpy's `random_sample`). */
  randomDouble(): number {
    const a = this.randomInt32() >>> 5;
    const b = this.randomInt32() >>> 6;
    return (a * 67108864 + b) / TWO_POW_53;
  }

  /**
   * A normal draw `loc + scale * gauss` with numpy's legacy polar (Marsaglia) method: two doubles
   * `2u - 1` are drawn until `0 < r2 < 1`; `f * x2` is returned and `f * x1` kept for the next call.
   */
  normal(loc = 0, scale = 1): number {
    return loc + scale * this.gaussian();
  }

  /** A standard normal draw (numpy's `legacy_gauss`). */
  private gaussian(): number {
    if (this.hasGauss) {
      this.hasGauss = false;
      return this.gauss;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    // Draw points in the square [-1, 1)^2 until one falls strictly inside the unit circle.
    do {
      x1 = 2 * this.randomDouble() - 1;
      x2 = 2 * this.randomDouble() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.gauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /**
   * An integer in [0, max] (inclusive) by rejection: 32-bit draws masked with the smallest
   * all-ones mask >= max, redrawn while above max (numpy's `random_interval`).
   */
  interval(max: number): number {
    if (!Number.isInteger(max) || max < 0 || max > 0xffffffff) {
      throw new RangeError(`NumpyRandomState.interval: max must be an integer in [0, 2^32 - 1], got ${describe(max)}`);
    }
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    let value: number;
    // Redraw while the masked value overshoots max.
    do {
      value = (this.randomInt32() & mask) >>> 0;
    } while (value > max);
    return value;
  }

  /** Shuffles `array` in place as numpy's `RandomState.shuffle` does for a 1-D array, and returns it. */
  shuffle<A extends MutableArrayLike<unknown>>(array: A): A {
    // Fisher-Yates from the last index down: swap i with a uniform j in [0, i].
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** `0..n-1` shuffled, as numpy's `RandomState.permutation(n)`. */
  permutation(n: number): number[] {
    if (!Number.isInteger(n) || n < 0) {
      throw new RangeError(`NumpyRandomState.permutation: n must be a non-negative integer, got ${describe(n)}`);
    }
    const out = new Array<number>(n);
    // Start from the identity.
    for (let i = 0; i < n; i++) out[i] = i;
    return this.shuffle(out);
  }

  /** Regenerates the 624 state words (MT19937's twist). */
  private twist(): void {
    const mt = this.state;
    // Word i mixes words i, i + 1 and i + M (wrapping around the end of the state).
    for (let i = 0; i < N; i++) {
      const y = (mt[i] & UPPER_MASK) | (mt[(i + 1) % N] & LOWER_MASK);
      mt[i] = mt[(i + M) % N] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    this.position = 0;
  }
}

/**
 * scikit-learn's `check_random_state`: an integer seeds a new stream, a `NumpyRandomState` is used
 * as it is, and `undefined`/`null` gives a stream seeded by the operating system (not reproducible).
 * `owner` names the caller in error messages.
 */
export function checkRandomState(randomState: unknown, owner: string): NumpyRandomState {
  if (randomState instanceof NumpyRandomState) return randomState;
  if (randomState === undefined || randomState === null) {
    return new NumpyRandomState(entropyInt(0x100000000 - 1));
  }
  if (typeof randomState !== 'number' || !Number.isInteger(randomState) || randomState < 0 || randomState > 0xffffffff) {
    throw new RangeError(
      `${owner}: randomState must be an integer in [0, 2^32 - 1] or a NumpyRandomState, got ${describe(randomState)}`,
    );
  }
  return new NumpyRandomState(randomState);
}
