/**
 * Elementwise kernels of two inputs already laid out at the output's shape (broadcasting is done
 * before, by gathering an input through an index): the arithmetic ops with their derivatives,
 * and the comparisons (which have none). Plain loops over flat Float32Arrays, in float64 per
 * element and rounded to float32 when stored.
 */

/** The differentiable elementwise ops of two inputs. */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum';

/** The comparisons: 1 where true, 0 where false (any comparison with NaN is false). */
export type CompareOp = 'greater' | 'less' | 'equal' | 'greaterEqual' | 'lessEqual';

/** y[i] = a[i] op b[i] for the first `size` elements. NaN in either input gives NaN. */
export function binaryForward(op: BinaryOp, a: Float32Array, b: Float32Array, y: Float32Array, size: number): void {
  switch (op) {
    case 'add':
      for (let i = 0; i < size; i++) y[i] = a[i] + b[i];
      return;
    case 'sub':
      for (let i = 0; i < size; i++) y[i] = a[i] - b[i];
      return;
    case 'mul':
      for (let i = 0; i < size; i++) y[i] = a[i] * b[i];
      return;
    case 'div':
      for (let i = 0; i < size; i++) y[i] = a[i] / b[i];
      return;
    case 'pow':
      for (let i = 0; i < size; i++) y[i] = Math.pow(a[i], b[i]);
      return;
    case 'maximum':
      // Math.max propagates NaN
      for (let i = 0; i < size; i++) y[i] = Math.max(a[i], b[i]);
      return;
    case 'minimum':
      for (let i = 0; i < size; i++) y[i] = Math.min(a[i], b[i]);
      return;
  }
}

/**
 * da[i] += dy[i] * dy/da and db[i] += dy[i] * dy/db for the first `size` elements, from the
 * inputs a, b and the output y (all at the output's shape); da or db null skips that input.
 * maximum: a gets the gradient where a >= b, b where a < b (ties go to a, as TensorFlow);
 * minimum: a where a <= b, b where a > b. pow: d/db = y ln a where a > 0, else 0 (as TensorFlow).
 */
export function binaryBackward(
  op: BinaryOp,
  a: Float32Array,
  b: Float32Array,
  y: Float32Array,
  dy: Float32Array,
  da: Float32Array | null,
  db: Float32Array | null,
  size: number,
): void {
  switch (op) {
    case 'add':
      // d(a + b) = da + db
      if (da !== null) for (let i = 0; i < size; i++) da[i] += dy[i];
      if (db !== null) for (let i = 0; i < size; i++) db[i] += dy[i];
      return;
    case 'sub':
      // d(a - b) = da - db
      if (da !== null) for (let i = 0; i < size; i++) da[i] += dy[i];
      if (db !== null) for (let i = 0; i < size; i++) db[i] -= dy[i];
      return;
    case 'mul':
      // d(ab) = b da + a db
      if (da !== null) for (let i = 0; i < size; i++) da[i] += dy[i] * b[i];
      if (db !== null) for (let i = 0; i < size; i++) db[i] += dy[i] * a[i];
      return;
    case 'div':
      // d(a / b) = da / b - a db / b^2
      if (da !== null) for (let i = 0; i < size; i++) da[i] += dy[i] / b[i];
      if (db !== null) for (let i = 0; i < size; i++) db[i] -= (dy[i] * a[i]) / (b[i] * b[i]);
      return;
    case 'pow':
      // d(a^b) = b a^(b-1) da + a^b ln(a) db
      if (da !== null) for (let i = 0; i < size; i++) da[i] += dy[i] * b[i] * Math.pow(a[i], b[i] - 1);
      if (db !== null) for (let i = 0; i < size; i++) if (a[i] > 0) db[i] += dy[i] * y[i] * Math.log(a[i]);
      return;
    case 'maximum':
      if (da !== null) for (let i = 0; i < size; i++) if (a[i] >= b[i]) da[i] += dy[i];
      if (db !== null) for (let i = 0; i < size; i++) if (a[i] < b[i]) db[i] += dy[i];
      return;
    case 'minimum':
      if (da !== null) for (let i = 0; i < size; i++) if (a[i] <= b[i]) da[i] += dy[i];
      if (db !== null) for (let i = 0; i < size; i++) if (a[i] > b[i]) db[i] += dy[i];
      return;
  }
}

/** y[i] = 1 if a[i] op b[i] else 0, for the first `size` elements (any comparison with NaN is false). */
export function compare(op: CompareOp, a: Float32Array, b: Float32Array, y: Float32Array, size: number): void {
  switch (op) {
    case 'greater':
      for (let i = 0; i < size; i++) y[i] = a[i] > b[i] ? 1 : 0;
      return;
    case 'less':
      for (let i = 0; i < size; i++) y[i] = a[i] < b[i] ? 1 : 0;
      return;
    case 'equal':
      for (let i = 0; i < size; i++) y[i] = a[i] === b[i] ? 1 : 0;
      return;
    case 'greaterEqual':
      for (let i = 0; i < size; i++) y[i] = a[i] >= b[i] ? 1 : 0;
      return;
    case 'lessEqual':
      for (let i = 0; i < size; i++) y[i] = a[i] <= b[i] ? 1 : 0;
      return;
  }
}

/** y[i] = cond[i] !== 0 ? a[i] : b[i] (a NaN condition counts as true, as a cast to bool does). */
export function select(cond: Float32Array, a: Float32Array, b: Float32Array, y: Float32Array, size: number): void {
  for (let i = 0; i < size; i++) y[i] = cond[i] !== 0 ? a[i] : b[i];
}

/** dx[i] += dy[i] where cond[i] is true (`when` true) or false (`when` false): where's gradient to a or b. */
export function selectBackward(cond: Float32Array, dy: Float32Array, dx: Float32Array, when: boolean, size: number): void {
  for (let i = 0; i < size; i++) if ((cond[i] !== 0) === when) dx[i] += dy[i];
}
