/**
 * What each browser Web Worker of the pool (kernels/parallel.ts) runs. As in Node, the worker
 * waits for the caller to bump SEQ, runs the job (kernels/parallel-job.ts) and reports DONE; but a
 * Web Worker can only receive messages (the shared buffers the caller registers) when its event
 * loop turns, so it sleeps with Atomics.waitAsync between jobs rather than blocking, and when a
 * job names a buffer not received yet it lets the loop turn until the message is in.
 */
import { BufferMessage, DONE, SEQ, WorkerSetup } from './parallel-layout';
import { announceReady, learnBuffer, missingBuffer, runJob, spinForJob } from './parallel-job';

/** The slice of a worker's global scope used here. */
export interface WorkerScope {
  onmessage: ((event: { data: unknown }) => void) | null;
}

/** How long a job may wait for a buffer message before it runs anyway (and reports the missing buffer as its error). */
const MESSAGE_WAIT_MS = 5000;

/** One turn of the event loop (messages are delivered meanwhile). */
function turn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Resolves when control[SEQ] is no longer `last` (or after a while), without blocking the event loop. */
function sequenceMoved(control: Int32Array, last: number): Promise<unknown> {
  const waitAsync = (Atomics as unknown as { waitAsync?: (a: Int32Array, i: number, v: number, t?: number) => { async: boolean; value: unknown } }).waitAsync;
  if (waitAsync !== undefined) {
    const result = waitAsync(control, SEQ, last);
    return result.async ? (result.value as Promise<unknown>) : Promise.resolve();
  }
  // No waitAsync: sleep a little, then let the loop turn.
  Atomics.wait(control, SEQ, last, 2);
  return turn();
}

/**
 * Serves jobs for as long as the worker lives. `setup` holds the shared control and job blocks
 * (the first message the pool sends); `scope` is the worker's global scope, whose later messages
 * are buffers to learn or forget. `thread` is this worker's number (1, 2, ...).
 */
export async function servePoolWorker(setup: WorkerSetup, scope: WorkerScope, thread: number): Promise<void> {
  scope.onmessage = (event) => learnBuffer(event.data as BufferMessage);
  const { control, job } = setup;
  let last = announceReady(control);
  for (;;) {
    // Spin a little, then sleep (without blocking the event loop) until SEQ moves.
    const seq = spinForJob(control, last);
    if (seq === last) {
      await sequenceMoved(control, last);
      continue;
    }
    last = seq;
    // A buffer this job names may still be in the message queue: let the loop turn until it is in.
    const deadline = Date.now() + MESSAGE_WAIT_MS;
    while (missingBuffer(job) >= 0 && Date.now() < deadline) await turn();
    runJob(setup, thread);
    Atomics.store(control, DONE, seq);
    Atomics.notify(control, DONE);
  }
}
