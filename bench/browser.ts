/**
 * The case study in a real browser against Node: the same 4000-epoch fits (with and without
 * Dropout(0.4)) run from the browser bundle (dist/lamina.min.js) in headless Chromium (the
 * @sparticuz/chromium build; Chromium and Node share V8) and from dist/ in this process,
 * alternated, best of `repeats` each. Both must give the same accuracies to the bit.
 *
 * Run: npm run build && node dist/bench/browser.js
 */
import * as fs from 'fs';
import * as path from 'path';
import * as lamina from '../index';

/** One case-study fit's time and scores. */
export interface CaseStudyResult {
  seconds: number;
  trainAcc: number;
  testAcc: number;
  testLoss: number;
}

/**
 * The case study's fit and evaluation, written against the library's namespace `l` only, so the
 * same source runs here and, serialized, in the page (where `l` is the bundle's global `lamina`).
 */
async function caseStudy(l: typeof lamina, rate: number, epochs: number): Promise<CaseStudyResult> {
  const { X, y } = l.makeCircles({ nSamples: 100, noise: 0.1, randomState: 1 });
  const { trainX, testX, trainY, testY } = l.splitRows(X, y, 30);
  const model = new l.Sequential({ seed: 1 });
  model.add(new l.Dense(500, { inputDim: 2, activation: 'relu' }));
  if (rate > 0) model.add(new l.Dropout(rate));
  model.add(new l.Dense(1, { activation: 'sigmoid' }));
  model.compile({ loss: 'binary_crossentropy', optimizer: 'adam', metrics: ['accuracy'] });
  const started = performance.now();
  await model.fit(trainX, trainY, { validationData: [testX, testY], epochs, verbose: 0 });
  const seconds = (performance.now() - started) / 1000;
  const [, trainAcc] = model.evaluate(trainX, trainY);
  const [testLoss, testAcc] = model.evaluate(testX, testY);
  return { seconds, trainAcc, testAcc, testLoss };
}

/** What `benchBrowser` measured for one model. */
export interface BrowserTiming {
  model: string;
  nodeSeconds: number;
  chromiumSeconds: number;
  /** Chromium's time over Node's. */
  ratio: number;
  /** Whether both gave the same accuracies and test loss, bit for bit. */
  identical: boolean;
  chromium: string;
}

/** Times the case study in Chromium and in Node, alternated; best of `repeats` each. */
export async function benchBrowser(epochs = 4000, repeats = 3): Promise<BrowserTiming[]> {
  // Loaded here, not at the top: the bench runs without them when they are not installed.
  const chromium = require('@sparticuz/chromium') as { args: string[]; executablePath(): Promise<string> };
  const puppeteer = require('puppeteer-core') as typeof import('puppeteer-core');
  const browser = await puppeteer.launch({ args: chromium.args, executablePath: await chromium.executablePath(), headless: true });
  try {
    const page = await browser.newPage();
    await page.addScriptTag({ content: fs.readFileSync(path.join(__dirname, '..', 'lamina.min.js'), 'utf8') });
    const version = await browser.version();
    const source = caseStudy.toString();
    const results: BrowserTiming[] = [];
    for (const rate of [0, 0.4]) {
      let node: CaseStudyResult | null = null;
      let page1: CaseStudyResult | null = null;
      // Node and Chromium alternated, so both see the same state of the machine.
      for (let r = 0; r < repeats; r++) {
        const n = await caseStudy(lamina, rate, epochs);
        const c = (await page.evaluate(`(${source})(lamina, ${rate}, ${epochs})`)) as CaseStudyResult;
        if (node === null || n.seconds < node.seconds) node = n;
        if (page1 === null || c.seconds < page1.seconds) page1 = c;
      }
      const [a, b] = [node as CaseStudyResult, page1 as CaseStudyResult];
      results.push({
        model: rate > 0 ? `Dropout(${rate})` : 'no dropout',
        nodeSeconds: a.seconds,
        chromiumSeconds: b.seconds,
        ratio: b.seconds / a.seconds,
        identical: a.trainAcc === b.trainAcc && a.testAcc === b.testAcc && a.testLoss === b.testLoss,
        chromium: version,
      });
    }
    return results;
  } finally {
    await browser.close();
  }
}

if (require.main === module) {
  benchBrowser().then((rows) => {
    for (const r of rows) {
      console.log(`${r.model}: Node ${r.nodeSeconds.toFixed(2)} s, ${r.chromium} ${r.chromiumSeconds.toFixed(2)} s, Chromium / Node ${r.ratio.toFixed(2)}, identical: ${r.identical}`);
    }
    if (process.argv.includes('--json')) console.log(JSON.stringify(rows));
  }).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
