/**
 * Sweep benchmark: a 48-point grid over 100 symbols x 20 years (a seeded generated market, so it runs
 * without the sample data), with one worker thread and with two. Prints both and the speed-up.
 * Run: npm run bench -- sweep
 */
import { performance } from 'node:perf_hooks';
import { runSweep } from '../../src/backtest/index.js';
import { generateMarket, sectorOf, symbolName } from '../../test/research/fixtures/market.js';

const bars = generateMarket({ seed: 48, symbols: 100, days: 20 * 252 });
const sectors = Object.fromEntries(bars.map((_, i) => [symbolName(i), { sector: sectorOf(i) }]));
const grid = {
  signal: ['ret(130, 5)', 'ret(126) / vol(63)'],
  topN: [10, 20, 30, 40],
  weighting: ['equal', 'inverse_volatility'] as ('equal' | 'inverse_volatility')[],
  maxWeight: [0.05, 0.1, 0.2],
};

const timings = new Map<number, number>();
for (const workers of [1, 2]) {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const rows = await runSweep({ bars, sectors, grid, dataDigest: 'bench', workers });
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu); // all threads of this process, workers included
  timings.set(workers, wall);
  const best = rows.reduce((a, b) => (b.stats.sharpe > a.stats.sharpe ? b : a));
  console.log(
    `${`48-point sweep, 100 symbols x 20 years, ${workers} worker(s)`.padEnd(60)} ${wall.toFixed(0).padStart(7)} ms wall ${((used.user + used.system) / 1000).toFixed(0).padStart(7)} ms cpu`,
  );
  console.log(
    `  ${rows.length} points; best Sharpe ${best.stats.sharpe.toFixed(2)} (${JSON.stringify(best.point)})`,
  );
}
// On a machine shared with other work the wall-time speed-up understates what two free cores give.
console.log(`speed-up 1 -> 2 workers (wall): ${(timings.get(1)! / timings.get(2)!).toFixed(2)}x`);
