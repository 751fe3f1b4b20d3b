/**
 * How every thread of the pool, the calling one included, works through a job: it takes the next
 * chunk of rows with Atomics.add until the chunks run out. A thread that is slower (or woke up
 * later) simply takes fewer chunks; which thread computes a row never changes the row's bits.
 */
import { JOB_CHUNK, JOB_NEXT_CHUNK, JOB_ROWS, ROW_END, ROW_START } from './parallel-layout';
import { SliceTask } from './parallel-tasks';

/**
 * Runs `task` on chunks of the job in `job` until none is left; returns the rows it did. Before
 * each chunk its rows go into control[ROW_START], control[ROW_END] (so a failure can say where).
 */
export function takeChunks(job: Int32Array, task: SliceTask, buffers: readonly Float32Array[], args: Int32Array, thread: number, control: Int32Array | null): number {
  const rows = job[JOB_ROWS];
  const chunk = job[JOB_CHUNK];
  let done = 0;
  // Take chunk after chunk: rows [c * chunk, (c + 1) * chunk) for the c each Atomics.add hands out.
  for (let c = Atomics.add(job, JOB_NEXT_CHUNK, 1); c * chunk < rows; c = Atomics.add(job, JOB_NEXT_CHUNK, 1)) {
    const r0 = c * chunk;
    const r1 = Math.min(rows, r0 + chunk);
    if (control !== null) {
      control[ROW_START] = r0;
      control[ROW_END] = r1;
    }
    task(buffers, args, r0, r1, thread);
    done += r1 - r0;
  }
  return done;
}
