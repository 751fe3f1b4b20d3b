/**
 * Activation(activation): an activation function as a layer of its own, as in Keras. No weights.
 * Input [batch, ...] -> output of the same shape; softmax works on the last axis.
 */
import { ActivationName, resolveActivation } from '../lib/activations';
import { CallContext } from '../lib/autodiff';
import { Layer, LayerArgs } from '../lib/layer';
import { activation } from '../lib/ops';
import { describe, Tensor } from '../lib/tensor';
import { checkCallShape } from './conv';

/** Options of `Activation`: those of every layer. */
export type ActivationArgs = LayerArgs;

/**
 * Activation(activation): y = activation(x) elementwise (softmax over the last axis), with the
 * kernels Dense uses. Input [batch, ...] -> output [batch, ...], the same shape.
 */
export class Activation extends Layer {
  readonly activation: ActivationName;

  /** `activation`: a Keras name (`'relu'`, `'sigmoid'`, `'tanh'`, `'softmax'`, `'linear'`, ...). */
  constructor(activation: string, args: ActivationArgs = {}) {
    super(args);
    if (typeof activation !== 'string') {
      throw new TypeError(`Activation '${this.name}': the activation must be a name such as 'relu' or 'softmax', got ${describe(activation)}`);
    }
    this.activation = resolveActivation(activation, `activation for Activation '${this.name}':`);
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    if (this.activation === 'softmax' && inputShape.length === 0) {
      throw new RangeError(`Activation '${this.name}': softmax works on the last axis of a per-sample input, got a scalar per sample`);
    }
    return inputShape.slice();
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), activation: this.activation };
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    checkCallShape(this, x);
    return activation(ctx, this.buffers(ctx), x, this.activation);
  }
}
