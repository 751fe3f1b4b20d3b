/**
 * Running Lamina's built package (`dist/`, which `npm test` builds before jest) in child
 * processes: for specs that must measure a fresh process (time, memory, a blocked event loop) or
 * kill one (SIGKILL during a save). A hang in the child is a failed spec, never a frozen one.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');

/** The sources the built files come from (lib, layers, kernels, index.ts). */
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(p));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/**
 * Path of dist/index.js, after checking that every built file is at least as new as its source
 * (a stale dist would test old code): throws an Error saying how to rebuild otherwise.
 */
export function distEntry(): string {
  const entry = path.join(ROOT, 'dist', 'index.js');
  const files = [path.join(ROOT, 'index.ts'), ...['lib', 'layers', 'kernels'].flatMap((d) => sources(path.join(ROOT, d)))];
  for (const ts of files) {
    const js = path.join(ROOT, 'dist', path.relative(ROOT, ts)).replace(/\.ts$/, '.js');
    if (!fs.existsSync(js) || fs.statSync(js).mtimeMs < fs.statSync(ts).mtimeMs) {
      throw new Error(`dist/ is missing or older than ${path.relative(ROOT, ts)}: run \`npx tsc -p tsconfig.build.json\` (npm test does) before this spec`);
    }
  }
  return entry;
}

/** What a child run gave: its stdout, exit code or signal, and whether the spec's timeout killed it. */
export interface ChildRun {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
}

/**
 * Runs `node -e script ...args` and resolves when it exits, or kills it (SIGKILL) after
 * `timeoutMs`, with `env` added to this process's environment; its stdin is a pipe left open, so a read of /dev/stdin blocks as it would in a server.
 */
export function runNode(script: string, args: readonly string[], timeoutMs: number, env: NodeJS.ProcessEnv = {}): Promise<ChildRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', script, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    // 'close' comes after the exit and after the output pipes are drained.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code, signal, timedOut });
    });
  });
}
