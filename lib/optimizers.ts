/**
 * Optimizers with Keras 3's update rules and defaults. `step(weights)` reads each weight's `grad`
 * and updates the weight in place; per-weight state (momenta) is allocated on the first step.
 * Options are checked strictly: an unknown key, a string for a number or a number out of range
 * is an Error naming the optimizer and the option.
 */
import { lookUpName } from './names';
import { checkOptions, optionKeys } from './options';
import { describe, Tensor } from './tensor';

/** The value as shown in an error: numbers as they are, anything else described (`the string '0.1'`). */
function shown(value: unknown): string {
  return typeof value === 'number' ? String(value) : describe(value);
}

/** `value` if it is a number passing `ok`; otherwise a TypeError (not a number) or RangeError naming `where` and `name`. */
function checkNumber(where: string, name: string, value: unknown, ok: (v: number) => boolean, expected: string): number {
  if (typeof value !== 'number') throw new TypeError(`${where}: ${name} must be ${expected}, got ${shown(value)}`);
  if (!ok(value)) throw new RangeError(`${where}: ${name} must be ${expected}, got ${shown(value)}`);
  return value;
}

/** A finite number >= 0 (learning rates, epsilons; 0 is valid, as in Keras and TF.js). */
function nonNegative(where: string, name: string, value: unknown): number {
  return checkNumber(where, name, value, (v) => Number.isFinite(v) && v >= 0, 'a finite number >= 0');
}

/** A number in [0, 1) (decay rates). */
function unitOpen(where: string, name: string, value: unknown): number {
  return checkNumber(where, name, value, (v) => v >= 0 && v < 1, 'a number in [0, 1)');
}

/** A number in [0, 1] (momenta). */
function unitClosed(where: string, name: string, value: unknown): number {
  return checkNumber(where, name, value, (v) => v >= 0 && v <= 1, 'a number in [0, 1]');
}

/** `true` or `false`, else a TypeError naming `where` and `name`. */
function checkFlag(where: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${where}: ${name} must be true or false, got ${shown(value)}`);
  return value;
}

/** The base of the optimizers: `step(weights)` updates each weight in place from its gradient. */
export abstract class Optimizer {
  /** Step size (>= 0). May be changed between steps (schedules). */
  learningRate: number;
  /** Number of steps taken. */
  iterations = 0;
  private readonly slots = new Map<Tensor, Float32Array[]>();

  /** Checks `learningRate` (a finite number >= 0); `where` names the optimizer in error messages. */
  constructor(learningRate: unknown, where: string = new.target.name) {
    this.learningRate = nonNegative(where, 'learningRate', learningRate);
  }

  /**
   * One step from gradients given by the caller, as Keras' `apply_gradients(zip(grads, vars))`:
   * `pairs` is a list of `[gradient, variable]`, each gradient a Tensor (or Float32Array) of the
   * variable's size; each variable is updated in place. For custom training loops, with the
   * gradients of `valueAndGrads`.
   */
  applyGradients(pairs: readonly (readonly [Tensor | Float32Array, Tensor])[]): void {
    const where = `${this.constructor.name}.applyGradients`;
    if (!Array.isArray(pairs)) throw new TypeError(`${where}: expected a list of [gradient, variable] pairs, got ${describe(pairs)}`);
    pairs.forEach((pair, i) => {
      const [g, v] = Array.isArray(pair) ? pair : [undefined, undefined];
      if (!(v instanceof Tensor)) throw new TypeError(`${where}: pair ${i} should be [gradient, variable] with a Tensor variable, got ${describe(pair)}`);
      const size = g instanceof Tensor ? g.size : g instanceof Float32Array ? g.length : -1;
      if (size !== v.size) throw new RangeError(`${where}: pair ${i}: the gradient has ${size < 0 ? describe(g) : `${size} values`} but the variable [${v.shape.join(', ')}] has ${v.size}`);
    });
    this.iterations++;
    for (const [g, v] of pairs) this.update(v.data, g instanceof Tensor ? g.data : g, this.state(v));
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
  /** Updates one weight `w` from its gradient `g` and state buffers (each of `w`'s length). */
  protected abstract update(w: Float32Array, g: Float32Array, state: Float32Array[]): void;
}

/** Options of `SGD`. */
export interface SGDArgs {
  /** Step size (default 0.01; 0 is valid). */
  learningRate?: number;
  /** Momentum in [0, 1] (default 0). */
  momentum?: number;
  /** Nesterov momentum (default false). */
  nesterov?: boolean;
}
const SGD_KEYS = optionKeys<SGDArgs>({ learningRate: true, momentum: true, nesterov: true });

/** Stochastic gradient descent: v = m v - lr g; w += v (Nesterov: w += m v - lr g). Default lr 0.01. */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly nesterov: boolean;
  protected readonly slotCount: number;

  constructor(args?: SGDArgs) {
    const { learningRate = 0.01, momentum = 0, nesterov = false } = checkOptions('SGD', args, SGD_KEYS);
    super(learningRate, 'SGD');
    this.momentum = unitClosed('SGD', 'momentum', momentum);
    this.nesterov = checkFlag('SGD', 'nesterov', nesterov);
    this.slotCount = this.momentum > 0 ? 1 : 0;
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
  /** Step size (default 0.001; 0 is valid). */
  learningRate?: number;
  /** Decay of the first moment, in [0, 1) (default 0.9). */
  beta1?: number;
  /** Decay of the second moment, in [0, 1) (default 0.999). */
  beta2?: number;
  /** Keras' "epsilon hat" (default 1e-7): see `Adam`. */
  epsilon?: number;
  /** AMSGrad (Reddi et al., 2018): divide by the running maximum of v (default false). */
  amsgrad?: boolean;
}
const ADAM_KEYS = optionKeys<AdamArgs>({ learningRate: true, beta1: true, beta2: true, epsilon: true, amsgrad: true });

/**
 * Adam (Kingma and Ba, 2015) exactly as Keras 3 writes it, with the bias corrections folded into
 * the step size:
 *
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  lr_t = lr sqrt(1 - b2^t) / (1 - b1^t)
 *   w -= lr_t m / (sqrt(v) + epsilon)
 *
 * and with `amsgrad`, vhat = max(vhat, v) used in place of v. Epsilon is Keras' "epsilon hat" (the
 * formula just before Section 2.1 of the paper), added to sqrt(v) after the bias corrections were
 * folded into lr_t; TensorFlow.js (and PyTorch) add it to the bias-corrected sqrt(v / (1 - b2^t))
 * instead (Algorithm 1), which is this rule with epsilon scaled by sqrt(1 - b2^t) (0.03 at the
 * first step with b2 = 0.999). The two agree when sqrt(v) is far above epsilon and differ for small
 * gradients: with gradients of 1e-4 to 1e-3 and lr 0.01, the weights are 4e-4 apart after four
 * steps (spec/optimizers-tfjs.spec.ts). Lamina follows Keras.
 */
export class Adam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;
  protected readonly slotCount: number;

  constructor(args?: AdamArgs) {
    const { learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7, amsgrad = false } = checkOptions('Adam', args, ADAM_KEYS);
    super(learningRate, 'Adam');
    this.beta1 = unitOpen('Adam', 'beta1', beta1);
    this.beta2 = unitOpen('Adam', 'beta2', beta2);
    this.epsilon = nonNegative('Adam', 'epsilon', epsilon);
    this.amsgrad = checkFlag('Adam', 'amsgrad', amsgrad);
    this.slotCount = this.amsgrad ? 3 : 2;
  }

  getConfig(): Record<string, number | boolean> {
    return { learning_rate: this.learningRate, beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad };
  }

  protected update(w: Float32Array, g: Float32Array, state: Float32Array[]): void {
    const { beta1: b1, beta2: b2, epsilon: eps } = this;
    const [m, v] = state;
    const vHat = this.amsgrad ? state[2] : null;
    const t = this.iterations;
    const lrT = (this.learningRate * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    // Elementwise: both moments, then the step (amsgrad: with the running maximum of v).
    for (let i = 0; i < w.length; i++) {
      const gi = g[i];
      m[i] = b1 * m[i] + (1 - b1) * gi;
      v[i] = b2 * v[i] + (1 - b2) * gi * gi;
      let vi = v[i];
      if (vHat !== null) {
        vi = Math.max(vHat[i], vi);
        vHat[i] = vi;
      }
      w[i] -= (lrT * m[i]) / (Math.sqrt(vi) + eps);
    }
  }
}

/** Options of `RMSprop`. */
export interface RMSpropArgs {
  /** Step size (default 0.001; 0 is valid). */
  learningRate?: number;
  /** Decay of the mean square (and mean gradient), in [0, 1) (default 0.9). */
  rho?: number;
  /** Plain (not Nesterov) momentum in [0, 1] (default 0). */
  momentum?: number;
  /** Added to the mean square inside the square root (default 1e-7). */
  epsilon?: number;
  /** Divide by an estimate of the gradient's variance instead of its mean square (default false). */
  centered?: boolean;
}
const RMSPROP_KEYS = optionKeys<RMSpropArgs>({ learningRate: true, rho: true, momentum: true, epsilon: true, centered: true });

/**
 * RMSprop exactly as Keras 3 and TensorFlow.js write it, epsilon inside the square root:
 *
 *   v = rho v + (1 - rho) g^2
 *   centered: mg = rho mg + (1 - rho) g, d = v - mg^2 + epsilon;  otherwise d = v + epsilon
 *   inc = lr g / sqrt(d)
 *   momentum > 0: mom = momentum mom + inc, w -= mom;  otherwise w -= inc
 *
 * (PyTorch divides by sqrt(v) + epsilon instead; the two differ when g is near sqrt(epsilon).)
 * Centered follows Keras: TensorFlow.js 4.22 subtracts epsilon there (sqrt(v - mg^2 - epsilon)),
 * which is NaN when the variance estimate is below epsilon.
 */
export class RMSprop extends Optimizer {
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;
  protected readonly slotCount: number;

  constructor(args?: RMSpropArgs) {
    const { learningRate = 0.001, rho = 0.9, momentum = 0, epsilon = 1e-7, centered = false } = checkOptions('RMSprop', args, RMSPROP_KEYS);
    super(learningRate, 'RMSprop');
    this.rho = unitOpen('RMSprop', 'rho', rho);
    this.momentum = unitClosed('RMSprop', 'momentum', momentum);
    this.epsilon = nonNegative('RMSprop', 'epsilon', epsilon);
    this.centered = checkFlag('RMSprop', 'centered', centered);
    // Slots: the mean square v, then the mean gradient mg if centered, then the momentum if any.
    this.slotCount = 1 + (this.centered ? 1 : 0) + (this.momentum > 0 ? 1 : 0);
  }

  getConfig(): Record<string, number | boolean> {
    return { learning_rate: this.learningRate, rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }

  protected update(w: Float32Array, g: Float32Array, state: Float32Array[]): void {
    const { rho, epsilon: eps, learningRate: lr, momentum } = this;
    const v = state[0];
    const mg = this.centered ? state[1] : null;
    const mom = momentum > 0 ? state[state.length - 1] : null;
    // Elementwise: the running averages, the increment, then the (momentum) step.
    for (let i = 0; i < w.length; i++) {
      const gi = g[i];
      v[i] = rho * v[i] + (1 - rho) * gi * gi;
      let d = v[i] + eps;
      if (mg !== null) {
        mg[i] = rho * mg[i] + (1 - rho) * gi;
        d = v[i] - mg[i] * mg[i] + eps;
      }
      const inc = (lr * gi) / Math.sqrt(d);
      if (mom !== null) {
        mom[i] = momentum * mom[i] + inc;
        w[i] -= mom[i];
      } else {
        w[i] -= inc;
      }
    }
  }
}

const KNOWN: Record<string, () => Optimizer> = {
  sgd: () => new SGD(),
  adam: () => new Adam(),
  rmsprop: () => new RMSprop(),
};

/**
 * An optimizer from its saved class name and Keras config (as `getConfig` writes it: snake_case,
 * `momentum`, `centered`, `amsgrad` included). A missing setting takes its default; a setting of
 * the wrong type or out of range is an Error from the optimizer's constructor, naming it.
 */
export function optimizerFromConfig(className: string, config: Record<string, unknown>): Optimizer {
  // A setting as saved, or undefined (the default) when absent or null.
  const get = <T>(key: string): T | undefined => (config[key] === undefined || config[key] === null ? undefined : (config[key] as T));
  switch (className.toLowerCase()) {
    case 'adam':
      return new Adam({ learningRate: get('learning_rate'), beta1: get('beta_1'), beta2: get('beta_2'), epsilon: get('epsilon'), amsgrad: get('amsgrad') });
    case 'sgd':
      return new SGD({ learningRate: get('learning_rate'), momentum: get('momentum'), nesterov: get('nesterov') });
    case 'rmsprop':
      return new RMSprop({ learningRate: get('learning_rate'), rho: get('rho'), momentum: get('momentum'), epsilon: get('epsilon'), centered: get('centered') });
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
