/**
 * Property tests of the kernels against naive reference loops in float64, on random shapes:
 * matmul (every transpose, accumulate, views), activations forward and backward (against a
 * numerical derivative where smooth), the fused bias + activation, sumAxes / sumRows,
 * broadcastMultiply / broadcastAdd with random broadcast shapes, the dropout mask, conv2d forward
 * and both backward passes, max and average pooling. And the dropout layers' invariants on random
 * shapes and rates: mask values exactly 0 or 1 / (1 - rate), output = input * mask, gradient =
 * upstream * mask, inference is the identity. Seeds are fixed.
 */
import fc from 'fast-check';
import { activationBackward, activationForward, ActivationName, biasActivationForward, SELU_ALPHA, SELU_SCALE } from '../kernels/activations';
import { conv2dBackwardData, conv2dBackwardFilter, conv2dForward, isPointwise } from '../kernels/conv';
import { broadcastAdd, broadcastMultiply, drawDropoutMask } from '../kernels/dropout';
import { WindowGeometry } from '../kernels/im2col';
import { matmul } from '../kernels/matmul';
import { avgPoolBackward, avgPoolForward, maxPoolBackward, maxPoolForward } from '../kernels/pooling';
import { sumAxes, sumRows } from '../kernels/reductions';
import { Tape, Workspace } from '../lib/autodiff';
import { weightedSum } from '../lib/ops';
import { Dropout, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D, Tensor } from '../index';
import { prod, randomData, SEED } from './helpers/properties';

/** Throws unless |actual[i] - expected[i]| <= tol(i) everywhere. */
function expectWithin(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: (i: number) => number, what: string): void {
  if (actual.length < expected.length) throw new Error(`${what}: ${actual.length} values, expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= tol(i))) throw new Error(`${what}: at ${i} got ${actual[i]}, expected ${expected[i]} (|diff| ${d} > ${tol(i)})`);
  }
}

describe('property: matmul against a float64 reference', () => {
  // Shapes that reach every path: dot rows (n <= 3), rank updates (k <= 8 or m <= 7), packed blocks
  // (several MC = 64 row blocks, KC = 256 deep blocks, NR/MR edges).
  const dim = (small: number, large: number) => fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: small }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: large }) });
  it('C = op(A) op(B) (+ C), every transpose, C a view with guard values after it', () => {
    fc.assert(
      fc.property(dim(12, 140), dim(12, 300), dim(12, 70), fc.boolean(), fc.boolean(), fc.boolean(), fc.integer({ min: 1, max: 1e6 }), (m, k, n, transA, transB, accumulate, seed) => {
        const a = randomData(m * k, seed);
        const b = randomData(k * n, seed + 1);
        const c0 = randomData(m * n + 3, seed + 2);
        const c = Float32Array.from(c0);
        matmul(a, b, c.subarray(0, m * n), m, k, n, transA, transB, accumulate);
        const ref = new Float64Array(m * n);
        const scale = new Float64Array(m * n);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let s = accumulate ? c0[i * n + j] : 0;
            let abs = accumulate ? Math.abs(c0[i * n + j]) : 0;
            for (let p = 0; p < k; p++) {
              const x = transA ? a[p * m + i] : a[i * k + p];
              const y = transB ? b[j * k + p] : b[p * n + j];
              s += x * y;
              abs += Math.abs(x * y);
            }
            ref[i * n + j] = s;
            scale[i * n + j] = abs;
          }
        }
        // float32 rounding of partial sums: a few ulps of the sum of |terms| per rounding step
        expectWithin(c, ref, (i) => 1e-6 * (1 + k / 16) * scale[i] + 1e-30, `matmul m=${m} k=${k} n=${n} tA=${transA} tB=${transB} acc=${accumulate}`);
        for (let i = m * n; i < c.length; i++) if (c[i] !== c0[i]) throw new Error(`matmul wrote past C at ${i}`);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

/** The activations in float64, for reference. */
const REFERENCE: Record<Exclude<ActivationName, 'softmax'>, (x: number) => number> = {
  linear: (x) => x,
  relu: (x) => Math.max(0, x),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  hard_sigmoid: (x) => Math.min(1, Math.max(0, 0.2 * x + 0.5)),
  tanh: (x) => Math.tanh(x),
  elu: (x) => (x > 0 ? x : Math.exp(x) - 1),
  selu: (x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * (Math.exp(x) - 1)),
  softplus: (x) => Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0),
  softsign: (x) => x / (1 + Math.abs(x)),
};
/** Where each activation is not differentiable (numerical derivatives skip a neighbourhood). */
const KINKS: Partial<Record<ActivationName, number[]>> = { relu: [0], elu: [0], selu: [0], hard_sigmoid: [-2.5, 2.5] };
const ELEMENTWISE = Object.keys(REFERENCE) as Exclude<ActivationName, 'softmax'>[];

function softmaxRef(x: ArrayLike<number>, o: number, cols: number): number[] {
  let max = -Infinity;
  for (let j = 0; j < cols; j++) max = Math.max(max, x[o + j]);
  const e = Array.from({ length: cols }, (_, j) => Math.exp(x[o + j] - max));
  const s = e.reduce((p, v) => p + v, 0);
  return e.map((v) => v / s);
}

describe('property: activations against float64 references', () => {
  const values = (lo: number, hi: number) => fc.array(fc.double({ min: lo, max: hi, noNaN: true }), { minLength: 1, maxLength: 24 }).map((v) => Float32Array.from(v));

  it('elementwise forward equals the reference; backward equals dy * a numerical derivative away from kinks', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ELEMENTWISE), values(-12, 12), fc.integer({ min: 1, max: 1e6 }), (act, x, seed) => {
        const f = REFERENCE[act];
        const y = new Float32Array(x.length);
        activationForward(act, x, y, x.length, x.length);
        expectWithin(y, Array.from(x, f), (i) => 2e-7 * Math.abs(f(x[i])) + 1e-7, `${act} forward`);
        const dy = randomData(x.length, seed);
        const dx = new Float32Array(x.length);
        activationBackward(act, y, dy, dx, x.length, x.length);
        const h = 1e-5;
        for (let i = 0; i < x.length; i++) {
          if ((KINKS[act] ?? []).some((k) => Math.abs(x[i] - k) < 1e-3)) continue;
          const slope = (f(x[i] + h) - f(x[i] - h)) / (2 * h);
          const want = dy[i] * slope;
          if (!(Math.abs(dx[i] - want) <= 2e-3 * Math.abs(want) + 1e-6)) throw new Error(`${act} backward at x=${x[i]}: got ${dx[i]}, expected ${want}`);
        }
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('softmax: rows sum to 1, forward equals the reference, backward equals the Jacobian-vector product', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 7 }), fc.double({ min: 0.1, max: 60, noNaN: true }), fc.integer({ min: 1, max: 1e6 }), (rows, cols, spread, seed) => {
        const x = randomData(rows * cols, seed, -spread, spread);
        const y = new Float32Array(x.length);
        activationForward('softmax', x, y, x.length, cols);
        const dy = randomData(x.length, seed + 1);
        const dx = new Float32Array(x.length);
        activationBackward('softmax', y, dy, dx, x.length, cols);
        for (let r = 0; r < rows; r++) {
          const p = softmaxRef(x, r * cols, cols);
          expectWithin(y.subarray(r * cols), p, (j) => 1e-6 * p[j] + 1e-7, 'softmax forward');
          // dx_j = p_j (dy_j - sum_k dy_k p_k)
          const dot = p.reduce((s, pk, kk) => s + pk * dy[r * cols + kk], 0);
          const want = p.map((pj, j) => pj * (dy[r * cols + j] - dot));
          expectWithin(dx.subarray(r * cols), want, (j) => 1e-5 * Math.abs(want[j]) + 1e-6, 'softmax backward');
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('finite inputs (up to 1e6 in size) give finite outputs and gradients for every activation', () => {
    fc.assert(
      fc.property(fc.constantFrom<ActivationName>(...ELEMENTWISE, 'softmax'), values(-1e6, 1e6), (act, x) => {
        const y = new Float32Array(x.length);
        activationForward(act, x, y, x.length, x.length);
        const dx = new Float32Array(x.length);
        activationBackward(act, y, new Float32Array(x.length).fill(1), dx, x.length, x.length);
        for (let i = 0; i < x.length; i++) {
          if (!Number.isFinite(y[i]) || !Number.isFinite(dx[i])) throw new Error(`${act}(${x[i]}) = ${y[i]}, gradient ${dx[i]}`);
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('the fused bias + activation equals act(x + bias) row by row', () => {
    fc.assert(
      fc.property(fc.constantFrom<ActivationName>(...ELEMENTWISE, 'softmax'), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 1e6 }), (act, rows, cols, seed) => {
        const x = randomData(rows * cols, seed, -4, 4);
        const bias = randomData(cols, seed + 1, -2, 2);
        const fused = Float32Array.from(x);
        biasActivationForward(act, fused, bias, rows, cols);
        const z = Float32Array.from(x, (v, i) => v + bias[i % cols]);
        const ref = new Float32Array(z.length);
        activationForward(act, z, ref, z.length, cols);
        expectWithin(fused, ref, (i) => 1e-6 * Math.abs(ref[i]) + 1e-7, `${act} fused bias`);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});

/** A random shape of rank 0..maxRank with axes of length 0..maxDim (0 only sometimes). */
const shapeArb = (maxRank: number, maxDim: number) =>
  fc.array(fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 1, max: maxDim }) }, { weight: 1, arbitrary: fc.constant(0) }), { maxLength: maxRank });

/** Row-major strides of a shape. */
const stridesOf = (shape: readonly number[]): number[] => shape.map((_, a) => prod(shape.slice(a + 1)));

/** Every multi-index of `shape`, in row-major order. */
function* indices(shape: readonly number[]): Generator<number[]> {
  const total = prod(shape);
  for (let flat = 0; flat < total; flat++) yield shape.map((d, a) => Math.floor(flat / prod(shape.slice(a + 1))) % d);
}

describe('property: reductions against float64 references', () => {
  it('sumAxes over a random subset of axes (keepdims) equals the nested-loop sum', () => {
    fc.assert(
      fc.property(shapeArb(5, 4), fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }), fc.integer({ min: 1, max: 1e6 }), (shape, pick, seed) => {
        const axes = shape.map((_, a) => a).filter((a) => pick[a]);
        const x = randomData(prod(shape), seed);
        const outShape = shape.map((d, a) => (axes.includes(a) ? 1 : d));
        const out = new Float32Array(prod(outShape)).fill(123);
        sumAxes(x, shape, axes, out);
        const ref = new Float64Array(out.length);
        const abs = new Float64Array(out.length);
        const os = stridesOf(outShape);
        let i = 0;
        for (const idx of indices(shape)) {
          const o = idx.reduce((s, v, a) => s + (axes.includes(a) ? 0 : v) * os[a], 0);
          ref[o] += x[i];
          abs[o] += Math.abs(x[i++]);
        }
        expectWithin(out, ref, (j) => 1e-6 * abs[j] + 1e-30, `sumAxes ${JSON.stringify(shape)} over ${JSON.stringify(axes)}`);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('sumRows (and its accumulate form) equals the column sums', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.boolean(), fc.integer({ min: 1, max: 1e6 }), (rows, cols, accumulate, seed) => {
        const x = randomData(rows * cols, seed);
        const out0 = randomData(cols, seed + 1);
        const out = Float32Array.from(out0);
        sumRows(x, out, rows, cols, accumulate);
        const ref = Array.from({ length: cols }, (_, j) => {
          let s = accumulate ? out0[j] : 0;
          for (let r = 0; r < rows; r++) s += x[r * cols + j];
          return s;
        });
        expectWithin(out, ref, () => 1e-5, 'sumRows');
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});

/** A shape and a broadcastable mask shape (each axis 1 or the shape's length). */
const broadcastPair = shapeArb(6, 4).chain((shape) =>
  fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }).map((ones) => ({ shape, maskShape: shape.map((d, a) => (ones[a] ? 1 : d)) })),
);

describe('property: broadcasting kernels against a reference', () => {
  it('broadcastMultiply (plain and accumulating) and broadcastAdd equal the index-by-index definitions', () => {
    fc.assert(
      fc.property(broadcastPair, fc.boolean(), fc.integer({ min: 1, max: 1e6 }), ({ shape, maskShape }, accumulate, seed) => {
        const x = randomData(prod(shape), seed);
        const mask = randomData(prod(maskShape), seed + 1);
        const out0 = randomData(x.length, seed + 2);
        const out = Float32Array.from(out0);
        broadcastMultiply(x, mask, out, shape, maskShape, accumulate);
        const added = Float32Array.from(out0);
        broadcastAdd(mask, added, shape, maskShape);
        const ms = stridesOf(maskShape);
        let i = 0;
        for (const idx of indices(shape)) {
          const m = mask[idx.reduce((s, v, a) => s + (maskShape[a] === 1 ? 0 : v * ms[a]), 0)];
          const want = (accumulate ? out0[i] : 0) + x[i] * m;
          if (Math.abs(out[i] - want) > 1e-6) throw new Error(`broadcastMultiply ${JSON.stringify({ shape, maskShape })} at ${i}: ${out[i]} vs ${want}`);
          if (Math.abs(added[i] - (out0[i] + m)) > 1e-6) throw new Error(`broadcastAdd ${JSON.stringify({ shape, maskShape })} at ${i}`);
          i++;
        }
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('a mask shape that does not broadcast is a RangeError that says so', () => {
    fc.assert(
      fc.property(shapeArb(5, 4).filter((s) => s.length > 0 && s.some((d) => d > 1)), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 1 }), (shape, at, kind) => {
        const a = shape.findIndex((d, i) => i >= at % shape.length && d > 1) >= 0 ? shape.findIndex((d, i) => i >= at % shape.length && d > 1) : shape.findIndex((d) => d > 1);
        // Either an axis of another length (neither 1 nor the input's) or another rank.
        const maskShape = kind === 0 ? shape.map((d, i) => (i === a ? d + 1 : d)) : [...shape, 1];
        const x = new Float32Array(prod(shape));
        expect(() => broadcastMultiply(x, new Float32Array(prod(maskShape)), new Float32Array(x.length), shape, maskShape)).toThrow(/broadcast: mask/);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });
});

describe('property: dropout masks and the dropout layers', () => {
  const rate = fc.oneof(fc.double({ min: 0, max: 0.99, noNaN: true }), fc.constantFrom(0, 0.5, 0.1, 0.9));

  it('drawDropoutMask: every value is exactly 0 or fround(1 / (1 - rate)), and about `rate` of them are 0', () => {
    fc.assert(
      fc.property(rate, fc.integer({ min: 0, max: 5000 }), fc.array(fc.integer({ min: 1, max: 2 ** 32 - 1 }), { minLength: 4, maxLength: 4 }), (r, n, state) => {
        const mask = new Float32Array(n);
        drawDropoutMask(mask, r, Uint32Array.from(state));
        const keep = Math.fround(1 / (1 - r));
        let dropped = 0;
        for (const v of mask) {
          if (v === 0) dropped++;
          else if (v !== keep) throw new Error(`mask value ${v}, expected 0 or ${keep}`);
        }
        if (r === 0 && dropped > 0) throw new Error('rate 0 dropped a unit');
        // Binomial(n, rate): within 6 standard deviations (and 3 units) of n * rate.
        if (n >= 100 && Math.abs(dropped - n * r) > 6 * Math.sqrt(n * r * (1 - r)) + 3) throw new Error(`dropped ${dropped} of ${n} at rate ${r}`);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  /** A dropout layer, with the rank its input must have (null: any) and the mask axes it keeps. */
  const layerArb = fc.oneof(
    fc.record({ kind: fc.constant('Dropout' as const), rank: fc.integer({ min: 1, max: 4 }) }),
    fc.record({ kind: fc.constant('Dropout+noiseShape' as const), rank: fc.integer({ min: 1, max: 4 }) }),
    fc.record({ kind: fc.constant('SpatialDropout1D' as const), rank: fc.constant(2) }),
    fc.record({ kind: fc.constant('SpatialDropout2D' as const), rank: fc.constant(3) }),
    fc.record({ kind: fc.constant('SpatialDropout3D' as const), rank: fc.constant(4) }),
  );

  it('training: y = x * mask (broadcast), mask values 0 or 1 / (1 - rate), dx = dy * mask; inference: y = x', () => {
    fc.assert(
      fc.property(layerArb, rate, fc.integer({ min: 1, max: 4 }), fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 4, maxLength: 4 }), fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }), fc.integer({ min: 1, max: 1e6 }),
        ({ kind, rank }, r, batch, dims, shareAxes, seed) => {
          const shape = [batch, ...dims.slice(0, rank)];
          // The expected mask shape for each layer (spatial: batch and channels only).
          const noiseShape = shape.map((d, a) => (shareAxes[a] ? 1 : null));
          const expectedMask =
            kind === 'Dropout' ? shape : kind === 'Dropout+noiseShape' ? noiseShape.map((d, a) => d ?? shape[a]) : shape.map((d, a) => (a === 0 || a === shape.length - 1 ? d : 1));
          const layer =
            kind === 'Dropout' ? new Dropout(r, { seed }) :
            kind === 'Dropout+noiseShape' ? new Dropout(r, { seed, noiseShape }) :
            kind === 'SpatialDropout1D' ? new SpatialDropout1D(r, { seed }) :
            kind === 'SpatialDropout2D' ? new SpatialDropout2D(r, { seed }) : new SpatialDropout3D(r, { seed });
          const x = new Tensor(randomData(prod(shape), seed, -2, 2), shape);

          // Inference: the identity.
          const inferred = layer.call(x, { training: false, tape: null });
          expect(Array.from(inferred.data)).toEqual(Array.from(x.data));

          // Training, with the tape on: the output and the gradient both use the cached mask.
          x.requiresGrad = true;
          x.grad = new Float32Array(x.size);
          const tape = new Tape();
          const ctx = { training: true, tape };
          const y = layer.call(x, ctx);
          if (r === 0) {
            expect(y).toBe(x);
            return;
          }
          const mask = layer.lastMask as Tensor;
          expect(mask.shape).toEqual(expectedMask);
          const keep = Math.fround(1 / (1 - r));
          for (const v of mask.data) if (v !== 0 && v !== keep) throw new Error(`${kind} mask value ${v}, expected 0 or ${keep}`);
          const upstream = new Tensor(randomData(y.size, seed + 7), y.shape);
          tape.backward(weightedSum(ctx, new Workspace(), y, upstream));
          const ms = stridesOf(expectedMask);
          let i = 0;
          for (const idx of indices(shape)) {
            const m = mask.data[idx.reduce((s, v, a) => s + (expectedMask[a] === 1 ? 0 : v * ms[a]), 0)];
            if (y.data[i] !== Math.fround(x.data[i] * m)) throw new Error(`${kind}: y[${i}] = ${y.data[i]}, expected x * mask = ${x.data[i] * m}`);
            if (Math.abs(x.grad[i] - upstream.data[i] * m) > 1e-6 * Math.abs(upstream.data[i] * m)) throw new Error(`${kind}: dx[${i}] = ${x.grad[i]}, expected dy * mask`);
            i++;
          }
        }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

/** TensorFlow's windows: out and the padding before, computed independently of kernels/im2col. */
function geometry(batch: number, inH: number, inW: number, inC: number, kH: number, kW: number, sH: number, sW: number, same: boolean): WindowGeometry {
  const axis = (input: number, k: number, s: number): [number, number] => {
    const out = same ? Math.ceil(input / s) : Math.floor((input - k) / s) + 1;
    const pad = same ? Math.floor(Math.max((out - 1) * s + k - input, 0) / 2) : 0;
    return [out, pad];
  };
  const [outH, padTop] = axis(inH, kH, sH);
  const [outW, padLeft] = axis(inW, kW, sW);
  return { batch, inH, inW, inC, kH, kW, strideH: sH, strideW: sW, padTop, padLeft, outH, outW };
}

const geometryArb = fc
  .record({
    batch: fc.integer({ min: 1, max: 2 }),
    inH: fc.integer({ min: 1, max: 7 }),
    inW: fc.integer({ min: 1, max: 7 }),
    inC: fc.integer({ min: 1, max: 3 }),
    kH: fc.integer({ min: 1, max: 4 }),
    kW: fc.integer({ min: 1, max: 4 }),
    sH: fc.integer({ min: 1, max: 3 }),
    sW: fc.integer({ min: 1, max: 3 }),
    same: fc.boolean(),
  })
  .map((r) => geometry(r.batch, r.inH, r.inW, r.inC, r.kH, r.kW, r.sH, r.sW, r.same))
  .filter((g) => g.outH >= 1 && g.outW >= 1);

/** Calls f(b, oy, ox, ky, kx, iy, ix) for every window position that lies inside the input. */
function eachTap(g: WindowGeometry, f: (b: number, oy: number, ox: number, ky: number, kx: number, iy: number, ix: number) => void): void {
  for (let b = 0; b < g.batch; b++)
    for (let oy = 0; oy < g.outH; oy++)
      for (let ox = 0; ox < g.outW; ox++)
        for (let ky = 0; ky < g.kH; ky++)
          for (let kx = 0; kx < g.kW; kx++) {
            const iy = oy * g.strideH - g.padTop + ky;
            const ix = ox * g.strideW - g.padLeft + kx;
            if (iy >= 0 && iy < g.inH && ix >= 0 && ix < g.inW) f(b, oy, ox, ky, kx, iy, ix);
          }
}

describe('property: conv2d and pooling against naive loops', () => {
  it('conv2d forward, filter gradient and data gradient equal the nested-loop sums', () => {
    fc.assert(
      fc.property(geometryArb, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 1e6 }), (g, F, seed) => {
        const C = g.inC;
        const x = randomData(g.batch * g.inH * g.inW * C, seed);
        const kernel = randomData(g.kH * g.kW * C * F, seed + 1);
        const M = g.batch * g.outH * g.outW;
        const K = g.kH * g.kW * C;
        const cols = isPointwise(g) ? x : new Float32Array(M * K);
        const y = new Float32Array(M * F);
        conv2dForward(x, kernel, cols, y, g, F);
        const dy = randomData(M * F, seed + 2);
        const dk = new Float32Array(kernel.length);
        conv2dBackwardFilter(cols, dy, dk, g, F);
        const dx = new Float32Array(x.length);
        conv2dBackwardData(dy, kernel, isPointwise(g) ? dx : new Float32Array(M * K), dx, g, F);

        const yRef = new Float64Array(y.length);
        const dkRef = new Float64Array(dk.length);
        const dxRef = new Float64Array(dx.length);
        eachTap(g, (b, oy, ox, ky, kx, iy, ix) => {
          for (let c = 0; c < C; c++) {
            const xi = ((b * g.inH + iy) * g.inW + ix) * C + c;
            for (let f = 0; f < F; f++) {
              const ki = ((ky * g.kW + kx) * C + c) * F + f;
              const yi = ((b * g.outH + oy) * g.outW + ox) * F + f;
              yRef[yi] += x[xi] * kernel[ki];
              dkRef[ki] += x[xi] * dy[yi];
              dxRef[xi] += dy[yi] * kernel[ki];
            }
          }
        });
        const tol = () => 1e-5 * Math.max(K, M);
        expectWithin(y, yRef, tol, `conv2d forward ${JSON.stringify(g)}`);
        expectWithin(dk, dkRef, tol, `conv2d filter gradient ${JSON.stringify(g)}`);
        expectWithin(dx, dxRef, tol, `conv2d data gradient ${JSON.stringify(g)}`);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('max and average pooling (forward and backward) equal the window-by-window definitions', () => {
    fc.assert(
      fc.property(geometryArb.filter((g) => g.kH <= g.inH + 2 * g.padTop && g.kW <= g.inW + 2 * g.padLeft), fc.integer({ min: 1, max: 1e6 }), (g, seed) => {
        const C = g.inC;
        const x = randomData(g.batch * g.inH * g.inW * C, seed);
        const outSize = g.batch * g.outH * g.outW * C;
        const yMax = new Float32Array(outSize);
        const argmax = new Int32Array(outSize);
        maxPoolForward(x, yMax, argmax, g);
        const yAvg = new Float32Array(outSize);
        avgPoolForward(x, yAvg, g);
        const dy = randomData(outSize, seed + 1);
        const dxMax = new Float32Array(x.length);
        maxPoolBackward(dy, argmax, dxMax, outSize);
        const dxAvg = new Float32Array(x.length);
        avgPoolBackward(dy, dxAvg, g);

        const maxRef = new Float64Array(outSize).fill(-Infinity);
        const argRef = new Int32Array(outSize);
        const sum = new Float64Array(outSize);
        const count = new Float64Array(outSize);
        eachTap(g, (b, oy, ox, _ky, _kx, iy, ix) => {
          for (let c = 0; c < C; c++) {
            const xi = ((b * g.inH + iy) * g.inW + ix) * C + c;
            const o = ((b * g.outH + oy) * g.outW + ox) * C + c;
            if (x[xi] > maxRef[o]) {
              maxRef[o] = x[xi];
              argRef[o] = xi;
            }
            sum[o] += x[xi];
            count[o]++;
          }
        });
        const dxMaxRef = new Float64Array(x.length);
        const dxAvgRef = new Float64Array(x.length);
        for (let o = 0; o < outSize; o++) dxMaxRef[argRef[o]] += dy[o];
        eachTap(g, (b, oy, ox, _ky, _kx, iy, ix) => {
          for (let c = 0; c < C; c++) {
            const o = ((b * g.outH + oy) * g.outW + ox) * C + c;
            dxAvgRef[((b * g.inH + iy) * g.inW + ix) * C + c] += dy[o] / count[o];
          }
        });
        expectWithin(yMax, maxRef, () => 0, `max pool ${JSON.stringify(g)}`);
        expectWithin(yAvg, Array.from(sum, (s, o) => s / count[o]), () => 1e-6, `average pool ${JSON.stringify(g)}`);
        expectWithin(dxMax, dxMaxRef, () => 1e-6, `max pool backward ${JSON.stringify(g)}`);
        expectWithin(dxAvg, dxAvgRef, () => 1e-6, `average pool backward ${JSON.stringify(g)}`);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
