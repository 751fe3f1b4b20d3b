/**
 * Differentiable ops that the wrapper layers (layers/wrappers.ts) need, in the style of
 * `lib/ops.ts`: a forward loop into a `Workspace` buffer, then, right beside it, the closure that
 * adds the output's gradient into its inputs' gradients (`gradOf`, `+=`).
 *
 * - `reverseTime`: a sequence read backwards in time (Bidirectional's backward half).
 * - `mergePair`: two tensors of one shape merged elementwise ('sum', 'mul', 'ave') or joined on the
 *   last axis ('concat').
 *
 * These two-input merges overlap with the merge layers' n-input ops (Add, Multiply, Average,
 * Concatenate in layers/merge.ts, written in parallel): to be unified once both are in.
 */
import { CallContext, gradOf, Workspace } from './autodiff';
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

  ctx.tape?.record(y, () => {
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
 * mergePair: a and b of one shape [..., n] ->
 * 'concat': [..., 2n], a's values then b's along the last axis;
 * 'sum': a + b; 'mul': a * b; 'ave': (a + b) / 2 (each [..., n]).
 */
export function mergePair(ctx: CallContext, ws: Workspace, mode: PairMergeMode, a: Tensor, b: Tensor): Tensor {
  if (a.rank < 1 || a.rank !== b.rank || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new RangeError(`mergePair('${mode}'): the two tensors must have one shape, got ${shapeToString(a.shape)} and ${shapeToString(b.shape)}`);
  }
  if (mode === 'concat') return concatLast(ctx, ws, a, b);
  if (mode !== 'sum' && mode !== 'mul' && mode !== 'ave') {
    throw new Error(`mergePair: unknown mode ${JSON.stringify(mode)}; expected one of ${PAIR_MERGE_MODES.join(', ')}`);
  }
  const y = ws.get(ctx, `${mode}Pair.y`, a.shape);
  const n = y.size;
  // One elementwise loop per mode.
  if (mode === 'sum') for (let i = 0; i < n; i++) y.data[i] = a.data[i] + b.data[i];
  else if (mode === 'ave') for (let i = 0; i < n; i++) y.data[i] = 0.5 * (a.data[i] + b.data[i]);
  else for (let i = 0; i < n; i++) y.data[i] = a.data[i] * b.data[i];

  ctx.tape?.record(y, () => {
    const dy = y.grad as Float32Array;
    const da = gradOf(a);
    const db = gradOf(b);
    // sum: da += dy, db += dy;  ave: both += dy / 2;  mul: da += dy * b, db += dy * a.
    const scale = mode === 'ave' ? 0.5 : 1;
    if (mode === 'mul') {
      if (da !== null) for (let i = 0; i < n; i++) da[i] += dy[i] * b.data[i];
      if (db !== null) for (let i = 0; i < n; i++) db[i] += dy[i] * a.data[i];
    } else {
      if (da !== null) for (let i = 0; i < n; i++) da[i] += scale * dy[i];
      if (db !== null) for (let i = 0; i < n; i++) db[i] += scale * dy[i];
    }
  });
  return y;
}

/** concatLast: a [..., m], b [..., n] (same leading axes) -> y [..., m + n], each row a's then b's. */
export function concatLast(ctx: CallContext, ws: Workspace, a: Tensor, b: Tensor): Tensor {
  const m = a.shape[a.rank - 1];
  const n = b.shape[b.rank - 1];
  const lead = a.shape.slice(0, -1);
  if (a.rank < 1 || a.rank !== b.rank || lead.some((d, i) => d !== b.shape[i])) {
    throw new RangeError(`concatLast: the tensors must agree on every axis but the last, got ${shapeToString(a.shape)} and ${shapeToString(b.shape)}`);
  }
  const rows = sizeOf(lead);
  const y = ws.get(ctx, 'concatLast.y', [...lead, m + n]);
  // Row r of y: a's row r in columns [0, m), b's row r in columns [m, m + n).
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < m; j++) y.data[r * (m + n) + j] = a.data[r * m + j];
    for (let j = 0; j < n; j++) y.data[r * (m + n) + m + j] = b.data[r * n + j];
  }

  ctx.tape?.record(y, () => {
    const dy = y.grad as Float32Array;
    const da = gradOf(a);
    const db = gradOf(b);
    // Each input takes back its own columns of dy.
    for (let r = 0; r < rows; r++) {
      if (da !== null) for (let j = 0; j < m; j++) da[r * m + j] += dy[r * (m + n) + j];
      if (db !== null) for (let j = 0; j < n; j++) db[r * n + j] += dy[r * (m + n) + m + j];
    }
  });
  return y;
}
