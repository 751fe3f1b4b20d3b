/**
 * The recurrent ops: `lstm`, `gru` and `simpleRnn` over a whole sequence. Each is one coarse op,
 * one tape entry: the forward kernel runs every time step, the recorded backward runs
 * backpropagation through time (kernels/lstm.ts, gru.ts, gru-reset-before.ts, simple-rnn.ts).
 *
 * Dropout masks are inputs of the op, not drawn by it: `inputMask` [batch, features] multiplies
 * x_t and `recurrentMask` [batch, units] multiplies h_{t-1} before the recurrent kernel, the same
 * mask at every step and in the backward pass (the variational RNN of Gal and Ghahramani, 2016).
 * The layers in layers/recurrent.ts draw them; a gradient check passes fixed ones.
 *
 * Shapes: x [batch, time, features] -> output [batch, units], or [batch, time, units] with
 * `returnSequences` (in processing order: reversed in time with `goBackwards`, as Keras returns it).
 */
import { ActivationName } from '../kernels/activations';
import { gruBackward, gruForward } from '../kernels/gru';
import { gruResetBeforeBackward, gruResetBeforeForward } from '../kernels/gru-reset-before';
import { lstmBackward, lstmForward } from '../kernels/lstm';
import { activationCode, gatherSteps, RnnSizes, scatterSteps, stepsToBatchMajor, RecurrentBackwardArgs } from '../kernels/recurrent';
import { simpleRnnBackward, simpleRnnForward } from '../kernels/simple-rnn';
import { CallContext, gradOf, record, Workspace } from './autodiff';
import { shapeToString, Tensor } from './tensor';

/** Options of the recurrent ops (all optional). */
export interface RecurrentOpOptions {
  /** Return every step's state, [batch, time, units], instead of the last one [batch, units]. */
  returnSequences?: boolean;
  /** Process the sequence from its last time step to its first. */
  goBackwards?: boolean;
  /** Input dropout mask [batch, features] (0 or 1 / (1 - rate)), applied at every step; null: none. */
  inputMask?: Tensor | null;
  /** Recurrent dropout mask [batch, units], applied to h_{t-1} before the recurrent kernel at every step; null: none. */
  recurrentMask?: Tensor | null;
  /** Activation of the candidate and of the output (default 'tanh'). */
  activation?: ActivationName;
  /** Activation of the gates (default 'sigmoid'; LSTM and GRU). */
  recurrentActivation?: ActivationName;
  /** Initial states, each [batch, units]: [h0] (GRU, SimpleRNN) or [h0, c0] (LSTM); default zeros. Differentiable. */
  initialState?: readonly Tensor[] | null;
  /** Also return the final states as differentiable tensors (Keras' return_state). */
  returnState?: boolean;
}

/** Options of `gru`: the recurrent ops' options and the variant. */
export interface GruOpOptions extends RecurrentOpOptions {
  /**
   * true (default, Keras 3): the reset gate multiplies h' · U_h + b_rec, bias [2, 3u] (input row,
   * recurrent row). false (Keras 2's reset_after=False, TensorFlow.js): it multiplies h' before the product, bias [3u].
   */
  resetAfter?: boolean;
}

/** What a recurrent op returns. */
export interface RecurrentOpResult {
  /** [batch, units], or [batch, time, units] with `returnSequences`. */
  output: Tensor;
  /** With `returnState`: the final states, each [batch, units] ([h, c] for the LSTM, [h] otherwise); else empty. */
  states: Tensor[];
}

/** Sizes, masks and activation codes of one call, checked. */
interface Prepared {
  sz: RnnSizes;
  inputMask: Float32Array | null;
  recurrentMask: Float32Array | null;
  act: number;
  recAct: number;
  sequences: boolean;
  backwards: boolean;
}

/** Checks the shapes of one call and resolves its options; `op` names it in errors. */
function prepare(op: string, x: Tensor, kernel: Tensor, recurrentKernel: Tensor, gates: number,
  nStates: number, opts: RecurrentOpOptions): Prepared {
  if (x.rank !== 3) throw new RangeError(`${op}: x must be [batch, time, features], got ${shapeToString(x.shape)}`);
  const [batch, time, features] = x.shape;
  const units = recurrentKernel.shape[0];
  if (time < 1) throw new RangeError(`${op}: x must have at least one time step, got ${shapeToString(x.shape)}`);
  if (kernel.rank !== 2 || kernel.shape[0] !== features || kernel.shape[1] !== gates * units) {
    throw new RangeError(`${op}: kernel must be [${features}, ${gates * units}] for x ${shapeToString(x.shape)} and ${units} units, got ${shapeToString(kernel.shape)}`);
  }
  if (recurrentKernel.rank !== 2 || recurrentKernel.shape[1] !== gates * units) {
    throw new RangeError(`${op}: recurrentKernel must be [${units}, ${gates * units}], got ${shapeToString(recurrentKernel.shape)}`);
  }
  checkShape(op, 'inputMask', opts.inputMask, [batch, features]);
  checkShape(op, 'recurrentMask', opts.recurrentMask, [batch, units]);
  const initial = opts.initialState ?? null;
  if (initial !== null) {
    if (initial.length !== nStates) throw new RangeError(`${op}: initialState must hold ${nStates} tensor(s), got ${initial.length}`);
    initial.forEach((t, i) => checkShape(op, `initialState[${i}]`, t, [batch, units]));
  }
  const act = activationCode(opts.activation ?? 'tanh');
  const recAct = activationCode(opts.recurrentActivation ?? 'sigmoid');
  if (act < 0 || recAct < 0) throw new RangeError(`${op}: activations must be elementwise (softmax is not), got ${opts.activation}, ${opts.recurrentActivation}`);
  return {
    sz: { batch, time, features, units },
    inputMask: opts.inputMask ? opts.inputMask.data : null,
    recurrentMask: opts.recurrentMask ? opts.recurrentMask.data : null,
    act,
    recAct,
    sequences: opts.returnSequences ?? false,
    backwards: opts.goBackwards ?? false,
  };
}

function checkShape(op: string, name: string, t: Tensor | null | undefined, shape: number[]): void {
  if (t === null || t === undefined) return;
  if (t.rank !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new RangeError(`${op}: ${name} must be ${shapeToString(shape)}, got ${shapeToString(t.shape)}`);
  }
}

/** Slot 0 of a [time + 1, batch, units] state buffer: the given initial state, or zeros. */
function setInitial(states: Float32Array, initial: Tensor | undefined, size: number): void {
  if (initial !== undefined) states.set(initial.data);
  else states.fill(0, 0, size);
}

/** The op's output from the state buffer h [time + 1, batch, units]. */
function writeOutput(ctx: CallContext, ws: Workspace, key: string, p: Prepared, h: Float32Array): Tensor {
  const { batch, time, units } = p.sz;
  if (p.sequences) {
    const y = ws.get(ctx, `${key}.y`, [batch, time, units]);
    stepsToBatchMajor(h, y.data, batch, time, units);
    return y;
  }
  const y = ws.get(ctx, `${key}.y`, [batch, units]);
  y.data.set(h.subarray(time * batch * units, (time + 1) * batch * units));
  return y;
}

/** A copy of slot `time` of a state buffer as a [batch, units] tensor (a final state for returnState). */
function finalState(ctx: CallContext, ws: Workspace, key: string, sz: RnnSizes, states: Float32Array): Tensor {
  const size = sz.batch * sz.units;
  const t = ws.get(ctx, key, [sz.batch, sz.units]);
  t.data.set(states.subarray(sz.time * size, (sz.time + 1) * size));
  return t;
}

/**
 * One kind of recurrent cell, as `runSequence` drives it: the buffers it reads its input from and
 * keeps its states in, its forward over every step, and its backward through time.
 */
interface SequenceCell {
  /** Workspace key prefix of the op (`lstm`, `gru`, `rnn`). */
  key: string;
  /** [time, batch, features]: the input in step order, filled by `runSequence`. */
  xs: Float32Array;
  /** [h] or [h, c]: state buffers [time + 1, batch, units], slot 0 the initial state. */
  states: Float32Array[];
  forward(): void;
  /** Adds into the gradients named in `args`, writes d(loss)/d(xs) into `dxs` (when not null); `finals` are the returned final states. */
  backward(args: RecurrentBackwardArgs, dxs: Float32Array | null, finals: Tensor[]): void;
}

/**
 * What every recurrent op does around its cell: the input made time-major with the input mask
 * applied once, the initial states, the cell's forward, the output and final states; then one
 * tape entry whose backward runs the cell's backpropagation through time and scatters dx back.
 */
function runSequence(ctx: CallContext, ws: Workspace, x: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor | null,
  opts: RecurrentOpOptions, p: Prepared, cell: SequenceCell): RecurrentOpResult {
  const { batch, time, features, units } = p.sz;
  gatherSteps(x.data, p.inputMask, cell.xs, batch, time, features, p.backwards);
  cell.states.forEach((s, i) => setInitial(s, opts.initialState?.[i], batch * units));
  cell.forward();
  const y = writeOutput(ctx, ws, cell.key, p, cell.states[0]);
  const finals = opts.returnState ? cell.states.map((s, i) => finalState(ctx, ws, `${cell.key}.final${i}`, p.sz, s)) : [];

  record(ctx, y, [x, kernel, recurrentKernel, bias, ...(opts.initialState ?? [])], () => {
    const dxs = x.requiresGrad ? ws.get(ctx, `${cell.key}.dxs`, [time, batch, features]).data : null;
    cell.backward(backwardArgs(y, p, finals, kernel, recurrentKernel, bias, opts.initialState?.[0] ?? null), dxs, finals);
    // dx[b, t, :] += dxs[s, b, :] * inputMask[b, :]
    const dx = gradOf(x);
    if (dx !== null && dxs !== null) scatterSteps(dxs, p.inputMask, dx, batch, time, features, p.backwards);
  });
  recordStates(ctx, y, finals);
  return { output: y, states: finals };
}

/** The weights' arrays, as the cell kernels take them. */
function weightArrays(kernel: Tensor, recurrentKernel: Tensor, bias: Tensor | null): { kernel: Float32Array; recurrentKernel: Float32Array; bias: Float32Array | null } {
  return { kernel: kernel.data, recurrentKernel: recurrentKernel.data, bias: bias !== null ? bias.data : null };
}

/**
 * LSTM over a sequence (Keras gates i, f, c, o).
 * x [batch, time, features], kernel [features, 4u], recurrentKernel [units, 4u], bias [4u] or null
 * -> output [batch, units] or [batch, time, units]; with `returnState`, states [h_T, c_T] ([batch, units] each).
 */
export function lstm(ctx: CallContext, ws: Workspace, x: Tensor, kernel: Tensor, recurrentKernel: Tensor,
  bias: Tensor | null, opts: RecurrentOpOptions = {}): RecurrentOpResult {
  const p = prepare('lstm', x, kernel, recurrentKernel, 4, 2, opts);
  const { batch, time, features, units } = p.sz;
  const buf = {
    xs: ws.get(ctx, 'lstm.xs', [time, batch, features]).data,
    gates: ws.get(ctx, 'lstm.gates', [time, batch, 4 * units]).data,
    h: ws.get(ctx, 'lstm.h', [time + 1, batch, units]).data,
    c: ws.get(ctx, 'lstm.c', [time + 1, batch, units]).data,
    actC: ws.get(ctx, 'lstm.actC', [time, batch, units]).data,
    hMasked: p.recurrentMask !== null ? ws.get(ctx, 'lstm.hMasked', [time, batch, units]).data : null,
  };
  const w = weightArrays(kernel, recurrentKernel, bias);
  return runSequence(ctx, ws, x, kernel, recurrentKernel, bias, opts, p, {
    key: 'lstm',
    xs: buf.xs,
    states: [buf.h, buf.c],
    forward: () => lstmForward(p.sz, w, p.recurrentMask, buf, p.act, p.recAct),
    backward: (args, dxs, finals) => {
      const grads = {
        dGates: ws.get(ctx, 'lstm.dGates', [time, batch, 4 * units]).data,
        dh: ws.get(ctx, 'lstm.dh', [batch, units]).data,
        dc: ws.get(ctx, 'lstm.dc', [batch, units]).data,
        dxs,
      };
      const dcLast = finals.length > 1 ? gradOf(finals[1]) : null;
      lstmBackward(p.sz, w, p.recurrentMask, buf, grads, { ...args, dcLast, dc0: gradOf(opts.initialState?.[1] ?? null) }, p.act, p.recAct);
    },
  });
}

/**
 * GRU over a sequence (Keras gates z, r, h), in the variant `opts.resetAfter` (default true).
 * x [batch, time, features], kernel [features, 3u], recurrentKernel [units, 3u], bias [2, 3u]
 * (resetAfter) or [3u] (not), or null -> output [batch, units] or [batch, time, units]; with
 * `returnState`, states [h_T].
 */
export function gru(ctx: CallContext, ws: Workspace, x: Tensor, kernel: Tensor, recurrentKernel: Tensor,
  bias: Tensor | null, opts: GruOpOptions = {}): RecurrentOpResult {
  const p = prepare('gru', x, kernel, recurrentKernel, 3, 1, opts);
  const resetAfter = opts.resetAfter ?? true;
  const units = p.sz.units;
  const biasSize = resetAfter ? 6 * units : 3 * units;
  if (bias !== null && bias.size !== biasSize) {
    throw new RangeError(`gru: bias must be ${resetAfter ? `[2, ${3 * units}]` : `[${3 * units}]`} with resetAfter ${resetAfter}, got ${shapeToString(bias.shape)}`);
  }
  const cell = resetAfter ? gruResetAfterCell(ctx, ws, p, weightArrays(kernel, recurrentKernel, bias)) : gruResetBeforeCell(ctx, ws, p, weightArrays(kernel, recurrentKernel, bias));
  return runSequence(ctx, ws, x, kernel, recurrentKernel, bias, opts, p, cell);
}

/** The GRU cell with resetAfter true (kernels/gru.ts). */
function gruResetAfterCell(ctx: CallContext, ws: Workspace, p: Prepared, w: ReturnType<typeof weightArrays>): SequenceCell {
  const { batch, time, features, units } = p.sz;
  const buf = {
    xs: ws.get(ctx, 'gru.xs', [time, batch, features]).data,
    gates: ws.get(ctx, 'gru.gates', [time, batch, 3 * units]).data,
    inner: ws.get(ctx, 'gru.inner', [time, batch, 3 * units]).data,
    h: ws.get(ctx, 'gru.h', [time + 1, batch, units]).data,
    hMasked: p.recurrentMask !== null ? ws.get(ctx, 'gru.hMasked', [time, batch, units]).data : null,
  };
  return {
    key: 'gru',
    xs: buf.xs,
    states: [buf.h],
    forward: () => gruForward(p.sz, w, p.recurrentMask, buf, p.act, p.recAct),
    backward: (args, dxs) => {
      const grads = {
        dGates: ws.get(ctx, 'gru.dGates', [time, batch, 3 * units]).data,
        dInner: ws.get(ctx, 'gru.dInner', [time, batch, 3 * units]).data,
        dh: ws.get(ctx, 'gru.dh', [batch, units]).data,
        dhDirect: ws.get(ctx, 'gru.dhDirect', [batch, units]).data,
        dxs,
      };
      gruBackward(p.sz, w, p.recurrentMask, buf, grads, args, p.act, p.recAct);
    },
  };
}

/** The GRU cell with resetAfter false (kernels/gru-reset-before.ts). */
function gruResetBeforeCell(ctx: CallContext, ws: Workspace, p: Prepared, w: ReturnType<typeof weightArrays>): SequenceCell {
  const { batch, time, features, units } = p.sz;
  const buf = {
    xs: ws.get(ctx, 'gru.xs', [time, batch, features]).data,
    gates: ws.get(ctx, 'gru.gates', [time, batch, 3 * units]).data,
    h: ws.get(ctx, 'gru.h', [time + 1, batch, units]).data,
    hMasked: p.recurrentMask !== null ? ws.get(ctx, 'gru.hMasked', [time, batch, units]).data : null,
    resetState: ws.get(ctx, 'gru.resetState', [time, batch, units]).data,
    innerZr: ws.get(ctx, 'gru.innerZr', [batch, 2 * units]).data,
    innerH: ws.get(ctx, 'gru.innerH', [batch, units]).data,
    kernelZr: ws.get(ctx, 'gru.kernelZr', [units, 2 * units]).data,
    kernelH: ws.get(ctx, 'gru.kernelH', [units, units]).data,
  };
  return {
    key: 'gru',
    xs: buf.xs,
    states: [buf.h],
    forward: () => gruResetBeforeForward(p.sz, w, p.recurrentMask, buf, p.act, p.recAct),
    backward: (args, dxs) => {
      const grads = {
        dGates: ws.get(ctx, 'gru.dGates', [time, batch, 3 * units]).data,
        dInnerZr: ws.get(ctx, 'gru.dInnerZr', [time, batch, 2 * units]).data,
        dInnerH: ws.get(ctx, 'gru.dInnerH', [time, batch, units]).data,
        dh: ws.get(ctx, 'gru.dh', [batch, units]).data,
        dhDirect: ws.get(ctx, 'gru.dhDirect', [batch, units]).data,
        dResetState: ws.get(ctx, 'gru.dResetState', [batch, units]).data,
        dKernelZr: ws.get(ctx, 'gru.dKernelZr', [units, 2 * units]).data,
        dKernelH: ws.get(ctx, 'gru.dKernelH', [units, units]).data,
        dxs,
      };
      gruResetBeforeBackward(p.sz, w, p.recurrentMask, buf, grads, args, p.act, p.recAct);
    },
  };
}

/**
 * SimpleRNN over a sequence: h_t = act(x_t · W + h_{t-1} · U + b).
 * x [batch, time, features], kernel [features, u], recurrentKernel [units, u], bias [u] or null
 * -> output [batch, units] or [batch, time, units]; with `returnState`, states [h_T].
 */
export function simpleRnn(ctx: CallContext, ws: Workspace, x: Tensor, kernel: Tensor, recurrentKernel: Tensor,
  bias: Tensor | null, opts: RecurrentOpOptions = {}): RecurrentOpResult {
  const p = prepare('simpleRnn', x, kernel, recurrentKernel, 1, 1, opts);
  const { batch, time, features, units } = p.sz;
  const buf = {
    xs: ws.get(ctx, 'rnn.xs', [time, batch, features]).data,
    pre: ws.get(ctx, 'rnn.pre', [time, batch, units]).data,
    h: ws.get(ctx, 'rnn.h', [time + 1, batch, units]).data,
    hMasked: p.recurrentMask !== null ? ws.get(ctx, 'rnn.hMasked', [time, batch, units]).data : null,
  };
  const w = weightArrays(kernel, recurrentKernel, bias);
  return runSequence(ctx, ws, x, kernel, recurrentKernel, bias, opts, p, {
    key: 'rnn',
    xs: buf.xs,
    states: [buf.h],
    forward: () => simpleRnnForward(p.sz, w, p.recurrentMask, buf, p.act),
    backward: (args, dxs) => {
      const grads = { dPre: ws.get(ctx, 'rnn.dPre', [time, batch, units]).data, dh: ws.get(ctx, 'rnn.dh', [batch, units]).data, dxs };
      simpleRnnBackward(p.sz, w, p.recurrentMask, buf, grads, args, p.act);
    },
  });
}

/** The backward arguments every recurrent op shares: upstream gradients in, weight gradients out. */
function backwardArgs(y: Tensor, p: Prepared, states: Tensor[], kernel: Tensor, recurrentKernel: Tensor, bias: Tensor | null, h0: Tensor | null): RecurrentBackwardArgs {
  return {
    dy: y.grad,
    sequences: p.sequences,
    dhLast: states.length > 0 ? gradOf(states[0]) : null,
    dKernel: gradOf(kernel),
    dRecurrentKernel: gradOf(recurrentKernel),
    dBias: gradOf(bias),
    dh0: gradOf(h0),
  };
}

/**
 * Puts the final states on the tape after the op's own entry, with nothing to do on the way back:
 * the tape then gives them zeroed gradient buffers, the ops that use them fill those, and the
 * recurrent op's backward (which runs after them) reads them as dhLast / dcLast.
 */
function recordStates(ctx: CallContext, y: Tensor, states: Tensor[]): void {
  for (const s of states) record(ctx, s, [y], noop);
}

function noop(): void {}
