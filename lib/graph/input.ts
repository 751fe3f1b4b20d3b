/**
 * `Input({ shape })`: where a functional model's data comes in. It makes an `InputLayer` (no
 * weights, nothing to compute) and the symbolic tensor that stands for the batches the model will
 * be given: `[null, ...shape]`.
 *
 *   const inp = Input({ shape: [2] });
 *   const out = new Dense(1, { activation: 'sigmoid' }).apply(new Dense(64, { activation: 'relu' }).apply(inp));
 *   const model = new Model({ inputs: inp, outputs: out });
 */
import { CallContext } from '../autodiff';
import { Layer, LayerArgs, uniqueLayerName } from '../layer';
import { checkOptions, optionKeys } from '../options';
import { describe, shapeToString, Tensor } from '../tensor';
import { Node, SymbolicTensor } from './symbolic';

/** Options of `Input`. */
export interface InputArgs {
  /** The per-sample shape (no batch axis), e.g. `[2]` or `[28, 28, 1]`. */
  shape?: readonly number[];
  /** Keras' batch shape `[null, ...shape]` (the batch axis must be null): another way to give `shape`. */
  batchShape?: readonly (number | null)[];
  /** The input's name (default `input`, `input_1`, ...): the key of this input in `fit({ name: x })`. */
  name?: string;
}

const INPUT_KEYS = optionKeys<InputArgs>({ shape: true, batchShape: true, name: true });

/** The layer behind `Input`: it passes its batch on unchanged. Per-sample shape in = out. */
export class InputLayer extends Layer {
  /** The node whose output is the model input. */
  readonly node: Node;

  constructor(shape: readonly number[], args: LayerArgs = {}) {
    super({ name: args.name ?? uniqueLayerName('input'), inputShape: shape });
    // Nothing to build: no weights, and the shapes are the given one.
    this.inputShape = shape.slice();
    this.outputShape = shape.slice();
    this.node = new Node(this, [], false, shape, 0);
    this.inboundNodes.push(this.node);
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    return inputShape.slice();
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    return x;
  }

  override getConfig(): Record<string, unknown> {
    return { batch_input_shape: [null, ...(this.inputShape as number[])], dtype: 'float32', sparse: false, name: this.name };
  }
}

/** A model input of per-sample `shape`: the symbolic tensor `[null, ...shape]` to apply layers to. */
export function Input(options: InputArgs): SymbolicTensor {
  const args = checkOptions('Input', options, INPUT_KEYS);
  if (options === undefined) throw new TypeError('Input: expected { shape }, e.g. Input({ shape: [2] }), got undefined');
  let shape = args.shape;
  if (args.batchShape !== undefined) {
    const b = args.batchShape;
    if (!Array.isArray(b) || b.length < 2 || b[0] !== null) {
      throw new RangeError(`Input: batchShape must be [null, d1, d2, ...] (the batch axis null), got ${JSON.stringify(b) ?? describe(b)}`);
    }
    if (shape !== undefined) throw new Error('Input: give shape or batchShape, not both');
    shape = b.slice(1) as number[];
  }
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new RangeError(`Input: shape must be positive integers (per sample, no batch axis), e.g. [2] or [28, 28, 1], got ${Array.isArray(shape) ? shapeToString(shape) : describe(shape)}`);
  }
  const layer = new InputLayer(shape, args.name === undefined ? {} : { name: args.name });
  return layer.node.output;
}

/** TensorFlow.js's spelling of `Input`. */
export const input = Input;
