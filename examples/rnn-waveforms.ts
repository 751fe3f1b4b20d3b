/**
 * Does recurrent dropout reduce overfitting? The noisy slow-vs-fast waveform task
 * (datasets/sequences.ts: 30 steps x 8 channels, noise 1.5), 100 training sequences, 500 test
 * sequences, three models trained the same way (Adam, batch 32, 150 epochs, binary
 * cross-entropy) over a few model seeds (initial weights, shuffles and masks; the data stay fixed):
 *
 * - no dropout:          LSTM(32) -> Dense(1, sigmoid)
 * - input dropout:       Dropout(0.5) -> LSTM(32) -> Dense(1, sigmoid)  (a new mask per time step)
 * - variational dropout: LSTM(32, { dropout: 0.5, recurrentDropout: 0.5 }) -> Dense(1, sigmoid)
 *
 * The settings were fixed before any dropout model was run (the only criterion: the model without
 * dropout overfits), and the seeds are 1, 2, 3, ... in order. Prints a train/test table (accuracy
 * measured with dropout off, after the last epoch) and writes the first seed's learning curves
 * to out/rnn-*.svg.
 *
 * Run: npx tsc -p tsconfig.build.json && node dist/examples/rnn-waveforms.js [seeds, default 3]
 */
import { History, linePlot, makeWaveforms, saveSvg, Sequential } from '../index';
import { inputDropoutLstm, plainLstm, variationalLstm } from './rnn-listings';

/** The three models of the study: the name the table shows, the plot's file (out/rnn-FILE.svg), the builder. */
export const WAVEFORM_MODELS: ReadonlyArray<[string, string, (time: number, features: number, seed: number) => Sequential]> = [
  ['no dropout', 'no-dropout', plainLstm],
  ['input dropout', 'input-dropout', inputDropoutLstm],
  ['variational dropout', 'variational-dropout', variationalLstm],
];

export interface WaveformStudyOptions {
  seeds?: number;
  epochs?: number;
  nTrain?: number;
  nTest?: number;
  /** Validate every epoch on the first seed (for the curves); default true. */
  curves?: boolean;
}

/** One model's result on one seed. */
export interface WaveformRun {
  model: string;
  seed: number;
  trainAcc: number;
  testAcc: number;
  seconds: number;
  history: History;
}

/** Trains every model on every seed; returns the runs in order (model by model, seed by seed). */
export async function runWaveformStudy({ seeds = 3, epochs = 150, nTrain = 100, nTest = 500, curves = true }: WaveformStudyOptions = {}): Promise<WaveformRun[]> {
  const train = makeWaveforms({ nSamples: nTrain, randomState: 1 });
  const test = makeWaveforms({ nSamples: nTest, randomState: 2 });
  const [, time, features] = train.X.shape;
  const runs: WaveformRun[] = [];
  // Every model on seeds 1..seeds; the first seed also validates each epoch for the curves.
  for (const [name, , build] of WAVEFORM_MODELS) {
    for (let seed = 1; seed <= seeds; seed++) {
      const model = build(time, features, seed);
      model.compile({ loss: 'binary_crossentropy', optimizer: 'adam', metrics: ['accuracy'] });
      const validationData = curves && seed === 1 ? ([test.X, test.y] as [typeof test.X, typeof test.y]) : undefined;
      const started = process.hrtime.bigint();
      const history = await model.fit(train.X, train.y, { epochs, verbose: 0, validationData });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const [, trainAcc] = model.evaluate(train.X, train.y);
      const [, testAcc] = model.evaluate(test.X, test.y);
      runs.push({ model: name, seed, trainAcc, testAcc, seconds, history });
    }
  }
  return runs;
}

/** The table: one row per seed, then the mean, train and test accuracy of each model. */
export function waveformTable(runs: WaveformRun[]): string {
  const names = WAVEFORM_MODELS.map(([name]) => name);
  const seeds = [...new Set(runs.map((r) => r.seed))];
  const cell = (model: string, seed: number) => runs.find((r) => r.model === model && r.seed === seed) as WaveformRun;
  const lines = [
    `| seed | ${names.map((n) => `${n}: train | test`).join(' | ')} |`,
    `|------|${names.map(() => '------|------').join('|')}|`,
  ];
  for (const seed of seeds) {
    lines.push(`| ${String(seed).padStart(4)} | ${names.map((n) => `${cell(n, seed).trainAcc.toFixed(3)} | ${cell(n, seed).testAcc.toFixed(3)}`).join(' | ')} |`);
  }
  const mean = (n: string, key: 'trainAcc' | 'testAcc') => runs.filter((r) => r.model === n).reduce((s, r) => s + r[key], 0) / seeds.length;
  lines.push(`| mean | ${names.map((n) => `${mean(n, 'trainAcc').toFixed(3)} | ${mean(n, 'testAcc').toFixed(3)}`).join(' | ')} |`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const seeds = Number(process.argv[2] ?? 3);
  console.log('Noisy slow vs fast waves (30 steps x 8 channels, noise 1.5): 100 training, 500 test sequences, 150 epochs, Adam, batch 32');
  console.log('Accuracy after the last epoch, dropout off; model seeds 1..' + seeds + '\n');
  const started = process.hrtime.bigint();
  const runs = await runWaveformStudy({ seeds });
  console.log(waveformTable(runs));
  const fitSeconds = (name: string) => runs.filter((r) => r.model === name).reduce((s, r) => s + r.seconds, 0);
  console.log(`\nfit time per model (all seeds; seed 1 validates every epoch): ${WAVEFORM_MODELS.map(([n]) => `${n} ${fitSeconds(n).toFixed(1)} s`).join(', ')}`);
  console.log(`total ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s`);
  // The first seed's learning curves, one plot per model (training accuracy is measured with the masks on, as in Keras).
  for (const [name, file] of WAVEFORM_MODELS) {
    const run = runs.find((r) => r.model === name && r.seed === 1) as WaveformRun;
    const svg = linePlot({ train: run.history.history.acc, test: run.history.history.val_acc },
      { title: `${name}, seed 1: train vs test accuracy`, xLabel: 'epoch', yLabel: 'accuracy', yMin: 0.4, yMax: 1.02 });
    saveSvg(`out/rnn-${file}.svg`, svg);
    console.log(`wrote out/rnn-${file}.svg`);
  }
}

if (require.main === module) void main();
