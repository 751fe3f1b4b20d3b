/**
 * Monte Carlo dropout (Gal and Ghahramani, 2016): keep the dropout masks on at prediction time,
 * predict the same inputs `samples` times, and read the spread of the predictions as the model's
 * uncertainty.
 */
import { checkOptions, optionKeys } from './options';
import type { Model, ModelData } from './model';
import { describe, Tensor } from './tensor';

/** Options of `predictMC`. */
export interface PredictMCArgs {
  /** Number of stochastic forward passes (at least 2; default 50). */
  samples?: number;
  batchSize?: number;
}

/** What `predictMC` returns: per-output mean and sample standard deviation over the passes. */
export interface MCPrediction {
  /** Mean prediction, [n, ...outputShape]. */
  mean: Tensor;
  /** Sample standard deviation (divisor samples - 1), [n, ...outputShape]. */
  std: Tensor;
  samples: number;
}

/**
 * Predicts x [n, ...inputShape] `samples` times with dropout on (`predict(x, { training: true })`)
 * and returns the mean and standard deviation of each output. Throws if the model has no layer
 * that draws random numbers (every pass would be the same).
 */
export function predictMC(model: Model, x: ModelData, args: PredictMCArgs = {}): MCPrediction {
  const { samples = 50, batchSize = 32 } = checkOptions('predictMC', args, optionKeys<PredictMCArgs>({ samples: true, batchSize: true }));
  if (!Number.isInteger(samples) || samples < 2) {
    throw new RangeError(`predictMC: samples must be an integer >= 2 (a spread needs two predictions), got ${describe(samples)}`);
  }
  if (!model.layers.some((l) => l.stochastic)) {
    throw new Error(
      `predictMC: model '${model.name}' has no dropout or noise layer with a non-zero rate, so every pass would give the same prediction; add Dropout (or another noise layer) to use Monte Carlo dropout`,
    );
  }
  let mean: Float64Array | null = null;
  let m2: Float64Array | null = null;
  let shape: number[] = [];
  // Welford's running mean and sum of squared deviations over the passes.
  for (let s = 1; s <= samples; s++) {
    const predicted = model.predict(x, { training: true, batchSize });
    if (Array.isArray(predicted)) throw new Error(`predictMC: model '${model.name}' has ${predicted.length} outputs; Monte Carlo dropout here takes a one-output model`);
    const p = predicted;
    if (mean === null || m2 === null) {
      mean = new Float64Array(p.size);
      m2 = new Float64Array(p.size);
      shape = p.shape;
    }
    for (let i = 0; i < p.size; i++) {
      const delta = p.data[i] - mean[i];
      mean[i] += delta / s;
      m2[i] += delta * (p.data[i] - mean[i]);
    }
  }
  const meanT = new Tensor(Float32Array.from(mean as Float64Array), shape);
  const stdT = new Tensor(Float32Array.from(m2 as Float64Array, (v) => Math.sqrt(v / (samples - 1))), shape);
  return { mean: meanT, std: stdT, samples };
}
