/**
 * Differentiable ops that the wrapper layers (layers/wrappers.ts) need, in the style of
 * `lib/ops.ts`: a forward loop into a `Workspace` buffer, then, right beside it, the closure that
 * adds the output's gradient into its inputs' gradients (`gradOf`, `+=`).
 *
 * - `reverseTime`: a sequence read backwards in time (Bidirectional's backward half).
 * - `mergePair`: two tensors of one shape merged by a Bidirectional merge mode, through the merge
 *   layers' ops (lib/merge-ops.ts).
 */
import { CallContext, gradOf, record, Workspace } from './autodiff';
import { add, average, concatenate, multiply } from './merge-ops';
import { shapeToString, sizeOf, Tensor } from './tensor';

/**
 * reverseTime: x [batch, time, ...rest] -> y [batch, time, ...rest] with y[b, t] = x[b, time - 1 - t].
 * Backward: dx[b, time - 1 - t] += dy[b, t].
 */
export function reverseTime(ctx: CallContext, ws: Workspace, x: Tensor): Tensor {
  if (x.rank < 2) throw new RangeError(`reverseTime: expected x [batch, time, ...], got ${shapeToString(x.shape)}`);
  const [batch, time] = x.shape;
  const step = sizeOf(x.shape.slice(2));
  const y = ws.get(ctx, 'reverseTime.y', x.shape);
  // Sample b, step t of y is step time - 1 - t of x; each step is `step` contiguous values.
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < time; t++) {
      const from = (b * time + (time - 1 - t)) * step;
      const to = (b * time + t) * step;
      for (let k = 0; k < step; k++) y.data[to + k] = x.data[from + k];
    }
  }

  record(ctx, y, [x], () => {
    const dy = y.grad as Float32Array;
    const dx = gradOf(x);
    if (dx === null) return;
    // The same index map, gradient flowing from y's step t back to x's step time - 1 - t.
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < time; t++) {
        const from = (b * time + (time - 1 - t)) * step;
        const to = (b * time + t) * step;
        for (let k = 0; k < step; k++) dx[from + k] += dy[to + k];
      }
    }
  });
  return y;
}

/** How `mergePair` combines two tensors (Keras' Bidirectional merge modes). */
export type PairMergeMode = 'concat' | 'sum' | 'mul' | 'ave';

/** The merge modes `mergePair` knows. */
export const PAIR_MERGE_MODES: readonly PairMergeMode[] = ['concat', 'sum', 'mul', 'ave'];

/**
 * mergePair: a and b of one shape [..., n] -> 'concat': [..., 2n], a's values then b's along the
 * last axis; 'sum': a + b; 'mul': a * b; 'ave': (a + b) / 2 (each [..., n]). The merge ops of
 * lib/merge-ops.ts, by Keras' Bidirectional merge-mode names.
 */
export function mergePair(ctx: CallContext, ws: Workspace, mode: PairMergeMode, a: Tensor, b: Tensor): Tensor {
  if (a.rank < 1 || a.rank !== b.rank || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new RangeError(`mergePair('${mode}'): the two tensors must have one shape, got ${shapeToString(a.shape)} and ${shapeToString(b.shape)}`);
  }
  switch (mode) {
    case 'concat':
      return concatenate(ctx, ws, [a, b], -1);
    case 'sum':
      return add(ctx, ws, [a, b]);
    case 'mul':
      return multiply(ctx, ws, [a, b]);
    case 'ave':
      return average(ctx, ws, [a, b]);
    default:
      throw new Error(`mergePair: unknown mode ${JSON.stringify(mode)}; expected one of ${PAIR_MERGE_MODES.join(', ')}`);
  }
}
