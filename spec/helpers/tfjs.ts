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
import * as fs from 'fs';
import * as path from 'path';

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

/**
 * Loads a model folder written by Lamina (model.json and the weights files its manifest names)
 * into TensorFlow.js: `tf.loadLayersModel` through `tf.io.fromMemory`, since TF.js's own file://
 * handler needs tfjs-node.
 */
export async function tfLoadFolder(dir: string): Promise<tf.LayersModel> {
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
  const bin = Buffer.concat(json.weightsManifest[0].paths.map((p: string) => fs.readFileSync(path.join(dir, p))));
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData }));
}

/** Saves a TensorFlow.js model into `dir` as model.json and one weights file (what tfjs-node's file:// would write). */
export async function tfSaveFolder(model: tf.LayersModel, dir: string, weightsFile = 'weights.bin'): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const { weightSpecs, weightData, ...rest } = artifacts;
      fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ ...rest, weightsManifest: [{ paths: [weightsFile], weights: weightSpecs }] }));
      fs.writeFileSync(path.join(dir, weightsFile), Buffer.from(weightData as ArrayBuffer));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

export { tf };
