/**
 * The bench's table (bench/table.ts): ratios for times and throughputs, targets against
 * TensorFlow.js and PyTorch, the new columns; the PyTorch peer's data files and result fields
 * (bench/pytorch.ts, no PyTorch needed); and the hand-fused floor (bench/floor-mlp.ts) learning
 * the case study as the loop it copies does. No speed is asserted.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { circlesData } from '../examples/circles-mlp';
import { floorFit } from '../bench/floor-mlp';
import { describeTorch, findTorch, numberField, writeFloat32LE } from '../bench/pytorch';
import { fmt, fmtCpu, markdown, met, ratio, type Row } from '../bench/table';

const row = (over: Partial<Row>): Row => ({
  workload: 'w',
  unit: 'u',
  lamina: 1,
  tfCpu: null,
  tfWasm: null,
  higherIsBetter: true,
  targetCpu: null,
  targetWasm: null,
  ...over,
});

describe('bench/table', () => {
  it('ratio is Lamina\'s speed-up: Lamina / peer for throughputs, peer / Lamina for times, null without a peer', () => {
    expect(ratio(row({ lamina: 300, higherIsBetter: true }), 1000)).toBeCloseTo(0.3, 12);
    expect(ratio(row({ lamina: 2, higherIsBetter: false }), 4)).toBe(2);
    expect(ratio(row({}), null)).toBeNull();
    expect(ratio(row({}), undefined)).toBeNull();
  });

  it('met checks the PyTorch 1-thread target beside the TF.js ones and ignores a target whose peer did not run', () => {
    const cnn = { targetCpu: 75, tfCpu: 1, targetTorch1: 0.2 };
    expect(met(row({ ...cnn, lamina: 300, torch1: 1000 }))).toBe('yes');
    expect(met(row({ ...cnn, lamina: 150, torch1: 1000 }))).toBe('NO');
    // without PyTorch only the TF.js target counts
    expect(met(row({ ...cnn, lamina: 150, torch1: null }))).toBe('yes');
    expect(met(row({ ...cnn, lamina: 50, torch1: null }))).toBe('NO');
    // a ratio row with a ceiling (the floor: at most 0.85 of its time)
    expect(met(row({ lamina: 0.8, higherIsBetter: false, ceiling: 0.85 }))).toBe('yes');
    expect(met(row({ lamina: 1.5, higherIsBetter: false, ceiling: 0.85 }))).toBe('NO');
    expect(met(row({}))).toBe('');
  });

  it('fmt and fmtCpu print figures, whole percents and a dash for what is missing', () => {
    expect(fmt(5.678)).toBe('5.68');
    expect(fmt(1234.5)).toBe('1235');
    expect(fmt(null)).toBe('-');
    expect(fmtCpu(199.6)).toBe('200%');
    expect(fmtCpu(undefined)).toBe('-');
  });

  it('markdown has the CPU% and PyTorch columns, one cell per header, and says which PyTorch ran', () => {
    const rows = [
      row({ workload: 'cnn', lamina: 300, cpuPercent: 99.7, tfCpu: 3, torch1: 1000, torchAll: 1500, torch1Cpu: 100, torchAllCpu: 198, targetTorch1: 0.2 }),
      row({ workload: 'mem', lamina: 70, higherIsBetter: false, ceiling: 150 }),
    ];
    const md = markdown(rows, { machine: 'M', full: false, cores: 2, torch: 'PyTorch 9 (python)' });
    const lines = md.trim().split('\n');
    const table = lines.filter((l) => l.startsWith('|'));
    const header = table[0].split('|').map((c) => c.trim());
    for (const l of table) expect(l.split('|').length).toBe(header.length);
    expect(header).toEqual(expect.arrayContaining(['CPU%', 'PyTorch 1t', 'PyTorch 2t', 'x PT 1t', 'x PT 2t', 'PT CPU% 1t / 2t']));
    const cells = (name: string) => table.find((l) => l.startsWith(`| ${name} `))!.split('|').map((c) => c.trim());
    const cnn = cells('cnn');
    expect(cnn[header.indexOf('CPU%')]).toBe('100%');
    expect(cnn[header.indexOf('PyTorch 1t')]).toBe('1000');
    expect(cnn[header.indexOf('x PT 1t')]).toBe('0.30');
    expect(cnn[header.indexOf('x PT 2t')]).toBe('0.20');
    expect(cnn[header.indexOf('PT CPU% 1t / 2t')]).toBe('100% / 198%');
    expect(cnn[header.indexOf('target met')]).toBe('yes');
    const mem = cells('mem');
    expect(mem[header.indexOf('PyTorch 1t')]).toBe('-');
    expect(mem[header.indexOf('PT CPU% 1t / 2t')]).toBe('-');
    expect(md).toContain('PyTorch 9 (python)');
    expect(md).toContain('`npm run bench`');
  });
});

describe('bench/pytorch helpers (no PyTorch needed)', () => {
  it('writeFloat32LE writes raw little-endian float32, 4 bytes a value', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lamina-f32-'));
    try {
      const file = path.join(dir, 'x.f32');
      const values = [0, 1, -2.5, 0.1, 3e38, Math.PI];
      writeFloat32LE(file, values);
      const buf = fs.readFileSync(file);
      expect(buf.length).toBe(4 * values.length);
      expect(buf.readUInt32LE(4)).toBe(0x3f800000);
      expect(Array.from(values, (_, i) => buf.readFloatLE(4 * i))).toEqual(values.map(Math.fround));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('numberField reads a finite number of a result line and names the script and field otherwise', () => {
    expect(numberField({ seconds: 1.5 }, 'seconds', 'cnn.py')).toBe(1.5);
    expect(() => numberField({ seconds: '1.5' }, 'seconds', 'cnn.py')).toThrow(/cnn\.py: expected a finite number in field 'seconds' .*got "1\.5"/);
    expect(() => numberField({}, 'threads', 'lstm.py')).toThrow(/lstm\.py: .*'threads'.*got undefined/);
    expect(() => numberField({ x: null }, 'x', 'm.py')).toThrow(/got null/);
  });

  it('findTorch returns null when the Python it is given cannot import torch (the bench then skips PyTorch)', () => {
    const saved = process.env.LAMINA_BENCH_PYTHON;
    try {
      process.env.LAMINA_BENCH_PYTHON = path.join(os.tmpdir(), 'no-such-python-for-lamina');
      expect(findTorch()).toBeNull();
    } finally {
      if (saved === undefined) delete process.env.LAMINA_BENCH_PYTHON;
      else process.env.LAMINA_BENCH_PYTHON = saved;
    }
  });

  it('describeTorch says when PyTorch is missing, and warns when it runs on the reference BLAS', () => {
    expect(describeTorch(null, 2)).toBe('PyTorch not installed: skipped');
    const peer = { python: '/usr/bin/python3', version: '1.13', blas: 'openblas-pthread', dataDir: '/tmp' };
    expect(describeTorch(peer, 2)).toBe('PyTorch 1.13 (/usr/bin/python3; BLAS: openblas-pthread), 1 thread and 2 threads');
    expect(describeTorch({ ...peer, blas: 'blas' }, 2)).toMatch(/reference libblas3/);
  });
});

describe('bench/floor-mlp', () => {
  it('trains the case study to the scores of the loop it copies (train 1.0, test 54 of 70 after 4000 epochs)', () => {
    const { X, y } = circlesData();
    const run = floorFit(X.data, y.data, 4000);
    expect(run.trainAcc).toBe(1);
    expect(run.testAcc).toBeCloseTo(54 / 70, 12);
    // and it does learn: after 1 epoch it is not there yet
    expect(floorFit(X.data, y.data, 1).trainAcc).toBeLessThan(1);
  });
});
