/**
 * Beyond the tutorial: Monte Carlo dropout. The case study's Dropout(0.4) model, trained once
 * (seed 1), predicts a 100 x 100 grid over the plane 100 times with dropout on; the standard
 * deviation of those predictions is the model's uncertainty. Writes it as a heat map with the
 * data on top to out/mc-dropout.svg and prints how uncertainty differs near the boundary.
 */
import { heatMap, predictMC, saveSvg, Tensor } from '../index';
import { circlesData, runCaseStudy } from './circles-mlp';

async function main(): Promise<void> {
  const { X, y } = circlesData();
  const { model, trainAcc, testAcc } = await runCaseStudy({ seed: 1, rate: 0.4 });
  const side = 100;
  const [lo, hi] = [-1.5, 1.5];
  const grid = Tensor.zeros([side * side, 2]);
  // Row r of the grid is y = lo + (hi - lo) r / (side - 1), column c is x likewise.
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      grid.data[2 * (r * side + c)] = lo + ((hi - lo) * c) / (side - 1);
      grid.data[2 * (r * side + c) + 1] = lo + ((hi - lo) * r) / (side - 1);
    }
  }
  const { mean, std } = predictMC(model, grid, { samples: 100 });
  const near: number[] = [];
  const far: number[] = [];
  mean.data.forEach((m, i) => (m >= 0.4 && m <= 0.6 ? near : m > 0.9 || m < 0.1 ? far : []).push(std.data[i]));
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(`model: train ${trainAcc.toFixed(3)}, test ${testAcc.toFixed(3)}`);
  console.log(`predictive std, mean over grid points with mean prediction in [0.4, 0.6]: ${avg(near).toFixed(4)} (${near.length} points)`);
  console.log(`predictive std, mean over grid points predicted with confidence > 0.9:   ${avg(far).toFixed(4)} (${far.length} points)`);
  const svg = heatMap(std, { rows: side, cols: side, xMin: lo, xMax: hi, yMin: lo, yMax: hi }, {
    title: 'Monte Carlo dropout: predictive standard deviation (100 passes)',
    xLabel: 'x1',
    yLabel: 'x2',
    colorbarLabel: 'std of p(inner circle)',
    points: { X, labels: y, classNames: ['outer (0)', 'inner (1)'] },
  });
  saveSvg('out/mc-dropout.svg', svg);
  console.log('wrote out/mc-dropout.svg');
}

void main();
