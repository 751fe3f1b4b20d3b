/**
 * A real Chromium for the browser specs: puppeteer-core driving the Chromium build shipped inside
 * @sparticuz/chromium (no download at run time), and the playground's static server
 * (docs/playground/server.js, cross-origin isolated) on a free port of 127.0.0.1.
 *
 *   const browser = await launchBrowser();
 *   const server = await startStaticServer();
 *   const { page, errors, close } = await openPage(browser, server, '/docs/playground/index.html');
 */
import * as fs from 'fs';
import * as path from 'path';
import chromium from '@sparticuz/chromium';
import puppeteer, { Browser, Page } from 'puppeteer-core';

const ROOT = path.join(__dirname, '..', '..');

/** The static server of docs/playground/server.js: its base URL (no trailing slash) and how to stop it. */
export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/** A page of the browser, the console errors and page errors it reported so far (appended live), and how to close it. */
export interface OpenPage {
  page: Page;
  errors: string[];
  close(): Promise<void>;
}

/** Options of `launchBrowser`. */
export interface LaunchOptions {
  /**
   * Default true: Chromium with a process per site and web security on (`browserArgs`), so a page
   * served with COOP/COEP is `crossOriginIsolated`, as in a user's browser. False: the unchanged
   * @sparticuz/chromium arguments (one process, site isolation off), where `crossOriginIsolated`
   * stays false even under COOP/COEP.
   */
  crossOriginIsolated?: boolean;
}

/**
 * @sparticuz/chromium's flags without those that turn off what a cross-origin isolated page needs
 * (one process per site, web security): with them `crossOriginIsolated` is false even under COOP
 * and COEP, so a page could not be tested the way a user's browser runs it.
 */
export function browserArgs(): string[] {
  const dropped = new Set(['--single-process', '--no-zygote', '--disable-site-isolation-trials', '--disable-web-security', '--allow-running-insecure-content']);
  return chromium.args.filter((a) => !dropped.has(a) && !a.startsWith('--disable-features=')).concat(['--disable-features=AudioServiceOutOfProcess']);
}

/** Starts Chromium headless (about 3 s cold, under 1 s once cached). Close it with `browser.close()`. */
export async function launchBrowser({ crossOriginIsolated = true }: LaunchOptions = {}): Promise<Browser> {
  const args = crossOriginIsolated ? browserArgs() : chromium.args;
  return puppeteer.launch({ args, executablePath: await chromium.executablePath(), headless: true });
}

/** The sources dist/lamina.mjs is bundled from. */
function bundleSources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...bundleSources(p));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/**
 * Path of dist/lamina.mjs (the browser bundle, which `npm test` builds before jest), after
 * checking it is at least as new as every source it comes from: throws an Error saying how to
 * build it otherwise (a stale bundle would test old code).
 */
export function browserBundle(): string {
  const bundle = path.join(ROOT, 'dist', 'lamina.mjs');
  if (!fs.existsSync(bundle)) throw new Error('dist/lamina.mjs is missing: run `npm run build` (npm test does) before the browser specs');
  const built = fs.statSync(bundle).mtimeMs;
  const sources = [path.join(ROOT, 'index.ts'), ...['lib', 'layers', 'kernels', 'datasets'].flatMap((d) => bundleSources(path.join(ROOT, d)))];
  for (const ts of sources) {
    if (fs.statSync(ts).mtimeMs > built) {
      throw new Error(`dist/lamina.mjs is older than ${path.relative(ROOT, ts)}: run \`npm run build\` (npm test does) before the browser specs`);
    }
  }
  return bundle;
}

/** Serves the repository root (or `root`) on 127.0.0.1 at a free port, with COOP/COEP headers. */
export async function startStaticServer(root: string = ROOT): Promise<StaticServer> {
  // docs/playground/server.js is plain CommonJS with no types: required, not imported.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startServer } = require(path.join(ROOT, 'docs', 'playground', 'server.js')) as {
    startServer(options: { port?: number; root?: string }): Promise<StaticServer>;
  };
  return startServer({ port: 0, root });
}

/**
 * Opens `urlPath` (e.g. '/docs/playground/index.html') of `server` in a new page of `browser` and
 * waits for the load event. `errors` collects every console.error message, uncaught page error,
 * failed request and HTTP error response (>= 400) of the page and its workers.
 */
export async function openPage(browser: Browser, server: StaticServer, urlPath: string, { timeout = 30000 } = {}): Promise<OpenPage> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console.error: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error instanceof Error ? error.message : String(error)}`));
  page.on('requestfailed', (req) => errors.push(`request failed: ${req.url()} (${req.failure()?.errorText ?? 'unknown'})`));
  page.on('response', (res) => {
    if (res.status() >= 400) errors.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  // Errors thrown in workers (a module that fails to load, an uncaught exception) reach the page as console errors;
  // a worker's own console.error is caught here too.
  page.on('workercreated', (worker) => {
    worker.on('console', (message) => {
      if (message.type() === 'error') errors.push(`worker console.error: ${message.text()}`);
    });
  });
  await page.goto(`${server.url}${urlPath}`, { waitUntil: 'load', timeout });
  return { page, errors, close: () => page.close() };
}
