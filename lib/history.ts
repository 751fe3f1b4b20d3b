/** What `fit` returns: per-epoch logs, Keras' `History`. */

/** Per-epoch values by name: `loss`, each metric as asked for, and their `val_` twins. */
export type Logs = Record<string, number>;

export class History {
  /** `history.loss[e]` is the training loss of epoch e; `acc` and `accuracy` are both readable. */
  readonly history: Record<string, number[]> = {};
  /** The epoch numbers (0-based), one per entry of each series. */
  readonly epoch: number[] = [];

  /** Appends one epoch's logs. */
  record(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [name, value] of Object.entries(logs)) {
      if (!Object.prototype.hasOwnProperty.call(this.history, name)) this.addSeries(name);
      this.history[name].push(value);
    }
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

/** `acc` <-> `accuracy` and `val_acc` <-> `val_accuracy`; null for other names. */
function accuracyTwin(name: string): string | null {
  const pairs: Record<string, string> = { acc: 'accuracy', accuracy: 'acc', val_acc: 'val_accuracy', val_accuracy: 'val_acc' };
  return pairs[name] ?? null;
}
