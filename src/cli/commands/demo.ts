import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { openAppContext } from '../../app/context.js';
import {
  DEMO_DEFAULT_SEED,
  DEMO_PROJECT_NAME,
  demoWeeksStartMs,
  runWeeks,
  seedDemo,
  type WeekResult,
} from '../../demo/index.js';
import {
  ADMIN_USERNAME,
  BUILT_IN_SEED,
  type RunningApp,
  startApp,
  stopOnSignals,
} from '../../server/index.js';
import { createSimClock } from '../../sim/market/index.js';
import { bootstrapFrom, type CommonFlags, UsageError, withCommonFlags } from '../common.js';
import { type Command, parse } from '../program.js';

const weeksFlagsSchema = z
  .object({
    weeks: z.number().int().min(1, '--weeks: at least 1').max(104, '--weeks: at most 104'),
    paceSeconds: z.number().min(0, '--pace-seconds: at least 0').max(600, '--pace-seconds: at most 600'),
    host: z.string().min(1, '--host: must not be empty').optional(),
    port: z.number().int().min(0).max(65_535).optional(),
    dataRoot: z.string().min(1, '--data-root: must not be empty').optional(),
    config: z.string().optional(),
    exit: z.boolean().default(false),
  })
  .strict();

/** `ibloop demo seed [--seed N]`: the ready-made demo project (idempotent). */
export function registerDemoCommands(program: Command): void {
  const demo = program
    .command('demo')
    .description('the demo: research data, theme, project, model, backtest');
  withCommonFlags(
    demo
      .command('seed')
      .description(
        "create the demo project from the paper gateway's synthetic market; does nothing when it exists",
      )
      .option(
        '--seed <n>',
        "seed of the synthetic market (use the paper gateway's seed)",
        parse.int(0, 2 ** 31 - 1),
        DEMO_DEFAULT_SEED,
      ),
  ).action(async (flags: CommonFlags & { seed: number }) => {
    const ctx = await openAppContext(bootstrapFrom(flags));
    try {
      const started = performance.now();
      const report = await seedDemo(ctx, { seed: flags.seed });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      if (!report.changed) {
        process.stdout.write(
          `demo already seeded: project "${DEMO_PROJECT_NAME}" (id ${report.projectId}), backtest ${report.backtestId}; nothing changed\n`,
        );
        return;
      }
      const steps = Object.entries(report.timings)
        .map(([name, ms]) => `${name} ${ms} ms`)
        .join(', ');
      process.stdout.write(
        [
          `demo seeded in ${seconds} s (seed ${report.seed}): ${report.symbols.length} symbols ${report.from}..${report.to}`,
          `  project "${DEMO_PROJECT_NAME}" (id ${report.projectId}), model ${report.modelVersion?.slice(0, 12)}, backtest ${report.backtestId}`,
          `  ${steps}`,
          '',
        ].join('\n'),
      );
    } finally {
      await ctx.close();
    }
  });

  registerWeeksCommand(demo);
}

/**
 * `ibloop demo weeks`: the server with its built-in paper gateway on a stepped clock, the demo
 * project, and the clock moved week by week so the scheduler trades each week by itself while a
 * person watches the UI.
 */
function registerWeeksCommand(demo: Command): void {
  demo
    .command('weeks')
    .description(
      'watch the demo project trade week after week by itself: the server and its built-in paper gateway on a simulated clock moved to each weekly run',
    )
    .option('--weeks <n>', 'how many weeks to trade', parse.int(1, 104), 12)
    .option('--pace-seconds <s>', 'wall seconds between weeks, to watch the UI', parse.number(0, 600), 5)
    .option('--host <address>', 'listen address (default: LISTEN_HOST or 127.0.0.1)')
    .option('--port <port>', 'listen port (default: LISTEN_PORT or 8787)', parse.int(0, 65535))
    .option('--exit', 'stop the server when the weeks are done (default: keep serving until Ctrl-C)')
    .option(
      '--data-root <dir>',
      'data folder (default: a new temporary folder, so the simulated weeks do not mix with your data)',
    )
    .option('--config <file>', 'YAML or JSON config file (default: IBLOOP_CONFIG)')
    .action(async (raw: Record<string, unknown>) => {
      const parsed = weeksFlagsSchema.safeParse(raw);
      if (!parsed.success) throw new UsageError(parsed.error.issues[0]?.message ?? 'bad flags');
      const flags = parsed.data;
      // The demo's simulated weeks must not mix with a real data folder: a fresh one unless named.
      const dataRoot = flags.dataRoot ?? mkdtempSync(path.join(tmpdir(), 'ibloop-demo-weeks-'));
      bootstrapFrom({ ...flags, dataRoot });
      const clock = createSimClock({ mode: 'stepped', startMs: demoWeeksStartMs(Date.now()) });
      const app = await startApp({
        configFile: flags.config,
        dataRoot,
        host: flags.host,
        port: flags.port,
        trading: { enabled: true, builtInGateway: 'auto', simClock: clock },
      });
      const out = (line: string) => process.stdout.write(`${line}\n`);
      try {
        if (!app.trading.usesBuiltInGateway)
          throw new UsageError(
            'demo weeks needs the built-in paper gateway: unset IB_ACCOUNT, IB_HOST and IB_PORT',
          );
        out(`  ibloop demo weeks: ${app.url}  (data: ${dataRoot})`);
        if (app.generatedAdminPassword)
          out(`  log in as "${ADMIN_USERNAME}" with the generated password: ${app.generatedAdminPassword}`);
        out('  preparing the demo project (research data, model, backtest)...');
        const { projectId } = await seedDemo(app.ctx, { seed: BUILT_IN_SEED });
        await untilReady(app);
        out(
          `  trading ${flags.weeks} weeks of project ${projectId} on SYNTHETIC prices; watch ${app.url}/live`,
        );
        const result = await runWeeks({
          ctx: app.ctx,
          trading: app.trading,
          clock,
          projectId,
          weeks: flags.weeks,
          paceMs: flags.paceSeconds * 1000,
          onWeek: (week) => out(weekLine(week, flags.weeks)),
        });
        const clean = result.weeks.filter((w) => w.status === 'SUCCEEDED').length;
        out(`  done: ${clean}/${flags.weeks} weeks succeeded in ${(result.wallMs / 1000).toFixed(1)} s`);
        if (clean !== flags.weeks) process.exitCode = 1;
      } catch (error) {
        await app.close();
        throw error;
      }
      if (flags.exit) {
        await app.close();
        return;
      }
      out(`  still serving ${app.url}; Ctrl-C to stop`);
      stopOnSignals(app);
    });
}

function weekLine(week: WeekResult, total: number): string {
  const problems = [
    week.duplicateOrders.length > 0 ? `DUPLICATE orders ${week.duplicateOrders.join(',')}` : '',
    week.untracedOrders.length > 0 ? `untraced orders ${week.untracedOrders.join(',')}` : '',
    week.offTarget.length > 0 ? `off target ${week.offTarget.map((o) => o.symbol).join(',')}` : '',
  ].filter(Boolean);
  const head = `  week ${String(week.week).padStart(2)}/${total} ${week.tradingDate}: ${week.status}`;
  if (week.status !== 'SUCCEEDED') return `${head} - ${week.error ?? ''}`;
  return `${head}, ${week.filledOrders}/${week.orders} orders filled, snapshot #${week.snapshotId}, run ${week.runId} (${(week.wallMs / 1000).toFixed(1)} s)${problems.length > 0 ? ` - ${problems.join('; ')}` : ''}`;
}

async function untilReady(app: RunningApp): Promise<void> {
  const deadline = performance.now() + 60_000;
  while (!app.trading.execution?.engine.readiness().ready) {
    if (performance.now() > deadline)
      throw new Error('the built-in paper gateway did not connect within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
