/**
 * The dropout playground (docs/playground/) in a real Chromium, against the browser bundle
 * dist/lamina.mjs: it loads without errors, the tutorial case-study preset gives in the page's
 * Web Worker the same bits as examples/circles-mlp.ts in Node, the decision boundary is drawn and
 * moves with the dropout rate, Monte Carlo dropout is most uncertain on the boundary, the mask
 * view shows the step's mask, and the static server isolates and refuses '..'.
 */
import * as http from 'http';
import type { Browser, Page } from 'puppeteer-core';
import { runCaseStudy } from '../examples/circles-mlp';
import { browserBundle, launchBrowser, OpenPage, openPage, StaticServer, startStaticServer } from './helpers/browser';

/** What the page's test hook (window.playground in docs/playground/playground.js) gives. */
interface PresetModel {
  rate: number;
  trainAcc: number;
  testAcc: number;
  trainLoss: number;
  testLoss: number;
  seconds: number;
  epochs: number;
  history: { loss: number[]; acc: number[]; valLoss: number[]; valAcc: number[] };
}
interface PageState {
  epoch: number;
  history: { loss: number[]; acc: number[]; valLoss: number[]; valAcc: number[] };
  grid: number[] | null;
  res: number | null;
  mc: { res: number; samples: number; mean: number[]; std: number[] } | null;
  masks: { name: string; rate: number; rows: number; cols: number; kept: number }[];
  threads: number | null;
  isolated: boolean | null;
  errors: string[];
}
interface Hook {
  configure(config: Record<string, unknown>): Promise<unknown>;
  setDropout(rate: number): Promise<unknown>;
  train(epochs: number): Promise<{ epoch: number }>;
  step(): Promise<unknown>;
  runPreset(): Promise<{ noDropout: PresetModel; dropout: PresetModel }>;
  measureFps(ms: number): Promise<number>;
  state(): PageState;
  maskBits(): { name: string; rate: number; rows: number; cols: number; bits: number[] }[];
  boundaryPixels(): number[];
  trainLabels(): number[];
}

/** Calls window.playground[name](...args) in the page (the spec is compiled without the DOM's types). */
function call<K extends keyof Hook>(name: K, ...args: Parameters<Hook[K]>): Promise<Awaited<ReturnType<Hook[K]>>> {
  return page.evaluate(
    (method: string, values: unknown[]) => (globalThis as unknown as { playground: Record<string, (...v: unknown[]) => unknown> }).playground[method](...values),
    name,
    args as unknown[],
  ) as Promise<Awaited<ReturnType<Hook[K]>>>;
}

/** A small interactive configuration: two circles, the tutorial's split, 2-64-1 relu. */
const SMALL = {
  dataset: 'circles', n: 100, noise: 0.1, trainPercent: 30, dataSeed: 1,
  layers: 1, units: 64, activation: 'relu', inputRate: 0, rate: 0, maxNorm: null,
  learningRate: 0.01, batchSize: 32, seed: 3, maxEpochs: 4000,
};

let browser: Browser;
let server: StaticServer;
let opened: OpenPage;
let page: Page;

beforeAll(async () => {
  browserBundle();
  browser = await launchBrowser();
  server = await startStaticServer();
  opened = await openPage(browser, server, '/docs/playground/index.html');
  page = opened.page;
  await page.evaluate(() => (globalThis as unknown as { playground: { ready: Promise<unknown> } }).playground.ready);
}, 60000);

afterAll(async () => {
  await opened?.close();
  await browser?.close();
  await server?.close();
});

/** Fraction of RGB channel values that differ by more than 8 between two RGBA pixel arrays. */
function changedFraction(a: number[], b: number[]): number {
  let changed = 0;
  // Every channel but alpha.
  for (let i = 0; i < a.length; i++) if (i % 4 !== 3 && Math.abs(a[i] - b[i]) > 8) changed++;
  return changed / ((a.length / 4) * 3);
}

/** Variance of the pixels' luminance. */
function luminanceVariance(rgba: number[]): number {
  const n = rgba.length / 4;
  let sum = 0;
  let sq = 0;
  // Rec. 601 luma of each pixel.
  for (let i = 0; i < rgba.length; i += 4) {
    const y = 0.299 * rgba[i] + 0.587 * rgba[i + 1] + 0.114 * rgba[i + 2];
    sum += y;
    sq += y * y;
  }
  return sq / n - (sum / n) ** 2;
}

describe('the playground in Chromium', () => {
  test('loads cross-origin isolated, starts its worker and trains, with no console or page error', async () => {
    const state = await call('state');
    // The server's COOP/COEP reach the worker: shared memory, so Lamina's thread pool can run there.
    expect(state.isolated).toBe(true);
    expect(state.grid).toHaveLength(64 * 64);
    expect(state.mc?.std).toHaveLength(40 * 40);
    const { epoch } = await call('train', 5);
    expect(epoch).toBe(5);
    expect(opened.errors).toEqual([]);
    expect(state.errors).toEqual([]);
  }, 30000);

  test('the case-study preset gives the bits runCaseStudy gives in Node, seed 1, without and with Dropout(0.4)', async () => {
    const node = { noDropout: await runCaseStudy({ seed: 1 }), dropout: await runCaseStudy({ seed: 1, rate: 0.4 }) };
    const running = call('runPreset');
    // Frames per second of the page while the worker trains (the first model's fit).
    await new Promise((resolve) => setTimeout(resolve, 500));
    const fps = await call('measureFps', 1500);
    const browserRuns = await running;
    for (const key of ['noDropout', 'dropout'] as const) {
      const b = browserRuns[key];
      const n = node[key];
      expect(b.epochs).toBe(4000);
      // Full doubles, compared with Object.is: bit for bit.
      expect([b.trainAcc, b.testAcc, b.trainLoss, b.testLoss]).toEqual([n.trainAcc, n.testAcc, n.trainLoss, n.testLoss]);
      expect(b.history.loss).toEqual(n.history.history.loss);
      expect(b.history.valLoss).toEqual(n.history.history.val_loss);
      expect(b.history.acc).toEqual(n.history.history.accuracy);
      expect(b.history.valAcc).toEqual(n.history.history.val_accuracy);
    }
    // The tutorial's story: without dropout the test loss climbs far above the one with dropout.
    expect(browserRuns.noDropout.testLoss).toBeGreaterThan(2 * browserRuns.dropout.testLoss);
    // Shown in the page's table, to 3 decimals as `npm start` prints them.
    const rows = (await page.$$eval('#presetTable tbody tr', (trs) => trs.map((tr) => (tr as unknown as { innerText: string }).innerText))).map((text) => text.split('\t'));
    expect(rows.map((r) => r.slice(1, 3))).toEqual([
      [node.noDropout.trainAcc.toFixed(3), node.noDropout.testAcc.toFixed(3)],
      [node.dropout.trainAcc.toFixed(3), node.dropout.testAcc.toFixed(3)],
    ]);
    console.log(
      `playground case study: ${fps.toFixed(1)} fps while training; fit ${browserRuns.noDropout.seconds.toFixed(2)} s / ${browserRuns.dropout.seconds.toFixed(2)} s ` +
        `in Chromium's worker, ${node.noDropout.seconds.toFixed(2)} s / ${node.dropout.seconds.toFixed(2)} s in Node (no dropout / Dropout(0.4))`,
    );
    expect(fps).toBeGreaterThanOrEqual(30);
    expect(opened.errors).toEqual([]);
  }, 90000);

  test('Monte Carlo dropout is more uncertain on the decision boundary than far from it', async () => {
    // After the preset the page shows the Dropout(0.4) model.
    const { mc } = await call('state');
    expect(mc).not.toBeNull();
    const near: number[] = [];
    const far: number[] = [];
    mc?.mean.forEach((m, i) => {
      if (Math.abs(m - 0.5) < 0.1) near.push(mc.std[i]);
      else if (Math.abs(m - 0.5) > 0.45) far.push(mc.std[i]);
    });
    const average = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
    expect(near.length).toBeGreaterThan(20);
    expect(far.length).toBeGreaterThan(100);
    expect(average(near)).toBeGreaterThan(3 * average(far));
    expect(average(near)).toBeGreaterThan(0.1);
  }, 30000);

  test('the mask view shows the dropout mask of each step: about rate of the units dropped, a new mask each step', async () => {
    await call('configure', { ...SMALL, rate: 0.4, units: 500 });
    await call('step');
    const first = await call('maskBits');
    await call('step');
    const second = await call('maskBits');
    expect(first).toHaveLength(1);
    expect([first[0].rows, first[0].cols, first[0].rate]).toEqual([30, 500, 0.4]);
    const dropped = first[0].bits.filter((b) => b === 0).length / first[0].bits.length;
    expect(dropped).toBeGreaterThan(0.37);
    expect(dropped).toBeLessThan(0.43);
    const differing = first[0].bits.filter((b, i) => b !== second[0].bits[i]).length / first[0].bits.length;
    // Two independent masks of rate 0.4 differ in 2 * 0.4 * 0.6 = 48% of the units.
    expect(differing).toBeGreaterThan(0.4);
    expect(differing).toBeLessThan(0.56);
  }, 30000);

  test('the decision-boundary canvas is not blank and changes with the dropout rate (same epochs)', async () => {
    await call('configure', SMALL);
    await call('train', 300);
    const without = await call('boundaryPixels');
    const gridWithout = (await call('state')).grid as number[];
    await call('setDropout', 0.5);
    const { epoch } = await call('train', 300);
    expect(epoch).toBe(300);
    const withDropout = await call('boundaryPixels');
    const gridWith = (await call('state')).grid as number[];

    expect(luminanceVariance(without)).toBeGreaterThan(100);
    expect(luminanceVariance(withDropout)).toBeGreaterThan(100);
    // Both classes are predicted somewhere on the plane.
    for (const grid of [gridWithout, gridWith]) {
      expect(Math.min(...grid)).toBeLessThan(0.2);
      expect(Math.max(...grid)).toBeGreaterThan(0.8);
    }
    expect(changedFraction(without, withDropout)).toBeGreaterThan(0.02);
    expect(opened.errors).toEqual([]);
  }, 30000);
});

describe('the playground by its controls', () => {
  /** The epoch the page shows, from the test hook. */
  const epoch = async (): Promise<number> => (await call('state')).epoch;
  /** Waits until `check()` holds (polling every 50 ms), or fails after `ms`. */
  async function until(check: () => Promise<boolean>, what: string, ms = 10000): Promise<void> {
    const end = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  test('Play trains, Pause stops, Step adds one epoch, Reset starts again at epoch 0', async () => {
    await call('configure', { ...SMALL, rate: 0.2 });
    await page.click('#play');
    await until(async () => (await epoch()) >= 50, 'epoch 50 while playing');
    await page.click('#pause');
    // Let the frame in flight land, then the epoch must hold still.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const paused = await epoch();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await epoch()).toBe(paused);
    await page.click('#step');
    await until(async () => (await epoch()) === paused + 1, 'one more epoch after Step');
    await page.click('#reset');
    await until(async () => (await epoch()) === 0 && (await call('state')).history.loss.length === 0, 'epoch 0 after Reset');
    expect(opened.errors).toEqual([]);
  }, 30000);

  test('each dataset (circles, moons, XOR, spiral) trains from its control, with both classes in the training share', async () => {
    for (const dataset of ['circles', 'moons', 'xor', 'spiral']) {
      await call('configure', { ...SMALL, dataset, n: 200, noise: 0.05, units: 32, layers: 2, activation: 'tanh', rate: 0.1, inputRate: 0.1, maxNorm: 3 });
      await call('train', 30);
      const state = await call('state');
      expect([dataset, state.epoch, state.history.loss.length]).toEqual([dataset, 30, 30]);
      expect(state.history.loss.every(Number.isFinite)).toBe(true);
      expect(state.masks.map((m) => m.name).length).toBe(3);
      const labels = await call('trainLabels');
      expect([dataset, labels.length, new Set(labels).size]).toEqual([dataset, 60, 2]);
    }
    expect(opened.errors).toEqual([]);
  }, 60000);
});

describe('docs/playground/server.js', () => {
  /** GET `urlPath` sent as it is (options, not a URL, which would resolve the '..'): status and headers. */
  function get(urlPath: string): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
    const { hostname, port } = new URL(server.url);
    return new Promise((resolve, reject) => {
      http
        .get({ hostname, port, path: urlPath }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
        })
        .on('error', reject);
    });
  }

  test('serves the page and the bundle cross-origin isolated, with their content types', async () => {
    const pageRes = await get('/docs/playground/index.html');
    expect(pageRes.status).toBe(200);
    expect(pageRes.headers['content-type']).toMatch(/^text\/html/);
    expect(pageRes.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(pageRes.headers['cross-origin-embedder-policy']).toBe('require-corp');
    const bundle = await get('/dist/lamina.mjs');
    expect(bundle.status).toBe(200);
    expect(bundle.headers['content-type']).toMatch(/^text\/javascript/);
    expect(bundle.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect((await get('/docs/playground/no-such-file.js')).status).toBe(404);
  });

  test("refuses '..' in any spelling", async () => {
    for (const p of ['/../package.json', '/docs/playground/../../etc/passwd', '/docs/playground/%2e%2e/package.json', '/docs/playground/..%2f..%2fetc%2fpasswd', '/%2e%2e%5cpackage.json']) {
      expect([p, (await get(p)).status]).toEqual([p, 400]);
    }
  });
});
