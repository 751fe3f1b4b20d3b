/**
 * The PyTorch peer of `npm run bench`: the same workloads in PyTorch (bench/pytorch/*.py), one
 * child process per engine run, on 1 thread and on every core. PyTorch is optional (Debian's
 * `python3-torch`, run by /usr/bin/python3; never needed by `npm test`): `findTorch()` returns null
 * when it is missing and the bench prints "PyTorch not installed: skipped".
 *
 * Each run gets OPENBLAS_NUM_THREADS and OMP_NUM_THREADS set to its thread count as well as
 * torch.set_num_threads (Debian's build ignores the latter for BLAS work). The data it trains on is
 * written from the same arrays Lamina's bench uses, as raw little-endian float32 files.
 *
 * Set LAMINA_BENCH_PYTHON to use another Python than /usr/bin/python3.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { circlesData } from '../examples/circles-mlp';
import { cnnBenchData } from './cnn';
import { cpuPercent, lastJsonLine, runChild } from './cpu';
import { lstmBenchData } from './lstm';

/** A PyTorch installation found by `findTorch`, with a scratch folder for the data files. */
export interface TorchPeer {
  python: string;
  version: string;
  /** The folder of the BLAS library torch loaded ('openblas-pthread'; 'blas' is Debian's slow reference libblas3), null if unknown. */
  blas: string | null;
  /** Folder the data files are written to (removed by `closeTorch`). */
  dataDir: string;
}

/** One PyTorch figure (seconds or a throughput, as the workload says) and the CPU% of its timed work. */
export interface TorchFigure {
  value: number;
  cpuPercent: number | null;
}

/** Where the Python scripts are: beside this file when run from source, in the source tree when run from dist/bench. */
function scriptsDir(): string {
  const candidates = [path.join(__dirname, 'pytorch'), path.join(__dirname, '..', '..', 'bench', 'pytorch')];
  const found = candidates.find((d) => fs.existsSync(path.join(d, 'common.py')));
  if (found === undefined) throw new Error(`bench/pytorch: expected the PyTorch scripts in one of ${candidates.join(', ')}, found none`);
  return found;
}

/** The Python that has torch (LAMINA_BENCH_PYTHON, else Debian's /usr/bin/python3, else python3 on PATH), or null. */
export function findTorch(): TorchPeer | null {
  const python = process.env.LAMINA_BENCH_PYTHON ?? (fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
  try {
    execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 120_000 });
  } catch {
    return null;
  }
  // torch imports: from here on a failure is an error of ours, not a missing peer
  const probe = lastJsonLine(execFileSync(python, [path.join(scriptsDir(), 'probe.py')], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } }), 'bench/pytorch/probe.py');
  const blas = typeof probe.blas === 'string' ? probe.blas : null;
  return { python, version: String(probe.version), blas, dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'lamina-bench-torch-')) };
}

/** One line saying which PyTorch runs (or that none does), with a warning for the reference BLAS. */
export function describeTorch(peer: TorchPeer | null, cores: number): string {
  if (peer === null) return 'PyTorch not installed: skipped';
  const blas = peer.blas === 'blas' ? 'BLAS: Debian\'s reference libblas3, not OpenBLAS: its matmul figures are far below the usual (install libopenblas0)' : `BLAS: ${peer.blas ?? 'unknown'}`;
  return `PyTorch ${peer.version} (${peer.python}; ${blas}), 1 thread and ${cores} threads`;
}

/** Removes the peer's data files. */
export function closeTorch(peer: TorchPeer): void {
  fs.rmSync(peer.dataDir, { recursive: true, force: true });
}

/** Writes `values` as raw little-endian float32. */
export function writeFloat32LE(file: string, values: ArrayLike<number>): void {
  const buf = Buffer.alloc(4 * values.length);
  // one float at a time, little-endian whatever this machine's order
  for (let i = 0; i < values.length; i++) buf.writeFloatLE(values[i], 4 * i);
  fs.writeFileSync(file, buf);
}

/** A number field of a child's result line (throws naming the script, the field and what came). */
export function numberField(result: Record<string, unknown>, key: string, who: string): number {
  const v = result[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${who}: expected a finite number in field '${key}' of its result line, got ${JSON.stringify(v)}`);
  return v;
}

/** Runs one script on `threads` threads in a fresh process; returns its result line. */
function runScript(peer: TorchPeer, script: string, threads: number, args: Array<string | number>): Record<string, unknown> {
  // (no __pycache__ left in bench/pytorch)
  const threadEnv = { OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads), PYTHONDONTWRITEBYTECODE: '1' };
  const { stdout } = runChild(peer.python, [path.join(scriptsDir(), script), String(threads), ...args.map(String)], {
    env: { ...process.env, ...threadEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const who = `bench/pytorch/${script} on ${threads} thread(s)`;
  const result = lastJsonLine(stdout, who);
  const reported = numberField(result, 'threads', who);
  if (reported !== threads) throw new Error(`${who}: expected torch to run on ${threads} thread(s), it reports ${reported}`);
  return result;
}

/** CPU% of a script's timed work, from its `seconds` and `cpuSeconds` fields. */
function scriptCpu(result: Record<string, unknown>, who: string): number | null {
  return cpuPercent(numberField(result, 'cpuSeconds', who), numberField(result, 'seconds', who));
}

/** Workload 1: seconds of the case study's fit over `epochs`, scaled to 4000 epochs; rate null: no Dropout. */
export function torchCaseStudy(peer: TorchPeer, rate: number | null, epochs: number, threads: number): TorchFigure {
  const file = path.join(peer.dataDir, 'circles.json');
  if (!fs.existsSync(file)) {
    const { X, y } = circlesData();
    const rows = Array.from({ length: y.size }, (_, i) => [X.data[2 * i], X.data[2 * i + 1]]);
    fs.writeFileSync(file, JSON.stringify({ X: rows, y: Array.from(y.data) }));
  }
  const r = runScript(peer, 'circles.py', threads, [file, epochs, rate ?? 0]);
  return { value: (numberField(r, 'seconds', 'circles.py') * 4000) / epochs, cpuPercent: scriptCpu(r, 'circles.py') };
}

/** Workload 2: GFLOP/s of square float32 products, by size (at least `minSeconds` each). */
export function torchMatmul(peer: TorchPeer, sizes: number[], threads: number, minSeconds: number): Map<number, TorchFigure> {
  const r = runScript(peer, 'matmul.py', threads, [sizes.join(','), minSeconds]);
  const gflops = r.gflops as Record<string, unknown>;
  const cpu = r.cpuPercent as Record<string, unknown>;
  const out = new Map<number, TorchFigure>();
  for (const n of sizes) out.set(n, { value: numberField(gflops, String(n), 'matmul.py gflops'), cpuPercent: numberField(cpu, String(n), 'matmul.py cpuPercent') });
  return out;
}

/** Workload 3: images/s training the digits CNN at batch 32 on the bench's `images` digits (fastest of `repeats` epochs). */
export function torchCnn(peer: TorchPeer, images: number, repeats: number, threads: number): TorchFigure {
  const stem = path.join(peer.dataDir, 'digits');
  if (!fs.existsSync(`${stem}_y.f32`) || fs.statSync(`${stem}_y.f32`).size !== images * 40) {
    const { x, oneHot } = cnnBenchData(images);
    writeFloat32LE(`${stem}_x.f32`, x.data);
    writeFloat32LE(`${stem}_y.f32`, oneHot.data);
  }
  const r = runScript(peer, 'cnn.py', threads, [peer.dataDir, images, repeats]);
  return { value: numberField(r, 'imagesPerSecond', 'cnn.py'), cpuPercent: scriptCpu(r, 'cnn.py') };
}

/**
 * Workload 4: sequences/s training LSTM(32) -> Dense(1) on the bench's `n` sequences of 50 x 8 at
 * batch 32. 'var': an LSTMCell loop with Lamina's variational masks (rates 0.5); 'fused': nn.LSTM, no dropout.
 */
export function torchLstm(peer: TorchPeer, mode: 'var' | 'fused', n: number, repeats: number, threads: number): TorchFigure {
  const stem = path.join(peer.dataDir, 'lstm');
  if (!fs.existsSync(`${stem}_y.f32`) || fs.statSync(`${stem}_y.f32`).size !== n * 4) {
    const { x, y } = lstmBenchData(n, 50, 8);
    writeFloat32LE(`${stem}_x.f32`, x.data);
    writeFloat32LE(`${stem}_y.f32`, y.data);
  }
  const r = runScript(peer, 'lstm.py', threads, [peer.dataDir, mode, n, repeats]);
  return { value: numberField(r, 'sequencesPerSecond', 'lstm.py'), cpuPercent: scriptCpu(r, 'lstm.py') };
}
