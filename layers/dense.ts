/**
 * Dense: the fully connected layer, `output = activation(input · kernel + bias)`.
 *
 * Input [batch, ..., in] -> output [batch, ..., units]. On input of rank > 2 it works on the last
 * axis, as Keras does. Weights in Keras order: kernel [in, units], bias [units].
 */
import { ActivationName, resolveActivation } from '../lib/activations';
import { CallContext } from '../lib/autodiff';
import { Constraint, resolveConstraint } from '../lib/constraints';
import { Regularizer, resolveRegularizer } from '../lib/regularizers';
import { Initializer, resolveInitializer } from '../lib/initializers';
import { BuildRandom, KERNEL_BIAS_KEYS, kernelBiasConfig, KernelBiasArgs, Layer, WeightShape } from '../lib/layer';
import { dense } from '../lib/ops';
import { Tensor, describe } from '../lib/tensor';

/** Options of `Dense`. */
export type DenseArgs = KernelBiasArgs;

/**
 * Dense(units): output = activation(input · kernel + bias) on the last axis.
 * Input [batch, ..., in] -> output [batch, ..., units]; weights kernel [in, units], bias [units].
 */
export class Dense extends Layer {
  static override readonly optionKeys = KERNEL_BIAS_KEYS;
  readonly units: number;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  private readonly kernelInitializer: Initializer;
  private readonly biasInitializer: Initializer;
  private readonly kernelConstraint: Constraint | null;
  private readonly biasConstraint: Constraint | null;
  private readonly kernelRegularizer: Regularizer | null;
  private readonly biasRegularizer: Regularizer | null;

  /** `units`: the size of the output's last axis. */
  constructor(units: number, args: DenseArgs = {}) {
    super(args);
    if (!Number.isInteger(units) || units <= 0) {
      throw new RangeError(`Dense '${this.name}': units must be a positive integer, got ${describe(units)}`);
    }
    this.units = units;
    this.activation = resolveActivation(args.activation, `activation for Dense '${this.name}':`);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = resolveInitializer(args.kernelInitializer ?? 'glorotUniform', `kernelInitializer for Dense '${this.name}':`);
    this.biasInitializer = resolveInitializer(args.biasInitializer ?? 'zeros', `biasInitializer for Dense '${this.name}':`);
    this.kernelConstraint = resolveConstraint(args.kernelConstraint, `kernelConstraint for Dense '${this.name}':`);
    this.biasConstraint = resolveConstraint(args.biasConstraint, `biasConstraint for Dense '${this.name}':`);
    this.kernelRegularizer = resolveRegularizer(args.kernelRegularizer, `kernelRegularizer for Dense '${this.name}':`);
    this.biasRegularizer = resolveRegularizer(args.biasRegularizer, `biasRegularizer for Dense '${this.name}':`);
    this.activityRegularizer = resolveRegularizer(args.activityRegularizer, `activityRegularizer for Dense '${this.name}':`);
  }

  /** The kernel [in, units] (after build). */
  get kernel(): Tensor {
    return this.weights[0];
  }

  /** The bias [units], or null without one. */
  get bias(): Tensor | null {
    return this.useBias ? this.weights[1] : null;
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    if (inputShape.length === 0) throw new RangeError(`Dense '${this.name}': expected an input with a feature axis, got a scalar per sample`);
    return [...inputShape.slice(0, -1), this.units];
  }

  /** kernel [in, units] and bias [units] (without `useBias`, only the kernel). */
  override weightShapes(inputShape: readonly number[]): WeightShape[] {
    const inDim = inputShape[inputShape.length - 1];
    const shapes = [{ name: 'kernel', shape: [inDim, this.units] }];
    if (this.useBias) shapes.push({ name: 'bias', shape: [this.units] });
    return shapes;
  }

  protected override createWeights(_inputShape: readonly number[], random: BuildRandom): void {
    this.addWeight('kernel', (w) => this.kernelInitializer.fill(w, random.init), this.kernelConstraint, this.kernelRegularizer);
    if (this.useBias) this.addWeight('bias', (w) => this.biasInitializer.fill(w, random.init), this.biasConstraint, this.biasRegularizer);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activation,
      use_bias: this.useBias,
      ...kernelBiasConfig(this.kernelInitializer, this.biasInitializer, this.kernelConstraint, this.biasConstraint, this.kernelRegularizer, this.biasRegularizer, this.activityRegularizer),
    };
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    return dense(ctx, this.buffers(ctx), x, this.kernel, this.bias, this.activation);
  }
}
