/**
 * TensorFlow.js's layers-model format, in memory: `ModelArtifacts` (the topology, each layer's
 * Keras config, the weight specs and the weight bytes), built from a model (`modelToArtifacts`)
 * and checked for form before anything is built from them (`checkArtifacts`, `parseManifest`,
 * `checkWeightSpecs`), whatever they came from: files (read-folder.ts), TensorFlow.js through an
 * IOHandler, or memory. Nothing here touches the file system.
 */
import { Layer } from '../layer';

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
  modelTopology: TopologyJson & { keras_version: string; backend: string };
  weightSpecs: WeightSpec[];
  /** The weights, concatenated in `weightSpecs` order. */
  weightData: ArrayBuffer;
  /** Lamina's own extras (ignored by TensorFlow.js): the seed, and how the model was compiled. */
  userDefinedMetadata?: { lamina?: { seed?: string; training?: TrainingJson | null } };
}

/** Everything of the artifacts but the weight bytes: what is checked before they are read. */
export type ArtifactsHead = Omit<ModelArtifacts, 'weightData'>;

/** A layer in model.json. */
export interface LayerJson {
  class_name: string;
  config: Record<string, unknown>;
}

/** How a model was compiled: loss(es), metric names, loss weights, optimizer class and config. */
export interface TrainingJson {
  /** One loss, or one per output (in output order). */
  loss: string | string[];
  /** Metric names, or one list per output. */
  metrics: string[] | string[][];
  /** Each output's loss weight (several outputs). */
  loss_weights?: number[];
  optimizer: { class_name: string; config: Record<string, number | boolean> };
}

/** A layer of a functional model in model.json: its config and the nodes it is applied in. */
export interface FunctionalLayerJson extends LayerJson {
  name: string;
  /** Per node: the tensors it reads, `[layerName, nodeIndex, tensorIndex, kwargs]` each. */
  inbound_nodes: [string, number, number, Record<string, unknown>][][];
}

/** The topology part of model.json: a Sequential's layer list, or a functional model's graph. */
export type TopologyJson =
  | { class_name: 'Sequential'; config: { name: string; layers: LayerJson[] } }
  | {
      class_name: 'Model' | 'Functional';
      config: { name: string; layers: FunctionalLayerJson[]; input_layers: [string, number, number][]; output_layers: [string, number, number][] };
    };

/** What a model must offer to be saved. */
export interface SaveableModel {
  readonly name: string;
  readonly seed: string;
  readonly layers: readonly Layer[];
  /** Its topology as model.json stores it. */
  topologyJson(): TopologyJson;
  trainingConfig(): TrainingJson | null;
}

export const GENERATED_BY = 'Lamina 0.1.0';

/** The largest model.json read (64 MiB): a larger one is an Error from its size, unread. */
export const MAX_MODEL_JSON_BYTES = 64 * 2 ** 20;

/** The deepest nesting of arrays and objects accepted in model.json (Keras configs need about 8). */
export const MAX_JSON_DEPTH = 100;

/** The most layers a loaded model may list. */
export const MAX_LAYERS = 10000;

/** The most nodes (layer applications) a loaded functional model may list. */
export const MAX_NODES = 100000;

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
    modelTopology: { ...model.topologyJson(), keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' },
    weightSpecs,
    weightData: data.buffer,
    userDefinedMetadata: { lamina: { seed: model.seed, training: model.trainingConfig() } },
  };
}

/** A value for an error message: its JSON, cut to 120 characters. */
export function brief(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Throws unless the JSON bytes nest at most `max` arrays/objects deep: one linear pass, no recursion. */
export function checkJsonDepth(bytes: Uint8Array, max: number, where: string): void {
  let depth = 0;
  let inString = false;
  // Byte by byte: skip strings (and their escapes), count brackets outside them. The bytes
  // looked at are ASCII, which never occurs inside a multi-byte UTF-8 sequence.
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === 0x5c) i++;
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x5b || b === 0x7b) {
      if (++depth > max) throw new Error(`${where} nests deeper than ${max} levels of arrays and objects (MAX_JSON_DEPTH); a layers-model needs about 8`);
    } else if (b === 0x5d || b === 0x7d) depth--;
  }
}

/** Throws unless `p` is a plain file name (see the file comment); returns it. */
export function checkWeightPath(path: unknown, source: string): string {
  if (typeof path !== 'string') throw new Error(`loadModel: ${source}: each entry of weightsManifest[].paths should be a file name (a string), got ${brief(path)}`);
  // './name' (as TensorFlow.js's downloads:// writes it) is the plain name 'name'
  const p = path.startsWith('./') ? path.slice(2) : path;
  if (p === '' || p === '.' || p === '..' || /[/\\\0]/.test(p) || /^[A-Za-z]:/.test(p)) {
    throw new Error(`loadModel: ${source}: the weights path '${p.slice(0, 200)}' is not a plain file name inside the model's folder (no '..', no absolute path, no '/' or '\\')`);
  }
  return p;
}

/** The plain file names a model.json's manifest lists (entries that are not are left out). */
export function manifestFileNames(json: Record<string, unknown>): string[] {
  const manifest = json.weightsManifest;
  const names: string[] = [];
  if (!Array.isArray(manifest)) return names;
  // Each group's paths.
  for (const group of manifest) {
    const paths = typeof group === 'object' && group !== null ? (group as { paths?: unknown }).paths : undefined;
    if (!Array.isArray(paths)) continue;
    for (const p of paths) {
      try {
        names.push(checkWeightPath(p, ''));
      } catch {
        // not one of ours to touch
      }
    }
  }
  return names;
}

/**
 * The weight specs and file names of model.json's manifest, checked for form: groups with
 * `paths` (plain file names, none twice) and `weights` (specs checked by `checkWeightSpecs`).
 */
export function parseManifest(json: Record<string, unknown>, source: string): { specs: WeightSpec[]; paths: string[] } {
  const manifest = json.weightsManifest;
  if (!Array.isArray(manifest)) throw new Error(`loadModel: ${source}: model.json has no weightsManifest array`);
  const specs: WeightSpec[] = [];
  const paths: string[] = [];
  const seen = new Set<string>();
  // Each manifest group names its files; their bytes concatenate in order.
  for (const group of manifest as unknown[]) {
    const g = (typeof group === 'object' && group !== null ? group : {}) as { paths?: unknown; weights?: unknown };
    if (!Array.isArray(g.paths) || !Array.isArray(g.weights)) throw new Error(`loadModel: ${source}: a weightsManifest entry lacks paths or weights: ${brief(group)}`);
    for (const p of g.paths) {
      const name = checkWeightPath(p, source);
      if (seen.has(name)) throw new Error(`loadModel: ${source}: the weights path '${name}' appears twice in weightsManifest`);
      seen.add(name);
      paths.push(name);
    }
    specs.push(...(g.weights as WeightSpec[]));
  }
  return { specs, paths };
}

/** Throws unless every spec is a float32 weight with a valid shape; returns the bytes they need. */
export function checkWeightSpecs(specs: readonly WeightSpec[], source: string): number {
  let needed = 0;
  for (const spec of specs) {
    if (typeof spec !== 'object' || spec === null || typeof spec.name !== 'string' || !Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new Error(`loadModel: ${source}: a weight spec is malformed: ${brief(spec)}`);
    }
    if (spec.dtype !== 'float32') throw new Error(`loadModel: ${source}: weight '${spec.name}' has dtype ${brief(spec.dtype)}; only float32 is supported`);
    if ((spec as { quantization?: unknown }).quantization !== undefined) throw new Error(`loadModel: ${source}: weight '${spec.name}' is quantized; only plain float32 weights are supported`);
    needed += 4 * spec.shape.reduce((a, b) => a * b, 1);
  }
  if (!Number.isSafeInteger(needed)) throw new Error(`loadModel: ${source}: the manifest's weights would need ${needed} bytes`);
  return needed;
}

/**
 * Checks the topology's form: a Sequential (`class_name: 'Sequential'`) or a functional model
 * (`'Model'`, or Keras 3's `'Functional'`, with `input_layers` and `output_layers`), with a name
 * (or none) and 1 to `MAX_LAYERS` layers. The graph itself is checked when it is rebuilt.
 */
export function checkTopology(artifacts: { modelTopology?: unknown }, source: string): void {
  const topology = artifacts.modelTopology as ModelArtifacts['modelTopology'] | undefined;
  const topologyClass = typeof topology === 'object' && topology !== null ? topology.class_name : undefined;
  const functional = topologyClass === 'Model' || topologyClass === 'Functional';
  if (topologyClass !== 'Sequential' && !functional) {
    throw new Error(`loadModel: ${source}: modelTopology.class_name should be 'Sequential', 'Model' or 'Functional', got ${brief(topologyClass)}`);
  }
  const config = (topology as { config?: unknown }).config;
  const layers = typeof config === 'object' && config !== null ? (config as { layers?: unknown }).layers : undefined;
  if (!Array.isArray(layers) || layers.length === 0) throw new Error(`loadModel: ${source}: the ${topologyClass} model lists no layers`);
  if (layers.length > MAX_LAYERS) throw new Error(`loadModel: ${source}: the model lists ${layers.length} layers; at most ${MAX_LAYERS} (MAX_LAYERS) are loaded`);
  const name = (config as { name?: unknown }).name;
  if (name !== undefined && name !== null && typeof name !== 'string') throw new Error(`loadModel: ${source}: modelTopology.config.name should be a string, got ${brief(name)}`);
  if (functional) {
    for (const key of ['input_layers', 'output_layers']) {
      const list = (config as Record<string, unknown>)[key];
      if (!Array.isArray(list) || list.length === 0) throw new Error(`loadModel: ${source}: a functional model needs modelTopology.config.${key} (a non-empty list), got ${brief(list)}`);
    }
  }
}

/**
 * Checks artifacts from any source (files, or TensorFlow.js through an IOHandler): the topology
 * is a Sequential with layers, every weight spec is float32 with a valid shape, and the weight
 * bytes are exactly what the specs need.
 */
export function checkArtifacts(artifacts: ModelArtifacts, source: string): ModelArtifacts {
  if (typeof artifacts !== 'object' || artifacts === null) throw new Error(`loadModel: ${source}: expected model artifacts (an object), got ${brief(artifacts)}`);
  checkTopology(artifacts, source);
  if (!Array.isArray(artifacts.weightSpecs)) throw new Error(`loadModel: ${source}: weightSpecs should be a list, got ${brief(artifacts.weightSpecs)}`);
  const needed = checkWeightSpecs(artifacts.weightSpecs, source);
  const data = artifacts.weightData as unknown;
  if (Object.prototype.toString.call(data) !== '[object ArrayBuffer]') throw new Error(`loadModel: ${source}: weightData should be an ArrayBuffer, got ${brief(data)}`);
  if ((data as ArrayBuffer).byteLength !== needed) {
    throw new Error(`loadModel: ${source}: the weights hold ${(data as ArrayBuffer).byteLength} bytes but the manifest needs ${needed} (a truncated weights file, or one from another model?)`);
  }
  return artifacts;
}

