import { Dense } from '../layers/dense';
import { makeCircles } from '../datasets';
import { Workspace } from '../lib/autodiff';
import { Adam, SGD } from '../lib/optimizers';
import { Sequential } from '../lib/sequential';
import { Tensor } from '../lib/tensor';

const XOR_X = [[0, 0], [0, 1], [1, 0], [1, 1]];
const XOR_Y = [0, 1, 1, 0];

function xorModel(seed: number): Sequential {
  const model = new Sequential({ seed });
  model.add(new Dense(8, { inputDim: 2, activation: 'tanh' }));
  model.add(new Dense(1, { activation: 'sigmoid' }));
  model.compile({ loss: 'binary_crossentropy', optimizer: new Adam({ learningRate: 0.05 }), metrics: ['accuracy'] });
  return model;
}

function circlesModel(seed: number): Sequential {
  const model = new Sequential({ seed });
  model.add(new Dense(500, { inputDim: 2, activation: 'relu' }));
  model.add(new Dense(1, { activation: 'sigmoid' }));
  model.compile({ loss: 'binary_crossentropy', optimizer: 'adam', metrics: ['accuracy'] });
  return model;
}

describe('Sequential learns', () => {
  it.each([1, 2, 3])('XOR to 100% accuracy (seed %i)', async (seed) => {
    const model = xorModel(seed);
    const history = await model.fit(XOR_X, XOR_Y, { epochs: 300, batchSize: 4, verbose: 0 });
    const [loss, acc] = model.evaluate(XOR_X, XOR_Y);
    expect(acc).toBe(1);
    expect(loss).toBeLessThan(history.history.loss[0]);
    const p = model.predict(XOR_X);
    expect(p.shape).toEqual([4, 1]);
    expect(Array.from(p.data, (v) => (v > 0.5 ? 1 : 0))).toEqual(XOR_Y);
  });

  it('the 2-500-1 MLP fits 30 points of two noisy circles to training accuracy 1.0 within 4000 epochs', async () => {
    const { X, y } = makeCircles({ nSamples: 100, noise: 0.1, randomState: 1 });
    const [trainX, trainY] = [X.rows(0, 30), y.rows(0, 30)];
    const [testX, testY] = [X.rows(30, 100), y.rows(30, 100)];
    const model = circlesModel(1);
    const history = await model.fit(trainX, trainY, { validationData: [testX, testY], epochs: 4000, verbose: 0 });
    const [, trainAcc] = model.evaluate(trainX, trainY);
    expect(trainAcc).toBe(1);
    expect(history.history.loss).toHaveLength(4000);
    expect(history.history.val_accuracy).toHaveLength(4000);
    // the tutorial reads history.history['acc']: both names give the same series
    expect(history.history.acc).toBe(history.history.accuracy);
    expect(history.history.val_acc).toBe(history.history.val_accuracy);
    expect(Object.keys(history.history)).toEqual(['loss', 'accuracy', 'val_loss', 'val_accuracy']);
  }, 30000);
});

describe('Sequential is deterministic', () => {
  async function run(seed: number) {
    const model = xorModel(seed);
    const history = await model.fit(XOR_X, XOR_Y, { epochs: 20, batchSize: 2, verbose: 0 });
    return { weights: model.getWeights().map((w) => Array.from(w.data)), history: history.history };
  }
  it('same seed -> bit-identical weights and history; another seed -> different', async () => {
    const a = await run(5);
    const b = await run(5);
    const c = await run(6);
    expect(b.weights).toEqual(a.weights);
    expect(b.history).toEqual(a.history);
    expect(c.weights).not.toEqual(a.weights);
  });
  it('a string seed works too, and an unseeded model reports the seed it drew', () => {
    expect(new Sequential({ seed: 'abc' }).seed).toBe('abc');
    expect(new Sequential().seed).toMatch(/^\d+$/);
  });
});

describe('Sequential API', () => {
  it('evaluate returns [loss, ...metrics]; getWeights/setWeights round-trip', async () => {
    const model = xorModel(1);
    const w = model.getWeights();
    expect(w.map((t) => t.shape)).toEqual([[2, 8], [8], [8, 1], [1]]);
    await model.fit(XOR_X, XOR_Y, { epochs: 5, verbose: 0 });
    const before = model.evaluate(XOR_X, XOR_Y);
    expect(before).toHaveLength(2);
    const trained = model.getWeights();
    model.setWeights(w);
    expect(model.evaluate(XOR_X, XOR_Y)).not.toEqual(before);
    model.setWeights(trained);
    expect(model.evaluate(XOR_X, XOR_Y)).toEqual(before);
    expect(model.countParams()).toBe(2 * 8 + 8 + 8 + 1);
  });

  it('accepts Float32Array data with a shape, and y of shape [n, 1]', async () => {
    const model = xorModel(2);
    const x = new Tensor(Float32Array.from(XOR_X.flat()), [4, 2]);
    const h = await model.fit(x, { data: Float32Array.from(XOR_Y), shape: [4, 1] }, { epochs: 2, verbose: 0 });
    expect(h.history.loss).toHaveLength(2);
  });

  it('verbose 1 prints a Keras-like line per epoch', async () => {
    const model = xorModel(1);
    const lines: string[] = [];
    const wasTTY = process.stdout.isTTY;
    process.stdout.isTTY = false;
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
      lines.push(String(s));
      return true;
    });
    try {
      await model.fit(XOR_X, XOR_Y, { epochs: 2, verbose: 1 });
    } finally {
      spy.mockRestore();
      process.stdout.isTTY = wasTTY;
    }
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^Epoch 2\/2\n1\/1 - \d+s [\d.]+ms\/step - loss: \d\.\d{4} - accuracy: \d\.\d{4}\n$/);
  });

  it('categorical and sparse categorical models train with categorical accuracy', async () => {
    const x = [[0, 0], [0, 1], [1, 0], [1, 1]];
    for (const [loss, y] of [
      ['categorical_crossentropy', [[1, 0, 0], [0, 1, 0], [0, 1, 0], [0, 0, 1]]],
      ['sparseCategoricalCrossentropy', [0, 1, 1, 2]],
    ] as const) {
      const model = new Sequential({ seed: 3 });
      model.add(new Dense(16, { inputShape: [2], activation: 'relu' }));
      model.add(new Dense(3, { activation: 'softmax' }));
      model.compile({ loss, optimizer: new SGD({ learningRate: 0.5, momentum: 0.9 }), metrics: ['acc'] });
      const h = await model.fit(x, y as never, { epochs: 200, batchSize: 4, verbose: 0 });
      expect(h.history.acc[199]).toBe(1);
    }
  });

  it('a training step allocates no buffer after the first batch of a given size', async () => {
    const { X, y } = makeCircles({ nSamples: 100, noise: 0.1, randomState: 1 });
    const model = circlesModel(1);
    const data = { validationData: [X.rows(30, 100), y.rows(30, 100)] as [Tensor, Tensor], verbose: 0 as const };
    await model.fit(X.rows(0, 30), y.rows(0, 30), { ...data, epochs: 2 });
    const after = Workspace.allocations;
    await model.fit(X.rows(0, 30), y.rows(0, 30), { ...data, epochs: 50 });
    expect(Workspace.allocations).toBe(after);
  });
});

describe('Sequential rejects bad input with clear errors', () => {
  const model = () => {
    const m = new Sequential({ seed: 1 });
    m.add(new Dense(4, { inputDim: 2, activation: 'relu' }));
    m.add(new Dense(1, { activation: 'sigmoid' }));
    return m;
  };
  const compiled = () => {
    const m = model();
    m.compile({ loss: 'binary_crossentropy', optimizer: 'adam', metrics: ['accuracy'] });
    return m;
  };

  it('fit or evaluate before compile', async () => {
    await expect(model().fit(XOR_X, XOR_Y)).rejects.toThrow('Sequential.fit: the model must be compiled first');
    expect(() => model().evaluate(XOR_X, XOR_Y)).toThrow('Sequential.evaluate: the model must be compiled first');
  });
  it('x and y of different lengths', async () => {
    await expect(compiled().fit(XOR_X, [0, 1, 1], { verbose: 0 })).rejects.toThrow('x and y must have the same number of samples; x has 4, y has 3');
  });
  it('a wrong feature count for the first layer', async () => {
    await expect(compiled().fit([[1, 2, 3]], [1], { verbose: 0 })).rejects.toThrow(
      "Sequential.fit: x has per-sample shape [3] (x is [1, 3]) but the first layer 'dense",
    );
    expect(() => compiled().predict([[1, 2, 3]])).toThrow(/expects \[2\]/);
  });
  it('unknown loss, optimizer, metric and activation names, listing the known ones', () => {
    expect(() => model().compile({ loss: 'binary_cross_entropy' })).toThrow("Unknown loss 'binary_cross_entropy'; known: binary_crossentropy");
    expect(() => model().compile({ loss: 'mse', optimizer: 'adagrad' })).toThrow("Unknown optimizer 'adagrad'; known: sgd, adam, rmsprop");
    expect(() => model().compile({ loss: 'mse', metrics: ['precision'] })).toThrow("Unknown metric 'precision'; known: accuracy, acc");
    expect(() => new Dense(3, { activation: 'gelu' })).toThrow(/Unknown activation.*'gelu'; known: linear, relu/);
  });
  it('NaN or Infinity in x or y', async () => {
    await expect(compiled().fit([[0, NaN]], [1], { verbose: 0 })).rejects.toThrow('Sequential.fit: x: expected finite numbers, found NaN at flat index 1');
    await expect(compiled().fit([[0, 1]], [Infinity], { verbose: 0 })).rejects.toThrow('Sequential.fit: y: expected finite numbers, found Infinity at flat index 0');
    await expect(
      compiled().fit([[0, 1]], [1], { verbose: 0, validationData: [[[0, 1]], [NaN]] }),
    ).rejects.toThrow('validationData: y: expected finite numbers');
  });
  it('an empty dataset', async () => {
    await expect(compiled().fit([], [], { verbose: 0 })).rejects.toThrow('Sequential.fit: x is empty (shape [0]); expected at least one sample');
  });
  it('labels outside {0, 1} for binary cross-entropy, bad epochs and batch sizes', async () => {
    await expect(compiled().fit([[0, 1]], [2], { verbose: 0 })).rejects.toThrow('binary_crossentropy expects labels in {0, 1}');
    await expect(compiled().fit([[0, 1]], [1], { epochs: 1.5, verbose: 0 })).rejects.toThrow('epochs must be a non-negative integer, got 1.5');
    await expect(compiled().fit([[0, 1]], [1], { batchSize: 0, verbose: 0 })).rejects.toThrow('batchSize must be a positive integer');
  });
  it('a first layer without an input shape', () => {
    expect(() => new Sequential().add(new Dense(3))).toThrow(/the first layer \('dense.*', Dense\) needs inputShape or inputDim/);
  });
});
