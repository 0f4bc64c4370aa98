/**
 * Research benchmark on the real S&P 500 sample (505 symbols, 1999-2021). Not a test: it prints figures.
 * Run: npx tsx bench/research/sp500.bench.ts [dataDir]
 */

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { z } from 'zod';
import { type ModelFamilyName, trainModel } from '../../src/alpha/index.js';
import { prepareResearch, runBacktest } from '../../src/backtest/index.js';
import { systemClock } from '../../src/core/clock.js';
import { AlphaBarStore, importAlphaFiles, parseSectorsCsv } from '../../src/sources/alpha/index.js';

const DATA = process.argv[2] ?? '/work/shared/data/alpha-sp500';
const FILES = path.join(DATA, 'daily_adjusted');

// Wall time and this process's CPU time: on a shared, busy machine the CPU figure is the steadier one.
function line(label: string, wallStart: number, cpuStart: NodeJS.CpuUsage): void {
  const cpu = process.cpuUsage(cpuStart);
  const wall = (performance.now() - wallStart).toFixed(0).padStart(7);
  const cpuMs = ((cpu.user + cpu.system) / 1000).toFixed(0).padStart(7);
  console.log(`${label.padEnd(52)} ${wall} ms wall ${cpuMs} ms cpu`);
}

function timed<T>(label: string, run: () => T): T {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const result = run();
  line(label, start, cpu);
  return result;
}

async function timedAsync<T>(label: string, run: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const result = await run();
  line(label, start, cpu);
  return result;
}

async function main(): Promise<void> {
  if (!existsSync(FILES)) {
    console.log(`skipped: ${FILES} not found (the benchmark needs the alpha-sp500 sample data)`);
    return;
  }
  const root = await mkdtemp(path.join(tmpdir(), 'ibloop-bench-'));
  try {
    const store = new AlphaBarStore(root, systemClock);
    const report = await timedAsync('import 505 .csv.gz files (parse + store)', () =>
      importAlphaFiles([FILES], store),
    );
    const rows = report.imported.reduce((sum, file) => sum + file.rows, 0);
    console.log(`  imported ${report.imported.length} symbols, ${rows} rows; failed ${report.failed.length}`);
    for (const failed of report.failed) console.log(`  failed: ${failed.errors[0]}`);
    await timedAsync('re-import (idempotent, unchanged)', () =>
      importAlphaFiles([FILES], new AlphaBarStore(root, systemClock)),
    );
    const sectors = parseSectorsCsv(
      await readFile(path.join(DATA, 'constituents.csv'), 'utf8'),
      'constituents.csv',
    );

    const fresh = new AlphaBarStore(root, systemClock);
    await timedAsync('load all symbols, all columns (loadMany)', () => fresh.loadMany());
    // What backtests and training read: the panel's columns, one symbol at a time during the build.
    const bars = await timedAsync('open the bar store for a panel (days of all symbols)', () =>
      fresh.priceSeriesReader(),
    );
    const research = timed('panel (reading prices) + schedule + features dataset', () =>
      prepareResearch(bars, sectors),
    );
    console.log(
      `  panel ${research.panel.symbols.length} symbols x ${research.panel.days.length} days, ${research.schedule.decisionRows.length} weekly decisions`,
    );
    const digest = await fresh.dataDigest();

    const training = { seed: 1, retrainEvery: 52, trainWindow: 156, minTrainPeriods: 52 };
    const outcomes = new Map<ModelFamilyName, Float64Array>();
    for (const family of ['rule', 'ridge', 'gbt'] as const) {
      const { record, scores } = timed(`train ${family} (walk-forward, yearly refits)`, () =>
        trainModel({
          dataset: research.dataset,
          dataDigest: digest,
          clock: systemClock,
          config: { family, params: {}, ...training },
        }),
      );
      outcomes.set(family, scores);
      console.log(
        `  ${record.fits.length} fits; mean IC ${record.metrics.ic?.toFixed(4)}, rank IC ${record.metrics.rankIc?.toFixed(4)}, hit rate ${record.metrics.hitRate?.toFixed(4)}`,
      );
    }

    const backtestConfig = { construction: { topN: 50, maxWeight: 0.05, sectorCap: 0.3 } };
    const input = {
      panel: research.panel,
      schedule: research.schedule,
      scores: outcomes.get('rule')!,
      sectors: research.sectors,
      volatility: research.volatility,
    };
    // Median of five runs: single runs swing with garbage collection and other load on the machine.
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const simulate = (label: string, config: typeof backtestConfig) => {
      runBacktest(input, config); // warm-up (JIT)
      const runs: { wall: number; cpu: number }[] = [];
      let last = runBacktest(input, config);
      for (let run = 0; run < 5; run++) {
        const start = performance.now();
        const cpu = process.cpuUsage();
        last = runBacktest(input, config);
        const used = process.cpuUsage(cpu);
        runs.push({ wall: performance.now() - start, cpu: (used.user + used.system) / 1000 });
      }
      console.log(
        `${label.padEnd(52)} ${median(runs.map((r) => r.wall))
          .toFixed(0)
          .padStart(7)} ms wall ${median(runs.map((r) => r.cpu))
          .toFixed(0)
          .padStart(7)} ms cpu`,
      );
      return last;
    };
    const weekly20 = simulate('simulation alone, weekly top-20 (target < 200 ms)', {
      construction: { topN: 20, maxWeight: 0.1, sectorCap: 1 },
    });
    console.log(
      `  ${weekly20.stats.rebalances} rebalances, ${weekly20.rebalances.reduce((n, r) => n + r.trades.length, 0)} trades in real shares, commissions ${weekly20.stats.totalCommission.toFixed(0)}`,
    );
    const result = simulate('backtest, data in memory (rule, top 50), median of 5', backtestConfig);
    console.log(
      `  ${result.start}..${result.end}, ${result.stats.rebalances} rebalances; CAGR ${(result.stats.cagr * 100).toFixed(2)}% (benchmark ${(result.benchmark.cagr * 100).toFixed(2)}%), Sharpe ${result.stats.sharpe.toFixed(2)}, max DD ${(result.stats.maxDrawdown * 100).toFixed(1)}%`,
    );

    // End to end as a user runs it: read the store, build features, score with the baseline, backtest.
    await timedAsync('end to end: load + features + rule scores + backtest', async () => {
      const store2 = new AlphaBarStore(root, systemClock);
      const research2 = prepareResearch(await store2.priceSeriesReader(), sectors);
      const rule = trainModel({
        dataset: research2.dataset,
        dataDigest: await store2.dataDigest(),
        clock: systemClock,
        config: { family: 'rule', params: {}, ...training },
      });
      runBacktest(
        { ...input, panel: research2.panel, schedule: research2.schedule, scores: rule.scores },
        backtestConfig,
      );
    });

    // The CLI as a user runs it (weekly top-20, rule model): a fresh process, so module loading counts
    // too, then store -> features -> scores -> backtest -> report files. Through tsx (TypeScript loaded
    // on the fly, as `npm run ibloop` runs it), compiled under plain `node` (the sources transpiled one
    // file per module like `npm run build:server`, into tmp/ of the repo) and as the installed `ibloop`
    // command runs: its launcher bin/ibloop (which sets glibc's huge-page tunable) on that build.
    const out = path.join(root, 'cli-out');
    const cliArgs = ['backtest', '--data-root', root, '--model', 'rule', '--top-n', '20', '--out', out];
    const { main: compiled, launcher } = await compileCli();
    const runs = Number(process.env.BENCH_CLI_RUNS ?? 3);
    const node = (args: readonly string[]) => [process.execPath, [...PHASES_IMPORT, ...args]] as const;
    // The launcher starts `node` itself: the phase marks' preload goes in through NODE_OPTIONS.
    const env = {
      ...process.env,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${PHASES_IMPORT.join('=')}`.trim(),
    };
    for (const [label, [command, argv], options] of [
      ['end to end from the CLI (tsx)', node(['--import', 'tsx', 'src/cli/main.ts', ...cliArgs]), {}],
      ['end to end from the compiled CLI (node main.js)', node([compiled, ...cliArgs]), {}],
      ['end to end, installed command (bin/ibloop), target < 2 s', [launcher, cliArgs], { env }],
    ] as const) {
      const walls: number[] = [];
      const phases: Phases[] = [];
      let last = '';
      for (let run = 0; run < runs; run++) {
        const start = performance.now();
        const child = spawnSync(command, argv, { encoding: 'utf8', ...options });
        const wall = performance.now() - start;
        walls.push(wall);
        if (child.status !== 0) console.log(`  CLI failed: ${child.stderr.slice(-500)}`);
        last = child.stdout.trim().split('\n').at(-1) ?? '';
        const reported = cliPhases(child.stderr, wall);
        if (reported) phases.push(reported);
      }
      console.log(
        `${`${label}, median of ${runs}`.padEnd(52)} ${median(walls).toFixed(0).padStart(7)} ms wall`,
      );
      // Each phase's median over the runs (so the parts need not add up to the median total exactly).
      for (const [name, text] of PHASE_LABELS) {
        const values = phases.map((run) => run[name]).filter((value) => value !== undefined);
        if (values.length > 0)
          console.log(`  ${text.padEnd(50)} ${median(values).toFixed(0).padStart(7)} ms wall`);
      }
      console.log(`  ${last}`);
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/**
 * Preloaded into the CLI runs: at exit, prints Node's bootstrap time and the CLI's phase marks
 * (`ibloop:backtest:*`, see src/cli/commands/research.ts) on stderr, all in ms since the process
 * started. A data: URL, so nothing is written for it; it costs the runs one tiny module.
 */
const PHASES_MARKER = 'ibloop-bench-phases ';
const PHASES_IMPORT = [
  '--import',
  `data:text/javascript,${encodeURIComponent(
    `import { performance } from 'node:perf_hooks';
process.on('exit', () => {
  const marks = Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime]));
  process.stderr.write('${PHASES_MARKER}' + JSON.stringify({ boot: performance.nodeTiming.bootstrapComplete, marks, exit: performance.now() }) + '\\n');
});`,
  )}`,
] as const;

type Phases = Partial<Record<(typeof PHASE_LABELS)[number][0], number>>;

const PHASE_LABELS = [
  ['boot', 'Node start (to bootstrap complete)'],
  ['modules', 'module loading + argument parsing'],
  ['open', 'open the store (manifest, days, sectors)'],
  ['panel', 'read prices + build the panel'],
  ['features', 'schedule + features + ranks (dataset)'],
  ['scores', 'scores (train rule, save the model)'],
  ['simulation', 'simulation + statistics'],
  ['report', 'result hash + report files'],
  ['exit', 'exit (and process spawn overhead)'],
] as const;

const phasesSchema = z.object({
  boot: z.number(),
  marks: z.record(z.string(), z.number()),
  exit: z.number(),
});

/** One run's phases in ms from its stderr (undefined if it printed none), `wall` as the parent saw it. */
function cliPhases(stderr: string, wall: number): Phases | undefined {
  const line = stderr.split('\n').find((text) => text.startsWith(PHASES_MARKER));
  if (!line) return undefined;
  const { boot, marks } = phasesSchema.parse(JSON.parse(line.slice(PHASES_MARKER.length)));
  const at = (name: string) => marks[`ibloop:backtest:${name}`];
  const out: Phases = { boot };
  let previous = boot;
  for (const [name] of PHASE_LABELS.slice(1, -1)) {
    const time = name === 'modules' ? at('start') : at(name);
    if (time === undefined) return out;
    out[name] = time - previous;
    previous = time;
  }
  out.exit = wall - previous;
  return out;
}

/**
 * The CLI's sources transpiled file by file (esbuild, as tsc's build would emit them) under tmp/ of the
 * repo, so bare imports resolve from its node_modules; a copy of package.json sits where the compiled
 * CLI looks for its version, and of the launcher where the package's bin is. Returns the compiled
 * main.js and the launcher.
 */
async function compileCli(): Promise<{ main: string; launcher: string }> {
  const repo = path.resolve(import.meta.dirname, '../..');
  const target = path.join(repo, 'tmp', 'bench-cli');
  await rm(target, { recursive: true, force: true });
  const sources = (await readdir(path.join(repo, 'src'), { recursive: true }))
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => path.join(repo, 'src', file));
  await build({
    entryPoints: sources,
    outdir: path.join(target, 'dist'),
    outbase: path.join(repo, 'src'),
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
  });
  await mkdir(target, { recursive: true });
  await writeFile(path.join(target, 'package.json'), await readFile(path.join(repo, 'package.json')));
  const launcher = path.join(target, 'bin', 'ibloop');
  await mkdir(path.dirname(launcher), { recursive: true });
  await copyFile(path.join(repo, 'bin', 'ibloop'), launcher);
  return { main: path.join(target, 'dist', 'cli', 'main.js'), launcher };
}

await main();
