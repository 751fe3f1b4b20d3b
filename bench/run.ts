/**
 * `npm run bench`: every Lamina benchmark in one process run. Figures for the README and the
 * closing notes come from here.
 */
import { benchMatmul } from './matmul';
import { timeCaseStudy } from './case-study';

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${require('os').cpus()[0].model}, ${require('os').cpus().length} cores\n`);
  console.log('matmul, square, NN:');
  for (const { size, gflops } of benchMatmul([64, 128, 256, 512, 1024])) console.log(`  ${String(size).padStart(5)}  ${gflops.toFixed(2)} GFLOP/s`);
  console.log('\ncase study, 4000 epochs (best of 3):');
  for (const rate of [null, 0.4]) {
    const t = await timeCaseStudy(rate);
    console.log(`  ${t.model.padEnd(14)} ${t.seconds.toFixed(3)} s`);
  }
  console.log(`\npeak resident memory: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}

void main();
