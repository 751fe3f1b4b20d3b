/**
 * `npm run bench`: Lamina, TensorFlow.js 4.22 (CPU and WebAssembly backends) and, when installed,
 * PyTorch (on 1 thread and on every core, one child process per run: bench/pytorch.ts) on the same
 * work; prints a table of figures, ratios and CPU% (CPU time over wall time: about 100% per busy
 * core) and writes it to bench/RESULTS.json and bench/RESULTS.md. Quick mode (default) runs
 * TF.js's slow workloads on fewer epochs/images and scales, and PyTorch's case study on 1000
 * epochs scaled to 4000; `npm run bench -- --full` runs everything at full size.
 *
 * Workloads: 1 the case study (4000 epochs, with and without Dropout(0.4)), and Lamina's time
 * against the hand-fused plain-JS floor (bench/floor-mlp.ts); 2 matmul GFLOP/s; 3 the digits CNN
 * (images/s at batch 32); 4 LSTM(32, dropout 0.5, recurrentDropout 0.5) (sequences/s at batch 32;
 * PyTorch: an LSTMCell loop with the same masks, and the fused nn.LSTM without dropout); 5 memory
 * of workload 1 (peak RSS, heap after epoch 100 and 4000); 6 Lamina alone: repeated evaluation on
 * 2 worker threads against serially; 7 the case study in headless Chromium against Node. Lamina runs on every core (its thread pool, kernels/parallel.ts);
 * the matmul and CNN workloads are also timed on 1 thread, for the speed-up from the other cores.
 */
import * as os from 'os';
import * as path from 'path';
import { getThreads, setThreads } from '../kernels/parallel';
import { writeFileAtomic } from '../lib/io/atomic-write';
import { timeCaseStudy } from './case-study';
import { benchBrowser } from './browser';
import { benchCnn } from './cnn';
import { addSpans, cpuPercent, lastJsonLine, measured, runChild, type Span } from './cpu';
import type { ParallelTiming } from './experiment';
import { benchLstm } from './lstm';
import { benchMatmul } from './matmul';
import { closeTorch, describeTorch, findTorch, numberField, torchCaseStudy, torchCnn, torchLstm, torchMatmul, type TorchFigure, type TorchPeer } from './pytorch';
import { markdown, type Row } from './table';
import { tfCaseStudy, tfCnn, tfLstm, tfMatmul, useBackend } from './tfjs';

const full = process.argv.includes('--full');
const cores = os.cpus().length;
/** PyTorch, when installed (found in main). */
let torch: TorchPeer | null = null;

/** Runs `f` for PyTorch on 1 thread and on every core (nothing without PyTorch): the row fields. */
function onBothThreadCounts(f: (peer: TorchPeer, threads: number) => TorchFigure): Pick<Row, 'torch1' | 'torchAll' | 'torch1Cpu' | 'torchAllCpu'> {
  if (torch === null) return {};
  const one = f(torch, 1);
  const all = f(torch, cores);
  return { torch1: one.value, torch1Cpu: one.cpuPercent, torchAll: all.value, torchAllCpu: all.cpuPercent };
}

/** CPU% of a measured span. */
function cpuOf(span: Span): number | null {
  return cpuPercent(span.cpuSeconds, span.wallSeconds);
}

/** One run of the hand-fused floor in a fresh process (a second run in one process is slower: see bench/floor-mlp.ts). */
function floorRun(): Span {
  const who = 'bench/floor-mlp.js --json';
  const r = lastJsonLine(runChild(process.execPath, [path.join(__dirname, 'floor-mlp.js'), '--json']).stdout, who);
  return { wallSeconds: numberField(r, 'seconds', who), cpuSeconds: numberField(r, 'cpuSeconds', who) };
}

/**
 * Workload 1 with its peers, and the hand-fused plain-JS floor: Lamina and the floor are timed
 * alternately (best of 3 each) so that a slow spell of the machine hits both.
 */
async function caseStudyRows(rows: Row[]): Promise<void> {
  const tfEpochs = full ? 4000 : 400;
  const torchEpochs = full ? 4000 : 1000;
  for (const rate of [null, 0.4]) {
    const name = rate === null ? 'no dropout' : 'Dropout(0.4)';
    let lamina = Infinity;
    let floor = Infinity;
    let floorSpan: Span = { wallSeconds: 0, cpuSeconds: 0 };
    const spans: Span[] = [];
    // Best of 3 fits; without dropout, each fit is followed by a run of the floor.
    for (let r = 0; r < 3; r++) {
      const fit = await measured(() => timeCaseStudy(rate, 4000, 1));
      lamina = Math.min(lamina, fit.value.seconds);
      spans.push(fit.span);
      if (rate === null) {
        const f = floorRun();
        floor = Math.min(floor, f.wallSeconds);
        floorSpan = addSpans([floorSpan, f]);
      }
    }
    const cpuPercent = cpuOf(addSpans(spans));
    await useBackend('cpu');
    const cpu = ((await tfCaseStudy(rate, tfEpochs)) * 4000) / tfEpochs;
    await useBackend('wasm');
    const wasm = ((await tfCaseStudy(rate, tfEpochs)) * 4000) / tfEpochs;
    const peers = onBothThreadCounts((peer, threads) => torchCaseStudy(peer, rate, torchEpochs, threads));
    const scaled = [full ? '' : `TF.js timed on ${tfEpochs} epochs`, full || torch === null ? '' : `PyTorch on ${torchEpochs}`].filter(Boolean);
    rows.push({
      workload: `1. case study, ${name}, 4000 epochs`,
      unit: 's',
      lamina,
      cpuPercent,
      tfCpu: cpu,
      tfWasm: wasm,
      ...peers,
      higherIsBetter: false,
      targetCpu: 20,
      targetWasm: 5,
      note: scaled.length ? `${scaled.join(', ')}, scaled to 4000` : undefined,
    });
    if (rate === null) {
      rows.push({
        workload: '1. case study, no dropout: Lamina\'s time / the hand-fused plain-JS floor\'s (bench/floor-mlp.ts)',
        unit: 'time ratio',
        lamina: lamina / floor,
        cpuPercent,
        tfCpu: null,
        tfWasm: null,
        higherIsBetter: false,
        targetCpu: null,
        targetWasm: null,
        ceiling: 0.85,
        note: `Lamina ${lamina.toFixed(2)} s, floor ${floor.toFixed(2)} s at ${cpuOf(floorSpan)?.toFixed(0)}% CPU, best of 3 alternated, a fresh process per floor run (target: at most 0.85)`,
      });
    } else {
      // The same model written with the functional API: the graph must cost nothing measurable.
      const functional = await measured(() => timeCaseStudy(rate, 4000, 3, true));
      const seconds = functional.value.seconds;
      rows.push({
        workload: `1. case study, ${name}, functional API, 4000 epochs`,
        unit: 's',
        lamina: seconds,
        cpuPercent: cpuOf(functional.span),
        tfCpu: cpu,
        tfWasm: wasm,
        higherIsBetter: false,
        targetCpu: 20,
        targetWasm: 5,
        ceiling: 1.05 * lamina,
        note: `functional / Sequential: ${(seconds / lamina).toFixed(3)} (target: at most 1.05)`,
      });
    }
  }
}

async function matmulRows(rows: Row[]): Promise<void> {
  const sizes = [64, 128, 256, 512, 1024];
  const torchSizes = sizes.filter((n) => n >= 256);
  const torchMin = full ? 1 : 0.5;
  const one = torch === null ? null : torchMatmul(torch, torchSizes, 1, torchMin);
  const all = torch === null ? null : torchMatmul(torch, torchSizes, cores, torchMin);
  for (const size of sizes) {
    const { value, span } = await measured(() => benchMatmul([size])[0]);
    const tfSizeOk = full || size <= 512;
    await useBackend('cpu');
    const cpu = tfSizeOk ? tfMatmul(size) : null;
    await useBackend('wasm');
    const wasm = tfMatmul(size);
    const [t1, tAll] = [one?.get(size), all?.get(size)];
    rows.push({
      workload: `2. matmul ${size} x ${size}`,
      unit: 'GFLOP/s',
      lamina: value.gflops,
      cpuPercent: cpuOf(span),
      tfCpu: cpu,
      tfWasm: wasm,
      torch1: t1?.value ?? null,
      torch1Cpu: t1?.cpuPercent ?? null,
      torchAll: tAll?.value ?? null,
      torchAllCpu: tAll?.cpuPercent ?? null,
      higherIsBetter: true,
      targetCpu: size >= 256 ? 3 : null,
      targetWasm: null,
      note: cpu === null ? 'TF.js CPU at 1024 only with --full' : undefined,
    });
  }
  // Both cores against one, alternated (best of 3 each), on the sizes the pool must speed up.
  for (const size of [512, 1024]) {
    const best = { one: 0, all: 0 };
    for (let r = 0; r < 3; r++) {
      best.one = Math.max(best.one, await onThreads(1, async () => benchMatmul([size])[0].gflops));
      best.all = Math.max(best.all, await onThreads(cores, async () => benchMatmul([size])[0].gflops));
    }
    rows.push(scalingRow(`2. matmul ${size} x ${size}`, best.one, best.all, 'GFLOP/s', 3, 1.8));
  }
}

/** A row of Lamina on every core over Lamina on 1 thread (a speed-up; `atLeast` its target, if any). */
function scalingRow(what: string, one: number, all: number, unit: string, best: number, atLeast?: number): Row {
  return {
    workload: `${what}: ${cores} threads / 1 thread`,
    unit: 'speed-up',
    lamina: all / one,
    tfCpu: null,
    tfWasm: null,
    higherIsBetter: true,
    targetCpu: null,
    targetWasm: null,
    atLeast,
    note: `1 thread ${one.toFixed(1)} ${unit}, ${cores} threads ${all.toFixed(1)} ${unit}, best of ${best} alternated (${atLeast === undefined ? 'reported, no target' : `target: at least ${atLeast}`})`,
  };
}

async function cnnRow(rows: Row[]): Promise<void> {
  const images = full ? 1024 : 256;
  const lamina = await measured(() => benchCnn(images, full ? 3 : 2));
  await useBackend('cpu');
  const cpu = await tfCnn(full ? 96 : 32);
  let wasm: number | null = null;
  let note = `TF.js CPU timed on ${full ? 96 : 32} images`;
  try {
    await useBackend('wasm');
    wasm = await tfCnn(32);
  } catch (e) {
    note += `; TF.js WASM cannot train it: ${(e as Error).message.split('\n')[0]}`;
  }
  const peers = onBothThreadCounts((peer, threads) => torchCnn(peer, images, 3, threads));
  if (torch !== null) note += `; PyTorch on the same ${images} images, best of 3 epochs`;
  rows.push({
    workload: '3. digits CNN training, batch 32',
    unit: 'images/s',
    lamina: lamina.value.imagesPerSecond,
    cpuPercent: cpuOf(lamina.span),
    tfCpu: cpu,
    tfWasm: wasm,
    ...peers,
    higherIsBetter: true,
    targetCpu: 75,
    targetWasm: null,
    targetTorch1: 0.2,
    note: `${note} (target: 75x TF.js CPU, 0.2x PyTorch 1 thread)`,
  });
  const best = { one: 0, all: 0 };
  for (let r = 0; r < 2; r++) {
    best.one = Math.max(best.one, (await onThreads(1, () => benchCnn(images, 1))).imagesPerSecond);
    best.all = Math.max(best.all, (await onThreads(cores, () => benchCnn(images, 1))).imagesPerSecond);
  }
  rows.push(scalingRow('3. digits CNN training', best.one, best.all, 'images/s', 2, 1.7));
  // Peak memory, in a child process of its own.
  const child = runChild(process.execPath, [path.join(__dirname, 'cnn.js'), '--json', String(images)]);
  const { maxRssMB } = lastJsonLine(child.stdout, 'bench/cnn.js --json') as unknown as { maxRssMB: number };
  rows.push({
    workload: `3. peak resident memory of the digits CNN training (${images} images, batch 32)`,
    unit: 'MB',
    lamina: maxRssMB,
    cpuPercent: cpuPercent(child.span.cpuSeconds, child.span.wallSeconds),
    tfCpu: null,
    tfWasm: null,
    higherIsBetter: false,
    targetCpu: null,
    targetWasm: null,
    note: 'reported (no target); CPU% of the whole child process',
  });
}

/** The value of `f` run with `threads` threads (the default number restored afterwards). */
async function onThreads<T>(threads: number, f: () => Promise<T>): Promise<T> {
  const before = getThreads();
  setThreads(threads);
  try {
    return await f();
  } finally {
    setThreads(before);
  }
}

async function lstmRows(rows: Row[]): Promise<void> {
  const n = full ? 1024 : 512;
  const repeats = full ? 3 : 2;
  const lamina = await measured(() => benchLstm({ n, epochs: 1, repeats }));
  const tfN = full ? 1024 : 128;
  await useBackend('cpu');
  const cpu = await tfLstm(tfN);
  await useBackend('wasm');
  const wasm = await tfLstm(tfN);
  const base = { unit: 'sequences/s', lamina: lamina.value.sequencesPerSecond, cpuPercent: cpuOf(lamina.span), higherIsBetter: true };
  rows.push({
    workload: '4. LSTM(32, dropout 0.5, recurrentDropout 0.5) -> Dense(1), 50 x 8, batch 32',
    ...base,
    tfCpu: cpu,
    tfWasm: wasm,
    ...onBothThreadCounts((peer, threads) => torchLstm(peer, 'var', n, repeats, threads)),
    targetCpu: 8,
    targetWasm: 2,
    note: `TF.js timed on ${tfN} sequences${torch === null ? '' : `; PyTorch: an LSTMCell loop with the same variational masks, ${n} sequences`}`,
  });
  if (torch !== null) {
    rows.push({
      workload: '4. the same Lamina LSTM vs PyTorch\'s fused nn.LSTM without dropout',
      ...base,
      tfCpu: null,
      tfWasm: null,
      ...onBothThreadCounts((peer, threads) => torchLstm(peer, 'fused', n, repeats, threads)),
      targetCpu: null,
      targetWasm: null,
      targetTorch1: 1,
      note: `PyTorch nn.LSTM has no recurrent dropout; ${n} sequences (target: 1.0x PyTorch 1 thread)`,
    });
  }
  await lstmScalingRow(rows, n);
}

/** The LSTM workload on every core against 1 thread (its time loop is split by samples). */
async function lstmScalingRow(rows: Row[], n: number): Promise<void> {
  const best = { one: 0, all: 0 };
  for (let r = 0; r < 2; r++) {
    best.one = Math.max(best.one, (await onThreads(1, () => benchLstm({ n, epochs: 1, repeats: 2 }))).sequencesPerSecond);
    best.all = Math.max(best.all, (await onThreads(cores, () => benchLstm({ n, epochs: 1, repeats: 2 }))).sequencesPerSecond);
  }
  rows.push(scalingRow('4. LSTM training', best.one, best.all, 'sequences/s', 2));
}

/** Workload 5, in a child process so the peak resident memory is the case study's alone. */
function memoryRows(rows: Row[]): void {
  const script = path.join(__dirname, 'case-study.js');
  const child = runChild(process.execPath, ['--expose-gc', script, '--json']);
  const { runs, maxRssMB } = lastJsonLine(child.stdout, 'bench/case-study.js --json') as unknown as {
    runs: Array<{ model: string; heapAfter100MB: number; heapAfterLastMB: number }>;
    maxRssMB: number;
  };
  rows.push({
    workload: '5. peak resident memory of workload 1 (both models, one process)',
    unit: 'MB',
    lamina: maxRssMB,
    cpuPercent: cpuPercent(child.span.cpuSeconds, child.span.wallSeconds),
    tfCpu: null,
    tfWasm: null,
    higherIsBetter: false,
    targetCpu: null,
    targetWasm: null,
    ceiling: 150,
    note: 'target: under 150 MB; CPU% of the whole child process',
  });
  for (const r of runs) {
    const growth = (r.heapAfterLastMB / r.heapAfter100MB - 1) * 100;
    rows.push({
      workload: `5. heap after epoch 4000 vs 100, ${r.model}`,
      unit: '% change',
      lamina: growth,
      tfCpu: null,
      tfWasm: null,
      higherIsBetter: false,
      targetCpu: null,
      targetWasm: null,
      ceiling: 5,
      note: `${r.heapAfter100MB.toFixed(2)} MB -> ${r.heapAfterLastMB.toFixed(2)} MB after a full GC (target: within 5%)`,
    });
  }
}

/**
 * Issue 6's check: 8 case-study runs on 2 worker threads against serially (same table required),
 * in a child process so that TF.js's heap in this one does not slow the serial side.
 */
function parallelRow(rows: Row[]): void {
  const child = runChild(process.execPath, [path.join(__dirname, 'experiment.js'), '--json']);
  const t = lastJsonLine(child.stdout, 'bench/experiment.js --json') as unknown as ParallelTiming;
  rows.push({
    workload: '6. 8 case-study runs (Dropout(0.4)) on 2 worker threads, wall time / serial',
    unit: 'ratio',
    lamina: t.ratio,
    cpuPercent: t.parallelCpuPercent,
    tfCpu: null,
    tfWasm: null,
    higherIsBetter: false,
    targetCpu: null,
    targetWasm: null,
    ceiling: 0.65,
    note: `serial ${t.serialSeconds.toFixed(2)} s at ${t.serialCpuPercent?.toFixed(0)}% CPU, parallel ${t.parallelSeconds.toFixed(2)} s (its CPU% in the column); identical tables: ${t.identical} (target: at most 0.65)`,
  });
  if (!t.identical) throw new Error('bench: the parallel table differs from the serial one');
}

/** Workload 7: the case study from the browser bundle in headless Chromium against Node (same V8). */
async function browserRows(rows: Row[]): Promise<void> {
  const timings = await benchBrowser(4000, full ? 3 : 2);
  for (const t of timings) {
    rows.push({
      workload: `7. case study, ${t.model}, in Chromium / in Node (dist/lamina.min.js in ${t.chromium})`,
      unit: 'time ratio',
      lamina: t.ratio,
      tfCpu: null,
      tfWasm: null,
      higherIsBetter: false,
      targetCpu: null,
      targetWasm: null,
      ceiling: 1.3,
      note: `Node ${t.nodeSeconds.toFixed(2)} s, Chromium ${t.chromiumSeconds.toFixed(2)} s, alternated, best of ${full ? 3 : 2}; identical accuracies: ${t.identical} (target: at most 1.3)`,
    });
    if (!t.identical) throw new Error(`bench: the case study (${t.model}) in Chromium differs from Node`);
  }
}

async function main(): Promise<void> {
  const started = process.hrtime.bigint();
  const load0 = os.loadavg()[0];
  const machine = `${os.cpus()[0].model}, ${cores} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${new Date().toISOString().slice(0, 10)}; Lamina on ${getThreads()} threads`;
  torch = findTorch();
  const torchLine = describeTorch(torch, cores);
  console.log(`Lamina vs TensorFlow.js 4.22 and PyTorch, ${full ? 'full' : 'quick'} mode; ${machine}`);
  console.log(torchLine);
  const rows: Row[] = [];
  try {
    await caseStudyRows(rows);
    await matmulRows(rows);
    await cnnRow(rows);
    await lstmRows(rows);
  } finally {
    if (torch !== null) closeTorch(torch);
  }
  memoryRows(rows);
  parallelRow(rows);
  await browserRows(rows);
  // Other work on the machine shows as a load above this run's own (about 1; 2 while both cores are in use).
  const load = `load average (1 min) at the start and end of the run: ${load0.toFixed(1)} and ${os.loadavg()[0].toFixed(1)}`;
  const md = markdown(rows, { machine: `${machine}, ${load}`, full, cores, torch: torchLine });
  console.log('\n' + md);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`(${seconds.toFixed(0)} s)`);
  const dir = path.join(__dirname, '..', '..', 'bench');
  writeFileAtomic(path.join(dir, 'RESULTS.md'), md);
  writeFileAtomic(
    path.join(dir, 'RESULTS.json'),
    JSON.stringify({ machine, mode: full ? 'full' : 'quick', pytorch: torch === null ? null : torch.version, cores, seconds, rows }, null, 1) + '\n',
  );
  console.log('wrote bench/RESULTS.md and bench/RESULTS.json');
}

void main();
