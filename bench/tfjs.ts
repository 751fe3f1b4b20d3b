/**
 * The peer: the same workloads in TensorFlow.js 4.22, on its pure-JavaScript CPU backend and on
 * its WebAssembly backend. Identical models, data, batch size and epochs as Lamina's side.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { loadDigits } from '../datasets/digits';
import { circlesData } from '../examples/circles-mlp';
import { lstmBenchData } from './lstm';

export type TfBackend = 'cpu' | 'wasm';

/** Switches TF.js to `backend` (quietly: TF.js prints a hint about tfjs-node on first use). */
export async function useBackend(backend: TfBackend): Promise<void> {
  const warn = console.warn;
  const log = console.log;
  console.warn = () => undefined;
  console.log = () => undefined;
  try {
    if (!(await tf.setBackend(backend))) throw new Error(`TensorFlow.js backend '${backend}' did not start`);
    await tf.ready();
  } finally {
    console.warn = warn;
    console.log = log;
  }
}

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

/** Workload 1: the case study's fit (4000 epochs in full mode), with or without Dropout(0.4). */
export async function tfCaseStudy(dropoutRate: number | null, epochs: number): Promise<number> {
  const { trainX, trainY, testX, testY } = circlesData();
  const t = (x: { data: Float32Array; shape: number[] }) => tf.tensor(Array.from(x.data), x.shape);
  const [xTrain, yTrain, xTest, yTest] = [t(trainX), t(trainY.reshape([30, 1])), t(testX), t(testY.reshape([70, 1]))];
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 500, inputShape: [2], activation: 'relu', kernelInitializer: 'glorotUniform' }));
  if (dropoutRate !== null) model.add(tf.layers.dropout({ rate: dropoutRate }));
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: 'glorotUniform' }));
  model.compile({ loss: 'binaryCrossentropy', optimizer: tf.train.adam(0.001, 0.9, 0.999, 1e-7), metrics: ['accuracy'] });
  const started = process.hrtime.bigint();
  await model.fit(xTrain, yTrain, { epochs, batchSize: 32, validationData: [xTest, yTest], shuffle: true, verbose: 0 });
  const s = seconds(started);
  tf.dispose([xTrain, yTrain, xTest, yTest]);
  model.dispose();
  return s;
}

/** Workload 2: GFLOP/s of a square matmul (2 n^3 FLOP), timed over about `minSeconds`. */
export function tfMatmul(n: number, minSeconds = 0.5): number {
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  tf.matMul(a, b).dispose();
  let reps = 0;
  const started = process.hrtime.bigint();
  // Repeat until enough time has passed (dataSync makes each product finish).
  while (reps === 0 || seconds(started) < minSeconds) {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
    reps++;
  }
  const s = seconds(started);
  tf.dispose([a, b]);
  return (2 * n ** 3 * reps) / s / 1e9;
}

/** Workload 3: images per second training the digits CNN at batch 32 (after a 2-image warm-up). */
export async function tfCnn(images: number): Promise<number> {
  const { train } = loadDigits({ nTrain: images, nTest: 0, seed: 0 });
  const x = tf.tensor(Array.from(train.x.data), train.x.shape);
  const y = tf.tensor(Array.from(train.oneHot.data), train.oneHot.shape);
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1], kernelInitializer: 'glorotUniform' }));
  model.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: 'glorotUniform' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.dropout({ rate: 0.5 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: 'glorotUniform' }));
  model.compile({ loss: 'categoricalCrossentropy', optimizer: tf.train.adam(0.001, 0.9, 0.999, 1e-7), metrics: ['accuracy'] });
  const [wx, wy] = [x.slice(0, 2), y.slice(0, 2)];
  await model.fit(wx, wy, { epochs: 1, batchSize: 2, verbose: 0 });
  const started = process.hrtime.bigint();
  await model.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0 });
  const s = seconds(started);
  tf.dispose([x, y, wx, wy]);
  model.dispose();
  return images / s;
}

/** Workload 4: sequences per second training LSTM(32, dropout 0.5, recurrentDropout 0.5) -> Dense(1), 50 x 8, batch 32, MSE, Adam. */
export async function tfLstm(sequences: number): Promise<number> {
  const data = lstmBenchData(sequences, 50, 8);
  const x = tf.tensor(Array.from(data.x.data), data.x.shape);
  const y = tf.tensor(Array.from(data.y.data), data.y.shape);
  const model = tf.sequential();
  model.add(tf.layers.lstm({ units: 32, dropout: 0.5, recurrentDropout: 0.5, inputShape: [50, 8], recurrentActivation: 'sigmoid', kernelInitializer: 'glorotUniform' }));
  model.add(tf.layers.dense({ units: 1, kernelInitializer: 'glorotUniform' }));
  model.compile({ loss: 'meanSquaredError', optimizer: tf.train.adam(0.001, 0.9, 0.999, 1e-7) });
  const [wx, wy] = [x.slice(0, 32), y.slice(0, 32)];
  await model.fit(wx, wy, { epochs: 1, batchSize: 32, verbose: 0 });
  const started = process.hrtime.bigint();
  await model.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0 });
  const s = seconds(started);
  tf.dispose([x, y, wx, wy]);
  model.dispose();
  return sequences / s;
}
