/**
 * Embedding(inputDim, outputDim): turns integer indices into dense vectors, each index picking a
 * row of a trainable table, as Keras' Embedding. Input [batch, ...] of indices (whole numbers in
 * [0, inputDim), held as floats like every Lamina tensor) -> output [batch, ..., outputDim].
 * The backward pass adds each output row's gradient into its table row, so an index repeated in
 * a batch gets the sum of its gradients (kernels/embedding.ts). `maskZero` is not implemented
 * (Lamina has no masks): an Error says so.
 */
import { CallContext, gradOf, record } from '../lib/autodiff';
import { Constraint, resolveConstraint } from '../lib/constraints';
import { Initializer, resolveInitializer } from '../lib/initializers';
import { BuildRandom, Layer, LAYER_KEYS, LayerArgs, serializeObject, WeightShape } from '../lib/layer';
import { moreOptionKeys } from '../lib/options';
import { Regularizer, resolveRegularizer } from '../lib/regularizers';
import { describe, Tensor } from '../lib/tensor';
import { firstBadIndex, gatherRows, scatterAddRows } from '../kernels/embedding';

/** Options of `Embedding`. */
export interface EmbeddingArgs extends LayerArgs {
  /** Initializer of the table (default 'randomUniform', in [-0.05, 0.05], as Keras). */
  embeddingsInitializer?: string | Initializer;
  /** A penalty on the table, added to the loss (lib/regularizers.ts). */
  embeddingsRegularizer?: Regularizer | string;
  /** A penalty on the output (summed over the batch, as Keras 3). */
  activityRegularizer?: Regularizer | string;
  embeddingsConstraint?: Constraint | string;
  /** Not implemented (Lamina has no masks); only false is accepted. */
  maskZero?: boolean;
  /** Keras 2's input_length: the sequence length, checked when given. */
  inputLength?: number;
}

/** Indices [batch, ...] -> vectors [batch, ..., outputDim], a row of the table per index. */
export class Embedding extends Layer {
  static override readonly optionKeys = moreOptionKeys<EmbeddingArgs, LayerArgs>(LAYER_KEYS, {
    embeddingsInitializer: true,
    embeddingsRegularizer: true,
    activityRegularizer: true,
    embeddingsConstraint: true,
    maskZero: true,
    inputLength: true,
  });
  readonly inputDim: number;
  readonly outputDim: number;
  readonly inputLength: number | null;
  private readonly embeddingsInitializer: Initializer;
  private readonly embeddingsRegularizer: Regularizer | null;
  private readonly embeddingsConstraint: Constraint | null;

  /** `inputDim`: the number of indices (the table's rows); `outputDim`: the vector size. */
  constructor(inputDim: number, outputDim: number, args: EmbeddingArgs = {}) {
    super(args);
    const me = `Embedding '${this.name}'`;
    if (!Number.isInteger(inputDim) || inputDim <= 0) throw new RangeError(`${me}: inputDim must be a positive integer, got ${describe(inputDim)}`);
    if (!Number.isInteger(outputDim) || outputDim <= 0) throw new RangeError(`${me}: outputDim must be a positive integer, got ${describe(outputDim)}`);
    if (args.maskZero !== undefined && args.maskZero !== false) throw new Error(`${me}: maskZero is not implemented (Lamina has no masks); got ${describe(args.maskZero)}`);
    this.inputDim = inputDim;
    this.outputDim = outputDim;
    this.inputLength = args.inputLength ?? null;
    this.embeddingsInitializer = resolveInitializer(args.embeddingsInitializer ?? 'randomUniform', `embeddingsInitializer for ${me}:`);
    this.embeddingsRegularizer = resolveRegularizer(args.embeddingsRegularizer, `embeddingsRegularizer for ${me}:`);
    this.embeddingsConstraint = resolveConstraint(args.embeddingsConstraint, `embeddingsConstraint for ${me}:`);
    this.activityRegularizer = resolveRegularizer(args.activityRegularizer, `activityRegularizer for ${me}:`);
  }

  /** The table [inputDim, outputDim] (after build). */
  get embeddings(): Tensor {
    return this.weights[0];
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    if (this.inputLength !== null && inputShape[0] !== this.inputLength) {
      throw new RangeError(`Embedding '${this.name}': inputLength is ${this.inputLength} but the input is [batch, ${inputShape.join(', ')}]`);
    }
    return [...inputShape, this.outputDim];
  }

  override weightShapes(): WeightShape[] {
    return [{ name: 'embeddings', shape: [this.inputDim, this.outputDim] }];
  }

  protected override createWeights(_inputShape: readonly number[], random: BuildRandom): void {
    this.addWeight('embeddings', (w) => this.embeddingsInitializer.fill(w, random.init), this.embeddingsConstraint, this.embeddingsRegularizer);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      input_dim: this.inputDim,
      output_dim: this.outputDim,
      embeddings_initializer: serializeObject(this.embeddingsInitializer),
      embeddings_regularizer: serializeObject(this.embeddingsRegularizer),
      activity_regularizer: serializeObject(this.activityRegularizer),
      embeddings_constraint: serializeObject(this.embeddingsConstraint),
      mask_zero: false,
      input_length: this.inputLength,
    };
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    const n = x.size;
    const bad = firstBadIndex(x.data, n, this.inputDim);
    if (bad >= 0) {
      throw new RangeError(`Embedding '${this.name}': indices must be whole numbers in [0, ${this.inputDim}), got ${x.data[bad]} at flat position ${bad} of the input [${x.shape.join(', ')}]`);
    }
    const table = this.embeddings;
    const y = this.buffers(ctx).get(ctx, 'embedding.y', [...x.shape, this.outputDim]);
    gatherRows(x.data, table.data, y.data, n, this.outputDim);
    record(ctx, y, [table], () => {
      const dTable = gradOf(table);
      if (dTable !== null) scatterAddRows(x.data, y.grad as Float32Array, dTable, n, this.outputDim);
    });
    return y;
  }
}
