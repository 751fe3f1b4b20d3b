/**
 * What a pool worker does with one job, in Node's worker_threads (kernels/parallel-worker.ts) and
 * in a browser's Web Workers (kernels/parallel-web-worker.ts) alike: point its views at the job's
 * shared buffers, take chunks of rows until none is left, and report how it went in its control block.
 */
import { BufferMessage, ERROR_LENGTH, JOB_BUFFER_COUNT, JOB_IDS, JOB_LENGTHS, JOB_OFFSETS, JOB_TASK, MAX_BUFFERS, READY, ROWS_DONE, SEQ, SPINS, STATUS, WorkerSetup } from './parallel-layout';
import { takeChunks } from './parallel-chunks';
import { TASKS } from './parallel-tasks';

/** The shared buffers this worker knows, by id. */
const buffers = new Map<number, SharedArrayBuffer>();
/** The views handed to tasks, one per job slot, kept while a slot names the same memory. */
const views: Float32Array[] = [];
const viewIds = new Int32Array(MAX_BUFFERS);
const viewOffsets = new Int32Array(MAX_BUFFERS);
const viewLengths = new Int32Array(MAX_BUFFERS).fill(-1);

/** Says READY (after reading the job counter: the first job may come the moment the caller sees it); returns the counter read. */
export function announceReady(control: Int32Array): number {
  const last = Atomics.load(control, SEQ);
  Atomics.store(control, READY, 1);
  Atomics.notify(control, READY);
  return last;
}

/**
 * The job counter after a short spin while it still reads `last` (the next op of a step usually
 * follows at once): a new value means a job to run, `last` means the worker should sleep.
 */
export function spinForJob(control: Int32Array, last: number): number {
  let seq = Atomics.load(control, SEQ);
  for (let spin = 0; seq === last && spin < SPINS; spin++) seq = Atomics.load(control, SEQ);
  return seq;
}

/** A message from the calling thread: a buffer to learn, or an id to forget. */
export function learnBuffer(message: BufferMessage): void {
  if ('release' in message) buffers.delete(message.release);
  else buffers.set(message.id, message.buffer);
}

/** The id of a buffer the current job names that this worker has not been sent yet, or -1. */
export function missingBuffer(job: Int32Array): number {
  const count = job[JOB_BUFFER_COUNT];
  for (let i = 0; i < count; i++) if (!buffers.has(job[JOB_IDS + i])) return job[JOB_IDS + i];
  return -1;
}

/** Takes chunks of the current job until none is left; an exception becomes STATUS 1 and a message. */
export function runJob(setup: WorkerSetup, thread: number): void {
  const { control, job, args, error } = setup;
  control[ROWS_DONE] = 0;
  try {
    const count = job[JOB_BUFFER_COUNT];
    for (let i = 0; i < count; i++) bindView(i, job[JOB_IDS + i], job[JOB_OFFSETS + i], job[JOB_LENGTHS + i]);
    const task = TASKS[job[JOB_TASK]];
    if (task === undefined) throw new RangeError(`unknown task ${job[JOB_TASK]} (the pool knows ${TASKS.length})`);
    control[ROWS_DONE] = takeChunks(job, task, views, args, thread, control);
    Atomics.store(control, STATUS, 0);
  } catch (e) {
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    const bytes = new TextEncoder().encode(message).subarray(0, error.length);
    error.set(bytes);
    control[ERROR_LENGTH] = bytes.length;
    Atomics.store(control, STATUS, 1);
  }
}

/** Points slot `slot` at `length` floats from element `offset` of buffer `id` (a new view only when that changes). */
function bindView(slot: number, id: number, offset: number, length: number): void {
  if (viewIds[slot] === id && viewOffsets[slot] === offset && viewLengths[slot] === length && views[slot] !== undefined) return;
  const buffer = buffers.get(id);
  if (buffer === undefined) throw new Error(`shared buffer ${id} of slot ${slot} was never sent to this worker`);
  views[slot] = new Float32Array(buffer, offset * 4, length);
  viewIds[slot] = id;
  viewOffsets[slot] = offset;
  viewLengths[slot] = length;
}
