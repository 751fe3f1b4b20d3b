/**
 * Gradient checking by central differences: the test every op must pass.
 *
 * `f` builds a scalar from the `inputs` with ops. The analytic gradient comes from one taped
 * pass and `tape.backward()`; the numeric one from (f(x + h) - f(x - h)) / 2h, element by
 * element. In float32 a relative error (by norms) below 1e-2 is a pass: rounding of the forward
 * values alone costs about 1e-4 at h = 1e-3, and a wrong gradient is off by far more.
 */
import { CallContext, requireGrads, Tape } from './autodiff';
import { checkOptions, optionKeys } from './options';
import { Tensor } from './tensor';

/** Options of `gradCheck`. */
export interface GradCheckArgs {
  /** The central-difference step h (default 1e-3). */
  step?: number;
  /** Run f's layers in training mode (default false). */
  training?: boolean;
}

export interface GradCheckResult {
  /** Gradients from backpropagation, one per input. */
  analytic: Float32Array[];
  /** Gradients from central differences, one per input. */
  numeric: Float64Array[];
  /** ||analytic - numeric|| / max(||analytic||, ||numeric||), one per input. */
  relativeError: number[];
}

/** Compares backprop's gradient of the scalar `f(ctx)` with central differences for each input. */
export function gradCheck(f: (ctx: CallContext) => Tensor, inputs: Tensor[], options: GradCheckArgs = {}): GradCheckResult {
  const { step = 1e-3, training = false } = checkOptions('gradCheck', options, optionKeys<GradCheckArgs>({ step: true, training: true }));
  const tape = new Tape();
  requireGrads(inputs);
  const loss = f({ training, tape });
  // Ops called by hand (lib/tensor-ops) record on their inputs' tape, not the context's.
  (loss.tape ?? tape).backward(loss);
  const analytic = inputs.map((t) => Float32Array.from(t.grad as Float32Array));
  const evaluate = (): number => f({ training, tape: null }).data[0];

  const numeric = inputs.map((t) => {
    const g = new Float64Array(t.size);
    // Nudge each element up and down and difference the loss.
    for (let i = 0; i < t.size; i++) {
      const v = t.data[i];
      t.data[i] = v + step;
      const up = t.data[i];
      const fUp = evaluate();
      t.data[i] = v - step;
      const down = t.data[i];
      const fDown = evaluate();
      t.data[i] = v;
      g[i] = (fUp - fDown) / (up - down);
    }
    return g;
  });
  const relativeError = analytic.map((a, k) => relativeDifference(a, numeric[k]));
  return { analytic, numeric, relativeError };
}

/** ||a - b|| / max(||a||, ||b||) (0 when both are zero). */
export function relativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  const scale = Math.sqrt(Math.max(na, nb));
  return scale === 0 ? 0 : Math.sqrt(diff) / scale;
}
