/**
 * The shared-memory layout through which the calling thread hands work to the pool's workers
 * (kernels/parallel.ts writes it, kernels/parallel-worker.ts reads it). No message is sent per
 * job: the caller writes the job into shared memory and bumps a counter the worker waits on.
 */

/** Shared buffers a job can name (views of SharedArrayBuffers). */
export const MAX_BUFFERS = 12;
/** Numeric arguments a job can carry. */
export const MAX_ARGS = 16;
/** Bytes of a worker's error message (UTF-8, cut to fit). */
export const ERROR_BYTES = 2048;

/**
 * One worker's control block (Int32Array): the caller bumps SEQ to wake it for the current job;
 * the worker takes chunks of rows until none is left, sets STATUS (0 ok, 1 failed, message in its
 * error bytes, the failing chunk's rows in ROW_START and ROW_END), counts the rows it did in
 * ROWS_DONE and then sets DONE = SEQ. READY is 1 once the worker serves, -1 if it failed to start.
 */
export const SEQ = 0;
export const DONE = 1;
export const STATUS = 2;
export const ROW_START = 3;
export const ROW_END = 4;
export const READY = 5;
export const ERROR_LENGTH = 6;
export const ROWS_DONE = 7;
export const CONTROL_INTS = 8;

/**
 * The job block, one for all workers (Int32Array): which task, its rows, the chunk size and the
 * next chunk to take (every thread, the caller included, takes chunks with Atomics.add until they
 * run out, so a slower thread simply does fewer), how many buffers, and for each buffer its
 * registered id, element offset and length in that SharedArrayBuffer. The numeric arguments go in
 * an Int32Array of MAX_ARGS beside it (whole numbers only: sizes, codes and flags, read by the
 * kernels as small integers, so V8 keeps their index arithmetic in int32; doubles there would make
 * every kernel the pool runs, and the same kernel on this thread afterwards, markedly slower).
 */
export const JOB_TASK = 0;
export const JOB_ROWS = 1;
export const JOB_CHUNK = 2;
export const JOB_NEXT_CHUNK = 3;
export const JOB_BUFFER_COUNT = 4;
export const JOB_IDS = 5;
export const JOB_OFFSETS = JOB_IDS + MAX_BUFFERS;
export const JOB_LENGTHS = JOB_OFFSETS + MAX_BUFFERS;
export const JOB_INTS = JOB_LENGTHS + MAX_BUFFERS;

/**
 * Checks of a counter before sleeping on it: a worker spins this long after each job (and the
 * caller before it sleeps on a worker), so the ops of one step pass from thread to thread in
 * microseconds instead of a futex wake (measured ~2 us vs ~60 us a round trip).
 */
export const SPINS = 20000;

/** What the calling thread posts on a worker's port: a new shared buffer and its id, or an id to forget. */
export type BufferMessage = { id: number; buffer: SharedArrayBuffer } | { release: number };

/** What a worker is started with. */
export interface WorkerSetup {
  control: Int32Array;
  job: Int32Array;
  args: Int32Array;
  error: Uint8Array;
}
