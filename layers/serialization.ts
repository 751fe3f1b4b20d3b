/**
 * Loading models saved in TensorFlow.js's layers-model format (by Lamina's `model.save` or by
 * TensorFlow.js): each layer's Keras config becomes the Lamina layer of the same class, the
 * weights are checked against the layers' shapes and copied in, and a model saved compiled comes
 * back compiled. Everything is checked before the model is returned.
 */
import { Constraint, MaxNorm, NonNeg, UnitNorm } from '../lib/constraints';
import { Layer, LayerArgs } from '../lib/layer';
import { optimizerFromConfig } from '../lib/optimizers';
import { checkArtifacts, LayerJson, ModelArtifacts, readArtifacts } from '../lib/serialization';
import { Sequential } from '../lib/sequential';
import { shapeToString, Tensor } from '../lib/tensor';
import { Dense } from './dense';
import { AlphaDropout, Dropout, GaussianDropout, GaussianNoise, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D } from './dropout';
import { GRU, LSTM, RecurrentArgs, SimpleRNN } from './recurrent';
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
import { Flatten, Reshape } from './reshape';

/** Reads typed values out of one layer's config, with errors that name the layer and the key. */
export class ConfigReader {
  constructor(
    readonly className: string,
    readonly config: Record<string, unknown>,
  ) {}

  private fail(key: string, expected: string): never {
    throw new Error(`loadModel: layer '${String(this.config.name)}' (${this.className}): config.${key} should be ${expected}, got ${JSON.stringify(this.config[key])}`);
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
};

/** Only channels-last data is supported by the convolution and pooling layers. */
function channelsLast(c: ConfigReader): void {
  if (c.string('data_format', 'channels_last') !== 'channels_last') {
    throw new Error(`loadModel: layer '${String(c.config.name)}' (${c.className}) uses data_format 'channels_first'; Lamina's convolutions and pools are channels-last`);
  }
}

/** Conv1D/Conv2D arguments. */
function convArgs(c: ConfigReader): ConvArgs {
  channelsLast(c);
  const dilation = c.config.dilation_rate === undefined || c.config.dilation_rate === null ? [1] : c.numbers('dilation_rate');
  if (dilation.some((d) => d !== 1)) {
    throw new Error(`loadModel: layer '${String(c.config.name)}' (${c.className}) has a dilation rate other than 1, which Lamina does not implement`);
  }
  return {
    ...c.common(),
    strides: c.numbers('strides'),
    padding: c.string('padding', 'valid') as ConvArgs['padding'],
    activation: c.string('activation', 'linear'),
    useBias: c.boolean('use_bias', true),
    kernelConstraint: c.constraint('kernel_constraint'),
    biasConstraint: c.constraint('bias_constraint'),
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
    throw new Error(`loadModel: unknown layer class ${JSON.stringify(json?.class_name)}; Lamina loads ${Object.keys(FACTORIES).join(', ')}`);
  }
  return factory(new ConfigReader(json.class_name, json.config ?? {}));
}

/** Builds the model the artifacts describe, with their weights (and compiled, if saved compiled). */
export function modelFromArtifacts(artifacts: ModelArtifacts, source = 'artifacts'): Sequential {
  checkArtifacts(artifacts, source);
  try {
    return buildFromArtifacts(artifacts, source);
  } catch (e) {
    // A layer or optimizer rejecting a saved value says what was wrong; say where it came from.
    if (!(e instanceof Error) || e.message.startsWith('loadModel')) throw e;
    const Kind = e instanceof RangeError ? RangeError : e instanceof TypeError ? TypeError : Error;
    throw new Kind(`loadModel: ${source}: ${e.message}`);
  }
}

function buildFromArtifacts(artifacts: ModelArtifacts, source: string): Sequential {
  const meta = artifacts.userDefinedMetadata?.lamina;
  const { name, layers } = artifacts.modelTopology.config;
  const model = new Sequential({ name, seed: meta?.seed });
  let pendingInputShape: readonly number[] | undefined;
  // Layers in order; a Keras InputLayer only carries the input shape for the next layer.
  for (const json of layers) {
    if (typeof json !== 'object' || json === null) throw new Error(`loadModel: ${source}: each entry of the layer list should be { class_name, config }, got ${JSON.stringify(json)}`);
    if (json.class_name === 'InputLayer') {
      pendingInputShape = new ConfigReader('InputLayer', json.config).common().inputShape;
      continue;
    }
    if (pendingInputShape !== undefined && model.layers.length === 0) {
      json.config = { ...json.config, batch_input_shape: [null, ...pendingInputShape] };
    }
    model.add(layerFromConfig(json));
  }
  // Weights in manifest order, checked against each layer's own shapes.
  const data = new Float32Array(artifacts.weightData);
  const specs = artifacts.weightSpecs;
  const expected = model.weights.length;
  if (specs.length !== expected) {
    throw new Error(`loadModel: ${source}: the manifest lists ${specs.length} weights but the layers have ${expected}`);
  }
  let offset = 0;
  let k = 0;
  for (const layer of model.layers) {
    const values = layer.weights.map((w, i) => {
      const spec = specs[k++];
      if (spec.shape.length !== w.shape.length || spec.shape.some((d, a) => d !== w.shape[a])) {
        throw new Error(
          `loadModel: ${source}: weight '${spec.name}' has shape ${shapeToString(spec.shape)} but layer '${layer.name}' needs ${layer.weightNames[i]} of shape ${shapeToString(w.shape)}`,
        );
      }
      const t = new Tensor(data.slice(offset, offset + w.size), w.shape);
      offset += w.size;
      return t;
    });
    layer.setWeights(values);
  }
  const training = meta?.training;
  if (training !== undefined && training !== null) {
    const optimizer = (training as Partial<typeof training>).optimizer;
    if (typeof optimizer !== 'object' || optimizer === null || typeof optimizer.class_name !== 'string' || typeof optimizer.config !== 'object' || optimizer.config === null) {
      throw new Error(`loadModel: ${source}: userDefinedMetadata.lamina.training should be { loss, metrics, optimizer: { class_name, config } }, got ${JSON.stringify(training)}`);
    }
    model.compile({ loss: training.loss, metrics: training.metrics, optimizer: optimizerFromConfig(optimizer.class_name, optimizer.config) });
  }
  return model;
}

/**
 * Loads a model saved with `model.save(url)` or by TensorFlow.js (`url`: `'file://dir'`,
 * `'file://dir/model.json'` or a plain path).
 */
export async function loadModel(url: string): Promise<Sequential> {
  return modelFromArtifacts(readArtifacts(url), url);
}
