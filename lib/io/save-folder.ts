/**
 * Saving a model folder in TensorFlow.js's layers-model format, with one commit point: see
 * `saveArtifacts` for the steps and the guarantees. A folder saved here loads in
 * `tf.loadLayersModel` and with `loadModel`.
 */
import type * as CRYPTO from 'crypto';
import type * as FS from 'fs';
import type * as OS from 'os';
import type * as PATH from 'path';
import { manifestFileNames, ModelArtifacts } from './artifacts';
import { syncDirectoryAsync, writeNewFile } from './atomic-write';
import { codeOf, folderOf, messageOf, readModelJson } from './files';
import { nodeBuiltin } from '../platform';

/** Node's modules, reached when a Node-only function runs (a browser gets an Error naming it, lib/platform.ts). */
const fs = nodeBuiltin<typeof FS>('fs', "file:// models (model.save)");
const os = nodeBuiltin<typeof OS>('os', "file:// models (model.save)");
const path = nodeBuiltin<typeof PATH>('path', "file:// models (model.save)");
const crypto = nodeBuiltin<typeof CRYPTO>('crypto', "file:// models (model.save)");

/** This host, as a file-name tag: the process ids in our file names mean something only here. */
function thisHost(): string {
  return os.hostname().replace(/[^A-Za-z0-9-]/g, '').slice(0, 32) || 'host';
}

/** Ids of the saves this process is running now: their files are never removed as stale. */
const inFlight = new Set<string>();

/** A unique id for one save: host, pid and 48 random bits from the operating system (crypto.randomBytes). */
function saveId(): string {
  return `${thisHost()}.${process.pid}.${crypto.randomBytes(6).toString('hex')}`;
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
  const theirHost = host ?? host2 ?? thisHost();
  if (theirHost !== thisHost()) return false;
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
