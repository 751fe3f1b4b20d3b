/**
 * What each worker of the pool (kernels/parallel.ts) runs: wait for the caller to bump SEQ, run
 * the task it names on the rows it was given, report DONE, wait again. The worker's event loop
 * never turns; new shared buffers arrive as messages it reads synchronously from its port.
 */
import type { MessagePort } from 'worker_threads';
import { receiveMessageOnPort } from 'worker_threads';
import {
  BufferMessage, DONE, ERROR_LENGTH, JOB_BUFFER_COUNT, JOB_IDS, JOB_LENGTHS, JOB_OFFSETS, JOB_TASK, MAX_BUFFERS,
  READY, ROW_END, ROW_START, ROWS_DONE, SEQ, SPINS, STATUS, WorkerSetup,
} from './parallel-layout';
import { takeChunks } from './parallel-chunks';
import { TASKS } from './parallel-tasks';

/** The shared buffers this worker knows, by id. */
const buffers = new Map<number, SharedArrayBuffer>();
/** The views handed to tasks, one per job slot, kept while a slot names the same memory. */
const views: Float32Array[] = [];
const viewIds = new Int32Array(MAX_BUFFERS);
const viewOffsets = new Int32Array(MAX_BUFFERS);
const viewLengths = new Int32Array(MAX_BUFFERS).fill(-1);

/** Serves jobs forever (the pool terminates the worker, or the process ends); `thread` is this worker's number (1, 2, ...). */
export function serve(setup: WorkerSetup, port: MessagePort, thread: number): void {
  const { control } = setup;
  // Read the counter before saying READY: the first job may come the moment the caller sees it.
  let last = Atomics.load(control, SEQ);
  Atomics.store(control, READY, 1);
  Atomics.notify(control, READY);
  for (;;) {
    // Spin a little (the next op of a step usually follows at once), then sleep until SEQ moves.
    let seq = Atomics.load(control, SEQ);
    for (let spin = 0; seq === last && spin < SPINS; spin++) seq = Atomics.load(control, SEQ);
    if (seq === last) {
      Atomics.wait(control, SEQ, last);
      continue;
    }
    last = seq;
    runJob(setup, port, thread);
    Atomics.store(control, DONE, seq);
    Atomics.notify(control, DONE);
  }
}

/** Takes chunks of the current job until none is left; an exception becomes STATUS 1 and a message. */
function runJob(setup: WorkerSetup, port: MessagePort, thread: number): void {
  const { control, job, args, error } = setup;
  control[ROWS_DONE] = 0;
  try {
    readMessages(port);
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

/** Takes every pending message: buffers to learn, ids to forget. */
function readMessages(port: MessagePort): void {
  for (let received = receiveMessageOnPort(port); received !== undefined; received = receiveMessageOnPort(port)) {
    const message = received.message as BufferMessage;
    if ('release' in message) buffers.delete(message.release);
    else buffers.set(message.id, message.buffer);
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
