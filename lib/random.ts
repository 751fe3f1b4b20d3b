/**
 * Seeded random streams. Every random number in Lamina comes from one of these: a model's seed
 * derives independent streams by name (`init`, `shuffle`, `dropout/<layer>`), so the same seed
 * gives the same weights, the same shuffles and the same dropout masks, bit for bit.
 */
import seedrandom from 'seedrandom';
import { entropyInt } from './platform';

/** A seed: an integer or a string. */
export type Seed = number | string;

/** One reproducible stream of uniform and normal numbers (seedrandom's Alea generator). */
export class RandomStream {
  /** The seed this stream was made from. */
  readonly seed: string;
  private readonly next: () => number;
  private spareNormal = NaN;

  constructor(seed: Seed) {
    this.seed = String(seed);
    this.next = seedrandom.alea(this.seed);
  }

  /** A uniform number in [0, 1). */
  uniform(): number {
    return this.next();
  }

  /** A uniform number in [low, high). */
  uniformIn(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** A standard normal number (Marsaglia's polar method; the second value is kept for the next call). */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const v = this.spareNormal;
      this.spareNormal = NaN;
      return v;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    return u * f;
  }

  /** A normal number truncated to two standard deviations (redrawn outside), as Keras' TruncatedNormal. */
  truncatedNormal(): number {
    let z: number;
    do z = this.normal();
    while (Math.abs(z) > 2);
    return z;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Shuffles `array` in place (Fisher-Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: number }>(array: T): T {
    // From the last index down, swap each element with a uniformly chosen earlier one.
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = array[i];
      array[i] = array[j];
      array[j] = t;
    }
    return array;
  }

  /**
   * Four 32-bit words drawn from this stream (never all zero): the state of the fast xorshift128
   * generator that the dropout-mask kernel runs inline.
   */
  bitState(): Uint32Array {
    const state = new Uint32Array(4);
    do for (let i = 0; i < 4; i++) state[i] = Math.floor(this.next() * 4294967296);
    while (state[0] === 0 && state[1] === 0 && state[2] === 0 && state[3] === 0);
    return state;
  }

  /** An independent stream derived from this one's seed and a purpose name. */
  derive(purpose: string): RandomStream {
    return new RandomStream(`${this.seed}/${purpose}`);
  }
}

/** A fresh seed for an unseeded model, from the operating system (the engine has no unseeded randomness). */
export function freshSeed(): number {
  return entropyInt(2 ** 31 - 1);
}
