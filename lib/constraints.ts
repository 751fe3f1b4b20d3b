/**
 * Weight constraints, applied to a weight right after each optimizer step (Keras semantics).
 */
import { lookUpName } from './names';
import { checkOptions, optionKeys } from './options';
import { describe, Tensor } from './tensor';

/** Projects a weight back into its allowed set, in place. */
export interface Constraint {
  readonly className: string;
  /** Its Keras config (snake_case), as a saved model stores it. */
  readonly config: Record<string, unknown>;
  apply(w: Tensor): void;
}

/** Options of MaxNorm and UnitNorm. */
export interface NormConstraintArgs {
  /** The axis or axes the L2 norm is taken over (default 0). */
  axis?: number | number[];
}

const NORM_KEYS = optionKeys<NormConstraintArgs>({ axis: true });

/**
 * MaxNorm(maxValue, { axis }): w * clip(norm, 0, maxValue) / (1e-7 + norm), where norm is the
 * L2 norm over `axis` (default 0: each column of a Dense kernel [in, units], i.e. the weights
 * into one unit). For a conv kernel [kh, kw, in, filters] use `axis: [0, 1, 2]` (one norm per
 * filter), as Keras advises. Keras' default maxValue is 2; the tutorial uses 3.
 */
export class MaxNorm implements Constraint {
  readonly className = 'MaxNorm';
  readonly options: NormConstraintArgs;
  constructor(readonly maxValue = 2, options: NormConstraintArgs = {}) {
    this.options = checkOptions('MaxNorm', options, NORM_KEYS);
    if (typeof maxValue !== 'number' || !(maxValue > 0) || !Number.isFinite(maxValue)) {
      throw new RangeError(`MaxNorm: maxValue must be a positive number, got ${describe(maxValue)}`);
    }
  }

  get config(): Record<string, unknown> {
    return { max_value: this.maxValue, axis: this.options.axis ?? 0 };
  }

  apply(w: Tensor): void {
    scaleNorms(w, this.options.axis ?? 0, (norm) => Math.min(norm, this.maxValue) / (1e-7 + norm));
  }
}

/** UnitNorm({ axis }): w / (1e-7 + norm) over `axis` (default 0). */
export class UnitNorm implements Constraint {
  readonly className = 'UnitNorm';
  readonly options: NormConstraintArgs;
  constructor(options: NormConstraintArgs = {}) {
    this.options = checkOptions('UnitNorm', options, NORM_KEYS);
  }

  get config(): Record<string, unknown> {
    return { axis: this.options.axis ?? 0 };
  }

  apply(w: Tensor): void {
    scaleNorms(w, this.options.axis ?? 0, (norm) => 1 / (1e-7 + norm));
  }
}

/** NonNeg: negative weights set to zero. */
export class NonNeg implements Constraint {
  readonly className = 'NonNeg';
  readonly config = {};
  apply(w: Tensor): void {
    for (let i = 0; i < w.size; i++) if (w.data[i] < 0) w.data[i] = 0;
  }
}

const KNOWN: Record<string, () => Constraint> = {
  max_norm: () => new MaxNorm(),
  maxnorm: () => new MaxNorm(),
  unit_norm: () => new UnitNorm(),
  unitnorm: () => new UnitNorm(),
  non_neg: () => new NonNeg(),
  nonneg: () => new NonNeg(),
};

/**
 * A constraint argument: a constraint object as it is, a name in either spelling (`'maxNorm'`,
 * `'non_neg'`, with Keras' defaults), or undefined/null for none. Anything else is an Error that
 * names the argument (`where`) and lists the known names.
 */
export function resolveConstraint(value: unknown, where = 'constraint'): Constraint | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'object' && typeof (value as Constraint).apply === 'function') return value as Constraint;
  return lookUpName(where, value, KNOWN)();
}

/** Which slice each element of a weight belongs to, and a scratch array of slice norms. */
interface NormPlan {
  axes: string;
  sliceOf: Int32Array;
  norms: Float64Array;
}

/** Plans are made once per weight (constraints run after every optimizer step). */
const plans = new WeakMap<Tensor, NormPlan>();

/** The slice map of `w` for norms taken over `axis` (cached). */
function planFor(w: Tensor, axis: number | number[]): NormPlan {
  const rank = w.rank;
  const reduced = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a));
  const key = reduced.join(',');
  const cached = plans.get(w);
  if (cached !== undefined && cached.axes === key) return cached;
  for (const a of reduced) {
    if (!(Number.isInteger(a) && a >= 0 && a < rank)) throw new RangeError(`constraint axis ${a} is outside a weight of rank ${rank}`);
  }
  // A slice is the set of elements sharing their indices on the kept (not reduced) axes.
  const kept = w.shape.map((d, a) => (reduced.includes(a) ? 1 : d));
  const sliceOf = new Int32Array(w.size);
  const index = new Array<number>(rank).fill(0);
  // Walk the elements in row-major order, computing each one's slice number.
  for (let i = 0; i < w.size; i++) {
    let s = 0;
    for (let a = 0; a < rank; a++) s = s * kept[a] + (reduced.includes(a) ? 0 : index[a]);
    sliceOf[i] = s;
    for (let a = rank - 1; a >= 0; a--) {
      if (++index[a] < w.shape[a]) break;
      index[a] = 0;
    }
  }
  const plan = { axes: key, sliceOf, norms: new Float64Array(kept.reduce((p, d) => p * d, 1)) };
  plans.set(w, plan);
  return plan;
}

/**
 * Multiplies each slice of `w` by factor(L2 norm of the slice), where a slice is every element
 * that shares the indices of the axes *not* in `axis` (so the norm is taken over `axis`).
 */
function scaleNorms(w: Tensor, axis: number | number[], factor: (norm: number) => number): void {
  const { sliceOf, norms } = planFor(w, axis);
  norms.fill(0);
  for (let i = 0; i < w.size; i++) norms[sliceOf[i]] += w.data[i] * w.data[i];
  for (let s = 0; s < norms.length; s++) norms[s] = factor(Math.sqrt(norms[s]));
  for (let i = 0; i < w.size; i++) w.data[i] *= norms[sliceOf[i]];
}
