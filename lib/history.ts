/** What `fit` returns: per-epoch logs, Keras' `History`. */

/** Per-epoch values by name: `loss`, each metric as asked for, and their `val_` twins. */
export type Logs = Record<string, number>;

/** What `fit` returns (Keras' History): per-epoch logs by name, and the epoch numbers. */
export class History {
  /** `history.loss[e]` is the training loss of epoch e; `acc` and `accuracy` are both readable. */
  readonly history: Record<string, number[]> = {};
  /** The epoch numbers (0-based), one per entry of each series. */
  readonly epoch: number[] = [];
  /** Epochs recorded so far. */
  private count = 0;

  /**
   * @param capacity the number of epochs `fit` will run: each series is allocated at that length
   *   on its first record, so recording never grows the heap during training (`finish` trims it
   *   if training stopped early).
   */
  constructor(private readonly capacity = 0) {}

  /** Appends one epoch's logs. */
  record(epoch: number, logs: Logs): void {
    const at = this.count++;
    setAt(this.epoch, at, epoch, this.capacity);
    for (const [name, value] of Object.entries(logs)) {
      if (!Object.prototype.hasOwnProperty.call(this.history, name)) this.addSeries(name);
      setAt(this.history[name], at, value, this.capacity);
    }
  }

  /** Trims every series to the epochs actually recorded. */
  finish(): void {
    this.epoch.length = this.count;
    for (const values of Object.values(this.history)) values.length = this.count;
  }

  private addSeries(name: string): void {
    const values: number[] = [];
    this.history[name] = values;
    // `acc` and `accuracy` name the same series (the tutorial reads history.history['acc']).
    const twin = accuracyTwin(name);
    if (twin !== null && !(twin in this.history)) {
      Object.defineProperty(this.history, twin, { value: values, enumerable: false });
    }
  }
}

/** values[at] = value, reserving `capacity` slots (NaN) on the first write. */
function setAt(values: number[], at: number, value: number, capacity: number): void {
  if (values.length === 0 && capacity > 0) for (let i = 0; i < capacity; i++) values.push(NaN);
  if (at < values.length) values[at] = value;
  else values.push(value);
}

/** `acc` <-> `accuracy` and `val_acc` <-> `val_accuracy`; null for other names. */
function accuracyTwin(name: string): string | null {
  const pairs: Record<string, string> = { acc: 'accuracy', accuracy: 'acc', val_acc: 'val_accuracy', val_accuracy: 'val_acc' };
  return pairs[name] ?? null;
}
