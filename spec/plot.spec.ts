import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeFileAtomic } from '../lib/io/atomic-write';
import { boxPlot, errorBarPlot, escapeXml, heatMap, linePlot, quartiles, saveSvg, scatterPlot, TAB10, viridis, VIRIDIS } from '../lib/plot';
import { Tensor } from '../lib/tensor';

/** Throws unless `svg` is a single `<svg>` element with balanced tags, quoted attributes and escaped text. */
function checkWellFormed(svg: string): void {
  const doc = svg.trim();
  expect(doc.startsWith('<svg') || doc.startsWith('<?xml')).toBe(true);
  expect(doc.endsWith('</svg>')).toBe(true);
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let end = doc.startsWith('<?xml') ? doc.indexOf('?>') + 2 : 0;
  // Walk the tags in order: text between them must be escaped, closers must match openers.
  for (let m = tag.exec(doc); m !== null; m = tag.exec(doc)) {
    const text = doc.slice(end, m.index);
    expect(text).not.toMatch(/[<>]|&(?!(amp|lt|gt|quot|apos|#\d+);)/);
    const [, closing, name, , selfClosing] = m;
    if (closing) expect(stack.pop()).toBe(name);
    else if (!selfClosing) stack.push(name);
    if (stack.length === 0) expect(doc.slice(m.index + m[0].length).trim()).toBe(''); // one root only
    end = m.index + m[0].length;
  }
  expect(stack).toEqual([]);
  expect(end).toBe(doc.length); // every '<' was part of a recognised tag
}

/** The text of the first `<g class="name">` group. */
function group(svg: string, name: string): string {
  const start = svg.indexOf(`<g class="${name}"`);
  expect(start).toBeGreaterThanOrEqual(0);
  return svg.slice(start, svg.indexOf('</g>', start));
}

/** Every value of attribute `attr` on `element` tags in `svg`. */
function attrs(svg: string, element: string, attr: string): string[] {
  const re = new RegExp(`<${element}\\b[^>]*?\\s${attr}="([^"]*)"`, 'g');
  return [...svg.matchAll(re)].map((m) => m[1]);
}

/** The texts of `<text>` elements in `svg`. */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

/** The subpaths of a path `d` (M x,y L x,y x,y ...) as lists of [x, y]. */
function subpaths(d: string): Array<Array<[number, number]>> {
  return d
    .split('M')
    .filter((s) => s !== '')
    .map((s) => s.replace('L', ' ').trim().split(/\s+/).map((p) => p.split(',').map(Number) as [number, number]));
}

/** The plot area rectangle. */
function plotArea(svg: string): { x: number; y: number; w: number; h: number } {
  const m = svg.match(/<rect class="plot-area" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/);
  expect(m).not.toBeNull();
  const [x, y, w, h] = m!.slice(1).map(Number);
  return { x, y, w, h };
}

/** Checks tick labels are evenly spaced multiples of a 1-2-5 step, printed with exactly the decimals the step needs. */
function expectNiceTicks(labels: string[]): void {
  expect(labels.length).toBeGreaterThanOrEqual(2);
  const values = labels.map(Number);
  const step = values[1] - values[0];
  const exp = Math.floor(Math.log10(step) + 1e-9);
  const mantissa = Math.round((step / 10 ** exp) * 1e6) / 1e6;
  expect([1, 2, 5]).toContain(mantissa);
  // Constant step, and no float noise such as 0.30000000000000004.
  for (let i = 0; i < labels.length; i++) {
    expect(values[i]).toBeCloseTo(values[0] + i * step, 9);
    expect(labels[i]).toBe(values[i].toFixed(Math.max(0, -exp)));
    expect(Math.abs(values[i] / step - Math.round(values[i] / step))).toBeLessThan(1e-6);
  }
}

/** A noisy curve of `n` points with a known global min and max. */
function curve(n: number, phase: number): number[] {
  return Array.from({ length: n }, (_, i) => 0.5 + 0.3 * Math.sin(i / 50 + phase) + 0.05 * Math.sin(i * 1.7));
}

describe('linePlot', () => {
  const history = { accuracy: [0.5, 0.62, 0.71, 0.8, 0.84, 0.86], val_accuracy: [0.48, 0.6, 0.66, 0.7, 0.69, 0.7] };

  it('draws a well-formed standalone document with one path and one legend entry per series', () => {
    const svg = linePlot(history, { title: 'Accuracy', xLabel: 'epoch', yLabel: 'accuracy' });
    checkWellFormed(svg);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svg).toMatch(/viewBox="0 0 640 420"/);
    expect(svg).toMatch(/<rect width="640" height="420" fill="white"\/>/);
    const paths = group(svg, 'series');
    expect(attrs(paths, 'path', 'stroke')).toEqual([TAB10[0], TAB10[1]]);
    expect(texts(group(svg, 'legend'))).toEqual(['accuracy', 'val_accuracy']);
    expect(texts(svg)).toEqual(expect.arrayContaining(['Accuracy', 'epoch']));
  });

  it('accepts a list of { name, values } and typed arrays, and uses 0-based epochs', () => {
    const svg = linePlot([{ name: 'loss', values: Float32Array.from([3, 2, 1.5, 1.2, 1.1]) }], { width: 500, height: 300 });
    checkWellFormed(svg);
    expect(svg).toMatch(/viewBox="0 0 500 300"/);
    expect(texts(group(svg, 'x-ticks'))[0]).toBe('0');
    expect(texts(group(svg, 'x-ticks'))).toEqual(['0', '1', '2', '3', '4']); // whole epochs only
    expect(texts(group(svg, 'legend'))).toEqual(['loss']);
  });

  it('prints nice tick labels on both axes', () => {
    const cases: Array<[Record<string, number[]>, object]> = [
      [history, {}],
      [{ a: [0.3, 0.30001, 0.30002] }, {}],
      [{ a: [-1234, 56789, 100000] }, {}],
      [{ loss: Array.from({ length: 4000 }, (_, i) => 0.7 * Math.exp(-i / 800)) }, {}],
      [{ a: [1, 2] }, { yMin: 0, yMax: 1 }],
    ];
    for (const [series, options] of cases) {
      const svg = linePlot(series, options);
      expectNiceTicks(texts(group(svg, 'x-ticks')));
      expectNiceTicks(texts(group(svg, 'y-ticks')));
    }
    expect(texts(group(linePlot(history, { yMin: 0, yMax: 1 }), 'y-ticks'))).toEqual(['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']);
  });

  it('keeps 2 x 4000 points under 200 KB and each series min and max on the right pixel rows', () => {
    const series = { train: curve(4000, 0), test: curve(4000, 1) };
    const check = (svg: string, yMin: number, yMax: number) => {
      checkWellFormed(svg);
      expect(svg.length).toBeLessThan(200_000);
      const area = plotArea(svg);
      const row = (v: number) => area.y + ((yMax - v) / (yMax - yMin)) * area.h;
      const ds = attrs(group(svg, 'series'), 'path', 'd');
      expect(ds).toHaveLength(2);
      Object.values(series).forEach((values, s) => {
        const points = subpaths(ds[s]).flat();
        expect(points.length).toBeLessThan(2 * area.w + 10); // at most 2 points per pixel column
        const ys = points.map((p) => p[1]);
        expect(Math.min(...ys)).toBeCloseTo(row(Math.max(...values)), 1);
        expect(Math.max(...ys)).toBeCloseTo(row(Math.min(...values)), 1);
      });
    };
    // Fixed range: the rows follow from yMin/yMax and the plot area.
    check(linePlot(series, { yMin: 0, yMax: 1 }), 0, 1);
    // Automatic range: the data are padded by 16 pixels inside the plot area on both sides.
    const all = [...series.train, ...series.test];
    const [lo, hi] = [Math.min(...all), Math.max(...all)];
    const svg = linePlot(series);
    const { h } = plotArea(svg);
    const pad = (16 * (hi - lo)) / (h - 32);
    check(svg, lo - pad, hi + pad);
  });

  it('breaks the line at NaN values', () => {
    const svg = linePlot({ acc: [0.1, 0.2, NaN, 0.4, 0.5, NaN, NaN, 0.8] });
    const [d] = attrs(group(svg, 'series'), 'path', 'd');
    expect(subpaths(d).map((s) => s.length)).toEqual([2, 2, 2]); // the last segment is one point, drawn as a dot
  });

  it('escapes text', () => {
    const svg = linePlot({ 'a<b & "c"': [1, 2] }, { title: `x < y & 'z' > "w"`, xLabel: '<epoch>', yLabel: 'A&B' });
    checkWellFormed(svg);
    expect(svg).toContain('x &lt; y &amp; &apos;z&apos; &gt; &quot;w&quot;');
    expect(svg).toContain('a&lt;b &amp; &quot;c&quot;');
    expect(svg).toContain('&lt;epoch&gt;');
    expect(escapeXml('a\u0000b&')).toBe('ab&amp;');
  });

  it('throws errors naming the argument', () => {
    expect(() => linePlot({})).toThrow(/linePlot: series is empty/);
    expect(() => linePlot([])).toThrow(/linePlot: series is empty/);
    expect(() => linePlot({ loss: [] })).toThrow(/series "loss" is empty/);
    expect(() => linePlot({ loss: [NaN, NaN] })).toThrow(/series has no finite values/);
    expect(() => linePlot({ loss: [1] }, { yMin: 1, yMax: 0 })).toThrow(/options\.yMin \(1\) must be below options\.yMax \(0\)/);
    expect(() => linePlot({ loss: [1] }, { yMax: NaN })).toThrow(/options\.yMax must be finite/);
    expect(() => linePlot({ loss: [1] }, { width: 10 })).toThrow(/options\.width/);
  });
});

describe('scatterPlot', () => {
  const X = [[0, 0], [1, 1], [0.5, -0.5], [-1, 0.25], [0.2, 0.9]];
  const y = [0, 1, 1, 0, 2];

  it('draws one circle per point in its class colour, with a legend of the classes', () => {
    const svg = scatterPlot(X, y, { title: 'circles', xLabel: 'x1', yLabel: 'x2' });
    checkWellFormed(svg);
    const fills = attrs(group(svg, 'points'), 'circle', 'fill');
    expect(fills).toHaveLength(X.length);
    expect(fills).toEqual([TAB10[0], TAB10[0], TAB10[1], TAB10[1], TAB10[2]]); // class by class
    expect(texts(group(svg, 'legend'))).toEqual(['0', '1', '2']);
    expectNiceTicks(texts(group(svg, 'x-ticks')));
    expectNiceTicks(texts(group(svg, 'y-ticks')));
  });

  it('takes Tensors and class names, and keeps every point inside the plot area with equal padding', () => {
    const t = new Tensor(Float32Array.from(X.flat()), [5, 2]);
    const svg = scatterPlot(t, new Tensor(Float32Array.from(y), [5, 1]), { classNames: ['inner', 'outer & <ring>'] });
    checkWellFormed(svg);
    expect(texts(group(svg, 'legend'))).toEqual(['inner', 'outer &amp; &lt;ring&gt;', '2']);
    const area = plotArea(svg);
    const cx = attrs(svg, 'circle', 'cx').map(Number).slice(0, X.length);
    const cy = attrs(svg, 'circle', 'cy').map(Number).slice(0, X.length);
    expect(Math.min(...cx) - area.x).toBeCloseTo(16, 1);
    expect(area.x + area.w - Math.max(...cx)).toBeCloseTo(16, 1);
    expect(Math.min(...cy) - area.y).toBeCloseTo(16, 1);
    expect(area.y + area.h - Math.max(...cy)).toBeCloseTo(16, 1);
  });

  it('throws errors naming the argument', () => {
    expect(() => scatterPlot(X, [0, 1])).toThrow(/X has 5 rows but labels has 2 values/);
    expect(() => scatterPlot([[0, 0, 0]], [0])).toThrow(/X must be n x 2; X\[0\] has 3 values/);
    expect(() => scatterPlot(Tensor.zeros([3, 3]), [0, 0, 0])).toThrow(/X must be n x 2.*\[3, 3\]/);
    expect(() => scatterPlot([[0, 0], [NaN, 1]], [0, 1])).toThrow(/X\[1\] is \(NaN, 1\); coordinates must be finite/);
    expect(() => scatterPlot([[0, 0], [1, Infinity]], [0, 1])).toThrow(/X\[1\]/);
    expect(() => scatterPlot([[0, 0]], [0.5])).toThrow(/labels\[0\] is 0.5/);
    expect(() => scatterPlot([], [])).toThrow(/X has no points/);
  });
});

describe('writeFileAtomic and saveSvg', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lamina-plot-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates the folder, writes the full content and leaves no temporary file', () => {
    const file = path.join(dir, 'a', 'b', 'big.txt');
    const text = 'é0123456789'.repeat(200_000); // ~2.4 MB of UTF-8
    writeFileAtomic(file, text);
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
    writeFileAtomic(file, Uint8Array.from([1, 2, 3])); // overwrites
    expect([...fs.readFileSync(file)]).toEqual([1, 2, 3]);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['big.txt']);
  });

  it('removes the temporary file and names the path when it fails', () => {
    const target = path.join(dir, 'taken');
    fs.mkdirSync(path.join(target, 'inside'), { recursive: true }); // a non-empty folder cannot be renamed over
    expect(() => writeFileAtomic(target, 'x')).toThrow(new RegExp(`writeFileAtomic: could not write ${target.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}`));
    expect(fs.readdirSync(dir)).toEqual(['taken']);
  });

  it('saveSvg writes the document as it is', () => {
    const svg = scatterPlot([[0, 0], [1, 1]], [0, 1]);
    const file = path.join(dir, 'plots', 'scatter.svg');
    saveSvg(file, svg);
    expect(fs.readFileSync(file, 'utf8')).toBe(svg);
    expect(() => saveSvg(file, 'not svg')).toThrow(/saveSvg: svg must be an SVG document/);
  });
});

/** Numbers of a `<line>`: [x1, y1, x2, y2] for each line in `svg`. */
function lines(svg: string): number[][] {
  return [...svg.matchAll(/<line x1="([-\d.]+)" y1="([-\d.]+)" x2="([-\d.]+)" y2="([-\d.]+)"/g)].map((m) => m.slice(1).map(Number));
}

/** Pixel row of `v` in a plot whose y range was fixed to [lo, hi]. */
function rowOf(svg: string, lo: number, hi: number): (v: number) => number {
  const area = plotArea(svg);
  return (v) => area.y + ((hi - v) / (hi - lo)) * area.h;
}

describe('quartiles', () => {
  it("matches numpy's percentile (linear interpolation) and matplotlib's whiskers", () => {
    // np.percentile(x, [25, 50, 75]), worked by hand: position (n - 1) * q between sorted values.
    expect(quartiles([1, 2, 3, 4])).toEqual({ q1: 1.75, median: 2.5, q3: 3.25, lowWhisker: 1, highWhisker: 4, outliers: [], mean: 2.5 });
    expect(quartiles([7, 1, 3, 5])).toMatchObject({ q1: 2.5, median: 4, q3: 5.5, lowWhisker: 1, highWhisker: 7 });
    expect(quartiles([5])).toEqual({ q1: 5, median: 5, q3: 5, lowWhisker: 5, highWhisker: 5, outliers: [], mean: 5 });
    expect(quartiles(Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 100]))).toEqual({
      q1: 3.25, median: 5.5, q3: 7.75, lowWhisker: 1, highWhisker: 9, outliers: [100], mean: 14.5,
    });
    const floats = quartiles([0.1, 0.2, 0.3]);
    expect(floats.q1).toBeCloseTo(0.15, 15);
    expect(floats.q3).toBeCloseTo(0.25, 15);
  });

  it('classifies outliers on both sides, in input order, and stops whiskers at the box when nothing lies between', () => {
    // sorted [-40, 1, ..., 8, 10, 50]: q1 2.5, q3 7.5, IQR 5, limits [-5, 15].
    expect(quartiles([10, -40, 1, 2, 3, 4, 5, 6, 7, 8, 50])).toEqual({
      q1: 2.5, median: 5, q3: 7.5, lowWhisker: 1, highWhisker: 10, outliers: [-40, 50], mean: 56 / 11,
    });
    // q3 = 2 + 0.25 * 98 = 26.5; no value in [26.5, 65.125], so the upper whisker is q3 itself.
    expect(quartiles([0, 1, 2, 100])).toEqual({ q1: 0.75, median: 1.5, q3: 26.5, lowWhisker: 0, highWhisker: 26.5, outliers: [100], mean: 25.75 });
    expect(quartiles([-1, -100, 0, -2])).toEqual({ q1: -26.5, median: -1.5, q3: -0.75, lowWhisker: -26.5, highWhisker: 0, outliers: [-100], mean: -25.75 });
    // IQR 0: everything off the box is an outlier.
    expect(quartiles([1, 1, 1, 1, 10, 1])).toMatchObject({ q1: 1, q3: 1, lowWhisker: 1, highWhisker: 1, outliers: [10] });
    // A value exactly at the limit is inside: [1, 2, 3, 4] has limits [-0.5, 5.5].
    expect(quartiles([1, 2, 3, 4, 5.5, -0.5]).outliers).toEqual([]);
  });

  it('throws errors naming the argument', () => {
    expect(() => quartiles([])).toThrow(/quartiles: values is empty/);
    expect(() => quartiles([1, NaN])).toThrow(/quartiles: values has NaN at index 1/);
    expect(() => quartiles([Infinity])).toThrow(/values has Infinity at index 0/);
  });
});

describe('boxPlot', () => {
  const groups = { 'rate 0.0': [1, 2, 3, 4, 5, 6, 7, 8, 9, 19], 'rate 0.2': [4, 5, 6, 7, 8], 'rate 0.4': [10, 11, 12, 13, 2] };

  it('draws one box per group with its parts at the pixel rows of its statistics', () => {
    const svg = boxPlot(groups, { title: 'repeats', xLabel: 'dropout', yLabel: 'accuracy', yMin: 0, yMax: 20 });
    checkWellFormed(svg);
    const row = rowOf(svg, 0, 20);
    const boxes = [...group(svg, 'boxes').matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/g)].map((m) => m.slice(1).map(Number));
    expect(boxes).toHaveLength(3);
    expect(texts(group(svg, 'x-ticks'))).toEqual(['rate 0.0', 'rate 0.2', 'rate 0.4']);
    const medians = lines(group(svg, 'medians'));
    const whiskers = lines(group(svg, 'whiskers'));
    const caps = lines(group(svg, 'caps'));
    expect([medians.length, whiskers.length, caps.length]).toEqual([3, 6, 6]);
    expect(attrs(group(svg, 'means'), 'path', 'd')).toHaveLength(3);
    Object.values(groups).forEach((values, g) => {
      const s = quartiles(values);
      const [x, y, w, h] = boxes[g];
      expect(y).toBeCloseTo(row(s.q3), 1); // top edge at q3
      expect(y + h).toBeCloseTo(row(s.q1), 1); // bottom edge at q1
      expect(medians[g][1]).toBeCloseTo(row(s.median), 1);
      expect(medians[g][1]).toBeGreaterThanOrEqual(y);
      expect(medians[g][1]).toBeLessThanOrEqual(y + h);
      expect([medians[g][0], medians[g][2]]).toEqual([x, expect.closeTo(x + w, 1)]);
      // Whiskers run from the box edges out to the whisker ends, at the box centre.
      const [low, high] = [whiskers[2 * g], whiskers[2 * g + 1]];
      expect(low[0]).toBeCloseTo(x + w / 2, 1);
      expect([low[1], low[3]]).toEqual([expect.closeTo(row(s.q1), 1), expect.closeTo(row(s.lowWhisker), 1)]);
      expect([high[1], high[3]]).toEqual([expect.closeTo(row(s.q3), 1), expect.closeTo(row(s.highWhisker), 1)]);
      expect(caps[2 * g][1]).toBeCloseTo(row(s.lowWhisker), 1);
      expect(caps[2 * g + 1][1]).toBeCloseTo(row(s.highWhisker), 1);
      if (g > 0) expect(x).toBeGreaterThan(boxes[g - 1][0] + boxes[g - 1][2]); // left to right, no overlap
    });
    // The outliers: 19 in the first group, 2 in the last.
    const cy = attrs(group(svg, 'outliers'), 'circle', 'cy').map(Number);
    expect(cy).toEqual([expect.closeTo(row(19), 1), expect.closeTo(row(2), 1)]);
    const cx = attrs(group(svg, 'outliers'), 'circle', 'cx').map(Number);
    expect(cx[0]).toBeCloseTo(boxes[0][0] + boxes[0][2] / 2, 1);
    expect(cx[1]).toBeCloseTo(boxes[2][0] + boxes[2][2] / 2, 1);
    expect(group(svg, 'means')).toContain('fill="#2ca02c"');
  });

  it('takes a list of { name, values }, pads the automatic range and escapes names', () => {
    const svg = boxPlot([{ name: 'a<b & c', values: Float64Array.from([0.8, 0.82, 0.85]) }, { name: 'd', values: [0.9, 0.91] }]);
    checkWellFormed(svg);
    expect(texts(group(svg, 'x-ticks'))).toEqual(['a&lt;b &amp; c', 'd']);
    expectNiceTicks(texts(group(svg, 'y-ticks')));
    const area = plotArea(svg);
    const whiskers = lines(group(svg, 'whiskers')).flatMap((l) => [l[1], l[3]]);
    expect(Math.min(...whiskers) - area.y).toBeCloseTo(16, 1);
    expect(area.y + area.h - Math.max(...whiskers)).toBeCloseTo(16, 1);
  });

  it('turns crowded names and keeps them inside the document', () => {
    const many: Record<string, number[]> = {};
    for (let i = 0; i < 14; i++) many[`configuration number ${i}`] = [i, i + 1, i + 2];
    const svg = boxPlot(many);
    checkWellFormed(svg);
    const ticks = group(svg, 'x-ticks');
    expect(texts(ticks)).toHaveLength(14);
    expect(ticks.match(/rotate\(-45 /g)).toHaveLength(14);
    const fontSize = Number(ticks.match(/font-size="([\d.]+)"/)![1]);
    const [x0, y0] = [Number(attrs(ticks, 'text', 'x')[0]), Number(attrs(ticks, 'text', 'y')[0])];
    const reach = texts(ticks)[0].length * fontSize * 0.6 * Math.SQRT1_2;
    expect(x0 - reach).toBeGreaterThanOrEqual(0);
    expect(y0 + reach).toBeLessThanOrEqual(420);
  });

  it('throws errors naming the argument', () => {
    expect(() => boxPlot({})).toThrow(/boxPlot: groups is empty/);
    expect(() => boxPlot([])).toThrow(/boxPlot: groups is empty/);
    expect(() => boxPlot({ a: [] })).toThrow(/boxPlot: group "a" is empty/);
    expect(() => boxPlot({ a: [1, NaN] })).toThrow(/boxPlot: group "a" has NaN at index 1/);
    expect(() => boxPlot({ a: [1] }, { yMin: 2, yMax: 1 })).toThrow(/boxPlot: options\.yMin \(2\) must be below options\.yMax \(1\)/);
    expect(() => boxPlot({ a: [1] }, { height: 20 })).toThrow(/boxPlot: options\.height/);
  });
});

describe('errorBarPlot', () => {
  const x = [0, 0.1, 0.2, 0.3, 0.4];
  const series = [
    { name: 'train', mean: [0.99, 0.98, 0.97, 0.95, 0.93], error: [0.01, 0.01, 0, 0.02, 0.02] },
    { name: 'test', mean: [0.76, 0.79, 0.8, 0.81, 0.8], error: Float32Array.from([0.03, 0.02, 0.02, 0.025, 0.04]) },
  ];

  it('draws per series a line through the means, a dot and a capped bar at each x, and a legend', () => {
    const svg = errorBarPlot(x, series, { title: 'grid search', xLabel: 'dropout rate', yLabel: 'accuracy', yMin: 0.7, yMax: 1.05 });
    checkWellFormed(svg);
    const row = rowOf(svg, 0.7, 1.05);
    expect(attrs(group(svg, 'series'), 'path', 'stroke')).toEqual([TAB10[0], TAB10[1]]);
    const bars = lines(group(svg, 'error-bars'));
    const caps = lines(group(svg, 'caps'));
    const dots = group(svg, 'markers');
    expect([bars.length, caps.length, attrs(dots, 'circle', 'cx').length]).toEqual([10, 20, 10]);
    expect(attrs(group(svg, 'error-bars'), 'line', 'stroke')).toEqual([...Array(5).fill(TAB10[0]), ...Array(5).fill(TAB10[1])]);
    series.forEach(({ mean, error }, s) => {
      for (let i = 0; i < x.length; i++) {
        const k = s * x.length + i;
        const [bx1, by1, bx2, by2] = bars[k];
        expect(bx1).toBe(bx2); // vertical
        expect(by1).toBeCloseTo(row(mean[i] + error[i]), 1);
        expect(by2).toBeCloseTo(row(mean[i] - error[i]), 1);
        // Two caps, centred on the bar, at its ends.
        for (const [c, y] of [[caps[2 * k], by1], [caps[2 * k + 1], by2]] as const) {
          expect(c[1]).toBe(c[3]);
          expect(c[1]).toBe(y);
          expect((c[0] + c[2]) / 2).toBeCloseTo(bx1, 1);
          expect(c[2] - c[0]).toBeGreaterThan(4);
        }
        expect(Number(attrs(dots, 'circle', 'cy')[k])).toBeCloseTo(row(mean[i]), 1);
      }
    });
    const [d] = attrs(group(svg, 'series'), 'path', 'd');
    expect(subpaths(d)[0]).toHaveLength(5);
    expect(texts(group(svg, 'legend'))).toEqual(['train', 'test']);
    expectNiceTicks(texts(group(svg, 'x-ticks')));
    expectNiceTicks(texts(group(svg, 'y-ticks')));
  });

  it('fits the automatic y range to the bars, and draws a single point', () => {
    const svg = errorBarPlot(x, series);
    const area = plotArea(svg);
    const ends = lines(group(svg, 'error-bars')).flatMap((l) => [l[1], l[3]]);
    expect(Math.min(...ends) - area.y).toBeCloseTo(16, 1);
    expect(area.y + area.h - Math.max(...ends)).toBeCloseTo(16, 1);
    const one = errorBarPlot([0.5], [{ name: 'only', mean: [0.8], error: [0] }]);
    checkWellFormed(one);
    expect(lines(group(one, 'caps'))).toHaveLength(2);
  });

  it('throws errors naming the argument', () => {
    const s = (mean: number[], error: number[]) => [{ name: 'test', mean, error }];
    expect(() => errorBarPlot([], s([], []))).toThrow(/errorBarPlot: x is empty/);
    expect(() => errorBarPlot([0, NaN], s([1, 1], [0, 0]))).toThrow(/errorBarPlot: x\[1\] is NaN/);
    expect(() => errorBarPlot([0, 1], [])).toThrow(/errorBarPlot: series must be a non-empty list/);
    expect(() => errorBarPlot([0, 1], s([1], [0, 0]))).toThrow(/series "test" mean has 1 values but x has 2/);
    expect(() => errorBarPlot([0, 1], s([1, 1], [0]))).toThrow(/series "test" error has 1 values but x has 2/);
    expect(() => errorBarPlot([0, 1], s([NaN, 1], [0, 0]))).toThrow(/series "test" mean\[0\] is NaN/);
    expect(() => errorBarPlot([0, 1], s([1, 1], [0, -0.1]))).toThrow(/series "test" error\[1\] is -0.1; errors must be finite and non-negative/);
    expect(() => errorBarPlot([0, 1], s([1, 1], [0, 0]), { yMax: Infinity })).toThrow(/errorBarPlot: options\.yMax must be finite/);
  });
});

describe('heatMap', () => {
  const grid = { rows: 6, cols: 5, xMin: -1.5, xMax: 1.5, yMin: -1, yMax: 2 };
  const ramp = Array.from({ length: 30 }, (_, i) => i / 10); // strictly increasing: every cell its own colour

  /** The cell rects of a heat map as [x, y, width] in cell units, with their fills. */
  function cells(svg: string): Array<{ x: number; y: number; w: number; fill: string }> {
    return [...group(svg, 'cells').matchAll(/<rect x="(\d+)" y="(\d+)" width="(\d+)" height="1" fill="(#[0-9a-f]{6})"\/>/g)].map((m) => ({
      x: Number(m[1]), y: Number(m[2]), w: Number(m[3]), fill: m[4],
    }));
  }

  it('draws one rect per cell, row 0 at the bottom, the extremes at the ends of viridis, with a colorbar', () => {
    const svg = heatMap(ramp, grid, { title: 'MC dropout std', xLabel: 'x1', yLabel: 'x2', colorbarLabel: 'std' });
    checkWellFormed(svg);
    const list = cells(svg);
    expect(list).toHaveLength(30);
    expect(list[0]).toEqual({ x: 0, y: 0, w: 1, fill: '#440154' }); // the smallest value
    expect(list[29]).toEqual({ x: 4, y: 5, w: 1, fill: '#fde725' }); // the largest value
    // The cell transform maps cell (0, 0) to the bottom-left corner and the grid onto the plot area.
    const area = plotArea(svg);
    const [a, b, c, d, e, f] = group(svg, 'cells').match(/matrix\(([^)]*)\)/)![1].split(' ').map(Number);
    expect([b, c]).toEqual([0, 0]);
    expect(a * grid.cols).toBeCloseTo(area.w, 2);
    expect(-d * grid.rows).toBeCloseTo(area.h, 2);
    expect(e).toBeCloseTo(area.x, 2);
    expect(f).toBeCloseTo(area.y + area.h, 2);
    // Axes span the grid bounds exactly.
    expect(texts(group(svg, 'x-ticks'))).toEqual(['-1.5', '-1.0', '-0.5', '0.0', '0.5', '1.0', '1.5']);
    expectNiceTicks(texts(group(svg, 'y-ticks')));
    // The colorbar: a gradient from the dark end (bottom) to the bright end (top), nice ticks within the values.
    const bar = group(svg, 'colorbar');
    expect(bar).toMatch(/<linearGradient id="colorbar-gradient" x1="0" y1="1" x2="0" y2="0">/);
    const stops = attrs(bar, 'stop', 'stop-color');
    expect(stops).toEqual([...VIRIDIS]);
    expect([stops[0], stops[stops.length - 1]]).toEqual(['#440154', '#fde725']);
    const labels = texts(bar);
    expect(labels[labels.length - 1]).toBe('std');
    const tickLabels = labels.slice(0, -1);
    expectNiceTicks(tickLabels);
    expect(Math.min(...tickLabels.map(Number))).toBeGreaterThanOrEqual(0);
    expect(Math.max(...tickLabels.map(Number))).toBeLessThanOrEqual(2.9);
  });

  it('clips values to [vMin, vMax] and merges equal neighbours in a row', () => {
    const values = [0, 0, 5, 5, 5, 10, 10, 10, 10, 10, -3, 2, 2, 99, 5];
    const svg = heatMap(values, { rows: 3, cols: 5, xMin: 0, xMax: 5, yMin: 0, yMax: 3 }, { vMin: 0, vMax: 10 });
    checkWellFormed(svg);
    const list = cells(svg);
    expect(list.map(({ x, y, w }) => [x, y, w])).toEqual([[0, 0, 2], [2, 0, 3], [0, 1, 5], [0, 2, 1], [1, 2, 2], [3, 2, 1], [4, 2, 1]]);
    expect(list[0].fill).toBe('#440154');
    expect(list[2].fill).toBe('#fde725');
    expect(list[3].fill).toBe('#440154'); // -3 clipped to vMin
    expect(list[5].fill).toBe('#fde725'); // 99 clipped to vMax
    // Every row covers all its columns.
    for (let r = 0; r < 3; r++) expect(list.filter((c) => c.y === r).reduce((sum, c) => sum + c.w, 0)).toBe(5);
    // The colorbar spans exactly [vMin, vMax].
    const bar = texts(group(svg, 'colorbar'));
    expect([bar[0], bar[bar.length - 1]]).toEqual(['0', '10']);
  });

  it('keeps a 100 x 100 grid of distinct values under 1 MB, and takes a Tensor', () => {
    const n = 100;
    const values = new Tensor(Float32Array.from({ length: n * n }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1), [n, n]);
    const svg = heatMap(values, { rows: n, cols: n, xMin: -1.5, xMax: 1.5, yMin: -1.5, yMax: 1.5 });
    checkWellFormed(svg);
    expect(svg.length).toBeLessThan(1_000_000);
    expect(cells(svg).reduce((sum, c) => sum + c.w, 0)).toBe(n * n);
  });

  it('overlays points coloured by class with a dark outline and a legend', () => {
    const X = [[0, 0], [1, 1], [-1, 0.5]];
    const svg = heatMap(ramp, grid, { points: { X, labels: [1, 0, 1], classNames: ['outer', 'inner'] } });
    checkWellFormed(svg);
    const points = group(svg, 'points');
    expect(points).toContain('stroke="#222222"');
    expect(attrs(points, 'circle', 'fill')).toEqual([TAB10[0], TAB10[1], TAB10[1]]);
    const area = plotArea(svg);
    const cx = attrs(points, 'circle', 'cx').map(Number);
    expect(cx[0]).toBeCloseTo(area.x + ((1 + 1.5) / 3) * area.w, 1);
    const cy = attrs(points, 'circle', 'cy').map(Number);
    expect(cy[0]).toBeCloseTo(area.y + ((2 - 1) / 3) * area.h, 1);
    expect(texts(group(svg, 'legend'))).toEqual(['outer', 'inner']);
  });

  it('gives a constant field the middle colour', () => {
    const svg = heatMap([0.3, 0.3, 0.3, 0.3], { rows: 2, cols: 2, xMin: 0, xMax: 1, yMin: 0, yMax: 1 });
    checkWellFormed(svg);
    expect(cells(svg).map((c) => c.fill)).toEqual([viridis(128 / 255), viridis(128 / 255)]);
  });

  it('samples viridis at its stops and interpolates between them', () => {
    expect(viridis(0)).toBe('#440154');
    expect(viridis(1)).toBe('#fde725');
    expect(viridis(-1)).toBe('#440154');
    expect(viridis(2)).toBe('#fde725');
    for (let k = 0; k < VIRIDIS.length; k++) expect(viridis(k / (VIRIDIS.length - 1))).toBe(VIRIDIS[k]);
    expect(viridis(0.5)).toBe('#21908d'); // halfway between '#23888e' and '#1f988b' (matplotlib: '#21918c')
  });

  it('throws errors naming the argument', () => {
    const g = { rows: 2, cols: 2, xMin: 0, xMax: 1, yMin: 0, yMax: 1 };
    expect(() => heatMap([1, 2, 3], g)).toThrow(/heatMap: values has 3 values but grid is 2 x 2 \(4 cells\)/);
    expect(() => heatMap([1, 2, NaN, 4], g)).toThrow(/heatMap: values\[2\] \(row 1, column 0\) is NaN; values must be finite/);
    expect(() => heatMap([1, 2, 3, 4], { ...g, xMin: NaN })).toThrow(/heatMap: grid\.xMin must be finite, got NaN/);
    expect(() => heatMap([1, 2, 3, 4], { ...g, yMax: Infinity })).toThrow(/heatMap: grid\.yMax must be finite, got Infinity/);
    expect(() => heatMap([1, 2, 3, 4], { ...g, xMin: 1 })).toThrow(/heatMap: grid\.xMin \(1\) must be below grid\.xMax \(1\)/);
    expect(() => heatMap([1, 2, 3, 4], { ...g, rows: 0 })).toThrow(/heatMap: grid\.rows must be a positive integer, got 0/);
    expect(() => heatMap([1, 2], { ...g, cols: 1.5 })).toThrow(/heatMap: grid\.cols must be a positive integer, got 1.5/);
    expect(() => heatMap([1, 2, 3, 4], g, { vMin: 3, vMax: 2 })).toThrow(/heatMap: options\.vMin \(3\) must be below options\.vMax \(2\)/);
    expect(() => heatMap([1, 2, 3, 4], g, { points: { X: [[0, 0], [1, 1]], labels: [0] } })).toThrow(
      /heatMap: options\.points\.X has 2 rows but options\.points\.labels has 1 values/,
    );
    expect(() => heatMap([1, 2, 3, 4], g, { points: { X: [[0, NaN]], labels: [0] } })).toThrow(/heatMap: options\.points\.X\[0\] is \(0, NaN\)/);
  });
});
