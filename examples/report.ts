/** Markdown tables of experiment results, for the example scripts. */
import { Evaluation } from '../index';

/** `| name | train mean ± std | test mean ± std | test min-max |` rows under a header. */
export function accuracyTable(rows: Array<[string, Evaluation]>): string {
  const lines = ['| configuration | runs | train accuracy | test accuracy | test min | test max |', '|---|---|---|---|---|---|'];
  for (const [name, e] of rows) {
    const tr = e.summary.trainAcc;
    const te = e.summary.testAcc;
    lines.push(`| ${name} | ${e.runs.length} | ${tr.mean.toFixed(3)} ± ${tr.std.toFixed(3)} | ${te.mean.toFixed(3)} ± ${te.std.toFixed(3)} | ${te.min.toFixed(3)} | ${te.max.toFixed(3)} |`);
  }
  return lines.join('\n');
}

/** Repeats from the command line (`node script.js 10`), or a default. */
export function repeatsArg(fallback: number): number {
  const n = Number(process.argv[2] ?? fallback);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`repeats must be a positive integer, got ${process.argv[2]}`);
  return n;
}
