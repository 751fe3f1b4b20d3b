/**
 * Weight constraints, applied to a weight right after each optimizer step (Keras semantics).
 */
import { Tensor } from './tensor';

/** Projects a weight back into its allowed set, in place. */
export interface Constraint {
  readonly className: string;
  apply(w: Tensor): void;
}

/**
 * MaxNorm(maxValue, { axis }): w * clip(norm, 0, maxValue) / (1e-7 + norm), where norm is the
 * L2 norm over `axis` (default 0: each column of a Dense kernel [in, units], i.e. the weights
 * into one unit).
 */
export class MaxNorm implements Constraint {
  readonly className = 'MaxNorm';
  constructor(readonly maxValue = 2, readonly options: { axis?: number | number[] } = {}) {
    if (!(maxValue > 0)) throw new RangeError(`MaxNorm: maxValue must be a positive number, got ${maxValue}`);
  }

  apply(w: Tensor): void {
    scaleNorms(w, this.options.axis ?? 0, (norm) => Math.min(norm, this.maxValue) / (1e-7 + norm));
  }
}

/** UnitNorm({ axis }): w / (1e-7 + norm) over `axis` (default 0). */
export class UnitNorm implements Constraint {
  readonly className = 'UnitNorm';
  constructor(readonly options: { axis?: number | number[] } = {}) {}

  apply(w: Tensor): void {
    scaleNorms(w, this.options.axis ?? 0, (norm) => 1 / (1e-7 + norm));
  }
}

/** NonNeg: negative weights set to zero. */
export class NonNeg implements Constraint {
  readonly className = 'NonNeg';
  apply(w: Tensor): void {
    for (let i = 0; i < w.size; i++) if (w.data[i] < 0) w.data[i] = 0;
  }
}

/**
 * Multiplies each slice of `w` by factor(norm of the slice), where a slice is every element that
 * shares the indices of the axes *not* in `axis` (so the norm is taken over `axis`).
 */
function scaleNorms(w: Tensor, axis: number | number[], factor: (norm: number) => number): void {
  const rank = w.rank;
  const reduced = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a));
  for (const a of reduced) {
    if (!(a >= 0 && a < rank)) throw new RangeError(`constraint axis ${a} is outside a weight of rank ${rank}`);
  }
  // Flat index -> slice index: the row-major index over the kept axes.
  const kept = w.shape.map((d, a) => (reduced.includes(a) ? 1 : d));
  const slices = kept.reduce((p, d) => p * d, 1);
  const sliceOf = new Int32Array(w.size);
  const index = new Array<number>(rank).fill(0);
  for (let i = 0; i < w.size; i++) {
    let s = 0;
    for (let a = 0; a < rank; a++) s = s * kept[a] + (reduced.includes(a) ? 0 : index[a]);
    sliceOf[i] = s;
    for (let a = rank - 1; a >= 0; a--) {
      if (++index[a] < w.shape[a]) break;
      index[a] = 0;
    }
  }
  const sq = new Float64Array(slices);
  for (let i = 0; i < w.size; i++) sq[sliceOf[i]] += w.data[i] * w.data[i];
  for (let s = 0; s < slices; s++) sq[s] = factor(Math.sqrt(sq[s]));
  for (let i = 0; i < w.size; i++) w.data[i] *= sq[sliceOf[i]];
}
