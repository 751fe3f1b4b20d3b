/**
 * SVG plots with no dependency: the two figures of the dropout tutorial.
 *
 * `linePlot` draws training curves (train/test accuracy per epoch from `history.history`),
 * `scatterPlot` draws 2-D points coloured by class (the `makeCircles` data). Each returns a complete
 * standalone SVG document that a browser opens as it is; `saveSvg` writes one atomically.
 *
 * Layout: the y ticks are chosen first (they depend only on the height), their widest label sets
 * the left margin, then the x ticks are chosen for the remaining width. Ticks are "nice" numbers
 * (1, 2 or 5 times a power of ten). Data get an equal 16-pixel pad inside the frame on every side.
 */
import { writeFileAtomic } from './atomic-write';
import { Tensor, shapeToString } from './tensor';

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

/** Options of `linePlot`: `yMin`/`yMax` fix the y range (values outside it are clipped). */
export interface LinePlotOptions extends PlotOptions {
  yMin?: number;
  yMax?: number;
}

/** Options of `scatterPlot`: `classNames[c]` names class `c` in the legend (default `String(c)`). */
export interface ScatterPlotOptions extends PlotOptions {
  classNames?: string[];
}

/** Named series for `linePlot`: `{ train: [...], test: [...] }` or `[{ name, values }, ...]`. */
export type LineSeries = Record<string, ArrayLike<number>> | Array<{ name: string; values: ArrayLike<number> }>;

const FONT = 'DejaVu Sans, Arial, Helvetica, sans-serif';
const PAD_PX = 16; // space between the data and the frame, on every side
const TICK_PX = 3.5; // length of a tick mark, outside the frame

/** A [low, high] interval of data values. */
type Range = [number, number];

/** One axis: its data interval and the nice tick values inside it, with their labels. */
interface Axis {
  lo: number;
  hi: number;
  ticks: number[];
  labels: string[];
}

/** Where the plot area sits in the document and what its axes show. */
interface Frame {
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
interface Entry {
  name: string;
  color: string;
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

/**
 * A line plot of one or more series against their index (0-based, like matplotlib's
 * `plot(history.history['accuracy'])`), as a standalone SVG document.
 *
 * Each series is one `<path>` in its tab10 colour, named in a legend placed in the corner it
 * covers least. Points sharing a pixel column are reduced to that column's min and max, so 4000
 * epochs stay a small file; NaN or infinite values break the line.
 *
 * @example linePlot({ train: history.history.accuracy, test: history.history.val_accuracy })
 */
export function linePlot(series: LineSeries, options: LinePlotOptions = {}): string {
  const list = seriesList(series);
  let lo = Infinity;
  let hi = -Infinity;
  let n = 0;
  // Range of the finite values over all series.
  for (const { values } of list) {
    n = Math.max(n, values.length);
    for (let i = 0; i < values.length; i++) {
      if (Number.isFinite(values[i])) {
        lo = Math.min(lo, values[i]);
        hi = Math.max(hi, values[i]);
      }
    }
  }
  if (lo > hi) throw new RangeError('linePlot: series has no finite values to plot');
  const { yMin, yMax } = options;
  // Each fixed end of the y range must be a finite number.
  for (const [key, v] of [['yMin', yMin], ['yMax', yMax]] as const) {
    if (v !== undefined && !Number.isFinite(v)) throw new RangeError(`linePlot: options.${key} must be finite, got ${v}`);
  }
  if (yMin !== undefined && yMax !== undefined && !(yMin < yMax)) {
    throw new RangeError(`linePlot: options.yMin (${yMin}) must be below options.yMax (${yMax})`);
  }

  const frame = layout('linePlot', options, [0, n - 1], [yMin ?? lo, yMax ?? hi], true, [yMin !== undefined, yMax !== undefined]);
  const obstacles: number[] = [];
  const paths = list.map(({ values }, s) => {
    const d = seriesPath(values, frame, obstacles);
    return `<path fill="none" stroke="${TAB10[s % 10]}" d="${d}"/>`;
  });
  const { left, top, plotW, plotH } = frame;
  return svgDocument(frame, options, [
    `<clipPath id="plot-clip"><rect x="${fmt(left)}" y="${fmt(top)}" width="${fmt(plotW)}" height="${fmt(plotH)}"/></clipPath>`,
    '<g class="series" clip-path="url(#plot-clip)" stroke-width="1.5" stroke-linejoin="round" stroke-linecap="round">',
    ...paths,
    '</g>',
  ], legend(frame, list.map(({ name }, s) => ({ name, color: TAB10[s % 10] })), obstacles, 'line'));
}

/**
 * A scatter plot of the rows of `X` (shape `[n, 2]`: x then y), one circle per point coloured by
 * its class in `labels` (non-negative integers; class `c` takes `TAB10[c % 10]`), as a standalone
 * SVG document with a legend of the classes. Classes are drawn in increasing order, as the
 * tutorial's `for i in range(2): pyplot.scatter(...)` does.
 */
export function scatterPlot(
  X: Tensor | ArrayLike<ArrayLike<number>>,
  labels: Tensor | ArrayLike<number>,
  options: ScatterPlotOptions = {},
): string {
  const { xs, ys, classes } = scatterData(X, labels);
  const frame = layout('scatterPlot', options, extent(xs), extent(ys), false, [false, false]);
  const present = [...new Set(classes)].sort((a, b) => a - b);
  const obstacles: number[] = [];
  const circles: string[] = [];
  // Points class by class, so later classes are drawn on top.
  for (const c of present) {
    for (let i = 0; i < classes.length; i++) {
      if (classes[i] !== c) continue;
      const px = xPixel(frame, xs[i]);
      const py = yPixel(frame, ys[i]);
      obstacles.push(px, py, px, py);
      circles.push(`<circle cx="${fmt(px)}" cy="${fmt(py)}" r="3.5" fill="${TAB10[c % 10]}"/>`);
    }
  }
  const names = options.classNames ?? [];
  const entries = present.map((c) => ({ name: names[c] ?? String(c), color: TAB10[c % 10] }));
  return svgDocument(frame, options, ['<g class="points">', ...circles, '</g>'], legend(frame, entries, obstacles, 'dot'));
}

/** Writes an SVG document (from `linePlot` or `scatterPlot`) to `path` atomically, creating folders as needed. */
export function saveSvg(path: string, svg: string): void {
  if (typeof svg !== 'string' || !svg.trimEnd().endsWith('</svg>')) {
    throw new TypeError(`saveSvg: svg must be an SVG document string, got ${typeof svg === 'string' ? 'other text' : typeof svg}`);
  }
  writeFileAtomic(path, svg);
}

/** The series as a list of `{ name, values }`, checked. */
function seriesList(series: LineSeries): Array<{ name: string; values: ArrayLike<number> }> {
  if (series === null || typeof series !== 'object') {
    throw new TypeError(`linePlot: series must be an object of named arrays or a list of { name, values }, got ${series}`);
  }
  const list = Array.isArray(series) ? series : Object.entries(series).map(([name, values]) => ({ name, values }));
  if (list.length === 0) throw new RangeError('linePlot: series is empty; give at least one named series');
  // Every series an array-like with at least one value.
  for (const { name, values } of list) {
    if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
      throw new TypeError(`linePlot: series "${name}" must be an array of numbers, got ${values}`);
    }
    if (values.length === 0) throw new RangeError(`linePlot: series "${name}" is empty`);
  }
  return list;
}

/** The x, y and class of each point of a scatter plot, checked. */
function scatterData(X: Tensor | ArrayLike<ArrayLike<number>>, labels: Tensor | ArrayLike<number>) {
  let xs: Float64Array;
  let ys: Float64Array;
  if (X instanceof Tensor) {
    if (X.rank !== 2 || X.shape[1] !== 2) {
      throw new RangeError(`scatterPlot: X must be n x 2 (one x, y pair per row), got shape ${shapeToString(X.shape)}`);
    }
    xs = Float64Array.from({ length: X.shape[0] }, (_, i) => X.data[2 * i]);
    ys = Float64Array.from({ length: X.shape[0] }, (_, i) => X.data[2 * i + 1]);
  } else {
    if (X === null || typeof X !== 'object' || typeof X.length !== 'number') {
      throw new TypeError(`scatterPlot: X must be a Tensor or an array of [x, y] rows, got ${X}`);
    }
    xs = new Float64Array(X.length);
    ys = new Float64Array(X.length);
    // Copy the rows, checking each is a pair.
    for (let i = 0; i < X.length; i++) {
      const row = X[i];
      if (row === null || typeof row !== 'object' || row.length !== 2) {
        throw new RangeError(`scatterPlot: X must be n x 2; X[${i}] has ${row?.length ?? 'no'} values, expected 2`);
      }
      xs[i] = row[0];
      ys[i] = row[1];
    }
  }
  if (xs.length === 0) throw new RangeError('scatterPlot: X has no points');
  const classes = labels instanceof Tensor ? labels.data : labels;
  if (classes === null || typeof classes !== 'object' || classes.length !== xs.length) {
    throw new RangeError(`scatterPlot: X has ${xs.length} rows but labels has ${classes?.length ?? 'no'} values`);
  }
  // Every coordinate finite, every label a class index.
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(xs[i]) || !Number.isFinite(ys[i])) {
      throw new RangeError(`scatterPlot: X[${i}] is (${xs[i]}, ${ys[i]}); coordinates must be finite`);
    }
    if (!Number.isInteger(classes[i]) || classes[i] < 0) {
      throw new RangeError(`scatterPlot: labels[${i}] is ${classes[i]}; labels must be class indices 0, 1, 2, ...`);
    }
  }
  return { xs, ys, classes: Array.from(classes) };
}

/** Smallest and largest of `values` (all finite). */
function extent(values: Float64Array): Range {
  let lo = Infinity;
  let hi = -Infinity;
  // One pass for both ends.
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return [lo, hi];
}

/** A size option, checked, or its default. */
function size(fn: string, key: 'width' | 'height', value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < min) {
    throw new RangeError(`${fn}: options.${key} must be a number of pixels >= ${min}, got ${value}`);
  }
  return value;
}

/**
 * Margins, plot area and axes for data spanning `xData` by `yData`. `xInteger` keeps x ticks on
 * whole numbers (epochs); `yFixed` says which ends of `yData` the user fixed (no padding there).
 */
function layout(fn: string, options: PlotOptions, xData: Range, yData: Range, xInteger: boolean, yFixed: [boolean, boolean]): Frame {
  const width = size(fn, 'width', options.width, 640, 200);
  const height = size(fn, 'height', options.height, 420, 150);
  const top = options.title ? 40 : 16;
  const plotH = height - top - (options.xLabel ? 52 : 30);
  const [ylo, yhi] = padRange(yData, plotH, yFixed);
  const y = makeAxis(ylo, yhi, plotH, 50, 0, false);
  const left = (options.yLabel ? 30 : 10) + Math.max(0, ...y.labels.map((t) => textWidth(t, 12))) + TICK_PX + 5;
  const plotW = width - left - 20;
  const [xlo, xhi] = padRange(xData, plotW, [false, false]);
  const x = makeAxis(xlo, xhi, plotW, 60, xInteger ? 1 : 0, true);
  return { width, height, left, top, plotW, plotH, x, y };
}

/** `range` widened by `PAD_PX` pixels at each end not `fixed`; a flat range is first opened around its value. */
function padRange([lo, hi]: Range, pixels: number, [fixLo, fixHi]: [boolean, boolean]): Range {
  if (!(hi > lo)) {
    const d = Math.abs(fixLo ? lo : hi) * 0.05 || 0.5;
    if (fixLo) hi = lo + 2 * d;
    else if (fixHi) lo = hi - 2 * d;
    else [lo, hi] = [lo - d, hi + d];
  }
  const pad = (PAD_PX * (hi - lo)) / (pixels - 2 * PAD_PX);
  return [fixLo ? lo : lo - pad, fixHi ? hi : hi + pad];
}

/**
 * An axis over [lo, hi] drawn across `pixels`: about one tick per `gap` pixels, fewer if
 * horizontal labels would touch; the step never goes below `minStep`.
 */
function makeAxis(lo: number, hi: number, pixels: number, gap: number, minStep: number, horizontal: boolean): Axis {
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
function xPixel(f: Frame, v: number): number {
  return f.left + ((v - f.x.lo) / (f.x.hi - f.x.lo)) * f.plotW;
}

/** Pixel row of data value `v` on the y axis (rows grow downwards). */
function yPixel(f: Frame, v: number): number {
  return f.top + ((f.y.hi - v) / (f.y.hi - f.y.lo)) * f.plotH;
}

/**
 * The path data of one series: within each pixel column only the min and the max are kept (in
 * their order along x); a non-finite value ends the current subpath. Each drawn segment is also
 * appended to `obstacles` (x1, y1, x2, y2) for the legend placement.
 */
function seriesPath(values: ArrayLike<number>, f: Frame, obstacles: number[]): string {
  const subpaths: string[] = [];
  let points: string[] = [];
  let last: [number, number] | null = null;
  let column = NaN;
  let iMin = -1;
  let iMax = -1;
  const add = (i: number) => {
    const x = xPixel(f, i);
    const y = yPixel(f, values[i]);
    obstacles.push(...(last ?? [x, y]), x, y);
    points.push(`${fmt(x)},${fmt(y)}`);
    last = [x, y];
  };
  const flushColumn = () => {
    if (iMin >= 0) for (const i of iMin === iMax ? [iMin] : [Math.min(iMin, iMax), Math.max(iMin, iMax)]) add(i);
    iMin = iMax = -1;
  };
  const endSubpath = () => {
    flushColumn();
    if (points.length > 0) subpaths.push(`M${points[0]}L${(points.length > 1 ? points.slice(1) : points).join(' ')}`);
    points = [];
    last = null;
    column = NaN;
  };
  // One pass: gather each pixel column's extremes, flushing when the column changes.
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      endSubpath();
      continue;
    }
    const c = Math.round(xPixel(f, i));
    if (c !== column) {
      flushColumn();
      column = c;
      iMin = iMax = i;
    }
    if (v < values[iMin]) iMin = i;
    if (v > values[iMax]) iMax = i;
  }
  endSubpath();
  return subpaths.join('');
}

/**
 * The legend box, at the place in the plot area where it meets the fewest `obstacles` segments
 * (matplotlib's `loc='best'`: upper right, upper left, lower left, lower right, center right,
 * center left, lower center, upper center, center; the first wins a tie).
 */
function legend(f: Frame, entries: Entry[], obstacles: number[], marker: 'line' | 'dot'): string {
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
    const mark =
      marker === 'line'
        ? `<line x1="${fmt(bx + 8)}" y1="${fmt(cy)}" x2="${fmt(bx + 28)}" y2="${fmt(cy)}" stroke="${color}" stroke-width="1.5"/>`
        : `<circle cx="${fmt(bx + 18)}" cy="${fmt(cy)}" r="3.5" fill="${color}"/>`;
    return `${mark}<text x="${fmt(bx + 34)}" y="${fmt(cy + 4)}">${escapeXml(name)}</text>`;
  });
  return [
    '<g class="legend" font-size="12">',
    `<rect x="${fmt(bx)}" y="${fmt(by)}" width="${fmt(w)}" height="${fmt(h)}" rx="3" fill="white" fill-opacity="0.8" stroke="#cccccc"/>`,
    ...rows,
    '</g>',
  ].join('\n');
}

/** The whole document: background, grid, `content`, frame, ticks, labels, title, then `legendSvg` on top. */
function svgDocument(f: Frame, options: PlotOptions, content: string[], legendSvg: string): string {
  const { width, height, left, top, plotW, plotH } = f;
  const [right, bottom] = [left + plotW, top + plotH];
  const xs = f.x.ticks.map((t) => fmt(xPixel(f, t)));
  const ys = f.y.ticks.map((t) => fmt(yPixel(f, t)));
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${fmt(width)}" height="${fmt(height)}" viewBox="0 0 ${fmt(width)} ${fmt(height)}" font-family="${FONT}" font-size="12">`,
    `<rect width="${fmt(width)}" height="${fmt(height)}" fill="white"/>`,
    '<g class="grid" stroke="#e6e6e6" stroke-width="0.8">',
    ...xs.map((x) => `<line x1="${x}" y1="${fmt(top)}" x2="${x}" y2="${fmt(bottom)}"/>`),
    ...ys.map((y) => `<line x1="${fmt(left)}" y1="${y}" x2="${fmt(right)}" y2="${y}"/>`),
    '</g>',
    ...content,
    `<rect class="plot-area" x="${fmt(left)}" y="${fmt(top)}" width="${fmt(plotW)}" height="${fmt(plotH)}" fill="none" stroke="#000000" stroke-width="0.8"/>`,
    '<g class="x-ticks" text-anchor="middle">',
    ...xs.map((x, i) => `<line x1="${x}" y1="${fmt(bottom)}" x2="${x}" y2="${fmt(bottom + TICK_PX)}" stroke="#000000" stroke-width="0.8"/><text x="${x}" y="${fmt(bottom + TICK_PX + 14)}">${f.x.labels[i]}</text>`),
    '</g>',
    '<g class="y-ticks" text-anchor="end">',
    ...ys.map((y, i) => `<line x1="${fmt(left - TICK_PX)}" y1="${y}" x2="${fmt(left)}" y2="${y}" stroke="#000000" stroke-width="0.8"/><text x="${fmt(left - TICK_PX - 3)}" y="${fmt(Number(y) + 4)}">${f.y.labels[i]}</text>`),
    '</g>',
  ];
  if (options.title) out.push(`<text class="title" x="${fmt(left + plotW / 2)}" y="26" font-size="15" text-anchor="middle">${escapeXml(options.title)}</text>`);
  if (options.xLabel) out.push(`<text class="x-label" x="${fmt(left + plotW / 2)}" y="${fmt(height - 12)}" font-size="13" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  if (options.yLabel) {
    const [x, y] = [fmt(16), fmt(top + plotH / 2)];
    out.push(`<text class="y-label" x="${x}" y="${y}" transform="rotate(-90 ${x} ${y})" font-size="13" text-anchor="middle">${escapeXml(options.yLabel)}</text>`);
  }
  out.push(legendSvg, '</svg>');
  return out.join('\n') + '\n';
}

/** Estimated width in pixels of `text` at `fontSize` (0.6 em a character: generous for digits and most words). */
function textWidth(text: string, fontSize: number): number {
  return text.length * fontSize * 0.6;
}

/** A coordinate with at most 2 decimals and no trailing zeros ("12.5", "-3", never "-0"). */
function fmt(v: number): string {
  const r = Math.round(v * 100) / 100;
  return String(r === 0 ? 0 : r);
}
