/**
 * The tutorial's case study, shared by the example scripts: two noisy circles (100 points, the
 * first 30 for training) and its 2-500-1 MLP, with or without Dropout(0.4) after the hidden layer.
 */
import { Dense, Dropout, History, makeCircles, Sequential, splitRows, Tensor } from '../index';

/** makeCircles(n_samples=100, noise=0.1, random_state=1); trainX = X[:30], testX = X[30:]. */
export function circlesData(): { trainX: Tensor; trainY: Tensor; testX: Tensor; testY: Tensor; X: Tensor; y: Tensor } {
  const { X, y } = makeCircles({ nSamples: 100, noise: 0.1, randomState: 1 });
  const { trainX, testX, trainY, testY } = splitRows(X, y, 30);
  return { trainX, trainY, testX, testY, X, y };
}

/** Dense(500, relu, input_dim=2) -> [Dropout(rate)] -> Dense(1, sigmoid), binary cross-entropy, Adam. */
export function circlesModel(seed: number, dropoutRate: number | null): Sequential {
  const model = new Sequential({ seed });
  model.add(new Dense(500, { inputDim: 2, activation: 'relu' }));
  if (dropoutRate !== null) model.add(new Dropout(dropoutRate));
  model.add(new Dense(1, { activation: 'sigmoid' }));
  model.compile({ loss: 'binary_crossentropy', optimizer: 'adam', metrics: ['accuracy'] });
  return model;
}

export interface CaseStudyRun {
  trainAcc: number;
  testAcc: number;
  history: History;
  seconds: number;
}

/** Fits for `epochs` (4000 in the tutorial) validating on the test set each epoch, then evaluates. */
export async function runCaseStudy(seed: number, dropoutRate: number | null, epochs = 4000): Promise<CaseStudyRun> {
  const { trainX, trainY, testX, testY } = circlesData();
  const model = circlesModel(seed, dropoutRate);
  const started = process.hrtime.bigint();
  const history = await model.fit(trainX, trainY, { validationData: [testX, testY], epochs, verbose: 0 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const [, trainAcc] = model.evaluate(trainX, trainY);
  const [, testAcc] = model.evaluate(testX, testY);
  return { trainAcc, testAcc, history, seconds };
}
