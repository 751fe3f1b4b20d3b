import { Tape, Workspace, requireGrads } from '../lib/autodiff';
import { gradCheck } from '../lib/gradcheck';
import { LossName, lossOp, resolveLoss } from '../lib/losses';
import { Tensor } from '../lib/tensor';
import { expectClose, flat, lcg, loadFixture, tensor } from './helpers/fixtures';

const fixture = loadFixture('losses') as Record<string, Record<string, any>>;
const cases = loadFixture('loss-cases') as Record<string, { loss: LossName; y_true: number[][] | number[]; y_pred: number[][]; value: number; dy_pred: number[][] }>;

/** The batch loss of `yPred` against `yTrue` and its gradient with respect to `yPred`. */
function lossAndGradient(loss: LossName, yTrue: Tensor, yPred: Tensor): { value: number; grad: Float32Array } {
  const tape = new Tape();
  requireGrads([yPred]);
  const out = lossOp({ training: true, tape }, new Workspace(), loss, yTrue, yPred);
  tape.backward(out);
  return { value: out.data[0], grad: yPred.grad as Float32Array };
}

/** Each row of a [rows, cols] array minus its mean. */
function centerRows(values: ArrayLike<number>, cols: number): number[] {
  const out = Array.from(values);
  for (let r = 0; r < out.length; r += cols) {
    const mean = out.slice(r, r + cols).reduce((a, b) => a + b, 0) / cols;
    for (let j = r; j < r + cols; j++) out[j] -= mean;
  }
  return out;
}

describe('losses against the reference numbers (losses.json)', () => {
  it.each(Object.keys(fixture))('%s: batch-mean loss and d loss / d y_pred', (name) => {
    const c = fixture[name];
    const { value, grad } = lossAndGradient(resolveLoss(name), tensor(c.y_true), tensor(c.y_pred));
    expectClose([value], [c.loss]);
    if (name === 'categorical_crossentropy') {
      // losses.json's gradient is PyTorch's of -sum t log p without Keras' division by the row sum.
      // On its rows (which sum to 1) the two losses agree, and their gradients differ by the same
      // amount in every column of a row (the normalization's term, sum t / sum p): compare them with
      // each row's mean removed. loss-cases.json has Keras' gradient itself.
      const cols = c.y_pred[0].length;
      expectClose(centerRows(grad, cols), centerRows(flat(c.dy_pred), cols));
    } else {
      expectClose(grad, c.dy_pred);
    }
  });
});

describe('cross-entropies as Keras and TF.js compute them (loss-cases.json: rows not summing to 1, saturation)', () => {
  it.each(Object.keys(cases))('%s: batch loss and d loss / d y_pred', (name) => {
    const c = cases[name];
    const { value, grad } = lossAndGradient(c.loss, tensor(c.y_true), tensor(c.y_pred));
    expectClose([value], [c.value], { rtol: 1e-6, atol: 0 });
    expectClose(grad, c.dy_pred);
  });

  it('categorical_crossentropy divides by the row sum: p = [0.5, 0.881], y = [1, 0] gives -log(0.5 / 1.381)', () => {
    const { value } = lossAndGradient('categorical_crossentropy', tensor([[1, 0]]), tensor([[0.5, 0.881]]));
    expect(value).toBeCloseTo(-Math.log(0.5 / (0.5 + Math.fround(0.881))), 6);
    expect(value).toBeCloseTo(1.016, 3);
  });

  it('binary_crossentropy clips at float32(1 - 1e-7) = 0.99999988: a saturated sigmoid on the wrong side costs -log(1.19e-7)', () => {
    const { value } = lossAndGradient('binary_crossentropy', tensor([[0]]), tensor([[1]]));
    expect(value).toBeCloseTo(-Math.log(1 - Math.fround(1 - 1e-7)), 5);
    expect(value).toBeCloseTo(15.942385, 5);
  });

  it("binary_crossentropy's gradient is zero exactly where the forward clip is active (bounds included in the range)", () => {
    const low = Math.fround(1e-7);
    const high = Math.fround(1 - 1e-7);
    const below = (v: number): number => v - 2 ** (Math.floor(Math.log2(v)) - 23);
    const above = (v: number): number => v + 2 ** (Math.floor(Math.log2(v)) - 23);
    const ps = [0, below(low), low, above(low), 0.5, below(high), high, above(high), 1];
    for (const t of [0, 1]) {
      const { grad } = lossAndGradient('binary_crossentropy', tensor(ps.map(() => [t])), tensor(ps.map((p) => [p])));
      const f32 = Float32Array.from(ps);
      const loss = (p: number): number => lossAndGradient('binary_crossentropy', tensor([[t]]), tensor([[p]])).value;
      ps.forEach((_, i) => {
        const clipped = f32[i] < low || f32[i] > high;
        expect(grad[i] === 0).toBe(clipped);
        // where the clip is active, the loss is flat: the same as at the bound
        if (clipped) expect(loss(f32[i])).toBe(loss(f32[i] < low ? low : high));
      });
    }
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
    // soft targets on rows that do not sum to 1: the gradient goes through the division by the row sum
    ['categorical_crossentropy', tensor([[0.2, 0.5, 0.3], [0.7, 0, 0.3], [0, 0, 1]]), probabilities(3, 3)],
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
  it('stays finite for predictions of exactly 0 and 1 (clipped to [1e-7, 1 - 1e-7] in float32, as Keras and TF.js)', () => {
    const loss = lossOp({ training: false, tape: null }, new Workspace(), 'binary_crossentropy', tensor([[1], [0]]), tensor([[0], [1]]));
    expect(loss.data[0]).toBeCloseTo((-Math.log(Math.fround(1e-7)) - Math.log(1 - Math.fround(1 - 1e-7))) / 2, 5);
  });
});
