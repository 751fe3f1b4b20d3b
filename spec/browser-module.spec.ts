/**
 * Lamina in a real browser (headless Chromium, spec/helpers/browser.ts): the ES module bundle
 * (dist/lamina.mjs, which `npm test` builds) loads from a page, trains to the same bits as Node,
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

  it('runs on one thread there (the pool is built on Node's worker threads)', async () => {
    const threads = await inPage((l: typeof lamina) => l.getThreads());
    expect(threads).toBe(1);
  });

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
