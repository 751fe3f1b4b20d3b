/**
 * TensorFlow.js for the specs that compare with it: `import { tf } from './helpers/tfjs'`.
 *
 * In Node, TF.js's CPU backend advises installing tfjs-node on its first tensor, through
 * tfjs-core's `warn`, i.e. `console.warn`; jest prints every console.warn with a stack trace, so
 * the advice reads like a failure. Loading TF.js here puts a filter in front of `console.warn`
 * that drops that one message and lets every other warning through. (jest gives each spec file
 * its own console, so the filter lasts for the file that imports this module.) The other way,
 * `tf.enableProdMode()`, would silence every TF.js warning.
 */
import * as tf from '@tensorflow/tfjs';

/** Advice messages dropped so far. */
let dropped = 0;

/** True for TF.js's "install our node backend" advice. */
function isNodeBackendAdvice(args: unknown[]): boolean {
  return args.some((arg) => typeof arg === 'string' && arg.includes('tfjs-node') && /install our node\s+backend/.test(arg));
}

const warn = console.warn;
console.warn = (...args: unknown[]): void => {
  if (isNodeBackendAdvice(args)) dropped++;
  else warn.apply(console, args);
};

/** How many times TF.js gave its "install tfjs-node" advice since this module loaded (and was not printed). */
export function silencedAdvice(): number {
  return dropped;
}

export { tf };
