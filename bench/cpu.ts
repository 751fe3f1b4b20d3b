/**
 * CPU time over wall time, for the bench's CPU% column: about 100% is one core busy, 200% two. In
 * this process, `process.cpuUsage()` (getrusage of the whole process: every thread, workers and
 * the garbage collector included); for a child process, the children's CPU time the kernel adds to
 * ours when we wait for it (cutime + cstime of /proc/self/stat, Linux only).
 */
import { execFileSync, type ExecFileSyncOptions } from 'child_process';
import * as fs from 'fs';

/** CPU seconds over wall seconds, in percent (null when either is unknown or the wall time is not positive). */
export function cpuPercent(cpuSeconds: number | null, wallSeconds: number | null): number | null {
  if (cpuSeconds === null || wallSeconds === null || !(wallSeconds > 0) || !(cpuSeconds >= 0)) return null;
  return (100 * cpuSeconds) / wallSeconds;
}

/** A span of work measured with both clocks. */
export interface Span {
  wallSeconds: number;
  cpuSeconds: number;
}

/** Adds up spans (the CPU% of several runs is their total CPU time over their total wall time). */
export function addSpans(spans: Span[]): Span {
  return spans.reduce((a, s) => ({ wallSeconds: a.wallSeconds + s.wallSeconds, cpuSeconds: a.cpuSeconds + s.cpuSeconds }), { wallSeconds: 0, cpuSeconds: 0 });
}

/** Runs `work` (sync or async) in this process and returns its value with the wall and CPU time it took. */
export async function measured<T>(work: () => T | Promise<T>): Promise<{ value: T; span: Span }> {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const value = await work();
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return { value, span: { wallSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 } };
}

/**
 * Clock ticks of the waited-for children (cutime + cstime) from the text of /proc/<pid>/stat. The
 * second field (the command name) is in parentheses and may itself hold spaces and parentheses, so
 * fields are counted from the last ')'. Throws when the text does not have the fields.
 */
export function childTicksFromStat(stat: string): number {
  const close = stat.lastIndexOf(')');
  const fields = close < 0 ? [] : stat.slice(close + 1).trim().split(/\s+/);
  // fields[0] is field 3 (state), so cutime (field 16) is fields[13] and cstime (17) fields[14]
  const cutime = Number(fields[13]);
  const cstime = Number(fields[14]);
  if (!Number.isInteger(cutime) || !Number.isInteger(cstime)) {
    throw new Error(`childTicksFromStat: expected the text of /proc/<pid>/stat with cutime and cstime (fields 16 and 17), got '${stat.slice(0, 80)}'`);
  }
  return cutime + cstime;
}

let ticksPerSecond: number | undefined;

/** CPU seconds of this process's waited-for children so far, or null where /proc is missing. */
export function childrenCpuSeconds(): number | null {
  let stat: string;
  try {
    stat = fs.readFileSync('/proc/self/stat', 'utf8');
  } catch {
    return null;
  }
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return childTicksFromStat(stat) / ticksPerSecond;
}

/**
 * Runs a child process to its end and returns its standard output with its wall time and its CPU
 * time (all its threads; null where /proc is missing). Throws with the child's stderr if it fails.
 */
export function runChild(file: string, args: string[], options: ExecFileSyncOptions = {}): { stdout: string; span: { wallSeconds: number; cpuSeconds: number | null } } {
  const before = childrenCpuSeconds();
  const t0 = process.hrtime.bigint();
  const stdout = execFileSync(file, args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20, ...options }).toString();
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const after = childrenCpuSeconds();
  return { stdout, span: { wallSeconds, cpuSeconds: before === null || after === null ? null : after - before } };
}

/**
 * The last line of `stdout` that parses as a JSON object: the result line of a bench child (the
 * lines before it may be warnings). Throws, naming `who`, when there is none.
 */
export function lastJsonLine(stdout: string, who: string): Record<string, unknown> {
  const lines = stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('{'));
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      const value: unknown = JSON.parse(lines[i]);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // not JSON: try the line before
    }
  }
  throw new Error(`${who}: expected a JSON object as a line of its output, got ${stdout.trim() === '' ? 'no output' : `'${stdout.trim().slice(-200)}'`}`);
}
