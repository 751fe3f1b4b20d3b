/**
 * BatchNormalization and LayerNormalization over the last axis (channels last), as Keras 3 and
 * TensorFlow.js define them, on the fused kernels of kernels/normalization.ts.
 *
 * BatchNormalization in training normalizes each channel by the batch's mean and (biased)
 * variance over every other axis and moves its moving statistics toward them:
 * moving = moving * momentum + batch * (1 - momentum). In inference, and always when the layer is
 * not trainable (Keras 3's frozen BatchNormalization), it uses the moving statistics. Weights, in
 * Keras order: gamma (with `scale`), beta (with `center`), moving_mean, moving_variance (the last
 * two are state: not learnt, no gradient).
 *
 * LayerNormalization normalizes each sample's last axis by its own mean and variance, the same in
 * training and inference. Weights: gamma (with `scale`), beta (with `center`).
 *
 * Input [batch, ..., C] -> output of the same shape.
 */
import { CallContext, gradOf, record } from '../lib/autodiff';
import { Initializer, resolveInitializer } from '../lib/initializers';
import { BuildRandom, Layer, LAYER_KEYS, LayerArgs, serializeObject, WeightShape } from '../lib/layer';
import { moreOptionKeys } from '../lib/options';
import { Regularizer, resolveRegularizer } from '../lib/regularizers';
import { describe, Tensor } from '../lib/tensor';
import { batchNormBackward, batchNormInfer, batchNormInferBackward, batchNormTrain, layerNormBackward, layerNormForward } from '../kernels/normalization';

/** Options both normalizations share. */
export interface NormalizationArgs extends LayerArgs {
  /** The normalized axis: only -1 (the last, channels last) is implemented. */
  axis?: number;
  /** Added to the variance (default 1e-3, as Keras and TF.js). */
  epsilon?: number;
  /** Learn a shift beta (default true). */
  center?: boolean;
  /** Learn a scale gamma (default true). */
  scale?: boolean;
  betaInitializer?: string | Initializer;
  gammaInitializer?: string | Initializer;
  betaRegularizer?: Regularizer | string;
  gammaRegularizer?: Regularizer | string;
}

/** Options of BatchNormalization. */
export interface BatchNormalizationArgs extends NormalizationArgs {
  /** Weight of the old moving statistics in each update (default 0.99). */
  momentum?: number;
  movingMeanInitializer?: string | Initializer;
  movingVarianceInitializer?: string | Initializer;
}

const NORMALIZATION_KEYS = moreOptionKeys<NormalizationArgs, LayerArgs>(LAYER_KEYS, {
  axis: true, epsilon: true, center: true, scale: true, betaInitializer: true, gammaInitializer: true, betaRegularizer: true, gammaRegularizer: true,
});

/** What the two layers share: options, gamma and beta, the checks. */
abstract class Normalization extends Layer {
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  protected readonly gammaInitializer: Initializer;
  protected readonly betaInitializer: Initializer;
  protected readonly gammaRegularizer: Regularizer | null;
  protected readonly betaRegularizer: Regularizer | null;

  constructor(args: NormalizationArgs) {
    super(args);
    const me = `${this.className} '${this.name}'`;
    if (args.axis !== undefined && args.axis !== -1) throw new RangeError(`${me}: only axis -1 (channels last) is implemented, got ${describe(args.axis)}`);
    this.epsilon = args.epsilon ?? 1e-3;
    if (typeof this.epsilon !== 'number' || !(this.epsilon > 0)) throw new RangeError(`${me}: epsilon must be a positive number, got ${describe(args.epsilon)}`);
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.gammaInitializer = resolveInitializer(args.gammaInitializer ?? 'ones', `gammaInitializer for ${me}:`);
    this.betaInitializer = resolveInitializer(args.betaInitializer ?? 'zeros', `betaInitializer for ${me}:`);
    this.gammaRegularizer = resolveRegularizer(args.gammaRegularizer, `gammaRegularizer for ${me}:`);
    this.betaRegularizer = resolveRegularizer(args.betaRegularizer, `betaRegularizer for ${me}:`);
  }

  /** The channels: the input's last axis. */
  protected channels(inputShape: readonly number[]): number {
    if (inputShape.length === 0) throw new RangeError(`${this.className} '${this.name}': expected an input with a channel axis, got a scalar per sample`);
    return inputShape[inputShape.length - 1];
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    this.channels(inputShape);
    return inputShape.slice();
  }

  /** gamma [C] and beta [C], as `scale` and `center` ask. */
  protected affineShapes(C: number): WeightShape[] {
    const shapes: WeightShape[] = [];
    if (this.scale) shapes.push({ name: 'gamma', shape: [C] });
    if (this.center) shapes.push({ name: 'beta', shape: [C] });
    return shapes;
  }

  protected addAffine(random: BuildRandom): void {
    if (this.scale) this.addWeight('gamma', (w) => this.gammaInitializer.fill(w, random.init), null, this.gammaRegularizer);
    if (this.center) this.addWeight('beta', (w) => this.betaInitializer.fill(w, random.init), null, this.betaRegularizer);
  }

  get gamma(): Tensor | null {
    return this.scale ? this.weights[0] : null;
  }

  get beta(): Tensor | null {
    return this.center ? this.weights[this.scale ? 1 : 0] : null;
  }

  protected affineConfig(): Record<string, unknown> {
    return {
      axis: -1,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      beta_initializer: serializeObject(this.betaInitializer),
      gamma_initializer: serializeObject(this.gammaInitializer),
      beta_regularizer: serializeObject(this.betaRegularizer),
      gamma_regularizer: serializeObject(this.gammaRegularizer),
      beta_constraint: null,
      gamma_constraint: null,
    };
  }
}

/**
 * BatchNormalization({ momentum, epsilon, center, scale, ... }): per channel,
 * gamma * (x - mean) / sqrt(var + epsilon) + beta with the batch's statistics in training (and
 * moving averages of them updated) or the moving statistics in inference.
 */
export class BatchNormalization extends Normalization {
  static override readonly optionKeys = moreOptionKeys<BatchNormalizationArgs, NormalizationArgs>(NORMALIZATION_KEYS, {
    momentum: true, movingMeanInitializer: true, movingVarianceInitializer: true,
  });
  readonly momentum: number;
  private readonly movingMeanInitializer: Initializer;
  private readonly movingVarianceInitializer: Initializer;

  constructor(args: BatchNormalizationArgs = {}) {
    super(args);
    const me = `BatchNormalization '${this.name}'`;
    this.momentum = args.momentum ?? 0.99;
    if (typeof this.momentum !== 'number' || !(this.momentum >= 0 && this.momentum <= 1)) throw new RangeError(`${me}: momentum must be in [0, 1], got ${describe(args.momentum)}`);
    this.movingMeanInitializer = resolveInitializer(args.movingMeanInitializer ?? 'zeros', `movingMeanInitializer for ${me}:`);
    this.movingVarianceInitializer = resolveInitializer(args.movingVarianceInitializer ?? 'ones', `movingVarianceInitializer for ${me}:`);
  }

  override weightShapes(inputShape: readonly number[]): WeightShape[] {
    const C = this.channels(inputShape);
    return [...this.affineShapes(C), { name: 'moving_mean', shape: [C] }, { name: 'moving_variance', shape: [C] }];
  }

  protected override createWeights(_inputShape: readonly number[], random: BuildRandom): void {
    this.addAffine(random);
    this.addWeight('moving_mean', (w) => this.movingMeanInitializer.fill(w, random.init), null, null, false);
    this.addWeight('moving_variance', (w) => this.movingVarianceInitializer.fill(w, random.init), null, null, false);
  }

  get movingMean(): Tensor {
    return this.weights[this.weights.length - 2];
  }

  get movingVariance(): Tensor {
    return this.weights[this.weights.length - 1];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      ...this.affineConfig(),
      momentum: this.momentum,
      moving_mean_initializer: serializeObject(this.movingMeanInitializer),
      moving_variance_initializer: serializeObject(this.movingVarianceInitializer),
    };
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    const C = x.shape[x.rank - 1];
    const rows = x.size / C;
    const ws = this.buffers(ctx);
    const y = ws.get(ctx, 'bn.y', x.shape);
    const gamma = this.gamma;
    const beta = this.beta;
    // Inference, or a frozen layer (Keras 3): the moving statistics, no update.
    if (!ctx.training || !this.trainable) {
      batchNormInfer(x.data, gamma?.data ?? null, beta?.data ?? null, this.movingMean.data, this.movingVariance.data, this.epsilon, rows, C, y.data);
      record(ctx, y, [x, gamma, beta], () => {
        batchNormInferBackward(y.grad as Float32Array, x.data, gamma?.data ?? null, this.movingMean.data, this.movingVariance.data, this.epsilon, rows, C,
          gradOf(x), gradOf(gamma), gradOf(beta));
      });
      return y;
    }
    const xhat = ws.get(ctx, 'bn.xhat', x.shape);
    const mean = ws.get(ctx, 'bn.mean', [C]);
    const variance = ws.get(ctx, 'bn.variance', [C]);
    const invStd = ws.get(ctx, 'bn.invStd', [C]);
    batchNormTrain(x.data, gamma?.data ?? null, beta?.data ?? null, this.epsilon, rows, C, y.data, xhat.data, mean.data, variance.data, invStd.data);
    // The moving statistics move toward the batch's
    const m = this.momentum;
    const movingMean = this.movingMean.data;
    const movingVariance = this.movingVariance.data;
    for (let c = 0; c < C; c++) {
      movingMean[c] = movingMean[c] * m + mean.data[c] * (1 - m);
      movingVariance[c] = movingVariance[c] * m + variance.data[c] * (1 - m);
    }
    record(ctx, y, [x, gamma, beta], () => {
      const dx = gradOf(x);
      batchNormBackward(y.grad as Float32Array, xhat.data, gamma?.data ?? null, invStd.data, rows, C, dx, gradOf(gamma), gradOf(beta));
    });
    return y;
  }
}

/**
 * LayerNormalization({ epsilon, center, scale, ... }): each sample's last axis normalized by its
 * own mean and variance, then gamma * xhat + beta per channel.
 */
export class LayerNormalization extends Normalization {
  static override readonly optionKeys = NORMALIZATION_KEYS;

  constructor(args: NormalizationArgs = {}) {
    super(args);
  }

  override weightShapes(inputShape: readonly number[]): WeightShape[] {
    return this.affineShapes(this.channels(inputShape));
  }

  protected override createWeights(_inputShape: readonly number[], random: BuildRandom): void {
    this.addAffine(random);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), ...this.affineConfig() };
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    const C = x.shape[x.rank - 1];
    const rows = x.size / C;
    const ws = this.buffers(ctx);
    const y = ws.get(ctx, 'ln.y', x.shape);
    const xhat = ws.get(ctx, 'ln.xhat', x.shape);
    const invStd = ws.get(ctx, 'ln.invStd', [rows]);
    const gamma = this.gamma;
    const beta = this.beta;
    layerNormForward(x.data, gamma?.data ?? null, beta?.data ?? null, this.epsilon, rows, C, y.data, xhat.data, invStd.data);
    record(ctx, y, [x, gamma, beta], () => {
      const dx = gradOf(x);
      layerNormBackward(y.grad as Float32Array, xhat.data, gamma?.data ?? null, invStd.data, rows, C, dx, gradOf(gamma), gradOf(beta));
    });
    return y;
  }
}
