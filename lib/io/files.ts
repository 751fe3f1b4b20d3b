/**
 * The file primitives a model folder is read and written with: the folder of a `file://` url,
 * Node.js error codes and messages, an exact read of a file that must still be the one stat saw,
 * and model.json read under the limits in read-folder.ts.
 */
import type * as FS from 'fs';
import type * as PATH from 'path';
import { brief, checkJsonDepth, MAX_JSON_DEPTH, MAX_MODEL_JSON_BYTES } from './artifacts';
import { nodeBuiltin } from '../platform';

/** Node's modules, reached when a Node-only function runs (a browser gets an Error naming it, lib/platform.ts). */
const fs = nodeBuiltin<typeof FS>('fs', "file:// models (model.save, loadModel)");
const path = nodeBuiltin<typeof PATH>('path', "file:// models (model.save, loadModel)");

/** `file://dir`, `file://dir/model.json` or a plain path -> the folder. */
export function folderOf(url: string, where: string): string {
  if (typeof url !== 'string' || url.length === 0) throw new TypeError(`${where}: expected a path or 'file://path', got ${String(url)}`);
  const p = url.startsWith('file://') ? url.slice('file://'.length) : url;
  if (/^[a-z]+:\/\//i.test(p)) throw new Error(`${where}: '${url}' has a scheme Lamina does not know; it takes file:// (or a plain path), localstorage://, indexeddb://, downloads:// (save) and http(s):// (load)`);
  return p.endsWith('model.json') ? path.dirname(p) : p;
}


/** The error code of a Node.js system error ('ENOENT'), or undefined. */
export function codeOf(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : undefined;
}

/** An error's message (duck-typed: errors from Node's fs may come from another realm than `Error`). */
export function messageOf(e: unknown): string {
  return typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string' ? (e as { message: string }).message : String(e);
}

/**
 * Reads exactly `into.length` bytes of `file`, which must still be the regular file `seen` (same
 * device, inode and size) once open: a file swapped for a FIFO, a link or another file between the
 * stat and the open is an Error, never a blocking or unbounded read.
 */
export async function readExactly(file: string, seen: FS.Stats, into: Uint8Array, what: string, follow: boolean): Promise<void> {
  // O_NONBLOCK: opening a FIFO that slipped past the stat check cannot hang (0 where the platform lacks it)
  const nonblock = fs.constants.O_NONBLOCK ?? 0;
  const nofollow = follow ? 0 : fs.constants.O_NOFOLLOW ?? 0;
  const handle = await fs.promises.open(file, fs.constants.O_RDONLY | nonblock | nofollow);
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
export async function readModelJson(file: string, where: string): Promise<Record<string, unknown>> {
  let stats: FS.Stats;
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

