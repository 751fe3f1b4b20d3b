/**
 * A layer of your own (examples/custom-layer.ts, shown in the README): it passes the gradient
 * check, trains, saves and loads through registerLayerClass; the README shows the same code.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gradCheck, Workspace } from '../index';
import { weightedSum } from '../lib/ops';
import { customLayerDemo, Scale } from '../examples/custom-layer';
import { lcg, randomTensor } from './helpers/fixtures';

describe('a custom layer (examples/custom-layer.ts)', () => {
  it('passes the gradient check for its input and its weight', () => {
    const layer = new Scale();
    const next = lcg(2);
    const x = randomTensor([3, 4], next);
    layer.apply(x);
    const G = randomTensor([3, 4], next);
    const ws = new Workspace();
    const { relativeError } = gradCheck((ctx) => weightedSum(ctx, ws, layer.call(x, ctx), G), [x, layer.weights[0]]);
    for (const e of relativeError) expect(e).toBeLessThan(1e-2);
  });

  it('trains, saves and loads back with the same predictions', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lamina-custom-'));
    const { before, after, gamma, loss } = await customLayerDemo(dir);
    expect(loss[loss.length - 1]).toBeLessThan(loss[0]);
    expect(gamma).not.toEqual([1, 1]);
    expect(Array.from(after.data)).toEqual(Array.from(before.data));
  });

  it('the README shows this code', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const source = fs.readFileSync(path.join(__dirname, '..', 'examples', 'custom-layer.ts'), 'utf8');
    const cls = source.slice(source.indexOf('export class Scale'), source.indexOf("registerLayerClass('Scale'"));
    expect(readme).toContain(cls.replace('export class', 'class').trim());
  });
});
