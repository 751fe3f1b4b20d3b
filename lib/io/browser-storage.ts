/**
 * Saving and loading models in a browser, in TensorFlow.js's layers-model format and under the
 * names TensorFlow.js gives them, so either library reads what the other saved:
 *
 * - `localstorage://name`: five keys `tensorflowjs_models/<name>/{info, model_topology,
 *   weight_specs, weight_data, model_metadata}`, the weights in base64;
 * - `indexeddb://name`: database `tensorflowjs` (version 1), stores `models_store` and
 *   `model_info_store` keyed by `modelPath`, the artifacts stored as they are;
 * - `downloads://name` (save only): the browser downloads `<name>.json` and `<name>.weights.bin`;
 * - `http://` and `https://` (load only): model.json fetched, then its weight files, relative to it.
 *
 * What is loaded from any of them goes through the same checks as a folder (`checkArtifacts` and
 * the layer plan in layers/serialization.ts): a model from the web is untrusted input.
 */
import { brief, checkJsonDepth, checkWeightSpecs, MAX_JSON_DEPTH, MAX_MODEL_JSON_BYTES, ModelArtifacts, parseManifest } from './artifacts';

/** The URL schemes handled here. */
const SCHEMES = ['localstorage://', 'indexeddb://', 'downloads://', 'http://', 'https://'];

/** True when `url` names browser storage or the web rather than a file. */
export function isBrowserUrl(url: unknown): url is string {
  return typeof url === 'string' && SCHEMES.some((s) => url.toLowerCase().startsWith(s));
}

/** The name after the scheme (`localstorage://my-model` -> `my-model`); it must not be empty. */
function nameOf(url: string, scheme: string, where: string): string {
  const name = url.slice(scheme.length);
  if (name.length === 0) throw new Error(`${where}: '${url}' names no model (expected ${scheme}<name>)`);
  return name;
}

/** What a save into browser storage reports (the SaveResult of model.save). */
export interface BrowserSaveResult {
  modelJson: string;
  weightsBin: string;
  bytes: number;
}

/** model.json's object for artifacts whose weights live in `weightsPath`. */
function modelJsonOf(artifacts: ModelArtifacts, weightsPath: string): Record<string, unknown> {
  const { weightSpecs, weightData: _bytes, ...rest } = artifacts;
  return { ...rest, weightsManifest: [{ paths: [weightsPath], weights: weightSpecs }] };
}

/** TF.js's `ModelArtifactsInfo` of a save. */
function artifactsInfo(artifacts: ModelArtifacts): Record<string, unknown> {
  const bytes = (text: string): number => new TextEncoder().encode(text).length;
  return {
    dateSaved: new Date(),
    modelTopologyType: 'JSON',
    modelTopologyBytes: bytes(JSON.stringify(artifacts.modelTopology)),
    weightSpecsBytes: bytes(JSON.stringify(artifacts.weightSpecs)),
    weightDataBytes: artifacts.weightData.byteLength,
  };
}

/** Saves artifacts to `url` (localstorage://, indexeddb:// or downloads://). */
export async function saveToBrowser(url: string, artifacts: ModelArtifacts): Promise<BrowserSaveResult> {
  const lower = url.toLowerCase();
  const bytes = artifacts.weightData.byteLength;
  if (lower.startsWith('localstorage://')) {
    const name = nameOf(url, 'localstorage://', 'save');
    saveLocalStorage(name, artifacts);
    return { modelJson: url, weightsBin: url, bytes };
  }
  if (lower.startsWith('indexeddb://')) {
    await saveIndexedDb(nameOf(url, 'indexeddb://', 'save'), artifacts);
    return { modelJson: url, weightsBin: url, bytes };
  }
  if (lower.startsWith('downloads://')) {
    const prefix = url.slice('downloads://'.length) || 'model';
    const files = saveDownloads(prefix, artifacts);
    return { modelJson: files[0], weightsBin: files[1], bytes };
  }
  throw new Error(`save: '${url}' cannot be saved to (expected file://, localstorage://, indexeddb:// or downloads://)`);
}

/** Loads artifacts from `url` (localstorage://, indexeddb://, http(s)://). */
export async function loadFromBrowser(url: string): Promise<ModelArtifacts> {
  const lower = url.toLowerCase();
  if (lower.startsWith('localstorage://')) return loadLocalStorage(nameOf(url, 'localstorage://', 'loadModel'), url);
  if (lower.startsWith('indexeddb://')) return loadIndexedDb(nameOf(url, 'indexeddb://', 'loadModel'), url);
  if (lower.startsWith('http://') || lower.startsWith('https://')) return loadHttp(url);
  throw new Error(`loadModel: '${url}' cannot be loaded from (expected file://, localstorage://, indexeddb:// or http(s)://)`);
}

// ---- localStorage -------------------------------------------------------------------------------

/** The browser's localStorage, or a clear Error. */
function localStorageOf(where: string): Storage {
  const ls = (globalThis as { localStorage?: Storage }).localStorage;
  if (ls === undefined) throw new Error(`${where}: localstorage:// needs a browser's window.localStorage, which this runtime lacks`);
  return ls;
}

/** TF.js's five keys of model `name`. */
function localKeys(name: string): { info: string; topology: string; weightSpecs: string; weightData: string; metadata: string } {
  const key = (suffix: string): string => `tensorflowjs_models/${name}/${suffix}`;
  return { info: key('info'), topology: key('model_topology'), weightSpecs: key('weight_specs'), weightData: key('weight_data'), metadata: key('model_metadata') };
}

function saveLocalStorage(name: string, artifacts: ModelArtifacts): void {
  const ls = localStorageOf('save');
  const keys = localKeys(name);
  const metadata = { format: artifacts.format, generatedBy: artifacts.generatedBy, convertedBy: artifacts.convertedBy, userDefinedMetadata: artifacts.userDefinedMetadata };
  try {
    ls.setItem(keys.info, JSON.stringify(artifactsInfo(artifacts)));
    ls.setItem(keys.topology, JSON.stringify(artifacts.modelTopology));
    ls.setItem(keys.weightSpecs, JSON.stringify(artifacts.weightSpecs));
    ls.setItem(keys.weightData, toBase64(new Uint8Array(artifacts.weightData)));
    ls.setItem(keys.metadata, JSON.stringify(metadata));
  } catch (e) {
    // Nothing half-written: remove every key of this model, then say why.
    for (const key of Object.values(keys)) ls.removeItem(key);
    throw new Error(`save: could not save '${name}' to localStorage (its quota, about 5 MB, may be exceeded: the weights take ${artifacts.weightData.byteLength} bytes): ${String(e)}`);
  }
}

function loadLocalStorage(name: string, source: string): ModelArtifacts {
  const ls = localStorageOf('loadModel');
  const keys = localKeys(name);
  const read = (key: string, what: string): unknown => {
    const text = ls.getItem(key);
    if (text === null) throw new Error(`loadModel: ${source}: localStorage has no ${what} for model '${name}' (key '${key}')`);
    return parseJsonText(text, source, what);
  };
  read(keys.info, 'info');
  const modelTopology = read(keys.topology, 'model topology') as ModelArtifacts['modelTopology'];
  const weightSpecs = read(keys.weightSpecs, 'weight specs') as ModelArtifacts['weightSpecs'];
  const data = ls.getItem(keys.weightData);
  if (data === null) throw new Error(`loadModel: ${source}: localStorage has no weight data for model '${name}'`);
  const metadataText = ls.getItem(keys.metadata);
  const metadata = (metadataText === null ? {} : parseJsonText(metadataText, source, 'metadata')) as Partial<ModelArtifacts>;
  return {
    format: 'layers-model',
    generatedBy: metadata.generatedBy ?? '',
    convertedBy: null,
    modelTopology,
    weightSpecs,
    weightData: fromBase64(data, source),
    userDefinedMetadata: metadata.userDefinedMetadata,
  };
}

/** Bytes as base64 (what TF.js writes into localStorage). */
function toBase64(bytes: Uint8Array): string {
  let text = '';
  // btoa takes a "binary string": one char per byte, built in slices to keep calls small
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

function fromBase64(text: string, source: string): ArrayBuffer {
  let binary: string;
  try {
    binary = atob(text);
  } catch (e) {
    throw new Error(`loadModel: ${source}: the weight data is not valid base64: ${String(e)}`);
  }
  const bytes = new Uint8Array(binary.length);
  // one byte per character
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

// ---- IndexedDB ----------------------------------------------------------------------------------

const DATABASE = 'tensorflowjs';
const MODELS = 'models_store';
const INFOS = 'model_info_store';

/** A request's result, as a promise. */
function requestResult<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** TF.js's database, created (with its two stores) when missing. */
function openDatabase(where: string): Promise<IDBDatabase> {
  const idb = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (idb === undefined) return Promise.reject(new Error(`${where}: indexeddb:// needs a browser's indexedDB, which this runtime lacks`));
  const request = idb.open(DATABASE, 1);
  request.onupgradeneeded = () => {
    request.result.createObjectStore(MODELS, { keyPath: 'modelPath' });
    request.result.createObjectStore(INFOS, { keyPath: 'modelPath' });
  };
  return requestResult(request);
}

/** Resolves when the transaction commits. */
function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
}

async function saveIndexedDb(name: string, artifacts: ModelArtifacts): Promise<void> {
  const db = await openDatabase('save');
  try {
    // One transaction over both stores: both records are written, or neither.
    const tx = db.transaction([INFOS, MODELS], 'readwrite');
    tx.objectStore(INFOS).put({ modelPath: name, modelArtifactsInfo: artifactsInfo(artifacts) });
    tx.objectStore(MODELS).put({ modelPath: name, modelArtifacts: artifacts });
    await committed(tx);
  } catch (e) {
    throw new Error(`save: could not save '${name}' to IndexedDB: ${String(e)}`);
  } finally {
    db.close();
  }
}

async function loadIndexedDb(name: string, source: string): Promise<ModelArtifacts> {
  const db = await openDatabase('loadModel');
  try {
    const record = await requestResult(db.transaction(MODELS, 'readonly').objectStore(MODELS).get(name)) as { modelArtifacts?: ModelArtifacts } | undefined;
    if (record === undefined || record.modelArtifacts === undefined) throw new Error(`loadModel: ${source}: IndexedDB has no model named '${name}'`);
    return record.modelArtifacts;
  } finally {
    db.close();
  }
}

// ---- downloads ----------------------------------------------------------------------------------

/** Starts the downloads of `<prefix>.json` and `<prefix>.weights.bin`; returns their names. */
function saveDownloads(prefix: string, artifacts: ModelArtifacts): [string, string] {
  const doc = (globalThis as { document?: Document }).document;
  if (doc === undefined) throw new Error(`save: downloads:// needs a browser page (document), which this runtime lacks`);
  const jsonName = `${prefix}.json`;
  const weightsName = `${prefix}.weights.bin`;
  const json = JSON.stringify(modelJsonOf(artifacts, `./${weightsName}`));
  const files: Array<[string, Blob]> = [
    [jsonName, new Blob([json], { type: 'application/json' })],
    [weightsName, new Blob([artifacts.weightData], { type: 'application/octet-stream' })],
  ];
  // One link per file, clicked, then released.
  for (const [fileName, blob] of files) {
    const link = doc.createElement('a');
    link.download = fileName;
    link.href = URL.createObjectURL(blob);
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 0);
  }
  return [jsonName, weightsName];
}

// ---- http(s) ------------------------------------------------------------------------------------

/** GET `url` into bytes, at most `limit` of them. */
async function fetchBytes(url: string, limit: number, source: string, what: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new Error(`loadModel: ${source}: could not fetch ${what} ${url}: ${String(e)}`);
  }
  if (!response.ok) throw new Error(`loadModel: ${source}: fetching ${what} ${url} gave HTTP ${response.status} ${response.statusText}`);
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > limit) throw new Error(`loadModel: ${source}: ${what} ${url} declares ${declared} bytes; at most ${limit} are read`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length > limit) throw new Error(`loadModel: ${source}: ${what} ${url} holds ${bytes.length} bytes; at most ${limit} are read`);
  return bytes;
}

async function loadHttp(url: string): Promise<ModelArtifacts> {
  const bytes = await fetchBytes(url, MAX_MODEL_JSON_BYTES, url, 'model.json');
  const json = parseJsonText(new TextDecoder().decode(bytes), url, 'model.json');
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error(`loadModel: ${url}: model.json should hold a JSON object, got ${brief(json)}`);
  const record = json as Record<string, unknown>;
  const { specs, paths } = parseManifest(record, url);
  const needed = checkWeightSpecs(specs, url);
  // Each weights file, relative to model.json, in manifest order; never more than the specs need.
  const data = new Uint8Array(needed);
  let offset = 0;
  for (const name of paths) {
    const part = await fetchBytes(new URL(name, url).href, needed - offset, url, 'weights file');
    data.set(part, offset);
    offset += part.length;
  }
  if (offset !== needed) throw new Error(`loadModel: ${url}: the weights files hold ${offset} bytes but the manifest needs ${needed}`);
  return {
    format: 'layers-model',
    generatedBy: typeof record.generatedBy === 'string' ? record.generatedBy : '',
    convertedBy: null,
    modelTopology: record.modelTopology as ModelArtifacts['modelTopology'],
    weightSpecs: specs,
    weightData: data.buffer,
    userDefinedMetadata: record.userDefinedMetadata as ModelArtifacts['userDefinedMetadata'],
  };
}

/** JSON.parse with an Error naming the source and part. */
function parseJsonText(text: string, source: string, what: string): unknown {
  checkJsonDepth(new TextEncoder().encode(text), MAX_JSON_DEPTH, `loadModel: ${source}: the ${what}`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`loadModel: ${source}: the ${what} is not valid JSON: ${String(e)}`);
  }
}
