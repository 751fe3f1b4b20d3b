/**
 * The README's TypeScript samples compile as a new user would paste them: each ```ts block is a
 * file of a CommonJS project (the package's own module kind) with the repository's strict
 * options, where `'lamina'` resolves to index.ts. A top-level `await` (TS1378), a renamed export
 * or a wrong option type fails here.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..');

/** The ```ts (or ```typescript) code blocks of a Markdown text, with the line each starts on. */
function typeScriptBlocks(markdown: string): { line: number; code: string }[] {
  const blocks: { line: number; code: string }[] = [];
  const lines = markdown.split('\n');
  let start = -1;
  // Collect the lines between an opening ```ts fence and the next closing fence.
  for (let i = 0; i < lines.length; i++) {
    if (start < 0 && /^```(ts|typescript)\s*$/.test(lines[i])) start = i + 1;
    else if (start >= 0 && /^```\s*$/.test(lines[i])) {
      blocks.push({ line: start + 1, code: lines.slice(start, i).join('\n') });
      start = -1;
    }
  }
  return blocks;
}

/** Type-checks `files` (name -> code, at the repository root) as CommonJS modules; the diagnostics of those files, as text. */
function compileSamples(files: Record<string, string>): string[] {
  const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const options: ts.CompilerOptions = {
    ...parsed.options,
    module: ts.ModuleKind.CommonJS,
    noEmit: true,
    types: ['node'],
    baseUrl: ROOT,
    paths: { lamina: ['index.ts'] },
  };
  const host = ts.createCompilerHost(options);
  const virtual = new Map(Object.entries(files).map(([name, code]) => [path.join(ROOT, name), code]));
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (name) => virtual.has(name) || fileExists.call(host, name);
  host.readFile = (name) => virtual.get(name) ?? readFile.call(host, name);
  host.getSourceFile = (name, language, ...rest) => {
    const code = virtual.get(name);
    return code !== undefined ? ts.createSourceFile(name, code, language, true) : getSourceFile.call(host, name, language, ...rest);
  };
  const program = ts.createProgram([...virtual.keys()], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file !== undefined && virtual.has(d.file.fileName))
    .map((d) => {
      const file = d.file as ts.SourceFile;
      const { line } = file.getLineAndCharacterOfPosition(d.start ?? 0);
      return `${path.basename(file.fileName)}:${line + 1} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
}

describe("the README's TypeScript samples", () => {
  const blocks = typeScriptBlocks(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
  const samples = Object.fromEntries(blocks.map((b, i) => [`readme-sample-${i + 1}-line-${b.line}.ts`, b.code]));
  // Two samples that must not compile, checked in the same program (one compile of index.ts's graph).
  const bad = {
    'bad-await.ts': "import { Sequential } from 'lamina';\nawait new Sequential().fit([[1]], [[1]]);\n",
    'bad-import.ts': "import { Sequentail } from 'lamina';\nconsole.log(Sequentail);\n",
  };
  let diagnostics: string[] = [];
  beforeAll(() => {
    diagnostics = compileSamples({ ...samples, ...bad });
  }, 60000);

  it('are there to check', () => {
    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks[0].code).toContain("from 'lamina'");
  });

  it("compile as CommonJS TypeScript files importing 'lamina'", () => {
    expect(diagnostics.filter((d) => d.startsWith('readme-sample-'))).toEqual([]);
  });

  it('would catch a sample that does not compile (top-level await in CommonJS, a wrong import)', () => {
    expect(diagnostics.some((d) => d.startsWith('bad-await.ts:2 TS1378'))).toBe(true);
    expect(diagnostics.some((d) => /^bad-import\.ts:1 TS(2724|2305)/.test(d))).toBe(true);
  });
});
