/**
 * Custom training loops: `model.apply` inside `valueAndGrads` gives the batch loss and its
 * gradients, `optimizer.applyGradients` takes the step. The loop of examples/custom-loop.ts
 * reproduces `fit` bit for bit, masks included, and 10,000 of its steps do not grow the heap:
 * the tensors made by hand are plain garbage-collected objects.
 */
import * as v8 from 'v8';
import * as vm from 'vm';
import { trainByHand } from '../examples/custom-loop';
import { circlesData, circlesModel } from '../examples/circles-mlp';
import { Adam, lossFunction, SGD, Tensor, valueAndGrads } from '../index';

describe('a training loop written by hand', () => {
  it('reproduces fit bit for bit for the same seed (Dropout(0.4), 200 epochs)', async () => {
    const { trainX, trainY } = circlesData();
    const byHand = trainByHand(2, 0.4, 200);
    const fitted = circlesModel({ seed: 2, rate: 0.4 });
    const history = await fitted.fit(trainX, trainY, { epochs: 200, shuffle: false, verbose: 0 });
    expect(byHand.model.getWeights().map((w) => Array.from(w.data))).toEqual(fitted.getWeights().map((w) => Array.from(w.data)));
    expect(byHand.losses).toEqual(history.history.loss.map((v) => Math.fround(v)));
  });

  it('leaves the weights as it found them between steps: valueAndGrads restores grad and requiresGrad', () => {
    const model = circlesModel({ seed: 1 });
    const weights = model.trainableWeights;
    const before = weights.map((w) => w.grad);
    const { trainX, trainY } = circlesData();
    const { grads } = valueAndGrads(() => lossFunction('binary_crossentropy')(trainY.reshape([30, 1]), model.apply(trainX) as Tensor), weights);
    expect(weights.map((w) => w.grad)).toEqual(before);
    expect(weights.every((w) => w.requiresGrad)).toBe(true);
    expect(grads.map((g) => g.shape)).toEqual(weights.map((w) => w.shape));
    expect(grads.some((g) => g.data.some((v) => v !== 0))).toBe(true);
  });

  it('applyGradients checks its pairs', () => {
    const w = Tensor.from([1, 2]);
    const opt = new SGD({ learningRate: 0.5 });
    opt.applyGradients([[Tensor.from([2, 4]), w]]);
    expect(Array.from(w.data)).toEqual([0, 0]);
    expect(() => opt.applyGradients([[Tensor.from([1]), w]])).toThrow(/SGD.applyGradients: pair 0: the gradient has 1 values but the variable \[2\] has 2/);
    expect(() => opt.applyGradients([w] as never)).toThrow(/pair 0 should be \[gradient, variable\]/);
  });

  it('10,000 steps grow the heap by less than 5%', () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const { trainX, trainY } = circlesData();
    const model = circlesModel({ seed: 3, rate: 0.4 });
    const optimizer = new Adam();
    const loss = lossFunction('binary_crossentropy');
    const weights = model.trainableWeights;
    const y = trainY.reshape([30, 1]);
    let heapAt1000 = 0;
    for (let step = 1; step <= 10000; step++) {
      const { grads } = valueAndGrads(() => loss(y, model.apply(trainX, { training: true }) as Tensor), weights);
      optimizer.applyGradients(grads.map((g, i) => [g, weights[i]] as const));
      if (step === 1000) {
        gc();
        heapAt1000 = process.memoryUsage().heapUsed;
      }
    }
    gc();
    const growth = (process.memoryUsage().heapUsed - heapAt1000) / heapAt1000;
    expect(growth).toBeLessThan(0.05);
  }, 60000);
});
