/**
 * Reverse-mode automatic differentiation on a tape of coarse operations.
 *
 * An op (lib/ops.ts, lib/tensor-ops.ts, ...) computes its output with a forward kernel, then
 * calls `record(ctx, output, inputs, backward)` with a closure that knows how to push the
 * output's gradient back into its inputs' gradients. `tape.backward(loss)` seeds d(loss) = 1 and
 * runs the closures in reverse order. That is all of autodiff.
 *
 * Whether a gradient is wanted is each tensor's explicit `requiresGrad` flag: a variable and a
 * trainable layer's weights have it, and so has every recorded output. An op records only when
 * one of its inputs requires a gradient (plain inference records nothing), on the tape its
 * context names (`fit` gives its own), or, for ops written by hand without a context, on the tape
 * an input was recorded on (or a new one): `loss.backward()` then walks the tape its loss is on.
 * One mechanism for the layers and for hand-written expressions.
 *
 * Gradients are accumulated (`+=`) so a tensor used twice gets both contributions. The tape does
 * not zero the recorded outputs' gradients before the walk: it marks them unset, and the first op
 * to write one either overwrites it (a product or a mask writes its whole contribution at once,
 * `takeUnsetGrad`) or gets it zero-filled first (`gradOf`). A backward closure asks `gradOf(t)`,
 * which is null for a tensor that does not require a gradient, so no work is spent on it. Leaf
 * gradients (weights, variables) are zeroed by their owner (see `zeroGrads`).
 */
import { floatArray } from '../kernels/parallel';
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

  /**
   * Forgets every entry: their outputs no longer point here nor require a gradient (a released
   * graph cannot be walked again); the arrays are kept for the next step.
   */
  reset(): void {
    for (let i = 0; i < this.count; i++) {
      if (this.outputs[i].tape === this) {
        this.outputs[i].tape = null;
        this.outputs[i].requiresGrad = false;
      }
      this.outputs[i] = undefined as unknown as Tensor;
      this.backwards[i] = undefined as unknown as () => void;
    }
    this.count = 0;
  }

  /** Records that `output` was computed by an op whose gradient step is `backward`. */
  record(output: Tensor, backward: () => void): void {
    output.requiresGrad = true;
    output.tape = this;
    this.outputs[this.count] = output;
    this.backwards[this.count] = backward;
    this.count++;
  }

  /**
   * Moves every entry of `other` to the end of this tape (and points their outputs here): what
   * an op does when its inputs were recorded on two tapes. Neither tape's ops read the other's
   * outputs (else they would share a tape), so the joined order is still one in which each op
   * comes after the ops it reads.
   */
  absorb(other: Tape): void {
    if (other === this) return;
    for (let i = 0; i < other.count; i++) this.record(other.outputs[i], other.backwards[i]);
    other.reset();
  }

  /**
   * Fills the gradients of everything recorded with respect to the scalar `loss` (the output of
   * the last op that produced it): d(loss)/d(loss) = 1, then each op's backward in reverse.
   */
  backward(loss: Tensor): void {
    if (loss.size !== 1) {
      throw new RangeError(`backward: the loss must be a scalar (one value), got a tensor of shape [${loss.shape.join(', ')}]; reduce it first, e.g. with .sum() or .mean()`);
    }
    // Give every recorded output a gradient buffer (allocated once per tensor), marked as unset
    // rather than zero-filled: its first writer overwrites it (see `gradOf` and `takeUnsetGrad`).
    for (let i = 0; i < this.count; i++) {
      const out = this.outputs[i];
      if (out.grad === null) {
        out.grad = floatArray(out.size);
        Workspace.allocations++;
      }
      out.gradUnset = true;
    }
    if (loss.grad === null) loss.grad = new Float32Array(1);
    loss.grad[0] = 1;
    loss.gradUnset = false;
    // Walk the ops from last to first; an output nothing wrote into has a zero gradient.
    for (let i = this.count - 1; i >= 0; i--) {
      const out = this.outputs[i];
      if (out.gradUnset) {
        (out.grad as Float32Array).fill(0);
        out.gradUnset = false;
      }
      this.backwards[i]();
    }
  }
}

/**
 * Records an op's backward if a gradient will be wanted, and marks its output accordingly:
 * - `ctx.tape === null` (inference): never;
 * - otherwise only when one of `inputs` requires a gradient, on `ctx.tape` if given, else (ops
 *   called by hand, no tape in the context) on the tape one of the inputs was recorded on, or a
 *   new tape; inputs recorded on other tapes have those joined in first (`Tape.absorb`).
 * Returns whether it recorded. The output's `requiresGrad` and `tape` say the same afterwards (a
 * reused buffer that was recorded in a training step is unmarked in an inference pass).
 */
export function record(ctx: CallContext, output: Tensor, inputs: readonly (Tensor | null | undefined)[], backward: () => void): boolean {
  let wanted = false;
  let tape: Tape | null = ctx.tape === null ? null : (ctx.tape ?? null);
  if (ctx.tape !== null) {
    // Does an input want a gradient, and on which tapes were the inputs recorded?
    for (const t of inputs) {
      if (t === null || t === undefined || !t.requiresGrad) continue;
      wanted = true;
      if (t.tape !== null && t.tape !== tape) {
        if (tape === null) tape = t.tape;
        else tape.absorb(t.tape);
      }
    }
  }
  if (!wanted) {
    output.requiresGrad = false;
    output.tape = null;
    return false;
  }
  (tape ?? new Tape()).record(output, backward);
  return true;
}

/**
 * The gradient buffer an op's backward adds into for `t`, or null when `t` is null or does not
 * require a gradient (a frozen weight, the model's input). Allocated on first use; zero-filled
 * here if nothing was written into it yet in this backward pass.
 */
export function gradOf(t: Tensor | null): Float32Array | null {
  if (t === null || !t.requiresGrad) return null;
  if (t.grad === null) {
    t.grad = floatArray(t.size);
    Workspace.allocations++;
  } else if (t.gradUnset) t.grad.fill(0);
  t.gradUnset = false;
  return t.grad;
}

/**
 * For an op whose backward writes its whole contribution to `t`'s gradient at once (a product,
 * a mask): true when nothing was written into the gradient yet in this backward pass, so the op
 * may overwrite it instead of adding (and saves the zero-fill); false when it must add. Either
 * way the gradient counts as written afterwards. Call only for a `t` that requires a gradient,
 * then write into `t.grad`.
 */
export function takeUnsetGrad(t: Tensor): boolean {
  if (t.grad === null) {
    t.grad = floatArray(t.size);
    Workspace.allocations++;
    t.gradUnset = false;
    return true;
  }
  const unset = t.gradUnset;
  t.gradUnset = false;
  return unset;
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
    if (t.grad === null) t.grad = floatArray(t.size);
    else t.grad.fill(0);
  }
}

/** What a layer's `call` needs to know about the pass it is part of. */
export interface CallContext {
  /** True while fitting (dropout on), false at inference unless asked for. */
  training: boolean;
  /**
   * The tape to record on (`fit` gives its own), null when no gradient is wanted (inference), or
   * undefined for ops called by hand: they record on their inputs' tape (see `record`).
   */
  tape?: Tape | null;
  /**
   * Which forward pass this is. A Workspace gives each call of an op within one pass buffers of
   * its own, and the same ones, call for call, in the next pass. A new context object starts a
   * new pass; a caller that reuses one object for pass after pass (as `fit` does) bumps `pass`.
   */
  pass?: number;
  /** The buffers of the graph node being run (a model gives each node its own); a layer without one uses its own. */
  ws?: Workspace;
  /** The index of that node among its layer's nodes (`layer.inboundNodes`), for per-node state such as dropout masks. */
  nodeIndex?: number;
}

/** How many calls of one op a pass may make through one Workspace (a guard against a context reused without bumping `pass`). */
export const MAX_USES_PER_PASS = 4096;

/**
 * Buffers that ops reuse from one pass to the next, so a training step allocates nothing after
 * the first batch of a given size. `get(ctx, key, shape)` hands the n-th request for `key` within
 * a pass (a context object and its `pass` number) the n-th buffer kept under that key with that
 * shape: two calls of the same op in one pass (a shared layer, or `dense(dense(x))` through one
 * Workspace) never share a buffer, and the next pass gets the same buffers back in the same order.
 * `Workspace.allocations` counts every buffer ever made, for specs.
 */
export class Workspace {
  /** Total number of buffers allocated by all workspaces (for allocation tests). */
  static allocations = 0;
  private readonly slots = new Map<string, Tensor[]>();
  private readonly intSlots = new Map<string, Int32Array>();
  /** The pass the request counts below belong to. */
  private passContext: CallContext | null = null;
  private passNumber = 0;
  /** Requests per key since the pass began. */
  private readonly uses = new Map<string, number>();
  /** `key`, `key#1`, `key#2`, ...: the slot name of each request, made once. */
  private readonly slotNames = new Map<string, string[]>();

  /** The tensor for this request of `key` in the pass `ctx`, with exactly `shape` (allocated on first use). */
  get(ctx: CallContext, key: string, shape: readonly number[]): Tensor {
    const name = this.slotName(ctx, key);
    let list = this.slots.get(name);
    if (list === undefined) {
      list = [];
      this.slots.set(name, list);
    }
    // Look for a buffer of the same shape among those kept under this name.
    for (let i = 0; i < list.length; i++) {
      if (sameShape(list[i].shape, shape)) return list[i];
    }
    Workspace.allocations++;
    const t = Tensor.zeros(shape);
    list.push(t);
    return t;
  }

  /** An integer buffer of at least `size` entries for this request of `key` (e.g. max pooling's argmax). */
  ints(ctx: CallContext, key: string, size: number): Int32Array {
    const name = this.slotName(ctx, key);
    let buffer = this.intSlots.get(name);
    if (buffer === undefined || buffer.length < size) {
      buffer = new Int32Array(size);
      this.intSlots.set(name, buffer);
      Workspace.allocations++;
    }
    return buffer;
  }

  /** The slot name of this request of `key`: a new pass (another context, or another `pass`) starts the counts again. */
  private slotName(ctx: CallContext, key: string): string {
    const pass = ctx.pass ?? 0;
    if (ctx !== this.passContext || pass !== this.passNumber) {
      this.passContext = ctx;
      this.passNumber = pass;
      this.uses.clear();
    }
    const n = this.uses.get(key) ?? 0;
    if (n >= MAX_USES_PER_PASS) {
      throw new Error(
        `Workspace: '${key}' was asked for ${n + 1} times in one pass; a context object reused for pass after pass must bump ctx.pass (or use a new context object) each pass, or every call keeps a buffer of its own`,
      );
    }
    this.uses.set(key, n + 1);
    let names = this.slotNames.get(key);
    if (names === undefined) this.slotNames.set(key, (names = [key]));
    while (names.length <= n) names.push(`${key}#${names.length}`);
    return names[n];
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
