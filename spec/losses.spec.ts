import { Tape, Workspace, requireGrads } from '../lib/autodiff';
import { gradCheck } from '../lib/gradcheck';
import { LossName, lossOp, resolveLoss } from '../lib/losses';
import { Tensor } from '../lib/tensor';
import { expectClose, lcg, loadFixture, tensor } from './helpers/fixtures';

const fixture = loadFixture('losses') as Record<string, Record<string, any>>;

describe('losses against the reference numbers (losses.json)', () => {
  it.each(Object.keys(fixture))('%s: batch-mean loss and d loss / d y_pred', (name) => {
    const c = fixture[name];
    const yPred = tensor(c.y_pred);
    const tape = new Tape();
    requireGrads([yPred]);
    const loss = lossOp({ training: true, tape }, new Workspace(), resolveLoss(name), tensor(c.y_true), yPred);
    expectClose(loss.data, [c.loss]);
    tape.backward(loss);
    expectClose(yPred.grad as Float32Array, c.dy_pred);
  });
});

describe('loss gradient checks (central differences, away from the clip)', () => {
  const next = lcg(3);
  const probabilities = (rows: number, cols: number): Tensor => {
    const t = Tensor.zeros([rows, cols]);
    for (let i = 0; i < t.size; i++) t.data[i] = 0.2 + 0.3 * (next() + 1);
    return t;
  };
  const cases: Array<[LossName, Tensor, Tensor]> = [
    ['binary_crossentropy', tensor([[1], [0], [1], [0]]), probabilities(4, 1)],
    ['categorical_crossentropy', tensor([[0, 1, 0], [1, 0, 0]]), probabilities(2, 3)],
    ['sparse_categorical_crossentropy', tensor([2, 0, 1]), probabilities(3, 3)],
    ['mean_squared_error', tensor([[0.5, -1], [2, 0]]), probabilities(2, 2)],
    ['mean_absolute_error', tensor([[0.1, -1], [2, 0]]), probabilities(2, 2)],
  ];
  it.each(cases)('%s', (loss, yTrue, yPred) => {
    const ws = new Workspace();
    const { relativeError } = gradCheck((ctx) => lossOp(ctx, ws, loss, yTrue, yPred), [yPred], { step: 1e-3 });
    expect(relativeError[0]).toBeLessThan(1e-2);
  });
});

describe('loss names', () => {
  it('accepts the Keras spelling, camelCase and the short aliases', () => {
    expect(resolveLoss('binary_crossentropy')).toBe('binary_crossentropy');
    expect(resolveLoss('binaryCrossentropy')).toBe('binary_crossentropy');
    expect(resolveLoss('categoricalCrossentropy')).toBe('categorical_crossentropy');
    expect(resolveLoss('sparseCategoricalCrossentropy')).toBe('sparse_categorical_crossentropy');
    expect(resolveLoss('meanSquaredError')).toBe('mean_squared_error');
    expect(resolveLoss('mse')).toBe('mean_squared_error');
  });
  it('rejects an unknown name and lists the known ones', () => {
    expect(() => resolveLoss('hinge')).toThrow("Unknown loss 'hinge'; known: binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy, mean_squared_error");
  });
  it('stays finite for predictions of exactly 0 and 1 (Keras clips to [1e-7, 1 - 1e-7])', () => {
    const loss = lossOp({ training: false, tape: null }, new Workspace(), 'binary_crossentropy', tensor([[1], [0]]), tensor([[0], [1]]));
    expect(loss.data[0]).toBeCloseTo(-Math.log(1e-7), 1);
  });
});
