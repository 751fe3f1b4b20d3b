/**
 * The data a model is given, checked and turned into one Tensor per input or output: `fit`,
 * `evaluate` and `predict` take a single array for a one-input model (or a list of one Tensor),
 * and for several inputs a list in the model's input order or an object keyed by input name
 * (likewise for outputs).
 */
import { checkTargets, LossName } from './losses';
import { checkFinite, describe, shapeToString, Tensor, TensorLike } from './tensor';

/** Data for a model's inputs (or outputs): one array, a list (one per input), or `{ inputName: array }`. */
export type ModelData = TensorLike | readonly TensorLike[] | Record<string, TensorLike>;

/** How a model's inputs (or outputs) are named and shaped, for the checks below. */
export interface Ports {
  /** `x` or `y`, in messages. */
  what: 'x' | 'y';
  /** Names, in order. */
  names: readonly string[];
  /** Per-sample shapes, in order. */
  shapes: readonly (readonly number[])[];
  /** What expects each (`the model's input 'x1'`, `the first layer 'dense'`), for messages. */
  owners: readonly string[];
}

/** Whether `value` is a plain object of named arrays (not a Tensor, an ndarray or `{ data, shape }`). */
function isRecord(value: unknown): value is Record<string, TensorLike> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Tensor) return false;
  return !('data' in value && 'shape' in value);
}

/** One Tensor per port, in order, from any accepted form of `data`; an Error names what is missing or extra. */
export function splitData(where: string, data: ModelData, ports: Ports): Tensor[] {
  const { what, names } = ports;
  if (names.length === 1) {
    if (isRecord(data)) return [Tensor.from(pick(where, data, names, what)[0], `${where}: ${what}`)];
    // A list of one Tensor (or ndarray, or { data, shape }), as Keras and TF.js take for one
    // input; a nested array's entries are numbers or arrays, so this cannot be one.
    if (Array.isArray(data) && data.length === 1 && typeof data[0] === 'object' && data[0] !== null && !Array.isArray(data[0])) {
      return [Tensor.from(data[0] as TensorLike, `${where}: ${what}`)];
    }
    return [Tensor.from(data as TensorLike, `${where}: ${what}`)];
  }
  let parts: TensorLike[];
  if (isRecord(data)) parts = pick(where, data, names, what);
  else if (Array.isArray(data) && data.length === names.length) parts = data as TensorLike[];
  else {
    throw new TypeError(
      `${where}: the model has ${names.length} ${what === 'x' ? 'inputs' : 'outputs'} (${names.join(', ')}); give ${what} as a list of ${names.length} arrays in that order, or an object keyed by name, got ${describe(data)}`,
    );
  }
  return parts.map((p, i) => Tensor.from(p, `${where}: ${what}['${names[i]}']`));
}

/** The values of `data` for `names`, in order; an unknown or missing name is an Error. */
function pick(where: string, data: Record<string, TensorLike>, names: readonly string[], what: string): TensorLike[] {
  for (const key of Object.keys(data)) {
    if (!names.includes(key)) throw new Error(`${where}: ${what} has '${key}', which is not one of the model's ${what === 'x' ? 'inputs' : 'outputs'}: ${names.join(', ')}`);
  }
  return names.map((name) => {
    if (!(name in data)) throw new Error(`${where}: ${what} lacks '${name}' (the model's ${what === 'x' ? 'inputs' : 'outputs'}: ${names.join(', ')})`);
    return data[name];
  });
}

/** Checks every input: finite, non-empty, the model's per-sample shape, the same number of samples. */
export function checkInputs(where: string, xs: readonly Tensor[], ports: Ports): void {
  xs.forEach((X, i) => {
    const label = ports.names.length === 1 ? 'x' : `x['${ports.names[i]}']`;
    if (X.rank === 0 || X.shape[0] === 0) throw new RangeError(`${where}: ${label} is empty (shape ${shapeToString(X.shape)}); expected at least one sample`);
    const expected = ports.shapes[i];
    const got = X.shape.slice(1);
    if (got.length !== expected.length || got.some((d, a) => d !== expected[a])) {
      throw new RangeError(`${where}: ${label} has per-sample shape ${shapeToString(got)} (${label} is ${shapeToString(X.shape)}) but ${ports.owners[i]} expects ${shapeToString(expected)}`);
    }
    if (X.shape[0] !== xs[0].shape[0]) throw new RangeError(`${where}: every input needs the same number of samples; '${ports.names[0]}' has ${xs[0].shape[0]}, '${ports.names[i]}' has ${X.shape[0]}`);
    checkFinite(X.data, `${where}: ${label}`);
  });
}

/** Checks every target against its output: the same number of samples as x, finite, valid for its loss. */
export function checkTargetsOf(where: string, ys: readonly Tensor[], rows: number, ports: Ports, losses: readonly (LossName | null)[]): void {
  ys.forEach((Y, i) => {
    const label = ports.names.length === 1 ? 'y' : `y['${ports.names[i]}']`;
    if (Y.rank === 0 || Y.shape[0] !== rows) {
      throw new RangeError(`${where}: x and ${label} must have the same number of samples; x has ${rows}, ${label} has ${Y.rank === 0 ? 'none (a scalar)' : Y.shape[0]}`);
    }
    checkFinite(Y.data, `${where}: ${label}`);
    const loss = losses[i];
    // A hand-written loss checks its own targets.
    if (loss !== null) checkTargets(loss, Y, [rows, ...ports.shapes[i]], ports.names.length === 1 ? where : `${where}: output '${ports.names[i]}'`);
  });
}

/**
 * Keras' validation_split: the last `fraction` of the rows of every array (from floor(n * (1 -
 * fraction)) on), taken before any shuffling, as views. Returns [train, validation].
 */
export function holdOut(where: string, arrays: readonly Tensor[], fraction: number): [Tensor[], Tensor[]] {
  const n = arrays[0].shape[0];
  const splitAt = Math.floor(n * (1 - fraction));
  if (splitAt === 0 || splitAt === n) {
    throw new RangeError(`${where}: validationSplit ${fraction} of ${n} samples leaves ${splitAt === 0 ? 'no sample to train on' : 'no sample to validate on'}; use a fraction that splits them`);
  }
  return [arrays.map((a) => a.rows(0, splitAt)), arrays.map((a) => a.rows(splitAt, n))];
}
