import { readFileSync } from 'node:fs';
import { type AppContext, openAppContext } from '../app/context.js';
import { createIbBrokerage } from '../brokerage/ib/index.js';
import { bootstrapFrom, type CommonFlags, UsageError, withCommonFlags } from '../cli/common.js';
import { type Command, InvalidArgumentError, parse } from '../cli/program.js';
import { InputError, NotFoundError } from '../core/errors.js';
import { describeLease, readLease } from '../lock/index.js';
import { ContractCache } from '../marketdata/contract-cache.js';
import { checkTradingAccount } from './account-guard.js';
import { defaultHolder, startExecutionRuntime } from './runtime.js';
import { tradingDateSchema } from './service.js';
import type { TradeOrder } from './types.js';
import { progressOf } from './views.js';
import { parseWeightsText, validateWeights } from './weights.js';

interface ExecuteFlags extends CommonFlags {
  project: number;
  weights: string;
  date?: string;
  orderType: 'MKT' | 'LMT';
  offsetBps: number;
  cashBuffer: number;
  minOrderValue: number;
  allowShort?: boolean;
  host?: string;
  port?: number;
  clientId?: number;
  confirmLive?: string;
  waitSeconds: number;
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

/** Reads and validates a weights file; every problem is a usage error naming the field. */
export function loadWeightsFile(file: string, allowShort = false): Record<string, number> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--weights: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  try {
    return validateWeights(parseWeightsText(text, file), { allowShort });
  } catch (error) {
    if (error instanceof InputError) throw new UsageError(`--weights: ${error.field}: ${error.reason}`);
    throw error;
  }
}

function newYorkDate(ms: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(new Date(ms));
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
    // Validated before anything connects: a bad file changes nothing and sends nothing.
    const weights = loadWeightsFile(flags.weights, flags.allowShort === true);
    const ctx = await openAppContext(bootstrapFrom(flags));
    try {
      await execute(ctx, flags, weights);
    } finally {
      await ctx.close();
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

/**
 * A server (or another `execute`) that holds the lease with a fresh heartbeat is trading: connecting
 * with the same client id would only end, 15 s later, in IB's error 326. Say so at once. A holder
 * whose heartbeat is late (killed) is waited for until its lease expires.
 */
async function waitForFreeLease(ctx: AppContext): Promise<void> {
  const lease = await readLease(ctx.store.db, ctx.clock);
  if (!lease || lease.state === 'expired') return;
  const now = ctx.clock.nowMs();
  if (lease.state === 'active') {
    throw new Error(
      `the execution lease is held by ${describeLease(lease, now)}: a server or another execute is trading; ` +
        'start the run through its API (POST /api/execution/runs) or stop it first. Nothing was sent.',
    );
  }
  const waitMs = Math.max(0, Date.parse(lease.takeableAt) - now) + 100;
  process.stderr.write(`lease: ${describeLease(lease, now)}; waiting for it\n`);
  await new Promise((resolve) => setTimeout(resolve, waitMs));
}

/** Waits (briefly) until the gateway has named its accounts: they decide whether anything may be sent. */
async function managedAccounts(connection: { state(): { managedAccounts: string[] } }): Promise<string[]> {
  for (let i = 0; i < 50 && connection.state().managedAccounts.length === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return connection.state().managedAccounts;
}

/** Orders of the run that this process handed to the broker (claimed under its lease token). */
function sentUnder(orders: readonly TradeOrder[], token: number | null): number {
  return orders.filter(
    (o) =>
      token !== null &&
      o.leaseToken === token &&
      o.sendAttempts > 0 &&
      !(o.status === 'NEW' && o.ibOrderId === null),
  ).length;
}

async function execute(ctx: AppContext, flags: ExecuteFlags, weights: Record<string, number>): Promise<void> {
  const settings = await ctx.settings.resolve();
  const mode = settings.IB_MODE.value === 'live' ? 'live' : 'paper';
  const account = settings.IB_ACCOUNT.value === undefined ? undefined : String(settings.IB_ACCOUNT.value);
  try {
    await ctx.projects.get(flags.project);
  } catch (error) {
    if (error instanceof NotFoundError)
      throw new UsageError(`--project: no project with id ${flags.project}`);
    throw error;
  }
  const tradingDate = flags.date ?? newYorkDate(ctx.clock.nowMs());
  if (!flags.date && !tradingDateSchema.safeParse(tradingDate).success) {
    throw new UsageError(`--date: today (${tradingDate}) is not an NYSE trading day; name the trading date`);
  }
  if (mode === 'live' && (account === undefined || flags.confirmLive?.trim() !== account)) {
    throw new UsageError(
      '--confirm-live: the server trades live (IB_MODE=live): type the account id (IB_ACCOUNT) again to start a run',
    );
  }
  await waitForFreeLease(ctx);
  const brokerage = createIbBrokerage({
    host: flags.host ?? String(settings.IB_HOST.value ?? '127.0.0.1'),
    port: flags.port ?? Number(settings.IB_PORT.value ?? 4002),
    clientId: flags.clientId ?? Number(settings.IB_CLIENT_ID.value ?? 1),
    mode,
    account,
    clock: ctx.clock,
  });
  const connected = await Promise.race([
    brokerage.connection.start().then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), 15_000).unref()),
  ]);
  if (!connected) {
    await brokerage.connection.stop();
    const state = brokerage.connection.state();
    const last = state.lastError;
    const why = last ? `${last.code}: ${last.message}` : (state.reason ?? 'no answer');
    throw new Error(
      `could not connect to IB at ${state.host}:${state.port} as client ${state.clientId} (${why})`,
    );
  }
  const check = checkTradingAccount(mode, account, await managedAccounts(brokerage.connection));
  if (check.problem !== null) {
    await brokerage.connection.stop();
    throw new Error(`refusing to trade: ${check.problem}. Nothing was sent.`);
  }
  const runtime = await startExecutionRuntime({
    store: ctx.store,
    audit: ctx.audit,
    clock: ctx.clock,
    brokerage,
    mode,
    ...(account !== undefined ? { account } : {}),
    contractCache: new ContractCache(ctx.store.db, ctx.bootstrap.dataRoot, brokerage, ctx.clock),
    holder: defaultHolder('cli'),
    logger: ctx.logger,
  });
  try {
    if (!runtime.lease.isHeld()) {
      const lease = await readLease(ctx.store.db, ctx.clock);
      const holder = lease ? describeLease(lease, ctx.clock.nowMs()) : 'unknown';
      throw new Error(`another process holds the execution lease (${holder}); nothing was sent`);
    }
    const token = runtime.lease.token();
    await runtime.ready(30_000);
    const result = await runtime.service
      .executeTargets({
        projectId: flags.project,
        tradingDate,
        weights,
        ...(flags.confirmLive !== undefined ? { confirmLive: flags.confirmLive } : {}),
        orderType: flags.orderType,
        limitOffsetBps: flags.offsetBps,
        cashBuffer: flags.cashBuffer,
        minOrderValue: flags.minOrderValue,
        allowShort: flags.allowShort === true,
        actor: 'cli',
      })
      .catch((error: unknown) => {
        if (error instanceof InputError) throw new UsageError(`${error.field}: ${error.reason}`);
        throw error;
      });
    // Orders left over by an interrupted run are sent by the startup reconciliation's resume, not by
    // executeTargets: count what this process sent, whoever in it sent it.
    const sentSoFar = sentUnder(await runtime.engine.repo.orders({ runId: result.run.id }), token);
    process.stdout.write(
      `run ${result.run.id} (${result.joined ? 'joined existing run' : 'new run'}): ${result.intents.length} new orders, ${sentSoFar} sent\n`,
    );
    const run = await runtime.service.waitForRun(result.run.id, flags.waitSeconds * 1000);
    const orders = await runtime.engine.repo.orders({ runId: run.id });
    process.stdout.write(`run ${run.id}: ${sentUnder(orders, token)} orders sent by this process\n`);
    const fills = await runtime.engine.repo.fills({ runId: run.id });
    for (const row of progressOf(run, orders, fills)) {
      process.stdout.write(
        `${row.symbol.padEnd(8)} target ${row.target} filled ${row.filled} working ${row.working} deviation ${row.deviation}\n`,
      );
    }
    process.stdout.write(`run ${run.id} ${run.status}\n`);
    if (run.status !== 'COMPLETED') process.exitCode = 1;
  } finally {
    await runtime.stop();
    await brokerage.connection.stop();
  }
}
