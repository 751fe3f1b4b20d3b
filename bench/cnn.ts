/**
 * Training speed of the digits CNN (issue 4; issue 7 compares it with TensorFlow.js): images per
 * second of `fit` on real digits at batch 32, for Conv2D(32, 3, relu) -> Conv2D(32, 3, relu) ->
 * MaxPooling2D -> Dropout(0.5) -> Flatten -> Dense(10, softmax), Adam, categorical cross-entropy.
 *
 * Run: npx tsc -p tsconfig.build.json && node dist/bench/cnn.js [images] [repeats]
 */
import { loadDigits } from '../datasets/digits';
import { digitsCnn } from '../examples/cnn-model';
import { peakRssMB } from './case-study';
import type { Tensor } from '../index';

/** One measurement: `images` trained (or predicted) in `seconds`. */
export interface CnnTiming {
  images: number;
  /** Seconds of the fastest epoch. */
  seconds: number;
  imagesPerSecond: number;
}

/** The training digits the bench uses for `images` (x [images, 28, 28, 1], oneHot [images, 10]); its peers get the same. */
export function cnnBenchData(images: number): { x: Tensor; oneHot: Tensor } {
  return loadDigits({ nTrain: images, nTest: 0, seed: 0 }).train;
}

/** Trains one epoch over `images` digits at batch 32 `repeats` times (after a warm-up batch); keeps the fastest. */
export async function benchCnn(images = 1024, repeats = 3): Promise<CnnTiming> {
  const train = cnnBenchData(images);
  const model = digitsCnn(1);
  await model.fit(train.x.rows(0, 32), train.oneHot.rows(0, 32), { epochs: 1, verbose: 0 });
  let best = Infinity;
  // Time whole epochs; the fastest is the least disturbed by the other process on the machine.
  for (let r = 0; r < repeats; r++) {
    const started = process.hrtime.bigint();
    await model.fit(train.x, train.oneHot, { epochs: 1, batchSize: 32, verbose: 0 });
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e9);
  }
  return { images, seconds: best, imagesPerSecond: images / best };
}

/** Times `predict` (forward only, dropout off) over `images` digits at batch 32, best of `repeats`. */
export function benchCnnPredict(images = 1024, repeats = 3): CnnTiming {
  const { train } = loadDigits({ nTrain: images, nTest: 0, seed: 0 });
  const model = digitsCnn(1);
  model.predict(train.x.rows(0, 32));
  let best = Infinity;
  // Time whole passes over the images; keep the fastest.
  for (let r = 0; r < repeats; r++) {
    const started = process.hrtime.bigint();
    model.predict(train.x, { batchSize: 32 });
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e9);
  }
  return { images, seconds: best, imagesPerSecond: images / best };
}

async function main(): Promise<void> {
  // --json IMAGES: one training measurement and this process's peak resident memory, as one JSON line (bench/run.ts)
  if (process.argv[2] === '--json') {
    const t = await benchCnn(Number(process.argv[3] ?? 256), 1);
    console.log(JSON.stringify({ imagesPerSecond: t.imagesPerSecond, maxRssMB: peakRssMB() }));
    return;
  }
  const images = Number(process.argv[2] ?? 1024);
  const repeats = Number(process.argv[3] ?? 3);
  console.log(`node ${process.version}, ${require('os').cpus()[0].model}`);
  console.log('digits CNN: Conv2D(32,3,relu) Conv2D(32,3,relu) MaxPooling2D Dropout(0.5) Flatten Dense(10,softmax); Adam; batch 32');
  const t = await benchCnn(images, repeats);
  console.log(`training: ${t.imagesPerSecond.toFixed(1)} images/s (${t.images} images in ${t.seconds.toFixed(2)} s, best of ${repeats} epochs)`);
  const p = benchCnnPredict(images, repeats);
  console.log(`predict:  ${p.imagesPerSecond.toFixed(1)} images/s (${p.images} images in ${p.seconds.toFixed(2)} s, best of ${repeats})`);
}

if (require.main === module) void main();
