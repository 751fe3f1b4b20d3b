/**
 * The thread pool's Web Workers, in a browser (kernels/parallel.ts drives them as it drives Node's
 * workers). Each is a module worker whose two lines import the ES module bundle this code was
 * loaded from (dist/lamina.mjs) and call its `servePoolWorker` (kernels/parallel-web-worker.ts).
 * It needs cross-origin isolation (SharedArrayBuffer) and the bundle's own URL, which esbuild
 * writes in for `LAMINA_BUNDLE_URL` (`import.meta.url`); the CommonJS build and the script-tag
 * bundle have none, so there everything runs on one thread.
 */
import { ERROR_LENGTH, READY, WorkerSetup } from './parallel-layout';

/** The URL of the ES module bundle, set by its build (esbuild --define); undefined elsewhere. */
declare const LAMINA_BUNDLE_URL: string | undefined;

/** The browser's Worker constructor, as used here. */
interface WebWorker {
  postMessage(message: unknown): void;
  terminate(): void;
  onerror: ((event: { message?: string }) => void) | null;
}
type WorkerConstructor = new (url: string, options: { type: 'module'; name: string }) => WebWorker;

/** The bundle's URL, or null when this code is not the ES module bundle. */
function bundleUrl(): string | null {
  return typeof LAMINA_BUNDLE_URL === 'string' ? LAMINA_BUNDLE_URL : null;
}

/** Whether Web Workers can serve as the pool here: a Worker constructor, Blob URLs and the bundle's URL. */
export function webPoolAvailable(): boolean {
  const g = globalThis as { Worker?: unknown; Blob?: unknown; URL?: { createObjectURL?: unknown } };
  return typeof g.Worker === 'function' && typeof g.Blob === 'function' && typeof g.URL?.createObjectURL === 'function' && bundleUrl() !== null;
}

/** True on a page's main thread (a window), where Atomics.wait is not allowed. */
export function onPageMainThread(): boolean {
  return typeof (globalThis as { document?: unknown }).document !== 'undefined';
}

/** Whether this thread may block in Atomics.wait (everywhere but a page's main thread). */
export const blockingAllowed = !onPageMainThread();

/** The pool's side of one Web Worker. */
export interface WebThread {
  post(message: unknown): void;
  stop(): void;
  control: Int32Array;
  error: Uint8Array;
  exit: string | null;
}

/**
 * Starts Web Worker number `number` serving through `setup` (it reports READY in its control block
 * once its module has loaded; a worker that fails to load reports READY -1 and its message).
 */
export function startWebWorker(number: number, setup: WorkerSetup): WebThread {
  const url = bundleUrl() as string;
  const source = `import { servePoolWorker } from ${JSON.stringify(url)};\nself.onmessage = (event) => servePoolWorker(event.data.setup, self, event.data.thread);\n`;
  const blob = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const Worker = (globalThis as unknown as { Worker: WorkerConstructor }).Worker;
  const worker = new Worker(blob, { type: 'module', name: `lamina-pool-${number}` });
  worker.onerror = (event) => {
    // It could not load: say so where the pool reads it.
    const bytes = new TextEncoder().encode(event.message ?? 'the worker failed to load').subarray(0, setup.error.length);
    setup.error.set(bytes);
    setup.control[ERROR_LENGTH] = bytes.length;
    Atomics.store(setup.control, READY, -1);
  };
  worker.postMessage({ setup, thread: number });
  return {
    post: (message) => worker.postMessage(message),
    stop: () => {
      worker.terminate();
      URL.revokeObjectURL(blob);
    },
    control: setup.control,
    error: setup.error,
    exit: null,
  };
}
