/**
 * Screenshot of the playground after the tutorial case-study preset, to docs/playground.png:
 *
 *   npm run build && node docs/playground/screenshot.js [out.png]
 *
 * Headless Chromium from @sparticuz/chromium, launched as spec/helpers/browser.ts does (its
 * flags without those that prevent cross-origin isolation), the page served by server.js.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const chromiumModule = require('@sparticuz/chromium');
const puppeteer = require('puppeteer-core');
const { startServer } = require('./server');

const chromium = chromiumModule.default || chromiumModule;

/** The same flags as spec/helpers/browser.ts's `browserArgs`. */
function browserArgs() {
  const dropped = new Set(['--single-process', '--no-zygote', '--disable-site-isolation-trials', '--disable-web-security', '--allow-running-insecure-content']);
  return chromium.args.filter((a) => !dropped.has(a) && !a.startsWith('--disable-features=')).concat(['--disable-features=AudioServiceOutOfProcess']);
}

async function main() {
  const out = path.resolve(process.argv[2] || path.join(__dirname, '..', 'playground.png'));
  if (!fs.existsSync(path.join(__dirname, '..', '..', 'dist', 'lamina.mjs'))) throw new Error('dist/lamina.mjs is missing: run `npm run build` first');
  const server = await startServer({ port: 0 });
  const browser = await puppeteer.launch({ args: browserArgs(), executablePath: await chromium.executablePath(), headless: true });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.setViewport({ width: 1180, height: 900, deviceScaleFactor: 1 });
    await page.goto(`${server.url}/docs/playground/index.html`, { waitUntil: 'load' });
    await page.evaluate(() => window.playground.ready);
    const results = await page.evaluate(() => window.playground.runPreset());
    if (errors.length > 0) throw new Error(`the page reported errors:\n${errors.join('\n')}`);
    await page.screenshot({ path: out, fullPage: true });
    for (const [name, r] of Object.entries(results)) {
      console.log(`${name}: train acc ${r.trainAcc.toFixed(3)}, test acc ${r.testAcc.toFixed(3)}, fit ${r.seconds.toFixed(2)} s`);
    }
    console.log(`wrote ${path.relative(process.cwd(), out)}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
