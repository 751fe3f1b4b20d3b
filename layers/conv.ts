/**
 * Convolution layers, channels-last, as Keras defines them.
 *
 * - `Conv2D(filters, kernelSize)`: input [batch, height, width, channels] -> output
 *   [batch, outH, outW, filters]; weights kernel [kH, kW, channels, filters], bias [filters].
 * - `Conv1D(filters, kernelSize)`: input [batch, steps, channels] -> output [batch, outSteps, filters];
 *   weights kernel [k, channels, filters], bias [filters].
 *
 * Along each axis out = floor((in - k) / stride) + 1 with padding 'valid' (the default) and
 * ceil(in / stride) with 'same' (TensorFlow's: the odd extra zero goes bottom/right).
 */
import { outputLength } from '../kernels/im2col';
import { ActivationName, resolveActivation } from '../lib/activations';
import { CallContext } from '../lib/autodiff';
import { Constraint, resolveConstraint } from '../lib/constraints';
import { Regularizer, resolveRegularizer } from '../lib/regularizers';
import { conv1d, conv2d, Padding } from '../lib/conv-ops';
import { Initializer, resolveInitializer } from '../lib/initializers';
import { BuildRandom, KERNEL_BIAS_KEYS, Layer, kernelBiasConfig, KernelBiasArgs, WeightShape } from '../lib/layer';
import { moreOptionKeys } from '../lib/options';
import { shapeToString, Tensor } from '../lib/tensor';

/** Options of `Conv1D` and `Conv2D`. */
export interface ConvArgs extends KernelBiasArgs {
  /** Step of the window along each spatial axis: a number or one per axis (default 1). */
  strides?: number | readonly number[];
  /** 'valid' (default) or 'same'. */
  padding?: Padding;
}

const CONV_KEYS = moreOptionKeys<ConvArgs, KernelBiasArgs>(KERNEL_BIAS_KEYS, { strides: true, padding: true });

/**
 * `value` as `axes` positive integers: a number is repeated, an array must have `axes` entries.
 * `where` names the layer and argument in the error.
 */
export function parseTuple(value: unknown, axes: number, where: string): number[] {
  const list = typeof value === 'number' ? new Array<number>(axes).fill(value) : value;
  if (!Array.isArray(list) || list.length !== axes || !list.every((v) => Number.isInteger(v) && v > 0)) {
    throw new RangeError(`${where} must be a positive integer or ${axes} of them, got ${JSON.stringify(value)}`);
  }
  return list.slice();
}

/** 'valid' or 'same', or an Error listing them. */
export function parsePadding(value: unknown, where: string): Padding {
  if (value === 'valid' || value === 'same') return value;
  throw new Error(`${where}: padding must be one of 'valid', 'same', got ${JSON.stringify(value)}`);
}

/** Throws unless x's per-sample shape is the one the layer was built for. */
export function checkCallShape(layer: Layer, x: Tensor): void {
  const want = layer.inputShape;
  if (want === null) throw new Error(`${layer.className} '${layer.name}': call before build; add the layer to a model first`);
  let ok = x.rank === want.length + 1;
  for (let a = 0; ok && a < want.length; a++) ok = x.shape[a + 1] === want[a];
  if (!ok) {
    throw new RangeError(`${layer.className} '${layer.name}': expected input [batch, ${want.join(', ')}], got ${shapeToString(x.shape)}`);
  }
}

/** What Conv1D and Conv2D share: arguments, weights, output shape. `spatial` is 1 or 2. */
abstract class Conv extends Layer {
  static override readonly optionKeys = CONV_KEYS;
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: Padding;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  private readonly kernelInitializer: Initializer;
  private readonly biasInitializer: Initializer;
  private readonly kernelConstraint: Constraint | null;
  private readonly biasConstraint: Constraint | null;
  private readonly kernelRegularizer: Regularizer | null;
  private readonly biasRegularizer: Regularizer | null;

  constructor(spatial: number, filters: number, kernelSize: number | readonly number[], args: ConvArgs) {
    super(args);
    const me = `${this.className} '${this.name}'`;
    if (!Number.isInteger(filters) || filters <= 0) throw new RangeError(`${me}: filters must be a positive integer, got ${JSON.stringify(filters)}`);
    this.filters = filters;
    this.kernelSize = parseTuple(kernelSize, spatial, `${me}: kernelSize`);
    this.strides = parseTuple(args.strides ?? 1, spatial, `${me}: strides`);
    this.padding = parsePadding(args.padding ?? 'valid', me);
    this.activation = resolveActivation(args.activation, `activation for ${me}:`);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = resolveInitializer(args.kernelInitializer ?? 'glorotUniform', `kernelInitializer for ${me}:`);
    this.biasInitializer = resolveInitializer(args.biasInitializer ?? 'zeros', `biasInitializer for ${me}:`);
    this.kernelConstraint = resolveConstraint(args.kernelConstraint, `kernelConstraint for ${me}:`);
    this.biasConstraint = resolveConstraint(args.biasConstraint, `biasConstraint for ${me}:`);
    this.kernelRegularizer = resolveRegularizer(args.kernelRegularizer, `kernelRegularizer for ${me}:`);
    this.biasRegularizer = resolveRegularizer(args.biasRegularizer, `biasRegularizer for ${me}:`);
    this.activityRegularizer = resolveRegularizer(args.activityRegularizer, `activityRegularizer for ${me}:`);
  }

  /** The kernel [...kernelSize, inChannels, filters] (after build). */
  get kernel(): Tensor {
    return this.weights[0];
  }

  /** The bias [filters], or null without one. */
  get bias(): Tensor | null {
    return this.useBias ? this.weights[1] : null;
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    const spatial = this.kernelSize.length;
    const me = `${this.className} '${this.name}'`;
    if (inputShape.length !== spatial + 1) {
      const axes = spatial === 2 ? 'height, width, channels' : 'steps, channels';
      throw new RangeError(`${me}: expected an input of rank ${spatial + 2} ([batch, ${axes}]), got per-sample shape ${shapeToString(inputShape)} (rank ${inputShape.length + 1} with the batch axis)`);
    }
    const out = this.kernelSize.map((k, a) => outputLength(inputShape[a], k, this.strides[a], this.padding));
    if (out.some((d) => d < 1)) {
      throw new RangeError(`${me}: kernel ${this.kernelSize.join('x')} is larger than the input ${inputShape.slice(0, spatial).join('x')} (padding '${this.padding}')`);
    }
    return [...out, this.filters];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernel_size: this.kernelSize.slice(),
      strides: this.strides.slice(),
      padding: this.padding,
      data_format: 'channels_last',
      dilation_rate: this.kernelSize.map(() => 1),
      activation: this.activation,
      use_bias: this.useBias,
      ...kernelBiasConfig(this.kernelInitializer, this.biasInitializer, this.kernelConstraint, this.biasConstraint, this.kernelRegularizer, this.biasRegularizer, this.activityRegularizer),
    };
  }

  /** kernel [...kernelSize, inChannels, filters] and bias [filters] (without `useBias`, only the kernel). */
  override weightShapes(inputShape: readonly number[]): WeightShape[] {
    const inChannels = inputShape[inputShape.length - 1];
    const shapes = [{ name: 'kernel', shape: [...this.kernelSize, inChannels, this.filters] }];
    if (this.useBias) shapes.push({ name: 'bias', shape: [this.filters] });
    return shapes;
  }

  protected override createWeights(_inputShape: readonly number[], random: BuildRandom): void {
    this.addWeight('kernel', (w) => this.kernelInitializer.fill(w, random.init), this.kernelConstraint, this.kernelRegularizer);
    if (this.useBias) this.addWeight('bias', (w) => this.biasInitializer.fill(w, random.init), this.biasConstraint, this.biasRegularizer);
  }
}

/**
 * Conv2D(filters, kernelSize, { strides, padding, activation, ... }): a 2-D convolution over
 * [batch, height, width, channels] -> [batch, outH, outW, filters];
 * y = activation(conv(x, kernel [kH, kW, channels, filters]) + bias [filters]).
 */
export class Conv2D extends Conv {
  /** `filters`: output channels; `kernelSize`: n for n x n, or [kH, kW]. */
  constructor(filters: number, kernelSize: number | readonly [number, number], args: ConvArgs = {}) {
    super(2, filters, kernelSize, args);
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    checkCallShape(this, x);
    return conv2d(ctx, this.buffers(ctx), x, this.kernel, this.bias, this.activation, this.strides as [number, number], this.padding);
  }
}

/**
 * Conv1D(filters, kernelSize, { strides, padding, activation, ... }): a convolution along the
 * steps of [batch, steps, channels] -> [batch, outSteps, filters];
 * y = activation(conv(x, kernel [k, channels, filters]) + bias [filters]).
 */
export class Conv1D extends Conv {
  /** `filters`: output channels; `kernelSize`: the window length k (or [k]). */
  constructor(filters: number, kernelSize: number | readonly [number], args: ConvArgs = {}) {
    super(1, filters, kernelSize, args);
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    checkCallShape(this, x);
    return conv1d(ctx, this.buffers(ctx), x, this.kernel, this.bias, this.activation, this.strides[0], this.padding);
  }
}
