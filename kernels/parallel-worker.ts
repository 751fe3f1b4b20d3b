/**
 * What each Node worker of the pool (kernels/parallel.ts) runs: wait for the caller to bump SEQ,
 * run the job (kernels/parallel-job.ts), report DONE, wait again. The worker's event loop never
 * turns; new shared buffers arrive as messages it reads synchronously from its port.
 */
import type { MessagePort } from 'worker_threads';
import { receiveMessageOnPort } from 'worker_threads';
import { BufferMessage, DONE, READY, SEQ, SPINS, WorkerSetup } from './parallel-layout';
import { learnBuffer, runJob } from './parallel-job';

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
