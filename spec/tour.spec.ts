/**
 * docs/TOUR.md, the reader's path through one training step, stays true to the code: every
 * `[`file` `name`](../file)` link names a file that exists and a function, class or method
 * defined in it (`Class.method`: the method inside that class), and every line of every code
 * block is a whole line of the file its stop links (both trimmed). A renamed function, a moved
 * method or an edited line makes this spec fail, so the tour has to be updated with the code.
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const TOUR = path.join(ROOT, 'docs', 'TOUR.md');

/** A `[`file` `name`](href)` link. */
interface TourLink {
  file: string;
  name: string;
  href: string;
}

/** A fenced code block and the link it quotes: the last link before it in its stop. */
interface TourBlock {
  link: TourLink | null;
  lines: string[];
}

/** A `## ` section of the tour. */
interface TourStop {
  heading: string;
  links: TourLink[];
  blocks: TourBlock[];
  /** Relative links of any form (`](../...)`), for the existence check. */
  hrefs: string[];
}

const LINK = /\[`([^`]+)` `([^`]+)`\]\(([^)\s]+)\)/g;
const RELATIVE_HREF = /\]\((\.\.?\/[^)\s#]+)(?:#[^)\s]*)?\)/g;

/**
 * Splits the tour into its preamble (index 0, before the first `## `) and its stops. Prose is
 * read a paragraph at a time (lines joined by spaces), so a link wrapped over two lines counts.
 */
function parseTour(text: string): TourStop[] {
  const stops: TourStop[] = [{ heading: '(preamble)', links: [], blocks: [], hrefs: [] }];
  let prose: string[] = [];
  let block: string[] | null = null;
  let lastLink: TourLink | null = null;
  const flush = (): void => {
    const joined = prose.join(' ');
    prose = [];
    const stop = stops[stops.length - 1];
    for (const m of joined.matchAll(LINK)) {
      lastLink = { file: m[1], name: m[2], href: m[3] };
      stop.links.push(lastLink);
    }
    for (const m of joined.matchAll(RELATIVE_HREF)) stop.hrefs.push(m[1]);
  };
  for (const line of text.split('\n')) {
    if (block !== null) {
      if (line.trim().startsWith('```')) {
        stops[stops.length - 1].blocks.push({ link: lastLink, lines: block });
        block = null;
      } else block.push(line);
      continue;
    }
    if (line.trim().startsWith('```')) {
      flush();
      block = [];
    } else if (line.startsWith('## ')) {
      flush();
      stops.push({ heading: line.slice(3).trim(), links: [], blocks: [], hrefs: [] });
      lastLink = null;
    } else if (line.trim() === '') flush();
    else prose.push(line);
  }
  flush();
  if (block !== null) throw new Error('docs/TOUR.md: a code block is not closed');
  return stops;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Index just past the parenthesis that closes the one at `open`, or -1. */
function closeParen(source: string, open: number): number {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    if (source[i] === '(') depth++;
    else if (source[i] === ')' && --depth === 0) return i + 1;
  }
  return -1;
}

/**
 * Whether `source` defines `name`: `function name(`, `class name`, a `const name = (...) =>`
 * arrow, or a method `name(...) {` / `name(...): Type {` at the start of a line (modifiers
 * allowed). A call at the start of a line (`fill(w);`) is not a definition: after its closing
 * parenthesis comes neither `:` nor `{`.
 */
function definesName(source: string, name: string): boolean {
  const n = escape(name);
  if (new RegExp(`\\bfunction\\s+${n}\\s*[<(]`).test(source)) return true;
  if (new RegExp(`\\bclass\\s+${n}\\b`).test(source)) return true;
  if (new RegExp(`^\\s*(?:export\\s+)?(?:const|let|var)\\s+${n}\\s*(?::[^=\\n]+)?=\\s*(?:async\\s+)?(?:\\([^)]*\\)|[\\w$]+)\\s*(?::[^=\\n]+)?=>`, 'm').test(source)) return true;
  const method = new RegExp(`^[ \\t]*(?:(?:public|private|protected|static|override|async|readonly|abstract|get|set)\\s+)*${n}\\s*(?:<[^>\\n]*>)?\\(`, 'gm');
  for (const m of source.matchAll(method)) {
    const end = closeParen(source, (m.index ?? 0) + m[0].length - 1);
    if (end < 0) continue;
    const after = source.slice(end).trimStart();
    if (after.startsWith('{') || after.startsWith(':')) return true;
  }
  return false;
}

/** The text of `class name` up to the first `}` at the start of a line (the class's end), or null. */
function classBody(source: string, name: string): string | null {
  const m = new RegExp(`^(?:export\\s+)?(?:abstract\\s+)?class\\s+${escape(name)}\\b`, 'm').exec(source);
  if (m === null) return null;
  const rest = source.slice(m.index);
  const end = rest.search(/^\}/m);
  return end < 0 ? rest : rest.slice(0, end + 1);
}

/** Whether `source` defines `name`, or for `Class.member` the class and, inside its body, the member. */
function definesQualified(source: string, qualified: string): boolean {
  const parts = qualified.split('.');
  if (parts.length === 1) return definesName(source, parts[0]);
  if (parts.length !== 2) return false;
  const body = classBody(source, parts[0]);
  return body !== null && definesName(body.slice(body.indexOf('{') + 1), parts[1]);
}

/** The lines of a block that are not lines of `source` (both trimmed); empty lines are skipped. */
function missingLines(source: string, lines: readonly string[]): string[] {
  const have = new Set(source.split('\n').map((l) => l.trim()));
  return lines.map((l) => l.trim()).filter((l) => l !== '' && !have.has(l));
}

const stops = parseTour(fs.readFileSync(TOUR, 'utf8'));
const tourStops = stops.slice(1);
const allLinks = stops.flatMap((s) => s.links.map((link) => ({ stop: s.heading, link })));
const allBlocks = stops.flatMap((s, i) => s.blocks.map((block, j) => ({ where: `${s.heading}, block ${j + 1}`, block, preamble: i === 0 })));
const readSource = (file: string): string => fs.readFileSync(path.join(ROOT, file), 'utf8');

describe('docs/TOUR.md', () => {
  it('has at least 12 stops, each with a file/function link and a code block after it', () => {
    expect(tourStops.length).toBeGreaterThanOrEqual(12);
    for (const stop of tourStops) {
      expect({ stop: stop.heading, links: stop.links.length > 0, blocks: stop.blocks.length > 0 }).toEqual({ stop: stop.heading, links: true, blocks: true });
    }
  });

  it.each(allLinks.map(({ stop, link }) => [`${link.file} ${link.name}`, stop, link] as const))('link %s (%s): the file exists and defines the name', (_label, _stop, link) => {
    expect(link.href).toBe(`../${link.file}`);
    expect(link.name).toMatch(/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)?$/);
    const file = path.join(ROOT, link.file);
    expect(fs.existsSync(file) && fs.statSync(file).isFile()).toBe(true);
    expect(definesQualified(readSource(link.file), link.name)).toBe(true);
  });

  it.each(allBlocks.map(({ where, block, preamble }) => [where, block, preamble] as const))('%s: every line is a line of the linked file', (_where, block, preamble) => {
    expect(preamble).toBe(false);
    expect(block.link).not.toBeNull();
    const link = block.link as TourLink;
    expect(block.lines.some((l) => l.trim() !== '')).toBe(true);
    expect({ file: link.file, missing: missingLines(readSource(link.file), block.lines) }).toEqual({ file: link.file, missing: [] });
  });

  it('every relative link points to an existing file', () => {
    const hrefs = stops.flatMap((s) => s.hrefs);
    expect(hrefs.length).toBeGreaterThanOrEqual(allLinks.length);
    const missing = hrefs.filter((h) => !fs.existsSync(path.resolve(path.dirname(TOUR), h)));
    expect(missing).toEqual([]);
  });
});

describe('the tour checker', () => {
  const source = [
    'export function trainStepX(a: number): void {}',
    'export const glorot = (): number => 1;',
    'export const acc: Fn = (t, p) => {',
    '};',
    'export class Tape {',
    '  private record(output: Tensor, backward: () => void): void {',
    '    fill(w);',
    '  }',
    '}',
    'class Other {',
    '  backward(loss: Tensor): void {',
    '  }',
    '}',
  ].join('\n');

  it('finds functions, arrow exports, classes and methods inside their class', () => {
    expect(definesQualified(source, 'trainStepX')).toBe(true);
    expect(definesQualified(source, 'glorot')).toBe(true);
    expect(definesQualified(source, 'acc')).toBe(true);
    expect(definesQualified(source, 'Tape')).toBe(true);
    expect(definesQualified(source, 'Tape.record')).toBe(true);
  });

  it('fails a renamed function, a call taken for a definition, and a method of another class', () => {
    expect(definesQualified(source, 'trainStep')).toBe(false);
    expect(definesQualified(source, 'fill')).toBe(false);
    expect(definesQualified(source, 'Tape.backward')).toBe(false);
    expect(definesQualified(source, 'Other.backward')).toBe(true);
    expect(definesQualified(source, 'Missing.backward')).toBe(false);
  });

  it('matches code lines whole (trimmed), not as substrings', () => {
    expect(missingLines(source, ['    fill(w);', 'export class Tape {', ''])).toEqual([]);
    expect(missingLines(source, ['fill(w)', 'fill(w); // edited'])).toEqual(['fill(w)', 'fill(w); // edited']);
  });

  it('reads a link wrapped over two lines and gives a block the last link before it', () => {
    const parsed = parseTour(['# t', '', '## 1. a stop', '', 'see [`lib/a.ts`', '`f`](../lib/a.ts) and', '[`lib/b.ts` `g`](../lib/b.ts)', '', '```ts', 'x', '```'].join('\n'));
    expect(parsed.length).toBe(2);
    expect(parsed[1].links.map((l) => l.name)).toEqual(['f', 'g']);
    expect(parsed[1].blocks[0].link?.file).toBe('lib/b.ts');
  });
});
