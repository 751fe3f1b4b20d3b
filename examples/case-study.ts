/**
 * `npm start`: the tutorial's case study end to end. The circles scatter plot, the overfit MLP
 * and the MLP with Dropout(0.4) (same seed, same data, 4000 epochs each), their learning curves,
 * and a side-by-side summary next to the tutorial's numbers. Its plots are out/case-study-*.svg, so
 * the single-listing scripts (circles-plot, mlp-overfit, mlp-dropout) do not overwrite them.
 */
import { saveAccuracyPlot } from './accuracy-plot';
import { plotCircles } from './circles-plot';
import { runCaseStudy } from './circles-mlp';

async function main(): Promise<void> {
  const seed = Number(process.argv[2] ?? 1);
  plotCircles('out/case-study-circles.svg');
  const overfit = await runCaseStudy({ seed });
  saveAccuracyPlot('out/case-study-mlp-overfit.svg', overfit.history, 'MLP without dropout: train vs test accuracy');
  const dropout = await runCaseStudy({ seed, rate: 0.4 });
  saveAccuracyPlot('out/case-study-mlp-dropout.svg', dropout.history, 'MLP with Dropout(0.4): train vs test accuracy');

  const row = (name: string, r: { trainAcc: number; testAcc: number; seconds: number }, paper: string) =>
    `| ${name.padEnd(16)} | ${r.trainAcc.toFixed(3)} | ${r.testAcc.toFixed(3)} | ${paper} | ${r.seconds.toFixed(2).padStart(5)} s |`;
  console.log(`\nCase study, seed ${seed}: 2-500-1 MLP, 30 training points, 70 test points, 4000 epochs, Adam\n`);
  console.log('| model            | train | test  | tutorial (train / test) | fit time |');
  console.log('|------------------|-------|-------|-------------------------|----------|');
  console.log(row('no dropout', overfit, '1.000 / 0.757          '));
  console.log(row('Dropout(0.4)', dropout, '0.967 / 0.814          '));
  const gap = (r: { trainAcc: number; testAcc: number }) => r.trainAcc - r.testAcc;
  console.log(
    `\nTrain-test gap: ${gap(overfit).toFixed(3)} without dropout, ${gap(dropout).toFixed(3)} with Dropout(0.4). ` +
      'One seed is one sample: `npm run seeds` repeats both models over 10 seeds.',
  );
}

void main();
