/**
 * NaN propagates. relu used to map NaN to 0 (`x > 0 ? x : 0`), so a model whose weights had
 * become NaN reported finite outputs and TerminateOnNaN could not see the failure. Every
 * activation, in the elementwise kernels, the fused bias + activation pass and the recurrent
 * cells, must give NaN for NaN.
 */
import { activationForward, ActivationName, biasActivationForward } from '../kernels/activations';
import { activate, activationCode } from '../kernels/recurrent';
import { Dense, GRU, LSTM, Sequential, SimpleRNN, Tensor, TerminateOnNaN } from '../index';

const ACTIVATIONS: ActivationName[] = ['linear', 'relu', 'sigmoid', 'hard_sigmoid', 'tanh', 'softmax', 'elu', 'selu', 'softplus', 'softsign'];

describe('NaN in, NaN out', () => {
  it.each(ACTIVATIONS)('%s (elementwise kernel)', (act) => {
    const x = Float32Array.from([NaN, 1, -1]);
    const y = new Float32Array(3);
    activationForward(act, x, y, 3, act === 'softmax' ? 3 : 1);
    expect(y[0]).toBeNaN();
  });

  it.each(ACTIVATIONS)('%s (fused bias + activation)', (act) => {
    const y = Float32Array.from([0.5, -2, 3, 1]);
    biasActivationForward(act, y, Float32Array.from([NaN, 0]), 2, 2);
    expect(y[0]).toBeNaN();
    expect(y[2]).toBeNaN();
  });

  it.each(ACTIVATIONS.filter((a) => a !== 'softmax'))('%s (recurrent cell)', (act) => {
    expect(activate(activationCode(act), NaN)).toBeNaN();
  });

  it('relu still maps negatives to 0 and keeps positives', () => {
    const x = Float32Array.from([-3, -0, 0, 2.5, -Infinity, Infinity]);
    const y = new Float32Array(6);
    activationForward('relu', x, y, 6, 1);
    expect(Array.from(y, (v) => v + 0)).toEqual([0, 0, 0, 2.5, 0, Infinity]);
  });
});

describe('a model with NaN weights', () => {
  it('predicts NaN through relu layers instead of a finite number', () => {
    const model = new Sequential({ seed: 1 });
    model.add(new Dense(4, { inputDim: 2, activation: 'relu' }));
    model.add(new Dense(1, { activation: 'sigmoid' }));
    (model.layers[0] as Dense).kernel.data[0] = NaN;
    const p = model.predict([[1, 1]]);
    expect(p.data[0]).toBeNaN();
  });

  it.each([
    ['SimpleRNN', () => new SimpleRNN(3, { inputShape: [2, 2], activation: 'relu' })],
    ['LSTM', () => new LSTM(3, { inputShape: [2, 2], activation: 'relu' })],
    ['GRU', () => new GRU(3, { inputShape: [2, 2], activation: 'relu' })],
  ])('%s with relu passes NaN on', (_name, make) => {
    const model = new Sequential({ seed: 2 });
    model.add(make());
    model.layers[0].weights[0].data.fill(NaN);
    const out = model.predict(Tensor.full([1, 2, 2], 1));
    expect(Array.from(out.data).every(Number.isNaN)).toBe(true);
  });

  it('TerminateOnNaN stops fit at the first NaN loss', async () => {
    const model = new Sequential({ seed: 1 });
    model.add(new Dense(4, { inputDim: 2, activation: 'relu' }));
    model.add(new Dense(1, { activation: 'sigmoid' }));
    model.compile({ loss: 'binary_crossentropy', optimizer: 'sgd' });
    (model.layers[0] as Dense).kernel.data.fill(NaN);
    const history = await model.fit([[0, 1], [1, 0]], [0, 1], { epochs: 5, verbose: 0, callbacks: [new TerminateOnNaN()] });
    expect(history.history.loss).toHaveLength(1);
    expect(history.history.loss[0]).toBeNaN();
  });
});
