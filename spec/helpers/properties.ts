/**
 * Shared pieces of the property specs (spec/properties-*.spec.ts): arbitraries for hostile
 * arguments, the "helpful error" check, and small float64 reference helpers.
 */
import fc from 'fast-check';

/** One seed for every property, so CI runs the same cases every time. */
export const SEED = 42;

/**
 * Messages of TypeErrors that come from inside the engine by accident (a property read on
 * undefined, a call of a non-function...), never from a check written on purpose.
 */
const ACCIDENTAL =
  /Cannot read propert|Cannot set propert|is not a function|is not iterable|is not a constructor|undefined is not|null is not|Cannot convert|Cannot destructure|is not defined|Maximum call stack|Invalid typed array length|Array buffer allocation failed|Invalid array length|Do not know how to serialize/;

/**
 * Throws (so the property fails and fast-check shrinks) unless `e` is an Error written by Lamina:
 * an Error, RangeError or TypeError whose message is not an accidental engine TypeError and
 * mentions at least one of `names` (the layer, the function or the argument).
 */
export function expectHelpfulError(e: unknown, names: readonly string[]): void {
  if (!(e instanceof Error)) throw new Error(`expected an Error, got a thrown ${typeof e}: ${String(e)}`);
  if (ACCIDENTAL.test(e.message)) throw new Error(`accidental error from inside the engine: ${e.name}: ${e.message}\n${e.stack}`);
  if (!names.some((n) => e.message.includes(n))) {
    throw new Error(`unhelpful message (mentions none of ${names.join(', ')}): ${e.name}: ${e.message}`);
  }
}

/** Runs `f`; returns its value, or the helpful error it threw (anything else fails the property). */
export function attempt<T>(f: () => T, names: readonly string[]): { ok: true; value: T } | { ok: false; error: Error } {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    expectHelpfulError(e, names);
    return { ok: false, error: e as Error };
  }
}

/** The async twin of `attempt`. */
export async function attemptAsync<T>(f: () => Promise<T>, names: readonly string[]): Promise<{ ok: true; value: T } | { ok: false; error: Error }> {
  try {
    return { ok: true, value: await f() };
  } catch (e) {
    expectHelpfulError(e, names);
    return { ok: false, error: e as Error };
  }
}

/** Values that are not what a numeric argument wants: strings, null, objects, arrays, functions. */
export const junk: fc.Arbitrary<unknown> = fc.constantFrom<unknown>('3', 'abc', '', null, true, false, {}, [], [2], [2, 3], () => 1, new Date(0));

/** Numbers a count-like argument (units, filters, sizes) should reject: 0, negatives, fractions, NaN, infinities, huge. */
export const badCounts: fc.Arbitrary<number> = fc.constantFrom(0, -0, -1, -7, 0.5, 1.5, 2.9999, NaN, Infinity, -Infinity, 2 ** 31, 1e12, 2 ** 53, Number.MAX_SAFE_INTEGER + 2, 1e308, Number.MAX_VALUE);

/** Mostly `good` values, sometimes a `bad` one (so that a record of several arguments is often valid). */
export function mostly<T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<unknown>, goodWeight = 8): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: goodWeight, arbitrary: good }, { weight: 1, arbitrary: bad });
}

/** A count argument: mostly small valid integers, else a bad number or junk (undefined included). */
export function countArg(max: number, goodWeight = 4): fc.Arbitrary<unknown> {
  return mostly(fc.integer({ min: 1, max }), fc.oneof({ weight: 2, arbitrary: badCounts }, junk, fc.constant(undefined)), goodWeight);
}

/** A rate argument (probability of dropping): valid rates, the edges 0 and 1, out-of-range numbers, junk. */
export const rateArg: fc.Arbitrary<unknown> = mostly(
  fc.oneof(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.constantFrom(0, 0.5, 0.999999, 1 - 1e-12, -0)),
  fc.oneof(fc.constantFrom(1, -0.1, 1.5, NaN, Infinity, -Infinity, 1e308, -1e-300), junk),
  3,
);

const ACTIVATION_NAMES = ['linear', 'relu', 'sigmoid', 'hard_sigmoid', 'hardSigmoid', 'tanh', 'softmax', 'elu', 'selu', 'softplus', 'softsign', 'Relu', 'TANH'];

/** An activation argument: a known name (either spelling), else an unknown string, junk or a number. */
export const activationArg: fc.Arbitrary<unknown> = mostly(
  fc.constantFrom(...ACTIVATION_NAMES, undefined),
  fc.oneof(
    fc.constantFrom('rellu', 'gelu', 'swish', 'leaky_relu', ' relu', 'constructor', 'toString', '__proto__', 'hasOwnProperty'),
    fc.string({ maxLength: 6 }),
    junk,
    fc.constantFrom(3, NaN),
  ),
);

const INITIALIZER_NAMES = ['zeros', 'ones', 'glorotUniform', 'glorot_uniform', 'glorotNormal', 'heNormal', 'he_uniform', 'lecunNormal', 'lecun_uniform', 'randomNormal', 'random_uniform', 'truncatedNormal', 'orthogonal'];

/** An initializer argument: a known name, else an unknown string, an object that is not an initializer, junk. */
export const initializerArg: fc.Arbitrary<unknown> = mostly(
  fc.constantFrom(...INITIALIZER_NAMES),
  fc.oneof(fc.constantFrom<unknown>('xavier', 'glorot', 'GlorotUniform', 'constant', 'identity', 'toString', '__proto__', { fill: 5 }, { fill: null }, 7, null), junk),
);

/** A constraint argument: a constraint name (as Keras accepts them) or undefined, else an unknown name or a non-constraint. */
export const constraintArg: fc.Arbitrary<unknown> = mostly(
  fc.constantFrom<unknown>('maxNorm', 'max_norm', 'nonNeg', 'non_neg', 'unitNorm', 'unit_norm', undefined, null),
  fc.constantFrom<unknown>('l2', 'nope', 'hasOwnProperty', { apply: 3 }, 5, [], 'MAXNORM'),
);

/** A boolean flag argument: true/false, or something else a user might pass. */
export const flagArg: fc.Arbitrary<unknown> = mostly(fc.boolean(), fc.constantFrom<unknown>(undefined, 'yes', 0, 1, null));

/** A seed argument. */
export const seedArg: fc.Arbitrary<unknown> = mostly(fc.constantFrom<unknown>(undefined, 1, 0, 'abc'), fc.constantFrom<unknown>(-3, 1.5, NaN, null, {}, [1]));

/** Arguments every layer accepts (name, inputShape or inputDim, trainable), hostile values included. */
export const commonArgs: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fc.record({ name: mostly(fc.constantFrom('my_layer', 'x'), fc.oneof(fc.constant(''), junk)), trainable: flagArg }, { requiredKeys: [] }),
    fc.oneof(
      { weight: 8, arbitrary: fc.constant({}) },
      { weight: 2, arbitrary: fc.record({ inputShape: mostly(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }), fc.oneof(fc.array(badCounts, { minLength: 1, maxLength: 2 }), junk)) }) },
      { weight: 2, arbitrary: fc.record({ inputDim: countArg(5) }) },
      { weight: 1, arbitrary: fc.constant({ inputShape: [2], inputDim: 2 }) },
    ),
  )
  .map(([a, b]) => ({ ...a, ...b }));

/** An n-tuple argument (kernel size, strides): a number or `n` of them, else arrays of another length or with bad entries. */
export function tupleArg(n: number, max: number): fc.Arbitrary<unknown> {
  return mostly(
    fc.oneof(fc.integer({ min: 1, max }), fc.array(fc.integer({ min: 1, max }), { minLength: n, maxLength: n })),
    fc.oneof(fc.array(fc.integer({ min: 1, max }), { maxLength: n + 1 }), fc.array(countArg(max, 1), { minLength: n, maxLength: n }), badCounts, junk),
    4,
  );
}

/** Deterministic uniform floats in [lo, hi) as a Float32Array (a small LCG; fast-check picks the seed). */
export function randomData(size: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + ((hi - lo) * s) / 4294967296;
  }
  return out;
}

/** Product of a shape's entries. */
export function prod(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** The largest |a - b| after rounding each reference value to float32. */
export function maxAbsDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  return worst;
}

/** Throws when any element of `data` is NaN or infinite. */
export function expectAllFinite(data: ArrayLike<number>, what: string): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new Error(`${what}: non-finite value ${data[i]} at flat index ${i}`);
  }
}

/** Throws when two shapes differ. */
export function expectShape(actual: readonly number[], expected: readonly number[], what: string): void {
  if (actual.length !== expected.length || actual.some((d, i) => d !== expected[i])) {
    throw new Error(`${what}: shape [${actual.join(', ')}], expected [${expected.join(', ')}]`);
  }
}
