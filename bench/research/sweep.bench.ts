/**
 * Sweep benchmark: a 48-point grid over 100 symbols x 20 years (a seeded generated market, so it runs
 * without the sample data), with one worker thread and with two. Prints both (wall and CPU time), the
 * speed-up, and where the time went: the serial start (panel and features built on the main thread,
 * the workers' module loading alongside it) against the points, which run in parallel.
 * Run: npm run bench -- sweep
 */
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { runSweep, type SweepTimings } from '../../src/backtest/index.js';
import { generateMarket, sectorOf, symbolName } from '../../test/research/fixtures/market.js';

const bars = generateMarket({ seed: 48, symbols: 100, days: 20 * 252 });
const sectors = Object.fromEntries(bars.map((_, i) => [symbolName(i), { sector: sectorOf(i) }]));
const grid = {
  signal: ['ret(130, 5)', 'ret(126) / vol(63)'],
  topN: [10, 20, 30, 40],
  weighting: ['equal', 'inverse_volatility'] as ('equal' | 'inverse_volatility')[],
  maxWeight: [0.05, 0.1, 0.2],
};

const ms = (value: number): string => `${value.toFixed(0)} ms`;

/**
 * On-CPU time per thread of this process, ms (Linux; empty elsewhere). Unlike wall times it is not
 * inflated by waiting for a core, so it shows where the CPU went also on a loaded machine: the
 * workers against V8's helper threads (GC marking and sweeping, compilers), which share the two cores.
 */
function threadCpu(): Map<number, number> {
  const out = new Map<number, number>();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const onCpuNs = readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0];
      out.set(Number(tid), Number(onCpuNs) / 1e6);
    }
  } catch {
    // Not Linux, or a thread ended while being read: the figures are left out.
  }
  return out;
}
const runs = new Map<number, { wall: number; cpu: number; serial: number; work: number }>();
let hashes: string | undefined;
for (const workers of [1, 2]) {
  let timings: SweepTimings | undefined;
  let threadsAfter = new Map<number, number>();
  const threadsBefore = threadCpu();
  const start = performance.now();
  const cpu = process.cpuUsage();
  const rows = await runSweep({
    bars,
    sectors,
    grid,
    dataDigest: 'bench',
    workers,
    onTimings: (measured) => {
      timings = measured;
      threadsAfter = threadCpu(); // the workers are still alive
    },
  });
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu); // all threads of this process, workers included
  const cpuMs = (used.user + used.system) / 1000;
  // The workers are the busiest threads started during the run; the rest is V8's and libuv's.
  const spent = [...threadsAfter].map(([tid, total]) => ({
    tid,
    fresh: !threadsBefore.has(tid),
    cpu: total - (threadsBefore.get(tid) ?? 0),
  }));
  const main = spent.find((thread) => thread.tid === process.pid)?.cpu ?? 0;
  const workerCpu = spent
    .filter((thread) => thread.fresh)
    .map((thread) => thread.cpu)
    .sort((a, b) => b - a)
    .slice(0, workers);
  const helpers =
    spent.reduce((sum, thread) => sum + thread.cpu, 0) - main - workerCpu.reduce((a, b) => a + b, 0);
  const best = rows.reduce((a, b) => (b.stats.sharpe > a.stats.sharpe ? b : a));
  const { prepareMs, startupMs, points, pointTimes } = timings!;
  // The points start once the data is shared and a worker has loaded: before that, nothing is parallel.
  const serial = Math.max(prepareMs, ...startupMs);
  const work = pointTimes.reduce((sum, times) => sum + times.total, 0);
  const sum = (key: 'scores' | 'hash' | 'gc') => pointTimes.reduce((total, times) => total + times[key], 0);
  runs.set(workers, { wall, cpu: cpuMs, serial, work });
  console.log(
    `${`48-point sweep, 100 symbols x 20 years, ${workers} worker(s)`.padEnd(60)} ${wall.toFixed(0).padStart(7)} ms wall ${cpuMs.toFixed(0).padStart(7)} ms cpu`,
  );
  console.log(
    `  ${rows.length} points; best Sharpe ${best.stats.sharpe.toFixed(2)} (${JSON.stringify(best.point)})`,
  );
  console.log(
    `  serial start ${ms(serial)} (${((100 * serial) / wall).toFixed(0)}% of wall): main thread prepares the data ${ms(prepareMs)}, worker start-up ${startupMs.map(ms).join(' / ')} alongside`,
  );
  console.log(
    `  points per worker ${points.join(' / ')}; point work ${ms(work)} in all (${ms(work / rows.length)} a point: scores ${ms(sum('scores'))}, result hash ${ms(sum('hash'))}, the rest backtests; GC pauses ${ms(sum('gc'))} across all)`,
  );
  if (spent.length > 0)
    console.log(
      `  on-CPU by thread: main ${ms(main)}, worker(s) ${workerCpu.map(ms).join(' / ')}, V8 helper threads ${ms(helpers)}; system ${ms(used.system / 1000)} of the cpu`,
    );
  const rowHashes = rows.map((row) => row.resultHash).join();
  if (hashes !== undefined && rowHashes !== hashes) throw new Error('1 and 2 workers gave different results');
  hashes = rowHashes;
}
const one = runs.get(1)!;
const two = runs.get(2)!;
console.log(
  `speed-up 1 -> 2 workers: ${(one.wall / two.wall).toFixed(2)}x wall; cpu ${ms(one.cpu)} -> ${ms(two.cpu)}`,
);
// What two free cores would give for the measured serial start and point work: the wall figure above
// understates it when other work shares the machine (points then also take longer with two workers).
const serialFraction = one.serial / (one.serial + one.work);
console.log(
  `serial fraction (start-up + main thread) ${(100 * serialFraction).toFixed(1)}% of the 1-worker run: at most ${(1 / (serialFraction + (1 - serialFraction) / 2)).toFixed(2)}x on two free cores`,
);
