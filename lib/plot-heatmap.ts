/**
 * Heat maps of a value over a rectangle of the plane, such as the predictive standard deviation of
 * Monte Carlo dropout on a grid around the circles data (matplotlib's `contourf` with
 * `origin='lower'` and a colorbar), with the data points drawn on top.
 */
import { checkOptions, moreOptionKeys, optionKeys } from './options';
import { PlotOptions, PLOT_KEYS, TAB10, TICK_PX, checkLimits, fmt, layout, legend, makeAxis, openRange, plotClip, pointData, svgDocument, textWidth, xPixel, yPixel, escapeXml, type Frame } from './plot-axes';
import { Tensor, describe } from './tensor';

/** matplotlib's viridis colormap sampled at 16 evenly spaced stops (entries 0, 17, ..., 255 of its 256). */
export const VIRIDIS: readonly string[] = [
  '#440154', '#481a6c', '#472f7d', '#414487', '#39568c', '#31688e', '#2a788e', '#23888e',
  '#1f988b', '#22a884', '#35b779', '#54c568', '#7ad151', '#a5db36', '#d2e21b', '#fde725',
];

/** The grid of `heatMap`: `rows` x `cols` equal cells covering [xMin, xMax] x [yMin, yMax]; row 0 is at yMin. */
export interface HeatMapGrid {
  rows: number;
  cols: number;
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

const GRID_KEYS = optionKeys<HeatMapGrid>({ rows: true, cols: true, xMin: true, xMax: true, yMin: true, yMax: true });

/** Options of `heatMap`. */
export interface HeatMapOptions extends PlotOptions {
  /** Points drawn over the cells, coloured by class (tab10) with a dark outline, with a legend of the classes. */
  points?: { X: Tensor | ArrayLike<ArrayLike<number>>; labels: Tensor | ArrayLike<number>; classNames?: string[] };
  /** Text beside the colorbar, rotated. */
  colorbarLabel?: string;
  /** Value at the dark end of the colormap (default the smallest value); smaller values take that colour. */
  vMin?: number;
  /** Value at the bright end of the colormap (default the largest value); larger values take that colour. */
  vMax?: number;
}

const BAR_GAP = 12; // pixels between the plot area and the colorbar
const BAR_W = 14; // width of the colorbar

/** The viridis colour at `t` in [0, 1] (clipped), interpolated linearly between the `VIRIDIS` stops, as `#rrggbb`. */
export function viridis(t: number): string {
  const s = Math.min(1, Math.max(0, Number.isNaN(t) ? 0 : t)) * (VIRIDIS.length - 1);
  const k = Math.min(VIRIDIS.length - 2, Math.floor(s));
  const f = s - k;
  const [a, b] = [VIRIDIS[k], VIRIDIS[k + 1]];
  let hex = '#';
  // Each channel: parse both stops, interpolate, print two hex digits.
  for (let c = 1; c < 7; c += 2) {
    const [u, v] = [parseInt(a.slice(c, c + 2), 16), parseInt(b.slice(c, c + 2), 16)];
    hex += Math.round(u + f * (v - u)).toString(16).padStart(2, '0');
  }
  return hex;
}

/**
 * A heat map of `values` (row-major `[rows, cols]`, finite; a Tensor's data is read in order) over
 * the rectangle of `grid`, as a standalone SVG document. Row 0 is the bottom row (y = yMin), column
 * 0 the left one (x = xMin), as with matplotlib's `origin='lower'`. Values are mapped linearly from
 * [vMin, vMax] onto viridis in 256 levels (matplotlib's lookup table), shown by a colorbar with nice
 * ticks on the right; equal neighbours in a row merge into one `<rect>`, so a 100 x 100 grid stays
 * a few hundred KB. A constant field takes the middle colour. `options.points` overlays data points.
 *
 * @example heatMap(std, { rows: 100, cols: 100, xMin: -1.5, xMax: 1.5, yMin: -1.5, yMax: 1.5 }, { points: { X, labels: y }, colorbarLabel: 'predictive std' })
 */
export function heatMap(values: Tensor | ArrayLike<number>, grid: HeatMapGrid, options: HeatMapOptions = {}): string {
  checkOptions('heatMap', options, moreOptionKeys<HeatMapOptions, PlotOptions>(PLOT_KEYS, { points: true, colorbarLabel: true, vMin: true, vMax: true }));
  if (typeof grid === 'object' && grid !== null) checkOptions('heatMap: grid', grid, GRID_KEYS);
  const { rows, cols, xMin, xMax, yMin, yMax } = checkGrid(grid);
  const data = values instanceof Tensor ? values.data : values;
  if (data === null || typeof data !== 'object' || typeof data.length !== 'number') {
    throw new TypeError(`heatMap: values must be an array of numbers or a Tensor, got ${describe(values)}`);
  }
  if (data.length !== rows * cols) {
    throw new RangeError(`heatMap: values has ${data.length} values but grid is ${rows} x ${cols} (${rows * cols} cells)`);
  }
  let lo = Infinity;
  let hi = -Infinity;
  // Every value finite; the range of the values.
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new RangeError(`heatMap: values[${i}] (row ${Math.floor(i / cols)}, column ${i % cols}) is ${v}; values must be finite`);
    }
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const [vMin, vMax] = checkLimits('heatMap', options, 'vMin', 'vMax');
  let [vlo, vhi] = [vMin ?? lo, vMax ?? hi];
  if (!(vhi > vlo)) [vlo, vhi] = openRange(vlo, vhi, vMin !== undefined, vMax !== undefined);
  const points = options.points === undefined ? undefined : pointData('heatMap', options.points.X, options.points.labels, 'options.points.');

  const barAxis = (plotH: number) => makeAxis(vlo, vhi, plotH, 50, 0, false);
  const frame = layout('heatMap', options, {
    x: [xMin, xMax],
    y: [yMin, yMax],
    xFixed: [true, true],
    yFixed: [true, true],
    right: (plotH) => BAR_GAP + BAR_W + TICK_PX + 3 + Math.max(0, ...barAxis(plotH).labels.map((t) => textWidth(t, 12))) + (options.colorbarLabel ? 26 : 0) + 8,
  });
  const lut: string[] = Array.from({ length: 256 }, (_, k) => viridis(k / 255));
  const level = (v: number) => Math.min(255, Math.max(0, Math.floor(((v - vlo) / (vhi - vlo)) * 256)));
  const cells: string[] = [];
  // Row by row, a run of equal colours at a time: one rect per run, in cell units.
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; ) {
      const color = lut[level(data[r * cols + c])];
      let run = 1;
      while (c + run < cols && lut[level(data[r * cols + c + run])] === color) run++;
      cells.push(`<rect x="${c}" y="${r}" width="${run}" height="1" fill="${color}"/>`);
      c += run;
    }
  }
  const { left, top, plotW, plotH } = frame;
  const num = (v: number) => String(Number(v.toFixed(5)));
  const content = [
    `<g class="cells" transform="matrix(${num(plotW / cols)} 0 0 ${num(-plotH / rows)} ${num(left)} ${num(top + plotH)})" shape-rendering="crispEdges">`,
    ...cells,
    '</g>',
  ];
  let overlay = colorbar(frame, barAxis(plotH), options.colorbarLabel);
  if (points) {
    const { xs, ys, classes } = points;
    const present = [...new Set(classes)].sort((a, b) => a - b);
    const obstacles: number[] = [];
    content.push(plotClip(frame), '<g class="points" clip-path="url(#plot-clip)" stroke="#222222" stroke-width="0.8">');
    // Points class by class, so later classes are drawn on top.
    for (const k of present) {
      for (let i = 0; i < classes.length; i++) {
        if (classes[i] !== k) continue;
        const [px, py] = [xPixel(frame, xs[i]), yPixel(frame, ys[i])];
        obstacles.push(px, py, px, py);
        content.push(`<circle cx="${fmt(px)}" cy="${fmt(py)}" r="3.5" fill="${TAB10[k % 10]}"/>`);
      }
    }
    content.push('</g>');
    const names = options.points?.classNames ?? [];
    overlay += '\n' + legend(frame, present.map((k) => ({ name: names[k] ?? String(k), color: TAB10[k % 10] })), obstacles, 'dot');
  }
  return svgDocument(frame, options, content, overlay);
}

/** The grid, checked: whole positive `rows` and `cols`, finite bounds with min below max. */
function checkGrid(grid: HeatMapGrid): HeatMapGrid {
  if (grid === null || typeof grid !== 'object') throw new TypeError(`heatMap: grid must be { rows, cols, xMin, xMax, yMin, yMax }, got ${describe(grid)}`);
  // Sizes are whole and positive.
  for (const key of ['rows', 'cols'] as const) {
    if (!Number.isInteger(grid[key]) || grid[key] < 1) throw new RangeError(`heatMap: grid.${key} must be a positive integer, got ${grid[key]}`);
  }
  // Bounds are finite and ordered.
  for (const [a, b] of [['xMin', 'xMax'], ['yMin', 'yMax']] as const) {
    for (const key of [a, b]) {
      if (typeof grid[key] !== 'number' || !Number.isFinite(grid[key])) throw new RangeError(`heatMap: grid.${key} must be finite, got ${grid[key]}`);
    }
    if (!(grid[a] < grid[b])) throw new RangeError(`heatMap: grid.${a} (${grid[a]}) must be below grid.${b} (${grid[b]})`);
  }
  return grid;
}

/** The colorbar right of the plot area: a viridis gradient from `axis.lo` (bottom) to `axis.hi`, its ticks and label. */
function colorbar(f: Frame, axis: ReturnType<typeof makeAxis>, label: string | undefined): string {
  const x = f.left + f.plotW + BAR_GAP;
  const y = (v: number) => f.top + ((axis.hi - v) / (axis.hi - axis.lo)) * f.plotH;
  const stops = VIRIDIS.map((c, k) => `<stop offset="${fmt(k / (VIRIDIS.length - 1))}" stop-color="${c}"/>`);
  const ticks = axis.ticks.map((t, i) => {
    const ty = fmt(y(t));
    return `<line x1="${fmt(x + BAR_W)}" y1="${ty}" x2="${fmt(x + BAR_W + TICK_PX)}" y2="${ty}" stroke="#000000" stroke-width="0.8"/><text x="${fmt(x + BAR_W + TICK_PX + 3)}" y="${fmt(y(t) + 4)}">${escapeXml(axis.labels[i])}</text>`;
  });
  const out = [
    '<g class="colorbar">',
    `<defs><linearGradient id="colorbar-gradient" x1="0" y1="1" x2="0" y2="0">${stops.join('')}</linearGradient></defs>`,
    `<rect x="${fmt(x)}" y="${fmt(f.top)}" width="${BAR_W}" height="${fmt(f.plotH)}" fill="url(#colorbar-gradient)" stroke="#000000" stroke-width="0.8"/>`,
    ...ticks,
  ];
  if (label) {
    const lx = fmt(x + BAR_W + TICK_PX + 3 + Math.max(0, ...axis.labels.map((t) => textWidth(t, 12))) + 16);
    const ly = fmt(f.top + f.plotH / 2);
    out.push(`<text class="colorbar-label" x="${lx}" y="${ly}" transform="rotate(-90 ${lx} ${ly})" font-size="13" text-anchor="middle">${escapeXml(label)}</text>`);
  }
  out.push('</g>');
  return out.join('\n');
}
