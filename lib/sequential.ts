/**
 * Sequential: a stack of layers, Keras' `Sequential`. It is a `Model` whose graph is a chain:
 * `add(layer)` applies the layer to the previous layer's output (the first one to an Input made
 * from its `inputShape`) and builds it at once, so its weights exist right after `add`. Training,
 * evaluation, prediction, saving: all `Model`'s, one loop for both.
 */
import { Input } from './graph/input';
import { SymbolicTensor } from './graph/symbolic';
import { TopologyJson } from './io/artifacts';
import { Layer } from './layer';
import { Model, ModelArgs, ModelData, PredictArgs } from './model';
import { Ports } from './model-data';
import { optionKeys } from './options';
import { Seed } from './random';
import { describe, Tensor } from './tensor';

export type { CompileArgs, FitArgs, PredictArgs, SaveResult } from './model';

/** Options of `new Sequential`. */
export interface SequentialArgs {
  /** One seed for initial weights, shuffles and dropout masks (default: a fresh one, see `seed`). */
  seed?: Seed;
  /** The model's name (default 'sequential'). */
  name?: string;
  /** Layers to add, in order. */
  layers?: Layer[];
}

const SEQUENTIAL_KEYS = optionKeys<SequentialArgs>({ seed: true, name: true, layers: true });

/**
 * A linear stack of layers with Keras' model API: `add`, `compile`, `fit`, `evaluate`,
 * `predict`, `summary`, `save`. Input [n, ...inputShape] -> output [n, ...outputShape].
 */
export class Sequential extends Model {
  /** The layers, in order (no InputLayer, as Keras' Sequential lists them). */
  private readonly stack: Layer[] = [];
  /** The chain's input, made when the first layer is added. */
  private input: SymbolicTensor | null = null;

  constructor(options: SequentialArgs = {}) {
    super(options as ModelArgs);
    for (const layer of options.layers ?? []) this.add(layer);
  }

  protected override optionKeys(): readonly string[] {
    return SEQUENTIAL_KEYS;
  }

  protected override get chained(): boolean {
    return true;
  }

  protected override defaultName(): string {
    return 'sequential';
  }

  /** The layers, in order. */
  override get layers(): Layer[] {
    return this.stack;
  }

  /** Appends a layer and builds it (the first layer needs `inputShape` or `inputDim`). */
  add(layer: Layer): void {
    if (!(layer instanceof Layer)) throw new TypeError(`Sequential.add: expected a Layer, got ${describe(layer)}`);
    if (this.stack.includes(layer)) throw new Error(`Sequential.add: layer '${layer.name}' is already in the model`);
    if (layer.takesList) throw new Error(`Sequential.add: '${layer.name}' (${layer.className}) takes a list of inputs; build merges with the functional API (Input, apply, new Model)`);
    if (this.input === null) {
      if (layer.declaredInputShape === null) {
        throw new Error(`Sequential.add: the first layer ('${layer.name}', ${layer.className}) needs inputShape or inputDim`);
      }
      this.input = Input({ shape: layer.declaredInputShape, name: `${layer.name}_input` });
    }
    const previous = this.stack.length === 0 ? this.input : this.outputs[0];
    // Built now (the input shape is known), from the model's streams, in the order of the stack.
    if (!layer.built) layer.build(previous.perSampleShape, this.buildRandom(this.stack.length));
    const output = layer.apply(previous);
    this.stack.push(layer);
    this.connect(this.input, output, false);
  }

  protected override inputPorts(): Ports {
    return { ...super.inputPorts(), owners: [`the first layer '${this.stack[0].name}'`] };
  }

  /** The model's output for x [n, ...inputShape]: a new Tensor [n, ...outputShape] (see `Model.predict`). */
  override predict(x: ModelData, args: PredictArgs = {}): Tensor {
    return super.predict(x, args) as Tensor;
  }

  /** Keras' Sequential topology: the layer list, the first with its `batch_input_shape`. */
  override topologyJson(): TopologyJson {
    this.requireGraph('save');
    return { class_name: 'Sequential', config: { name: this.name, layers: this.stack.map((l) => ({ class_name: l.className, config: l.getConfig() })) } };
  }
}

