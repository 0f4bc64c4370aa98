import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  buildPanel,
  type ModelFamilyName,
  type ModelRecord,
  ModelRegistry,
  modelParamsSchemas,
  rowAtOrBefore,
  SignalError,
  scoresForDate,
  scoresFromRecord,
  signalScores,
  type TrainOutcome,
  trainModel,
  validateSignal,
} from '../../alpha/index.js';
// The backtest's own modules, not the backtest barrel: it would also load the sweep's worker pool and
// the parity replay (with the risk module) on every research command; those load in their actions.
import { COMMISSION_PRESET_NAMES, COMMISSION_PRESETS, type CommissionPreset } from '../../backtest/costs.js';
import {
  alignIndex,
  prepareResearchPanel,
  type ResearchData,
  researchInput,
} from '../../backtest/prepare.js';
import { exportBacktest, resultHash } from '../../backtest/report.js';
import { runBacktest } from '../../backtest/run-backtest.js';
import { FileBacktestStore } from '../../backtest/store.js';
import { systemClock } from '../../core/clock.js';
import { WEIGHTING_SCHEMES } from '../../portfolio/index.js';
import {
  AlphaBarStore,
  AlphaVantageClient,
  coverageOf,
  describeImportWarning,
  formatDay,
  importAlphaFiles,
  isWeekday,
  parseDay,
  parseSectorsCsv,
  sectorsWithoutPrices,
} from '../../sources/alpha/index.js';
import { bootstrapFrom, type CommonFlags, UsageError, withCommonFlags } from '../common.js';
import { type Command, InvalidArgumentError, Option, parse } from '../program.js';

/**
 * Research commands: `ibloop data import|coverage|fetch`, `ibloop train`, `ibloop backtest`.
 * Progress bars go to stderr so stdout stays parseable.
 */
export function registerResearchCommands(program: Command): void {
  registerSweepCommand(program);
  const data = program.command('data').description('research data (Alpha Vantage format)');

  withCommonFlags(
    data
      .command('import')
      .description('import Alpha Vantage daily-adjusted CSV files or folders (.csv, .csv.gz)')
      .argument('<paths...>', 'files or folders')
      .option('--sectors <file>', 'constituents CSV with symbol,name,sector[,industry]'),
  ).action(async (paths: string[], flags: CommonFlags & { sectors?: string }) => {
    const missing = paths.filter((entry) => !existsSync(entry));
    if (missing.length > 0) throw new UsageError(`<paths>: no such file or folder: ${missing.join(', ')}`);
    if (flags.sectors && !existsSync(flags.sectors))
      throw new UsageError(`--sectors: no such file: ${flags.sectors}`);
    const store = new AlphaBarStore(dataRootOf(flags), systemClock);
    let sectorSymbols: string[] = [];
    if (flags.sectors) {
      const sectors = parseSectorsCsv(await readFile(flags.sectors, 'utf8'), flags.sectors);
      const changed = await store.putSectors(sectors);
      sectorSymbols = Object.keys(sectors);
      process.stdout.write(`sectors: ${sectorSymbols.length} symbols read, ${changed} changed\n`);
    }
    const progress = progressReporter('import');
    const report = await importAlphaFiles(paths, store, (step) =>
      progress.update(step.done, step.total, path.basename(step.file)),
    );
    progress.stop();
    const warnings = [...report.warnings, ...sectorsWithoutPrices(sectorSymbols, await store.symbols())];
    const count = (result: string) => report.imported.filter((file) => file.result === result).length;
    process.stdout.write(
      `imported ${report.imported.length} files: ${count('created')} new, ${count('updated')} updated, ${count('unchanged')} unchanged; ${report.failed.length} failed\n`,
    );
    for (const failed of report.failed)
      process.stdout.write(`${failed.errors.map((line) => `error: ${line}`).join('\n')}\n`);
    for (const warning of warnings) process.stdout.write(`warning: ${describeImportWarning(warning)}\n`);
    if (warnings.length > 0) process.stdout.write(`${warnings.length} warning(s)\n`);
    if (report.failed.length > 0) process.exitCode = 1;
  });

  withCommonFlags(
    data
      .command('coverage')
      .description('per-symbol coverage and gaps (missing NYSE trading days) of the research store')
      .option('--symbol <symbol...>', 'only these symbols')
      .option('--gaps', 'list every gap')
      .option('--weekdays', 'count every missing weekday as a gap (ignore the NYSE calendar)')
      .option('--json', 'print JSON'),
  ).action(
    async (
      flags: CommonFlags & { symbol?: string[]; gaps?: boolean; json?: boolean; weekdays?: boolean },
    ) => {
      const store = new AlphaBarStore(dataRootOf(flags), systemClock);
      const known = await store.symbols();
      const wanted = flags.symbol?.map((symbol) => symbol.toUpperCase()) ?? known;
      const unknown = wanted.filter((symbol) => !known.includes(symbol));
      if (unknown.length > 0)
        throw new UsageError(`--symbol: not in the research store: ${unknown.join(', ')}`);
      const sectors = await store.readSectors();
      const coverage = [];
      const { isTradingDay } = await import('../../calendar/index.js');
      const expected = flags.weekdays ? isWeekday : (day: number) => isTradingDay(formatDay(day));
      for (const symbol of wanted) coverage.push(coverageOf(await store.load(symbol), expected));
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(coverage, null, 1)}\n`);
        return;
      }
      process.stdout.write(
        `${'symbol'.padEnd(8)} ${'rows'.padStart(6)} ${'first'.padEnd(10)} ${'last'.padEnd(10)} ${'missing'.padStart(7)} ${'gaps'.padStart(5)}  sector\n`,
      );
      for (const entry of coverage) {
        process.stdout.write(
          `${entry.symbol.padEnd(8)} ${String(entry.rows).padStart(6)} ${entry.first} ${entry.last} ${String(entry.missingDays).padStart(7)} ${String(entry.gaps.length).padStart(5)}  ${sectors[entry.symbol]?.sector ?? '-'}\n`,
        );
        if (flags.gaps)
          for (const gap of entry.gaps)
            process.stdout.write(`    gap ${gap.from}..${gap.to} (${gap.days} days)\n`);
      }
      const basis = flags.weekdays ? 'missing weekdays, holidays included' : 'missing NYSE trading days';
      process.stdout.write(`${coverage.length} symbols (gaps count ${basis})\n`);
    },
  );

  withCommonFlags(
    data
      .command('fetch')
      .description('download TIME_SERIES_DAILY_ADJUSTED from Alpha Vantage into the research store')
      .requiredOption('--symbols <list>', 'comma-separated symbols', parseSymbolList)
      .option('--api-key <key>', 'Alpha Vantage API key (default: ALPHA_VANTAGE_API_KEY)')
      .option('--per-minute <n>', 'requests per minute', parse.int(1, 10_000), 5)
      .option('--per-day <n>', 'requests per day', parse.int(1, 1_000_000), 25)
      .addOption(new Option('--format <format>', 'response format').choices(['csv', 'json']).default('csv'))
      .addOption(
        new Option('--output-size <size>', 'history length').choices(['full', 'compact']).default('full'),
      )
      .option('--base-url <url>', 'API endpoint (for tests and proxies)'),
  ).action(
    async (
      flags: CommonFlags & {
        symbols: string[];
        apiKey?: string;
        perMinute: number;
        perDay: number;
        format: 'csv' | 'json';
        outputSize: 'full' | 'compact';
        baseUrl?: string;
      },
    ) => {
      const apiKey = flags.apiKey ?? process.env.ALPHA_VANTAGE_API_KEY;
      if (!apiKey) throw new UsageError('--api-key: required (or set ALPHA_VANTAGE_API_KEY)');
      const client = new AlphaVantageClient(
        {
          apiKey,
          requestsPerMinute: flags.perMinute,
          requestsPerDay: flags.perDay,
          dataType: flags.format,
          outputSize: flags.outputSize,
          ...(flags.baseUrl ? { baseUrl: flags.baseUrl } : {}),
        },
        { clock: systemClock },
      );
      const store = new AlphaBarStore(dataRootOf(flags), systemClock);
      const progress = progressReporter('fetch');
      const result = await client.fetchMany(flags.symbols, (step) => {
        const note =
          step.event === 'rate-wait' || step.event === 'retry-wait'
            ? `${step.symbol} (${step.event} ${Math.ceil((step.waitMs ?? 0) / 1000)} s)`
            : step.symbol;
        progress.update(step.done, flags.symbols.length, note);
      });
      progress.stop();
      for (const bars of result.bars) await store.put(bars, `alphavantage:${bars.symbol}`);
      await store.flush();
      process.stdout.write(`fetched ${result.bars.length} symbols; ${result.failed.length} failed\n`);
      for (const failed of result.failed) process.stdout.write(`error: ${failed.error}\n`);
      if (result.failed.length > 0) process.exitCode = 1;
    },
  );

  withCommonFlags(
    program
      .command('score')
      .description("a saved model's scores at the close of a date (default: the last day in the store)")
      .requiredOption('--model-version <version>', 'saved model (prefix allowed)')
      .option('--date <day>', 'YYYY-MM-DD', parseDayOption)
      .option('--top <n>', 'print the best N', parse.int(1, 100_000), 20),
  ).action(async (flags: CommonFlags & { modelVersion: string; date?: number; top: number }) => {
    const dataRoot = dataRootOf(flags);
    const record = await new ModelRegistry(dataRoot).load(flags.modelVersion);
    const store = new AlphaBarStore(dataRoot, systemClock);
    const known = new Set(await store.symbols());
    const panel = buildPanel(await store.loadMany(record.symbols.filter((symbol) => known.has(symbol))));
    const day = flags.date ?? panel.days[panel.days.length - 1]!;
    const scores = [...scoresForDate(record, panel, day)].sort(
      (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1),
    );
    process.stdout.write(
      `scores at the close of ${formatDay(panel.days[rowAtOrBefore(panel, day)]!)} (model ${record.version.slice(0, 12)}, ${record.family})\n`,
    );
    for (const [symbol, score] of scores.slice(0, flags.top))
      process.stdout.write(`${symbol.padEnd(8)} ${score.toFixed(6)}\n`);
    process.stdout.write(`${scores.length} symbols scored\n`);
  });

  withTrainingFlags(
    withCommonFlags(
      program
        .command('train')
        .description('walk-forward training of a model family on the research store; saves a model record'),
    ),
  ).action(async (flags: CommonFlags & TrainingFlags) => {
    const dataRoot = dataRootOf(flags);
    const store = new AlphaBarStore(dataRoot, systemClock);
    const research = await loadResearch(store, flags.symbols, flags.weekday);
    const { record } = await trainAndSave(store, dataRoot, research, flags);
    const metric = (value: number | null) => (value === null ? '-' : value.toFixed(4));
    process.stdout.write(
      `model ${record.version}\n  family ${record.family}, seed ${record.seed}, ${record.fits.length} walk-forward fits, ${record.firstDecision}..${record.lastDecision}\n  IC ${metric(record.metrics.ic)}, rank IC ${metric(record.metrics.rankIc)}, hit rate ${metric(record.metrics.hitRate)} over ${record.metrics.periods} weeks\n`,
    );
  });

  withTrainingFlags(
    withCommonFlags(
      program
        .command('backtest')
        .description('weekly-rebalancing backtest on the research store')
        .option('--model-version <version>', 'use a saved model (prefix allowed) instead of training one')
        .option(
          '--signal <expression>',
          'score by an expression instead of a model, e.g. "ret(126) / vol(63)" (ranked like a rule-model feature)',
          parseSignalOption,
        )
        .option('--top-n <n>', 'names held', parse.int(1, 10_000), 20)
        .addOption(
          new Option('--weighting <scheme>', 'weighting').choices([...WEIGHTING_SCHEMES]).default('equal'),
        )
        .option('--max-weight <w>', 'largest weight of one name', parse.number(0.0001, 1), 0.1)
        .option('--sector-cap <w>', 'largest weight of one sector', parse.number(0.0001, 1), 1)
        .option('--cash-buffer <w>', 'fraction kept in cash', parse.number(0, 0.99), 0.02)
        .option('--turnover-limit <w>', 'largest one-way turnover per rebalance', parse.number(0.0001, 1), 1)
        .addOption(
          new Option('--trade-at <when>', 'fill at the rebalance day open or close')
            .choices(['open', 'close'])
            .default('open'),
        )
        .option('--slippage-bps <bps>', 'slippage against the trader', parse.number(0, 1000), 5)
        .option('--initial-cash <amount>', 'starting cash', parse.number(1, 1e12), 1_000_000)
        .option('--lot-size <n>', 'shares per lot', parse.int(1, 1_000_000), 1)
        .option('--min-order-value <amount>', 'skip smaller orders', parse.number(0, 1e9), 0)
        .addOption(
          new Option('--commission <schedule>', 'commission schedule (IBKR Pro fixed or tiered, or none)')
            .choices([...COMMISSION_PRESET_NAMES])
            .default('ib-fixed'),
        )
        .option(
          '--start <day>',
          'first day of the backtest (YYYY-MM-DD); earlier data still feeds the features',
          parseDayText,
        )
        .option('--end <day>', 'last day of the backtest (YYYY-MM-DD)', parseDayText)
        .option(
          '--benchmark <symbol>',
          'a market index of the research store (e.g. SPY) as a second benchmark, besides equal weight',
          parseSymbol,
        )
        .option('--project-version <version>', 'project parameter version to record')
        .option('--out <dir>', 'export folder (default: <data-root>/backtests/<hash>)'),
    ),
  ).action(async (flags: CommonFlags & TrainingFlags & BacktestFlags) => {
    phase('start');
    const dataRoot = dataRootOf(flags);
    // One store for the whole command: its manifest is read and validated once.
    const store = new AlphaBarStore(dataRoot, systemClock);
    const research = await loadResearch(store, flags.symbols, flags.weekday);
    const index = flags.benchmark ? await loadIndex(store, research, flags.benchmark) : undefined;
    if (flags.signal && flags.modelVersion)
      throw new UsageError('--signal: give either a signal or --model-version, not both');
    let record: ModelRecord | undefined;
    let scores: Float64Array;
    if (flags.signal) {
      scores = signalScores(flags.signal, research.dataset, research.sectors);
    } else if (flags.modelVersion) {
      record = await new ModelRegistry(dataRoot).load(flags.modelVersion);
      scores = scoresFromRecord(record, research.dataset);
    } else {
      // Training's walk-forward scores are what scoring the saved record would give: no second pass.
      ({ record, scores } = await trainAndSave(store, dataRoot, research, flags));
    }
    phase('scores');
    const progress = progressReporter('backtest');
    const result = runBacktest(
      {
        ...researchInput(research, scores),
        index,
        onProgress: (done, total) => {
          if (done % 20 === 0 || done === total) progress.update(done, total, 'rebalances');
        },
      },
      {
        initialCash: flags.initialCash,
        tradeAt: flags.tradeAt,
        slippageBps: flags.slippageBps,
        lotSize: flags.lotSize,
        minOrderValue: flags.minOrderValue,
        commission: COMMISSION_PRESETS[flags.commission],
        start: flags.start ?? null,
        end: flags.end ?? null,
        construction: {
          topN: flags.topN,
          weighting: flags.weighting,
          maxWeight: flags.maxWeight,
          sectorCap: flags.sectorCap,
          cashBuffer: flags.cashBuffer,
          turnoverLimit: flags.turnoverLimit,
        },
        modelVersion: record?.version ?? null,
        signal: flags.signal ?? null,
        projectVersion: flags.projectVersion ?? null,
        dataDigest: await store.dataDigest(research.panel.symbols),
      },
    );
    progress.stop();
    phase('simulation');
    const hash = resultHash(result);
    let out: string;
    if (flags.out) {
      out = flags.out;
      await exportBacktest(result, out);
    } else {
      const backtests = new FileBacktestStore(dataRoot);
      // The hash names the folder: handed over, so that the store does not compute it a second time.
      out = path.join(backtests.dir, await backtests.save(result, hash));
    }
    phase('report');
    const pct = (value: number) => `${(value * 100).toFixed(2)}%`;
    const money = (value: number) => value.toFixed(2);
    const indexLine = result.index
      ? [
          `  index ${result.index.symbol}: total return ${pct(result.index.stats.totalReturn)}, CAGR ${pct(result.index.stats.cagr)}, max drawdown ${pct(result.index.stats.maxDrawdown)}`,
        ]
      : [];
    process.stdout.write(
      [
        `backtest ${hash.slice(0, 16)} (${record ? `model ${record.version.slice(0, 12)}, ${record.family}` : `signal ${flags.signal}`})`,
        `  ${result.start}..${result.end}, ${result.symbols} symbols, ${result.stats.rebalances} rebalances, commission ${flags.commission}`,
        `  CAGR ${pct(result.stats.cagr)} (equal-weight benchmark ${pct(result.benchmark.cagr)}), volatility ${pct(result.stats.volatility)}`,
        `  Sharpe ${result.stats.sharpe.toFixed(2)}, Sortino ${result.stats.sortino.toFixed(2)}, max drawdown ${pct(result.stats.maxDrawdown)}`,
        `  turnover ${pct(result.stats.turnoverPerRebalance)} per rebalance, hit rate ${pct(result.stats.hitRate)}, commissions ${money(result.stats.totalCommission)}, ${result.stats.exits} exit(s) of names that stopped trading`,
        ...indexLine,
        `  written to ${out}`,
        `final value ${money(result.equity.at(-1)!)}, total return ${pct(result.stats.totalReturn)}, CAGR ${pct(result.stats.cagr)}, max drawdown ${pct(result.stats.maxDrawdown)}`,
        '',
      ].join('\n'),
    );
  });
}

const SWEEP_SORT_KEYS = [
  'sharpe',
  'cagr',
  'sortino',
  'maxDrawdown',
  'totalReturn',
  'hitRate',
  'turnoverPerRebalance',
] as const;

function registerSweepCommand(program: Command): void {
  withCommonFlags(
    program
      .command('sweep')
      .description(
        'backtest a grid of parameter sets in worker threads; prints a table sorted by a statistic',
      )
      .option('--signal <expression...>', 'signals to try (default: ret(130, 5), the rule model on mom_26w)')
      .option('--top-n <list>', 'names held, comma-separated', parseList(parse.int(1, 10_000)))
      .option('--weighting <list>', `weightings (${WEIGHTING_SCHEMES.join(', ')})`, parseList(String))
      .option('--max-weight <list>', 'largest weights of one name', parseList(parse.number(0.0001, 1)))
      .option('--sector-cap <list>', 'largest weights of one sector', parseList(parse.number(0.0001, 1)))
      .option('--weekday <list>', 'rebalance weekdays, 1 = Monday ... 5 = Friday', parseList(parse.int(1, 5)))
      .addOption(
        new Option('--commission <schedule>', 'commission schedule')
          .choices([...COMMISSION_PRESET_NAMES])
          .default('ib-fixed'),
      )
      .option('--start <day>', 'first day of each backtest (YYYY-MM-DD)', parseDayText)
      .option('--end <day>', 'last day of each backtest (YYYY-MM-DD)', parseDayText)
      .option('--workers <n>', 'worker threads (default: one per core)', parse.int(0, 64))
      .addOption(new Option('--sort <stat>', 'sort by').choices([...SWEEP_SORT_KEYS]).default('sharpe'))
      .option('--symbols <list>', 'restrict the universe (comma-separated)', parseSymbolList)
      .option('--json', 'print the rows as JSON'),
  ).action(
    async (
      flags: CommonFlags & {
        signal?: string[];
        topN?: number[];
        weighting?: string[];
        maxWeight?: number[];
        sectorCap?: number[];
        weekday?: number[];
        commission: CommissionPreset;
        start?: string;
        end?: string;
        workers?: number;
        sort: (typeof SWEEP_SORT_KEYS)[number];
        symbols?: string[];
        json?: boolean;
      },
    ) => {
      const { runSweep, sortSweepRows, sweepGridSchema } = await import('../../backtest/sweep.js');
      const parsed = sweepGridSchema.safeParse({
        signal: flags.signal,
        topN: flags.topN,
        weighting: flags.weighting,
        maxWeight: flags.maxWeight,
        sectorCap: flags.sectorCap,
        weekday: flags.weekday,
      });
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const flag = String(issue.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
        throw new UsageError(`--${flag}: ${issue.message}`);
      }
      const dataRoot = dataRootOf(flags);
      const store = new AlphaBarStore(dataRoot, systemClock);
      if (!existsSync(path.join(store.root, 'manifest.json')))
        throw new UsageError(
          `--data-root: no research data in ${store.root}; run "ibloop data import" first`,
        );
      const bars = await store.priceSeriesReader(flags.symbols);
      const progress = progressReporter('sweep');
      const rows = await runSweep({
        bars,
        sectors: await store.readSectors(),
        grid: parsed.data,
        base: {
          commission: COMMISSION_PRESETS[flags.commission],
          start: flags.start ?? null,
          end: flags.end ?? null,
        },
        dataDigest: await store.dataDigest(bars.symbols),
        workers: flags.workers,
        onProgress: (done, total) => progress.update(done, total, 'points'),
      });
      progress.stop();
      const sorted = sortSweepRows(rows, flags.sort);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(sorted, null, 1)}\n`);
        return;
      }
      const pct = (value: number) => `${(value * 100).toFixed(2)}%`.padStart(9);
      process.stdout.write(
        `${'point'.padEnd(12)} ${'CAGR'.padStart(9)} ${'Sharpe'.padStart(7)} ${'maxDD'.padStart(9)} ${'turnover'.padStart(9)}  parameters\n`,
      );
      for (const row of sorted) {
        const p = row.point;
        process.stdout.write(
          `${row.pointHash.slice(0, 12)} ${pct(row.stats.cagr)} ${row.stats.sharpe.toFixed(2).padStart(7)} ${pct(row.stats.maxDrawdown)} ${pct(row.stats.turnoverPerRebalance)}  signal=${p.signal} top=${p.topN} ${p.weighting} max=${p.maxWeight} sector=${p.sectorCap} weekday=${p.weekday}\n`,
        );
      }
      process.stdout.write(
        `${rows.length} points. Caveat: the best of many backtests is optimistic (multiple testing); expect it to do worse out of sample.\n`,
      );
    },
  );
}

function parseList<T>(item: (raw: string) => T): (raw: string) => T[] {
  return (raw) =>
    raw
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .map(item);
}

interface TrainingFlags {
  model: ModelFamilyName;
  seed: number;
  retrainEvery: number;
  trainWindow: number;
  /** Unset: 0 for the rule model (nothing to train), 52 for the others. */
  minTrain?: number;
  weekday: number;
  param?: Record<string, unknown>;
  symbols?: string[];
}

interface BacktestFlags {
  modelVersion?: string;
  signal?: string;
  topN: number;
  weighting: (typeof WEIGHTING_SCHEMES)[number];
  maxWeight: number;
  sectorCap: number;
  cashBuffer: number;
  turnoverLimit: number;
  tradeAt: 'open' | 'close';
  slippageBps: number;
  initialCash: number;
  lotSize: number;
  minOrderValue: number;
  commission: CommissionPreset;
  start?: string;
  end?: string;
  benchmark?: string;
  projectVersion?: string;
  out?: string;
}

function withTrainingFlags(command: Command): Command {
  return command
    .addOption(
      new Option('--model <family>', 'model family').choices(['rule', 'ridge', 'gbt']).default('rule'),
    )
    .option('--seed <n>', 'random seed', parse.int(0, 2 ** 31 - 1), 1)
    .option('--retrain-every <weeks>', 'refit every this many weeks', parse.int(1, 10_000), 52)
    .option(
      '--train-window <weeks>',
      'train on at most this many past weeks (0 = all)',
      parse.int(0, 100_000),
      156,
    )
    .option(
      '--min-train <weeks>',
      'weeks of labels before the first model (default 0 for rule, which needs no training; 52 otherwise)',
      parse.int(0, 100_000),
    )
    .option('--weekday <n>', 'rebalance weekday, 1 = Monday ... 5 = Friday', parse.int(1, 5), 1)
    .option('--param <key=value>', 'model parameter, repeatable (e.g. lambda=10, trees=60)', collectParam)
    .option('--symbols <list>', 'restrict the universe (comma-separated)', parseSymbolList);
}

function collectParam(raw: string, previous: Record<string, unknown> | undefined): Record<string, unknown> {
  const match = /^([A-Za-z][A-Za-z0-9]*)=(.+)$/.exec(raw.trim());
  if (!match) throw new InvalidArgumentError(`expected key=value, got "${raw}"`);
  const value = match[2]!;
  const number = Number(value);
  return { ...previous, [match[1]!]: value.trim() !== '' && Number.isFinite(number) ? number : value };
}

const DEFAULT_MIN_TRAIN = 52;

function parseSignalOption(raw: string): string {
  try {
    return validateSignal(raw);
  } catch (error) {
    if (error instanceof SignalError)
      throw new InvalidArgumentError(`at position ${error.position}: ${error.reason}`);
    throw error;
  }
}

function parseDayText(raw: string): string {
  return formatDay(parseDayOption(raw));
}

function parseSymbol(raw: string): string {
  const [symbol, ...rest] = parseSymbolList(raw);
  if (rest.length > 0) throw new InvalidArgumentError('expected one symbol');
  return symbol!;
}

function parseDayOption(raw: string): number {
  const day = parseDay(raw.trim());
  if (day === undefined) throw new InvalidArgumentError(`expected a day as YYYY-MM-DD, got "${raw}"`);
  return day;
}

function parseSymbolList(raw: string): string[] {
  const symbols = raw
    .split(',')
    .map((symbol) => symbol.trim().toUpperCase())
    .filter((symbol) => symbol !== '');
  if (symbols.length === 0) throw new InvalidArgumentError('expected at least one symbol');
  const bad = symbols.find((symbol) => !/^[A-Z0-9][A-Z0-9.\-^]{0,19}$/.test(symbol));
  if (bad) throw new InvalidArgumentError(`"${bad}" is not a valid symbol`);
  return symbols;
}

function dataRootOf(flags: CommonFlags): string {
  return bootstrapFrom(flags).dataRoot;
}

/**
 * A mark on the performance timeline per finished phase of `ibloop backtest` (`ibloop:backtest:<name>`),
 * so a profiler or the benchmark (bench/research/sp500.bench.ts) splits a run's time without a log.
 */
function phase(name: string): void {
  performance.mark(`ibloop:backtest:${name}`);
}

async function loadResearch(
  store: AlphaBarStore,
  symbols: string[] | undefined,
  weekday: number,
): Promise<ResearchData> {
  if (!existsSync(path.join(store.root, 'manifest.json'))) {
    throw new UsageError(`--data-root: no research data in ${store.root}; run "ibloop data import" first`);
  }
  const known = await store.symbols();
  const unknown = (symbols ?? []).filter((symbol) => !known.includes(symbol));
  if (unknown.length > 0) throw new UsageError(`--symbols: not in the research store: ${unknown.join(', ')}`);
  const bars = await store.priceSeriesReader(symbols);
  const sectors = await store.readSectors();
  phase('open');
  // The reader reads each symbol's prices while the panel is built: this phase is the data loading.
  const panel = buildPanel(bars);
  phase('panel');
  const research = prepareResearchPanel(panel, sectors, { weekday });
  phase('features');
  return research;
}

/** The index's closes on the research panel's days; the index may be outside the traded universe. */
async function loadIndex(store: AlphaBarStore, research: ResearchData, symbol: string) {
  if (!(await store.symbols()).includes(symbol))
    throw new UsageError(`--benchmark: ${symbol} is not in the research store`);
  return alignIndex(research.panel, await store.load(symbol));
}

async function trainAndSave(
  store: AlphaBarStore,
  dataRoot: string,
  research: ResearchData,
  flags: TrainingFlags,
): Promise<TrainOutcome> {
  const schema = modelParamsSchemas[flags.model];
  const parsed = schema.safeParse(flags.param ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`--param ${issue.path.join('.')}: ${issue.message}`);
  }
  const progress = progressReporter(`train ${flags.model}`);
  const outcome = trainModel({
    dataset: research.dataset,
    dataDigest: await store.dataDigest(research.panel.symbols),
    clock: systemClock,
    onProgress: (done, total) => {
      if (done % 10 === 0 || done === total) progress.update(done, total, 'weeks');
    },
    config: {
      family: flags.model,
      params: parsed.data,
      seed: flags.seed,
      retrainEvery: flags.retrainEvery,
      trainWindow: flags.trainWindow,
      minTrainPeriods: flags.minTrain ?? (flags.model === 'rule' ? 0 : DEFAULT_MIN_TRAIN),
    },
  });
  progress.stop();
  const file = await new ModelRegistry(dataRoot).save(outcome.record);
  process.stderr.write(`saved ${file}\n`);
  return outcome;
}

interface ProgressReporter {
  update(done: number, total: number, item: string): void;
  stop(): void;
}

/**
 * Progress on stderr: a bar on a terminal; plain lines (every tenth and the last) otherwise, so logs
 * and CI output stay readable instead of filling with carriage returns.
 */
function progressReporter(label: string): ProgressReporter {
  if (!process.stderr.isTTY) {
    let shown = -1;
    return {
      update(done, total, item) {
        const tenth = done >= total ? 10 : Math.floor((done / total) * 10);
        if (tenth === shown) return;
        shown = tenth;
        process.stderr.write(`${label}: ${done}/${total} ${item}\n`);
      },
      stop() {},
    };
  }
  // Loaded here, on a terminal only: a run whose stderr is a file or pipe (scripts, CI, the benchmark)
  // saves its ~30 ms of module loading. A synchronous load is a require (the package is CommonJS).
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} | {item}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, item) {
      if (!started) {
        bar.start(total, 0, { item: '' });
        started = true;
      }
      bar.setTotal(total);
      bar.update(done, { item });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
