import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeFileAtomic } from '../lib/atomic-write';
import { escapeXml, linePlot, saveSvg, scatterPlot, TAB10 } from '../lib/plot';
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
