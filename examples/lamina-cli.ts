#!/usr/bin/env node
/**
 * The `lamina` command line: run one configuration of an experiment and print one JSON line (so
 * a grid can be spread over many machines by any job runner), or run a whole grid locally over
 * worker threads.
 *
 *   lamina experiment --model circles-mlp --rate 0.4 --seed 3 --epochs 4000
 *   lamina grid --model circles-mlp --rate 0:0.9:0.1 --repeats 10 [--workers 2] [--json]
 */
import { Evaluation, gridSearch, Params } from '../index';
import { TASKS, TASKS_MODULE } from './tasks';

const USAGE = `usage:
  lamina experiment --model NAME --seed N [--PARAM VALUE ...]   one run, one JSON line
  lamina grid --model NAME --PARAM V1,V2,... [--PARAM START:STOP:STEP] [--repeats N | --seeds 1,2,3] [--workers N] [--json]
models:
${Object.entries(TASKS)
  .map(([name, t]) => `  ${name}: ${t.about}`)
  .join('\n')}
parameters are written in kebab-case (--input-rate, --max-norm) and passed to the task in camelCase.`;

/** A command-line mistake: printed with the usage, exit code 2. */
class UsageError extends Error {}

/** `--input-rate 0.2 --seed 3` -> { inputRate: '0.2', seed: '3' }; flags without a value are true. */
function parseFlags(args: string[]): Record<string, string | true> {
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument '${arg}'`);
    const key = arg.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const next = args[i + 1];
    if (next === undefined || next.startsWith('--')) flags[key] = true;
    else {
      flags[key] = next;
      i++;
    }
  }
  return flags;
}

/** A number, or a UsageError naming the flag. */
function toNumber(flag: string, text: string | true): number {
  const v = text === true ? NaN : Number(text);
  if (!Number.isFinite(v)) throw new UsageError(`--${flag} expects a number, got '${text}'`);
  return v;
}

/** `0,0.5,1` or `0:1:0.25` (inclusive) -> the list of numbers. */
function toList(flag: string, text: string | true): number[] {
  if (text === true) throw new UsageError(`--${flag} expects values`);
  const range = text.split(':');
  if (range.length === 3) {
    const [start, stop, step] = range.map((t) => toNumber(flag, t));
    if (!(step > 0)) throw new UsageError(`--${flag}: the step of START:STOP:STEP must be positive, got ${step}`);
    const count = Math.floor((stop - start) / step + 1e-9) + 1;
    return Array.from({ length: count }, (_, i) => Number((start + i * step).toPrecision(12)));
  }
  return text.split(',').map((t) => toNumber(flag, t));
}

function taskFor(flags: Record<string, string | true>): { module: string; name: string } {
  const model = flags.model;
  if (typeof model !== 'string') throw new UsageError('--model is required');
  const task = TASKS[model];
  if (task === undefined) throw new UsageError(`unknown model '${model}'; known: ${Object.keys(TASKS).join(', ')}`);
  return { module: TASKS_MODULE, name: task.name };
}

async function experiment(flags: Record<string, string | true>): Promise<void> {
  const task = taskFor(flags);
  if (flags.seed === undefined) throw new UsageError('--seed is required (one seed makes the run reproducible)');
  const seed = toNumber('seed', flags.seed);
  const params: Params = {};
  for (const [key, value] of Object.entries(flags)) if (key !== 'model' && key !== 'seed') params[key] = toNumber(key, value);
  const run = require(task.module)[task.name] as (p: Params, s: number) => Promise<Record<string, number>>;
  const started = process.hrtime.bigint();
  const scores = await run(params, seed);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(JSON.stringify({ model: flags.model, seed, params, scores, seconds: Number(seconds.toFixed(3)) }));
}

async function grid(flags: Record<string, string | true>): Promise<void> {
  const task = taskFor(flags);
  const { model: _model, repeats, seeds, workers, json, ...rest } = flags;
  const values: Record<string, number[]> = {};
  for (const [key, text] of Object.entries(rest)) values[key] = toList(key, text);
  if (Object.keys(values).length === 0) throw new UsageError('grid: give at least one parameter with values, e.g. --rate 0:0.9:0.1');
  const rows = await gridSearch(task, values, {
    repeats: repeats === undefined ? undefined : toNumber('repeats', repeats),
    seeds: seeds === undefined ? undefined : toList('seeds', seeds),
    workers: workers === undefined ? undefined : toNumber('workers', workers),
  });
  if (json) for (const row of rows) console.log(JSON.stringify(row));
  else console.log(gridTable(rows));
}

/** A Markdown table: the parameters, then mean ± std of each score. */
export function gridTable(rows: Evaluation[]): string {
  const paramNames = Object.keys(rows[0].params);
  const scoreNames = Object.keys(rows[0].summary);
  const header = [...paramNames, ...scoreNames.map((s) => `${s} (mean ± std)`)];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of rows) {
    const cells = [...paramNames.map((p) => String(row.params[p])), ...scoreNames.map((s) => `${row.summary[s].mean.toFixed(3)} ± ${row.summary[s].std.toFixed(3)}`)];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  try {
    if (command === 'experiment') await experiment(parseFlags(rest));
    else if (command === 'grid') await grid(parseFlags(rest));
    else if (command === undefined || command === 'help' || command === '--help') console.log(USAGE);
    else throw new UsageError(`unknown command '${command}'`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`lamina: ${message}\n${error instanceof UsageError ? USAGE + '\n' : ''}`);
    process.exitCode = 2;
  }
}

if (require.main === module) void main(process.argv.slice(2));
