import { execSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { gridSearch, repeatedEvaluation, summarize } from '../lib/experiment';

/** Workers load compiled JavaScript: the tasks module under dist/ (built here if missing). */
const TASKS = path.join(__dirname, '..', 'dist', 'examples', 'tasks.js');
beforeAll(() => {
  if (!fs.existsSync(TASKS)) execSync('npx tsc -p tsconfig.build.json', { cwd: path.join(__dirname, '..'), stdio: 'inherit' });
}, 120000);

const task = { module: TASKS, name: 'circlesMlp' };

describe('repeatedEvaluation and gridSearch', () => {
  it('give the same table serially and on 2 worker threads for the same seeds', async () => {
    const params = { rate: 0.4, epochs: 150 };
    const serial = await repeatedEvaluation(task, params, { seeds: [3, 1, 4, 1], workers: 0 });
    const parallel = await repeatedEvaluation(task, params, { seeds: [3, 1, 4, 1], workers: 2 });
    expect(parallel).toEqual(serial);
    expect(serial.runs).toHaveLength(4);
    // seed 1 twice: the same run twice
    expect(serial.runs[1]).toEqual(serial.runs[3]);
    expect(serial.runs[0]).not.toEqual(serial.runs[1]);
    expect(Object.keys(serial.summary)).toEqual(['trainAcc', 'testAcc', 'trainLoss', 'testLoss']);
  }, 60000);

  it('grid search runs every combination, in order, serially and in parallel alike', async () => {
    const grid = { rate: [0, 0.5], epochs: [50, 100] };
    const serial = await gridSearch(task, grid, { repeats: 2, workers: 0 });
    const parallel = await gridSearch(task, grid, { repeats: 2, workers: 2 });
    expect(serial.map((r) => r.params)).toEqual([
      { rate: 0, epochs: 50 },
      { rate: 0, epochs: 100 },
      { rate: 0.5, epochs: 50 },
      { rate: 0.5, epochs: 100 },
    ]);
    expect(parallel).toEqual(serial);
    expect(serial[0].seeds).toEqual([1, 2]);
  }, 60000);

  it('accepts a plain function (run serially) and summarises with population statistics', async () => {
    const result = await repeatedEvaluation((p, seed) => ({ score: seed * (p.k as number) }), { k: 2 }, { repeats: 4 });
    expect(result.runs.map((r) => r.score)).toEqual([2, 4, 6, 8]);
    expect(result.summary.score).toEqual({ mean: 5, std: Math.sqrt(5), min: 2, max: 8 });
    expect(summarize([1, 1, 1])).toEqual({ mean: 1, std: 0, min: 1, max: 1 });
  });

  it('rejects bad arguments with clear errors', async () => {
    const f = () => ({ s: 1 });
    await expect(gridSearch(f, { rate: [] })).rejects.toThrow('gridSearch: grid.rate has no values; give it a non-empty array');
    await expect(gridSearch(f, {})).rejects.toThrow('gridSearch: grid must name at least one parameter');
    await expect(repeatedEvaluation(f, {}, { repeats: 0 })).rejects.toThrow('repeatedEvaluation: repeats must be an integer >= 1, got 0');
    await expect(repeatedEvaluation(f, {}, { seeds: [] })).rejects.toThrow('seeds must be a non-empty array of integers');
    await expect(repeatedEvaluation({ module: TASKS, name: 'nope' }, {}, { repeats: 1 })).rejects.toThrow(/exports no function 'nope'/);
    await expect(repeatedEvaluation(task, { rate: 1, epochs: 1 }, { repeats: 1, workers: 1 })).rejects.toThrow(/failed in a worker: .*rate must be in \[0, 1\)/);
    await expect(repeatedEvaluation(() => ({ s: 'x' }) as never, {}, { repeats: 1 })).rejects.toThrow('a task must return an object of numbers');
  }, 30000);
});
