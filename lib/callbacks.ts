/**
 * Hooks into `fit`, as Keras callbacks: an object with any of the methods below (each may return
 * a promise, which `fit` awaits), and the built-in ones: EarlyStopping, TerminateOnNaN,
 * LearningRateScheduler, ReduceLROnPlateau.
 */
import { Logs } from './history';
import { checkOptions, optionKeys } from './options';
import { describe, Tensor } from './tensor';

/** What a callback may ask of the model being fitted. */
export interface FittedModel {
  /** Set to true to end training after the current epoch. */
  stopTraining: boolean;
  /** The optimizer, whose learning rate a schedule may change. */
  readonly optimizer: { learningRate: number };
  /** Copies of the weights. */
  getWeights(): Tensor[];
  /** Replaces the weights' values. */
  setWeights(weights: readonly Tensor[]): void;
  /** Saves the model (TensorFlow.js's format). */
  save(url: string): Promise<unknown>;
}

/** A hook into `fit` (Keras' Callback) with some of the methods below; epochs and batches count from 0. */
export interface Callback {
  /** Called once before training with the model being fitted. */
  setModel?(model: FittedModel): void;
  /** Before the first epoch. */
  onTrainBegin?(logs: Logs): void | Promise<void>;
  /** After the last epoch, with the last epoch's logs. */
  onTrainEnd?(logs: Logs): void | Promise<void>;
  /** Before each epoch. */
  onEpochBegin?(epoch: number, logs: Logs): void | Promise<void>;
  /** After each epoch, with its logs: loss, metrics and their val_ twins. */
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  /** After each optimizer step, with the running loss and metrics of the epoch so far. */
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
}

/** Base of the built-in callbacks: keeps the model it is given. */
abstract class ModelCallback implements Callback {
  protected model: FittedModel | null = null;
  setModel(model: FittedModel): void {
    this.model = model;
  }
  protected requireModel(): FittedModel {
    if (this.model === null) throw new Error(`${this.constructor.name}: used outside fit (no model was set)`);
    return this.model;
  }
}

/** Tracks the best value of a monitored log: lower is better for losses and errors, higher otherwise. */
class Monitor {
  best: number;
  private readonly sign: number;
  constructor(
    readonly name: string,
    mode: 'auto' | 'min' | 'max',
    private readonly minDelta: number,
  ) {
    const higherIsBetter = mode === 'max' || (mode === 'auto' && /acc|accuracy/.test(name) && !/loss/.test(name));
    this.sign = higherIsBetter ? 1 : -1;
    this.best = higherIsBetter ? -Infinity : Infinity;
  }
  /** The monitored value in `logs`, or an Error naming what is there. */
  read(where: string, logs: Logs): number {
    const value = logs[this.name];
    if (value === undefined) {
      throw new Error(`${where}: monitor '${this.name}' is not in the logs; available: ${Object.keys(logs).join(', ')} (val_ metrics need validationData)`);
    }
    return value;
  }
  /** True (and remembered) when `value` beats the best by more than minDelta. */
  improves(value: number): boolean {
    if (this.sign * (value - this.best) > this.minDelta) {
      this.best = value;
      return true;
    }
    return false;
  }
}

/** Options of `EarlyStopping`. */
export interface EarlyStoppingArgs {
  /** The log to watch (default `'val_loss'`). */
  monitor?: string;
  /** The smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Epochs without improvement before stopping (default 0). */
  patience?: number;
  mode?: 'auto' | 'min' | 'max';
  /** At the end, put back the weights of the best epoch (default false). */
  restoreBestWeights?: boolean;
}

/** Stops training when `monitor` has not improved for `patience` epochs (Keras' EarlyStopping). */
export class EarlyStopping extends ModelCallback {
  /** The epoch at which training stopped (0 if it ran to the end). */
  stoppedEpoch = 0;
  /** The epoch with the best monitored value. */
  bestEpoch = 0;
  private monitor: Monitor;
  private wait = 0;
  private bestWeights: Tensor[] | null = null;
  private readonly args: Required<EarlyStoppingArgs>;

  constructor(args: EarlyStoppingArgs = {}) {
    super();
    const known = optionKeys<EarlyStoppingArgs>({ monitor: true, minDelta: true, patience: true, mode: true, restoreBestWeights: true });
    this.args = { monitor: 'val_loss', minDelta: 0, patience: 0, mode: 'auto', restoreBestWeights: false, ...checkOptions('EarlyStopping', args, known) };
    const { patience, minDelta } = this.args;
    if (!Number.isInteger(patience) || patience < 0) throw new RangeError(`EarlyStopping: patience must be a non-negative integer, got ${describe(patience)}`);
    if (!(minDelta >= 0)) throw new RangeError(`EarlyStopping: minDelta must be >= 0, got ${describe(minDelta)}`);
    this.monitor = new Monitor(this.args.monitor, this.args.mode, Math.abs(minDelta));
  }

  onTrainBegin(): void {
    this.monitor = new Monitor(this.args.monitor, this.args.mode, Math.abs(this.args.minDelta));
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.bestWeights = null;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const model = this.requireModel();
    const value = this.monitor.read('EarlyStopping', logs);
    if (this.monitor.improves(value)) {
      this.bestEpoch = epoch;
      this.wait = 0;
      if (this.args.restoreBestWeights) this.bestWeights = model.getWeights();
      return;
    }
    // Keras' rule: stop once `patience` epochs in a row brought no improvement.
    this.wait++;
    if (this.wait >= this.args.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      model.stopTraining = true;
    }
  }

  onTrainEnd(): void {
    if (this.args.restoreBestWeights && this.bestWeights !== null) this.requireModel().setWeights(this.bestWeights);
  }
}

/** Options of `ModelCheckpoint`. */
export interface ModelCheckpointArgs {
  /** The log to watch for `saveBestOnly` (default `'val_loss'`). */
  monitor?: string;
  /** Save only when `monitor` improves on the best so far (default false: every epoch). */
  saveBestOnly?: boolean;
  mode?: 'auto' | 'min' | 'max';
}

/**
 * Saves the model at the end of epochs (Keras' ModelCheckpoint), in TensorFlow.js's format.
 * `path` may hold `{epoch}` (1-based, as Keras numbers the files) and any log name, e.g.
 * `'file://checkpoints/epoch-{epoch}-{val_loss}'`; numbers are written with 4 decimals. Each save
 * is atomic, so a run stopped mid-save leaves the previous checkpoint whole.
 */
export class ModelCheckpoint extends ModelCallback {
  /** The folders written, in order. */
  readonly saved: string[] = [];
  private readonly args: Required<ModelCheckpointArgs>;
  private monitor: Monitor;

  constructor(
    private readonly path: string,
    args: ModelCheckpointArgs = {},
  ) {
    super();
    if (typeof path !== 'string' || path.length === 0) throw new TypeError(`ModelCheckpoint: path must be a non-empty string such as 'file://checkpoints/{epoch}', got ${String(path)}`);
    const known = optionKeys<ModelCheckpointArgs>({ monitor: true, saveBestOnly: true, mode: true });
    this.args = { monitor: 'val_loss', saveBestOnly: false, mode: 'auto', ...checkOptions('ModelCheckpoint', args, known) };
    this.monitor = new Monitor(this.args.monitor, this.args.mode, 0);
  }

  onTrainBegin(): void {
    this.monitor = new Monitor(this.args.monitor, this.args.mode, 0);
  }

  async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    if (this.args.saveBestOnly && !this.monitor.improves(this.monitor.read('ModelCheckpoint', logs))) return;
    const target = this.path.replace(/\{(\w+)\}/g, (whole, key: string) => {
      if (key === 'epoch') return String(epoch + 1);
      return logs[key] === undefined ? whole : logs[key].toFixed(4);
    });
    await this.requireModel().save(target);
    this.saved.push(target);
  }
}

/** Stops training as soon as a batch's loss is NaN or infinite. */
export class TerminateOnNaN extends ModelCallback {
  onBatchEnd(_batch: number, logs: Logs): void {
    if (logs.loss !== undefined && !Number.isFinite(logs.loss)) this.requireModel().stopTraining = true;
  }
}

/** Sets the learning rate at the start of each epoch from `schedule(epoch, currentRate)`. */
export class LearningRateScheduler extends ModelCallback {
  constructor(private readonly schedule: (epoch: number, learningRate: number) => number) {
    super();
    if (typeof schedule !== 'function') throw new TypeError('LearningRateScheduler: schedule must be a function (epoch, learningRate) => learningRate');
  }
  onEpochBegin(epoch: number): void {
    const optimizer = this.requireModel().optimizer;
    const rate = this.schedule(epoch, optimizer.learningRate);
    if (typeof rate !== 'number' || !(rate >= 0) || !Number.isFinite(rate)) throw new RangeError(`LearningRateScheduler: the schedule returned ${describe(rate)} for epoch ${epoch}; expected a finite number >= 0`);
    optimizer.learningRate = rate;
  }
}

/** Options of `ReduceLROnPlateau`. */
export interface ReduceLROnPlateauArgs {
  monitor?: string;
  /** Multiplier of the learning rate on a plateau (default 0.1). */
  factor?: number;
  /** Epochs without improvement before reducing (default 10). */
  patience?: number;
  mode?: 'auto' | 'min' | 'max';
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again (default 0). */
  cooldown?: number;
  /** The learning rate never goes below this (default 0). */
  minLr?: number;
}

/** Multiplies the learning rate by `factor` when `monitor` has stopped improving (Keras' ReduceLROnPlateau). */
export class ReduceLROnPlateau extends ModelCallback {
  private readonly args: Required<ReduceLROnPlateauArgs>;
  private monitor: Monitor;
  private wait = 0;
  private cooldownLeft = 0;

  constructor(args: ReduceLROnPlateauArgs = {}) {
    super();
    const known = optionKeys<ReduceLROnPlateauArgs>({ monitor: true, factor: true, patience: true, mode: true, minDelta: true, cooldown: true, minLr: true });
    this.args = { monitor: 'val_loss', factor: 0.1, patience: 10, mode: 'auto', minDelta: 1e-4, cooldown: 0, minLr: 0, ...checkOptions('ReduceLROnPlateau', args, known) };
    const { factor, minLr } = this.args;
    // Keras allows any factor below 1, 0 included (the rate drops straight to minLr).
    if (typeof factor !== 'number' || !(factor >= 0 && factor < 1)) throw new RangeError(`ReduceLROnPlateau: factor must be in [0, 1), got ${describe(factor)}`);
    if (typeof minLr !== 'number' || !(minLr >= 0) || !Number.isFinite(minLr)) throw new RangeError(`ReduceLROnPlateau: minLr must be a finite number >= 0, got ${describe(minLr)}`);
    this.monitor = new Monitor(this.args.monitor, this.args.mode, this.args.minDelta);
  }

  onEpochEnd(_epoch: number, logs: Logs): void {
    const value = this.monitor.read('ReduceLROnPlateau', logs);
    if (this.cooldownLeft > 0) this.cooldownLeft--;
    if (this.monitor.improves(value)) {
      this.wait = 0;
      return;
    }
    if (this.cooldownLeft > 0) return;
    if (++this.wait >= this.args.patience) {
      const optimizer = this.requireModel().optimizer;
      optimizer.learningRate = Math.max(optimizer.learningRate * this.args.factor, this.args.minLr);
      this.cooldownLeft = this.args.cooldown;
      this.wait = 0;
    }
  }
}
