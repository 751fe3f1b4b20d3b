/**
 * The thread pool under the kernels. A large op is split by rows of its output: the calling thread
 * writes the job (task index, shared buffers, arguments) into shared memory, bumps a counter each
 * worker waits on (Atomics, no message per op), and then it and the workers take chunks of rows
 * (kernels/parallel-chunks.ts) and run the same single-thread kernel on each, until none is left.
 * Every row is computed by one thread exactly as one thread alone computes it, so results are
 * bit-identical for any number of threads.
 *
 * Workers read tensors in place: Lamina allocates tensor data in SharedArrayBuffers (see
 * `floatArray`). In Node they are worker_threads, started on first use and unref'd (the process
 * exits when the work ends). In a browser they are module Web Workers that import the ES module
 * bundle (dist/lamina.mjs) and serve (kernels/parallel-web-worker.ts); they need cross-origin
 * isolation (SharedArrayBuffer), start in the background and take part in jobs once ready. An op
 * whose buffers are not shared, or too small to pay for the hand-off, runs on the calling thread.
 */
import {
  BufferMessage, CONTROL_INTS, DONE, ERROR_BYTES, ERROR_LENGTH, JOB_BUFFER_COUNT, JOB_IDS, JOB_INTS, JOB_LENGTHS,
  JOB_CHUNK, JOB_NEXT_CHUNK, JOB_OFFSETS, JOB_ROWS, JOB_TASK, MAX_ARGS, MAX_BUFFERS, READY, ROW_END, ROW_START, ROWS_DONE, SEQ,
  SPINS, STATUS, WorkerSetup,
} from './parallel-layout';
import { nodeModule } from '../lib/platform';
import { blockingAllowed, onPageMainThread, startWebWorker, webPoolAvailable } from './parallel-web';
import { takeChunks } from './parallel-chunks';
import { TASK_NAMES, TASKS } from './parallel-tasks';

/**
 * Multiply-adds (or comparable steps) a thread must get for a split to pay: a hand-off costs a
 * few microseconds when the workers are spinning and ~60 us when they sleep (measured,
 * bench/matmul.ts); 2^17 multiply-adds take ~30 us.
 */
export const MIN_WORK_PER_THREAD = 1 << 17;
/** Chunks per thread a job is cut into: enough that a thread slowed down (or woken late) leaves its share to the others. */
const CHUNKS_PER_THREAD = 4;
/** Floats below which `floatArray` does not bother with shared memory (a bias of 8 units is still shared, so a layer's job can be split). */
const SHARED_MIN_FLOATS = 8;
/** How long a worker may take to start before the pool gives up on it. */
const START_TIMEOUT_MS = 20000;

/** One worker and the shared memory it is driven through. */
interface Thread {
  /** Sends it a shared buffer to learn, or an id to forget. */
  post(message: BufferMessage): void;
  /** Terminates it. */
  stop(): void;
  control: Int32Array;
  error: Uint8Array;
  /** Why the worker stopped, if it did (set by its 'error'/'exit' events). */
  exit: string | null;
}

/** Threads asked for (setThreads or LAMINA_THREADS or the number of cores); null until first read. */
let wanted: number | null = null;
/** The running workers (wanted - 1 of them once started; the calling thread is the other). */
let pool: Thread[] | null = null;
/** The job block and arguments shared by all workers. */
let job: Int32Array<ArrayBufferLike> = new Int32Array(0);
let jobArgs: Int32Array<ArrayBufferLike> = new Int32Array(0);
/** Job counter: a worker runs a job when its SEQ moves to a new value. */
let sequence = 0;
/** Workers handed rows of the current job (the first `engaged` of the pool). */
let engaged = 0;
/** Ids the workers know shared buffers by; ids start again with each new pool. */
let bufferIds = new WeakMap<SharedArrayBuffer, number>();
let nextBufferId = 1;
/** When a registered buffer is collected here, the workers are told to drop it too. */
const collected = new FinalizationRegistry<{ pool: Thread[]; id: number }>(({ pool: owners, id }) => {
  if (owners !== pool) return;
  for (const thread of owners) thread.post({ release: id });
});
/** Jobs split across threads since the process started, and rows handed to workers (see `poolStats`). */
let splitJobs = 0;
const splitsByTask = new Array<number>(TASK_NAMES.length).fill(0);
let workerRows = 0;
/** Arguments of a task run on this thread alone. */
const localArgs = new Int32Array(MAX_ARGS);
/** Said once when threads were asked for but this platform cannot give them. */
let warnedSingleThread = false;
/** Said once when a browser worker could not start. */
let warnedStartFailure = false;

/** Node's modules when running in Node, null in a browser. */
function nodeModules(): { threads: typeof import('worker_threads'); os: typeof import('os'); path: typeof import('path') } | null {
  // The workers load this package's compiled files by path (kernels/parallel-worker.js): CommonJS only.
  if (typeof require !== 'function' || typeof __dirname !== 'string') return null;
  const threads = nodeModule<typeof import('worker_threads')>('worker_threads');
  const os = nodeModule<typeof import('os')>('os');
  const path = nodeModule<typeof import('path')>('path');
  return threads !== null && os !== null && path !== null ? { threads, os, path } : null;
}

/** Whether this platform has shared memory the workers can read (SharedArrayBuffer, and cross-origin isolation in a browser). */
export function sharedMemoryAvailable(): boolean {
  if (typeof SharedArrayBuffer !== 'function') return false;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return isolated !== false;
}

/**
 * A zeroed Float32Array of `size` elements, in a SharedArrayBuffer when shared memory is
 * available and the array is large enough to ever be split (so the pool's workers can read and
 * write it in place); a plain Float32Array otherwise. Tensors allocate their data here.
 */
export function floatArray(size: number): Float32Array {
  if (size >= SHARED_MIN_FLOATS && sharedMemoryAvailable()) return new Float32Array(new SharedArrayBuffer(size * 4));
  return new Float32Array(size);
}

/** The number of threads from LAMINA_THREADS, or the number of cores. */
function defaultThreads(): number {
  const node = nodeModules();
  const fromEnv = node === null ? undefined : process.env.LAMINA_THREADS;
  if (fromEnv !== undefined && fromEnv !== '') {
    const n = Number(fromEnv);
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`LAMINA_THREADS: expected a whole number of threads >= 1, got '${fromEnv}'`);
    return n;
  }
  if (node !== null) return typeof node.os.availableParallelism === 'function' ? node.os.availableParallelism() : node.os.cpus().length;
  // A browser: every core inside a Web Worker that can have the pool; one thread on a page's main
  // thread (whose waits would be busy ones) or where the pool cannot start.
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  return webPoolAvailable() && !onPageMainThread() ? Math.max(1, cores) : 1;
}

/** What the pool has done since the process started: threads wanted, workers running, jobs split (in all and per kernel) and rows the workers computed. */
export function poolStats(): { threads: number; workers: number; splitJobs: number; workerRows: number; splitsByKernel: Record<string, number> } {
  const splitsByKernel: Record<string, number> = {};
  TASK_NAMES.forEach((name, i) => {
    if (splitsByTask[i] > 0) splitsByKernel[name] = splitsByTask[i];
  });
  return { threads: getThreads(), workers: pool === null ? 0 : pool.length, splitJobs, workerRows, splitsByKernel };
}

/** The number of threads large kernels are split across (the calling thread included). */
export function getThreads(): number {
  if (wanted === null) wanted = defaultThreads();
  return wanted;
}

/**
 * Sets the number of threads large kernels are split across, the calling thread included
 * (1 = everything on the calling thread). Results do not depend on it, only speed. Default: the
 * LAMINA_THREADS environment variable, else the number of cores.
 */
export function setThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setThreads: expected a whole number of threads >= 1, got ${n}`);
  if (n === wanted) return;
  wanted = n;
  stopPool();
  if (n > 1) poolPossible(n);
}

/**
 * Terminates the pool's workers now (they would otherwise live, idle, until the process ends);
 * the next large op starts them again. For a long-lived process that is done with training.
 */
export function stopWorkers(): void {
  stopPool();
}

/** Terminates the workers (a later split starts new ones). */
function stopPool(): void {
  if (pool === null) return;
  for (const thread of pool) thread.stop();
  pool = null;
  bufferIds = new WeakMap();
}

/**
 * Whether this platform can run a pool (shared memory, and Node's worker threads or Web Workers
 * with the ES module bundle); if not, says so once (when `n` > 1 threads were asked for).
 */
function poolPossible(n: number): boolean {
  const missing = !sharedMemoryAvailable()
    ? 'shared memory (SharedArrayBuffer needs cross-origin isolation: COOP and COEP headers)'
    : nodeModules() === null && !webPoolAvailable() ? 'worker threads (Node) or Web Workers with the ES module bundle (dist/lamina.mjs)' : null;
  if (missing !== null && n > 1 && !warnedSingleThread) {
    warnedSingleThread = true;
    console.warn(`lamina: ${n} threads asked for, but this platform has no ${missing}; running on one thread`);
  }
  return missing === null;
}

/**
 * The pool's workers, started on first use; empty when one thread is wanted or the platform has
 * no workers. Starting waits until each worker serves (tens of milliseconds), so a split never
 * depends on a worker that is still loading.
 */
function workers(): Thread[] {
  if (pool !== null) return pool;
  const n = getThreads();
  if (n === 1) return (pool = []);
  const node = nodeModules();
  if (!poolPossible(n)) return (pool = []);
  job = new Int32Array(new SharedArrayBuffer(JOB_INTS * 4));
  jobArgs = new Int32Array(new SharedArrayBuffer(MAX_ARGS * 4));
  const started: Thread[] = [];
  if (node !== null) {
    for (let i = 0; i < n - 1; i++) started.push(startWorker(node, i + 1));
    for (let i = 0; i < started.length; i++) awaitReady(started[i], i + 1);
  } else {
    // Web Workers load in the background: jobs run here until they are ready, then with them.
    for (let i = 0; i < n - 1; i++) started.push(startWebWorker(i + 1, newSetup()));
  }
  return (pool = started);
}

/** A worker's control block and error bytes, with the pool's job block and arguments. */
function newSetup(): WorkerSetup {
  return {
    control: new Int32Array(new SharedArrayBuffer(CONTROL_INTS * 4)),
    job,
    args: jobArgs,
    error: new Uint8Array(new SharedArrayBuffer(ERROR_BYTES)),
  };
}

/**
 * Starts worker `index`: a bootstrap that loads kernels/parallel-worker (compiling the TypeScript
 * sources on the fly when Lamina itself runs from them, as under jest) and serves.
 */
function startWorker(node: NonNullable<ReturnType<typeof nodeModules>>, number: number): Thread {
  const extension = node.path.extname(__filename);
  const setup = newSetup();
  const channel = new node.threads.MessageChannel();
  const worker = new node.threads.Worker(WORKER_BOOTSTRAP, {
    eval: true,
    workerData: {
      setup,
      port: channel.port2,
      entry: node.path.join(__dirname, `parallel-worker${extension}`),
      typescript: extension === '.ts' ? require.resolve('typescript') : null,
      thread: number,
    },
    transferList: [channel.port2],
  });
  worker.unref();
  channel.port1.unref();
  const port = channel.port1;
  const thread: Thread = {
    post: (message) => port.postMessage(message),
    stop: () => {
      port.close();
      void worker.terminate();
    },
    control: setup.control,
    error: setup.error,
    exit: null,
  };
  // The job loop catches what a task throws; a worker that still dies (killed, out of memory)
  // is noticed here, between ops, and reported when the pool is next used.
  worker.on('error', (e) => { thread.exit ??= e.message; });
  worker.on('exit', (code) => { thread.exit ??= `exited with code ${code}`; });
  return thread;
}

/** Waits (synchronously) until worker `index` serves; throws what it failed with if it could not start. */
function awaitReady(thread: Thread, index: number): void {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Atomics.load(thread.control, READY) === 0) {
    const left = deadline - Date.now();
    if (left <= 0) {
      stopPool();
      throw new Error(`parallel: worker ${index} did not start within ${START_TIMEOUT_MS / 1000} s`);
    }
    Atomics.wait(thread.control, READY, 0, left);
  }
  if (Atomics.load(thread.control, READY) < 0) {
    const message = errorMessage(thread);
    stopPool();
    throw new Error(`parallel: worker ${index} failed to start: ${message}`);
  }
}

/** The bootstrap every worker evaluates (plain JavaScript, so it runs before any compilation). */
const WORKER_BOOTSTRAP = `
const { workerData } = require('worker_threads');
const { setup, port, entry, typescript } = workerData;
try {
  if (typescript !== null) {
    // Lamina runs from its TypeScript sources (jest): compile each required .ts file as it loads.
    const ts = require(typescript);
    const fs = require('fs');
    require.extensions['.ts'] = (module, filename) => {
      const source = fs.readFileSync(filename, 'utf8');
      const output = ts.transpileModule(source, { fileName: filename, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true } });
      module._compile(output.outputText, filename);
    };
  }
  require(entry).serve(setup, port, workerData.thread);
} catch (e) {
  const bytes = new TextEncoder().encode(String(e && e.stack || e)).subarray(0, setup.error.length);
  setup.error.set(bytes);
  setup.control[${ERROR_LENGTH}] = bytes.length;
  Atomics.store(setup.control, ${READY}, -1);
  Atomics.notify(setup.control, ${READY});
}
`;

/** Worker `thread`'s error message (UTF-8 in its error bytes). */
function errorMessage(thread: Thread): string {
  return new TextDecoder().decode(thread.error.slice(0, thread.control[ERROR_LENGTH]));
}

/** The id the workers know `buffer` by, registering it with them on first use. */
function bufferId(buffer: SharedArrayBuffer, threads: Thread[]): number {
  let id = bufferIds.get(buffer);
  if (id !== undefined) return id;
  id = nextBufferId++;
  bufferIds.set(buffer, id);
  for (const thread of threads) thread.post({ id, buffer });
  collected.register(buffer, { pool: threads, id });
  return id;
}

/**
 * How many threads an op of `rows` output rows (split in groups of `align`) and `work`
 * multiply-adds would be split across: 1 when it is too small for a hand-off to pay.
 */
export function threadsFor(work: number, rows: number, align: number): number {
  const n = wanted ?? getThreads();
  if (n === 1) return 1;
  return Math.max(1, Math.min(n, Math.ceil(rows / align), Math.floor(work / MIN_WORK_PER_THREAD)));
}

/** args into the job's Int32Array, each checked to be a 32-bit integer (a task's arguments are sizes, codes and flags). */
function copyArgs(task: number, args: readonly number[], into: Int32Array): void {
  for (let i = 0; i < args.length; i++) {
    if ((args[i] | 0) !== args[i]) throw new RangeError(`parallel: the arguments of task ${TASK_NAMES[task]} must be 32-bit integers, got ${args[i]} at ${i}`);
    into[i] = args[i];
  }
}

/**
 * Runs task `task` (an index into kernels/parallel-tasks.ts) over `rows` output rows on
 * `threadsFor(work, rows, align)` threads: the rows are cut into chunks that start on multiples
 * of `align` (about CHUNKS_PER_THREAD per thread), and the calling thread and the workers take
 * chunks until none is left. Buffers must be SharedArrayBuffer views (else everything runs here).
 * Throws, after every chunk has finished, the first error a thread raised.
 */
export function runRows(task: number, rows: number, align: number, work: number, buffers: readonly Float32Array[], args: readonly number[]): void {
  const run = TASKS[task];
  const wantedThreads = threadsFor(work, rows, align);
  const threads = wantedThreads > 1 && allShared(buffers) ? workers() : null;
  if (threads === null || threads.length === 0) {
    copyArgs(task, args, localArgs);
    run(buffers, localArgs, 0, rows, 0);
    return;
  }
  checkAlive(threads);
  const ready = readyWorkers(threads);
  if (ready === 0) {
    copyArgs(task, args, localArgs);
    run(buffers, localArgs, 0, rows, 0);
    return;
  }
  if (buffers.length > MAX_BUFFERS || args.length > MAX_ARGS) {
    throw new RangeError(`parallel: a job takes at most ${MAX_BUFFERS} buffers and ${MAX_ARGS} arguments, got ${buffers.length} and ${args.length}`);
  }
  // Write the job where every worker reads it.
  const used = Math.min(wantedThreads, ready + 1);
  job[JOB_TASK] = task;
  job[JOB_ROWS] = rows;
  job[JOB_CHUNK] = Math.ceil(Math.ceil(rows / align) / (used * CHUNKS_PER_THREAD)) * align;
  Atomics.store(job, JOB_NEXT_CHUNK, 0);
  job[JOB_BUFFER_COUNT] = buffers.length;
  for (let i = 0; i < buffers.length; i++) {
    const b = buffers[i];
    job[JOB_IDS + i] = bufferId(b.buffer as SharedArrayBuffer, threads);
    job[JOB_OFFSETS + i] = b.byteOffset >> 2;
    job[JOB_LENGTHS + i] = b.length;
  }
  copyArgs(task, args, jobArgs);
  // Wake `used - 1` workers, then take chunks here too.
  sequence++;
  engaged = used - 1;
  for (let w = 0; w < engaged; w++) {
    Atomics.store(threads[w].control, SEQ, sequence);
    Atomics.notify(threads[w].control, SEQ);
  }
  splitJobs++;
  splitsByTask[task]++;
  let failure: unknown = null;
  try {
    takeChunks(job, run, buffers, jobArgs, 0, null);
  } catch (e) {
    failure = e;
  }
  const workerFailure = joinWorkers(threads, task);
  if (failure !== null) throw failure;
  if (workerFailure !== null) throw workerFailure;
}

/** Throws (and retires the pool) if a worker has stopped since the last job. */
function checkAlive(threads: Thread[]): void {
  for (let w = 0; w < threads.length; w++) {
    const exit = threads[w].exit;
    if (exit === null) continue;
    stopPool();
    throw new Error(`parallel: worker ${w + 1} stopped (${exit}); the pool starts again on the next split`);
  }
}

/**
 * How many of the pool's first workers serve (all of them in Node, where starting waits for it; in
 * a browser the ones whose module has loaded). A Web Worker that failed to start is said once.
 */
function readyWorkers(threads: Thread[]): number {
  let ready = 0;
  while (ready < threads.length && Atomics.load(threads[ready].control, READY) === 1) ready++;
  if (ready < threads.length && Atomics.load(threads[ready].control, READY) < 0 && !warnedStartFailure) {
    warnedStartFailure = true;
    console.warn(`lamina: pool worker ${ready + 1} failed to start (${errorMessage(threads[ready])}); the work runs on fewer threads`);
  }
  return ready;
}

/** True when every buffer is a view of a SharedArrayBuffer. */
function allShared(buffers: readonly Float32Array[]): boolean {
  for (let i = 0; i < buffers.length; i++) if (!(buffers[i].buffer instanceof SharedArrayBuffer)) return false;
  return true;
}

/** Waits for every engaged worker to finish the current job; returns the first failure as an Error, or null. */
function joinWorkers(threads: Thread[], task: number): Error | null {
  let failure: Error | null = null;
  for (let w = 0; w < engaged; w++) {
    const control = threads[w].control;
    // Spin first (the chunks are out, so the worker is finishing its last one), then sleep.
    let done = Atomics.load(control, DONE);
    for (let spin = 0; done !== sequence && spin < SPINS; spin++) done = Atomics.load(control, DONE);
    while (done !== sequence) {
      // A page's main thread may not block: it keeps spinning there
      if (!blockingAllowed) {
        done = Atomics.load(control, DONE);
        continue;
      }
      Atomics.wait(control, DONE, done);
      done = Atomics.load(control, DONE);
    }
    workerRows += control[ROWS_DONE];
    if (failure === null && Atomics.load(control, STATUS) !== 0) {
      failure = new Error(`parallel: worker ${w + 1} failed in ${TASK_NAMES[task] ?? `task ${task}`} (rows ${control[ROW_START]} to ${control[ROW_END] - 1}): ${errorMessage(threads[w])}`);
    }
  }
  engaged = 0;
  return failure;
}
