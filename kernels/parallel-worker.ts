/**
 * What each Node worker of the pool (kernels/parallel.ts) runs: wait for the caller to bump SEQ,
 * run the job (kernels/parallel-job.ts), report DONE, wait again. The worker's event loop never
 * turns; new shared buffers arrive as messages it reads synchronously from its port.
 */
import type { MessagePort } from 'worker_threads';
import { receiveMessageOnPort } from 'worker_threads';
import { BufferMessage, DONE, SEQ, WorkerSetup } from './parallel-layout';
import { announceReady, learnBuffer, runJob, spinForJob } from './parallel-job';

/** Serves jobs forever (the pool terminates the worker, or the process ends); `thread` is this worker's number (1, 2, ...). */
export function serve(setup: WorkerSetup, port: MessagePort, thread: number): void {
  const { control } = setup;
  let last = announceReady(control);
  for (;;) {
    // Spin a little, then sleep until SEQ moves.
    const seq = spinForJob(control, last);
    if (seq === last) {
      Atomics.wait(control, SEQ, last);
      continue;
    }
    last = seq;
    readMessages(port);
    runJob(setup, thread);
    Atomics.store(control, DONE, seq);
    Atomics.notify(control, DONE);
  }
}

/** Takes every pending message: buffers to learn, ids to forget. */
function readMessages(port: MessagePort): void {
  for (let received = receiveMessageOnPort(port); received !== undefined; received = receiveMessageOnPort(port)) {
    learnBuffer(received.message as BufferMessage);
  }
}
