/**
 * SVG plots with no dependency: the figures of the dropout tutorial and its extensions.
 *
 * `linePlot` draws training curves (train/test accuracy per epoch from `history.history`),
 * `scatterPlot` draws 2-D points coloured by class (the `makeCircles` data), `boxPlot` the scores
 * of repeated evaluations, `errorBarPlot` mean and spread against a swept value (dropout rate),
 * `heatMap` a value over the plane (Monte Carlo dropout's predictive spread). Each returns a
 * complete standalone SVG document that a browser opens as it is; `saveSvg` writes one atomically.
 * Axes, ticks, legend and escaping are shared (`plot-axes.ts`).
 */
import { checkOptions, moreOptionKeys } from './options';
import { writeFileAtomic } from './io/atomic-write';
import { NamedArrays, PlotOptions, PLOT_KEYS, TAB10, checkLimits, extent, fmt, layout, legend, namedList, plotClip, pointData, svgDocument, xPixel, yPixel, type Frame } from './plot-axes';
import { Tensor } from './tensor';

export { TAB10, escapeXml } from './plot-axes';
export type { PlotOptions } from './plot-axes';
export { boxPlot, quartiles, type BoxPlotOptions, type BoxStats, type BoxGroups } from './plot-box';
export { errorBarPlot, type ErrorBarOptions, type ErrorBarSeries } from './plot-errorbar';
export { heatMap, viridis, VIRIDIS, type HeatMapGrid, type HeatMapOptions } from './plot-heatmap';

/** Options of `linePlot`: `yMin`/`yMax` fix the y range (values outside it are clipped). */
export interface LinePlotOptions extends PlotOptions {
  yMin?: number;
  yMax?: number;
}

/** Options of `scatterPlot`: `classNames[c]` names class `c` in the legend (default `String(c)`). */
export interface ScatterPlotOptions extends PlotOptions {
  classNames?: string[];
}

const LINE_KEYS = moreOptionKeys<LinePlotOptions, PlotOptions>(PLOT_KEYS, { yMin: true, yMax: true });
const SCATTER_KEYS = moreOptionKeys<ScatterPlotOptions, PlotOptions>(PLOT_KEYS, { classNames: true });

/** Named series for `linePlot`: `{ train: [...], test: [...] }` or `[{ name, values }, ...]`. */
export type LineSeries = NamedArrays;

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
  checkOptions('linePlot', options, LINE_KEYS);
  const list = namedList('linePlot', 'series', 'series', series);
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
  const [yMin, yMax] = checkLimits('linePlot', options, 'yMin', 'yMax');
  const frame = layout('linePlot', options, { x: [0, n - 1], y: [yMin ?? lo, yMax ?? hi], xInteger: true, yFixed: [yMin !== undefined, yMax !== undefined] });
  const obstacles: number[] = [];
  const paths = list.map(({ values }, s) => {
    const d = seriesPath(values, frame, obstacles);
    return `<path fill="none" stroke="${TAB10[s % 10]}" d="${d}"/>`;
  });
  return svgDocument(frame, options, [
    plotClip(frame),
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
  checkOptions('scatterPlot', options, SCATTER_KEYS);
  const { xs, ys, classes } = pointData('scatterPlot', X, labels);
  const frame = layout('scatterPlot', options, { x: extent(xs), y: extent(ys) });
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

/** Writes an SVG document (from any plot here) to `path` atomically, creating folders as needed. */
export function saveSvg(path: string, svg: string): void {
  if (typeof svg !== 'string' || !svg.trimEnd().endsWith('</svg>')) {
    throw new TypeError(`saveSvg: svg must be an SVG document string, got ${typeof svg === 'string' ? 'other text' : typeof svg}`);
  }
  writeFileAtomic(path, svg);
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
