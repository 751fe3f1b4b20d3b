/**
 * Loading models saved in TensorFlow.js's layers-model format (by Lamina's `model.save` or by
 * TensorFlow.js): each layer's Keras config becomes the Lamina layer of the same class, the
 * weights are checked against the layers' shapes and copied in, and a model saved compiled comes
 * back compiled.
 *
 * Order of work, so that a hostile file costs little: lib/io/read-folder.ts reads and checks
 * model.json and measures the weight files; the layers are constructed (not built) and every
 * weight's shape is computed from their configs (`Layer.plannedWeights`) and compared with the
 * manifest; only then are the weight bytes read, checked for NaN and infinities, and the layers
 * built (their weights allocated) and filled.
 */
import { Constraint, MaxNorm, NonNeg, UnitNorm } from '../lib/constraints';
import { L1L2, Regularizer } from '../lib/regularizers';
import { ActivityRegularization } from './regularization';
import { Embedding } from './embedding';
import { BatchNormalization, LayerNormalization, NormalizationArgs } from './normalization';
import { Layer, LayerArgs } from '../lib/layer';
import { Optimizer, optimizerFromConfig } from '../lib/optimizers';
import { checkOptions, optionKeys } from '../lib/options';
import { ArtifactsHead, brief, checkArtifacts, LayerJson, ModelArtifacts, TrainingJson, WeightSpec } from '../lib/io/artifacts';
import { isBrowserUrl, loadFromBrowser } from '../lib/io/browser-storage';
import { readArtifacts } from '../lib/io/read-folder';
import { InputLayer } from '../lib/graph/input';
import { Model } from '../lib/model';
import { Sequential } from '../lib/sequential';
import { graphFromConfig } from './functional-config';
import { shapeToString, sizeOf, Tensor } from '../lib/tensor';
import { Dense } from './dense';
import { AlphaDropout, Dropout, GaussianDropout, GaussianNoise, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D } from './dropout';
import { GRU, LSTM, RecurrentArgs, RecurrentLayer, SimpleRNN } from './recurrent';
import { Conv1D, Conv2D, ConvArgs } from './conv';
import {
  AveragePooling1D,
  AveragePooling2D,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  MaxPooling1D,
  MaxPooling2D,
  PoolingArgs,
} from './pooling';
import { Flatten, RepeatVector, Reshape } from './reshape';
import { Activation } from './activation';
import { Add, Average, Concatenate, Maximum, mergeArgsFromConfig, Minimum, Multiply, Subtract } from './merge';
import { Bidirectional, BidirectionalArgs, TimeDistributed } from './wrappers';

/** A layer's name from its config, for an error message (cut short, whatever it holds). */
function layerLabel(config: Record<string, unknown>): string {
  return typeof config.name === 'string' ? config.name.slice(0, 100) : brief(config.name);
}

/** Reads typed values out of one layer's config, with errors that name the layer and the key. */
export class ConfigReader {
  constructor(
    readonly className: string,
    readonly config: Record<string, unknown>,
  ) {}

  private fail(key: string, expected: string): never {
    throw new Error(`loadModel: layer '${layerLabel(this.config)}' (${this.className}): config.${key} should be ${expected}, got ${brief(this.config[key])}`);
  }

  number(key: string): number {
    const v = this.config[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : this.fail(key, 'a number');
  }

  optionalNumber(key: string): number | undefined {
    return this.config[key] === undefined || this.config[key] === null ? undefined : this.number(key);
  }

  string(key: string, fallback?: string): string {
    const v = this.config[key];
    if ((v === undefined || v === null) && fallback !== undefined) return fallback;
    return typeof v === 'string' ? v : this.fail(key, 'a string');
  }

  boolean(key: string, fallback: boolean): boolean {
    const v = this.config[key];
    if (v === undefined || v === null) return fallback;
    return typeof v === 'boolean' ? v : this.fail(key, 'true or false');
  }

  /** A number or a list of numbers (kernel sizes, strides): always a list. */
  numbers(key: string): number[] {
    const v = this.config[key];
    if (typeof v === 'number') return [v];
    return Array.isArray(v) && v.every((d) => typeof d === 'number') ? (v as number[]) : this.fail(key, 'a number or a list of numbers');
  }

  /** A noise shape (numbers and nulls) or undefined. */
  noiseShape(key: string): (number | null)[] | undefined {
    const v = this.config[key];
    if (v === undefined || v === null) return undefined;
    return Array.isArray(v) && v.every((d) => d === null || typeof d === 'number') ? (v as (number | null)[]) : this.fail(key, 'a list of numbers and nulls');
  }

  /** name, trainable and the input shape (from batch_input_shape or batch_shape), as every layer takes them. */
  common(): LayerArgs {
    const batchShape = (this.config.batch_input_shape ?? this.config.batch_shape) as unknown;
    let inputShape: number[] | undefined;
    if (batchShape !== undefined && batchShape !== null) {
      if (!Array.isArray(batchShape) || batchShape.length < 2 || !batchShape.slice(1).every((d) => Number.isInteger(d) && d > 0)) this.fail('batch_input_shape', '[null, d1, d2, ...]');
      inputShape = (batchShape as number[]).slice(1);
    }
    return { name: this.string('name'), trainable: this.boolean('trainable', true), inputShape };
  }

  /** A weight penalty: TF.js's `L1L2` ({ l1, l2 }), or Keras 3's `L1`, `L2`, `L1L2`; null: none. */
  regularizer(key: string): Regularizer | undefined {
    const v = this.config[key] as { class_name?: string; config?: Record<string, unknown> } | null | undefined;
    if (v === undefined || v === null) return undefined;
    const c = v.config ?? {};
    const factor = (name: string): number => {
      const f = c[name] ?? 0;
      return typeof f === 'number' ? f : this.fail(key, `an L1L2 regularizer whose ${name} is a number`);
    };
    switch (v.class_name) {
      case 'L1L2':
        return new L1L2({ l1: factor('l1'), l2: factor('l2') });
      case 'L1':
        return new L1L2({ l1: factor('l1') });
      case 'L2':
        return new L1L2({ l2: factor('l2') });
      default:
        return this.fail(key, 'an L1L2, L1 or L2 regularizer');
    }
  }

  /** A constraint config ({ class_name, config }) or undefined. */
  constraint(key: string): Constraint | undefined {
    const v = this.config[key] as { class_name?: string; config?: Record<string, unknown> } | null | undefined;
    if (v === undefined || v === null) return undefined;
    const c = v.config ?? {};
    const axis = (c.axis ?? 0) as number | number[];
    switch (v.class_name) {
      case 'MaxNorm':
        return new MaxNorm(Number(c.max_value ?? c.maxValue ?? 2), { axis });
      case 'UnitNorm':
        return new UnitNorm({ axis });
      case 'NonNeg':
        return new NonNeg();
      default:
        return this.fail(key, 'a MaxNorm, UnitNorm or NonNeg constraint');
    }
  }
}

/** Builds one Lamina layer from a Keras config; `add` more classes with `registerLayerClass`. */
type LayerFactory = (c: ConfigReader) => Layer;

const FACTORIES: Record<string, LayerFactory> = {
  Dense: (c) =>
    new Dense(c.number('units'), {
      ...c.common(),
      activation: c.string('activation', 'linear'),
      useBias: c.boolean('use_bias', true),
      kernelConstraint: c.constraint('kernel_constraint'),
      biasConstraint: c.constraint('bias_constraint'),
      kernelRegularizer: c.regularizer('kernel_regularizer'),
      biasRegularizer: c.regularizer('bias_regularizer'),
      activityRegularizer: c.regularizer('activity_regularizer'),
    }),
  Dropout: (c) => new Dropout(c.number('rate'), { ...c.common(), noiseShape: c.noiseShape('noise_shape'), seed: c.optionalNumber('seed') }),
  SpatialDropout1D: (c) => new SpatialDropout1D(c.number('rate'), { ...c.common(), seed: c.optionalNumber('seed') }),
  SpatialDropout2D: (c) => new SpatialDropout2D(c.number('rate'), { ...c.common(), seed: c.optionalNumber('seed'), dataFormat: dataFormat(c) }),
  SpatialDropout3D: (c) => new SpatialDropout3D(c.number('rate'), { ...c.common(), seed: c.optionalNumber('seed'), dataFormat: dataFormat(c) }),
  GaussianDropout: (c) => new GaussianDropout(c.number('rate'), { ...c.common(), seed: c.optionalNumber('seed') }),
  GaussianNoise: (c) => new GaussianNoise(c.number('stddev'), { ...c.common(), seed: c.optionalNumber('seed') }),
  AlphaDropout: (c) => new AlphaDropout(c.number('rate'), { ...c.common(), noiseShape: c.noiseShape('noise_shape'), seed: c.optionalNumber('seed') }),
  Conv2D: (c) => new Conv2D(c.number('filters'), c.numbers('kernel_size') as [number, number], convArgs(c)),
  Conv1D: (c) => new Conv1D(c.number('filters'), c.numbers('kernel_size') as [number], convArgs(c)),
  MaxPooling2D: (c) => new MaxPooling2D(poolArgs(c)),
  AveragePooling2D: (c) => new AveragePooling2D(poolArgs(c)),
  MaxPooling1D: (c) => new MaxPooling1D(poolArgs(c)),
  AveragePooling1D: (c) => new AveragePooling1D(poolArgs(c)),
  GlobalAveragePooling2D: (c) => (channelsLast(c), new GlobalAveragePooling2D(c.common())),
  GlobalMaxPooling2D: (c) => (channelsLast(c), new GlobalMaxPooling2D(c.common())),
  GlobalAveragePooling1D: (c) => (channelsLast(c), new GlobalAveragePooling1D(c.common())),
  GlobalMaxPooling1D: (c) => (channelsLast(c), new GlobalMaxPooling1D(c.common())),
  Flatten: (c) => new Flatten(c.common()),
  Reshape: (c) => new Reshape(c.numbers('target_shape'), c.common()),
  SimpleRNN: (c) => new SimpleRNN(c.number('units'), recurrentArgs(c)),
  LSTM: (c) => new LSTM(c.number('units'), { ...recurrentArgs(c), unitForgetBias: c.boolean('unit_forget_bias', true) }),
  // A config without reset_after means false, what every saver that omits it meant: TF.js implements
  // only that variant (its GRUCell throws on resetAfter true; 4.x writes reset_after: false, older
  // versions may write nothing), and Keras versions older than the argument had only that variant.
  // Keras 2 since then, Keras 3 and Lamina always write reset_after.
  GRU: (c) => new GRU(c.number('units'), { ...recurrentArgs(c), resetAfter: c.boolean('reset_after', false) }),
  Activation: (c) => new Activation(c.string('activation'), c.common()),
  ActivityRegularization: (c) => new ActivityRegularization({ ...c.common(), l1: c.optionalNumber('l1') ?? 0, l2: c.optionalNumber('l2') ?? 0 }),
  BatchNormalization: (c) =>
    new BatchNormalization({
      ...c.common(),
      ...normalizationArgs(c),
      momentum: c.optionalNumber('momentum'),
    }),
  LayerNormalization: (c) => new LayerNormalization({ ...c.common(), ...normalizationArgs(c) }),
  Embedding: (c) =>
    new Embedding(c.number('input_dim'), c.number('output_dim'), {
      ...c.common(),
      embeddingsRegularizer: c.regularizer('embeddings_regularizer'),
      activityRegularizer: c.regularizer('activity_regularizer'),
      embeddingsConstraint: c.constraint('embeddings_constraint'),
      maskZero: c.boolean('mask_zero', false),
      inputLength: c.optionalNumber('input_length'),
    }),
  RepeatVector: (c) => new RepeatVector(c.number('n'), c.common()),
  Add: (c) => new Add(mergeArgsFromConfig(c)),
  Subtract: (c) => new Subtract(mergeArgsFromConfig(c)),
  Multiply: (c) => new Multiply(mergeArgsFromConfig(c)),
  Average: (c) => new Average(mergeArgsFromConfig(c)),
  Maximum: (c) => new Maximum(mergeArgsFromConfig(c)),
  Minimum: (c) => new Minimum(mergeArgsFromConfig(c)),
  Concatenate: (c) => new Concatenate({ ...mergeArgsFromConfig(c), axis: c.optionalNumber('axis') }),
  // The wrappers' inner layer is a nested { class_name, config }, built by layerFromConfig.
  TimeDistributed: (c) => new TimeDistributed({ ...c.common(), layer: layerFromConfig(c.config.layer as LayerJson) }),
  Bidirectional: (c) =>
    new Bidirectional({
      ...c.common(),
      layer: layerFromConfig(c.config.layer as LayerJson) as RecurrentLayer,
      mergeMode: (c.config.merge_mode === null ? null : c.string('merge_mode', 'concat')) as BidirectionalArgs['mergeMode'],
    }),
};

/** Only channels-last data is supported by the convolution and pooling layers. */
function channelsLast(c: ConfigReader): void {
  if (c.string('data_format', 'channels_last') !== 'channels_last') {
    throw new Error(`loadModel: layer '${layerLabel(c.config)}' (${c.className}) uses data_format 'channels_first'; Lamina's convolutions and pools are channels-last`);
  }
}

/** Conv1D/Conv2D arguments. */
function convArgs(c: ConfigReader): ConvArgs {
  channelsLast(c);
  const dilation = c.config.dilation_rate === undefined || c.config.dilation_rate === null ? [1] : c.numbers('dilation_rate');
  if (dilation.some((d) => d !== 1)) {
    throw new Error(`loadModel: layer '${layerLabel(c.config)}' (${c.className}) has a dilation rate other than 1, which Lamina does not implement`);
  }
  return {
    ...c.common(),
    strides: c.numbers('strides'),
    padding: c.string('padding', 'valid') as ConvArgs['padding'],
    activation: c.string('activation', 'linear'),
    useBias: c.boolean('use_bias', true),
    kernelConstraint: c.constraint('kernel_constraint'),
    biasConstraint: c.constraint('bias_constraint'),
    kernelRegularizer: c.regularizer('kernel_regularizer'),
    biasRegularizer: c.regularizer('bias_regularizer'),
    activityRegularizer: c.regularizer('activity_regularizer'),
  };
}

/** Pooling arguments. */
function poolArgs(c: ConfigReader): PoolingArgs {
  channelsLast(c);
  return { ...c.common(), poolSize: c.numbers('pool_size'), strides: c.config.strides === null || c.config.strides === undefined ? undefined : c.numbers('strides'), padding: c.string('padding', 'valid') as PoolingArgs['padding'] };
}

/** The arguments the three recurrent layers share. */
function recurrentArgs(c: ConfigReader): RecurrentArgs {
  return {
    ...c.common(),
    activation: c.string('activation', 'tanh'),
    recurrentActivation: c.string('recurrent_activation', 'sigmoid'),
    useBias: c.boolean('use_bias', true),
    dropout: c.optionalNumber('dropout'),
    recurrentDropout: c.optionalNumber('recurrent_dropout'),
    returnSequences: c.boolean('return_sequences', false),
    returnState: c.boolean('return_state', false),
    goBackwards: c.boolean('go_backwards', false),
    kernelConstraint: c.constraint('kernel_constraint'),
    recurrentConstraint: c.constraint('recurrent_constraint'),
    biasConstraint: c.constraint('bias_constraint'),
    kernelRegularizer: c.regularizer('kernel_regularizer'),
    recurrentRegularizer: c.regularizer('recurrent_regularizer'),
    biasRegularizer: c.regularizer('bias_regularizer'),
    activityRegularizer: c.regularizer('activity_regularizer'),
  };
}

/** The arguments both normalizations share; the axis must be the last (-1, or [-1]). */
function normalizationArgs(c: ConfigReader): NormalizationArgs {
  const axis = c.config.axis;
  const last = axis === undefined || axis === null || axis === -1 || (Array.isArray(axis) && axis.length === 1 && axis[0] === -1);
  if (!last) {
    throw new Error(`loadModel: layer '${layerLabel(c.config)}' (${c.className}) normalizes axis ${brief(axis)}; Lamina implements the last axis (-1) only`);
  }
  return {
    epsilon: c.optionalNumber('epsilon'),
    center: c.boolean('center', true),
    scale: c.boolean('scale', true),
    gammaRegularizer: c.regularizer('gamma_regularizer'),
    betaRegularizer: c.regularizer('beta_regularizer'),
  };
}

function dataFormat(c: ConfigReader): 'channelsFirst' | 'channelsLast' {
  return c.string('data_format', 'channels_last') === 'channels_first' ? 'channelsFirst' : 'channelsLast';
}

/** Teaches `loadModel` another layer class (by its Keras class name). */
export function registerLayerClass(className: string, factory: LayerFactory): void {
  FACTORIES[className] = factory;
}

/** A Lamina layer from one entry of model.json's layer list. */
export function layerFromConfig(json: LayerJson): Layer {
  const className = json?.class_name;
  const factory = typeof className === 'string' && Object.prototype.hasOwnProperty.call(FACTORIES, className) ? FACTORIES[className] : undefined;
  if (factory === undefined) {
    throw new Error(`loadModel: unknown layer class ${brief(json?.class_name)}; Lamina loads ${Object.keys(FACTORIES).join(', ')}`);
  }
  const config = json.config ?? {};
  if (typeof config !== 'object' || Array.isArray(config)) throw new Error(`loadModel: layer of class ${className}: config should be an object, got ${brief(config)}`);
  return factory(new ConfigReader(json.class_name, config));
}

/** Options of `loadModel` and `modelFromArtifacts`. */
export interface LoadModelOptions {
  /**
   * Accept weights that hold NaN or an infinity (default false: such a weight is an Error that
   * names it, since a model with them predicts NaN).
   */
  allowNonFinite?: boolean;
}

const LOAD_MODEL_KEYS = optionKeys<LoadModelOptions>({ allowNonFinite: true });

function checkLoadOptions(options: LoadModelOptions | undefined): LoadModelOptions {
  const opts = checkOptions('loadModel', options, LOAD_MODEL_KEYS);
  if (opts.allowNonFinite !== undefined && typeof opts.allowNonFinite !== 'boolean') {
    throw new TypeError(`loadModel: allowNonFinite must be true or false, got ${brief(opts.allowNonFinite)}`);
  }
  return opts;
}

/** A model to build: its layers (constructed, not built), checked against the manifest. */
interface ModelPlan {
  /** The layers with weights, in the manifest's order. */
  layers: Layer[];
  /** Builds the model from those layers (this allocates their weights). */
  build: () => Model;
  training: { loss: string | string[]; metrics: string[] | string[][]; lossWeights?: number[]; optimizer: Optimizer } | null;
}

/** Rethrows a layer's or optimizer's own error with the source in front (errors of ours pass as they are). */
function withSource<T>(source: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof Error) || e.message.startsWith('loadModel')) throw e;
    const Kind = e instanceof RangeError ? RangeError : e instanceof TypeError ? TypeError : Error;
    throw new Kind(`loadModel: ${source}: ${e.message}`);
  }
}

/**
 * The layers of the topology, constructed but not built, with every weight's shape computed from
 * the configs (`Layer.plannedWeights`, the shapes `build` would create) and compared with the
 * manifest: nothing is allocated, so a config asking for gigabytes fails here, cheaply.
 */
function planModel(head: ArtifactsHead, source: string): ModelPlan {
  const meta = head.userDefinedMetadata?.lamina;
  const topology = head.modelTopology;
  const name = topology.config.name ?? undefined;
  const planned = topology.class_name === 'Sequential' ? planChain(topology.config.layers, source) : planGraph(topology.config as unknown as Record<string, unknown>, source);
  const specs = head.weightSpecs;
  if (specs.length !== planned.weights.length) {
    throw new Error(`loadModel: ${source}: the manifest lists ${specs.length} weights but the layers have ${planned.weights.length}`);
  }
  planned.weights.forEach((w, k) => {
    const spec = specs[k];
    if (spec.shape.length !== w.shape.length || spec.shape.some((d, a) => d !== w.shape[a])) {
      throw new Error(`loadModel: ${source}: weight '${spec.name}' has shape ${shapeToString(spec.shape)} but layer '${w.layer.name}' needs ${w.name} of shape ${shapeToString(w.shape)}`);
    }
  });
  return { layers: planned.layers, build: () => planned.build(name, meta?.seed), training: planTraining(meta?.training, source) };
}

/** Every weight's name and shape, in order, and how to build the model. */
interface PlannedWeights {
  layers: Layer[];
  weights: { layer: Layer; name: string; shape: number[] }[];
  build: (name: string | undefined, seed: string | undefined) => Model;
}

/** A functional model: the graph rebuilt from its configs (shapes only), each layer's weights from its first node's input shapes. */
function planGraph(config: Record<string, unknown>, source: string): PlannedWeights {
  const graph = graphFromConfig(config, source, layerFromConfig);
  const layers = graph.layers.filter((l) => !(l instanceof InputLayer));
  const weights: PlannedWeights['weights'] = [];
  for (const layer of layers) {
    const node = layer.inboundNodes[0];
    if (node === undefined) throw new Error(`loadModel: ${source}: layer '${layer.name}' is not connected to anything`);
    const shapes = node.inputs.map((t) => t.perSampleShape);
    for (const w of layer.plannedWeights(layer.takesList ? shapes : shapes[0])) weights.push({ layer, ...w });
  }
  return { layers, weights, build: (name, seed) => new Model({ inputs: graph.inputs, outputs: graph.outputs, name, seed }) };
}

/** A Sequential: its layers in order, every weight's shape from the input shape the first layer declares. */
function planChain(layerList: readonly LayerJson[], source: string): PlannedWeights {
  const layers: Layer[] = [];
  let pendingInputShape: readonly number[] | undefined;
  // Layers in order; a Keras InputLayer only carries the input shape for the next layer.
  for (const json of layerList) {
    if (typeof json !== 'object' || json === null) throw new Error(`loadModel: ${source}: each entry of the layer list should be { class_name, config }, got ${brief(json)}`);
    if (json.class_name === 'InputLayer') {
      pendingInputShape = new ConfigReader('InputLayer', json.config ?? {}).common().inputShape;
      continue;
    }
    const entry = pendingInputShape !== undefined && layers.length === 0 ? { ...json, config: { ...json.config, batch_input_shape: [null, ...pendingInputShape] } } : json;
    layers.push(layerFromConfig(entry));
  }
  if (layers.length === 0) throw new Error(`loadModel: ${source}: the model has no layer besides its InputLayer`);
  // Every weight's shape, layer by layer, from the input shape the first layer declares.
  let shape = layers[0].declaredInputShape;
  if (shape === null) throw new Error(`loadModel: ${source}: the first layer ('${layers[0].name}') has no batch_input_shape, so its weights' shapes are unknown`);
  const weights: PlannedWeights['weights'] = [];
  for (const layer of layers) {
    const input: readonly number[] = shape;
    const output = layer.computeOutputShape(input);
    for (const w of layer.plannedWeights(input)) weights.push({ layer, ...w });
    shape = output;
  }
  const build = (name: string | undefined, seed: string | undefined): Model => {
    const model = new Sequential({ name, seed });
    for (const layer of layers) model.add(layer);
    return model;
  };
  return { layers, weights, build };
}

/** The saved compile arguments (loss, metrics, optimizer), checked, or null if saved uncompiled. */
function planTraining(training: TrainingJson | null | undefined, source: string): ModelPlan['training'] {
  if (training === undefined || training === null) return null;
  const optimizer = (training as Partial<TrainingJson>).optimizer;
  if (typeof optimizer !== 'object' || optimizer === null || typeof optimizer.class_name !== 'string' || typeof optimizer.config !== 'object' || optimizer.config === null) {
    throw new Error(`loadModel: ${source}: userDefinedMetadata.lamina.training should be { loss, metrics, optimizer: { class_name, config } }, got ${brief(training)}`);
  }
  const lossWeights = training.loss_weights === undefined ? {} : { lossWeights: training.loss_weights };
  return { loss: training.loss, metrics: training.metrics, ...lossWeights, optimizer: optimizerFromConfig(optimizer.class_name, optimizer.config) };
}

/** Throws an Error naming the first weight that holds NaN or an infinity. */
function checkFinite(specs: readonly WeightSpec[], data: Float32Array, source: string): void {
  let offset = 0;
  for (const spec of specs) {
    const size = sizeOf(spec.shape);
    // Scan this weight's values.
    for (let i = 0; i < size; i++) {
      const v = data[offset + i];
      if (!Number.isFinite(v)) {
        throw new Error(`loadModel: ${source}: weight '${spec.name}' holds ${v} at index ${i} (shape ${shapeToString(spec.shape)}); pass { allowNonFinite: true } to load it anyway`);
      }
    }
    offset += size;
  }
}

/** Builds the planned model, copies the weights in, and compiles it if it was saved compiled. */
function buildModel(plan: ModelPlan, artifacts: ModelArtifacts, source: string, opts: LoadModelOptions): Model {
  const data = new Float32Array(artifacts.weightData);
  if (opts.allowNonFinite !== true) checkFinite(artifacts.weightSpecs, data, source);
  const model = plan.build();
  let offset = 0;
  // Each layer's weights (built with the shapes checked in the plan), in the manifest's order.
  for (const layer of plan.layers) {
    layer.setWeights(
      layer.weights.map((w) => {
        const t = new Tensor(data.slice(offset, offset + w.size), w.shape);
        offset += w.size;
        return t;
      }),
    );
  }
  if (plan.training !== null) model.compile(plan.training);
  return model;
}

/**
 * Builds the model the artifacts describe (from files, or from TensorFlow.js through an
 * IOHandler), with their weights, compiled if it was saved compiled. Everything is checked first:
 * the artifacts' form, every weight's shape against the layers (before any layer allocates), and
 * the values (NaN or an infinity is an Error unless `options.allowNonFinite`).
 */
export function modelFromArtifacts(artifacts: ModelArtifacts, source = 'artifacts', options?: LoadModelOptions): Model {
  const opts = checkLoadOptions(options);
  checkArtifacts(artifacts, source);
  return withSource(source, () => buildModel(planModel(artifacts, source), artifacts, source, opts));
}

/**
 * Loads a model saved with `model.save(url)` or by TensorFlow.js (`url`: `'file://dir'`,
 * `'file://dir/model.json'` or a plain path in Node.js; `'localstorage://name'`,
 * `'indexeddb://name'` or `'http(s)://.../model.json'` in a browser, lib/io/browser-storage.ts).
 *
 * The folder is untrusted (see lib/io/read-folder.ts for every rule): model.json at most 64 MiB
 * and 100 levels deep; weights paths plain file names in the folder, regular files, each once;
 * the manifest's shapes must match the layers' and the files' sizes before a byte of weights is
 * read or a layer allocates; the reads are asynchronous. Weights holding NaN or an infinity are an
 * Error naming the weight unless `options.allowNonFinite` is true.
 */
export async function loadModel(url: string, options?: LoadModelOptions): Promise<Model> {
  const opts = checkLoadOptions(options);
  if (isBrowserUrl(url)) return modelFromArtifacts(await loadFromBrowser(url), url, opts);
  let plan: ModelPlan | null = null;
  const artifacts = await readArtifacts(url, (head) => {
    plan = withSource(url, () => planModel(head, url));
  });
  const checked = plan as ModelPlan | null;
  if (checked === null) throw new Error(`loadModel: ${url}: the model was read without being checked`);
  return withSource(url, () => buildModel(checked, artifacts, url, opts));
}
