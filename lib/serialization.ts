/**
 * Saving models in TensorFlow.js's layers-model format: a folder with `model.json` (the topology,
 * each layer's Keras config, and a manifest of the weights) and `weights.bin` (every weight as
 * little-endian float32, in manifest order). A model saved here loads in `tf.loadLayersModel`, and
 * one saved by TensorFlow.js loads with `loadModel` (layers/serialization.ts builds the layers).
 *
 * Writes are atomic: each file goes to a temporary file that is renamed over the target, weights
 * first. Reads check everything before a model is built: a truncated or corrupt file gets an Error
 * that names the file and what is wrong, never a half-loaded model.
 */
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from './atomic-write';
import { Layer } from './layer';

/** One entry of the weights manifest. */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
}

/** What a layers-model is made of (TensorFlow.js's `ModelArtifacts`, the parts Lamina uses). */
export interface ModelArtifacts {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  modelTopology: { class_name: 'Sequential'; config: { name: string; layers: LayerJson[] }; keras_version: string; backend: string };
  weightSpecs: WeightSpec[];
  /** The weights, concatenated in `weightSpecs` order. */
  weightData: ArrayBuffer;
  /** Lamina's own extras (ignored by TensorFlow.js): the seed, and how the model was compiled. */
  userDefinedMetadata?: { lamina?: { seed?: string; training?: TrainingJson | null } };
}

/** A layer in model.json. */
export interface LayerJson {
  class_name: string;
  config: Record<string, unknown>;
}

/** How a model was compiled: loss, metric names, optimizer class and config. */
export interface TrainingJson {
  loss: string;
  metrics: string[];
  optimizer: { class_name: string; config: Record<string, number | boolean> };
}

/** What a model must offer to be saved. */
export interface SaveableModel {
  readonly name: string;
  readonly seed: string;
  readonly layers: readonly Layer[];
  trainingConfig(): TrainingJson | null;
}

export const GENERATED_BY = 'Lamina 0.1.0';

/** The model's topology, weight manifest and weight bytes. */
export function modelToArtifacts(model: SaveableModel): ModelArtifacts {
  const weightSpecs: WeightSpec[] = [];
  const arrays: Float32Array[] = [];
  // Every weight of every layer, named `<layer>/<weight>` as Keras names them.
  for (const layer of model.layers) {
    layer.weights.forEach((w, i) => {
      weightSpecs.push({ name: `${layer.name}/${layer.weightNames[i]}`, shape: w.shape.slice(), dtype: 'float32' });
      arrays.push(w.data);
    });
  }
  const total = arrays.reduce((n, a) => n + a.length, 0);
  const data = new Float32Array(total);
  let offset = 0;
  for (const a of arrays) {
    data.set(a, offset);
    offset += a.length;
  }
  return {
    format: 'layers-model',
    generatedBy: GENERATED_BY,
    convertedBy: null,
    modelTopology: {
      class_name: 'Sequential',
      config: { name: model.name, layers: model.layers.map((l) => ({ class_name: l.className, config: l.getConfig() })) },
      keras_version: 'tfjs-layers 4.22.0',
      backend: 'tensor_flow.js',
    },
    weightSpecs,
    weightData: data.buffer,
    userDefinedMetadata: { lamina: { seed: model.seed, training: model.trainingConfig() } },
  };
}

/** `file://dir`, `file://dir/model.json` or a plain path -> the folder. */
export function folderOf(url: string, where: string): string {
  if (typeof url !== 'string' || url.length === 0) throw new TypeError(`${where}: expected a path or 'file://path', got ${String(url)}`);
  const p = url.startsWith('file://') ? url.slice('file://'.length) : url;
  if (/^[a-z]+:\/\//i.test(p)) throw new Error(`${where}: only file:// paths are supported here, got '${url}'`);
  return p.endsWith('model.json') ? path.dirname(p) : p;
}

/** Writes `model.json` and `weights.bin` into the folder `url` (created if needed), each atomically. */
export function saveArtifacts(url: string, artifacts: ModelArtifacts): { modelJson: string; weightsBin: string; bytes: number } {
  const dir = folderOf(url, 'save');
  const weightsBin = path.join(dir, 'weights.bin');
  const modelJson = path.join(dir, 'model.json');
  const { weightSpecs, weightData, ...rest } = artifacts;
  const json = { ...rest, weightsManifest: [{ paths: ['weights.bin'], weights: weightSpecs }] };
  writeFileAtomic(weightsBin, new Uint8Array(weightData));
  writeFileAtomic(modelJson, JSON.stringify(json, null, 1));
  return { modelJson, weightsBin, bytes: weightData.byteLength };
}

/** Reads and checks a saved model's files (the folder `url`), without building anything. */
export function readArtifacts(url: string): ModelArtifacts {
  const dir = folderOf(url, 'loadModel');
  const modelJson = path.join(dir, 'model.json');
  let text: string;
  try {
    text = fs.readFileSync(modelJson, 'utf8');
  } catch (e) {
    throw new Error(`loadModel: cannot read ${modelJson}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`loadModel: ${modelJson} is not valid JSON (truncated or corrupt?): ${(e as Error).message}`);
  }
  const manifest = (json as { weightsManifest?: unknown }).weightsManifest;
  if (!Array.isArray(manifest)) throw new Error(`loadModel: ${modelJson} has no weightsManifest array`);
  const specs: WeightSpec[] = [];
  const buffers: Buffer[] = [];
  // Each manifest group names its files; their bytes concatenate in order.
  for (const group of manifest as Array<{ paths?: unknown; weights?: unknown }>) {
    if (!Array.isArray(group.paths) || !Array.isArray(group.weights)) throw new Error(`loadModel: ${modelJson}: a weightsManifest entry lacks paths or weights`);
    for (const p of group.paths) {
      const file = path.join(dir, String(p));
      try {
        buffers.push(fs.readFileSync(file));
      } catch (e) {
        throw new Error(`loadModel: cannot read the weights file ${file}: ${(e as Error).message}`);
      }
    }
    specs.push(...(group.weights as WeightSpec[]));
  }
  const bytes = Buffer.concat(buffers);
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return checkArtifacts({ ...(json as object), weightSpecs: specs, weightData } as ModelArtifacts, modelJson);
}

/**
 * Checks artifacts from any source (files, or TensorFlow.js through an IOHandler): the topology
 * is a Sequential with layers, every weight spec is float32 with a valid shape, and the weight
 * bytes are exactly what the specs need.
 */
export function checkArtifacts(artifacts: ModelArtifacts, source: string): ModelArtifacts {
  const topology = artifacts.modelTopology as ModelArtifacts['modelTopology'] | undefined;
  const topologyClass = topology?.class_name;
  if (topologyClass !== 'Sequential') {
    throw new Error(`loadModel: ${source}: only Sequential models can be loaded, got modelTopology.class_name ${JSON.stringify(topologyClass)}`);
  }
  const layers = topology?.config?.layers;
  if (!Array.isArray(layers) || layers.length === 0) throw new Error(`loadModel: ${source}: the Sequential model lists no layers`);
  let needed = 0;
  for (const spec of artifacts.weightSpecs) {
    if (typeof spec?.name !== 'string' || !Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new Error(`loadModel: ${source}: a weight spec is malformed: ${JSON.stringify(spec)}`);
    }
    if (spec.dtype !== 'float32') throw new Error(`loadModel: ${source}: weight '${spec.name}' has dtype ${spec.dtype}; only float32 is supported`);
    needed += 4 * spec.shape.reduce((a, b) => a * b, 1);
  }
  if (artifacts.weightData.byteLength !== needed) {
    throw new Error(
      `loadModel: ${source}: the weights hold ${artifacts.weightData.byteLength} bytes but the manifest needs ${needed} (a truncated weights.bin, or one from another model?)`,
    );
  }
  return artifacts;
}
