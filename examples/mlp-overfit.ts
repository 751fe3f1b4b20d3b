/**
 * The tutorial's overfit MLP: Dense(500, relu) -> Dense(1, sigmoid) on 30 points for 4000 epochs.
 * Prints `Train: 1.000, Test: 0.xxx` and writes the learning curves to out/mlp-overfit.svg.
 */
import { saveAccuracyPlot } from './accuracy-plot';
import { runCaseStudy } from './circles-mlp';

async function main(): Promise<void> {
  const seed = Number(process.argv[2] ?? 1);
  const run = await runCaseStudy({ seed });
  console.log(`Train: ${run.trainAcc.toFixed(3)}, Test: ${run.testAcc.toFixed(3)}  (seed ${seed}, ${run.seconds.toFixed(2)} s)`);
  saveAccuracyPlot('out/mlp-overfit.svg', run.history, 'MLP without dropout: train vs test accuracy');
}

if (require.main === module) void main();
