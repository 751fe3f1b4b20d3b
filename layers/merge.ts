/**
 * Merge layers: a list of at least two tensors in, one out, no weights. Keras' names and meanings:
 *
 * - `Add`, `Subtract` (exactly two inputs: x0 - x1), `Multiply`, `Average`, `Maximum`, `Minimum`:
 *   elementwise. Inputs [batch, ...s_k] -> output [batch, ...s], where s is the per-sample shapes
 *   broadcast as Keras' merge layers broadcast them: aligned on their last axes (a shorter shape
 *   gets axes of length 1 in front, after the batch axis), each axis equal or 1 across the inputs.
 *   Equal shapes give that shape. The batch sizes must be equal.
 * - `Concatenate({ axis })`: inputs [batch, ..., n_k, ...] -> [batch, ..., sum n_k, ...] along
 *   `axis` (the batch axis is 0, default -1: the last; negative axes count from the end); the other
 *   axes must be equal.
 *
 * Used with the functional API: `new Add().apply([a, b])`. A shape mismatch is a RangeError naming
 * the layer, both inputs by position and their shapes (and, from `apply`, the layers that made
 * them). The ops and their gradients are in lib/merge-ops.ts.
 */
import { CallContext, Workspace } from '../lib/autodiff';
import { Layer, LayerArgs } from '../lib/layer';
import { add, average, broadcastShape, concatenate, concatShape, maximum, minimum, multiply, subtract } from '../lib/merge-ops';
import { moreOptionKeys, optionKeys } from '../lib/options';
import { describe, Tensor } from '../lib/tensor';

/** Options of the merge layers: a merge layer is never a model's first layer, so it takes no input shape. */
export interface MergeArgs {
  /** The layer's name (default: its class in snake_case with a counter, as Keras names them). */
  name?: string;
  /** Kept for Keras' config; a merge layer has no weights. */
  trainable?: boolean;
}

/** Options of `Concatenate`. */
export interface ConcatenateArgs extends MergeArgs {
  /** The axis to concatenate along, counting the batch axis as 0 (default -1, the last; negative from the end). */
  axis?: number;
}

/** The keys of `MergeArgs`. */
export const MERGE_KEYS = optionKeys<MergeArgs>({ name: true, trainable: true });
const CONCATENATE_KEYS = moreOptionKeys<ConcatenateArgs, MergeArgs>(MERGE_KEYS, { axis: true });

/** A merge layer's options from a saved Keras config (what `layerFromConfig` passes): name and trainable. */
export function mergeArgsFromConfig(c: { common(): LayerArgs }): MergeArgs {
  const { name, trainable } = c.common();
  return { name, trainable };
}

/** What every merge layer shares: a list of inputs, no weights, per-sample shapes checked at `apply`. */
export abstract class Merge extends Layer {
  static override readonly optionKeys: readonly string[] = MERGE_KEYS;

  constructor(args: MergeArgs = {}) {
    super(args);
  }

  override get takesList(): boolean {
    return true;
  }

  /** `ClassName 'name'`, for messages. */
  protected get where(): string {
    return `${this.className} '${this.name}'`;
  }

  /** Throws unless `inputs` is a list of at least two (exactly `count` if given) shapes or tensors. */
  protected checkList(inputs: unknown, what: string, count?: number): void {
    if (!Array.isArray(inputs) || (inputs.length > 0 && !Array.isArray(inputs[0]) && !(inputs[0] instanceof Tensor))) {
      throw new TypeError(`${this.where}: takes a list of ${what}, one per input, got ${describe(inputs)}`);
    }
    if (count !== undefined && inputs.length !== count) throw new RangeError(`${this.where}: takes exactly ${count} inputs, got ${inputs.length}`);
    if (inputs.length < 2) throw new RangeError(`${this.where}: takes a list of at least two inputs, got ${inputs.length}`);
  }

  /** Exactly how many inputs the layer takes, or undefined for two or more. */
  protected get inputCount(): number | undefined {
    return undefined;
  }

  /** The broadcast per-sample shape of the inputs (a RangeError naming both inputs on a mismatch). */
  computeOutputShape(inputShapes: readonly (readonly number[])[]): number[] {
    this.checkList(inputShapes, 'per-sample shapes', this.inputCount);
    return broadcastShape(this.where, inputShapes);
  }

  call(inputs: Tensor[], ctx: CallContext): Tensor {
    this.checkList(inputs, 'tensors', this.inputCount);
    return this.merge(ctx, this.buffers(ctx), inputs);
  }

  /** The layer's op on the inputs. */
  protected abstract merge(ctx: CallContext, ws: Workspace, inputs: readonly Tensor[]): Tensor;
}

/** Add(): the elementwise sum x0 + x1 + ... of [batch, ...shape] inputs (broadcast) -> [batch, ...shape]. */
export class Add extends Merge {
  protected merge(ctx: CallContext, ws: Workspace, inputs: readonly Tensor[]): Tensor {
    return add(ctx, ws, inputs);
  }
}

/**
 * Subtract(): x0 - x1, exactly two [batch, ...shape] inputs (broadcast) -> [batch, ...shape].
 * (Keras has it; TensorFlow.js 4.22 has no Subtract layer, so it cannot load a model that uses one.)
 */
export class Subtract extends Merge {
  protected override get inputCount(): number {
    return 2;
  }

  protected merge(ctx: CallContext, ws: Workspace, inputs: readonly Tensor[]): Tensor {
    return subtract(ctx, ws, inputs[0], inputs[1]);
  }
}

/** Multiply(): the elementwise product x0 * x1 * ... of [batch, ...shape] inputs (broadcast) -> [batch, ...shape]. */
export class Multiply extends Merge {
  protected merge(ctx: CallContext, ws: Workspace, inputs: readonly Tensor[]): Tensor {
    return multiply(ctx, ws, inputs);
  }
}

/** Average(): the elementwise mean (x0 + ... + x_{n-1}) / n of [batch, ...shape] inputs (broadcast) -> [batch, ...shape]. */
export class Average extends Merge {
  protected merge(ctx: CallContext, ws: Workspace, inputs: readonly Tensor[]): Tensor {
    return average(ctx, ws, inputs);
  }
}

/**
 * Maximum(): the elementwise maximum of [batch, ...shape] inputs (broadcast) -> [batch, ...shape].
 * The gradient of each element goes to the input it came from; on a tie, to the first of them (as
 * TensorFlow's gradient of maximum does).
 */
export class Maximum extends Merge {
  protected merge(ctx: CallContext, ws: Workspace, inputs: readonly Tensor[]): Tensor {
    return maximum(ctx, ws, inputs);
  }
}

/**
 * Minimum(): the elementwise minimum of [batch, ...shape] inputs (broadcast) -> [batch, ...shape].
 * The gradient of each element goes to the input it came from; on a tie, to the first of them.
 */
export class Minimum extends Merge {
  protected merge(ctx: CallContext, ws: Workspace, inputs: readonly Tensor[]): Tensor {
    return minimum(ctx, ws, inputs);
  }
}

/**
 * Concatenate({ axis = -1 }): inputs [batch, ..., n_k, ...] side by side along `axis` ->
 * [batch, ..., sum n_k, ...]. `axis` counts the batch axis as 0 (which cannot be concatenated
 * along); negative axes count from the end, as in Keras. The other axes must be equal (no
 * broadcasting). (TensorFlow.js 4.22's Concatenate layer computes its output shape the same way
 * but concatenates along the last axis for every negative axis; -1 is the only one that agrees.)
 */
export class Concatenate extends Merge {
  static override readonly optionKeys = CONCATENATE_KEYS;
  readonly axis: number;

  constructor(args: ConcatenateArgs = {}) {
    super(args);
    const axis = args.axis ?? -1;
    if (!Number.isInteger(axis) || axis === 0) {
      throw new RangeError(`Concatenate '${this.name}': axis must be a non-zero integer (0 is the batch axis; -1 the last), got ${describe(args.axis)}`);
    }
    this.axis = axis;
  }

  override computeOutputShape(inputShapes: readonly (readonly number[])[]): number[] {
    this.checkList(inputShapes, 'per-sample shapes');
    return concatShape(this.where, inputShapes, this.axis);
  }

  protected merge(ctx: CallContext, ws: Workspace, inputs: readonly Tensor[]): Tensor {
    return concatenate(ctx, ws, inputs, this.axis);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}
