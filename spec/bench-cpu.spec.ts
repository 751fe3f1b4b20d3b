/**
 * The bench's CPU% column and its reading of child processes (bench/cpu.ts): the arithmetic, the
 * parsing of /proc/<pid>/stat and of a child's result line, and the CPU time of a child counted
 * by the kernel. No speed is asserted: a child burns a fixed amount of CPU time, whatever the load.
 */
import * as fs from 'fs';
import { addSpans, childTicksFromStat, cpuPercent, lastJsonLine, measured, runChild } from '../bench/cpu';

describe('bench/cpu', () => {
  it('cpuPercent is CPU time over wall time in percent, null when either is unknown or the wall time is not positive', () => {
    expect(cpuPercent(1, 1)).toBe(100);
    expect(cpuPercent(3, 1.5)).toBe(200);
    expect(cpuPercent(0, 2)).toBe(0);
    expect(cpuPercent(null, 1)).toBeNull();
    expect(cpuPercent(1, null)).toBeNull();
    expect(cpuPercent(1, 0)).toBeNull();
    expect(cpuPercent(-1, 1)).toBeNull();
    expect(cpuPercent(Number.NaN, 1)).toBeNull();
  });

  it('addSpans adds wall and CPU times, so several runs give one CPU% (total CPU over total wall)', () => {
    const total = addSpans([{ wallSeconds: 1, cpuSeconds: 1 }, { wallSeconds: 3, cpuSeconds: 5 }]);
    expect(total).toEqual({ wallSeconds: 4, cpuSeconds: 6 });
    expect(cpuPercent(total.cpuSeconds, total.wallSeconds)).toBe(150);
    expect(addSpans([])).toEqual({ wallSeconds: 0, cpuSeconds: 0 });
  });

  it('childTicksFromStat adds cutime and cstime (fields 16 and 17), counting from the last parenthesis of the command name', () => {
    // a command name with spaces and parentheses, and distinct numbers in every field around the two
    const rest = ['S', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14', '15', '16', '17', '18'];
    // field k holds k - 3 here, so cutime (16) is 13 and cstime (17) 14
    expect(childTicksFromStat(`4242 (odd) name (x)) ${rest.join(' ')}\n`)).toBe(13 + 14);
    expect(() => childTicksFromStat('4242 (short) S 1 2')).toThrow(/childTicksFromStat: expected .*cutime and cstime.*got '4242 \(short\) S 1 2'/);
    expect(() => childTicksFromStat('no parenthesis here')).toThrow(/childTicksFromStat/);
  });

  it('lastJsonLine takes the last JSON object line of a child\'s output, past warnings and lines that only look like JSON', () => {
    const out = ['UserWarning: something', '{"a": 1}', 'more noise', '{"b": 2}', '{not json', '[1, 2]', ''].join('\n');
    expect(lastJsonLine(out, 'x.py')).toEqual({ b: 2 });
    expect(() => lastJsonLine('Traceback: boom\n', 'bench/pytorch/cnn.py')).toThrow(/bench\/pytorch\/cnn\.py: expected a JSON object .*got 'Traceback: boom'/);
    expect(() => lastJsonLine('', 'y.py')).toThrow(/y\.py: .*got no output/);
  });

  it('measured returns the value and both clocks of work in this process', async () => {
    const { value, span } = await measured(async () => {
      const end = process.cpuUsage().user + 50_000;
      let n = 0;
      // burn at least 50 ms of CPU time
      while (process.cpuUsage().user < end) n++;
      return n;
    });
    expect(value).toBeGreaterThan(0);
    expect(span.cpuSeconds).toBeGreaterThanOrEqual(0.05);
    expect(span.wallSeconds).toBeGreaterThan(0);
  });

  it('runChild reports the CPU time of a child process (from /proc, where the kernel adds it to ours when we wait; null without /proc)', () => {
    // The child burns 300 ms of its own CPU time, then prints it.
    const script = 'const t=process.cpuUsage();let n=0;while(process.cpuUsage(t).user<300000)n++;const c=process.cpuUsage(t);console.log("warming up");console.log(JSON.stringify({cpu:(c.user+c.system)/1e6}))';
    const child = runChild(process.execPath, ['-e', script]);
    const own = lastJsonLine(child.stdout, 'child').cpu as number;
    expect(own).toBeGreaterThanOrEqual(0.3);
    expect(child.span.wallSeconds).toBeGreaterThan(0);
    if (!fs.existsSync('/proc/self/stat')) {
      expect(child.span.cpuSeconds).toBeNull();
      return;
    }
    // what the kernel counted covers what the child measured of itself (ticks of 10 ms, node's startup on top)
    expect(child.span.cpuSeconds as number).toBeGreaterThanOrEqual(own - 0.02);
  });
});
