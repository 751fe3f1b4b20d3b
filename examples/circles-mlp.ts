/**
 * The tutorial's case study, shared by the example scripts: two noisy circles (100 points, the
 * first 30 for training) and its 2-500-1 MLP, optionally with Dropout after the hidden layer,
 * Dropout on the visible layer, and a MaxNorm constraint on the hidden layer's kernel.
 */
import { BatchNormalization, Dense, Dropout, History, Input, l2, makeCircles, MaxNorm, Model, Sequential, splitRows, Tensor } from '../index';

/** makeCircles(n_samples=100, noise=0.1, random_state=1); trainX = X[:30], testX = X[30:]. */
export function circlesData(): { trainX: Tensor; trainY: Tensor; testX: Tensor; testY: Tensor; X: Tensor; y: Tensor } {
  const { X, y } = makeCircles({ nSamples: 100, noise: 0.1, randomState: 1 });
  const { trainX, testX, trainY, testY } = splitRows(X, y, 30);
  return { trainX, trainY, testX, testY, X, y };
}

/** One configuration of the case study's model. */
export interface CirclesConfig {
  seed: number;
  /** Dropout rate after the hidden layer (null or 0: none). */
  rate?: number | null;
  /** Dropout rate on the visible layer, before the hidden layer (null or 0: none). */
  inputRate?: number | null;
  /** MaxNorm(maxNorm) on the hidden layer's kernel (null: none). */
  maxNorm?: number | null;
  /** Epochs of training (the tutorial: 4000). */
  epochs?: number;
  /** L2 penalty factor on the hidden layer's kernel (null or 0: none). */
  l2?: number | null;
  /**
   * BatchNormalization after the hidden layer: 'bn' alone, 'bn-dropout' (BN then Dropout(rate)),
   * 'dropout-bn' (Dropout(rate) then BN, the order Li et al. 2019 warn about); 'none' (default).
   */
  batchNorm?: 'none' | 'bn' | 'bn-dropout' | 'dropout-bn';
  /** Fit on the first 20 training points and score on the other 10 (choosing a setting without the test points). */
  validation?: boolean;
}

/**
 * [Dropout(inputRate)] -> Dense(500, relu) (with an L2 penalty when `l2`) -> [Dropout(rate)] and/or
 * [BatchNormalization] in the order `batchNorm` says -> Dense(1, sigmoid); binary cross-entropy, Adam.
 */
export function circlesModel({ seed, rate = null, inputRate = null, maxNorm = null, l2: penalty = null, batchNorm = 'none' }: CirclesConfig): Sequential {
  const model = new Sequential({ seed });
  if (inputRate) model.add(new Dropout(inputRate, { inputShape: [2] }));
  const constraint = maxNorm === null ? undefined : new MaxNorm(maxNorm);
  const regularizer = penalty ? l2(penalty) : undefined;
  model.add(new Dense(500, { inputDim: inputRate ? undefined : 2, activation: 'relu', kernelConstraint: constraint, kernelRegularizer: regularizer }));
  if (batchNorm === 'none') {
    if (rate) model.add(new Dropout(rate));
  } else {
    if (batchNorm === 'dropout-bn' && rate) model.add(new Dropout(rate));
    model.add(new BatchNormalization());
    if (batchNorm === 'bn-dropout' && rate) model.add(new Dropout(rate));
  }
  model.add(new Dense(1, { activation: 'sigmoid' }));
  model.compile({ loss: 'binary_crossentropy', optimizer: 'adam', metrics: ['accuracy'] });
  return model;
}

/**
 * The same model with the functional API: Input([2]) -> Dense(500, relu) -> [Dropout(rate)] ->
 * Dense(1, sigmoid). For the same seed it trains bit for bit as `circlesModel` does.
 */
export function circlesFunctionalModel({ seed, rate = null }: CirclesConfig): Model {
  const input = Input({ shape: [2] });
  let h = new Dense(500, { activation: 'relu' }).apply(input);
  if (rate) h = new Dropout(rate).apply(h);
  const model = new Model({ inputs: input, outputs: new Dense(1, { activation: 'sigmoid' }).apply(h), seed });
  model.compile({ loss: 'binary_crossentropy', optimizer: 'adam', metrics: ['accuracy'] });
  return model;
}

/** What `runCaseStudy` returns: the scores of the trained model (dropout off), its History, the fit time. */
export interface CaseStudyRun {
  trainAcc: number;
  testAcc: number;
  trainLoss: number;
  testLoss: number;
  history: History;
  model: Sequential;
  seconds: number;
}

/**
 * Fits for `epochs` (default 4000; 0 trains nothing and leaves the History empty, as Keras does)
 * validating on the test set each epoch, then evaluates on both sets.
 */
export async function runCaseStudy(config: CirclesConfig): Promise<CaseStudyRun> {
  const data = circlesData();
  // With `validation`, the held-out points are the last 10 of the 30 training points (never the test set).
  const { trainX, trainY, testX, testY } = config.validation ? splitRows(data.trainX, data.trainY, 20) : data;
  const model = circlesModel(config);
  const started = process.hrtime.bigint();
  const history = await model.fit(trainX, trainY, { validationData: [testX, testY], epochs: config.epochs ?? 4000, verbose: 0 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const [trainLoss, trainAcc] = model.evaluate(trainX, trainY);
  const [testLoss, testAcc] = model.evaluate(testX, testY);
  return { trainAcc, testAcc, trainLoss, testLoss, history, model, seconds };
}
