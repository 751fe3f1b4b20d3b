/**
 * A layer of your own: `Scale` multiplies each feature by a learned factor, with its backward
 * written beside its forward. It trains inside a Sequential, saves, and loads back once its class
 * is registered. Run: `node dist/examples/custom-layer.js`.
 */
import { CallContext, ConfigReader, Dense, gradOf, InputShapes, Layer, loadModel, record, registerLayerClass, Sequential, Tensor } from '../index';

/** Scale(): y = x * gamma on the last axis. Input [batch, ..., f] -> same shape; weight gamma [f], starting at 1. */
export class Scale extends Layer {
  computeOutputShape(inputShape: readonly number[]): number[] {
    return inputShape.slice();
  }
  override weightShapes(inputShape: InputShapes): { name: string; shape: number[] }[] {
    const shape = inputShape as readonly number[];
    return [{ name: 'gamma', shape: [shape[shape.length - 1]] }];
  }
  protected override createWeights(): void {
    this.addWeight('gamma', (w) => w.data.fill(1));
  }
  call(x: Tensor, ctx: CallContext): Tensor {
    const gamma = this.weights[0];
    const f = gamma.size;
    const y = this.buffers(ctx).get(ctx, 'y', x.shape);
    for (let i = 0; i < x.size; i++) y.data[i] = x.data[i] * gamma.data[i % f];
    // Backward: dx = dy * gamma, d gamma = sum over rows of dy * x.
    record(ctx, y, [x, gamma], () => {
      const dy = y.grad as Float32Array;
      const dx = gradOf(x);
      const dGamma = gradOf(gamma);
      for (let i = 0; i < x.size; i++) {
        if (dx !== null) dx[i] += dy[i] * gamma.data[i % f];
        if (dGamma !== null) dGamma[i % f] += dy[i] * x.data[i];
      }
    });
    return y;
  }
}

// loadModel builds a saved 'Scale' layer from its config (name, trainable, input shape).
registerLayerClass('Scale', (config: ConfigReader) => new Scale(config.common()));

/** Trains Scale -> Dense on a toy task, saves it to `dir`, loads it back; returns both predictions. */
export async function customLayerDemo(dir: string): Promise<{ before: Tensor; after: Tensor; gamma: number[]; loss: number[] }> {
  const model = new Sequential({ seed: 1 });
  model.add(new Scale({ inputShape: [2] }));
  model.add(new Dense(1, { activation: 'sigmoid' }));
  model.compile({ loss: 'binary_crossentropy', optimizer: 'adam' });
  const x = [[0.1, 2], [0.2, -1], [-0.3, 1.5], [0.4, -2]];
  const history = await model.fit(x, [1, 0, 1, 0], { epochs: 50, batchSize: 4, verbose: 0 });
  await model.save(dir);
  const loaded = await loadModel(dir);
  return { before: model.predict(x), after: loaded.predict(x) as Tensor, gamma: Array.from(model.layers[0].weights[0].data), loss: history.history.loss };
}

if (require.main === module) {
  void customLayerDemo('out/custom-layer').then(({ before, after, gamma, loss }) => {
    console.log(`gamma after training: [${gamma.map((g) => g.toFixed(3)).join(', ')}]; loss ${loss[0].toFixed(3)} -> ${loss[loss.length - 1].toFixed(3)}`);
    console.log(`predictions equal after save and load: ${before.data.every((v, i) => v === after.data[i])}`);
  });
}
