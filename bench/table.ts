/**
 * The results table of `npm run bench`: one row per workload, Lamina's figure and CPU%, its peers'
 * figures (TensorFlow.js CPU and WASM, PyTorch on 1 thread and on every core), the ratios (Lamina's
 * speed-up: how many times faster), whether the targets are met, and the Markdown of it all.
 */

/** One line of the results table. */
export interface Row {
  workload: string;
  unit: string;
  lamina: number;
  /** Lamina's CPU time over wall time in percent (about 100 per busy core); null: not measured. */
  cpuPercent?: number | null;
  tfCpu: number | null;
  tfWasm: number | null;
  /** PyTorch on 1 thread and on every core (null: not run, or PyTorch missing), with the CPU% of each. */
  torch1?: number | null;
  torchAll?: number | null;
  torch1Cpu?: number | null;
  torchAllCpu?: number | null;
  /** True when larger is better (throughput), false for times. */
  higherIsBetter: boolean;
  /** Required speed-up over TF.js CPU / WASM / PyTorch on 1 thread (null: none set). */
  targetCpu: number | null;
  targetWasm: number | null;
  targetTorch1?: number | null;
  /** An absolute ceiling Lamina's figure must stay under (memory, ratios of times), when set. */
  ceiling?: number;
  /** An absolute figure Lamina's must reach (a speed-up from more threads), when set. */
  atLeast?: number;
  note?: string;
}

/** Lamina's speed-up over a peer's figure: peer / Lamina for times, Lamina / peer for throughputs (null without a peer). */
export function ratio(row: Row, peer: number | null | undefined): number | null {
  if (peer === null || peer === undefined) return null;
  return row.higherIsBetter ? row.lamina / peer : peer / row.lamina;
}

/** 'yes' when every target that has a figure is met, 'NO' when one is not, '' when the row has none. */
export function met(row: Row): string {
  const checks: boolean[] = [];
  const target = (t: number | null | undefined, peer: number | null | undefined) => {
    const r = ratio(row, peer);
    if (t !== null && t !== undefined && r !== null) checks.push(r >= t);
  };
  target(row.targetCpu, row.tfCpu);
  target(row.targetWasm, row.tfWasm);
  target(row.targetTorch1, row.torch1);
  if (row.ceiling !== undefined) checks.push(Math.abs(row.lamina) < row.ceiling);
  if (row.atLeast !== undefined) checks.push(row.lamina >= row.atLeast);
  if (checks.length === 0) return '';
  return checks.every(Boolean) ? 'yes' : 'NO';
}

/** A figure for the table: '-' when missing, no decimals from 100 up. */
export function fmt(v: number | null | undefined, digits = 2): string {
  if (v === null || v === undefined) return '-';
  return v >= 100 ? v.toFixed(0) : v.toFixed(digits);
}

/** A CPU% for the table: whole percent, '-' when missing. */
export function fmtCpu(v: number | null | undefined): string {
  return v === null || v === undefined ? '-' : `${v.toFixed(0)}%`;
}

/** The Markdown page: a heading, the machine and command, what the columns mean, the table. */
export function markdown(rows: Row[], opts: { machine: string; full: boolean; cores: number; torch: string }): string {
  const n = opts.cores;
  const lines = [
    `# Benchmark results`,
    '',
    `Machine: ${opts.machine}. Mode: ${opts.full ? 'full' : 'quick'}. Command: \`npm run bench${opts.full ? ' -- --full' : ''}\`. ${opts.torch}.`,
    'Ratios are Lamina\'s speed-up (how many times faster), all figures from this one run (PyTorch in one child process per engine run).',
    `CPU% is CPU time over wall time of the timed work: about 100% is one core busy, ${100 * n}% all ${n}.`,
    '',
    `| workload | unit | Lamina | CPU% | TF.js CPU | TF.js WASM | x CPU | x WASM | PyTorch 1t | PyTorch ${n}t | x PT 1t | x PT ${n}t | PT CPU% 1t / ${n}t | target met | note |`,
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const torchCpu = r.torch1Cpu == null && r.torchAllCpu == null ? '-' : `${fmtCpu(r.torch1Cpu)} / ${fmtCpu(r.torchAllCpu)}`;
    lines.push(
      `| ${r.workload} | ${r.unit} | ${fmt(r.lamina)} | ${fmtCpu(r.cpuPercent)} | ${fmt(r.tfCpu)} | ${fmt(r.tfWasm)} | ${fmt(ratio(r, r.tfCpu), 1)} | ${fmt(ratio(r, r.tfWasm), 1)} | ` +
        `${fmt(r.torch1)} | ${fmt(r.torchAll)} | ${fmt(ratio(r, r.torch1))} | ${fmt(ratio(r, r.torchAll))} | ${torchCpu} | ${met(r)} | ${r.note ?? ''} |`,
    );
  }
  return lines.join('\n') + '\n';
}
