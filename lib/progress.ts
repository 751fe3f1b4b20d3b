/**
 * Keras-like progress output for `fit({ verbose })`:
 * - verbose 1 on a terminal: `Epoch 3/10`, then a bar redrawn in place as batches finish
 *   (`12/32 [==========>...................] - ETA: 1s - loss: 0.6931`), then the epoch's line;
 * - verbose 1 elsewhere (a file, a pipe, CI) and verbose 2: `Epoch 3/10` and one line per epoch,
 *   `32/32 - 1s 31ms/step - loss: 0.6931 - accuracy: 0.5000 - val_loss: ...`.
 */
import { Logs } from './history';
import { nodeProcess, nowMs } from './platform';

/** Something to write progress to (process.stdout by default; the console in a browser). */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

const BAR = 30;

/** Lines for the browser's console: text is gathered until a newline, then logged. */
class ConsoleLines implements ProgressOutput {
  private pending = '';

  write(text: string): void {
    const parts = (this.pending + text).split('\n');
    this.pending = parts.pop() ?? '';
    for (const line of parts) console.log(line);
  }
}

/** Where progress goes by default: Node's stdout, or the console. */
function defaultOutput(): ProgressOutput {
  return nodeProcess()?.stdout ?? new ConsoleLines();
}

function formatLogs(logs: Logs): string {
  return Object.entries(logs)
    .map(([name, v]) => ` - ${name}: ${v.toFixed(4)}`)
    .join('');
}

/** `2ms/step`, `0.5ms/step`, `1s/step`. */
function perStep(seconds: number, steps: number): string {
  const ms = steps > 0 ? (seconds * 1000) / steps : 0;
  if (ms >= 1000) return `${Math.round(ms / 1000)}s/step`;
  return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)}ms/step`;
}

/** The final line of an epoch (without the `Epoch k/n` header). */
export function epochSummaryLine(steps: number, seconds: number, logs: Logs, withBar: boolean): string {
  const bar = withBar ? ` [${'='.repeat(BAR)}]` : '';
  return `${steps}/${steps}${bar} - ${Math.round(seconds)}s ${perStep(seconds, steps)}${formatLogs(logs)}`;
}

/** `Epoch 3/10\n1/1 - 0s 2.0ms/step - loss: ...\n` (verbose 2, or verbose 1 off a terminal). */
export function epochLine(epoch: number, epochs: number, steps: number, seconds: number, logs: Logs): string {
  return `Epoch ${epoch + 1}/${epochs}\n${epochSummaryLine(steps, seconds, logs, false)}\n`;
}

/** Progress of one epoch. */
export class EpochProgress {
  private readonly started = nowMs();
  private lastDraw = -Infinity;
  private readonly live: boolean;

  constructor(
    private readonly epoch: number,
    private readonly epochs: number,
    private readonly steps: number,
    verbose: 0 | 1 | 2,
    private readonly out: ProgressOutput = defaultOutput(),
  ) {
    this.live = verbose === 1 && out.isTTY === true;
    if (this.live) out.write(`Epoch ${epoch + 1}/${epochs}\n`);
  }

  /** True when batch updates are drawn (verbose 1 on a terminal); callers skip building logs otherwise. */
  get wantsBatches(): boolean {
    return this.live;
  }

  private seconds(): number {
    return (nowMs() - this.started) / 1000;
  }

  /** Redraws the bar after `done` batches (at most every 50 ms). */
  batch(done: number, logs: Logs): void {
    if (!this.live) return;
    const elapsed = this.seconds();
    if (elapsed - this.lastDraw < 0.05 && done < this.steps) return;
    this.lastDraw = elapsed;
    const filled = Math.floor((BAR * done) / this.steps);
    const bar = done >= this.steps ? '='.repeat(BAR) : `${'='.repeat(Math.max(filled - 1, 0))}>${'.'.repeat(BAR - Math.max(filled, 1))}`;
    const eta = Math.round((elapsed / done) * (this.steps - done));
    const width = String(this.steps).length;
    this.out.write(`\r${String(done).padStart(width)}/${this.steps} [${bar}] - ETA: ${eta}s${formatLogs(logs)}\x1b[K`);
  }

  /** Writes the epoch's final line. */
  end(logs: Logs): void {
    const seconds = this.seconds();
    if (this.live) this.out.write(`\r${epochSummaryLine(this.steps, seconds, logs, true)}\x1b[K\n`);
    else this.out.write(epochLine(this.epoch, this.epochs, this.steps, seconds, logs));
  }
}
