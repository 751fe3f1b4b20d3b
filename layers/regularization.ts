/**
 * ActivityRegularization({ l1, l2 }): passes its input through unchanged and adds
 * l1 * sum(|x|) + l2 * sum(x^2) of it (summed over the batch, as Keras 3) to the loss that `fit`
 * minimizes and that `fit` and `evaluate` report (lib/regularizers.ts). No weights.
 * Input [batch, ...] -> the same tensor.
 */
import { CallContext } from '../lib/autodiff';
import { Layer, LAYER_KEYS, LayerArgs } from '../lib/layer';
import { moreOptionKeys } from '../lib/options';
import { L1L2 } from '../lib/regularizers';
import { Tensor } from '../lib/tensor';
import { checkCallShape } from './conv';

/** Options of `ActivityRegularization`: the two factors (default 0, as Keras) and those of every layer. */
export interface ActivityRegularizationArgs extends LayerArgs {
  l1?: number;
  l2?: number;
}

/** The penalty on its input, which it returns as it is. */
export class ActivityRegularization extends Layer {
  static override readonly optionKeys = moreOptionKeys<ActivityRegularizationArgs, LayerArgs>(LAYER_KEYS, { l1: true, l2: true });
  readonly l1: number;
  readonly l2: number;

  constructor(args: ActivityRegularizationArgs = {}) {
    super(args);
    const penalty = new L1L2({ l1: args.l1 ?? 0, l2: args.l2 ?? 0 });
    this.l1 = penalty.l1;
    this.l2 = penalty.l2;
    this.activityRegularizer = penalty;
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    return inputShape.slice();
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), l1: this.l1, l2: this.l2 };
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    checkCallShape(this, x);
    return x;
  }
}
