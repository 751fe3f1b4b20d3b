/** matMul: the matrix product as a tensor op, 2-D or batched 3-D, with transposes. */
import { matmul } from '../../kernels/threaded';
import { gradOf, record } from '../autodiff';
import { shapeToString, Tensor } from '../tensor';
import { HAND, Operand, toTensor } from './common';

/**
 * The matrix product op(a) · op(b), op(m) = mᵀ when `transposeA` / `transposeB` say so.
 * 2-D: a [m, k] (or [k, m] transposed), b [k, n] (or [n, k]) -> [m, n].
 * Batched: a [batch, m, k], b [batch, k, n] -> [batch, m, n], one product per batch entry; a 2-D
 * operand, or a batch of 1, is shared by every entry (its gradient summed over them).
 * d/d op(a) = dy · op(b)ᵀ, d/d op(b) = op(a)ᵀ · dy.
 */
export function matMul(a: Operand, b: Operand, transposeA = false, transposeB = false): Tensor {
  const x = toTensor(a, 'matMul: a');
  const w = toTensor(b, 'matMul: b');
  const shapes = `${shapeToString(x.shape)} and ${shapeToString(w.shape)}`;
  if (x.rank < 2 || x.rank > 3 || w.rank < 2 || w.rank > 3) {
    throw new RangeError(`matMul: expects matrices (rank 2) or batches of matrices (rank 3), got shapes ${shapes}`);
  }
  const [ra, ca] = x.shape.slice(-2);
  const [rb, cb] = w.shape.slice(-2);
  const [m, k] = transposeA ? [ca, ra] : [ra, ca];
  const [k2, n] = transposeB ? [cb, rb] : [rb, cb];
  if (k !== k2) {
    const flags = transposeA || transposeB ? ` with transposeA ${transposeA} and transposeB ${transposeB}` : '';
    throw new RangeError(`matMul: inner dimensions of shapes ${shapes} do not match (${k} vs ${k2}${flags})`);
  }
  const batchA = x.rank === 3 ? x.shape[0] : 1;
  const batchB = w.rank === 3 ? w.shape[0] : 1;
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) {
    throw new RangeError(`matMul: batch sizes of shapes ${shapes} differ (${batchA} vs ${batchB}; equal, or 1 to share one matrix)`);
  }
  const batch = batchA === 1 ? batchB : batchA;
  const y = Tensor.zeros(x.rank === 3 || w.rank === 3 ? [batch, m, n] : [m, n]);
  // Where each batch entry starts in a, b and y (a shared operand starts at 0 every time).
  const sa = batchA === 1 ? 0 : m * k;
  const sb = batchB === 1 ? 0 : k * n;
  const sy = m * n;
  // One product per batch entry.
  for (let i = 0; i < batch; i++) {
    matmul(x.data.subarray(i * sa), w.data.subarray(i * sb), y.data.subarray(i * sy), m, k, n, transposeA, transposeB);
  }

  record(HAND, y, [x, w], () => {
    const dy = y.grad as Float32Array;
    const dx = gradOf(x);
    const dw = gradOf(w);
    // Per batch entry: d op(a) += dy · op(b)ᵀ, d op(b) += op(a)ᵀ · dy (stored transposed when the input was)
    for (let i = 0; i < batch; i++) {
      const g = dy.subarray(i * sy);
      const ai = x.data.subarray(i * sa);
      const bi = w.data.subarray(i * sb);
      if (dx !== null) {
        if (transposeA) matmul(bi, g, dx.subarray(i * sa), k, n, m, transposeB, true, true);
        else matmul(g, bi, dx.subarray(i * sa), m, n, k, false, !transposeB, true);
      }
      if (dw !== null) {
        if (transposeB) matmul(g, ai, dw.subarray(i * sb), n, m, k, true, transposeA, true);
        else matmul(ai, g, dw.subarray(i * sb), k, m, n, !transposeA, false, true);
      }
    }
  });
  return y;
}
