/**
 * `ibloop contracts refresh`, `ibloop ib backfill`, `ibloop ib audit-bars`, `ibloop ib status`.
 * Commands that talk to IB open their own connection (marketdata's connectForJob), so they never take
 * the trading session's client id.
 */
import cliProgress from 'cli-progress';
import { type AppContext, openAppContext } from '../../app/context.js';
import { systemClock } from '../../core/clock.js';
import {
  auditBars,
  BACKFILL_DEFAULTS,
  backfillWindow,
  ContractCache,
  connectForJob,
  IbBarStore,
  JOB_CLIENT_ID_OFFSET,
  universeSymbols,
} from '../../marketdata/index.js';
import { bootstrapFrom, type CommonFlags, withCommonFlags } from '../common.js';
import { type Command, InvalidArgumentError, parse } from '../program.js';

interface UniverseFlags {
  project?: string;
  theme?: number;
  symbols?: string[];
}

interface IbFlags extends CommonFlags, UniverseFlags {
  host?: string;
  port?: number;
  clientId?: number;
}

function symbolsFlag(raw: string): string[] {
  const list = raw
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s.length > 0);
  if (list.length === 0) throw new InvalidArgumentError('must list at least one symbol, e.g. AAPL,MSFT');
  for (const s of list)
    if (!/^[A-Z0-9.-]{1,12}$/.test(s)) throw new InvalidArgumentError(`"${s}" is not a ticker symbol`);
  return list;
}

function dayFlag(raw: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(Date.parse(raw))) {
    throw new InvalidArgumentError(`expected a date YYYY-MM-DD, got "${raw}"`);
  }
  return raw;
}

function barFlag(raw: string): '1d' | '1m' {
  if (raw !== '1d' && raw !== '1m') throw new InvalidArgumentError('must be 1d (daily) or 1m (minute)');
  return raw;
}

function withUniverse(command: Command): Command {
  return command
    .option('--project <name|id>', 'the universe of a project')
    .option('--theme <id>', 'the members of a theme', parse.int(1, 2_147_483_647))
    .option('--symbols <A,B,...>', 'these symbols', symbolsFlag);
}

function withIb(command: Command): Command {
  return command
    .option('--host <host>', 'IB Gateway / TWS host (default: IB_HOST)')
    .option('--port <port>', 'IB Gateway / TWS port (default: IB_PORT)', parse.int(1, 65_535))
    .option(
      '--client-id <id>',
      `client id (default: IB_CLIENT_ID + ${JOB_CLIENT_ID_OFFSET})`,
      parse.int(0, 2_147_483_647),
    );
}

async function withContext<T>(flags: CommonFlags, run: (ctx: AppContext) => Promise<T>): Promise<T> {
  const ctx = await openAppContext(bootstrapFrom(flags));
  try {
    return await run(ctx);
  } finally {
    await ctx.close();
  }
}

function progressBar(label: string): cliProgress.SingleBar {
  return new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {value}/{total} {item}`,
      stream: process.stderr,
      hideCursor: false,
      noTTYOutput: false,
    },
    cliProgress.Presets.shades_classic,
  );
}

function selector(flags: UniverseFlags) {
  return { project: flags.project, theme: flags.theme, symbols: flags.symbols };
}

export function registerIbCommands(program: Command): void {
  const contracts = program.command('contracts').description('the IB contract cache');
  withCommonFlags(
    withIb(
      withUniverse(
        contracts
          .command('refresh')
          .description('resolve missing or stale symbols of a universe through IB and print the report')
          .option('--max-age-days <n>', 'refresh entries older than this', parse.int(0, 3650), 7)
          .option('--force', 'refresh every symbol'),
      ),
    ),
  ).action(async (flags: IbFlags & { maxAgeDays: number; force?: boolean }) => {
    await withContext(flags, async (ctx) => {
      const symbols = await universeSymbols(ctx, selector(flags));
      const brokerage = await connectForJob(ctx, flags);
      try {
        const cache = new ContractCache(ctx.store.db, ctx.bootstrap.dataRoot, brokerage, ctx.clock);
        const bar = progressBar('contracts');
        bar.start(symbols.length, 0, { item: '' });
        const report = await cache.refresh(symbols, {
          maxAgeDays: flags.maxAgeDays,
          force: flags.force === true,
          onProgress: (done, _total, symbol) => bar.update(done, { item: symbol }),
        });
        bar.stop();
        process.stdout.write(
          `resolved ${report.resolved}/${report.total}, unresolved ${report.unresolved}, stale ${report.stale}\n`,
        );
        for (const e of report.entries.filter((x) => x.status !== 'resolved')) {
          process.stdout.write(`  ${e.symbol}: ${e.status} (${e.reason ?? ''})\n`);
        }
        if (report.unresolved > 0) process.exitCode = 1;
      } finally {
        await brokerage.connection.stop();
      }
    });
  });

  const ib = program.command('ib').description('IB connection and data');

  withCommonFlags(
    ib.command('status').description('the recorded IB connection state (ib_connection_state)'),
  ).action(async (flags: CommonFlags) => {
    await withContext(flags, async (ctx) => {
      const row = await ctx.store.db.selectFrom('ib_connection_state').selectAll().executeTakeFirst();
      process.stdout.write(row ? `${JSON.stringify(row, null, 2)}\n` : 'no IB connection recorded yet\n');
    });
  });

  withCommonFlags(
    withIb(
      withUniverse(
        ib
          .command('backfill')
          .description('fetch daily or minute bars from IB for a window (paced, checkpointed, resumable)')
          .requiredOption('--bar <1d|1m>', 'bar size', barFlag)
          .requiredOption('--from <YYYY-MM-DD>', 'first day', dayFlag)
          .requiredOption('--to <YYYY-MM-DD>', 'last day', dayFlag)
          .option(
            '--pacing-max <n>',
            'requests per pacing window (IB: 60)',
            parse.int(1, 1000),
            BACKFILL_DEFAULTS.pacing.maxPerWindow,
          )
          .option(
            '--pacing-window-ms <ms>',
            'pacing window (IB: 600000)',
            parse.int(1, 3_600_000),
            BACKFILL_DEFAULTS.pacing.windowMs,
          )
          .option(
            '--pacing-backoff-ms <ms>',
            'first wait after a pacing error',
            parse.int(1, 600_000),
            BACKFILL_DEFAULTS.pacingBackoffMs,
          ),
      ),
    ),
  ).action(
    async (
      flags: IbFlags & {
        bar: '1d' | '1m';
        from: string;
        to: string;
        pacingMax: number;
        pacingWindowMs: number;
        pacingBackoffMs: number;
      },
    ) => {
      if (flags.from > flags.to) throw new InvalidArgumentError('--from must not be after --to');
      await withContext(flags, async (ctx) => {
        const symbols = await universeSymbols(ctx, selector(flags));
        const brokerage = await connectForJob(ctx, flags);
        try {
          const cache = new ContractCache(ctx.store.db, ctx.bootstrap.dataRoot, brokerage, ctx.clock);
          const bar = progressBar('backfill');
          let started = false;
          const result = await backfillWindow(
            {
              brokerage,
              store: new IbBarStore(ctx.bootstrap.dataRoot),
              contract: (symbol) => cache.require(symbol),
              clock: ctx.clock,
              wallClock: systemClock,
              pacing: {
                ...BACKFILL_DEFAULTS.pacing,
                maxPerWindow: flags.pacingMax,
                windowMs: flags.pacingWindowMs,
              },
              pacingBackoffMs: flags.pacingBackoffMs,
              onProgress: (p) => {
                if (!started) {
                  bar.start(p.total, 0, { item: '' });
                  started = true;
                }
                bar.update(p.done, { item: `${p.chunk.symbol} ${p.chunk.key} ${p.outcome}` });
              },
            },
            { symbols, barSize: flags.bar, from: flags.from, to: flags.to },
          );
          if (started) bar.stop();
          process.stdout.write(`${JSON.stringify(result)}\n`);
          if (result.failures.length > 0) process.exitCode = 1;
        } finally {
          await brokerage.connection.stop();
        }
      });
    },
  );

  withCommonFlags(
    withUniverse(
      ib
        .command('audit-bars')
        .description('compare stored IB bars with the NYSE calendar: expected vs present sessions, gaps')
        .requiredOption('--bar <1d|1m>', 'bar size', barFlag)
        .requiredOption('--from <YYYY-MM-DD>', 'first day', dayFlag)
        .requiredOption('--to <YYYY-MM-DD>', 'last day', dayFlag)
        .option('--json', 'print the full audit as JSON'),
    ),
  ).action(
    async (
      flags: CommonFlags & UniverseFlags & { bar: '1d' | '1m'; from: string; to: string; json?: boolean },
    ) => {
      await withContext(flags, async (ctx) => {
        const symbols = await universeSymbols(ctx, selector(flags));
        const store = new IbBarStore(ctx.bootstrap.dataRoot);
        const bar = progressBar('audit');
        bar.start(symbols.length, 0, { item: '' });
        const audits = symbols.map((s, i) => {
          const audit = auditBars(
            store,
            s,
            flags.bar === '1d' ? '1 day' : '1 min',
            flags.from,
            flags.to,
            ctx.clock.nowMs(),
          );
          bar.update(i + 1, { item: s });
          return audit;
        });
        bar.stop();
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(audits, null, 2)}\n`);
        } else {
          for (const a of audits) {
            const gaps = a.gaps.map((g) => (g.from === g.to ? g.from : `${g.from}..${g.to}`)).join(', ');
            process.stdout.write(
              `${a.symbol}: ${a.presentSessions}/${a.expectedSessions} sessions (${(a.completeness * 100).toFixed(1)}%)` +
                `${gaps ? `, gaps: ${gaps}` : ''}${a.partialDays.length ? `, partial days: ${a.partialDays.length}` : ''}\n`,
            );
          }
        }
        if (audits.some((a) => a.completeness < 1)) process.exitCode = 1;
      });
    },
  );
}
