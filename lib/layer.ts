/**
 * The base of every layer: a small object with its weights, a `build` that creates them once the
 * input shape is known, and a `call` that runs the forward ops (which record their own backward).
 * Shapes in `build` and `computeOutputShape` are per sample (no batch axis), as Keras' input_shape.
 */
import { floatArray } from '../kernels/parallel';
import { CallContext, Workspace } from './autodiff';
import { Constraint, resolveConstraint } from './constraints';
import { Penalized, Regularizer, resolveRegularizer } from './regularizers';
import { Initializer } from './initializers';
import { checkOptionKeys, checkOptions, moreOptionKeys, optionKeys } from './options';
import { Node, SymbolicTensor } from './graph/symbolic';
import { RandomStream } from './random';
import { describe, Tensor, TensorLike, shapeToString, sizeOf } from './tensor';

/**
 * The most values one weight may hold (2^30 float32 values, 4 GiB). A larger one (a typo such as
 * `new Dense(1e12)`) would not fit in memory or take minutes to initialize: it is a RangeError at
 * build time instead.
 */
export const MAX_WEIGHT_SIZE = 2 ** 30;

/** Options every layer accepts. */
export interface LayerArgs {
  /** The layer's name (default: its class in snake_case with a counter, as Keras names them). */
  name?: string;
  /** Per-sample input shape, for the first layer of a model. */
  inputShape?: readonly number[];
  /** Shorthand for `inputShape: [inputDim]`. */
  inputDim?: number;
  /** Whether the optimizer updates this layer's weights (default true). */
  trainable?: boolean;
}

/** Options of the layers with a kernel and a bias (Dense, Conv1D/2D, the recurrent layers). */
export interface KernelBiasArgs extends LayerArgs {
  /** Activation name (default 'linear'; 'tanh' for the recurrent layers). */
  activation?: string;
  /** Whether to add a bias (default true). */
  useBias?: boolean;
  /** Kernel initializer (default 'glorotUniform'). */
  kernelInitializer?: string | Initializer;
  /** Bias initializer (default 'zeros'). */
  biasInitializer?: string | Initializer;
  /** A constraint object or name (`'maxNorm'`, `'nonNeg'`, `'unitNorm'`), applied after each step. */
  kernelConstraint?: Constraint | string;
  biasConstraint?: Constraint | string;
  /** A weight penalty added to the loss (`l2(0.01)`, `'l1'`, `'l2'`, `'l1_l2'`, lib/regularizers.ts). */
  kernelRegularizer?: Regularizer | string;
  biasRegularizer?: Regularizer | string;
  /** A penalty on the layer's output, added to the loss in training and evaluation (Keras 3: summed over the batch). */
  activityRegularizer?: Regularizer | string;
}

/** The keys of `LayerArgs`, which every layer accepts. */
export const LAYER_KEYS = optionKeys<LayerArgs>({ name: true, inputShape: true, inputDim: true, trainable: true });

/** The keys of `KernelBiasArgs`. */
export const KERNEL_BIAS_KEYS = moreOptionKeys<KernelBiasArgs, LayerArgs>(LAYER_KEYS, {
  activation: true,
  useBias: true,
  kernelInitializer: true,
  biasInitializer: true,
  kernelConstraint: true,
  biasConstraint: true,
  kernelRegularizer: true,
  biasRegularizer: true,
  activityRegularizer: true,
});

/** A weight's name (`kernel`, `bias`) and shape, as `Layer.weightShapes` lists them. */
export interface WeightShape {
  name: string;
  shape: number[];
}

/** Seeded streams a layer draws from when it is built. */
export interface BuildRandom {
  /** Stream for initial weights (shared by the model, drawn in layer order). */
  init: RandomStream;
  /** Seed from which the layer derives a stream of its own (e.g. for dropout masks). */
  layerSeed: string;
}

/** `{ class_name, config }` of an initializer or constraint (null stays null), as Keras saves them. */
export function serializeObject(o: { className: string; config: Record<string, unknown> } | null): { class_name: string; config: Record<string, unknown> } | null {
  return o === null ? null : { class_name: o.className, config: { ...o.config } };
}

/** What a layer with a kernel and a bias saves of them: initializers, regularizers, constraints. */
export function kernelBiasConfig(
  kernelInitializer: Initializer,
  biasInitializer: Initializer,
  kernelConstraint: Constraint | null,
  biasConstraint: Constraint | null,
  kernelRegularizer: Regularizer | null = null,
  biasRegularizer: Regularizer | null = null,
  activityRegularizer: Regularizer | null = null,
): Record<string, unknown> {
  return {
    kernel_initializer: serializeObject(kernelInitializer),
    bias_initializer: serializeObject(biasInitializer),
    kernel_regularizer: serializeObject(kernelRegularizer),
    bias_regularizer: serializeObject(biasRegularizer),
    activity_regularizer: serializeObject(activityRegularizer),
    kernel_constraint: serializeObject(kernelConstraint),
    bias_constraint: serializeObject(biasConstraint),
  };
}

const nameCounters = new Map<string, number>();

/** Keras-style unique names: `dense`, `dense_1`, `dense_2`, ... */
export function uniqueLayerName(base: string): string {
  const n = nameCounters.get(base) ?? 0;
  nameCounters.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

/**
 * The base of every layer: weights created by `build` once the per-sample input shape is known,
 * and a `call` that runs the layer's ops on a batch (recording their backward on the tape).
 */
export abstract class Layer {
  /**
   * The option keys this class accepts (its `...Args` interface), checked by the constructor: an
   * unknown key is an Error suggesting the closest one. Each subclass with more options lists them.
   */
  static readonly optionKeys: readonly string[] = LAYER_KEYS;
  readonly name: string;
  /** Per-sample input shape given by the user (first layer only), or null. */
  readonly declaredInputShape: number[] | null;
  private isTrainable: boolean;
  /**
   * Per-sample input and output shapes, set by `build`: the input shape is one shape, or one per
   * input for a layer that takes a list (`takesList`, the merge layers).
   */
  inputShape: number[] | number[][] | null = null;
  outputShape: number[] | null = null;
  /** The nodes this layer was applied in (`apply` on symbolic tensors), in order; a shared layer has several. */
  readonly inboundNodes: Node[] = [];
  /** The layer's weights, in Keras order (e.g. Dense: kernel, bias). */
  weights: Tensor[] = [];
  /** Names of the weights, parallel to `weights` (e.g. `kernel`, `bias`). */
  weightNames: string[] = [];
  /** Constraint of each weight, parallel to `weights`, or null. */
  constraints: (Constraint | null)[] = [];
  /** Penalty of each weight, parallel to `weights`, or null (lib/regularizers.ts). */
  regularizers: (Regularizer | null)[] = [];
  /** Whether each weight is learnt (false for state such as BatchNormalization's moving statistics), parallel to `weights`. */
  learnt: boolean[] = [];
  /** Penalty of the layer's output, added to the loss by `fit` and `evaluate`, or null. */
  activityRegularizer: Regularizer | null = null;
  /** Reused buffers of this layer's ops. */
  protected readonly ws = new Workspace();
  /** The weights `build` is creating (from `weightShapes`), read by `addWeight`; null outside `build`. */
  private planned: WeightShape[] | null = null;

  constructor(args: LayerArgs = {}) {
    if (typeof args !== 'object' || args === null || Array.isArray(args)) {
      throw new TypeError(`${this.className}: the options must be an object such as { name, inputShape }, got ${describe(args)}`);
    }
    const where = typeof args.name === 'string' ? `${this.className} '${args.name}'` : this.className;
    checkOptionKeys(where, args, (new.target as unknown as typeof Layer).optionKeys);
    this.name = args.name ?? uniqueLayerName(toSnake(this.className));
    if (args.inputShape !== undefined && args.inputDim !== undefined) {
      throw new Error(`${this.className} '${this.name}': give inputShape or inputDim, not both`);
    }
    const shape = args.inputDim !== undefined ? [args.inputDim] : args.inputShape;
    if (shape !== undefined) {
      if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
        throw new RangeError(
          `${this.className} '${this.name}': ${args.inputDim !== undefined ? 'inputDim' : 'inputShape'} must be positive integers (per sample, no batch axis), got ${JSON.stringify(args.inputDim ?? shape)}`,
        );
      }
    }
    this.declaredInputShape = shape ? shape.slice() : null;
    if (args.trainable !== undefined && typeof args.trainable !== 'boolean') {
      throw new TypeError(`${this.className} '${this.name}': trainable must be true or false, got ${describe(args.trainable)}`);
    }
    this.isTrainable = args.trainable ?? true;
  }

  /**
   * Whether the optimizer updates this layer's weights. A frozen layer's weights do not require
   * gradients, so backpropagation spends no work on them, and constraints leave them alone;
   * unfreezing starts from a zero gradient. (As in Keras, change it before `fit`, not during.)
   */
  get trainable(): boolean {
    return this.isTrainable;
  }

  set trainable(value: boolean) {
    if (typeof value !== 'boolean') throw new TypeError(`${this.className} '${this.name}': trainable must be true or false, got ${describe(value)}`);
    this.isTrainable = value;
    this.weights.forEach((w, i) => {
      w.requiresGrad = value && this.learnt[i] !== false;
      w.grad?.fill(0);
    });
  }

  /** Whether `call` takes a list of tensors (the merge layers) instead of one. */
  get takesList(): boolean {
    return false;
  }

  /** The class name as Keras spells it (`Dense`, `Dropout`). */
  get className(): string {
    return this.constructor.name;
  }

  get built(): boolean {
    return this.outputShape !== null;
  }

  /**
   * The names and shapes of the weights `build` creates for a per-sample `inputShape`, in Keras
   * order, computed without allocating anything: what `loadModel` checks a weights manifest
   * against before any layer is built. `build` creates exactly these (`addWeight` takes each shape
   * from here), so the two cannot disagree. None by default.
   */
  weightShapes(_inputShape: InputShapes): WeightShape[] {
    return [];
  }

  /**
   * `weightShapes(inputShape)` after checking that every shape is made of non-negative integers
   * and holds at most `MAX_WEIGHT_SIZE` values (a RangeError naming the weight otherwise). No
   * allocation: safe on shapes from an untrusted file.
   */
  plannedWeights(inputShape: InputShapes): WeightShape[] {
    const planned = this.weightShapes(inputShape);
    for (const { name, shape } of planned) {
      const size = shape.every((d) => Number.isInteger(d) && d >= 0) ? sizeOf(shape) : NaN;
      if (!(size <= MAX_WEIGHT_SIZE)) {
        throw new RangeError(`${this.className} '${this.name}': the weight ${name} of shape ${shapeToString(shape)} would hold ${size} values; at most ${MAX_WEIGHT_SIZE} are supported`);
      }
    }
    return planned;
  }

  /**
   * Creates the weights for a per-sample `inputShape` (one per input for a layer that takes a
   * list), the shapes `weightShapes` gives; called once, by the model or the first eager `apply`.
   */
  build(inputShape: InputShapes, random: BuildRandom): void {
    const outputShape = this.computeOutputShape(inputShape);
    const planned = this.plannedWeights(inputShape);
    this.outputShape = outputShape;
    this.inputShape = copyShapes(inputShape);
    this.planned = planned;
    try {
      this.createWeights(inputShape, random);
    } finally {
      this.planned = null;
    }
    if (this.weights.length !== planned.length) {
      throw new Error(`${this.className} '${this.name}': createWeights added ${this.weights.length} weights but weightShapes lists ${planned.length}`);
    }
  }

  /** Creates this layer's weights with `addWeight`, in `weightShapes` order (none by default). */
  protected createWeights(_inputShape: InputShapes, _random: BuildRandom): void {}

  /**
   * Adds the next weight `weightShapes` lists (which must be called `name`), filled by `fill`,
   * with an optional constraint and penalty; `learnt` false for a weight the optimizer never
   * touches (state updated by the layer itself). Only during `build`.
   */
  protected addWeight(name: string, fill: (w: Tensor) => void, constraint: Constraint | null = null, regularizer: Regularizer | null = null,
    learnt = true): Tensor {
    const next = this.planned?.[this.weights.length];
    if (next === undefined || next.name !== name) {
      throw new Error(`${this.className} '${this.name}': addWeight('${name}') does not match the next weight weightShapes lists (${next === undefined ? 'none' : `'${next.name}'`})`);
    }
    // A constraint given by name (a JavaScript caller may pass 'maxNorm') becomes its object here.
    const resolved = resolveConstraint(constraint, `constraint of ${this.className} '${this.name}' ${name}:`);
    const w = Tensor.zeros(next.shape);
    fill(w);
    w.requiresGrad = this.isTrainable && learnt;
    w.grad = floatArray(w.size);
    this.weights.push(w);
    this.weightNames.push(name);
    this.constraints.push(resolved);
    this.regularizers.push(resolveRegularizer(regularizer, `regularizer of ${this.className} '${this.name}' ${name}:`));
    this.learnt.push(learnt);
    return w;
  }

  /** The weights the optimizer updates: all learnt ones of a trainable layer, none otherwise. */
  get trainableWeights(): Tensor[] {
    return this.trainable ? this.weights.filter((_w, i) => this.learnt[i] !== false) : [];
  }

  /** Parameters in the weights the optimizer updates (`countParams` minus state and frozen weights). */
  countTrainableParams(): number {
    return this.trainableWeights.reduce((n, w) => n + w.size, 0);
  }

  /** The layer's penalized weights (trainable layers only, as Keras 3), appended to `into`. */
  penalized(into: Penalized[] = []): Penalized[] {
    if (!this.trainable) return into;
    this.regularizers.forEach((regularizer, i) => {
      if (regularizer !== null) into.push({ weight: this.weights[i], regularizer });
    });
    return into;
  }

  /**
   * Per-sample output shape for a per-sample input shape (one per input for a layer that takes a
   * list); throws a clear Error if it does not fit.
   */
  abstract computeOutputShape(inputShape: InputShapes): number[];

  /**
   * The forward pass on a batch (a list of batches for a layer that takes a list); ops record their
   * backward on `ctx.tape` and take their buffers from `this.buffers(ctx)`.
   */
  abstract call(inputs: Tensor | Tensor[], ctx: CallContext): Tensor;

  /** The buffers of the node being run (`ctx.ws`, set by a model), or the layer's own. */
  protected buffers(ctx: CallContext): Workspace {
    return ctx.ws ?? this.ws;
  }

  /**
   * Applies the layer. To symbolic tensors (from `Input` or another layer's `apply`): records a
   * node and returns the symbolic tensor it makes, `[null, ...outputShape]`, building nothing
   * (a `Model` builds its layers, in order, from its seed). To data (a Tensor or anything
   * `Tensor.from` takes, or a list of them for a merge layer): runs the layer now, building it on
   * first use from a stream seeded by its name, and returns a new Tensor; `{ training: true }`
   * runs it as in training (dropout on).
   */
  apply(inputs: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor;
  apply(inputs: TensorLike | readonly TensorLike[], options?: { training?: boolean }): Tensor;
  apply(inputs: unknown, options: { training?: boolean } = {}): SymbolicTensor | Tensor {
    const list = Array.isArray(inputs) ? (inputs as unknown[]) : [inputs];
    const symbolic = list.filter((t) => t instanceof SymbolicTensor).length;
    if (symbolic > 0 && symbolic < list.length) {
      throw new TypeError(`${this.className} '${this.name}'.apply: mix of symbolic tensors (from Input or apply) and data; give all of one kind`);
    }
    if (symbolic > 0) return this.applySymbolic(list as SymbolicTensor[]);
    return this.applyEager(inputs, checkOptions(`${this.className} '${this.name}'.apply`, options, APPLY_KEYS).training ?? false);
  }

  /** Records a node of this layer applied to `inputs`; returns its output. */
  private applySymbolic(inputs: SymbolicTensor[]): SymbolicTensor {
    const me = `${this.className} '${this.name}'`;
    if (!this.takesList && inputs.length !== 1) throw new Error(`${me}: takes one input, got a list of ${inputs.length}`);
    if (this.takesList && inputs.length < 2) throw new Error(`${me}: takes a list of at least two inputs, got ${inputs.length}`);
    const shapes = inputs.map((t) => t.perSampleShape);
    const shapeArg = this.takesList ? shapes : shapes[0];
    this.checkSameInput(shapeArg, inputs.map((t) => `'${t.name}'`).join(', '));
    let outputShape: number[];
    try {
      outputShape = this.computeOutputShape(shapeArg);
    } catch (e) {
      // A merge layer names its inputs by position; say which layers made them.
      if (!(e instanceof Error) || !this.takesList) throw e;
      const from = inputs.map((t, i) => `${i}: '${t.sourceLayer.name}' [null, ${t.perSampleShape.join(', ')}]`).join('; ');
      throw new (e instanceof RangeError ? RangeError : Error)(`${e.message} (inputs from ${from})`);
    }
    const node = new Node(this, inputs, this.takesList, outputShape, this.inboundNodes.length);
    this.inboundNodes.push(node);
    return node.output;
  }

  /** Runs the layer on data now (building it on first use); returns a new Tensor. */
  private applyEager(inputs: unknown, training: boolean): Tensor {
    const me = `${this.className} '${this.name}'`;
    const list = this.takesList ? (Array.isArray(inputs) ? inputs : [inputs]) : [inputs];
    const tensors = list.map((t, i) => Tensor.from(t as TensorLike, this.takesList ? `${me}.apply: input ${i}` : `${me}.apply`));
    tensors.forEach((t, i) => {
      if (t.rank < 1) throw new RangeError(`${me}.apply: input${this.takesList ? ` ${i}` : ''} must have a batch axis, got a scalar`);
    });
    const shapes = tensors.map((t) => t.shape.slice(1));
    const shapeArg = this.takesList ? shapes : shapes[0];
    if (!this.built) this.build(shapeArg, { init: new RandomStream(`${this.name}/init`), layerSeed: this.name });
    else this.checkSameInput(shapeArg, 'the data');
    const ctx: CallContext = { training, tape: null, ws: new Workspace() };
    return this.call(this.takesList ? tensors : tensors[0], ctx);
  }

  /** A layer built (or applied) before must be given inputs of the same per-sample shape(s). */
  private checkSameInput(shape: InputShapes, what: string): void {
    const asList = (x: InputShapes): readonly (readonly number[])[] => (this.takesList ? (x as readonly (readonly number[])[]) : [x as readonly number[]]);
    const known = this.inputShape !== null ? asList(this.inputShape) : this.inboundNodes[0]?.inputs.map((t) => t.perSampleShape);
    if (known === undefined) return;
    const got = asList(shape);
    const same = known.length === got.length && known.every((w, i) => w.length === got[i].length && w.every((d, a) => d === got[i][a]));
    if (!same) {
      const show = (list: readonly (readonly number[])[]) => JSON.stringify(this.takesList ? list : list[0]);
      throw new RangeError(
        `${this.className} '${this.name}': was built for per-sample input ${show(known)}, but ${what} ${got.length === 1 ? 'has' : 'have'} ${show(got)}; a layer used twice shares its weights, so it needs the same input shape each time`,
      );
    }
  }


  /** Copies of the weights, in Keras order. */
  getWeights(): Tensor[] {
    return this.weights.map((w) => w.clone());
  }

  /** Replaces the weights' values (shapes must match, in Keras order). */
  setWeights(values: readonly Tensor[]): void {
    if (values.length !== this.weights.length) {
      throw new RangeError(`${this.className} '${this.name}'.setWeights: expected ${this.weights.length} arrays, got ${values.length}`);
    }
    values.forEach((v, i) => {
      const w = this.weights[i];
      const t = Tensor.from(v, `${this.name}.${this.weightNames[i]}`);
      if (t.shape.length !== w.shape.length || t.shape.some((d, a) => d !== w.shape[a])) {
        throw new RangeError(
          `${this.className} '${this.name}'.setWeights: ${this.weightNames[i]} must have shape ${shapeToString(w.shape)}, got ${shapeToString(t.shape)}`,
        );
      }
      w.data.set(t.data);
    });
  }

  /**
   * The layer's Keras config (snake_case keys, as TensorFlow.js's model.json stores it): name,
   * trainable, dtype and, for a first layer, `batch_input_shape`. Subclasses add their own.
   */
  getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { name: this.name, trainable: this.trainable, dtype: 'float32' };
    if (this.declaredInputShape !== null) config.batch_input_shape = [null, ...this.declaredInputShape];
    return config;
  }

  /**
   * True when the layer draws random numbers in training mode (dropout and noise layers with a
   * non-zero rate): what Monte Carlo dropout needs at least one of.
   */
  get stochastic(): boolean {
    return false;
  }

  /** Number of scalars in the weights. */
  countParams(): number {
    return this.weights.reduce((n, w) => n + w.size, 0);
  }
}

/** A per-sample shape, or one per input for a layer that takes a list. */
export type InputShapes = readonly number[] | readonly (readonly number[])[];

const APPLY_KEYS = optionKeys<{ training?: boolean }>({ training: true });

/** A deep copy of one shape or a list of shapes. */
function copyShapes(shape: InputShapes): number[] | number[][] {
  return shape.length > 0 && Array.isArray(shape[0]) ? (shape as readonly (readonly number[])[]).map((s) => s.slice()) : (shape as readonly number[]).slice();
}

/** Keras' to_snake_case: `SpatialDropout2D` -> `spatial_dropout2d`, `LSTM` -> `lstm`. */
function toSnake(name: string): string {
  return name.replace(/(.)([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}
