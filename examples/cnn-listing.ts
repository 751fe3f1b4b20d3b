/**
 * The tutorial's two CNN listings, as written (Keras' `...` filled only with an input shape):
 *
 *   Conv2D(32, (3,3)), Conv2D(32, (3,3)), MaxPooling2D(), Dropout(0.5), Dense(1)
 *   Conv2D(32, (3,3)), Conv2D(32, (3,3)), MaxPooling2D(), SpatialDropout2D(0.5), Dense(1)
 *
 * Dense(1) sits directly on the 4-D pooling output, so (as in Keras) it maps the last axis:
 * the model's output is [batch, 12, 12, 1]. Each run builds the model, prints every layer's
 * output shape, and runs it on eight real digits with dropout on (training) and off.
 */
import { Conv2D, Dense, Dropout, loadDigits, MaxPooling2D, Sequential, SpatialDropout2D, Tensor } from '../index';

/** Builds and runs one listing; returns the model. */
export function runListing(kind: 'dropout' | 'spatial'): Sequential {
  const model = new Sequential({ seed: 1 });
  model.add(new Conv2D(32, [3, 3], { inputShape: [28, 28, 1] }));
  model.add(new Conv2D(32, [3, 3]));
  model.add(new MaxPooling2D());
  const dropout = kind === 'dropout' ? new Dropout(0.5) : new SpatialDropout2D(0.5);
  model.add(dropout);
  model.add(new Dense(1));

  console.log(`The tutorial's CNN with ${dropout.className}(0.5):`);
  for (const layer of model.layers) {
    console.log(`  ${layer.className.padEnd(18)} output [batch, ${(layer.outputShape as number[]).join(', ')}]  params ${layer.countParams()}`);
  }
  const x = loadDigits({ nTrain: 8, nTest: 0, seed: 0 }).train.x;
  const off = model.predict(x);
  const on = model.predict(x, { training: true });
  const mask = dropout.lastMask as Tensor;
  let zeros = 0;
  for (const v of mask.data) if (v === 0) zeros++;
  console.log(`  output of 8 digits: [${off.shape.join(', ')}]`);
  console.log(`  training pass: mask [${mask.shape.join(', ')}], ${zeros} of ${mask.size} entries dropped (rate 0.5)`);
  let changed = 0;
  for (let i = 0; i < on.size; i++) if (on.data[i] !== off.data[i]) changed++;
  console.log(`  outputs changed by the mask: ${changed} of ${on.size} (the others see only blank background, all zeros)`);
  return model;
}
