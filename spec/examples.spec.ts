/**
 * Each example script writes its own files under out/, so running one does not overwrite what
 * another (e.g. `npm start`) wrote. The paths are read from the sources with the TypeScript
 * parser: string literals starting with `out/` (a template such as `out/${file}.svg` is a
 * pattern), and the default file name of a helper's parameter (`plotCircles(file =
 * 'out/circles.svg')`) for each call that leaves that argument out.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const EXAMPLES = path.join(__dirname, '..', 'examples');

/** An out/ path: a literal, or a template whose `${...}` parts match any text. */
interface OutPath {
  text: string;
  pattern: RegExp;
}

function outPath(parts: string[]): OutPath {
  const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return { text: parts.join('${...}'), pattern: new RegExp(`^${parts.map(escape).join('.+')}$`) };
}

/** Two paths that can name the same file. */
function collide(a: OutPath, b: OutPath): boolean {
  const sample = (p: OutPath): string => p.text.split('${...}').join('x');
  return a.text === b.text || a.pattern.test(sample(b)) || b.pattern.test(sample(a));
}

interface Scanned {
  /** Runs as a script (`require.main === module` or a top-level `main()` call). */
  script: boolean;
  /** out/ paths written in this file (not counting parameter defaults). */
  literals: OutPath[];
  /** Local modules it imports (file names without extension). */
  imports: string[];
  /** Functions with an out/ default: name -> [parameter index, path]. */
  defaults: Map<string, [number, OutPath]>;
  /** Calls by name with their argument count. */
  calls: [string, number][];
}

function scan(file: string): Scanned {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2020, true);
  const result: Scanned = { script: false, literals: [], imports: [], defaults: new Map(), calls: [] };
  const text = source.getFullText();
  result.script = /require\.main === module/.test(text) || source.statements.some((s) => ts.isExpressionStatement(s) && /^(void )?main\(\)/.test(s.getText(source)));
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && node.moduleSpecifier.text.startsWith('./')) {
      result.imports.push(path.basename(node.moduleSpecifier.text));
    }
    if (ts.isFunctionDeclaration(node) && node.name !== undefined) {
      node.parameters.forEach((p, i) => {
        const init = p.initializer;
        if (init !== undefined && ts.isStringLiteralLike(init) && init.text.startsWith('out/')) result.defaults.set((node.name as ts.Identifier).text, [i, outPath([init.text])]);
      });
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) result.calls.push([node.expression.text, node.arguments.length]);
    const isDefault = node.parent !== undefined && ts.isParameter(node.parent) && node.parent.initializer === node;
    if (ts.isStringLiteralLike(node) && node.text.startsWith('out/') && !isDefault) result.literals.push(outPath([node.text]));
    if (ts.isTemplateExpression(node) && node.head.text.startsWith('out/')) {
      result.literals.push(outPath([node.head.text, ...node.templateSpans.map((s) => s.literal.text)]));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return result;
}

/** For each example script, the out/ paths it writes. */
function writesByScript(): Map<string, OutPath[]> {
  const files = new Map<string, Scanned>();
  for (const name of fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.ts'))) files.set(name.replace(/\.ts$/, ''), scan(path.join(EXAMPLES, name)));
  const defaults = new Map<string, [number, OutPath]>();
  for (const f of files.values()) for (const [name, d] of f.defaults) defaults.set(name, d);
  const writes = new Map<string, OutPath[]>();
  for (const [name, f] of files) {
    if (!f.script) continue;
    // Its own literals, those of the non-script modules it imports, and helper defaults it relies on.
    const paths = [...f.literals];
    for (const imported of f.imports) {
      const m = files.get(imported);
      if (m !== undefined && !m.script) paths.push(...m.literals);
    }
    for (const [callee, argc] of f.calls) {
      const d = defaults.get(callee);
      if (d !== undefined && argc <= d[0]) paths.push(d[1]);
    }
    writes.set(name, paths);
  }
  return writes;
}

describe('the example scripts', () => {
  const writes = writesByScript();

  it('are found with the files they write (the scan sees literals, templates and helper defaults)', () => {
    expect([...writes.values()].filter((p) => p.length > 0).length).toBeGreaterThanOrEqual(8);
    expect((writes.get('case-study') ?? []).length).toBe(3);
    // circles-plot writes plotCircles' default file name.
    expect((writes.get('circles-plot') ?? []).map((p) => p.text)).toHaveLength(1);
    expect((writes.get('rnn-waveforms') ?? []).some((p) => p.text.includes('${...}'))).toBe(true);
    expect(collide(outPath(['out/', '.svg']), outPath(['out/rnn-a.svg']))).toBe(true);
    expect(collide(outPath(['out/a.svg']), outPath(['out/b.svg']))).toBe(false);
  });

  it('write no file that another script writes', () => {
    const clashes: string[] = [];
    const names = [...writes.keys()];
    // Every pair of scripts, every pair of their paths.
    for (let i = 0; i < names.length; i++) {
      for (let j = i + 1; j < names.length; j++) {
        for (const a of writes.get(names[i]) ?? []) {
          for (const b of writes.get(names[j]) ?? []) if (collide(a, b)) clashes.push(`${names[i]} and ${names[j]}: ${a.text} / ${b.text}`);
        }
      }
    }
    expect(clashes).toEqual([]);
  });
});
