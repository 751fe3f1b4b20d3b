/**
 * The tutorial's MLP with Dropout(0.4) after the hidden layer, same data and epochs.
 * Prints `Train: 0.xxx, Test: 0.xxx` and writes the learning curves to out/mlp-dropout.svg.
 */
import { saveAccuracyPlot } from './accuracy-plot';
import { runCaseStudy } from './circles-mlp';

async function main(): Promise<void> {
  const seed = Number(process.argv[2] ?? 1);
  const run = await runCaseStudy({ seed, rate: 0.4 });
  console.log(`Train: ${run.trainAcc.toFixed(3)}, Test: ${run.testAcc.toFixed(3)}  (seed ${seed}, ${run.seconds.toFixed(2)} s)`);
  saveAccuracyPlot('out/mlp-dropout.svg', run.history, 'MLP with Dropout(0.4): train vs test accuracy');
}

if (require.main === module) void main();
