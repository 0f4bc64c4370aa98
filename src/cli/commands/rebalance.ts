/** `ibloop rebalance`: Run now from the command line (the same trigger as the UI and the API). */
import { z } from 'zod';
import { openAppContext } from '../../app/context.js';
import { InputError } from '../../core/index.js';
import {
  FINAL_RUN_STATUSES,
  PipelineRepository,
  type PipelineRun,
  recordTrigger,
} from '../../pipeline/index.js';
import { bootstrapFrom, type CommonFlags, UsageError, withCommonFlags } from '../common.js';
import { type Command, parse } from '../program.js';

const flagsSchema = z.object({
  project: z.number().int().positive(),
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, '--date: expected YYYY-MM-DD')
    .optional(),
  dryRun: z.boolean().default(false),
  json: z.boolean().default(false),
  confirmLive: z.string().trim().max(40).optional(),
  waitSeconds: z.number().int().min(0).max(86_400).default(0),
});

const FLAG_OF: Record<string, string> = {
  projectId: '--project',
  tradingDate: '--date',
  confirmLive: '--confirm-live',
};

function describe(run: PipelineRun): string {
  const lines = [
    `run ${run.id} project ${run.projectId} ${run.tradingDate}${run.dryRun ? ' (dry run: sends nothing)' : ''}: ${run.status}`,
  ];
  for (const step of run.steps) {
    const error = step.error ? ` - ${step.error}` : '';
    lines.push(`  ${step.name.padEnd(9)} ${step.status.padEnd(9)} attempts ${step.attempts}${error}`);
  }
  return `${lines.join('\n')}\n`;
}

export function registerRebalanceCommand(program: Command): void {
  withCommonFlags(
    program
      .command('rebalance')
      .description(
        "start the project's weekly run now (the server holding the execution lease runs it; one run per project and trading date)",
      )
      .requiredOption('--project <id>', 'project id', parse.int(1, 2_147_483_647))
      .option(
        '--date <YYYY-MM-DD>',
        'trading date (default: today while the window is open, else the next session)',
      )
      .option('--dry-run', 'go through every step up to the risk check and show the orders; send nothing')
      .option('--confirm-live <account>', 'live mode only: the account id (IB_ACCOUNT) typed again')
      .option('--wait-seconds <n>', 'wait this long for the run to finish', parse.int(0, 86_400), 0)
      .option('--json', 'print the run as JSON'),
  ).action(async (raw: CommonFlags & Record<string, unknown>) => {
    const parsed = flagsSchema.safeParse(raw);
    if (!parsed.success) throw new UsageError(parsed.error.issues[0]?.message ?? 'bad flags');
    const flags = parsed.data;
    const ctx = await openAppContext(bootstrapFrom(raw));
    try {
      const settings = await ctx.settings.resolve();
      if (settings.IB_MODE.value === 'live' && !flags.dryRun) {
        const account =
          settings.IB_ACCOUNT.value === undefined ? undefined : String(settings.IB_ACCOUNT.value);
        if (!account || flags.confirmLive !== account)
          throw new UsageError('--confirm-live: the server trades live: type the account id again');
      }
      const result = await recordTrigger(
        { db: ctx.store.db, audit: ctx.audit, clock: ctx.clock, projects: ctx.projects },
        {
          projectId: flags.project,
          ...(flags.date !== undefined ? { tradingDate: flags.date } : {}),
          dryRun: flags.dryRun,
          trigger: 'cli',
          actor: 'cli',
        },
      ).catch((error: unknown) => {
        if (error instanceof InputError)
          throw new UsageError(`${FLAG_OF[error.field] ?? error.field}: ${error.reason}`);
        throw error;
      });
      const repo = new PipelineRepository(ctx.store.db, ctx.clock);
      let run = result.run;
      const deadline = performance.now() + flags.waitSeconds * 1000;
      while (!FINAL_RUN_STATUSES.includes(run.status) && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        run = await repo.get(run.id);
      }
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ ...result, run }, null, 2)}\n`);
        return;
      }
      const head = result.joined ? 'joined the existing run' : 'started';
      process.stdout.write(`${head}\n`);
      if (result.marketClosed)
        process.stdout.write(`the market is closed: the run trades at ${result.tradesAt}\n`);
      process.stdout.write(describe(run));
      if (run.status === 'FAILED' || run.status === 'MISSED') process.exitCode = 1;
    } finally {
      await ctx.close();
    }
  });
}
