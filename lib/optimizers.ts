/**
 * Optimizers with Keras' update rules and defaults. `step(weights)` reads each weight's `grad`
 * and updates the weight in place; per-weight state (momenta) is allocated on the first step.
 */
import { lookUpName } from './names';
import { Tensor } from './tensor';

/** The base of the optimizers: `step(weights)` updates each weight in place from its gradient. */
export abstract class Optimizer {
  /** Step size. May be changed between steps (schedules). */
  learningRate: number;
  /** Number of steps taken. */
  iterations = 0;
  private readonly slots = new Map<Tensor, Float32Array[]>();

  constructor(learningRate: number) {
    if (!(learningRate > 0) || !Number.isFinite(learningRate)) {
      throw new RangeError(`${this.constructor.name}: learningRate must be a positive number, got ${learningRate}`);
    }
    this.learningRate = learningRate;
  }

  /** Updates every weight from its gradient. */
  step(weights: readonly Tensor[]): void {
    this.iterations++;
    for (const w of weights) {
      if (w.grad === null) continue;
      this.update(w.data, w.grad, this.state(w));
    }
  }

  /** The optimizer's per-weight buffers (as many as `slotCount`), zero at first. */
  private state(w: Tensor): Float32Array[] {
    let s = this.slots.get(w);
    if (s === undefined) {
      s = [];
      for (let i = 0; i < this.slotCount; i++) s.push(new Float32Array(w.size));
      this.slots.set(w, s);
    }
    return s;
  }

  /** The optimizer's Keras config (snake_case), as a saved model stores it. */
  abstract getConfig(): Record<string, number | boolean>;

  /** How many state buffers each weight needs. */
  protected abstract readonly slotCount: number;
  /** Updates one weight `w` from its gradient `g` and state buffers. */
  protected abstract update(w: Float32Array, g: Float32Array, state: Float32Array[]): void;
}

/** Options of `SGD`. */
export interface SGDArgs {
  learningRate?: number;
  momentum?: number;
  nesterov?: boolean;
}

/** Stochastic gradient descent: v = m v - lr g; w += v (Nesterov: w += m v - lr g). Default lr 0.01. */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly nesterov: boolean;
  protected readonly slotCount: number;

  constructor({ learningRate = 0.01, momentum = 0, nesterov = false }: SGDArgs = {}) {
    super(learningRate);
    if (!(momentum >= 0 && momentum <= 1)) throw new RangeError(`SGD: momentum must be in [0, 1], got ${momentum}`);
    this.momentum = momentum;
    this.nesterov = nesterov;
    this.slotCount = momentum > 0 ? 1 : 0;
  }

  getConfig(): Record<string, number | boolean> {
    return { learning_rate: this.learningRate, momentum: this.momentum, nesterov: this.nesterov };
  }

  protected update(w: Float32Array, g: Float32Array, state: Float32Array[]): void {
    const lr = this.learningRate;
    const m = this.momentum;
    if (m === 0) {
      for (let i = 0; i < w.length; i++) w[i] -= lr * g[i];
      return;
    }
    const v = state[0];
    for (let i = 0; i < w.length; i++) {
      const vi = m * v[i] - lr * g[i];
      v[i] = vi;
      w[i] += this.nesterov ? m * vi - lr * g[i] : vi;
    }
  }
}

/** Options of `Adam`. */
export interface AdamArgs {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/**
 * Adam (Kingma and Ba, 2015) as Keras writes it: the bias corrections folded into the step size,
 * lr_t = lr sqrt(1 - b2^t) / (1 - b1^t), and w -= lr_t m / (sqrt(v) + epsilon).
 */
export class Adam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  protected readonly slotCount = 2;

  constructor({ learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7 }: AdamArgs = {}) {
    super(learningRate);
    for (const [name, v] of [['beta1', beta1], ['beta2', beta2]] as const) {
      if (!(v >= 0 && v < 1)) throw new RangeError(`Adam: ${name} must be in [0, 1), got ${v}`);
    }
    if (!(epsilon >= 0)) throw new RangeError(`Adam: epsilon must be >= 0, got ${epsilon}`);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
  }

  getConfig(): Record<string, number | boolean> {
    return { learning_rate: this.learningRate, beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon };
  }

  protected update(w: Float32Array, g: Float32Array, [m, v]: Float32Array[]): void {
    const { beta1: b1, beta2: b2, epsilon: eps } = this;
    const t = this.iterations;
    const lrT = (this.learningRate * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    for (let i = 0; i < w.length; i++) {
      const gi = g[i];
      const mi = b1 * m[i] + (1 - b1) * gi;
      const vi = b2 * v[i] + (1 - b2) * gi * gi;
      m[i] = mi;
      v[i] = vi;
      w[i] -= (lrT * mi) / (Math.sqrt(vi) + eps);
    }
  }
}

/** Options of `RMSprop`. */
export interface RMSpropArgs {
  learningRate?: number;
  rho?: number;
  epsilon?: number;
}

/** RMSprop: v = rho v + (1 - rho) g^2; w -= lr g / (sqrt(v) + epsilon). */
export class RMSprop extends Optimizer {
  readonly rho: number;
  readonly epsilon: number;
  protected readonly slotCount = 1;

  constructor({ learningRate = 0.001, rho = 0.9, epsilon = 1e-7 }: RMSpropArgs = {}) {
    super(learningRate);
    if (!(rho >= 0 && rho < 1)) throw new RangeError(`RMSprop: rho must be in [0, 1), got ${rho}`);
    this.rho = rho;
    this.epsilon = epsilon;
  }

  getConfig(): Record<string, number | boolean> {
    return { learning_rate: this.learningRate, rho: this.rho, epsilon: this.epsilon };
  }

  protected update(w: Float32Array, g: Float32Array, [v]: Float32Array[]): void {
    const { rho, epsilon: eps, learningRate: lr } = this;
    for (let i = 0; i < w.length; i++) {
      const vi = rho * v[i] + (1 - rho) * g[i] * g[i];
      v[i] = vi;
      w[i] -= (lr * g[i]) / (Math.sqrt(vi) + eps);
    }
  }
}

const KNOWN: Record<string, () => Optimizer> = {
  sgd: () => new SGD(),
  adam: () => new Adam(),
  rmsprop: () => new RMSprop(),
};

/** An optimizer from its saved class name and Keras config (as `getConfig` writes it). */
export function optimizerFromConfig(className: string, config: Record<string, number | boolean>): Optimizer {
  const n = (key: string): number | undefined => (typeof config[key] === 'number' ? (config[key] as number) : undefined);
  switch (className.toLowerCase()) {
    case 'adam':
      return new Adam({ learningRate: n('learning_rate'), beta1: n('beta_1'), beta2: n('beta_2'), epsilon: n('epsilon') });
    case 'sgd':
      return new SGD({ learningRate: n('learning_rate'), momentum: n('momentum'), nesterov: config.nesterov === true });
    case 'rmsprop':
      return new RMSprop({ learningRate: n('learning_rate'), rho: n('rho'), epsilon: n('epsilon') });
    default:
      throw new Error(`Unknown optimizer class '${className}' in a saved model; known: SGD, Adam, RMSprop`);
  }
}

/** An optimizer object as it is, or a name (`'adam'`, `'sgd'`, `'rmsprop'`) with Keras' defaults. */
export function resolveOptimizer(optimizer: unknown): Optimizer {
  if (optimizer instanceof Optimizer) return optimizer;
  const make = lookUpName('optimizer', typeof optimizer === 'string' ? optimizer.toLowerCase() : optimizer, KNOWN);
  return make();
}
