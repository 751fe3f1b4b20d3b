import { Dense } from '../layers/dense';
import { circlesData, circlesModel } from '../examples/circles-mlp';
import { predictMC } from '../lib/monte-carlo';
import { Sequential } from '../lib/sequential';
import { Tensor } from '../lib/tensor';

describe('predictMC (Monte Carlo dropout)', () => {
  it('is more uncertain near the decision boundary than at confidently classified training points', async () => {
    const { trainX, trainY, testX, testY } = circlesData();
    const model = circlesModel({ seed: 1, rate: 0.4 });
    await model.fit(trainX, trainY, { validationData: [testX, testY], epochs: 4000, verbose: 0 });
    // A 41 x 41 grid over [-1.5, 1.5]^2.
    const side = 41;
    const grid = Tensor.zeros([side * side, 2]);
    for (let i = 0; i < side; i++) {
      for (let j = 0; j < side; j++) {
        grid.data[2 * (i * side + j)] = -1.5 + (3 * j) / (side - 1);
        grid.data[2 * (i * side + j) + 1] = -1.5 + (3 * i) / (side - 1);
      }
    }
    const onGrid = predictMC(model, grid, { samples: 50 });
    expect(onGrid.mean.shape).toEqual([side * side, 1]);
    const boundary: number[] = [];
    onGrid.mean.data.forEach((m, i) => {
      if (m >= 0.4 && m <= 0.6) boundary.push(onGrid.std.data[i]);
    });
    const onTrain = predictMC(model, trainX, { samples: 50 });
    const confident: number[] = [];
    onTrain.mean.data.forEach((m, i) => {
      if (m > 0.9 || m < 0.1) confident.push(onTrain.std.data[i]);
    });
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(boundary.length).toBeGreaterThan(10);
    expect(confident.length).toBeGreaterThan(10);
    expect(mean(boundary)).toBeGreaterThan(mean(confident));
  }, 30000);

  it('the mean and std agree with direct predictions', () => {
    const model = circlesModel({ seed: 2, rate: 0.5 });
    const x = [[0.1, 0.2]];
    const { mean, std } = predictMC(model, x, { samples: 200 });
    const single = Array.from({ length: 200 }, () => model.predict(x, { training: true }).data[0]);
    const m = single.reduce((a, b) => a + b, 0) / 200;
    expect(mean.data[0]).toBeCloseTo(m, 1);
    expect(std.data[0]).toBeGreaterThan(0);
  });

  it('says so when the model has no dropout, and rejects samples < 2', () => {
    const model = new Sequential({ seed: 1, name: 'plain' });
    model.add(new Dense(1, { inputDim: 2 }));
    expect(() => predictMC(model, [[0, 0]])).toThrow("predictMC: model 'plain' has no dropout or noise layer with a non-zero rate");
    expect(() => predictMC(circlesModel({ seed: 1, rate: 0.4 }), [[0, 0]], { samples: 1 })).toThrow('predictMC: samples must be an integer >= 2');
  });
});
