import { matmul } from '../kernels/matmul';

// Bound once: a global `Math` lookup in a hot loop is slow inside jest's vm context.
const imul = Math.imul;

/** A tiny seeded LCG: values in [-1, 1), the same on every run. */
function makeRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 4294967296) * 2 - 1;
  };
}

function randomArray(length: number, rand: () => number): Float32Array {
  const x = new Float32Array(length);
  for (let i = 0; i < length; i++) x[i] = rand();
  return x;
}

/**
 * Naive float64 triple loop: the expected C and, per element, the sum of |terms| that bounds the
 * rounding error of any summation order.
 */
function reference(a: Float32Array, b: Float32Array, c0: Float32Array, m: number, k: number, n: number,
  transA: boolean, transB: boolean, accumulate: boolean): { value: Float64Array; scale: Float64Array } {
  const value = new Float64Array(m * n);
  const scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = accumulate ? c0[i * n + j] : 0;
      let t = s < 0 ? -s : s;
      for (let p = 0; p < k; p++) {
        const x = (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
        s += x;
        t += x < 0 ? -x : x;
      }
      value[i * n + j] = s;
      scale[i * n + j] = t;
    }
  }
  return { value, scale };
}

const TRANSPOSES: [boolean, boolean][] = [[false, false], [false, true], [true, false], [true, true]];

/** Runs matmul on views placed at odd offsets inside larger buffers and checks it against the reference. */
function check(m: number, k: number, n: number, transA: boolean, transB: boolean, accumulate: boolean, seed: number): void {
  const rand = makeRandom(seed);
  const offA = 3, offB = 5, offC = 7, guard = 4;
  const bufA = randomArray(offA + m * k + guard, rand);
  const bufB = randomArray(offB + k * n + guard, rand);
  const bufC = new Float32Array(offC + m * n + guard).fill(-123.5);
  const a = bufA.subarray(offA, offA + m * k);
  const b = bufB.subarray(offB, offB + k * n);
  const c = bufC.subarray(offC, offC + m * n);
  // overwrite must not read C: fill it with NaN; accumulate starts from random values
  if (accumulate) c.set(randomArray(m * n, rand));
  else c.fill(NaN);
  const c0 = c.slice();
  const { value, scale } = reference(a, b, c0, m, k, n, transA, transB, accumulate);
  matmul(a, b, c, m, k, n, transA, transB, accumulate);
  const tag = `m=${m} k=${k} n=${n} transA=${transA} transB=${transB} accumulate=${accumulate}`;
  for (let q = 0; q < m * n; q++) {
    const d = c[q] - value[q];
    const err = d < 0 ? -d : d;
    if (!(err <= 1e-5 * scale[q] + 1e-30)) {
      throw new Error(`${tag}: C[${q}] = ${c[q]}, expected ${value[q]} (error ${err}, scale ${scale[q]})`);
    }
  }
  // nothing outside the view of C moved
  for (let q = 0; q < bufC.length; q++) {
    if ((q < offC || q >= offC + m * n) && bufC[q] !== -123.5) throw new Error(`${tag}: wrote outside C at ${q - offC}`);
  }
}

describe('matmul', () => {
  it('matches a float64 triple loop on all small shapes, transposes and accumulate modes', () => {
    const dims = [0, 1, 2, 3, 4, 5, 17, 33, 65];
    let seed = 1;
    for (const m of dims) {
      for (const k of dims) {
        for (const n of dims) {
          for (const [transA, transB] of TRANSPOSES) {
            check(m, k, n, transA, transB, false, seed++);
            check(m, k, n, transA, transB, true, seed++);
          }
        }
      }
    }
  });

  it('matches on shapes that cross the block sizes (k > 256, n > 256, m > 64)', () => {
    const shapes: [number, number, number][] = [
      [64, 64, 64], [130, 65, 33], [33, 130, 65], [65, 33, 130], [130, 130, 130], [70, 300, 260], [9, 513, 7],
    ];
    let seed = 1000;
    for (const [m, k, n] of shapes) {
      for (const [transA, transB] of TRANSPOSES) {
        check(m, k, n, transA, transB, false, seed++);
        check(m, k, n, transA, transB, true, seed++);
      }
    }
  });

  it('matches on the skinny shapes of the 2-500-1 MLP', () => {
    const shapes: [number, number, number, boolean, boolean][] = [
      [30, 2, 500, false, false], [30, 500, 1, false, false], [70, 2, 500, false, false],
      [70, 500, 1, false, false], [500, 30, 1, true, false], [30, 1, 500, false, true], [2, 30, 500, true, false],
    ];
    let seed = 2000;
    for (const [m, k, n, transA, transB] of shapes) {
      check(m, k, n, transA, transB, false, seed++);
      check(m, k, n, transA, transB, true, seed++);
    }
  });

  it('zeroes C when k is 0 and leaves it when also accumulating', () => {
    const c = new Float32Array([1, 2, 3, 4, 5, 6]);
    matmul(new Float32Array(0), new Float32Array(0), c, 2, 0, 3, false, false, true);
    expect(Array.from(c)).toEqual([1, 2, 3, 4, 5, 6]);
    matmul(new Float32Array(0), new Float32Array(0), c, 2, 0, 3);
    expect(Array.from(c)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('computes a known 2x3 . 3x2 product exactly', () => {
    const a = new Float32Array([1, 2, 3, 4, 5, 6]);
    const b = new Float32Array([7, 8, 9, 10, 11, 12]);
    const c = new Float32Array(4);
    matmul(a, b, c, 2, 3, 2);
    expect(Array.from(c)).toEqual([58, 64, 139, 154]);
  });

  it('gives identical bits on repeated calls, whatever ran in between', () => {
    for (const [m, k, n] of [[97, 300, 75], [30, 2, 500], [30, 500, 1], [2, 30, 500]] as [number, number, number][]) {
      for (const [transA, transB] of TRANSPOSES) {
        const rand = makeRandom(m * 7 + k * 3 + n);
        const a = randomArray(m * k, rand);
        const b = randomArray(k * n, rand);
        const first = new Float32Array(m * n);
        const second = new Float32Array(m * n);
        matmul(a, b, first, m, k, n, transA, transB);
        // a different, larger product in between reuses the packing scratch
        const big = randomArray(200 * 300, rand);
        matmul(big, big, new Float32Array(200 * 200), 200, 300, 200, false, true);
        matmul(a, b, second, m, k, n, transA, transB);
        expect(new Uint32Array(second.buffer)).toEqual(new Uint32Array(first.buffer));
      }
    }
  });
});
