/** Keras names come in two spellings: `binary_crossentropy` and `binaryCrossentropy`. */

/** `binaryCrossentropy` -> `binary_crossentropy`; snake_case passes unchanged. */
export function toSnakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/**
 * Finds `name` (either spelling) among `known` (snake_case keys, with aliases) or throws an Error
 * that names the argument and lists the known names.
 */
export function lookUpName<T>(kind: string, name: unknown, known: Record<string, T>): T {
  if (typeof name === 'string') {
    const key = toSnakeCase(name.trim());
    if (Object.prototype.hasOwnProperty.call(known, key)) return known[key];
  }
  const shown = typeof name === 'string' ? `'${name}'` : String(name);
  throw new Error(`Unknown ${kind} ${shown}; known: ${Object.keys(known).join(', ')}`);
}
