/**
 * A save is all or nothing even under SIGKILL. Child processes (the built dist/) save model after
 * model, two at a time, into the same folders; each is killed at a random moment (at least 50
 * kills). Afterwards every folder must load as exactly one of the saved models: model i is a pure
 * function of i (its name is `m<i>`, its seed i, its shapes and optimizer derived from i), so the
 * loaded name says which model it must be, and its weights, layers and optimizer are compared
 * with that model rebuilt here. A last clean save into each folder must leave exactly model.json
 * and one weights file: every leftover of the killed saves removed.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as lamina from '../index';
import { distEntry } from './helpers/dist';
import { lcg } from './helpers/fixtures';

/** Model i, as a function body shared by the children (on dist/) and this spec (on the sources). */
const MAKE = `
  const m = new lamina.Sequential({ seed: i, name: 'm' + i });
  m.add(new lamina.Dense(8 + (i % 5), { inputDim: 2 + (i % 3), activation: 'relu', name: 'a' + i }));
  m.add(new lamina.Dense(64 + (i % 7), { name: 'b' + i }));
  m.add(new lamina.Dense(1 + (i % 2), { activation: 'sigmoid', name: 'c' + i }));
  m.compile({ loss: i % 2 ? 'mse' : 'binary_crossentropy', optimizer: new lamina.SGD({ learningRate: (1 + (i % 9)) / 100, momentum: (i % 4) / 10 }) });
  return m;
`;
const make = new Function('lamina', 'i', MAKE) as (l: typeof lamina, i: number) => lamina.Sequential;

/** The child: announces itself, then saves models start, start + 1, ... into folders[i % F] until killed. */
const CHILD = `
const [dist, start, folders] = process.argv.slice(1);
// Only the modules a save needs (faster to start than the whole package).
const lib = require('path').join(dist, '..');
const lamina = { ...require(lib + '/lib/sequential.js'), ...require(lib + '/layers/dense.js'), ...require(lib + '/lib/optimizers.js') };
const dirs = JSON.parse(folders);
const make = new Function('lamina', 'i', ${JSON.stringify(MAKE)});
(async () => {
  process.stdout.write('ready\\n');
  for (let i = Number(start); ; i++) {
    await make(lamina, i).save(dirs[i % dirs.length]);
    process.stdout.write('s');
  }
})();
`;

const FOLDERS = 4;
const KILLS = 52;
const PARALLEL = 2;

/** Starts a child saving from model `start`, kills it `delayMs` after it is ready; resolves with the saves it reported. */
function runAndKill(dist: string, start: number, dirs: string[], delayMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', CHILD, dist, String(start), JSON.stringify(dirs)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let armed = false;
    // A safety net only: a child that never gets ready (a machine far too busy) is ended here.
    const guard = setTimeout(() => child.kill('SIGKILL'), 20000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!armed && out.includes('ready\n')) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (_code, signal) => {
      clearTimeout(guard);
      if (signal !== 'SIGKILL' || !armed) reject(new Error(`child ended by ${signal} before being killed as planned: ${err.slice(0, 500)}`));
      else resolve(out.split('ready\n')[1].length);
    });
  });
}

describe('save under SIGKILL', () => {
  jest.setTimeout(30000);

  it(`${KILLS} kills at random moments of saves racing into ${FOLDERS} folders: every folder loads as exactly one saved model`, async () => {
    const dist = distEntry();
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'lamina-kill-'));
    const dirs = Array.from({ length: FOLDERS }, (_, k) => path.join(base, `f${k}`));
    // Every folder starts with a model (number 1e6 + k, so k is its folder too).
    for (let k = 0; k < FOLDERS; k++) await make(lamina, 1e6 + k).save(dirs[k]);
    // Kill within a few save times, so kills land before, during and after saves however busy the
    // machine is (a fixed window would kill every child before its first save on a slow hour).
    const t = Date.now();
    for (let k = 0; k < 5; k++) await make(lamina, 3e6 + k).save(path.join(base, 'timing'));
    const window = Math.min(1000, Math.max(70, Math.ceil(((Date.now() - t) / 5) * 8)));
    const next = lcg(11);
    let kills = 0;
    let saves = 0;
    const started = Date.now();
    // Waves of PARALLEL children, each killed at a random moment of the window after it is ready.
    while (kills < KILLS) {
      const wave = Array.from({ length: PARALLEL }, (_, c) => runAndKill(dist, (kills + c + 1) * 1e7, dirs, Math.floor(Math.abs(next()) * window) % window));
      for (const n of await Promise.all(wave)) saves += n;
      kills += PARALLEL;
    }
    const seconds = (Date.now() - started) / 1000;

    let leftovers = 0;
    for (let k = 0; k < FOLDERS; k++) {
      const dir = dirs[k];
      const loaded = await lamina.loadModel(dir);
      const i = Number(/^m(\d+)$/.exec(loaded.name)?.[1]);
      expect(i % FOLDERS).toBe(k);
      const want = make(lamina, i);
      expect(loaded.layers.map((l) => l.getConfig())).toEqual(want.layers.map((l) => l.getConfig()));
      expect(loaded.getWeights().map((w) => Array.from(w.data))).toEqual(want.getWeights().map((w) => Array.from(w.data)));
      expect(loaded.trainingConfig()).toEqual(want.trainingConfig());
      const named = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')).weightsManifest[0].paths;
      leftovers += fs.readdirSync(dir).filter((f) => f !== 'model.json' && !named.includes(f)).length;
    }

    // A clean save removes every leftover of the killed ones.
    let leaked = 0;
    for (let k = 0; k < FOLDERS; k++) {
      const last = make(lamina, 2e6 + k);
      const result = await last.save(dirs[k]);
      const files = fs.readdirSync(dirs[k]).sort();
      leaked += files.length - 2;
      expect(files).toEqual(['model.json', path.basename(result.weightsBin)].sort());
      expect((await lamina.loadModel(dirs[k])).name).toBe(last.name);
    }
    if (process.env.LAMINA_REPORT) {
      console.log(`${kills} kills, ${saves} saves reported by the children, ${FOLDERS} folders, ${seconds.toFixed(1)} s; ${leftovers} leftover files before the clean save, ${leaked} after`);
    }
    expect(kills).toBeGreaterThanOrEqual(50);
    expect(saves).toBeGreaterThan(kills);
    fs.rmSync(base, { recursive: true, force: true });
  });
});
