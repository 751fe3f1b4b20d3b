/**
 * Lamina in a real browser (headless Chromium, spec/helpers/browser.ts): the ES module bundle
 * (dist/lamina.mjs, which `npm test` builds) loads from a page, trains to the same bits as Node,
 * splits large products across a pool of Web Workers (cross-origin isolated pages) to the same bits,
 * saves to and loads from localStorage and IndexedDB in TensorFlow.js's layouts (TF.js itself reads
 * what Lamina saved), loads a model over http, downloads one, and says clearly what needs Node.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser, Page } from 'puppeteer-core';
import * as lamina from '../index';
import { launchBrowser, openPage, OpenPage, startStaticServer, StaticServer } from './helpers/browser';

const ROOT = path.join(__dirname, '..');
/** A page of the server with nothing on it but a title: same origin as the bundle, so storage works. */
const BLANK = '/spec/fixtures/blank.html';

let browser: Browser;
let server: StaticServer;
let tab: OpenPage;
let page: Page;

beforeAll(async () => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'lamina.mjs'))) throw new Error('dist/lamina.mjs is missing: run `npm run build` (npm test does) before this spec');
  browser = await launchBrowser();
  server = await startStaticServer();
  tab = await openPage(browser, server, BLANK);
  page = tab.page;
  await page.evaluate(`import('/dist/lamina.mjs').then((m) => { globalThis.lamina = m; })`);
}, 60000);

afterAll(async () => {
  await tab?.close();
  await browser?.close();
  await server?.close();
});

/**
 * XOR on a 2-8-1 tanh/sigmoid network, 300 epochs of Adam, written against the namespace `l` so
 * the same source runs here and in the page; returns the predictions on the four points.
 */
async function trainXor(l: typeof lamina): Promise<number[]> {
  const model = new l.Sequential({ seed: 3 });
  model.add(new l.Dense(8, { inputShape: [2], activation: 'tanh' }));
  model.add(new l.Dense(1, { activation: 'sigmoid' }));
  model.compile({ loss: 'binaryCrossentropy', optimizer: new l.Adam({ learningRate: 0.05 }), metrics: ['accuracy'] });
  const x = new l.Tensor(new Float32Array([0, 0, 0, 1, 1, 0, 1, 1]), [4, 2]);
  const y = new l.Tensor(new Float32Array([0, 1, 1, 0]), [4, 1]);
  await model.fit(x, y, { epochs: 300, batchSize: 4, verbose: 0 });
  (globalThis as { xorModel?: unknown }).xorModel = model;
  return Array.from(model.predict(x).data);
}

/** Runs `fn(lamina, ...args)` in the page (fn's source must use only its arguments). */
function inPage<T>(fn: (...args: never[]) => Promise<T> | T, ...args: unknown[]): Promise<T> {
  return page.evaluate(`(${fn.toString()})(globalThis.lamina, ${args.map((a) => JSON.stringify(a)).join(', ')})`) as Promise<T>;
}

describe('the ES module bundle in Chromium', () => {
  it('loads from a page and learns XOR, to the same bits as Node', async () => {
    const browserPredictions = await inPage(trainXor);
    const nodePredictions = await trainXor(lamina);
    expect(browserPredictions).toEqual(nodePredictions);
    // learnt: the two ones above 0.5, the two zeros below
    expect(browserPredictions.map((p) => (p > 0.5 ? 1 : 0))).toEqual([0, 1, 1, 0]);
    expect(tab.errors).toEqual([]);
  }, 60000);

  it("runs on one thread by default on a page's main thread; setThreads(2) splits there too, to the same bits", async () => {
    const result = await inPage(async (l: typeof lamina) => {
      const defaultThreads = l.getThreads();
      const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
      // 256 x 64 -> 256 -> 1: products large enough to be split
      const train = async (threads: number): Promise<{ weights: number[]; splits: number }> => {
        l.setThreads(threads);
        const model = new l.Sequential({ seed: 2 });
        model.add(new l.Dense(256, { inputShape: [64], activation: 'relu' }));
        model.add(new l.Dense(1));
        model.compile({ loss: 'meanSquaredError', optimizer: 'adam' });
        const x = l.Tensor.zeros([128, 64]);
        for (let i = 0; i < x.size; i++) x.data[i] = Math.sin(i);
        const y = l.Tensor.zeros([128, 1]);
        for (let i = 0; i < y.size; i++) y.data[i] = Math.cos(i);
        const before = l.poolStats().splitJobs;
        await model.fit(x, y, { epochs: 10, batchSize: 128, verbose: 0 });
        return { weights: Array.from(model.getWeights()[0].data), splits: l.poolStats().splitJobs - before };
      };
      const one = await train(1);
      l.setThreads(2);
      // the Web Workers load in the background; give them a moment before the timed fit
      for (let i = 0; i < 50 && l.poolStats().workers === 0; i++) await train(2);
      await new Promise((r) => setTimeout(r, 300));
      const two = await train(2);
      l.setThreads(1);
      return { defaultThreads, isolated, same: JSON.stringify(one.weights) === JSON.stringify(two.weights), splits: [one.splits, two.splits] };
    });
    expect(result.isolated).toBe(true);
    expect(result.defaultThreads).toBe(1);
    expect(result.same).toBe(true);
    expect(result.splits[0]).toBe(0);
    expect(result.splits[1]).toBeGreaterThan(0);
  }, 60000);

  it('inside a Web Worker uses every core by default: a pool of Web Workers splits the products, to the same bits as one thread', async () => {
    const result = await page.evaluate(`(async () => {
      const source = \`
        import * as l from '\${location.origin}/dist/lamina.mjs';
        const train = async (threads) => {
          l.setThreads(threads);
          const model = new l.Sequential({ seed: 2 });
          model.add(new l.Dense(256, { inputShape: [64], activation: 'relu' }));
          model.add(new l.Dense(256, { activation: 'relu' }));
          model.add(new l.Dense(1));
          model.compile({ loss: 'meanSquaredError', optimizer: 'adam' });
          const x = l.Tensor.zeros([256, 64]);
          for (let i = 0; i < x.size; i++) x.data[i] = Math.sin(i);
          const y = l.Tensor.zeros([256, 1]);
          for (let i = 0; i < y.size; i++) y.data[i] = Math.cos(i);
          const before = l.poolStats().splitJobs;
          await model.fit(x, y, { epochs: 10, batchSize: 256, verbose: 0 });
          return { weights: Array.from(model.getWeights()[2].data), splits: l.poolStats().splitJobs - before };
        };
        const defaultThreads = l.getThreads();
        const cores = navigator.hardwareConcurrency;
        const one = await train(1);
        for (let i = 0; i < 50 && l.poolStats().workers === 0; i++) await train(2);
        await new Promise((r) => setTimeout(r, 300));
        const two = await train(2);
        postMessage({ defaultThreads, cores, same: JSON.stringify(one.weights) === JSON.stringify(two.weights), splits: [one.splits, two.splits], kernels: Object.keys(l.poolStats().splitsByKernel).sort() });
      \`;
      const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })), { type: 'module' });
      return await new Promise((resolve, reject) => {
        worker.onmessage = (e) => resolve(e.data);
        worker.onerror = (e) => reject(new Error(e.message));
      });
    })()`) as { defaultThreads: number; cores: number; same: boolean; splits: number[]; kernels: string[] };
    expect(result.defaultThreads).toBe(result.cores);
    expect(result.same).toBe(true);
    expect(result.splits[0]).toBe(0);
    expect(result.splits[1]).toBeGreaterThan(0);
    expect(result.kernels).toEqual(['dense', 'matmul']);
    expect(tab.errors).toEqual([]);
  }, 60000);

  it('without cross-origin isolation runs on one thread and says so once when more are asked for', async () => {
    const plain = await browser.newPage();
    const warnings: string[] = [];
    plain.on('console', (m) => {
      if (m.type() === 'warn') warnings.push(m.text());
    });
    await plain.goto('about:blank');
    await plain.addScriptTag({ content: fs.readFileSync(path.join(ROOT, 'dist', 'lamina.min.js'), 'utf8') });
    const result = (await plain.evaluate(`(async () => {
      lamina.setThreads(2);
      const a = lamina.Tensor.zeros([300, 300]);
      const b = lamina.Tensor.zeros([300, 300]);
      lamina.matMul(a, b);
      lamina.matMul(a, b);
      return { isolated: crossOriginIsolated, shared: a.data.buffer instanceof SharedArrayBuffer, stats: lamina.poolStats() };
    })()`)) as { isolated: boolean; shared: boolean; stats: { workers: number; splitJobs: number } };
    await plain.close();
    expect(result.isolated).toBe(false);
    expect(result.shared).toBe(false);
    expect(result.stats.workers).toBe(0);
    expect(warnings).toEqual(['lamina: 2 threads asked for, but this platform has no shared memory (SharedArrayBuffer needs cross-origin isolation: COOP and COEP headers); running on one thread']);
  }, 30000);

  it('saves to localStorage under TensorFlow.js\'s keys and loads back the same predictions; TF.js reads the save too', async () => {
    const result = await inPage(async (l: typeof lamina) => {
      const model = (globalThis as unknown as { xorModel: lamina.Sequential }).xorModel;
      const x = new l.Tensor(new Float32Array([0, 0, 0, 1, 1, 0, 1, 1, 0.5, 0.25]), [5, 2]);
      await model.save('localstorage://xor');
      const loaded = await l.loadModel('localstorage://xor');
      const keys = Object.keys(localStorage).filter((k) => k.startsWith('tensorflowjs_models/xor/')).sort();
      return { before: Array.from(model.predict(x).data), after: Array.from((loaded.predict(x) as lamina.Tensor).data), keys };
    });
    expect(result.after).toEqual(result.before);
    expect(result.keys).toEqual(['info', 'model_metadata', 'model_topology', 'weight_data', 'weight_specs'].map((k) => `tensorflowjs_models/xor/${k}`));
    // TensorFlow.js in the same page loads Lamina's save
    await page.addScriptTag({ path: path.join(ROOT, 'node_modules', '@tensorflow', 'tfjs', 'dist', 'tf.min.js') });
    const tf = (await page.evaluate(`(async () => {
      const m = await tf.loadLayersModel('localstorage://xor');
      return Array.from(m.predict(tf.tensor2d([0, 0, 0, 1, 1, 0, 1, 1, 0.5, 0.25], [5, 2])).dataSync());
    })()`)) as number[];
    tf.forEach((v, i) => expect(Math.abs(v - result.before[i])).toBeLessThan(1e-6));
    expect(tab.errors).toEqual([]);
  }, 60000);

  it('saves to IndexedDB as TensorFlow.js does (its database and stores) and loads back; TF.js reads it as well', async () => {
    const result = await inPage(async (l: typeof lamina) => {
      const model = (globalThis as unknown as { xorModel: lamina.Sequential }).xorModel;
      const x = new l.Tensor(new Float32Array([0, 0, 0, 1, 1, 0, 1, 1]), [4, 2]);
      const saved = await model.save('indexeddb://xor-db');
      const loaded = await l.loadModel('indexeddb://xor-db');
      let missing = '';
      await l.loadModel('indexeddb://no-such-model').catch((e: Error) => { missing = e.message; });
      return { before: Array.from(model.predict(x).data), after: Array.from((loaded.predict(x) as lamina.Tensor).data), bytes: saved.bytes, missing };
    });
    expect(result.after).toEqual(result.before);
    expect(result.bytes).toBe(4 * (2 * 8 + 8 + 8 + 1));
    expect(result.missing).toBe("loadModel: indexeddb://no-such-model: IndexedDB has no model named 'no-such-model'");
    const tf = (await page.evaluate(`(async () => {
      const m = await tf.loadLayersModel('indexeddb://xor-db');
      return Array.from(m.predict(tf.tensor2d([0, 0, 0, 1, 1, 0, 1, 1], [4, 2])).dataSync());
    })()`)) as number[];
    tf.forEach((v, i) => expect(Math.abs(v - result.before[i])).toBeLessThan(1e-6));
  }, 60000);

  it('loads a model saved by Node over http, and refuses a manifest path that climbs out', async () => {
    // A model saved by Node into a folder the server serves (out/ is git-ignored)
    const dir = path.join(ROOT, 'out', 'browser-spec-model');
    fs.rmSync(dir, { recursive: true, force: true });
    const model = new lamina.Sequential({ seed: 9 });
    model.add(new lamina.Dense(3, { inputShape: [2], activation: 'relu' }));
    model.add(new lamina.Dense(1));
    await model.save(`file://${dir}`);
    const x = [0.5, -1, 2, 0.25];
    const expected = Array.from(model.predict(new lamina.Tensor(Float32Array.from(x), [2, 2])).data);
    const url = `${server.url}/out/browser-spec-model/model.json`;
    const got = await inPage(async (l: typeof lamina, u: string, values: number[]) => {
      const m = await l.loadModel(u);
      return Array.from((m.predict(new l.Tensor(Float32Array.from(values), [2, 2])) as lamina.Tensor).data);
    }, url, x);
    expect(got).toEqual(expected);
    // the same folder with a weights path leading out of it
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    json.weightsManifest[0].paths = ['../../package.json'];
    fs.writeFileSync(path.join(dir, 'hostile.json'), JSON.stringify(json));
    const refused = await inPage(async (l: typeof lamina, u: string) => l.loadModel(u).then(() => 'loaded', (e: Error) => e.message), `${server.url}/out/browser-spec-model/hostile.json`);
    expect(refused).toContain("the weights path '../../package.json' is not a plain file name");
  }, 60000);

  it("downloads:// gives the two files TF.js names (<name>.json, <name>.weights.bin), which load back in Node", async () => {
    const downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'lamina-downloads-'));
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
    const before = await inPage(async (l: typeof lamina) => {
      const model = (globalThis as unknown as { xorModel: lamina.Sequential }).xorModel;
      await model.save('downloads://xor-file');
      return Array.from(model.predict(new l.Tensor(new Float32Array([0, 1, 1, 1]), [2, 2])).data);
    });
    // wait for both files to land
    const wanted = ['xor-file.json', 'xor-file.weights.bin'];
    for (let i = 0; i < 100 && !wanted.every((f) => fs.existsSync(path.join(downloads, f))); i++) await new Promise((r) => setTimeout(r, 100));
    expect(fs.readdirSync(downloads).sort()).toEqual(wanted);
    fs.renameSync(path.join(downloads, 'xor-file.json'), path.join(downloads, 'model.json'));
    const loaded = await lamina.loadModel(`file://${downloads}`);
    expect(Array.from((loaded.predict(new lamina.Tensor(new Float32Array([0, 1, 1, 1]), [2, 2])) as lamina.Tensor).data)).toEqual(before);
    fs.rmSync(downloads, { recursive: true, force: true });
  }, 60000);

  it('says what needs Node.js: file:// saves and loadDigits give Errors naming the feature', async () => {
    const messages = await inPage(async (l: typeof lamina) => {
      const model = (globalThis as unknown as { xorModel: lamina.Sequential }).xorModel;
      const save = await model.save('file://somewhere').then(() => 'saved', (e: Error) => e.message);
      let digits = '';
      try {
        l.loadDigits();
      } catch (e) {
        digits = (e as Error).message;
      }
      return { save, digits };
    });
    expect(messages.save).toMatch(/^file:\/\/ models \(model\.save\) needs Node\.js \(its '(fs|os|path|crypto)' module\); this is a browser or another runtime without it$/);
    expect(messages.digits).toContain("loadDigits (it reads the mnist package's files) needs Node.js");
  });
});
