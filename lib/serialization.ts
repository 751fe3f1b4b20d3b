/**
 * Saving and reading models in TensorFlow.js's layers-model format: a folder with `model.json`
 * (the topology, each layer's Keras config, and a manifest of the weights) and the weight files it
 * names (every weight as little-endian float32, in manifest order). A model saved here loads in
 * `tf.loadLayersModel`, and one saved by TensorFlow.js loads with `loadModel`
 * (layers/serialization.ts builds the layers).
 *
 * Reading treats the folder as untrusted, and checks before it reads:
 * - model.json must be a regular file of at most `MAX_MODEL_JSON_BYTES` (64 MiB), nested at most
 *   `MAX_JSON_DEPTH` (100) levels (a linear scan of the bytes before `JSON.parse`), holding an
 *   object; a UTF-8 byte order mark is skipped;
 * - each weights path is a plain file name in the model's folder: no `/`, `\`, `..`, `.`, drive
 *   letter or NUL; a symbolic link must resolve (realpath) inside the folder; the file must be a
 *   regular file (no FIFO, device or folder: stat first, and the opened file is checked to be the
 *   one stat saw); no path (or file) twice. A file outside the folder is never opened or measured,
 *   so no error tells its size;
 * - the bytes the manifest's shapes need must equal the sum of the files' sizes, and a caller
 *   (loadModel) checks the shapes against the layers, before one byte of weights is read or
 *   allocated.
 * All file access is asynchronous (`fs.promises`): a slow disk never blocks the event loop. If a
 * save replaces the model while it is being read, the read starts again (at most 3 times).
 *
 * Saving has one commit point. See `saveArtifacts` for the steps and the guarantees.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { syncDirectoryAsync, writeNewFile } from './atomic-write';
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

/** Everything of the artifacts but the weight bytes: what is checked before they are read. */
export type ArtifactsHead = Omit<ModelArtifacts, 'weightData'>;

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

/** The largest model.json read (64 MiB): a larger one is an Error from its size, unread. */
export const MAX_MODEL_JSON_BYTES = 64 * 2 ** 20;

/** The deepest nesting of arrays and objects accepted in model.json (Keras configs need about 8). */
export const MAX_JSON_DEPTH = 100;

/** The most layers a loaded model may list. */
export const MAX_LAYERS = 10000;

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

// ---------------------------------------------------------------- reading

/** O_NONBLOCK: opening a FIFO that slipped past the stat check cannot hang (0 where the platform lacks it). */
const NONBLOCK = fs.constants.O_NONBLOCK ?? 0;
const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

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

/** The error code of a Node.js system error ('ENOENT'), or undefined. */
function codeOf(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : undefined;
}

/** An error's message (duck-typed: errors from Node's fs may come from another realm than `Error`). */
function messageOf(e: unknown): string {
  return typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string' ? (e as { message: string }).message : String(e);
}

/**
 * Reads exactly `into.length` bytes of `file`, which must still be the regular file `seen` (same
 * device, inode and size) once open: a file swapped for a FIFO, a link or another file between the
 * stat and the open is an Error, never a blocking or unbounded read.
 */
async function readExactly(file: string, seen: fs.Stats, into: Uint8Array, what: string, follow: boolean): Promise<void> {
  const handle = await fs.promises.open(file, fs.constants.O_RDONLY | NONBLOCK | (follow ? 0 : NOFOLLOW));
  try {
    const st = await handle.stat();
    if (!st.isFile() || st.dev !== seen.dev || st.ino !== seen.ino || st.size !== into.length) {
      throw new Error(`${what} changed while it was being loaded`);
    }
    let done = 0;
    // A read may return fewer bytes than asked (and at most 2 GiB at a time): loop until all are in.
    while (done < into.length) {
      const { bytesRead } = await handle.read(into, done, Math.min(into.length - done, 2 ** 30), done);
      if (bytesRead === 0) throw new Error(`${what} shrank while it was being read`);
      done += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

/** Reads and parses a model.json under the rules in the file comment; `where` begins each error. */
async function readModelJson(file: string, where: string): Promise<Record<string, unknown>> {
  let stats: fs.Stats;
  try {
    stats = await fs.promises.stat(file);
  } catch (e) {
    throw new Error(`${where}: cannot read ${file}: ${messageOf(e)}`);
  }
  if (!stats.isFile()) throw new Error(`${where}: ${file} is not a regular file (a FIFO, a device or a folder cannot be a model.json)`);
  if (stats.size > MAX_MODEL_JSON_BYTES) {
    throw new Error(`${where}: ${file} holds ${stats.size} bytes; at most ${MAX_MODEL_JSON_BYTES} (MAX_MODEL_JSON_BYTES, 64 MiB) are read`);
  }
  const bytes = new Uint8Array(stats.size);
  try {
    await readExactly(file, stats, bytes, file, true);
  } catch (e) {
    throw new Error(`${where}: cannot read ${file}: ${messageOf(e)}`);
  }
  // A UTF-8 byte order mark (some editors write one) is not part of the JSON.
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const body = bytes.subarray(start);
  checkJsonDepth(body, MAX_JSON_DEPTH, `${where}: ${file}`);
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (e) {
    throw new Error(`${where}: ${file} is not valid JSON (truncated or corrupt?): ${messageOf(e)}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error(`${where}: ${file} should hold a JSON object (a layers-model: modelTopology and weightsManifest), got ${brief(json)}`);
  }
  return json as Record<string, unknown>;
}

/** Throws unless `p` is a plain file name (see the file comment); returns it. */
function checkWeightPath(p: unknown, source: string): string {
  if (typeof p !== 'string') throw new Error(`loadModel: ${source}: each entry of weightsManifest[].paths should be a file name (a string), got ${brief(p)}`);
  if (p === '' || p === '.' || p === '..' || /[/\\\0]/.test(p) || /^[A-Za-z]:/.test(p)) {
    throw new Error(`loadModel: ${source}: the weights path '${p.slice(0, 200)}' is not a plain file name inside the model's folder (no '..', no absolute path, no '/' or '\\')`);
  }
  return p;
}

/** The plain file names a model.json's manifest lists (entries that are not are left out). */
function manifestFileNames(json: Record<string, unknown>): string[] {
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
function parseManifest(json: Record<string, unknown>, source: string): { specs: WeightSpec[]; paths: string[] } {
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

/** Checks the topology's form: a Sequential with a name (or none) and 1 to `MAX_LAYERS` layers. */
function checkTopology(artifacts: { modelTopology?: unknown }, source: string): void {
  const topology = artifacts.modelTopology as ModelArtifacts['modelTopology'] | undefined;
  const topologyClass = typeof topology === 'object' && topology !== null ? topology.class_name : undefined;
  if (topologyClass !== 'Sequential') {
    throw new Error(`loadModel: ${source}: only Sequential models can be loaded, got modelTopology.class_name ${brief(topologyClass)}`);
  }
  const config = (topology as { config?: unknown }).config;
  const layers = typeof config === 'object' && config !== null ? (config as { layers?: unknown }).layers : undefined;
  if (!Array.isArray(layers) || layers.length === 0) throw new Error(`loadModel: ${source}: the Sequential model lists no layers`);
  if (layers.length > MAX_LAYERS) throw new Error(`loadModel: ${source}: the model lists ${layers.length} layers; at most ${MAX_LAYERS} (MAX_LAYERS) are loaded`);
  const name = (config as { name?: unknown }).name;
  if (name !== undefined && name !== null && typeof name !== 'string') throw new Error(`loadModel: ${source}: modelTopology.config.name should be a string, got ${brief(name)}`);
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

/** A weights file found and measured, not yet read. */
interface WeightFile {
  name: string;
  file: string;
  stats: fs.Stats;
  /** Whether it was reached through a symbolic link (then opened by its real path). */
  linked: boolean;
}

/** True if `file` (a real path) is inside the folder `realDir`. */
function isInside(realDir: string, file: string): boolean {
  const rel = path.relative(realDir, file);
  return rel !== '' && !rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel);
}

/**
 * Finds the weights file `name` in `dir` (real path `realDir`) and measures it: a link must
 * resolve inside the folder, the file must be regular. Nothing outside the folder is stat'ed:
 * a link out of it is refused with the same message whether its target exists or not.
 */
async function findWeightFile(dir: string, realDir: string, name: string, source: string): Promise<WeightFile> {
  const file = path.join(dir, name);
  let stats: fs.Stats;
  try {
    stats = await fs.promises.lstat(file);
  } catch (e) {
    throw new Error(`loadModel: ${source}: cannot read the weights file '${name}': ${codeOf(e) === 'ENOENT' ? `${file} does not exist` : messageOf(e)}`);
  }
  if (stats.isSymbolicLink()) {
    let real: string | null = null;
    try {
      real = await fs.promises.realpath(file);
    } catch {
      real = null;
    }
    if (real === null || !isInside(realDir, real)) throw new Error(`loadModel: ${source}: the weights path '${name}' is a symbolic link that leads outside the model's folder (or nowhere)`);
    const target = await fs.promises.stat(real);
    if (!target.isFile()) throw new Error(`loadModel: ${source}: the weights path '${name}' is not a regular file (a FIFO, a device or a folder cannot hold weights)`);
    return { name, file: real, stats: target, linked: true };
  }
  if (!stats.isFile()) throw new Error(`loadModel: ${source}: the weights path '${name}' is not a regular file (a FIFO, a device or a folder cannot hold weights)`);
  return { name, file, stats, linked: false };
}

/** One attempt at reading the folder: model.json, its checks, the files' sizes, then the bytes. */
async function readOnce(dir: string, source: string, beforeRead: (head: ArtifactsHead) => void): Promise<ModelArtifacts> {
  const json = await readModelJson(path.join(dir, 'model.json'), 'loadModel');
  checkTopology(json, source);
  const { specs, paths } = parseManifest(json, source);
  const needed = checkWeightSpecs(specs, source);
  // Measure every file (in the folder, regular, each once) before reading any.
  const realDir = await fs.promises.realpath(dir);
  const files: WeightFile[] = [];
  const identities = new Map<string, string>();
  let total = 0;
  for (const name of paths) {
    const found = await findWeightFile(dir, realDir, name, source);
    const id = `${found.stats.dev}:${found.stats.ino}`;
    const twin = identities.get(id);
    if (twin !== undefined) throw new Error(`loadModel: ${source}: the weights paths '${twin}' and '${name}' are the same file`);
    identities.set(id, name);
    files.push(found);
    total += found.stats.size;
  }
  if (total !== needed) {
    throw new Error(
      `loadModel: ${source}: the manifest's weights need ${needed} bytes but its files hold ${total} (${files.map((f) => `'${f.name}' ${f.stats.size}`).join(', ')}): a truncated weights file, or one from another model?`,
    );
  }
  const { weightsManifest: _manifest, ...rest } = json;
  const head = { ...rest, weightSpecs: specs } as unknown as ArtifactsHead;
  beforeRead(head);
  // Only now allocate the bytes, and read each file into its place.
  let weightData: ArrayBuffer;
  try {
    weightData = new ArrayBuffer(total);
  } catch (e) {
    throw new Error(`loadModel: ${source}: cannot allocate the ${total} bytes of weights: ${messageOf(e)}`);
  }
  let offset = 0;
  for (const f of files) {
    try {
      await readExactly(f.file, f.stats, new Uint8Array(weightData, offset, f.stats.size), f.file, !f.linked);
    } catch (e) {
      throw new Error(`loadModel: ${source}: cannot read the weights file '${f.name}': ${messageOf(e)}`);
    }
    offset += f.stats.size;
  }
  return { ...head, weightData };
}

/**
 * Reads and checks a saved model's files (the folder `url`) without building anything, under the
 * rules in the file comment. `beforeRead` sees the topology and weight specs once the files are
 * measured and before any weight byte is read (loadModel checks the layers' shapes there).
 */
export async function readArtifacts(url: string, beforeRead: (head: ArtifactsHead) => void = () => {}): Promise<ModelArtifacts> {
  const dir = folderOf(url, 'loadModel');
  const source = path.join(dir, 'model.json');
  // A save may replace model.json (and remove the old weights) while it is read: then start again.
  for (let attempt = 1; ; attempt++) {
    const before = await identity(source);
    try {
      return await readOnce(dir, source, beforeRead);
    } catch (e) {
      const after = await identity(source);
      if (attempt >= 3 || before === null || after === null || before === after) throw e;
    }
  }
}

/** A file's identity (device, inode, modification time), or null if it cannot be stat'ed. */
async function identity(file: string): Promise<string | null> {
  try {
    const st = await fs.promises.stat(file);
    return `${st.dev}:${st.ino}:${st.mtimeMs}:${st.size}`;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- saving

/** This host, as a file-name tag: the process ids in our file names mean something only here. */
const HOST = os.hostname().replace(/[^A-Za-z0-9-]/g, '').slice(0, 32) || 'host';

/** Ids of the saves this process is running now: their files are never removed as stale. */
const inFlight = new Set<string>();

/** A unique id for one save: host, pid and 48 random bits (crypto, never Math.random). */
function saveId(): string {
  return `${HOST}.${process.pid}.${randomBytes(6).toString('hex')}`;
}

/**
 * Our files in a model folder: the weights of a save (`weights.<host>.<pid>.<hex>.bin`) and the
 * temporary model.json (`.model.json.<host>.<pid>.<hex>.tmp`); also the temporaries of Lamina's
 * earlier saves (`.model.json.<pid>.<n>.tmp`, `.weights.bin.<pid>.<n>.tmp`).
 */
const OUR_FILE = /^(?:weights\.(?<host>[A-Za-z0-9-]+)\.(?<pid>\d+)\.[0-9a-f]+\.bin|\.model\.json\.(?<host2>[A-Za-z0-9-]+)\.(?<pid2>\d+)\.[0-9a-f]+\.tmp|\.(?:model\.json|weights\.bin)\.(?<pid3>\d+)\.\d+\.tmp)$/;

/** Whether process `pid` is alive on this host (EPERM: alive, someone else's). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return codeOf(e) === 'EPERM';
  }
}

/**
 * Whether `name` is a file of ours no save is writing: one of this process's saves that has
 * finished, or of a process of this host that is dead. Another host's files are left alone.
 */
function isStale(name: string): boolean {
  const m = OUR_FILE.exec(name);
  if (m === null || m.groups === undefined) return false;
  const { host, pid, host2, pid2, pid3 } = m.groups;
  const owner = Number(pid ?? pid2 ?? pid3);
  const theirHost = host ?? host2 ?? HOST;
  if (theirHost !== HOST) return false;
  if (owner === process.pid) {
    const id = name.startsWith('weights.') ? name.slice('weights.'.length, -'.bin'.length) : name.slice('.model.json.'.length, -'.tmp'.length);
    return !inFlight.has(id);
  }
  return !processAlive(owner);
}

/** The file names the folder's current model.json lists, or null if it cannot be read. */
async function namedFiles(modelJson: string): Promise<string[] | null> {
  try {
    return manifestFileNames(await readModelJson(modelJson, 'save'));
  } catch {
    return null;
  }
}

/** Removes a file if it is there, never throwing (someone else may have removed it first). */
async function removeQuietly(file: string): Promise<void> {
  try {
    await fs.promises.unlink(file);
  } catch {
    // gone already, or not ours to remove
  }
}

/**
 * After a commit: removes the weights files the replaced model.json named (`superseded`) and our
 * stale files (`isStale`), except any the current model.json names. Decided after listing the
 * folder, with model.json read after that, so a file a racing save has just committed is kept.
 * Best effort: a failure here never fails the save.
 */
async function removeSuperseded(dir: string, superseded: readonly string[]): Promise<void> {
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch {
    return;
  }
  const candidates = names.filter((n) => (superseded.includes(n) && n !== 'model.json' && !n.endsWith('.tmp')) || isStale(n));
  if (candidates.length === 0) return;
  const current = await namedFiles(path.join(dir, 'model.json'));
  if (current === null) return;
  for (const name of candidates) if (!current.includes(name)) await removeQuietly(path.join(dir, name));
}

/**
 * Writes a model into the folder `url` (created if needed) with one commit point: model.json is
 * replaced last, in one rename, and names a weights file written before it.
 *
 * Steps: (1) write the weights to a new file `weights.<host>.<pid>.<random>.bin` (created
 * exclusively, flushed with fsync, the folder flushed); (2) write the new model.json, naming that
 * file, to `.model.json.<host>.<pid>.<random>.tmp` and fsync it; (3) rename it over model.json
 * (the commit) and flush the folder; (4) remove the weights file(s) the replaced model.json named,
 * and our stale files: weights and temporaries of this process's finished saves and of dead
 * processes of this host.
 *
 * Guarantees:
 * - A reader (and a process killed at any instant, even with SIGKILL) sees the folder's previous
 *   model or the new one, whole: model.json is replaced atomically and always names a complete,
 *   flushed weights file of its own save (a weights file name is committed at most once). With
 *   fsync before the rename and the folder flushed after, the same holds across a power loss on
 *   file systems that honour fsync.
 * - A crash leaves at most a weights file and a temporary of the unfinished save; the next save
 *   into the folder (from any process of this host) removes them.
 * - Saves racing into one folder (in one process or several): each is atomic, the last rename
 *   wins, and no save removes a file another live save is writing or a file the current
 *   model.json names. A weights file superseded by a racing save in another live process may stay
 *   until a later save; files of other hosts sharing the folder are never removed.
 * - A weights file the replaced model.json named is removed only if it is a plain file name in
 *   the folder (a hostile model.json cannot make a save remove anything outside it).
 * Errors begin with `save:` and name the folder.
 */
export async function saveArtifacts(url: string, artifacts: ModelArtifacts): Promise<{ modelJson: string; weightsBin: string; bytes: number }> {
  const dir = folderOf(url, 'save');
  const id = saveId();
  const weightsName = `weights.${id}.bin`;
  const weightsBin = path.join(dir, weightsName);
  const temp = path.join(dir, `.model.json.${id}.tmp`);
  const modelJson = path.join(dir, 'model.json');
  const { weightSpecs, weightData, ...rest } = artifacts;
  const text = JSON.stringify({ ...rest, weightsManifest: [{ paths: [weightsName], weights: weightSpecs }] }, null, 1);
  let superseded: string[] = [];
  const created: string[] = [];
  inFlight.add(id);
  try {
    await fs.promises.mkdir(dir, { recursive: true });
    created.push(weightsBin);
    await writeNewFile(weightsBin, new Uint8Array(weightData));
    await syncDirectoryAsync(dir);
    created.push(temp);
    await writeNewFile(temp, text);
    superseded = (await namedFiles(modelJson)) ?? [];
    await fs.promises.rename(temp, modelJson);
  } catch (e) {
    // Not committed: remove what this save created (not a file someone else made first).
    for (const file of created) if (codeOf(e) !== 'EEXIST' || file !== created[created.length - 1]) await removeQuietly(file);
    throw new Error(`save: could not save the model into ${dir}: ${messageOf(e)}`);
  } finally {
    inFlight.delete(id);
  }
  await syncDirectoryAsync(dir);
  await removeSuperseded(dir, superseded.filter((n) => n !== weightsName));
  return { modelJson, weightsBin, bytes: weightData.byteLength };
}
