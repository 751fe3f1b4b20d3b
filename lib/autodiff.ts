/**
 * Reverse-mode automatic differentiation on a tape of coarse operations.
 *
 * An op (see `lib/ops.ts`) computes its output with a forward kernel, then, if a tape is
 * recording, calls `tape.record(output, backward)` with a closure that knows how to push the
 * output's gradient back into its inputs' gradients. `tape.backward(loss)` seeds d(loss) = 1 and
 * runs the closures in reverse order. That is all of autodiff.
 *
 * Gradients are accumulated (`+=`) so a tensor used twice gets both contributions; the tape
 * zeroes every recorded output's gradient before the walk. Whether a gradient is wanted is the
 * tensor's explicit `requiresGrad` flag: recorded outputs get it from the tape, weights from their
 * layer's `trainable`; a backward closure asks `gradOf(t)`, which is null for a tensor that does
 * not require a gradient, so no work is spent on it. Leaf gradients are zeroed by their owner
 * (see `zeroGrads`).
 */
import { Tensor } from './tensor';

/** The tape: the ops of one forward pass, in order, each with the closure that goes back through it. */
export class Tape {
  private outputs: Tensor[] = [];
  private backwards: Array<() => void> = [];
  private count = 0;

  /** Number of entries recorded since the last reset. */
  get length(): number {
    return this.count;
  }

  /** Forgets every entry; the arrays are kept for the next step (no allocation). */
  reset(): void {
    for (let i = 0; i < this.count; i++) {
      this.outputs[i] = undefined as unknown as Tensor;
      this.backwards[i] = undefined as unknown as () => void;
    }
    this.count = 0;
  }

  /** Records that `output` was computed by an op whose gradient step is `backward`. */
  record(output: Tensor, backward: () => void): void {
    output.requiresGrad = true;
    this.outputs[this.count] = output;
    this.backwards[this.count] = backward;
    this.count++;
  }

  /**
   * Fills the gradients of everything recorded with respect to the scalar `loss` (the output of
   * the last op that produced it): d(loss)/d(loss) = 1, then each op's backward in reverse.
   */
  backward(loss: Tensor): void {
    if (loss.size !== 1) {
      throw new RangeError(`Tape.backward: the loss must be a scalar, got a tensor of shape [${loss.shape.join(', ')}]`);
    }
    // Give every recorded output a zeroed gradient buffer (allocated once per tensor).
    for (let i = 0; i < this.count; i++) {
      const out = this.outputs[i];
      if (out.grad === null) {
        out.grad = new Float32Array(out.size);
        Workspace.allocations++;
      } else out.grad.fill(0);
    }
    if (loss.grad === null) loss.grad = new Float32Array(1);
    loss.grad[0] = 1;
    // Walk the ops from last to first.
    for (let i = this.count - 1; i >= 0; i--) this.backwards[i]();
  }
}

/**
 * The gradient buffer an op's backward adds into for `t`, or null when `t` is null or does not
 * require a gradient (a frozen weight, the model's input). Allocated on first use.
 */
export function gradOf(t: Tensor | null): Float32Array | null {
  if (t === null || !t.requiresGrad) return null;
  if (t.grad === null) {
    t.grad = new Float32Array(t.size);
    Workspace.allocations++;
  }
  return t.grad;
}

/**
 * Marks `tensors` as requiring gradients (the explicit flag every op reads) and sets their
 * gradient buffers to zero: what a caller does before a taped pass whose gradients it wants.
 */
export function requireGrads(tensors: readonly Tensor[]): void {
  for (const t of tensors) t.requiresGrad = true;
  zeroGrads(tensors);
}

/** Sets the gradient buffers of `tensors` to zero, allocating those that have none. */
export function zeroGrads(tensors: readonly Tensor[]): void {
  for (const t of tensors) {
    if (t.grad === null) t.grad = new Float32Array(t.size);
    else t.grad.fill(0);
  }
}

/** What a layer's `call` needs to know about the pass it is part of. */
export interface CallContext {
  /** True while fitting (dropout on), false at inference unless asked for. */
  training: boolean;
  /** The tape to record on, or null when no gradient is wanted. */
  tape: Tape | null;
}

/**
 * Buffers that an op reuses from one step to the next: `get(key, shape)` returns the same
 * tensor for the same key and shape every time, so a training step allocates nothing after the
 * first batch of a given size. `Workspace.allocations` counts every buffer ever made, for specs.
 */
export class Workspace {
  /** Total number of buffers allocated by all workspaces (for allocation tests). */
  static allocations = 0;
  private readonly slots = new Map<string, Tensor[]>();

  /** The tensor kept under `key` with exactly `shape` (allocated on first use). */
  get(key: string, shape: readonly number[]): Tensor {
    let list = this.slots.get(key);
    if (list === undefined) {
      list = [];
      this.slots.set(key, list);
    }
    // Look for a buffer of the same shape among those kept under this key.
    for (let i = 0; i < list.length; i++) {
      if (sameShape(list[i].shape, shape)) return list[i];
    }
    Workspace.allocations++;
    const t = Tensor.zeros(shape);
    list.push(t);
    return t;
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
