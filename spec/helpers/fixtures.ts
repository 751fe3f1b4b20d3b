/** Loading the reference numbers in spec/fixtures and comparing float32 results with them. */
import * as fs from 'fs';
import * as path from 'path';
import { Tensor, NestedArray } from '../../lib/tensor';

/** The parsed JSON of spec/fixtures/<name>.json. */
export function loadFixture<T = any>(name: string): T {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', `${name}.json`), 'utf8')) as T;
}

/** A fixture array as a Tensor. */
export function tensor(value: NestedArray): Tensor {
  return Tensor.from(value);
}

/** Flattens nested arrays of numbers. */
export function flat(value: unknown): number[] {
  return Array.isArray(value) ? value.flatMap(flat) : [value as number];
}

/**
 * Asserts |actual - expected| <= atol + rtol * |expected| elementwise (float32 against float64
 * reference: rtol 1e-5, atol 1e-6 by default, as the fixtures' README suggests).
 */
export function expectClose(actual: ArrayLike<number>, expected: unknown, { rtol = 1e-5, atol = 1e-6 } = {}): void {
  const want = flat(expected);
  expect(actual.length).toBe(want.length);
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < want.length; i++) {
    const excess = Math.abs(actual[i] - want[i]) - (atol + rtol * Math.abs(want[i]));
    if (excess > worst || Number.isNaN(actual[i])) {
      worst = Number.isNaN(actual[i]) ? Infinity : excess;
      worstAt = i;
    }
  }
  if (worstAt >= 0) {
    throw new Error(`element ${worstAt}: got ${actual[worstAt]}, expected ${want[worstAt]} (rtol ${rtol}, atol ${atol})`);
  }
}

/** A small seeded generator for specs (a linear congruential stream in [-1, 1)). */
export function lcg(seed = 1): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}

/** A tensor of `shape` filled from `next`. */
export function randomTensor(shape: number[], next: () => number, scale = 1): Tensor {
  const t = Tensor.zeros(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = scale * next();
  return t;
}
