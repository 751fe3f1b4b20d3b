/**
 * `model.save` has one commit point: the weights go to a new uniquely named file, then model.json
 * (naming it) replaces the old one in one rename, then what it superseded is removed: the old
 * weights, and stale temporaries of finished saves and dead processes, never a file of a live save
 * or of another host, and never anything outside the folder. Errors begin with `save:`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Dense, loadModel, Model, Sequential } from '../index';

const HOST = os.hostname().replace(/[^A-Za-z0-9-]/g, '').slice(0, 32) || 'host';
const WEIGHTS_FILE = /^weights\.[A-Za-z0-9-]+\.\d+\.[0-9a-f]{12}\.bin$/;

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'lamina-commit-'));
}

/** A small model whose weights and name tell it apart: Dense(units) on 2 inputs, seed `seed`. */
function model(seed: number, units = 3): Sequential {
  const m = new Sequential({ seed, name: `m${seed}` });
  m.add(new Dense(units, { inputDim: 2 }));
  m.compile({ loss: 'mse', optimizer: 'sgd' });
  return m;
}

function named(dir: string): string[] {
  return JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')).weightsManifest[0].paths;
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const run = spawnSync(process.execPath, ['-e', '0']);
  return run.pid as number;
}

async function expectLoadsAs(dir: string, m: Model): Promise<void> {
  const loaded = await loadModel(dir);
  expect(loaded.name).toBe(m.name);
  expect(loaded.getWeights().map((w) => Array.from(w.data))).toEqual(m.getWeights().map((w) => Array.from(w.data)));
}

describe('save: one commit point', () => {
  it('each save writes a new weights file, model.json names it, and the superseded one is removed', async () => {
    const dir = tmpDir();
    const first = await model(1).save(dir);
    expect(path.basename(first.weightsBin)).toMatch(WEIGHTS_FILE);
    const second = await model(2, 5).save(`file://${dir}`);
    expect(second.weightsBin).not.toBe(first.weightsBin);
    expect(named(dir)).toEqual([path.basename(second.weightsBin)]);
    expect(fs.readdirSync(dir).sort()).toEqual(['model.json', path.basename(second.weightsBin)].sort());
    await expectLoadsAs(dir, model(2, 5));
  });

  it("a folder saved by TensorFlow.js or an older Lamina (weights.bin) is taken over: weights.bin goes, others' files stay", async () => {
    const dir = tmpDir();
    const old = model(3);
    await old.save(dir);
    fs.renameSync(path.join(dir, named(dir)[0]), path.join(dir, 'weights.bin'));
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    json.weightsManifest[0].paths = ['weights.bin'];
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    await expectLoadsAs(dir, old);
    const result = await model(4).save(dir);
    expect(fs.readdirSync(dir).sort()).toEqual(['model.json', 'notes.txt', path.basename(result.weightsBin)].sort());
  });

  it('a hostile model.json being replaced cannot make the save remove a file outside the folder, or model.json', async () => {
    const parent = tmpDir();
    const dir = path.join(parent, 'model');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(parent, 'precious.txt'), 'keep');
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ weightsManifest: [{ paths: ['../precious.txt', '/etc/hostname', 'sub/x', 'model.json'], weights: [] }] }));
    await model(5).save(dir);
    expect(fs.readFileSync(path.join(parent, 'precious.txt'), 'utf8')).toBe('keep');
    await expectLoadsAs(dir, model(5));
  });

  it("removes stale files of dead processes and finished saves, keeps a live process's and another host's", async () => {
    const dir = tmpDir();
    await model(6).save(dir);
    const dead = deadPid();
    const live = process.ppid; // jest's parent: alive while this runs
    const stale = [`weights.${HOST}.${dead}.0123456789ab.bin`, `.model.json.${HOST}.${dead}.0123456789ab.tmp`, `.model.json.${dead}.3.tmp`, `.weights.bin.${dead}.0.tmp`, `weights.${HOST}.${process.pid}.00000000abcd.bin`];
    const kept = [`weights.${HOST}.${live}.0123456789ab.bin`, `.model.json.${HOST}.${live}.0123456789ab.tmp`, `weights.otherhost.${dead}.0123456789ab.bin`, 'weights.1.2.bin'];
    for (const f of [...stale, ...kept]) fs.writeFileSync(path.join(dir, f), 'x');
    const result = await model(7).save(dir);
    expect(fs.readdirSync(dir).sort()).toEqual(['model.json', path.basename(result.weightsBin), ...kept].sort());
    await expectLoadsAs(dir, model(7));
  });

  it('saves racing into one folder in one process: it loads as one of them, with one weights file left', async () => {
    const dir = tmpDir();
    const models = [10, 11, 12, 13, 14, 15, 16, 17].map((s) => model(s, 1 + (s % 4)));
    await Promise.all(models.map((m) => m.save(dir)));
    const loaded = await loadModel(dir);
    const winner = models.find((m) => m.name === loaded.name) as Sequential;
    await expectLoadsAs(dir, winner);
    expect(fs.readdirSync(dir).sort()).toEqual(['model.json', named(dir)[0]].sort());
  });

  it('loads racing with saves into the same folder each give one of the saved models (a replaced model.json is read again)', async () => {
    const dir = tmpDir();
    const a = model(20, 2);
    const b = model(21, 4);
    await a.save(dir);
    let done = false;
    // One loop saves a, b, a, b, ... while another loads the folder again and again.
    const saver = (async () => {
      for (let k = 0; k < 40; k++) await (k % 2 ? a : b).save(dir);
      done = true;
    })();
    const loads: Model[] = [];
    while (!done) loads.push(await loadModel(dir));
    await saver;
    expect(loads.length).toBeGreaterThan(10);
    for (const loaded of loads) {
      const want = loaded.name === a.name ? a : b;
      expect(loaded.getWeights().map((w) => Array.from(w.data))).toEqual(want.getWeights().map((w) => Array.from(w.data)));
    }
  });

  it('a failed save says save:, names the folder, leaves the previous model whole and none of its own files', async () => {
    const parent = tmpDir();
    fs.writeFileSync(path.join(parent, 'afile'), 'x');
    const under = path.join(parent, 'afile', 'sub');
    await expect(model(8).save(under)).rejects.toThrow(new RegExp(`^save: could not save the model into ${under.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: ENOTDIR`));
    const dir = tmpDir();
    await model(9).save(dir);
    const before = fs.readdirSync(dir).sort();
    // model.json turned into a folder: the commit (rename) fails.
    const weights = named(dir)[0];
    const json = fs.readFileSync(path.join(dir, 'model.json'));
    fs.rmSync(path.join(dir, 'model.json'));
    fs.mkdirSync(path.join(dir, 'model.json'));
    fs.writeFileSync(path.join(dir, 'model.json', 'x'), 'occupied');
    const error = await model(10).save(dir).then(() => null, (e: Error) => e);
    expect(error?.message).toMatch(new RegExp(`^save: could not save the model into ${dir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: `));
    expect(error?.message).not.toMatch(/writeFileAtomic/);
    expect(fs.readdirSync(dir).sort()).toEqual(before);
    fs.rmSync(path.join(dir, 'model.json'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'model.json'), json);
    expect(named(dir)).toEqual([weights]);
    await expectLoadsAs(dir, model(9));
  });
});
