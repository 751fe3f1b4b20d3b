/** Listing 1 of the tutorial: scatter plot of the two noisy circles, coloured by class -> out/circles.svg */
import { makeCircles, saveSvg, scatterPlot } from '../index';

export function plotCircles(file = 'out/circles.svg'): void {
  const { X, y } = makeCircles({ nSamples: 100, noise: 0.1, randomState: 1 });
  saveSvg(file, scatterPlot(X, y, { title: 'make_circles(n_samples=100, noise=0.1, random_state=1)', xLabel: 'x1', yLabel: 'x2', classNames: ['outer (0)', 'inner (1)'] }));
  console.log(`wrote ${file}`);
}

if (require.main === module) plotCircles();
