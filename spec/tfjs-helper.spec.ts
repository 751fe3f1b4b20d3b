/**
 * Specs that compare with TensorFlow.js load it through spec/helpers/tfjs.ts, which keeps its
 * "install tfjs-node" advice (printed by console.warn on the CPU backend's first tensor, which
 * jest shows with a stack trace, like a failure) out of the test output, and nothing else.
 */
import * as fs from 'fs';
import * as path from 'path';

describe('spec/helpers/tfjs', () => {
  it('loads TensorFlow.js, which then runs on its CPU backend without printing the "install tfjs-node" advice', async () => {
    // Spy first, then load: the helper's filter sits in front of what reaches the console.
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const { tf, silencedAdvice } = await import('./helpers/tfjs');
      expect(await tf.setBackend('cpu')).toBe(true);
      const y = tf.tensor([1, 2, 3]).square();
      expect(Array.from(y.dataSync())).toEqual([1, 4, 9]);
      const printed = [...warn.mock.calls, ...log.mock.calls].map((args) => args.map(String).join(' '));
      expect(printed.filter((text) => text.includes('tfjs-node'))).toEqual([]);
      // TF.js did give its advice (so the check above is not vacuous), and the helper dropped it.
      expect(silencedAdvice()).toBe(1);
      // Other warnings still get through.
      console.warn('another warning');
      expect(warn).toHaveBeenLastCalledWith('another warning');
    } finally {
      warn.mockRestore();
      log.mockRestore();
    }
  });

  it('is the way every spec loads TensorFlow.js', () => {
    const specDir = path.join(__dirname);
    const direct: string[] = [];
    // Every .ts file under spec/, except the helper itself.
    const visit = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) visit(file);
        else if (entry.name.endsWith('.ts') && file !== path.join(specDir, 'helpers', 'tfjs.ts')) {
          if (/(from|require\()\s*['"]@tensorflow\/tfjs['"]/.test(fs.readFileSync(file, 'utf8'))) direct.push(path.relative(specDir, file));
        }
      }
    };
    visit(specDir);
    expect(direct).toEqual([]);
  });
});
