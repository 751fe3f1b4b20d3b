/**
 * A functional model the Sequential API cannot express: a residual MLP on two noisy half moons,
 *
 *   x -> Dense(64, relu) = h -> Dropout(rate) -> Dense(64, relu) -> Add([h, .]) -> Dense(1, sigmoid)
 *
 * trained on 60 points (scikit-learn's make_moons, noise 0.3) and tested on 1000 others, without
 * dropout and with Dropout(0.5) on the residual branch, over seeds 1-5. Prints the table and
 * writes the decision function of the seed-1 dropout model, with the training points, to
 * out/residual-moons.svg. Run: `node dist/examples/residual-moons.js`.
 */
import { Add, Dense, Dropout, heatMap, Input, makeMoons, Model, saveSvg, Tensor } from '../index';

/** The residual MLP; `rate` 0 leaves the Dropout out. */
export function residualModel(seed: number, rate: number): Model {
  const x = Input({ shape: [2] });
  const h = new Dense(64, { activation: 'relu' }).apply(x);
  const branch = new Dense(64, { activation: 'relu' }).apply(rate > 0 ? new Dropout(rate).apply(h) : h);
  const out = new Dense(1, { activation: 'sigmoid' }).apply(new Add().apply([h, branch]));
  const model = new Model({ inputs: x, outputs: out, seed });
  model.compile({ loss: 'binary_crossentropy', optimizer: 'adam', metrics: ['accuracy'] });
  return model;
}

/** 60 training and 1000 test points of two noisy half moons. */
export function moonsData(): { trainX: Tensor; trainY: Tensor; testX: Tensor; testY: Tensor } {
  const train = makeMoons({ nSamples: 60, noise: 0.3, randomState: 1 });
  const test = makeMoons({ nSamples: 1000, noise: 0.3, randomState: 2 });
  return { trainX: train.X, trainY: train.y, testX: test.X, testY: test.y };
}

/** Trains one model for `epochs` and returns its train and test accuracy. */
export async function runResidual(seed: number, rate: number, epochs = 1000): Promise<{ model: Model; train: number; test: number }> {
  const { trainX, trainY, testX, testY } = moonsData();
  const model = residualModel(seed, rate);
  await model.fit(trainX, trainY, { epochs, batchSize: 32, verbose: 0 });
  return { model, train: model.evaluate(trainX, trainY)[1], test: model.evaluate(testX, testY)[1] };
}

async function main(): Promise<void> {
  const seeds = [1, 2, 3, 4, 5];
  const rows: string[] = [];
  let plotted: Model | null = null;
  const means: Record<string, [number, number]> = {};
  for (const rate of [0, 0.5]) {
    let train = 0;
    let test = 0;
    // One fit per seed; the table shows the mean.
    for (const seed of seeds) {
      const run = await runResidual(seed, rate);
      train += run.train / seeds.length;
      test += run.test / seeds.length;
      if (rate > 0 && seed === 1) plotted = run.model;
    }
    const name = rate > 0 ? `Dropout(${rate}) on the branch` : 'no dropout';
    means[name] = [train, test];
    rows.push(`| ${name.padEnd(26)} | ${train.toFixed(3)} | ${test.toFixed(3)} |`);
  }
  console.log('Residual MLP on make_moons(noise 0.3): 60 training points, 1000 test points, 1000 epochs, seeds 1-5 (mean)\n');
  console.log('| model                      | train | test  |\n|----------------------------|-------|-------|');
  console.log(rows.join('\n'));
  const side = 100;
  const [x0, x1, y0, y1] = [-1.8, 2.8, -1.3, 1.8];
  const grid = Tensor.zeros([side * side, 2]);
  // Row r of the grid is at y0 + (y1 - y0) r / (side - 1), column c at x0 likewise.
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      grid.data[2 * (r * side + c)] = x0 + ((x1 - x0) * c) / (side - 1);
      grid.data[2 * (r * side + c) + 1] = y0 + ((y1 - y0) * r) / (side - 1);
    }
  }
  const p = (plotted as Model).predict(grid) as Tensor;
  const { trainX, trainY } = moonsData();
  const svg = heatMap(p, { rows: side, cols: side, xMin: x0, xMax: x1, yMin: y0, yMax: y1 }, {
    title: 'Residual MLP with Dropout(0.5), seed 1: p(class 1)',
    xLabel: 'x1',
    yLabel: 'x2',
    colorbarLabel: 'p(class 1)',
    vMin: 0,
    vMax: 1,
    points: { X: trainX, labels: trainY, classNames: ['moon 0', 'moon 1'] },
  });
  saveSvg('out/residual-moons.svg', svg);
  console.log('\nwrote out/residual-moons.svg');
}

if (require.main === module) void main();
