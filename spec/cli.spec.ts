/**
 * The `lamina` command line as installed (the package's bin, dist/examples/lamina-cli.js), run
 * in a child process: exit codes (0 for a result or asked-for help, 2 for a usage mistake),
 * where the text goes, and the mistakes it must refuse before doing any work. Runs are short
 * (0 to 2 epochs); `npm test` builds dist/ first, and it is built here if missing.
 */
import { execSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { circlesData, circlesModel, runCaseStudy } from '../examples/circles-mlp';
import { circlesMlp } from '../examples/tasks';

const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'examples', 'lamina-cli.js');

beforeAll(() => {
  if (!fs.existsSync(CLI)) execSync('npx tsc -p tsconfig.build.json', { cwd: ROOT, stdio: 'inherit' });
}, 120000);

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** `lamina ...args`, killed after 20 s; a small heap, so a run that allocates without bound fails fast. */
function lamina(...args: string[]): Run {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ['--max-old-space-size=256', CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 20000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/** A usage mistake: exit 2, nothing on stdout, the message and the usage on stderr, quickly. */
function expectUsageError(run: Run, message: RegExp): void {
  expect(run.stderr).toMatch(message);
  expect(run.stderr).toMatch(/^lamina: /);
  expect(run.stderr).toContain('usage:');
  expect(run.stdout).toBe('');
  expect(run.status).toBe(2);
  expect(run.seconds).toBeLessThan(10);
}

describe('lamina (the command line)', () => {
  it('without arguments prints the usage on stderr and exits 2', () => {
    const run = lamina();
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('usage:');
    expect(run.stdout).toBe('');
  });

  it('prints the usage on stdout and exits 0 when asked (help, --help, -h)', () => {
    for (const ask of ['help', '--help', '-h']) {
      const run = lamina(ask);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('usage:');
      expect(run.stdout).toContain('circles-mlp');
      expect(run.stderr).toBe('');
    }
  });

  it('experiment --epochs 0 trains nothing (as Keras) and reports the scores of the untrained model', () => {
    const run = lamina('experiment', '--model', 'circles-mlp', '--seed', '3', '--epochs', '0');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const line = JSON.parse(run.stdout);
    expect(line.params).toEqual({ epochs: 0 });
    // The same model, built here and evaluated without training.
    const { trainX, trainY, testX, testY } = circlesData();
    const model = circlesModel({ seed: 3 });
    const [trainLoss, trainAcc] = model.evaluate(trainX, trainY);
    const [testLoss, testAcc] = model.evaluate(testX, testY);
    expect(line.scores).toEqual({ trainAcc, testAcc, trainLoss, testLoss });
  });

  it('experiment refuses a flag the task does not take, naming it and the ones it takes', () => {
    const run = lamina('experiment', '--model', 'circles-mlp', '--seed', '1', '--epochs', '1', '--bogus', '3');
    expectUsageError(run, /--bogus/);
    expect(run.stderr).toMatch(/--rate, --input-rate, --max-norm, --epochs/);
    expectUsageError(lamina('experiment', '--model', 'circles-mlp', '--seed', '1', '--input_rate', '0.2'), /--input_rate/);
    expectUsageError(lamina('experiment', '--model', 'circles-mlp', '--seed', '1', '--workers', '2'), /--workers/);
  });

  it('grid refuses a flag the task does not take', () => {
    expectUsageError(lamina('grid', '--model', 'circles-mlp', '--rate', '0,0.5', '--bogus', '1,2'), /--bogus/);
  });

  it('refuses a flag given twice', () => {
    expectUsageError(lamina('experiment', '--model', 'circles-mlp', '--seed', '1', '--rate', '0.1', '--rate', '0.2'), /--rate .*twice/);
  });

  it('grid --workers, --repeats: positive integers', () => {
    for (const [flag, value] of [['--workers', '0'], ['--workers', '1.5'], ['--workers', '-1'], ['--repeats', '0'], ['--repeats', '2.5']]) {
      const run = lamina('grid', '--model', 'circles-mlp', '--rate', '0', '--epochs', '0', flag, value);
      expectUsageError(run, new RegExp(`${flag} must be a positive integer, got ${value.replace('.', '\\.')}`));
    }
  });

  it('grid caps its size with a clear error before building the value lists (--rate 0:1e9:1)', () => {
    const run = lamina('grid', '--model', 'circles-mlp', '--rate', '0:1e9:1');
    expectUsageError(run, /--rate 0:1e9:1 gives 1000000001 values; a grid runs at most 10000/);
    expect(run.seconds).toBeLessThan(5);
    // The product of the lists, times the repeats, is capped too.
    const product = lamina('grid', '--model', 'circles-mlp', '--rate', '0:0.9:0.1', '--max-norm', '1:100:1', '--repeats', '20');
    expectUsageError(product, /20000 runs \(10 x 100 configurations x 20 seeds\); a grid runs at most 10000/);
  });

  it('grid refuses a range that goes backwards', () => {
    expectUsageError(lamina('grid', '--model', 'circles-mlp', '--rate', '0.5:0:0.1'), /--rate .*STOP .*START/);
  });

  it('grid runs a small valid grid (epochs 0 and 1) and prints one JSON line per configuration', () => {
    const run = lamina('grid', '--model', 'circles-mlp', '--rate', '0,0.5', '--epochs', '0,1', '--repeats', '1', '--workers', '1', '--json');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const rows = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((r) => r.params)).toEqual([
      { rate: 0, epochs: 0 },
      { rate: 0, epochs: 1 },
      { rate: 0.5, epochs: 0 },
      { rate: 0.5, epochs: 1 },
    ]);
  }, 30000);
});

describe('the circles-mlp task', () => {
  it('refuses a parameter it does not take, also when called as a library (gridSearch, repeatedEvaluation)', async () => {
    await expect(circlesMlp({ epochs: 0, inputrate: 0.2 }, 1)).rejects.toThrow("circles-mlp: unknown parameter 'inputrate'; it takes rate, inputRate, maxNorm, epochs");
  });

  it('at 0 epochs scores the initial weights; after training, its test loss is the last val_loss of the History', async () => {
    const untrained = await circlesMlp({ epochs: 0 }, 2);
    const { trainX, trainY } = circlesData();
    expect(untrained.trainAcc).toBe(circlesModel({ seed: 2 }).evaluate(trainX, trainY)[1]);
    const trained = await circlesMlp({ epochs: 3, rate: 0.4 }, 2);
    const valLoss = (await runCaseStudy({ seed: 2, rate: 0.4, epochs: 3 })).history.history.val_loss;
    expect(valLoss).toHaveLength(3);
    expect(trained.testLoss).toBe(valLoss[2]);
    expect(trained.testLoss).not.toBe(untrained.testLoss);
  });
});
