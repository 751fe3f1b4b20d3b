/**
 * Box plots of repeated evaluations: the tutorial's `pyplot.boxplot(scores, showmeans=True)`, one
 * box per group (per configuration), with matplotlib's default statistics (`quartiles`).
 */
import { describe } from './tensor';
import { checkOptions, moreOptionKeys } from './options';
import { NamedArrays, PlotOptions, PLOT_KEYS, checkLimits, fmt, layout, namedList, plotClip, svgDocument, xPixel, yPixel } from './plot-axes';

/** The numbers a box shows (matplotlib's `cbook.boxplot_stats` with `whis=1.5`). */
export interface BoxStats {
  /** First quartile: numpy's 25th percentile, linear interpolation. */
  q1: number;
  /** Median (50th percentile). */
  median: number;
  /** Third quartile (75th percentile). */
  q3: number;
  /** End of the lower whisker: the smallest value >= q1 - 1.5 IQR (q1 if there is none below q1). */
  lowWhisker: number;
  /** End of the upper whisker: the largest value <= q3 + 1.5 IQR (q3 if there is none above q3). */
  highWhisker: number;
  /** Values beyond the whiskers, in the order they come in the input. */
  outliers: number[];
  /** Arithmetic mean (the green triangle). */
  mean: number;
}

/** Groups for `boxPlot`: `{ 'rate 0.2': scores, ... }` or `[{ name, values }, ...]`. */
export type BoxGroups = NamedArrays;

/** Options of `boxPlot`: `yMin`/`yMax` fix the y range (marks outside it are clipped). */
export interface BoxPlotOptions extends PlotOptions {
  yMin?: number;
  yMax?: number;
}

const MEDIAN_COLOR = '#ff7f0e'; // matplotlib's default median line (C1)
const MEAN_COLOR = '#2ca02c'; // matplotlib's default mean marker (C2 green triangle)

/**
 * The box statistics of `values` (finite numbers, at least one), as matplotlib's `boxplot` computes
 * them: quartiles by numpy's default linear interpolation (`np.percentile(x, [25, 50, 75])`),
 * whiskers to the furthest values within 1.5 IQR of the box, everything beyond them an outlier.
 *
 * @example quartiles([1, 2, 3, 4]) // { q1: 1.75, median: 2.5, q3: 3.25, lowWhisker: 1, highWhisker: 4, outliers: [], mean: 2.5 }
 */
export function quartiles(values: ArrayLike<number>): BoxStats {
  return boxStats('quartiles', 'values', values);
}

/**
 * A box plot of each group's values, as a standalone SVG document: groups left to right at
 * x = 1, 2, ... (matplotlib's positions and default box widths), named under the axis (names that
 * do not fit are shrunk, then turned 45 degrees). Each box spans q1 to q3 with an orange median
 * line, whiskers with caps reach the furthest values within 1.5 IQR, open circles mark the outliers
 * and a green triangle the mean (`showmeans=True`). See `quartiles` for the numbers.
 *
 * @example boxPlot({ '0.0': scores0, '0.2': scores2, '0.4': scores4 }, { xLabel: 'dropout rate', yLabel: 'test accuracy' })
 */
export function boxPlot(groups: BoxGroups, options: BoxPlotOptions = {}): string {
  checkOptions('boxPlot', options, moreOptionKeys<BoxPlotOptions, PlotOptions>(PLOT_KEYS, { yMin: true, yMax: true }));
  const list = namedList('boxPlot', 'groups', 'group', groups);
  const stats = list.map(({ name, values }) => boxStats('boxPlot', `group "${name}"`, values));
  const [yMin, yMax] = checkLimits('boxPlot', options, 'yMin', 'yMax');
  const lo = Math.min(...stats.map((s) => Math.min(s.lowWhisker, ...s.outliers)));
  const hi = Math.max(...stats.map((s) => Math.max(s.highWhisker, ...s.outliers)));
  const n = list.length;
  const frame = layout('boxPlot', options, {
    x: [0.5, n + 0.5],
    y: [yMin ?? lo, yMax ?? hi],
    xCategories: list.map(({ name }) => String(name)),
    yFixed: [yMin !== undefined, yMax !== undefined],
  });
  const width = Math.min(0.5, Math.max(0.15, 0.15 * (n - 1))); // matplotlib: clip(0.15 * ptp(positions), 0.15, 0.5)
  const [boxes, medians, whiskers, caps, outliers, means]: string[][] = [[], [], [], [], [], []];
  const hline = (x1: number, x2: number, y: number) => `<line x1="${fmt(x1)}" y1="${fmt(y)}" x2="${fmt(x2)}" y2="${fmt(y)}"/>`;
  const vline = (x: number, y1: number, y2: number) => `<line x1="${fmt(x)}" y1="${fmt(y1)}" x2="${fmt(x)}" y2="${fmt(y2)}"/>`;
  // One box per group: pixel edges from the data, then each mark.
  stats.forEach((s, g) => {
    const [left, mid, right] = [xPixel(frame, g + 1 - width / 2), xPixel(frame, g + 1), xPixel(frame, g + 1 + width / 2)];
    const [capL, capR] = [xPixel(frame, g + 1 - width / 4), xPixel(frame, g + 1 + width / 4)];
    const [yq1, yq3, ylo, yhi] = [s.q1, s.q3, s.lowWhisker, s.highWhisker].map((v) => yPixel(frame, v));
    boxes.push(`<rect x="${fmt(left)}" y="${fmt(yq3)}" width="${fmt(right - left)}" height="${fmt(yq1 - yq3)}"/>`);
    medians.push(hline(left, right, yPixel(frame, s.median)));
    whiskers.push(vline(mid, yq1, ylo), vline(mid, yq3, yhi));
    caps.push(hline(capL, capR, ylo), hline(capL, capR, yhi));
    for (const v of s.outliers) outliers.push(`<circle cx="${fmt(mid)}" cy="${fmt(yPixel(frame, v))}" r="3.5"/>`);
    const ym = yPixel(frame, s.mean);
    means.push(`<path d="M${fmt(mid)},${fmt(ym - 4)}L${fmt(mid + 4)},${fmt(ym + 4)} ${fmt(mid - 4)},${fmt(ym + 4)}Z"/>`);
  });
  return svgDocument(frame, options, [
    plotClip(frame),
    '<g class="box-plot" clip-path="url(#plot-clip)">',
    '<g class="whiskers" stroke="#000000" stroke-width="1">', ...whiskers, '</g>',
    '<g class="caps" stroke="#000000" stroke-width="1">', ...caps, '</g>',
    '<g class="boxes" fill="none" stroke="#000000" stroke-width="1">', ...boxes, '</g>',
    `<g class="medians" stroke="${MEDIAN_COLOR}" stroke-width="1.5">`, ...medians, '</g>',
    '<g class="outliers" fill="none" stroke="#000000" stroke-width="1">', ...outliers, '</g>',
    `<g class="means" fill="${MEAN_COLOR}">`, ...means, '</g>',
    '</g>',
  ], '');
}

/** The box statistics of `values`, checked; errors start with `fn:` and call the input `what`. */
function boxStats(fn: string, what: string, values: ArrayLike<number>): BoxStats {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw new TypeError(`${fn}: ${what} must be an array of numbers, got ${describe(values)}`);
  }
  const n = values.length;
  if (n === 0) throw new RangeError(`${fn}: ${what} is empty`);
  const sorted = new Float64Array(n);
  let sum = 0;
  // Copy and sum, checking every value is finite.
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`${fn}: ${what} has ${v} at index ${i}; values must be finite numbers`);
    sorted[i] = v;
    sum += v;
  }
  sorted.sort();
  const [q1, median, q3] = [0.25, 0.5, 0.75].map((q) => percentile(sorted, q));
  const iqr = q3 - q1;
  const [loLimit, hiLimit] = [q1 - 1.5 * iqr, q3 + 1.5 * iqr];
  let lowWhisker = q1;
  let highWhisker = q3;
  // Lower whisker: the first sorted value inside the low limit, if it is not above q1.
  for (let i = 0; i < n; i++) {
    if (sorted[i] >= loLimit) {
      if (sorted[i] <= q1) lowWhisker = sorted[i];
      break;
    }
  }
  // Upper whisker: the last sorted value inside the high limit, if it is not below q3.
  for (let i = n - 1; i >= 0; i--) {
    if (sorted[i] <= hiLimit) {
      if (sorted[i] >= q3) highWhisker = sorted[i];
      break;
    }
  }
  const outliers = Array.from(values).filter((v) => v < lowWhisker || v > highWhisker);
  return { q1, median, q3, lowWhisker, highWhisker, outliers, mean: sum / n };
}

/**
 * The `q` quantile of `sorted` by linear interpolation between the two nearest ranks (numpy's
 * default method), with numpy's two-sided lerp so results match it to the last bit.
 */
function percentile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const i = Math.floor(h);
  const t = h - i;
  const a = sorted[i];
  const b = sorted[Math.min(i + 1, sorted.length - 1)];
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}
