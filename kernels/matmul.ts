/**
 * Matrix multiply over Float32Array, the kernel under dense layers, conv (im2col) and LSTM cells.
 *
 * Two regimes:
 * - Large shapes take the GotoBLAS road: op(B) is packed into NR-column panels, op(A) into MR-row
 *   panels (transposes are absorbed by the packing), both as float64 so the inner loop does no
 *   conversions, and an MR x NR register-blocked micro-kernel sweeps a contiguous k loop.
 * - Skinny shapes (n <= 3, k <= 8 or m <= 7, as in a 2-500-1 MLP) skip packing, whose cost and
 *   padding to 4 would outweigh the work, and run direct loops whose innermost loop is contiguous.
 *
 * Products and sums run in float64 and C is rounded to float32 when stored: once per 256-deep block
 * in the packed path, once per dot product when n is small, after every 2 or 4 terms in the rank
 * updates of the shallow path. The summation order depends only on the shape, so the same inputs
 * always give the same bits.
 */

/** Rows of op(A) in one packed panel and one micro-tile. */
const MR = 4;
/** Columns of op(B) in one packed panel and one micro-tile. */
const NR = 4;
/** Depth of one packed block (the k slice kept hot while C tiles are updated). */
const KC = 256;
/** Rows of op(A) packed at once (mc x kc doubles stay in L2). */
const MC = 64;
/** Columns of op(B) packed at once (kc x nc doubles stay in L2/L3). */
const NC = 256;

/** Skinny-shape thresholds: at or below any of these, direct loops beat packing (measured, see bench/matmul.ts). */
const DIRECT_N = 3;
const DIRECT_K = 8;
const DIRECT_M = 7;

/**
 * Packing scratch, shared by all calls. Sized once for the largest block, so no call allocates;
 * being constants lets V8 fold their addresses and bounds into the micro-kernel (measured ~12% faster
 * than scratch passed in or grown on demand).
 */
const packedA = new Float64Array(MC * KC);
const packedB = new Float64Array(NC * KC);
/** Bound once: a global `Math` lookup is slow when the module runs inside a vm context (jest). */
const min = Math.min;
/** Partial micro-tile at the right/bottom edges of C. */
const edgeTile = new Float64Array(MR * NR);

/**
 * C = op(A) · op(B) (or C += when accumulate), with op(A) of shape [m, k] and op(B) of shape [k, n].
 * A is stored row-major as [m, k], or as [k, m] when transA; B as [k, n], or as [n, k] when transB.
 * C is row-major [m, n]. Arrays may be subarray views; only their first m*k, k*n, m*n elements are read/written.
 *
 * @param a - op(A) source, `m*k` elements, row-major `[m, k]` (or `[k, m]` when `transA`)
 * @param b - op(B) source, `k*n` elements, row-major `[k, n]` (or `[n, k]` when `transB`)
 * @param c - output, row-major `[m, n]`; overwritten, or added to when `accumulate`
 * @param m - rows of op(A) and of C
 * @param k - columns of op(A), rows of op(B)
 * @param n - columns of op(B) and of C
 * @param transA - A is stored transposed, as `[k, m]`
 * @param transB - B is stored transposed, as `[n, k]`
 * @param accumulate - add into C instead of overwriting it
 */
export function matmul(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number,
  transA = false, transB = false, accumulate = false): void {
  matmulRows(a, b, c, m, k, n, transA, transB, accumulate, 0, m);
}

/** Rows of C that a slice of `matmulRows` must start on: every path groups rows by at most 4. */
export const MATMUL_ROW_ALIGN = 4;

/**
 * Rows [r0, r1) of `matmul(a, b, c, m, k, n, ...)`, computed exactly as the whole product computes
 * them: the path is chosen from the whole shape, and with r0 a multiple of `MATMUL_ROW_ALIGN` (and
 * r1 one too, or m) every row falls in the same group of rows, so its bits do not depend on how the
 * rows are split (what lets the thread pool split a product by rows).
 */
export function matmulRows(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number,
  transA: boolean, transB: boolean, accumulate: boolean, r0: number, r1: number): void {
  if (r1 <= r0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate) c.fill(0, r0 * n, r1 * n);
    return;
  }
  // op(A)[i, p] = a[i*sai + p*sap] and op(B)[p, j] = b[p*sbp + j*sbj]: the transposes become strides.
  const sai = transA ? 1 : k;
  const sap = transA ? m : 1;
  const sbp = transB ? 1 : n;
  const sbj = transB ? k : 1;
  if (n <= DIRECT_N) dotRows(a, b, c, r0, r1, k, n, sai, sap, sbp, sbj, accumulate);
  else if (k <= DIRECT_K || m <= DIRECT_M) rowUpdates(a, b, c, r0, r1, k, n, sai, sap, sbp, sbj, accumulate);
  else blocked(a, b, c, r0, r1, k, n, sai, sap, sbp, sbj, accumulate);
}

/**
 * Few columns (n <= DIRECT_N), rows r0 to m - 1 of C: every C element is one dot product over p. Four rows share each op(B)
 * load, and even and odd p go to separate accumulators so consecutive adds do not wait on each other.
 */
function dotRows(a: Float32Array, b: Float32Array, c: Float32Array, r0: number, m: number, k: number, n: number,
  sai: number, sap: number, sbp: number, sbj: number, accumulate: boolean): void {
  const a1 = sai, a2 = 2 * sai, a3 = 3 * sai;
  let i = r0;
  for (; i + 3 < m; i += 4) {
    for (let j = 0; j < n; j++) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0;
      let ia = i * sai, ib = j * sbj;
      let p = 0;
      // s_r += op(A)[i+r, p] * op(B)[p, j] and t_r += op(A)[i+r, p+1] * op(B)[p+1, j], p even
      for (; p + 1 < k; p += 2) {
        const b0 = b[ib], b1 = b[ib + sbp];
        const ja = ia + sap;
        s0 += a[ia] * b0; s1 += a[ia + a1] * b0; s2 += a[ia + a2] * b0; s3 += a[ia + a3] * b0;
        t0 += a[ja] * b1; t1 += a[ja + a1] * b1; t2 += a[ja + a2] * b1; t3 += a[ja + a3] * b1;
        ia += 2 * sap; ib += 2 * sbp;
      }
      if (p < k) {
        const b0 = b[ib];
        s0 += a[ia] * b0; s1 += a[ia + a1] * b0; s2 += a[ia + a2] * b0; s3 += a[ia + a3] * b0;
      }
      const ci = i * n + j;
      if (accumulate) { c[ci] += s0 + t0; c[ci + n] += s1 + t1; c[ci + 2 * n] += s2 + t2; c[ci + 3 * n] += s3 + t3; }
      else { c[ci] = s0 + t0; c[ci + n] = s1 + t1; c[ci + 2 * n] = s2 + t2; c[ci + 3 * n] = s3 + t3; }
    }
  }
  // c[i, j] = sum_p op(A)[i, p] * op(B)[p, j] for the last m % 4 rows
  for (; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let ia = i * sai, ib = j * sbj;
      for (let p = 0; p < k; p++) { s += a[ia] * b[ib]; ia += sap; ib += sbp; }
      const ci = i * n + j;
      c[ci] = accumulate ? c[ci] + s : s;
    }
  }
}

/**
 * Shallow or short products (k <= DIRECT_K or m <= DIRECT_M), rows r0 to m - 1 of C: C rows are built by rank updates
 * along contiguous rows of op(B) (and of C), with the op(A) factors held in registers: blocks of
 * 4 rows take p two at a time (the first step stores, so k = 1 or 2 writes C once); the last m % 4
 * rows go 2 then 1 at a time and take p four at a time.
 */
function rowUpdates(a: Float32Array, b: Float32Array, c: Float32Array, r0: number, m: number, k: number, n: number,
  sai: number, sap: number, sbp: number, sbj: number, accumulate: boolean): void {
  const a1 = sai, a2 = 2 * sai, a3 = 3 * sai;
  let i = r0;
  for (; i + 3 < m; i += 4) {
    const c0 = i * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
    let p = 0;
    for (; p + 1 < k; p += 2) {
      const ia = i * sai + p * sap, ja = ia + sap;
      const x0 = a[ia], x1 = a[ia + a1], x2 = a[ia + a2], x3 = a[ia + a3];
      const y0 = a[ja], y1 = a[ja + a1], y2 = a[ja + a2], y3 = a[ja + a3];
      let ib = p * sbp;
      if (p === 0 && !accumulate) {
        // c[i+r, j] = op(A)[i+r, 0] * op(B)[0, j] + op(A)[i+r, 1] * op(B)[1, j]
        for (let j = 0; j < n; j++) {
          const b0 = b[ib], b1 = b[ib + sbp];
          c[c0 + j] = x0 * b0 + y0 * b1; c[c1 + j] = x1 * b0 + y1 * b1;
          c[c2 + j] = x2 * b0 + y2 * b1; c[c3 + j] = x3 * b0 + y3 * b1;
          ib += sbj;
        }
      } else {
        // c[i+r, j] += op(A)[i+r, p] * op(B)[p, j] + op(A)[i+r, p+1] * op(B)[p+1, j]
        for (let j = 0; j < n; j++) {
          const b0 = b[ib], b1 = b[ib + sbp];
          c[c0 + j] += x0 * b0 + y0 * b1; c[c1 + j] += x1 * b0 + y1 * b1;
          c[c2 + j] += x2 * b0 + y2 * b1; c[c3 + j] += x3 * b0 + y3 * b1;
          ib += sbj;
        }
      }
    }
    if (p < k) {
      const ia = i * sai + p * sap;
      const x0 = a[ia], x1 = a[ia + a1], x2 = a[ia + a2], x3 = a[ia + a3];
      let ib = p * sbp;
      if (p === 0 && !accumulate) {
        // c[i+r, j] = op(A)[i+r, 0] * op(B)[0, j]  (k == 1: an outer product)
        for (let j = 0; j < n; j++) {
          const bv = b[ib];
          c[c0 + j] = x0 * bv; c[c1 + j] = x1 * bv; c[c2 + j] = x2 * bv; c[c3 + j] = x3 * bv;
          ib += sbj;
        }
      } else {
        // c[i+r, j] += op(A)[i+r, k-1] * op(B)[k-1, j]  (odd k)
        for (let j = 0; j < n; j++) {
          const bv = b[ib];
          c[c0 + j] += x0 * bv; c[c1 + j] += x1 * bv; c[c2 + j] += x2 * bv; c[c3 + j] += x3 * bv;
          ib += sbj;
        }
      }
    }
  }
  if (i === m) return;
  if (!accumulate) c.fill(0, i * n, m * n);
  const b1 = sbp, b2 = 2 * sbp, b3 = 3 * sbp;
  for (; i + 1 < m; i += 2) {
    const c0 = i * n, c1 = c0 + n;
    let p = 0;
    for (; p + 3 < k; p += 4) {
      const ia = i * sai + p * sap, ja = ia + sai;
      const x0 = a[ia], x1 = a[ia + sap], x2 = a[ia + 2 * sap], x3 = a[ia + 3 * sap];
      const y0 = a[ja], y1 = a[ja + sap], y2 = a[ja + 2 * sap], y3 = a[ja + 3 * sap];
      let ib = p * sbp;
      // c[i, j] += op(A)[i, p..p+3] . op(B)[p..p+3, j], and the same for row i+1
      for (let j = 0; j < n; j++) {
        const v0 = b[ib], v1 = b[ib + b1], v2 = b[ib + b2], v3 = b[ib + b3];
        c[c0 + j] += x0 * v0 + x1 * v1 + x2 * v2 + x3 * v3;
        c[c1 + j] += y0 * v0 + y1 * v1 + y2 * v2 + y3 * v3;
        ib += sbj;
      }
    }
    for (; p < k; p++) {
      const x = a[i * sai + p * sap], y = a[i * sai + sai + p * sap];
      let ib = p * sbp;
      // c[i, j] += op(A)[i, p] * op(B)[p, j], and the same for row i+1 (the last k % 4 values of p)
      for (let j = 0; j < n; j++) {
        const v = b[ib];
        c[c0 + j] += x * v; c[c1 + j] += y * v;
        ib += sbj;
      }
    }
  }
  if (i < m) {
    const c0 = i * n;
    let p = 0;
    for (; p + 3 < k; p += 4) {
      const ia = i * sai + p * sap;
      const x0 = a[ia], x1 = a[ia + sap], x2 = a[ia + 2 * sap], x3 = a[ia + 3 * sap];
      let ib = p * sbp;
      // c[i, j] += op(A)[i, p..p+3] . op(B)[p..p+3, j]  (the last row when m is odd)
      for (let j = 0; j < n; j++) {
        c[c0 + j] += x0 * b[ib] + x1 * b[ib + b1] + x2 * b[ib + b2] + x3 * b[ib + b3];
        ib += sbj;
      }
    }
    for (; p < k; p++) {
      const x = a[i * sai + p * sap];
      let ib = p * sbp;
      // c[i, j] += op(A)[i, p] * op(B)[p, j] for the last k % 4 values of p
      for (let j = 0; j < n; j++) { c[c0 + j] += x * b[ib]; ib += sbj; }
    }
  }
}

/** GotoBLAS loop nest over rows r0 to m - 1 of C: pack a kc x nc slab of op(B), then mc x kc blocks of op(A), then sweep micro-tiles. */
function blocked(a: Float32Array, b: Float32Array, c: Float32Array, r0: number, m: number, k: number, n: number,
  sai: number, sap: number, sbp: number, sbj: number, accumulate: boolean): void {
  if (!accumulate) c.fill(0, r0 * n, m * n);
  // C[:, j0..j0+nc) += op(A)[:, p0..p0+kc) . op(B)[p0..p0+kc, j0..j0+nc), block by block
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = min(NC, n - j0);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = min(KC, k - p0);
      packB(b, sbp, sbj, p0, kc, j0, nc);
      for (let i0 = r0; i0 < m; i0 += MC) {
        const mc = min(MC, m - i0);
        packA(a, sai, sap, i0, mc, p0, kc);
        // each NR-column panel of op(B) stays in L1 while the MR-row panels of op(A) stream past it
        for (let jr = 0; jr < nc; jr += NR) {
          const cols = min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            microKernel(ir * kc, jr * kc, kc, c, (i0 + ir) * n + j0 + jr, n, min(MR, mc - ir), cols);
          }
        }
      }
    }
  }
}

/** pa[ir*kc + p*MR + r] = op(A)[i0 + ir + r, p0 + p]: MR-row panels, p-major, zero past row m. */
function packA(a: Float32Array, sai: number, sap: number,
  i0: number, mc: number, p0: number, kc: number): void {
  const pa = packedA;
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    let d = ir * kc;
    let s = (i0 + ir) * sai + p0 * sap;
    if (rows === MR) {
      // one full panel: four op(A) rows interleaved along p
      for (let p = 0; p < kc; p++) {
        pa[d] = a[s]; pa[d + 1] = a[s + sai]; pa[d + 2] = a[s + 2 * sai]; pa[d + 3] = a[s + 3 * sai];
        d += MR; s += sap;
      }
    } else {
      // the bottom panel: the rows that exist, then zeros
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < MR; r++) pa[d + r] = r < rows ? a[s + r * sai] : 0;
        d += MR; s += sap;
      }
    }
  }
}

/** pb[jr*kc + p*NR + q] = op(B)[p0 + p, j0 + jr + q]: NR-column panels, p-major, zero past column n. */
function packB(b: Float32Array, sbp: number, sbj: number,
  p0: number, kc: number, j0: number, nc: number): void {
  const pb = packedB;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    let d = jr * kc;
    let s = p0 * sbp + (j0 + jr) * sbj;
    if (cols === NR) {
      // one full panel: four op(B) columns interleaved along p
      for (let p = 0; p < kc; p++) {
        pb[d] = b[s]; pb[d + 1] = b[s + sbj]; pb[d + 2] = b[s + 2 * sbj]; pb[d + 3] = b[s + 3 * sbj];
        d += NR; s += sbp;
      }
    } else {
      // the right panel: the columns that exist, then zeros
      for (let p = 0; p < kc; p++) {
        for (let q = 0; q < NR; q++) pb[d + q] = q < cols ? b[s + q * sbj] : 0;
        d += NR; s += sbp;
      }
    }
  }
}

/** C[ci.., MR x NR tile, row stride ldc] += A panel (at ia) . B panel (at ib), kc deep; rows x cols of it are real. */
function microKernel(ia: number, ib: number, kc: number,
  c: Float32Array, ci: number, ldc: number, rows: number, cols: number): void {
  const pa = packedA, pb = packedB;
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  // c_rq += a_r * b_q: one rank-1 update of the 4x4 register tile per p
  for (let p = 0; p < kc; p++) {
    const a0 = pa[ia], a1 = pa[ia + 1], a2 = pa[ia + 2], a3 = pa[ia + 3];
    const b0 = pb[ib], b1 = pb[ib + 1], b2 = pb[ib + 2], b3 = pb[ib + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
    ia += MR; ib += NR;
  }
  if (rows === MR && cols === NR) {
    c[ci] += c00; c[ci + 1] += c01; c[ci + 2] += c02; c[ci + 3] += c03; ci += ldc;
    c[ci] += c10; c[ci + 1] += c11; c[ci + 2] += c12; c[ci + 3] += c13; ci += ldc;
    c[ci] += c20; c[ci + 1] += c21; c[ci + 2] += c22; c[ci + 3] += c23; ci += ldc;
    c[ci] += c30; c[ci + 1] += c31; c[ci + 2] += c32; c[ci + 3] += c33;
    return;
  }
  const t = edgeTile;
  t[0] = c00; t[1] = c01; t[2] = c02; t[3] = c03; t[4] = c10; t[5] = c11; t[6] = c12; t[7] = c13;
  t[8] = c20; t[9] = c21; t[10] = c22; t[11] = c23; t[12] = c30; t[13] = c31; t[14] = c32; t[15] = c33;
  // C[r, q] += tile[r, q] for the rows x cols corner that lies inside C
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < cols; q++) c[ci + r * ldc + q] += t[r * NR + q];
  }
}
