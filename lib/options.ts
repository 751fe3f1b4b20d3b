/**
 * Strict options objects. Every public function or constructor that takes an options object
 * checks it against the keys its interface declares: a misspelled key (`batch_size`, `epoch`,
 * `activaton`) is an Error that names it, suggests the closest known key and lists them all,
 * instead of being silently ignored.
 *
 * The known keys are listed once per interface with `optionKeys<Args>({ ... })`, whose argument
 * must name every key of `Args` and nothing else: the TypeScript compiler keeps the list and the
 * interface in step.
 */
import { describe } from './tensor';

/**
 * The keys of an options interface as a runtime list. The argument must have exactly the keys of
 * `T` (each `true`), so adding a field to the interface without listing it is a compile error.
 */
export function optionKeys<T>(keys: { [K in keyof Required<T>]: true }): readonly string[] {
  return Object.freeze(Object.keys(keys));
}

/**
 * The keys of an interface `T` that extends `B`: the base's list plus the keys `T` adds, which
 * `keys` must name exactly (checked by the compiler, as for `optionKeys`).
 */
export function moreOptionKeys<T extends B, B>(base: readonly string[], keys: { [K in Exclude<keyof Required<T>, keyof B>]: true }): readonly string[] {
  return Object.freeze([...base, ...Object.keys(keys)]);
}

/** `batch_size` -> `batchSize`. */
function snakeToCamel(key: string): string {
  return key.replace(/[_-]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Levenshtein distance between two short strings (case-insensitive). */
function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  // Row by row of the dynamic-programming table: cur[j] = distance(s[0..i], t[0..j]).
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[t.length];
}

/**
 * The known name closest to `name`: its camelCase spelling if known (`batch_size` -> `batchSize`),
 * the same letters in another case, or the nearest by edit distance when it is close enough
 * (at most a third of the name's length, and at least 2 edits allowed); otherwise null.
 */
export function closestName(name: string, known: readonly string[]): string | null {
  const camel = snakeToCamel(name);
  const exact = known.find((k) => k === camel || k.toLowerCase() === camel.toLowerCase() || k.toLowerCase() === name.toLowerCase());
  if (exact !== undefined) return exact;
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = Math.min(editDistance(name, k), editDistance(camel, k));
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  const allowed = Math.max(2, Math.floor(name.length / 3));
  // A prefix of a known key (`epoch` for `epochs`, `lr` is not) also counts as close.
  const prefix = known.find((k) => name.length >= 3 && k.toLowerCase().startsWith(name.toLowerCase()));
  if (bestDistance <= allowed) return best;
  return prefix ?? null;
}

/**
 * Throws an Error if `options` has a key that is not in `known`. The message names the call
 * (`where`), the unknown key, the closest known key ("did you mean batchSize?") and every known key.
 * Keys whose value is `undefined` are checked too: a misspelling is a misspelling.
 */
export function checkOptionKeys(where: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const guess = closestName(key, known);
    const hint = guess !== null ? ` (did you mean ${guess}?)` : '';
    throw new Error(`${where}: unknown option '${key}'${hint}; known options: ${known.length > 0 ? known.join(', ') : 'none'}`);
  }
}

/**
 * An options argument checked in full: `undefined` means `{}`; anything but a plain object is a
 * TypeError; an unknown key is an Error (see `checkOptionKeys`). Returns the object, typed.
 */
export function checkOptions<T extends object>(where: string, options: T | undefined, known: readonly string[]): T {
  if (options === undefined) return {} as T;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${where}: the options must be an object such as { ${known.slice(0, 2).map((k) => `${k}: ...`).join(', ')} }, got ${describe(options)}`);
  }
  checkOptionKeys(where, options, known);
  return options;
}
