/** `ibloop decide`, `ibloop snapshot show|verify` and `ibloop parity`: flags in, decision module out. */
import { type AppContext, openAppContext } from '../../app/context.js';
import { ConflictError, InputError } from '../../core/index.js';
import {
  type AlphaParityResult,
  DecisionService,
  defaultTradingDate,
  type SnapshotContent,
} from '../../decision/index.js';
import { bootstrapFrom, type CommonFlags, UsageError, withCommonFlags } from '../common.js';
import { type Command, InvalidArgumentError, Option, parse } from '../program.js';

const FLAG_OF: Record<string, string> = {
  projectId: '--project',
  tradingDate: '--date',
  run: '--run',
  against: '--against',
};

function dayFlag(raw: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw)) throw new InvalidArgumentError('expected YYYY-MM-DD');
  return raw;
}

async function withDecisions<T>(
  flags: CommonFlags,
  work: (service: DecisionService, ctx: AppContext) => Promise<T>,
) {
  const ctx = await openAppContext(bootstrapFrom(flags));
  try {
    const service = new DecisionService({
      db: ctx.store.db,
      audit: ctx.audit,
      clock: ctx.clock,
      projects: ctx.projects,
      dataRoot: ctx.bootstrap.dataRoot,
    });
    return await work(service, ctx);
  } catch (error) {
    // Bad input is a usage error (exit 2) naming the flag where there is one.
    if (error instanceof InputError)
      throw new UsageError(`${FLAG_OF[error.field] ?? error.field}: ${error.reason}`);
    // A refusal the data explains (no Alpha bars, a manual snapshot): its reason, not a stack.
    if (error instanceof ConflictError)
      throw new Error(`${FLAG_OF[error.field] ?? error.field}: ${error.reason}`);
    throw error;
  } finally {
    await ctx.close();
  }
}

const fixed = (value: number | undefined, digits = 4): string =>
  value === undefined ? '-' : value.toFixed(digits);

/** The decision table: every scored or weighted symbol, best score first. */
function decisionTable(content: SnapshotContent): string {
  const cut = new Map(content.cuts.map((c) => [c.symbol, c.reason]));
  const symbols = [...new Set([...Object.keys(content.scores), ...Object.keys(content.weightsAfter)])].sort(
    (a, b) =>
      (content.scores[b] ?? Number.NEGATIVE_INFINITY) - (content.scores[a] ?? Number.NEGATIVE_INFINITY),
  );
  const lines = [
    `project ${content.projectId} v${content.projectVersion}  trading date ${content.tradingDate}  as of ${content.asOf}  ${content.kind}`,
    `model ${content.modelVersion ?? '-'}  data ${content.dataSource}  ${content.inputs.length} input series`,
    'symbol    sector            score   before    after  cut',
  ];
  for (const symbol of symbols) {
    lines.push(
      `${symbol.padEnd(8)}  ${(content.sectors[symbol] ?? '').padEnd(14).slice(0, 14)}  ${fixed(content.scores[symbol]).padStart(7)}  ${fixed(content.weightsBefore[symbol]).padStart(7)}  ${fixed(content.weightsAfter[symbol]).padStart(7)}  ${cut.get(symbol) ?? ''}`,
    );
  }
  for (const d of content.dropped)
    lines.push(`dropped ${d.symbol}: ${d.reason}${d.lastBar ? ` (last bar ${d.lastBar})` : ''}`);
  return `${lines.join('\n')}\n`;
}

const percent = (value: number | null): string => (value === null ? '-' : `${(value * 100).toFixed(3)}%`);

/** Live and research weights side by side, largest gap first, with the close differences. */
function alphaParityTable(result: AlphaParityResult): string {
  const lines = [
    `run ${result.runId}: snapshot ${result.snapshotId}  trading date ${result.tradingDate}  as of ${result.asOf}  against Alpha research data`,
    `model ${result.modelVersion}  Alpha data ${result.alphaDataDigest.slice(0, 16)}`,
    result.weightsEqual
      ? 'weights equal bit for bit'
      : `weights differ: one-way turnover between them ${percent(result.turnoverGap)}`,
    'symbol      live    alpha      gap   ib close  alpha adj  close diff  days  differ  max diff (day)',
  ];
  for (const row of result.symbols) {
    lines.push(
      `${row.symbol.padEnd(8)}  ${fixed(row.liveWeight).padStart(6)}  ${fixed(row.alphaWeight).padStart(6)}  ${fixed(row.weightGap).padStart(7)}  ${fixed(row.ibClose ?? undefined, 2).padStart(9)}  ${fixed(row.alphaAdjustedClose ?? undefined, 2).padStart(9)}  ${percent(row.closeDiff).padStart(10)}  ${String(row.days).padStart(4)}  ${String(row.daysDiffering).padStart(6)}  ${percent(row.maxCloseDiff)}${row.maxCloseDiffDay ? ` (${row.maxCloseDiffDay})` : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function registerDecisionCommands(program: Command): void {
  withCommonFlags(
    program
      .command('decide')
      .description("decide a project's weights on IB daily bars and freeze them as a decision snapshot")
      .requiredOption('--project <id>', 'project id', parse.int(1, 2_147_483_647))
      .option(
        '--date <YYYY-MM-DD>',
        'trading date (default: today in New York, or the next trading day)',
        dayFlag,
      )
      .option('--dry-run', 'decide and print, store nothing')
      .option('--json', 'one JSON object on stdout'),
  ).action(
    async (flags: CommonFlags & { project: number; date?: string; dryRun?: boolean; json?: boolean }) => {
      await withDecisions(flags, async (service, ctx) => {
        const request = {
          projectId: flags.project,
          tradingDate: flags.date ?? defaultTradingDate(ctx.clock),
          actor: 'cli',
        };
        if (flags.dryRun) {
          const preview = await service.preview(request);
          if (flags.json)
            process.stdout.write(`${JSON.stringify({ snapshot: null, created: false, ...preview })}\n`);
          else
            process.stdout.write(
              `${decisionTable(preview.content)}hash ${preview.contentHash} (dry run: not stored)\n`,
            );
          return;
        }
        const { snapshot, created } = await service.decideAndFreeze(request);
        if (flags.json) {
          process.stdout.write(
            `${JSON.stringify({ snapshot, created, content: snapshot.content, contentHash: snapshot.contentHash })}\n`,
          );
          return;
        }
        process.stdout.write(
          `${decisionTable(snapshot.content)}snapshot ${snapshot.id} hash ${snapshot.contentHash} (${created ? 'new' : 'existing'})\n`,
        );
      });
    },
  );

  const snapshot = program.command('snapshot').description('show or verify a decision snapshot');
  withCommonFlags(
    snapshot
      .command('show')
      .argument('<id>', 'snapshot id', parse.int(1, 2_147_483_647))
      .option('--json', 'one JSON object on stdout'),
  ).action(async (id: number, flags: CommonFlags & { json?: boolean }) => {
    await withDecisions(flags, async (service) => {
      const found = await service.get(id);
      if (flags.json) process.stdout.write(`${JSON.stringify(found)}\n`);
      else
        process.stdout.write(
          `snapshot ${found.id} hash ${found.contentHash}\n${decisionTable(found.content)}`,
        );
    });
  });
  withCommonFlags(
    snapshot
      .command('verify')
      .argument('<id>', 'snapshot id', parse.int(1, 2_147_483_647))
      .option('--json', 'one JSON object on stdout'),
  ).action(async (id: number, flags: CommonFlags & { json?: boolean }) => {
    await withDecisions(flags, async (service) => {
      const result = await service.verify(id);
      if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else
        process.stdout.write(
          result.ok
            ? `snapshot ${id}: ok (${result.storedHash})\n`
            : `snapshot ${id}: FAILED ${result.problems.join(', ')}\n`,
        );
      if (!result.ok) process.exitCode = 1;
    });
  });

  withCommonFlags(
    program
      .command('parity')
      .description(
        "recompute a run's decision from its snapshot's stored inputs and compare bit for bit (--against alpha: beside the research backtest's)",
      )
      .requiredOption('--run <id>', 'trade run id', parse.int(1, 2_147_483_647))
      .addOption(
        new Option(
          '--against <source>',
          "instead: the research backtest's decision on Alpha data for the run's date, beside the live weights",
        ).choices(['alpha']),
      )
      .option('--json', 'one JSON object on stdout'),
  ).action(async (flags: CommonFlags & { run: number; against?: 'alpha'; json?: boolean }) => {
    await withDecisions(flags, async (service) => {
      if (flags.against === 'alpha') {
        const compared = await service.parityAgainstAlpha(flags.run);
        process.stdout.write(flags.json ? `${JSON.stringify(compared)}\n` : alphaParityTable(compared));
        return;
      }
      const result = await service.parity(flags.run);
      if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else if (!result.recomputable)
        process.stdout.write(
          `run ${result.runId}: snapshot ${result.snapshotId} is ${result.kind}; nothing to recompute\n`,
        );
      else if (result.equal)
        process.stdout.write(
          `run ${result.runId}: snapshot ${result.snapshotId} reproduced bit for bit (${result.compared.scores} scores, ${result.compared.weights} weights)\n`,
        );
      else
        process.stdout.write(
          `run ${result.runId}: DIFFERS at ${result.firstDifference?.field} ${result.firstDifference?.symbol ?? ''}: stored ${JSON.stringify(result.firstDifference?.stored)} recomputed ${JSON.stringify(result.firstDifference?.recomputed)}\n`,
        );
      if (!result.equal) process.exitCode = 1;
    });
  });
}
