/**
 * The tutorial's three recurrent-dropout listings, in TypeScript, each trained briefly on the
 * noisy-waveform task (datasets/sequences.ts) to show it runs:
 *
 * 1. `LSTM(32)` -> `Dropout(0.5)` -> `Dense(1)`: dropout on the LSTM's output.
 * 2. `Dropout(0.5, { inputShape: [t, f] })` -> `LSTM(32)` -> `Dense(1)`: dropout on the input,
 *    a different mask at each time step.
 * 3. `LSTM(32, { dropout: 0.5, recurrentDropout: 0.5 })` -> `Dense(1)`: one input mask and one
 *    recurrent mask per sequence, reused at every step (Gal and Ghahramani's variational RNN).
 *
 * Lamina's first layer needs its input shape, so listings 1 and 3 pass `inputShape` to the LSTM;
 * the tutorial's `Dense(1)` gets a sigmoid here because the task is a binary classification.
 *
 * Run: npx tsc -p tsconfig.build.json && node dist/examples/rnn-listings.js
 */
import { Dense, Dropout, LSTM, makeWaveforms, Sequential } from '../index';

/** Listing 1: LSTM(32) -> Dropout(0.5) -> Dense(1). Input [batch, time, features]. */
export function lstmThenDropout(time: number, features: number, seed: number): Sequential {
  const model = new Sequential({ seed });
  model.add(new LSTM(32, { inputShape: [time, features] }));
  model.add(new Dropout(0.5));
  model.add(new Dense(1, { activation: 'sigmoid' }));
  return model;
}

/** Listing 2: Dropout(0.5) on the input sequence (a new mask per time step) -> LSTM(32) -> Dense(1). */
export function inputDropoutLstm(time: number, features: number, seed: number): Sequential {
  const model = new Sequential({ seed });
  model.add(new Dropout(0.5, { inputShape: [time, features] }));
  model.add(new LSTM(32));
  model.add(new Dense(1, { activation: 'sigmoid' }));
  return model;
}

/** Listing 3: LSTM(32, dropout 0.5, recurrentDropout 0.5) -> Dense(1): the variational LSTM. */
export function variationalLstm(time: number, features: number, seed: number): Sequential {
  const model = new Sequential({ seed });
  model.add(new LSTM(32, { inputShape: [time, features], dropout: 0.5, recurrentDropout: 0.5 }));
  model.add(new Dense(1, { activation: 'sigmoid' }));
  return model;
}

/** LSTM(32) -> Dense(1), no dropout anywhere: the baseline. */
export function plainLstm(time: number, features: number, seed: number): Sequential {
  const model = new Sequential({ seed });
  model.add(new LSTM(32, { inputShape: [time, features] }));
  model.add(new Dense(1, { activation: 'sigmoid' }));
  return model;
}

async function main(): Promise<void> {
  const train = makeWaveforms({ nSamples: 256, randomState: 1 });
  const test = makeWaveforms({ nSamples: 256, randomState: 2 });
  const [, time, features] = train.X.shape;
  const listings = [
    ['LSTM(32) -> Dropout(0.5) -> Dense(1)', lstmThenDropout],
    ['Dropout(0.5) -> LSTM(32) -> Dense(1)', inputDropoutLstm],
    ['LSTM(32, dropout 0.5, recurrentDropout 0.5) -> Dense(1)', variationalLstm],
  ] as const;
  console.log(`noisy slow vs fast waves, ${time} steps x ${features} channels; 256 training and 256 test sequences, 20 epochs`);
  for (const [name, build] of listings) {
    const model = build(time, features, 1);
    model.compile({ loss: 'binary_crossentropy', optimizer: 'adam', metrics: ['accuracy'] });
    const started = process.hrtime.bigint();
    await model.fit(train.X, train.y, { epochs: 20, verbose: 0 });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const [, trainAcc] = model.evaluate(train.X, train.y);
    const [, testAcc] = model.evaluate(test.X, test.y);
    console.log(`${name.padEnd(58)} output ${JSON.stringify(model.outputShape)}  train ${trainAcc.toFixed(3)}  test ${testAcc.toFixed(3)}  (${seconds.toFixed(1)} s)`);
  }
}

if (require.main === module) void main();
