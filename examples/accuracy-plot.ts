/** The tutorial's learning-curve figure: train and test accuracy per epoch from a History. */
import { History, linePlot, saveSvg } from '../index';

export function saveAccuracyPlot(file: string, history: History, title: string): void {
  const svg = linePlot(
    { train: history.history.acc, test: history.history.val_acc },
    { title, xLabel: 'epoch', yLabel: 'accuracy', yMin: 0.4, yMax: 1.02 },
  );
  saveSvg(file, svg);
  console.log(`wrote ${file}`);
}
