/**
 * The case study's cost: 4000 epochs of the 2-500-1 MLP on 30 points, validating on 70 each
 * epoch, with and without Dropout(0.4), timed end to end (`fit` only), plus the process's peak
 * resident memory and the heap after epoch 100 against after the last epoch.
 *
 * Run: npm run build && node --expose-gc dist/bench/case-study.js
 */
import { Callback } from '../index';
import { circlesData, circlesFunctionalModel, circlesModel } from '../examples/circles-mlp';

export interface CaseStudyTiming {
  model: string;
  seconds: number;
  heapAfter100MB: number;
  heapAfterLastMB: number;
}

/** Times one fit of the case study (best of `repeats`); `functional`: the model written with Input/apply/Model. */
export async function timeCaseStudy(dropoutRate: number | null, epochs = 4000, repeats = 3, functional = false): Promise<CaseStudyTiming> {
  const { trainX, trainY, testX, testY } = circlesData();
  let best = Infinity;
  let heap100 = 0;
  let heapLast = 0;
  // Fit `repeats` times with the same seed; keep the fastest.
  for (let r = 0; r < repeats; r++) {
    const model = functional ? circlesFunctionalModel({ seed: 1, rate: dropoutRate }) : circlesModel({ seed: 1, rate: dropoutRate });
    // Heap in use after a full collection (run node with --expose-gc; otherwise garbage not yet
    // collected is counted too).
    const heapNow = () => {
      (globalThis as { gc?: () => void }).gc?.();
      return process.memoryUsage().heapUsed;
    };
    const heapProbe: Callback = {
      onEpochEnd(epoch) {
        if (epoch === 99) heap100 = heapNow();
        if (epoch === epochs - 1) heapLast = heapNow();
      },
    };
    const started = process.hrtime.bigint();
    await model.fit(trainX, trainY, { validationData: [testX, testY], epochs, verbose: 0, callbacks: [heapProbe] });
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e9);
  }
  const mb = (b: number) => b / 2 ** 20;
  return { model: `${dropoutRate === null ? 'no dropout' : `Dropout(${dropoutRate})`}${functional ? ', functional' : ''}`, seconds: best, heapAfter100MB: mb(heap100), heapAfterLastMB: mb(heapLast) };
}

/**
 * Peak resident memory of this process in MB: VmHWM from /proc on Linux (it starts afresh at
 * exec), else getrusage's maxRSS (which Linux carries over from the parent that forked us, so a
 * child of a large process would report the parent's size).
 */
export function peakRssMB(): number {
  try {
    const status = require('fs').readFileSync('/proc/self/status', 'utf8') as string;
    const kb = /VmHWM:\s+(\d+) kB/.exec(status);
    if (kb) return Number(kb[1]) / 1024;
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS / 1024;
}

async function main(): Promise<void> {
  // --json: one fit per model, figures as one JSON line (bench/run.ts reads it from a child process,
  // so the peak resident memory is this workload's alone)
  if (process.argv.includes('--json')) {
    const runs = [];
    for (const rate of [null, 0.4]) runs.push(await timeCaseStudy(rate, 4000, 1));
    console.log(JSON.stringify({ runs, maxRssMB: peakRssMB() }));
    return;
  }
  console.log('Case study: 2-500-1 MLP, Adam, 30 training points, validation on 70 each epoch, 4000 epochs (best of 3)');
  for (const rate of [null, 0.4]) {
    const t = await timeCaseStudy(rate);
    console.log(
      `${t.model.padEnd(14)} ${t.seconds.toFixed(3)} s   heap after epoch 100: ${t.heapAfter100MB.toFixed(1)} MB, after epoch 4000: ${t.heapAfterLastMB.toFixed(1)} MB`,
    );
  }
  console.log(`peak resident memory: ${peakRssMB().toFixed(0)} MB`);
}

if (require.main === module) void main();
