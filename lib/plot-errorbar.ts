/**
 * Error-bar plots: a mean and its spread against a swept value, such as test accuracy against the
 * dropout rate of a grid search (mean +- standard deviation over repeats), one line per series.
 */
import { describe } from './tensor';
import { checkOptions, moreOptionKeys } from './options';
import { PlotOptions, PLOT_KEYS, TAB10, checkLimits, extent, fmt, layout, legend, plotClip, svgDocument, xPixel, yPixel } from './plot-axes';

/** One series of `errorBarPlot`: at each x a `mean` and a non-negative half-length `error`. */
export interface ErrorBarSeries {
  name: string;
  mean: ArrayLike<number>;
  error: ArrayLike<number>;
}

/** Options of `errorBarPlot`: `yMin`/`yMax` fix the y range (marks outside it are clipped). */
export interface ErrorBarOptions extends PlotOptions {
  yMin?: number;
  yMax?: number;
}

const CAP_PX = 4; // half-width of an error-bar cap

/**
 * Each series as a line through its means (in the order of `x`, one value per x) with a dot at
 * each, and a vertical bar from mean - error to mean + error with small caps, in the series' tab10
 * colour (matplotlib's `errorbar(x, mean, yerr=error, marker='o', capsize=3)`), as a standalone
 * SVG document with nice ticks on both axes and a legend of the series.
 *
 * @example errorBarPlot(rates, [{ name: 'test', mean: means, error: stds }], { xLabel: 'dropout rate', yLabel: 'accuracy' })
 */
export function errorBarPlot(x: ArrayLike<number>, series: ErrorBarSeries[], options: ErrorBarOptions = {}): string {
  checkOptions('errorBarPlot', options, moreOptionKeys<ErrorBarOptions, PlotOptions>(PLOT_KEYS, { yMin: true, yMax: true }));
  const n = checkX(x);
  if (!Array.isArray(series) || series.length === 0) {
    throw new RangeError(`errorBarPlot: series must be a non-empty list of { name, mean, error }, got ${Array.isArray(series) ? 'an empty list' : series}`);
  }
  let lo = Infinity;
  let hi = -Infinity;
  // Check every series against x and gather the y range of its bars.
  for (const s of series) {
    const { name, mean, error } = s ?? {};
    for (const [key, values] of [['mean', mean], ['error', error]] as const) {
      if (values === null || typeof values !== 'object' || values.length !== n) {
        throw new RangeError(`errorBarPlot: series "${name}" ${key} has ${values?.length ?? 'no'} values but x has ${n}`);
      }
    }
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(mean[i])) throw new RangeError(`errorBarPlot: series "${name}" mean[${i}] is ${mean[i]}; means must be finite`);
      if (!Number.isFinite(error[i]) || error[i] < 0) {
        throw new RangeError(`errorBarPlot: series "${name}" error[${i}] is ${error[i]}; errors must be finite and non-negative`);
      }
      lo = Math.min(lo, mean[i] - error[i]);
      hi = Math.max(hi, mean[i] + error[i]);
    }
  }
  const [yMin, yMax] = checkLimits('errorBarPlot', options, 'yMin', 'yMax');
  const frame = layout('errorBarPlot', options, { x: extent(x), y: [yMin ?? lo, yMax ?? hi], yFixed: [yMin !== undefined, yMax !== undefined] });
  const [bars, caps, lines, markers]: string[][] = [[], [], [], []];
  const obstacles: number[] = [];
  // Per series, per x: the bar and its caps, the line segment from the previous mean, the dot.
  series.forEach(({ mean, error }, s) => {
    const color = TAB10[s % 10];
    const points: string[] = [];
    for (let i = 0; i < n; i++) {
      const px = xPixel(frame, x[i]);
      const [py, top, bottom] = [mean[i], mean[i] + error[i], mean[i] - error[i]].map((v) => yPixel(frame, v));
      bars.push(`<line x1="${fmt(px)}" y1="${fmt(top)}" x2="${fmt(px)}" y2="${fmt(bottom)}" stroke="${color}"/>`);
      for (const y of [top, bottom]) caps.push(`<line x1="${fmt(px - CAP_PX)}" y1="${fmt(y)}" x2="${fmt(px + CAP_PX)}" y2="${fmt(y)}" stroke="${color}"/>`);
      markers.push(`<circle cx="${fmt(px)}" cy="${fmt(py)}" r="3.5" fill="${color}"/>`);
      if (i > 0) obstacles.push(xPixel(frame, x[i - 1]), yPixel(frame, mean[i - 1]), px, py);
      obstacles.push(px - CAP_PX, top, px + CAP_PX, bottom);
      points.push(`${fmt(px)},${fmt(py)}`);
    }
    lines.push(`<path fill="none" stroke="${color}" d="M${points[0]}L${(n > 1 ? points.slice(1) : points).join(' ')}"/>`);
  });
  const entries = series.map(({ name }, s) => ({ name: String(name), color: TAB10[s % 10] }));
  return svgDocument(frame, options, [
    plotClip(frame),
    '<g class="error-plot" clip-path="url(#plot-clip)">',
    '<g class="error-bars" stroke-width="1.2">', ...bars, '</g>',
    '<g class="caps" stroke-width="1.2">', ...caps, '</g>',
    '<g class="series" stroke-width="1.5" stroke-linejoin="round">', ...lines, '</g>',
    '<g class="markers">', ...markers, '</g>',
    '</g>',
  ], legend(frame, entries, obstacles, 'linedot'));
}

/** The number of x values, checked: at least one, all finite. */
function checkX(x: ArrayLike<number>): number {
  if (x === null || typeof x !== 'object' || typeof x.length !== 'number') {
    throw new TypeError(`errorBarPlot: x must be an array of numbers, got ${describe(x)}`);
  }
  if (x.length === 0) throw new RangeError('errorBarPlot: x is empty');
  // Every x finite.
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) throw new RangeError(`errorBarPlot: x[${i}] is ${x[i]}; x values must be finite`);
  }
  return x.length;
}
