/**
 * Atomic file writes: a reader sees the old file or the new one, never half of either.
 *
 * The contents go to a temporary file beside the target (same directory, so the same file
 * system), are flushed to disk, then renamed over the target in one step. `writeFileAtomic` does
 * it synchronously for one file (plots, reports); `writeNewFile` and `syncDirectoryAsync` are the
 * asynchronous steps a multi-file commit (a model save, lib/io/save-folder.ts) is built from.
 */
import type * as FS from 'fs';
import type * as PATH from 'path';
import { nodeBuiltin } from '../platform';

/** Node's modules, reached when a Node-only function runs (a browser gets an Error naming it, lib/platform.ts). */
const fs = nodeBuiltin<typeof FS>('fs', "writing files (writeFileAtomic, file:// models)");
const path = nodeBuiltin<typeof PATH>('path', "writing files (writeFileAtomic, file:// models)");

/** Makes each temporary name unique within this process; the pid makes it unique across processes. */
let counter = 0;

/**
 * Writes `contents` (a string is written as UTF-8) to `file` atomically.
 *
 * Creates the parent directory if needed, writes a temporary file `.<name>.<pid>.<n>.tmp` in the
 * same directory, fsyncs it and renames it over `file`. On failure the temporary file is removed
 * and an Error naming `file` is thrown (the original error's message is included).
 */
export function writeFileAtomic(file: string, contents: string | Uint8Array): void {
  if (typeof file !== 'string' || file === '') {
    throw new TypeError(`writeFileAtomic: path must be a non-empty string, got ${String(file)}`);
  }
  const target = path.resolve(file);
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${counter++}.tmp`);
  let fd: number | null = null;
  try {
    fs.mkdirSync(dir, { recursive: true });
    fd = fs.openSync(temp, 'wx'); // 'wx': fail rather than share a temporary file with anyone
    fs.writeFileSync(fd, contents); // loops until every byte is written
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(temp, target);
  } catch (err) {
    cleanUp(fd, temp);
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`writeFileAtomic: could not write ${file}: ${reason}`);
  }
  syncDirectory(dir);
}

/** Closes and removes a failed temporary file, never throwing over the error being reported. */
function cleanUp(fd: number | null, temp: string): void {
  try {
    if (fd !== null) fs.closeSync(fd);
  } catch {
    // the descriptor is unusable already
  }
  try {
    fs.rmSync(temp, { force: true });
  } catch {
    // nothing more can be done; the original error is what matters
  }
}

/** Flushes the directory entry of the rename where the platform allows it (best effort). */
function syncDirectory(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Windows cannot open a directory; the file itself is already durable.
  }
}

/**
 * Creates `file`, which must not exist yet (`'wx'`), writes `contents` (a string as UTF-8) and
 * flushes it to disk before resolving. On failure the file is closed and the error (with its
 * code and path) rethrown; the caller removes what it created and names its own target.
 */
export async function writeNewFile(file: string, contents: string | Uint8Array): Promise<void> {
  const handle = await fs.promises.open(file, 'wx');
  try {
    await handle.writeFile(contents); // loops until every byte is written
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes a directory's entries (a rename, a new file) to disk where the platform allows it; never throws. */
export async function syncDirectoryAsync(dir: string): Promise<void> {
  try {
    const handle = await fs.promises.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows cannot open a directory; the files themselves are already durable.
  }
}
