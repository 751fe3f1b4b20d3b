/**
 * Where Lamina runs: Node.js or a browser. The engine itself (tensors, kernels, layers, training)
 * needs neither; the few parts that need Node (file:// models, the digits files, worker threads,
 * the CLI) reach Node's built-in modules through here, when they are used, so that the main entry
 * imports no Node module and loads unchanged in a browser.
 */

/** The slice of Node's `process` this file reads (absent in a browser). */
interface NodeProcess {
  versions?: { node?: string };
  getBuiltinModule?: (id: string) => unknown;
  stdout?: { write(text: string): unknown; isTTY?: boolean };
  pid?: number;
  env?: Record<string, string | undefined>;
}

/** Node's `process`, or undefined in a browser. */
export function nodeProcess(): NodeProcess | undefined {
  const p = (globalThis as { process?: NodeProcess }).process;
  return p?.versions?.node !== undefined ? p : undefined;
}

/** True when running in Node.js (also in its worker threads). */
export function isNode(): boolean {
  return nodeProcess() !== undefined;
}

/**
 * Node's built-in module `name` ('fs', 'path', 'os', 'worker_threads', 'crypto'...), or null
 * outside Node. Read through `process.getBuiltinModule` (Node >= 20.16), else `require`, so no
 * bundler sees a static import of it.
 */
export function nodeModule<T>(name: string): T | null {
  const p = nodeProcess();
  if (p === undefined) return null;
  if (typeof p.getBuiltinModule === 'function') return p.getBuiltinModule(name) as T;
  return typeof require === 'function' ? (require(name) as T) : null;
}

/**
 * Node's built-in module `name` for `what` (e.g. "model.save('file://...')"): the module itself
 * in Node; elsewhere an object whose every property access throws an Error that names `what`, so
 * a module can hold it at top level and fail only when the Node-only feature is used.
 */
export function nodeBuiltin<T extends object>(name: string, what: string): T {
  const real = nodeModule<T>(name);
  if (real !== null) return real;
  return new Proxy({} as T, {
    get(): never {
      throw new Error(`${what} needs Node.js (its '${name}' module); this is a browser or another runtime without it`);
    },
  });
}

/**
 * A uniform random integer in [0, bound) from the platform's cryptographic generator (Web
 * Crypto, in Node and in browsers): only for seeds chosen when the user gives none.
 */
export function entropyInt(bound: number): number {
  if (!(bound >= 1 && bound <= 2 ** 32)) throw new RangeError(`entropyInt: bound must be in [1, 2^32], got ${bound}`);
  const word = new Uint32Array(1);
  const limit = 2 ** 32 - (2 ** 32 % bound); // draw again above this, so every value is equally likely
  for (;;) {
    globalThis.crypto.getRandomValues(word);
    if (word[0] < limit) return word[0] % bound;
  }
}

/** Milliseconds from an arbitrary origin (performance.now in Node and browsers). */
export function nowMs(): number {
  return performance.now();
}
