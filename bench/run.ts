/**
 * `npm run bench`: Lamina and TensorFlow.js 4.22 (CPU and WebAssembly backends) on the same work
 * in one process run; prints a table of figures and ratios and writes it to bench/RESULTS.json
 * and bench/RESULTS.md. Quick mode (default, under two minutes) runs TF.js's slow workloads on
 * fewer epochs/images and scales; `npm run bench -- --full` runs everything at full size.
 *
 * Workloads: 1 the case study (4000 epochs, with and without Dropout(0.4)); 2 matmul GFLOP/s;
 * 3 the digits CNN (images/s at batch 32); 4 LSTM(32, dropout 0.5, recurrentDropout 0.5)
 * (sequences/s at batch 32); 5 memory of workload 1 (peak RSS, heap after epoch 100 and 4000);
 * 6 Lamina alone: repeated evaluation on 2 worker threads against serially.
 */
import { execFileSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { writeFileAtomic } from '../lib/io/atomic-write';
import { timeCaseStudy } from './case-study';
import { benchCnn } from './cnn';
import type { ParallelTiming } from './experiment';
import { benchLstm } from './lstm';
import { benchMatmul } from './matmul';
import { tfCaseStudy, tfCnn, tfLstm, tfMatmul, useBackend } from './tfjs';

/** One line of the results table. */
interface Row {
  workload: string;
  unit: string;
  lamina: number;
  tfCpu: number | null;
  tfWasm: number | null;
  /** True when larger is better (throughput), false for times. */
  higherIsBetter: boolean;
  /** Required speed-up over TF.js CPU / WASM (null: none set). */
  targetCpu: number | null;
  targetWasm: number | null;
  /** An absolute ceiling Lamina's figure must stay under (memory), when set. */
  ceiling?: number;
  note?: string;
}

const full = process.argv.includes('--full');

function ratio(row: Row, peer: number | null): number | null {
  if (peer === null) return null;
  return row.higherIsBetter ? row.lamina / peer : peer / row.lamina;
}

function met(row: Row): string {
  const checks: boolean[] = [];
  const rc = ratio(row, row.tfCpu);
  const rw = ratio(row, row.tfWasm);
  if (row.targetCpu !== null && rc !== null) checks.push(rc >= row.targetCpu);
  if (row.targetWasm !== null && rw !== null) checks.push(rw >= row.targetWasm);
  if (row.ceiling !== undefined) checks.push(Math.abs(row.lamina) < row.ceiling);
  if (checks.length === 0) return '';
  return checks.every(Boolean) ? 'yes' : 'NO';
}

function fmt(v: number | null, digits = 2): string {
  if (v === null) return '-';
  return v >= 100 ? v.toFixed(0) : v.toFixed(digits);
}

async function caseStudyRows(rows: Row[]): Promise<void> {
  const tfEpochs = full ? 4000 : 400;
  for (const rate of [null, 0.4]) {
    const name = rate === null ? 'no dropout' : 'Dropout(0.4)';
    const lamina = (await timeCaseStudy(rate, 4000, 3)).seconds;
    await useBackend('cpu');
    const cpu = ((await tfCaseStudy(rate, tfEpochs)) * 4000) / tfEpochs;
    await useBackend('wasm');
    const wasm = ((await tfCaseStudy(rate, tfEpochs)) * 4000) / tfEpochs;
    rows.push({
      workload: `1. case study, ${name}, 4000 epochs`,
      unit: 's',
      lamina,
      tfCpu: cpu,
      tfWasm: wasm,
      higherIsBetter: false,
      targetCpu: 20,
      targetWasm: 5,
      note: full ? undefined : `TF.js timed on ${tfEpochs} epochs, scaled to 4000`,
    });
    if (rate !== null) {
      // The same model written with the functional API: the graph must cost nothing measurable.
      const functional = (await timeCaseStudy(rate, 4000, 3, true)).seconds;
      rows.push({
        workload: `1. case study, ${name}, functional API, 4000 epochs`,
        unit: 's',
        lamina: functional,
        tfCpu: cpu,
        tfWasm: wasm,
        higherIsBetter: false,
        targetCpu: 20,
        targetWasm: 5,
        ceiling: 1.05 * lamina,
        note: `functional / Sequential: ${(functional / lamina).toFixed(3)} (target: at most 1.05)`,
      });
    }
  }
}

async function matmulRows(rows: Row[]): Promise<void> {
  const sizes = [64, 128, 256, 512, 1024];
  const lamina = benchMatmul(sizes);
  for (const { size, gflops } of lamina) {
    const tfSizeOk = full || size <= 512;
    await useBackend('cpu');
    const cpu = tfSizeOk ? tfMatmul(size) : null;
    await useBackend('wasm');
    const wasm = tfMatmul(size);
    rows.push({
      workload: `2. matmul ${size} x ${size}`,
      unit: 'GFLOP/s',
      lamina: gflops,
      tfCpu: cpu,
      tfWasm: wasm,
      higherIsBetter: true,
      targetCpu: size >= 256 ? 3 : null,
      targetWasm: null,
      note: cpu === null ? 'TF.js CPU at 1024 only with --full' : undefined,
    });
  }
}

async function cnnRow(rows: Row[]): Promise<void> {
  const lamina = await benchCnn(full ? 1024 : 256, full ? 3 : 2);
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
  rows.push({ workload: '3. digits CNN training, batch 32', unit: 'images/s', lamina: lamina.imagesPerSecond, tfCpu: cpu, tfWasm: wasm, higherIsBetter: true, targetCpu: 75, targetWasm: null, note });
}

async function lstmRow(rows: Row[]): Promise<void> {
  const lamina = await benchLstm({ n: full ? 1024 : 512, epochs: 1, repeats: full ? 3 : 2 });
  const n = full ? 1024 : 128;
  await useBackend('cpu');
  const cpu = await tfLstm(n);
  await useBackend('wasm');
  const wasm = await tfLstm(n);
  rows.push({
    workload: '4. LSTM(32, dropout 0.5, recurrentDropout 0.5) -> Dense(1), 50 x 8, batch 32',
    unit: 'sequences/s',
    lamina: lamina.sequencesPerSecond,
    tfCpu: cpu,
    tfWasm: wasm,
    higherIsBetter: true,
    targetCpu: 8,
    targetWasm: 2,
    note: `TF.js timed on ${n} sequences`,
  });
}

/** Workload 5, in a child process so the peak resident memory is the case study's alone. */
function memoryRows(rows: Row[]): void {
  const script = path.join(__dirname, 'case-study.js');
  const out = execFileSync(process.execPath, ['--expose-gc', script, '--json'], { encoding: 'utf8' });
  const { runs, maxRssMB } = JSON.parse(out.trim().split('\n').pop() as string) as {
    runs: Array<{ model: string; heapAfter100MB: number; heapAfterLastMB: number }>;
    maxRssMB: number;
  };
  rows.push({ workload: '5. peak resident memory of workload 1 (both models, one process)', unit: 'MB', lamina: maxRssMB, tfCpu: null, tfWasm: null, higherIsBetter: false, targetCpu: null, targetWasm: null, ceiling: 150, note: 'target: under 150 MB' });
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
  const out = execFileSync(process.execPath, [path.join(__dirname, 'experiment.js'), '--json'], { encoding: 'utf8' });
  const t = JSON.parse(out.trim().split('\n').pop() as string) as ParallelTiming;
  rows.push({
    workload: '6. 8 case-study runs (Dropout(0.4)) on 2 worker threads, wall time / serial',
    unit: 'ratio',
    lamina: t.ratio,
    tfCpu: null,
    tfWasm: null,
    higherIsBetter: false,
    targetCpu: null,
    targetWasm: null,
    ceiling: 0.65,
    note: `serial ${t.serialSeconds.toFixed(2)} s, parallel ${t.parallelSeconds.toFixed(2)} s; identical tables: ${t.identical} (target: at most 0.65)`,
  });
  if (!t.identical) throw new Error('bench: the parallel table differs from the serial one');
}

function markdown(rows: Row[], machine: string): string {
  const lines = [
    `# Benchmark results`,
    '',
    `Machine: ${machine}. Mode: ${full ? 'full' : 'quick'}. Command: \`npm run bench${full ? ' -- --full' : ''}\`.`,
    'Ratios are Lamina\'s speed-up (how many times faster), all figures from this one process run.',
    '',
    '| workload | unit | Lamina | TF.js CPU | TF.js WASM | x CPU | x WASM | target met | note |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.workload} | ${r.unit} | ${fmt(r.lamina)} | ${fmt(r.tfCpu)} | ${fmt(r.tfWasm)} | ${fmt(ratio(r, r.tfCpu), 1)} | ${fmt(ratio(r, r.tfWasm), 1)} | ${met(r)} | ${r.note ?? ''} |`,
    );
  }
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  const started = process.hrtime.bigint();
  const machine = `${os.cpus()[0].model}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
  console.log(`Lamina vs TensorFlow.js 4.22, ${full ? 'full' : 'quick'} mode; ${machine}`);
  const rows: Row[] = [];
  await caseStudyRows(rows);
  await matmulRows(rows);
  await cnnRow(rows);
  await lstmRow(rows);
  memoryRows(rows);
  parallelRow(rows);
  const md = markdown(rows, machine);
  console.log('\n' + md);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`(${seconds.toFixed(0)} s)`);
  const dir = path.join(__dirname, '..', '..', 'bench');
  writeFileAtomic(path.join(dir, 'RESULTS.md'), md);
  writeFileAtomic(path.join(dir, 'RESULTS.json'), JSON.stringify({ machine, mode: full ? 'full' : 'quick', seconds, rows }, null, 1) + '\n');
  console.log('wrote bench/RESULTS.md and bench/RESULTS.json');
}

void main();
