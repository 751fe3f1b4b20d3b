/**
 * Two builds of Lamina on the same work, in one process, alternated: the case study (with and
 * without Dropout(0.4)), LSTM training and the digits CNN's training, best of `--rounds` each. For
 * "does this change cost anything": build the commit before it into another folder and compare.
 *
 *   git worktree add ../before <commit> && (cd ../before && npm ci && npx tsc -p tsconfig.build.json)
 *   npm run build && node --expose-gc dist/bench/compare.js ../before/dist dist [--rounds 4]
 */
import * as path from 'path';

interface Build {
  name: string;
  caseStudy: (rate: number | null) => Promise<number>;
  lstm: () => Promise<number>;
  cnn: () => Promise<number>;
}

/** The bench entry points of the build in `dist`. */
function load(dist: string): Build {
  const root = path.resolve(dist);
  const cs = require(path.join(root, 'bench', 'case-study.js'));
  const lstm = require(path.join(root, 'bench', 'lstm.js'));
  const cnn = require(path.join(root, 'bench', 'cnn.js'));
  return {
    name: dist,
    caseStudy: async (rate) => (await cs.timeCaseStudy(rate, 4000, 1)).seconds,
    lstm: async () => (await lstm.benchLstm({ n: 512, epochs: 2, repeats: 1 })).sequencesPerSecond,
    cnn: async () => (await cnn.benchCnn(256, 1)).imagesPerSecond,
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--rounds');
  const rounds = at >= 0 ? Number(args[at + 1]) : 4;
  const dists = args.filter((a, i) => !a.startsWith('--') && (at < 0 || i !== at + 1));
  if (dists.length !== 2 || !(rounds >= 1)) {
    console.error('usage: node --expose-gc dist/bench/compare.js <dist before> <dist after> [--rounds N]');
    process.exitCode = 2;
    return;
  }
  const builds = dists.map(load);
  const best = builds.map(() => ({ plain: Infinity, dropout: Infinity, lstm: 0, cnn: 0 }));
  // Rounds of every workload on each build in turn; the best of each is the least disturbed.
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < builds.length; i++) {
      best[i].plain = Math.min(best[i].plain, await builds[i].caseStudy(null));
      best[i].dropout = Math.min(best[i].dropout, await builds[i].caseStudy(0.4));
      best[i].lstm = Math.max(best[i].lstm, await builds[i].lstm());
      best[i].cnn = Math.max(best[i].cnn, await builds[i].cnn());
    }
  }
  const [a, b] = best;
  console.log(`best of ${rounds} rounds, alternated in one process (after / before: below 1 is faster for times, above 1 for rates)\n`);
  console.log('| workload | before | after | after / before |\n|---|---|---|---|');
  const row = (name: string, x: number, y: number, unit: string) => console.log(`| ${name} | ${x.toFixed(3)} ${unit} | ${y.toFixed(3)} ${unit} | ${(y / x).toFixed(3)} |`);
  row('case study, 4000 epochs', a.plain, b.plain, 's');
  row('case study, Dropout(0.4)', a.dropout, b.dropout, 's');
  row('LSTM(32) training', a.lstm, b.lstm, 'seq/s');
  row('digits CNN training', a.cnn, b.cnn, 'images/s');
}

if (require.main === module) void main();
