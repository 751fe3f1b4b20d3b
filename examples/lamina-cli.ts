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
import { TaskInfo, TASKS, TASKS_MODULE } from './tasks';

/** The most runs (configurations x seeds) one `lamina grid` starts; a larger grid is a usage mistake. */
export const MAX_GRID_RUNS = 10000;

/** `inputRate` -> `--input-rate`. */
function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

const USAGE = `usage:
  lamina experiment --model NAME --seed N [--PARAM VALUE ...]   one run, one JSON line
  lamina grid --model NAME --PARAM V1,V2,... [--PARAM START:STOP:STEP] [--repeats N | --seeds 1,2,3] [--workers N] [--json]
  lamina help
models and the parameters they take:
${Object.entries(TASKS)
  .map(([name, t]) => `  ${name}: ${t.about}; ${t.params.map(flagName).join(', ')}`)
  .join('\n')}
parameters are written in kebab-case (--input-rate, --max-norm) and passed to the task in camelCase.
a grid runs at most ${MAX_GRID_RUNS} runs (configurations x seeds); --repeats and --workers are positive integers.`;

/** A command-line mistake: printed with the usage, exit code 2. */
class UsageError extends Error {}

/** `--input-rate 0.2 --seed 3` -> { inputRate: '0.2', seed: '3' }; flags without a value are true; a flag given twice is a mistake. */
function parseFlags(args: string[]): Record<string, string | true> {
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument '${arg}'`);
    const key = arg.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (Object.prototype.hasOwnProperty.call(flags, key)) throw new UsageError(`${arg} is given twice`);
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
  if (!Number.isFinite(v)) throw new UsageError(`${flagName(flag)} expects a number, got '${text}'`);
  return v;
}

/** A positive integer (--repeats, --workers), or a UsageError naming the flag. */
function toPositiveInteger(flag: string, text: string | true): number {
  const v = text === true ? NaN : Number(text);
  if (!Number.isInteger(v) || v < 1) throw new UsageError(`${flagName(flag)} must be a positive integer, got ${text}`);
  return v;
}

/**
 * `0,0.5,1` or `0:1:0.25` (inclusive) -> the list of numbers. A range longer than MAX_GRID_RUNS
 * is refused before its list is built.
 */
function toList(flag: string, text: string | true): number[] {
  if (text === true) throw new UsageError(`${flagName(flag)} expects values`);
  const range = text.split(':');
  if (range.length === 3) {
    const [start, stop, step] = range.map((t) => toNumber(flag, t));
    if (!(step > 0)) throw new UsageError(`${flagName(flag)}: the step of START:STOP:STEP must be positive, got ${step}`);
    if (stop < start) throw new UsageError(`${flagName(flag)} ${text}: STOP (${stop}) is below START (${start})`);
    const count = Math.floor((stop - start) / step + 1e-9) + 1;
    if (!(count <= MAX_GRID_RUNS)) throw new UsageError(`${flagName(flag)} ${text} gives ${count} values; a grid runs at most ${MAX_GRID_RUNS} runs`);
    return Array.from({ length: count }, (_, i) => Number((start + i * step).toPrecision(12)));
  }
  return text.split(',').map((t) => toNumber(flag, t));
}

/** The task named by --model, as a worker reference, with what it takes. */
function taskFor(flags: Record<string, string | true>): { ref: { module: string; name: string }; info: TaskInfo } {
  const model = flags.model;
  if (typeof model !== 'string') throw new UsageError('--model is required');
  const info = Object.prototype.hasOwnProperty.call(TASKS, model) ? TASKS[model] : undefined;
  if (info === undefined) throw new UsageError(`unknown model '${model}'; known: ${Object.keys(TASKS).join(', ')}`);
  return { ref: { module: TASKS_MODULE, name: info.name }, info };
}

/** Refuses a flag that is neither one of the command's own (`own`) nor a parameter the task takes. */
function checkFlags(command: string, flags: Record<string, string | true>, info: TaskInfo, own: readonly string[]): void {
  for (const key of Object.keys(flags)) {
    if (own.includes(key) || info.params.includes(key)) continue;
    throw new UsageError(
      `${command}: unknown flag ${flagName(key)}; model '${flags.model}' takes ${info.params.map(flagName).join(', ')} (and ${own.map(flagName).join(', ')})`,
    );
  }
}

async function experiment(flags: Record<string, string | true>): Promise<void> {
  const { ref, info } = taskFor(flags);
  checkFlags('experiment', flags, info, ['model', 'seed']);
  if (flags.seed === undefined) throw new UsageError('--seed is required (one seed makes the run reproducible)');
  const seed = toNumber('seed', flags.seed);
  const params: Params = {};
  for (const [key, value] of Object.entries(flags)) if (key !== 'model' && key !== 'seed') params[key] = toNumber(key, value);
  const run = require(ref.module)[ref.name] as (p: Params, s: number) => Promise<Record<string, number>>;
  const started = process.hrtime.bigint();
  const scores = await run(params, seed);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(JSON.stringify({ model: flags.model, seed, params, scores, seconds: Number(seconds.toFixed(3)) }));
}

async function grid(flags: Record<string, string | true>): Promise<void> {
  const { ref, info } = taskFor(flags);
  checkFlags('grid', flags, info, ['model', 'repeats', 'seeds', 'workers', 'json']);
  const { model: _model, repeats, seeds, workers, json, ...rest } = flags;
  if (json !== undefined && json !== true) throw new UsageError(`--json takes no value, got '${json}'`);
  const values: Record<string, number[]> = {};
  for (const [key, text] of Object.entries(rest)) values[key] = toList(key, text);
  if (Object.keys(values).length === 0) throw new UsageError('grid: give at least one parameter with values, e.g. --rate 0:0.9:0.1');
  const seedList = seeds === undefined ? undefined : toList('seeds', seeds);
  const repeatCount = repeats === undefined ? undefined : toPositiveInteger('repeats', repeats);
  const workerCount = workers === undefined ? undefined : toPositiveInteger('workers', workers);
  // Every combination of the lists, once per seed (gridSearch's default: 10 seeds).
  const sizes = Object.values(values).map((list) => list.length);
  const runsPerConfig = seedList?.length ?? repeatCount ?? 10;
  const runs = sizes.reduce((a, b) => a * b, 1) * runsPerConfig;
  if (runs > MAX_GRID_RUNS) {
    throw new UsageError(`grid: ${runs} runs (${sizes.join(' x ')} configurations x ${runsPerConfig} seeds); a grid runs at most ${MAX_GRID_RUNS}`);
  }
  const rows = await gridSearch(ref, values, { repeats: repeatCount, seeds: seedList, workers: workerCount });
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

/** Runs one command; usage mistakes and failed runs print to stderr and set exit code 2. */
async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  try {
    if (command === 'experiment') await experiment(parseFlags(rest));
    else if (command === 'grid') await grid(parseFlags(rest));
    else if (command === 'help' || command === '--help' || command === '-h') console.log(USAGE);
    else if (command === undefined) throw new UsageError('no command given');
    else throw new UsageError(`unknown command '${command}'`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`lamina: ${message}\n${error instanceof UsageError ? USAGE + '\n' : ''}`);
    process.exitCode = 2;
  }
}

if (require.main === module) void main(process.argv.slice(2));
