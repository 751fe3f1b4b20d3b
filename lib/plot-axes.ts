/**
 * The machinery the SVG plots share: options, margins and axes (`layout`), nice 1-2-5 ticks, pixel
 * mapping, the legend (`loc='best'`), the document shell (`svgDocument`), point data, XML escaping
 * and number formatting. Each plot kind (`plot.ts`, `plot-box.ts`, `plot-errorbar.ts`,
 * `plot-heatmap.ts`) only computes its data range and draws its marks.
 *
 * Layout: the y ticks are chosen first (they depend only on the height), their widest label sets
 * the left margin, then the x ticks are chosen for the remaining width. Ticks are "nice" numbers
 * (1, 2 or 5 times a power of ten). Data get an equal 16-pixel pad inside the frame on every side
 * not fixed by the caller.
 */
import { optionKeys } from './options';
import { Tensor, shapeToString, describe } from './tensor';

/** matplotlib's default colour cycle ("tab10"); series and classes take colours from it in order. */
export const TAB10: readonly string[] = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd',
  '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
];

/** Options every plot takes. Sizes are in pixels. */
export interface PlotOptions {
  /** Text above the plot. */
  title?: string;
  /** Text under the x axis. */
  xLabel?: string;
  /** Text left of the y axis, rotated. */
  yLabel?: string;
  /** Width of the document, default 640, at least 200. */
  width?: number;
  /** Height of the document, default 420, at least 150. */
  height?: number;
}

/** The keys of `PlotOptions`, which every plot accepts. */
export const PLOT_KEYS = optionKeys<PlotOptions>({ title: true, xLabel: true, yLabel: true, width: true, height: true });

export const FONT = 'DejaVu Sans, Arial, Helvetica, sans-serif';
export const PAD_PX = 16; // space between the data and the frame, on every side
export const TICK_PX = 3.5; // length of a tick mark, outside the frame

/** A [low, high] interval of data values. */
export type Range = [number, number];

/** One axis: its data interval and the nice tick values inside it, with their labels. */
export interface Axis {
  lo: number;
  hi: number;
  ticks: number[];
  labels: string[];
  /** Grid lines at the ticks (default true; false for category axes). */
  grid?: boolean;
  /** Font size of the tick labels (default 12). */
  fontSize?: number;
  /** Tick labels turned 45 degrees, hanging down-left from their tick (crowded category names). */
  rotate?: boolean;
}

/** Where the plot area sits in the document and what its axes show. */
export interface Frame {
  width: number;
  height: number;
  left: number;
  top: number;
  plotW: number;
  plotH: number;
  x: Axis;
  y: Axis;
}

/** A legend row: a name and its colour. */
export interface Entry {
  name: string;
  color: string;
}

/** What `layout` needs to know about the data. */
export interface LayoutSpec {
  /** Data interval on x (ignored when `xCategories` is given). */
  x: Range;
  /** Data interval on y. */
  y: Range;
  /** Keep x ticks on whole numbers (epochs). */
  xInteger?: boolean;
  /** Which ends of `x` are fixed (no padding there); default neither. */
  xFixed?: [boolean, boolean];
  /** Which ends of `y` are fixed (no padding there); default neither. */
  yFixed?: [boolean, boolean];
  /** A category axis: category `i` sits at x = i + 1, labelled with its name; x spans [0.5, n + 0.5]. */
  xCategories?: string[];
  /** Pixels right of the plot area, given the plot height (default 20; a colorbar needs more). */
  right?: (plotH: number) => number;
}

/**
 * Escapes `text` for XML content and attribute values: `&`, `<`, `>`, `"` and `'` become
 * entities, and control characters XML cannot hold are dropped.
 */
export function escapeXml(text: string): string {
  const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
  return String(text)
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/[&<>"']/g, (c) => entities[c]);
}

/** Named arrays, `{ a: [...], b: [...] }` or `[{ name, values }, ...]`: the input of `linePlot` and `boxPlot`. */
export type NamedArrays = Record<string, ArrayLike<number>> | Array<{ name: string; values: ArrayLike<number> }>;

/**
 * `input` (argument `arg` of `fn`) as a list of `{ name, values }`, checked: at least one entry,
 * each an array-like with at least one value; `noun` names one entry in messages.
 */
export function namedList(fn: string, arg: string, noun: string, input: NamedArrays): Array<{ name: string; values: ArrayLike<number> }> {
  if (input === null || typeof input !== 'object') {
    throw new TypeError(`${fn}: ${arg} must be an object of named arrays or a list of { name, values }, got ${describe(input)}`);
  }
  const list = Array.isArray(input) ? input : Object.entries(input).map(([name, values]) => ({ name, values }));
  if (list.length === 0) throw new RangeError(`${fn}: ${arg} is empty; give at least one named ${noun}`);
  // Every entry an array-like with at least one value.
  for (const entry of list) {
    const { name, values } = entry ?? {};
    if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
      throw new TypeError(`${fn}: ${noun} "${name}" must be an array of numbers, got ${describe(values)}`);
    }
    if (values.length === 0) throw new RangeError(`${fn}: ${noun} "${name}" is empty`);
  }
  return list;
}

/** Smallest and largest of `values` (all finite). */
export function extent(values: ArrayLike<number>): Range {
  let lo = Infinity;
  let hi = -Infinity;
  // One pass for both ends.
  for (let i = 0; i < values.length; i++) {
    lo = Math.min(lo, values[i]);
    hi = Math.max(hi, values[i]);
  }
  return [lo, hi];
}

/**
 * The user's fixed limits `options[lowKey]` and `options[highKey]`, checked: each finite when
 * given, and low below high when both are.
 */
export function checkLimits<K extends string>(fn: string, options: Partial<Record<K, number>>, lowKey: K, highKey: K): [number | undefined, number | undefined] {
  const lo = options[lowKey];
  const hi = options[highKey];
  // Each fixed end must be a finite number.
  for (const [key, v] of [[lowKey, lo], [highKey, hi]] as const) {
    if (v !== undefined && !Number.isFinite(v)) throw new RangeError(`${fn}: options.${key} must be finite, got ${describe(v)}`);
  }
  if (lo !== undefined && hi !== undefined && !(lo < hi)) {
    throw new RangeError(`${fn}: options.${lowKey} (${lo}) must be below options.${highKey} (${hi})`);
  }
  return [lo, hi];
}

/** A size option, checked, or its default. */
function size(fn: string, key: 'width' | 'height', value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < min) {
    throw new RangeError(`${fn}: options.${key} must be a number of pixels >= ${min}, got ${describe(value)}`);
  }
  return value;
}

/**
 * Margins, plot area and axes for data spanning `spec.x` by `spec.y` (see `LayoutSpec`). A
 * category axis whose names do not fit side by side shrinks them, then turns them 45 degrees and
 * grows the bottom margin to hold them (names longer than 30% of the height are cut with "…").
 */
export function layout(fn: string, options: PlotOptions, spec: LayoutSpec): Frame {
  const width = size(fn, 'width', options.width, 640, 200);
  const height = size(fn, 'height', options.height, 420, 150);
  const top = options.title ? 40 : 16;
  const baseBottom = options.xLabel ? 52 : 30;
  let bottom = baseBottom;
  let extraLeft = 0;
  // Up to three passes: later ones only when turned category names need more bottom or left margin.
  for (let pass = 0; ; pass++) {
    const plotH = height - top - bottom;
    const [ylo, yhi] = padRange(spec.y, plotH, spec.yFixed ?? [false, false]);
    const y = makeAxis(ylo, yhi, plotH, 50, 0, false);
    const left = extraLeft + (options.yLabel ? 30 : 10) + Math.max(0, ...y.labels.map((t) => textWidth(t, 12))) + TICK_PX + 5;
    const plotW = width - left - (spec.right ? spec.right(plotH) : 20);
    if (plotW < 20 || plotH < 20) throw new RangeError(`${fn}: options.width x options.height (${width} x ${height}) leave no room for the plot`);
    let x: Axis;
    if (spec.xCategories) {
      const { axis, drop, reach } = categoryAxis(spec.xCategories, plotW, 0.3 * height);
      const moreLeft = Math.max(0, Math.ceil(reach - left));
      if (pass < 2 && (baseBottom + drop > bottom || moreLeft > 0)) {
        bottom = Math.max(bottom, baseBottom + drop);
        extraLeft += moreLeft + (pass === 1 ? 4 : 0); // a little slack on the last try: the slots shrank
        continue;
      }
      x = axis;
    } else {
      const [xlo, xhi] = padRange(spec.x, plotW, spec.xFixed ?? [false, false]);
      x = makeAxis(xlo, xhi, plotW, 60, spec.xInteger ? 1 : 0, true);
    }
    return { width, height, left, top, plotW, plotH, x, y };
  }
}

/**
 * A category axis of `names` across `pixels`: labels at 12 px if they fit their slot, else 10 px,
 * else turned 45 degrees at a size the slot allows, cut to `maxDrop` pixels of drop. `drop` is the
 * extra bottom margin the turned labels need, `reach` how far left of the plot area they go.
 */
function categoryAxis(names: string[], pixels: number, maxDrop: number): { axis: Axis; drop: number; reach: number } {
  const n = names.length;
  const slot = pixels / n;
  const widest = (labels: string[], fontSize: number) => Math.max(0, ...labels.map((t) => textWidth(t, fontSize)));
  const base = { lo: 0.5, hi: n + 0.5, ticks: names.map((_, i) => i + 1), grid: false };
  if (widest(names, 12) + 8 <= slot) return { axis: { ...base, labels: names }, drop: 0, reach: 0 };
  if (widest(names, 10) + 6 <= slot) return { axis: { ...base, labels: names, fontSize: 10 }, drop: 0, reach: 0 };
  const fontSize = Math.max(6, Math.min(11, Math.floor(0.7 * slot)));
  const maxChars = Math.max(2, Math.floor((maxDrop / Math.SQRT1_2 - fontSize) / (fontSize * 0.6)));
  const labels = names.map((t) => (t.length > maxChars ? `${t.slice(0, maxChars - 1)}…` : t));
  const drop = Math.ceil((widest(labels, fontSize) + fontSize) * Math.SQRT1_2) - 12;
  const reach = Math.max(0, ...labels.map((t, i) => (textWidth(t, fontSize) + fontSize / 2) * Math.SQRT1_2 + 4 - slot * (i + 0.5)));
  return { axis: { ...base, labels, fontSize, rotate: true }, drop: Math.max(0, drop), reach };
}

/** `range` widened by `PAD_PX` pixels at each end not `fixed`; a flat range is first opened around its value. */
export function padRange([lo, hi]: Range, pixels: number, [fixLo, fixHi]: [boolean, boolean]): Range {
  if (!(hi > lo)) [lo, hi] = openRange(lo, hi, fixLo, fixHi);
  const pad = (PAD_PX * (hi - lo)) / (pixels - 2 * PAD_PX);
  return [fixLo ? lo : lo - pad, fixHi ? hi : hi + pad];
}

/** A flat or reversed [lo, hi] opened to a proper interval, moving only the ends not fixed. */
export function openRange(lo: number, hi: number, fixLo: boolean, fixHi: boolean): Range {
  const d = Math.abs(fixLo ? lo : hi) * 0.05 || 0.5;
  if (fixLo) return [lo, lo + 2 * d];
  if (fixHi) return [hi - 2 * d, hi];
  return [lo - d, hi + d];
}

/**
 * An axis over [lo, hi] drawn across `pixels`: about one tick per `gap` pixels, fewer if
 * horizontal labels would touch; the step never goes below `minStep`.
 */
export function makeAxis(lo: number, hi: number, pixels: number, gap: number, minStep: number, horizontal: boolean): Axis {
  // Fewer ticks until neighbouring labels have room.
  for (let count = Math.max(2, Math.floor(pixels / gap)); ; count--) {
    const { step, ticks, labels } = niceTicks(lo, hi, count, minStep);
    const room = (step / (hi - lo)) * pixels;
    const need = horizontal ? Math.max(0, ...labels.map((t) => textWidth(t, 12))) + 10 : 18;
    if (room >= need || count <= 1) return { lo, hi, ticks, labels };
  }
}

/**
 * Ticks at the multiples of a 1-2-5 step inside [lo, hi], about `count` of them (the step rule of
 * d3's `ticks`). Labels use exactly the decimals the step needs, so 0.1 * 3 prints as "0.3".
 */
function niceTicks(lo: number, hi: number, count: number, minStep: number): { step: number; ticks: number[]; labels: string[] } {
  const raw = (hi - lo) / count;
  let exp = Math.floor(Math.log10(raw));
  const err = raw / 10 ** exp;
  let mult = err >= Math.sqrt(50) ? 10 : err >= Math.sqrt(10) ? 5 : err >= Math.SQRT2 ? 2 : 1;
  if (mult === 10) [mult, exp] = [1, exp + 1];
  let step = exp < 0 ? mult / 10 ** -exp : mult * 10 ** exp;
  if (step < minStep) [step, exp] = [minStep, 0];
  const decimals = Math.max(0, -exp);
  const ticks: number[] = [];
  const labels: string[] = [];
  // Every multiple of the step in range (a little slack for rounding).
  for (let k = Math.ceil(lo / step - 1e-9); k <= Math.floor(hi / step + 1e-9); k++) {
    const label = (k * step).toFixed(decimals);
    labels.push(label === `-${(0).toFixed(decimals)}` ? label.slice(1) : label);
    ticks.push(Number(label));
  }
  return { step, ticks, labels };
}

/** Pixel column of data value `v` on the x axis. */
export function xPixel(f: Frame, v: number): number {
  return f.left + ((v - f.x.lo) / (f.x.hi - f.x.lo)) * f.plotW;
}

/** Pixel row of data value `v` on the y axis (rows grow downwards). */
export function yPixel(f: Frame, v: number): number {
  return f.top + ((f.y.hi - v) / (f.y.hi - f.y.lo)) * f.plotH;
}

/** A clip path named `plot-clip` of the plot area, for marks that may leave a fixed y range. */
export function plotClip(f: Frame): string {
  return `<clipPath id="plot-clip"><rect x="${fmt(f.left)}" y="${fmt(f.top)}" width="${fmt(f.plotW)}" height="${fmt(f.plotH)}"/></clipPath>`;
}

/**
 * The legend box, at the place in the plot area where it meets the fewest `obstacles` segments
 * (x1, y1, x2, y2 each; matplotlib's `loc='best'`: upper right, upper left, lower left, lower
 * right, center right, center left, lower center, upper center, center; the first wins a tie).
 * `marker` is what each row shows: a line, a dot, or a line through a dot.
 */
export function legend(f: Frame, entries: Entry[], obstacles: number[], marker: 'line' | 'dot' | 'linedot'): string {
  const rowH = 18;
  const w = 40 + Math.max(0, ...entries.map((e) => textWidth(e.name, 12)));
  const h = entries.length * rowH + 8;
  const [x0, xm, x1] = [f.left + 8, f.left + (f.plotW - w) / 2, f.left + f.plotW - 8 - w];
  const [y0, ym, y1] = [f.top + 8, f.top + (f.plotH - h) / 2, f.top + f.plotH - 8 - h];
  const places = [[x1, y0], [x0, y0], [x0, y1], [x1, y1], [x1, ym], [x0, ym], [xm, y1], [xm, y0], [xm, ym]];
  let best = places[0];
  let fewest = Infinity;
  // For each place, count the segments whose bounding box meets the legend box.
  for (const [bx, by] of places) {
    let hits = 0;
    for (let k = 0; k < obstacles.length; k += 4) {
      const [ax1, ay1, ax2, ay2] = [obstacles[k], obstacles[k + 1], obstacles[k + 2], obstacles[k + 3]];
      if (Math.max(ax1, ax2) >= bx && Math.min(ax1, ax2) <= bx + w && Math.max(ay1, ay2) >= by && Math.min(ay1, ay2) <= by + h) hits++;
    }
    if (hits < fewest) [best, fewest] = [[bx, by], hits];
  }
  const [bx, by] = best;
  const rows = entries.map(({ name, color }, r) => {
    const cy = by + 4 + rowH * (r + 0.5);
    const line = `<line x1="${fmt(bx + 8)}" y1="${fmt(cy)}" x2="${fmt(bx + 28)}" y2="${fmt(cy)}" stroke="${color}" stroke-width="1.5"/>`;
    const dot = `<circle cx="${fmt(bx + 18)}" cy="${fmt(cy)}" r="3.5" fill="${color}"/>`;
    const mark = marker === 'line' ? line : marker === 'dot' ? dot : line + dot;
    return `${mark}<text x="${fmt(bx + 34)}" y="${fmt(cy + 4)}">${escapeXml(name)}</text>`;
  });
  return [
    '<g class="legend" font-size="12">',
    `<rect x="${fmt(bx)}" y="${fmt(by)}" width="${fmt(w)}" height="${fmt(h)}" rx="3" fill="white" fill-opacity="0.8" stroke="#cccccc"/>`,
    ...rows,
    '</g>',
  ].join('\n');
}

/**
 * The whole document: background, grid, `content`, frame, ticks, labels, title, then `overlay`
 * (legend, colorbar) on top.
 */
export function svgDocument(f: Frame, options: PlotOptions, content: string[], overlay: string): string {
  const { width, height, left, top, plotW, plotH } = f;
  const [right, bottom] = [left + plotW, top + plotH];
  const xs = f.x.ticks.map((t) => fmt(xPixel(f, t)));
  const ys = f.y.ticks.map((t) => fmt(yPixel(f, t)));
  const xFont = f.x.fontSize ?? 12;
  const xText = (x: string, i: number) => {
    const label = escapeXml(f.x.labels[i]);
    if (!f.x.rotate) return `<text x="${x}" y="${fmt(bottom + TICK_PX + 2 + xFont)}">${label}</text>`;
    const y = fmt(bottom + TICK_PX + 4 + xFont / 2);
    return `<text x="${x}" y="${y}" text-anchor="end" transform="rotate(-45 ${x} ${y})">${label}</text>`;
  };
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${fmt(width)}" height="${fmt(height)}" viewBox="0 0 ${fmt(width)} ${fmt(height)}" font-family="${FONT}" font-size="12">`,
    `<rect width="${fmt(width)}" height="${fmt(height)}" fill="white"/>`,
    '<g class="grid" stroke="#e6e6e6" stroke-width="0.8">',
    ...(f.x.grid === false ? [] : xs.map((x) => `<line x1="${x}" y1="${fmt(top)}" x2="${x}" y2="${fmt(bottom)}"/>`)),
    ...(f.y.grid === false ? [] : ys.map((y) => `<line x1="${fmt(left)}" y1="${y}" x2="${fmt(right)}" y2="${y}"/>`)),
    '</g>',
    ...content,
    `<rect class="plot-area" x="${fmt(left)}" y="${fmt(top)}" width="${fmt(plotW)}" height="${fmt(plotH)}" fill="none" stroke="#000000" stroke-width="0.8"/>`,
    `<g class="x-ticks" text-anchor="middle"${xFont === 12 ? '' : ` font-size="${xFont}"`}>`,
    ...xs.map((x, i) => `<line x1="${x}" y1="${fmt(bottom)}" x2="${x}" y2="${fmt(bottom + TICK_PX)}" stroke="#000000" stroke-width="0.8"/>${xText(x, i)}`),
    '</g>',
    '<g class="y-ticks" text-anchor="end">',
    ...ys.map((y, i) => `<line x1="${fmt(left - TICK_PX)}" y1="${y}" x2="${fmt(left)}" y2="${y}" stroke="#000000" stroke-width="0.8"/><text x="${fmt(left - TICK_PX - 3)}" y="${fmt(Number(y) + 4)}">${escapeXml(f.y.labels[i])}</text>`),
    '</g>',
  ];
  if (options.title) out.push(`<text class="title" x="${fmt(left + plotW / 2)}" y="26" font-size="15" text-anchor="middle">${escapeXml(options.title)}</text>`);
  if (options.xLabel) out.push(`<text class="x-label" x="${fmt(left + plotW / 2)}" y="${fmt(height - 12)}" font-size="13" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  if (options.yLabel) {
    const [x, y] = [fmt(16), fmt(top + plotH / 2)];
    out.push(`<text class="y-label" x="${x}" y="${y}" transform="rotate(-90 ${x} ${y})" font-size="13" text-anchor="middle">${escapeXml(options.yLabel)}</text>`);
  }
  if (overlay) out.push(overlay);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/**
 * The x, y and class of each point (rows of `X`, shape `[n, 2]`; `labels` class indices), checked.
 * Errors start with `fn:` and name the arguments as `${arg}X` and `${arg}labels`.
 */
export function pointData(fn: string, X: Tensor | ArrayLike<ArrayLike<number>>, labels: Tensor | ArrayLike<number>, arg = '') {
  let xs: Float64Array;
  let ys: Float64Array;
  if (X instanceof Tensor) {
    if (X.rank !== 2 || X.shape[1] !== 2) {
      throw new RangeError(`${fn}: ${arg}X must be n x 2 (one x, y pair per row), got shape ${shapeToString(X.shape)}`);
    }
    xs = Float64Array.from({ length: X.shape[0] }, (_, i) => X.data[2 * i]);
    ys = Float64Array.from({ length: X.shape[0] }, (_, i) => X.data[2 * i + 1]);
  } else {
    if (X === null || typeof X !== 'object' || typeof X.length !== 'number') {
      throw new TypeError(`${fn}: ${arg}X must be a Tensor or an array of [x, y] rows, got ${describe(X)}`);
    }
    xs = new Float64Array(X.length);
    ys = new Float64Array(X.length);
    // Copy the rows, checking each is a pair.
    for (let i = 0; i < X.length; i++) {
      const row = X[i];
      if (row === null || typeof row !== 'object' || row.length !== 2) {
        throw new RangeError(`${fn}: ${arg}X must be n x 2; ${arg}X[${i}] has ${row?.length ?? 'no'} values, expected 2`);
      }
      xs[i] = row[0];
      ys[i] = row[1];
    }
  }
  if (xs.length === 0) throw new RangeError(`${fn}: ${arg}X has no points`);
  const classes = labels instanceof Tensor ? labels.data : labels;
  if (classes === null || typeof classes !== 'object' || classes.length !== xs.length) {
    throw new RangeError(`${fn}: ${arg}X has ${xs.length} rows but ${arg}labels has ${classes?.length ?? 'no'} values`);
  }
  // Every coordinate finite, every label a class index.
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(xs[i]) || !Number.isFinite(ys[i])) {
      throw new RangeError(`${fn}: ${arg}X[${i}] is (${xs[i]}, ${ys[i]}); coordinates must be finite`);
    }
    if (!Number.isInteger(classes[i]) || classes[i] < 0) {
      throw new RangeError(`${fn}: ${arg}labels[${i}] is ${classes[i]}; labels must be class indices 0, 1, 2, ...`);
    }
  }
  return { xs, ys, classes: Array.from(classes) };
}

/** Estimated width in pixels of `text` at `fontSize` (0.6 em a character: generous for digits and most words). */
export function textWidth(text: string, fontSize: number): number {
  return text.length * fontSize * 0.6;
}

/** A coordinate with at most 2 decimals and no trailing zeros ("12.5", "-3", never "-0"). */
export function fmt(v: number): string {
  const r = Math.round(v * 100) / 100;
  return String(r === 0 ? 0 : r);
}
