/**
 * `npm run bench [-- name ...]`: runs the benchmarks one after another, each in its own process so
 * they do not disturb each other's timings, and prints their figures. With names, only those run.
 */
import { spawnSync } from 'node:child_process';

const BENCHMARKS: Record<string, string> = {
  gateway: 'bench/sim/gateway.bench.ts',
  quotes: 'bench/sim-market/quotes.ts',
  realism: 'bench/sim-market/realism.ts',
  ib: 'bench/brokerage/ib.bench.ts',
  rebalance: 'bench/execution/rebalance.bench.ts',
  sp500: 'bench/research/sp500.bench.ts',
  sweep: 'bench/research/sweep.bench.ts',
  calendar: 'bench/sim-market/calendar-vs-data.ts',
  bundle: 'bench/web/bundle.bench.ts',
  pretrade: 'bench/risk/pretrade.bench.ts',
  halt: 'bench/risk/halt.bench.ts',
  decide: 'bench/decision/decide.bench.ts',
  weeks: 'bench/pipeline/weeks.bench.ts',
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in BENCHMARKS));
if (unknown.length > 0) {
  process.stderr.write(
    `unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}\n`,
  );
  process.exit(2);
}

let failed = 0;
for (const [name, file] of Object.entries(BENCHMARKS)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  process.stdout.write(`\n=== ${name} (${file})\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit' });
  if (result.status !== 0) failed += 1;
}
process.exit(failed > 0 ? 1 : 0);
