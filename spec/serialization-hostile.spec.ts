/**
 * Hostile model folders: each is loaded by `loadModel` in a fresh child process (the built dist/),
 * which reports how long the load took, how much memory it added at its peak (the peak RSS against the
 * RSS before the call; the peak is Linux's VmHWM, reset before the call, because a child's maxRSS
 * starts at its parent's RSS when it was forked) and the longest stall of its event loop. Every case must end in a clear
 * Error from loadModel within a second and under 100 MB, with nothing read outside the folder: a
 * file outside is never even measured, so no error tells its size. A child that hangs is killed
 * after a few seconds and the case fails.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Dense, Sequential } from '../index';
import { distEntry, runNode } from './helpers/dist';

/** The child: loads one folder and prints { ok, message, ms, extraMB, heapMB, stallMs } as JSON. */
const CHILD = `
const [dist, folder] = process.argv.slice(1);
const { loadModel } = require(dist);
const { performance } = require('perf_hooks');
const fs = require('fs');
const linux = fs.existsSync('/proc/self/clear_refs');
// Peak RSS in bytes: VmHWM (reset just below) on Linux, maxRSS elsewhere.
const peak = () => linux ? Number(/VmHWM:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) * 1024 : process.resourceUsage().maxRSS * 1024;
if (linux) fs.writeFileSync('/proc/self/clear_refs', '5');
const rss0 = process.memoryUsage().rss;
const heap0 = process.memoryUsage().heapUsed;
let stall = 0;
let last = performance.now();
const beat = setInterval(() => { const now = performance.now(); stall = Math.max(stall, now - last); last = now; }, 2);
const t0 = performance.now();
loadModel(folder)
  .then((m) => ({ ok: true, name: m.name, weights: m.getWeights().map((w) => Array.from(w.data)) }),
        (e) => ({ ok: false, kind: e.constructor.name, message: String(e && e.message) }))
  .then((r) => {
    const ms = performance.now() - t0;
    clearInterval(beat);
    stall = Math.max(stall, performance.now() - last);
    const extraMB = (peak() - rss0) / 2 ** 20;
    const heapMB = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
    process.stdout.write(JSON.stringify({ ...r, ms, extraMB, heapMB, stallMs: stall }));
    process.exit(0);
  });
`;

interface Outcome {
  ok: boolean;
  message?: string;
  kind?: string;
  name?: string;
  weights?: number[][];
  ms: number;
  extraMB: number;
  heapMB: number;
  stallMs: number;
}

let dist: string;
let base: string;
let json: { weightsManifest: { paths: string[]; weights: { name: string; shape: number[] }[] }[]; modelTopology: { config: { layers: { config: Record<string, unknown> }[] } } };
let bin: Buffer;
const measured: Record<string, Outcome> = {};

/** A model folder `name` with model.json = `json` changed by `edit`, and weights.bin (68 bytes) unless `files` says otherwise. */
function folder(name: string, edit: (doc: typeof json) => void = () => {}, weights: Buffer | null = bin): string {
  const dir = path.join(base, name);
  fs.mkdirSync(dir, { recursive: true });
  const doc = JSON.parse(JSON.stringify(json)) as typeof json;
  doc.weightsManifest[0].paths = ['weights.bin'];
  edit(doc);
  fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(doc));
  if (weights !== null) fs.writeFileSync(path.join(dir, 'weights.bin'), weights);
  return dir;
}

/** Loads `dir` in a child; a hang (the child still running after 6 s) is reported as such. */
async function load(label: string, dir: string): Promise<Outcome> {
  const run = await runNode(CHILD, [dist, dir], 6000);
  if (run.timedOut) throw new Error(`${label}: loadModel did not finish within 6 s (hang)`);
  if (run.code !== 0) throw new Error(`${label}: the child died (code ${run.code}, signal ${run.signal}): ${run.stderr.slice(0, 500)}`);
  const out = JSON.parse(run.stdout) as Outcome;
  measured[label] = out;
  return out;
}

/** The Error must come from loadModel, match `pattern`, and come fast and small. */
function expectRefused(out: Outcome, pattern: RegExp): void {
  expect(out.ok ? `loaded a model (weights ${JSON.stringify(out.weights).slice(0, 80)})` : out.message).toMatch(/^loadModel: /);
  expect(out.message).toMatch(pattern);
  expect(out.ms).toBeLessThan(1000);
  expect(out.extraMB).toBeLessThan(100);
  expect(out.stallMs).toBeLessThan(1000);
}

beforeAll(async () => {
  dist = distEntry();
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'lamina-hostile-'));
  const model = new Sequential({ seed: 1, name: 'victim' });
  model.add(new Dense(3, { inputDim: 2, name: 'a' }));
  model.add(new Dense(2, { name: 'b' }));
  const saved = path.join(base, 'saved');
  await model.save(saved);
  json = JSON.parse(fs.readFileSync(path.join(saved, 'model.json'), 'utf8'));
  bin = fs.readFileSync(path.join(saved, json.weightsManifest[0].paths[0]));
  expect(bin.length).toBe(68);
  // A file outside every model folder, of the same size as the weights: what a traversal would read.
  fs.writeFileSync(path.join(base, 'secret.bin'), Buffer.alloc(68, 0x41));
});

afterAll(() => {
  fs.rmSync(base, { recursive: true, force: true });
  // The figures, for the record (jest prints console output of a passing spec only with --verbose).
  const rows = Object.entries(measured).map(([k, o]) => `${k}: ${o.ok ? 'loaded' : 'Error'} in ${o.ms.toFixed(1)} ms, +${o.extraMB.toFixed(1)} MB peak RSS, +${o.heapMB.toFixed(1)} MB heap, stall ${o.stallMs.toFixed(1)} ms${o.ok ? '' : `: ${(o.message ?? '').slice(0, 160)}`}`);
  if (process.env.LAMINA_REPORT) console.log(rows.join('\n'));
});

describe('loadModel on hostile folders (fresh child process each)', () => {
  jest.setTimeout(20000);

  it('control: the untouched folder loads, fast and small', async () => {
    const out = await load('control', folder('control'));
    expect(out.ok).toBe(true);
    expect(out.ms).toBeLessThan(1000);
    expect(out.extraMB).toBeLessThan(100);
  });

  it('a path that climbs out of the folder is refused before any read, naming the path', async () => {
    const out = await load('traversal ../secret.bin', folder('trav', (d) => (d.weightsManifest[0].paths = ['../secret.bin'])));
    expectRefused(out, /'\.\.\/secret\.bin'/);
    expect(out.message).toMatch(/inside the model's folder/);
  });

  it('../../../../etc/passwd is refused and the error does not tell its size', async () => {
    const size = fs.statSync('/etc/passwd').size;
    const out = await load('traversal /etc/passwd', folder('passwd', (d) => (d.weightsManifest[0].paths = ['../../../../../../../../etc/passwd'])));
    expectRefused(out, /'\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd'/);
    expect(out.message).not.toContain(String(size));
  });

  it.each([['/dev/zero'], ['/etc/passwd'], ['C:\\Windows\\win.ini']])('the absolute path %s is refused', async (p) => {
    const out = await load(`absolute ${p}`, folder(`abs${p.replace(/\W/g, '_')}`, (d) => (d.weightsManifest[0].paths = [p])));
    expectRefused(out, /inside the model's folder/);
    expect(out.message).toContain(`'${p}'`);
  });

  it.each([['zero'], ['urandom'], ['stdin']])('/dev/%s reached by climbing out is refused fast (no read, no hang)', async (dev) => {
    const out = await load(`traversal /dev/${dev}`, folder(`dev-${dev}`, (d) => (d.weightsManifest[0].paths = [`../../../../../../../../dev/${dev}`])));
    expectRefused(out, /inside the model's folder/);
  });

  it('a symlink in the folder to /dev/zero, or to a file outside, is refused (realpath check)', async () => {
    const zero = folder('link-zero', (d) => (d.weightsManifest[0].paths = ['zero.bin']));
    fs.symlinkSync('/dev/zero', path.join(zero, 'zero.bin'));
    expectRefused(await load('symlink to /dev/zero', zero), /'zero\.bin'.*outside the model's folder/);
    const out = folder('link-out', (d) => (d.weightsManifest[0].paths = ['w.bin']));
    fs.symlinkSync(path.join(base, 'secret.bin'), path.join(out, 'w.bin'));
    expectRefused(await load('symlink to a file outside', out), /'w\.bin'.*outside the model's folder/);
  });

  it('a FIFO as a weights file, or as model.json, is refused without opening it', async () => {
    const weights = folder('fifo-weights', (d) => (d.weightsManifest[0].paths = ['fifo.bin']));
    execFileSync('mkfifo', [path.join(weights, 'fifo.bin')]);
    expectRefused(await load('FIFO weights file', weights), /'fifo\.bin'.*not a regular file/);
    const model = path.join(base, 'fifo-json');
    fs.mkdirSync(model);
    execFileSync('mkfifo', [path.join(model, 'model.json')]);
    expectRefused(await load('FIFO model.json', model), /model\.json is not a regular file/);
  });

  it('the same path 100000 times is refused before reading it once', async () => {
    const big = Buffer.alloc(64 * 1024); // 100000 reads of it would be 6.4 GB
    const dir = folder('repeated', (d) => (d.weightsManifest[0].paths = new Array(100000).fill('weights.bin')), big);
    expectRefused(await load('same path x100000', dir), /'weights\.bin' appears twice/);
  });

  it('weight files whose sizes do not add up to the manifest are refused before reading (a 1 GB file is never read)', async () => {
    const dir = folder('sizes', (d) => (d.weightsManifest[0].paths = ['weights.bin', 'big.bin']));
    fs.writeFileSync(path.join(dir, 'big.bin'), '');
    fs.truncateSync(path.join(dir, 'big.bin'), 2 ** 30); // sparse: costs no disk
    expectRefused(await load('sizes differ (1 GB extra file)', dir), /the manifest's weights need 68 bytes but its files hold 1073741892/);
  });

  it('a model.json over 64 MB is refused from its size, unread', async () => {
    const dir = path.join(base, 'huge-json');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'model.json'), '');
    fs.truncateSync(path.join(dir, 'model.json'), 100 * 2 ** 20);
    expectRefused(await load('model.json of 100 MB', dir), /model\.json holds 104857600 bytes; at most 67108864/);
  });

  it('[[[[...]]]] nested 8 million deep is refused before parsing', async () => {
    const dir = path.join(base, 'deep-array');
    fs.mkdirSync(dir);
    const n = 8 * 2 ** 20;
    fs.writeFileSync(path.join(dir, 'model.json'), Buffer.concat([Buffer.alloc(n, '['), Buffer.alloc(n, ']')]));
    expectRefused(await load('[[[[ 8M deep (16 MB)', dir), /model\.json nests deeper than 100 levels/);
  });

  it('a layer config nested 1M levels deep is refused before parsing', async () => {
    const dir = folder('deep-config');
    const text = fs.readFileSync(path.join(dir, 'model.json'), 'utf8');
    const deep = '{"a":'.repeat(1e6) + '1' + '}'.repeat(1e6);
    fs.writeFileSync(path.join(dir, 'model.json'), text.replace('"units":3', `"units":3,"extra":${deep}`));
    expectRefused(await load('config 1M deep', dir), /model\.json nests deeper than 100 levels/);
  });

  it('units: 2.5e8 with a 68-byte weights.bin fails on the shapes before any layer allocates', async () => {
    const dir = folder('huge-units', (d) => (d.modelTopology.config.layers[0].config.units = 2.5e8));
    expectRefused(await load('units 2.5e8', dir), /weight 'a\/kernel' has shape \[2, 3\] but layer 'a' needs kernel of shape \[2, 250000000\]/);
  });
});
