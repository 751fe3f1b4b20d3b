/**
 * Reading a model folder in TensorFlow.js's layers-model format: `model.json` (the topology, each
 * layer's Keras config, and a manifest of the weights) and the weight files it names (every
 * weight as little-endian float32, in manifest order). A folder saved by TensorFlow.js loads too;
 * layers/serialization.ts builds the model from what is read here.
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
 * Saving (save-folder.ts) has one commit point.
 */
import type * as FS from 'fs';
import type * as PATH from 'path';
import { ArtifactsHead, checkTopology, checkWeightSpecs, ModelArtifacts, parseManifest } from './artifacts';
import { codeOf, folderOf, messageOf, readExactly, readModelJson } from './files';
import { nodeBuiltin } from '../platform';

/** Node's modules, reached when a Node-only function runs (a browser gets an Error naming it, lib/platform.ts). */
const fs = nodeBuiltin<typeof FS>('fs', "file:// models (loadModel)");
const path = nodeBuiltin<typeof PATH>('path', "file:// models (loadModel)");

/** A weights file found and measured, not yet read. */
interface WeightFile {
  name: string;
  file: string;
  stats: FS.Stats;
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
  let stats: FS.Stats;
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

