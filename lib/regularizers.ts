/**
 * Weight penalties (Keras' regularizers): a layer's `kernelRegularizer`, `biasRegularizer` and
 * `recurrentRegularizer` add `l1 * sum(|w|) + l2 * sum(w^2)` of their weight to the training loss,
 * which `fit` minimizes and reports and `evaluate` reports, as Keras does. Only trainable weights
 * are penalized (Keras 3).
 *
 * `penaltyOp` is the op: the loss plus every penalty, one scalar, whose backward adds
 * `l1 * sign(w) + 2 * l2 * w` (times the upstream gradient) into each weight's gradient.
 */
import { CallContext, gradOf, record, Workspace } from './autodiff';
import { lookUpName } from './names';
import { checkOptions, optionKeys } from './options';
import { describe, Tensor } from './tensor';

/** A penalty on a weight, added to the loss. */
export interface Regularizer {
  readonly className: string;
  /** Its Keras config (snake_case), as a saved model stores it. */
  readonly config: Record<string, unknown>;
  /** The penalty of weight values `w`. */
  penalty(w: Float32Array): number;
  /** grad[i] += scale * d(penalty)/d(w[i]). */
  addGradient(w: Float32Array, grad: Float32Array, scale: number): void;
}

/** Options of `L1L2` and `l1l2`. */
export interface L1L2Args {
  /** Factor of sum(|w|). */
  l1?: number;
  /** Factor of sum(w^2). */
  l2?: number;
}

const L1L2_KEYS = optionKeys<L1L2Args>({ l1: true, l2: true });

/** A factor: a finite number >= 0. */
function checkFactor(where: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new RangeError(`${where}: ${name} must be a finite number >= 0, got ${describe(v)}`);
  return v;
}

/**
 * L1L2({ l1, l2 }): penalty l1 * sum(|w|) + l2 * sum(w^2) (both default 0, as Keras 3's class;
 * the functions `l1`, `l2`, `l1l2` default to 0.01). Saved as TensorFlow.js's `L1L2`.
 */
export class L1L2 implements Regularizer {
  readonly className = 'L1L2';
  readonly l1: number;
  readonly l2: number;

  constructor(args: L1L2Args = {}) {
    const { l1 = 0, l2 = 0 } = checkOptions('L1L2', args, L1L2_KEYS);
    this.l1 = checkFactor('L1L2', 'l1', l1);
    this.l2 = checkFactor('L1L2', 'l2', l2);
  }

  get config(): Record<string, unknown> {
    return { l1: this.l1, l2: this.l2 };
  }

  penalty(w: Float32Array): number {
    let abs = 0;
    let squares = 0;
    // sum(|w|) and sum(w^2) in one pass, in float64
    for (let i = 0; i < w.length; i++) {
      const v = w[i];
      abs += v < 0 ? -v : v;
      squares += v * v;
    }
    return this.l1 * abs + this.l2 * squares;
  }

  addGradient(w: Float32Array, grad: Float32Array, scale: number): void {
    const a = scale * this.l1;
    const b = scale * 2 * this.l2;
    // d/dw: l1 * sign(w) (0 at 0, as TensorFlow's sign) + 2 * l2 * w
    for (let i = 0; i < w.length; i++) {
      const v = w[i];
      grad[i] += (v > 0 ? a : v < 0 ? -a : 0) + b * v;
    }
  }
}

/** l1(v = 0.01): L1L2 with l1 = v, l2 = 0. */
export function l1(v = 0.01): L1L2 {
  return new L1L2({ l1: checkFactor('l1', 'the factor', v) });
}

/** l2(v = 0.01): L1L2 with l2 = v, l1 = 0. */
export function l2(v = 0.01): L1L2 {
  return new L1L2({ l2: checkFactor('l2', 'the factor', v) });
}

/** l1l2({ l1 = 0.01, l2 = 0.01 }): both penalties (Keras' `l1_l2`). */
export function l1l2(args: L1L2Args = {}): L1L2 {
  const { l1: a = 0.01, l2: b = 0.01 } = checkOptions('l1l2', args, L1L2_KEYS);
  return new L1L2({ l1: a, l2: b });
}

const KNOWN: Record<string, () => Regularizer> = {
  l1: () => l1(),
  l2: () => l2(),
  l1_l2: () => l1l2(),
  l1l2: () => l1l2(),
};

/**
 * A regularizer argument: an object with `penalty` and `addGradient` as it is, a name (`'l1'`,
 * `'l2'`, `'l1_l2'` or `'l1L2'`, each factor 0.01 as Keras), or undefined/null for none.
 * Anything else is an Error naming the argument (`where`).
 */
export function resolveRegularizer(value: unknown, where = 'regularizer'): Regularizer | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'object' && typeof (value as Regularizer).penalty === 'function' && typeof (value as Regularizer).addGradient === 'function') return value as Regularizer;
  return lookUpName(where, value, KNOWN)();
}

/** A weight and its penalty. */
export interface Penalized {
  weight: Tensor;
  regularizer: Regularizer;
}

/**
 * loss + sum of the penalties of `items`, a scalar (a new buffer of `ws`). `loss` is a scalar.
 * Backward: d(loss) += dy; each weight's gradient += dy * d(penalty)/dw.
 */
export function penaltyOp(ctx: CallContext, ws: Workspace, loss: Tensor, items: readonly Penalized[]): Tensor {
  if (loss.size !== 1) throw new RangeError(`penaltyOp: loss must be a scalar, got ${loss.size} values`);
  const out = ws.get(ctx, 'penalty', loss.shape);
  let total = loss.data[0];
  for (const { weight, regularizer } of items) total += regularizer.penalty(weight.data);
  out.data[0] = total;
  const inputs: Tensor[] = [loss];
  for (const item of items) inputs.push(item.weight);
  record(ctx, out, inputs, () => {
    const dy = (out.grad as Float32Array)[0];
    const dLoss = gradOf(loss);
    if (dLoss !== null) dLoss[0] += dy;
    for (const { weight, regularizer } of items) {
      const g = gradOf(weight);
      if (g !== null) regularizer.addGradient(weight.data, g, dy);
    }
  });
  return out;
}

/** The sum of the penalties of `items` (a number, for the losses `evaluate` reports). */
export function penaltySum(items: readonly Penalized[]): number {
  let total = 0;
  for (const { weight, regularizer } of items) total += regularizer.penalty(weight.data);
  return total;
}
