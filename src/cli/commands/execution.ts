/** `ibloop execute` and `ibloop execution-status`: flags in, execution module out. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { openAppContext } from '../../app/context.js';
import { InputError } from '../../core/index.js';
import {
  type RunOnceOptions,
  readWeightsFile,
  runTargetsOnce,
  tradingDateSchema,
} from '../../execution/index.js';
import { describeLease, readLease } from '../../lock/index.js';
import { bootstrapFrom, type CommonFlags, UsageError, withCommonFlags } from '../common.js';
import { type Command, InvalidArgumentError, parse } from '../program.js';

type ExecuteFlags = CommonFlags & RunOnceOptions & { weights: string };

/** The module names options by their property; the user knows them as flags. */
const FLAG_OF: Record<string, string> = {
  weights: '--weights',
  project: '--project',
  date: '--date',
  confirmLive: '--confirm-live',
};

function usageErrorOf(error: unknown): unknown {
  if (!(error instanceof InputError)) return error;
  return new UsageError(`${FLAG_OF[error.field] ?? error.field}: ${error.reason}`);
}

function orderTypeFlag(raw: string): 'MKT' | 'LMT' {
  const upper = raw.trim().toUpperCase();
  if (upper !== 'MKT' && upper !== 'LMT') throw new InvalidArgumentError('must be MKT or LMT');
  return upper;
}

function dateFlag(raw: string): string {
  const result = tradingDateSchema.safeParse(raw);
  if (!result.success) throw new InvalidArgumentError(result.error.issues[0]?.message ?? 'not a trading day');
  return raw;
}

export function registerExecutionCommands(program: Command): void {
  withCommonFlags(
    program
      .command('execute')
      .description(
        'execute target weights against the connected gateway (one run per project and trading date)',
      )
      .requiredOption('--project <id>', 'id of the project the run belongs to', parse.int(1, 2_147_483_647))
      .requiredOption('--weights <file>', 'JSON {"AAPL": 0.1} or CSV symbol,weight')
      .option('--date <YYYY-MM-DD>', 'NYSE trading date (default: today in New York)', dateFlag)
      .option('--order-type <MKT|LMT>', 'order type', orderTypeFlag, 'MKT')
      .option('--offset-bps <n>', 'LMT: limit = quote +/- this many basis points', parse.number(0, 1000), 10)
      .option('--cash-buffer <money>', 'money held back from investment', parse.number(0, 1e12), 0)
      .option('--min-order-value <money>', 'skip orders worth less', parse.number(0, 1e12), 0)
      .option('--allow-short', 'allow negative weights')
      .option('--host <host>', 'IB Gateway / TWS host (default: IB_HOST)')
      .option('--port <port>', 'IB Gateway / TWS port (default: IB_PORT)', parse.int(1, 65_535))
      .option('--client-id <id>', 'trading client id (default: IB_CLIENT_ID)', parse.int(0, 2_147_483_647))
      .option('--confirm-live <account>', 'live mode only: the account id (IB_ACCOUNT) typed again')
      .option('--wait-seconds <n>', 'wait this long for the orders to end', parse.int(0, 86_400), 300),
  ).action(async (flags: ExecuteFlags) => {
    try {
      // Validated before anything connects: a bad file changes nothing and sends nothing.
      const weights = readWeightsFile(flags.weights, flags.allowShort === true);
      const ctx = await openAppContext(bootstrapFrom(flags));
      try {
        // The manual decision snapshot records which file (by hash) the weights came from.
        const weightsFileHash = createHash('sha256').update(readFileSync(flags.weights)).digest('hex');
        const status = await runTargetsOnce(ctx, { ...flags, weightsFileHash }, weights, {
          out: (text) => process.stdout.write(text),
          note: (text) => process.stderr.write(text),
        });
        if (status !== 'COMPLETED') process.exitCode = 1;
      } finally {
        await ctx.close();
      }
    } catch (error) {
      throw usageErrorOf(error);
    }
  });

  withCommonFlags(
    program.command('execution-status').description('who holds the execution lease, and the latest runs'),
  ).action(async (flags: CommonFlags) => {
    const ctx = await openAppContext(bootstrapFrom(flags));
    try {
      const lease = await readLease(ctx.store.db, ctx.clock);
      process.stdout.write(
        lease ? `lease: ${describeLease(lease, ctx.clock.nowMs())}\n` : 'lease: never held\n',
      );
      const runs = await ctx.store.db
        .selectFrom('trade_runs')
        .selectAll()
        .orderBy('id', 'desc')
        .limit(10)
        .execute();
      for (const run of runs) {
        const project = run.project_id === null ? run.project : `${run.project_id} (${run.project})`;
        process.stdout.write(
          `run ${run.id} project ${project} ${run.trading_date} ${run.mode} ${run.status}\n`,
        );
      }
    } finally {
      await ctx.close();
    }
  });
}
