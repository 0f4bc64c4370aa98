/**
 * One execution run outside the server (the `execute` command): checks, connects with the trading
 * client id under the execution lease, executes the targets and waits for the run to end.
 * Bad input is an InputError naming the option (`weights`, `project`, `date`, `confirmLive`) and
 * happens before anything is sent.
 */
import { readFileSync } from 'node:fs';
import type { AppContext } from '../app/context.js';
import { preTradeOptions } from '../app/pretrade.js';
import { createIbBrokerage } from '../brokerage/ib/index.js';
import { msg } from '../contract/messages.js';
import { InputError, NotFoundError } from '../core/errors.js';
import { describeLease, readLease } from '../lock/index.js';
import { ContractCache } from '../marketdata/index.js';
import { checkTradingAccount } from './account-guard.js';
import { defaultHolder, startExecutionRuntime } from './runtime.js';
import { tradingDateSchema } from './service.js';
import type { RunStatus, TradeOrder } from './types.js';
import { progressOf } from './views.js';
import { parseWeightsText, validateWeights } from './weights.js';

export interface RunOnceOptions {
  project: number;
  date?: string | undefined;
  orderType: 'MKT' | 'LMT';
  offsetBps: number;
  cashBuffer: number;
  minOrderValue: number;
  allowShort?: boolean | undefined;
  host?: string | undefined;
  port?: number | undefined;
  clientId?: number | undefined;
  confirmLive?: string | undefined;
  waitSeconds: number;
  /** sha256 of the weights file: recorded in the run's manual decision snapshot. */
  weightsFileHash?: string | undefined;
}

export interface RunOnceOutput {
  /** Progress and results (stdout of the command). */
  out(text: string): void;
  /** Notes while waiting (stderr of the command). */
  note(text: string): void;
}

/** Reads and validates a weights file; every problem is an InputError on `weights`. */
export function readWeightsFile(file: string, allowShort = false): Record<string, number> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new InputError(
      'weights',
      `cannot read ${file}: ${why}`,
      msg('WEIGHTS_FILE_UNREADABLE', { file, error: why }),
    );
  }
  try {
    return validateWeights(parseWeightsText(text, file), { allowShort });
  } catch (error) {
    // The option is `weights` whichever part of the file is wrong; the text already names that part.
    if (error instanceof InputError)
      throw new InputError('weights', `${error.field}: ${error.reason}`, error.text);
    throw error;
  }
}

function newYorkDate(ms: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(new Date(ms));
}

/**
 * A server (or another `execute`) that holds the lease with a fresh heartbeat is trading: connecting
 * with the same client id would only end, 15 s later, in IB's error 326. Say so at once. A holder
 * whose heartbeat is late (killed) is waited for until its lease expires.
 */
async function waitForFreeLease(ctx: AppContext, output: RunOnceOutput): Promise<void> {
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
  output.note(`lease: ${describeLease(lease, now)}; waiting for it\n`);
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

/** Executes the weights as one run and waits for it; returns the run's final status. */
export async function runTargetsOnce(
  ctx: AppContext,
  options: RunOnceOptions,
  weights: Record<string, number>,
  output: RunOnceOutput,
): Promise<RunStatus> {
  const settings = await ctx.settings.resolve();
  const mode = settings.IB_MODE.value === 'live' ? 'live' : 'paper';
  const account = settings.IB_ACCOUNT.value === undefined ? undefined : String(settings.IB_ACCOUNT.value);
  try {
    await ctx.projects.get(options.project);
  } catch (error) {
    if (error instanceof NotFoundError)
      throw new InputError(
        'project',
        `no project with id ${options.project}`,
        msg('PROJECT_NOT_FOUND', { id: options.project }),
      );
    throw error;
  }
  const tradingDate = options.date ?? newYorkDate(ctx.clock.nowMs());
  if (!options.date && !tradingDateSchema.safeParse(tradingDate).success) {
    throw new InputError(
      'date',
      `today (${tradingDate}) is not an NYSE trading day; name the trading date`,
      msg('TODAY_NOT_TRADING_DAY', { date: tradingDate }),
    );
  }
  if (mode === 'live' && (account === undefined || options.confirmLive?.trim() !== account)) {
    throw new InputError(
      'confirmLive',
      'the server trades live (IB_MODE=live): type the account id (IB_ACCOUNT) again to start a run',
      msg('LIVE_RUN_NEEDS_CONFIRMATION', {}),
    );
  }
  await waitForFreeLease(ctx, output);
  const brokerage = createIbBrokerage({
    host: options.host ?? String(settings.IB_HOST.value ?? '127.0.0.1'),
    port: options.port ?? Number(settings.IB_PORT.value ?? 4002),
    clientId: options.clientId ?? Number(settings.IB_CLIENT_ID.value ?? 1),
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
    preTrade: preTradeOptions(ctx),
  });
  try {
    if (!runtime.lease.isHeld()) {
      const lease = await readLease(ctx.store.db, ctx.clock);
      const holder = lease ? describeLease(lease, ctx.clock.nowMs()) : 'unknown';
      throw new Error(`another process holds the execution lease (${holder}); nothing was sent`);
    }
    const token = runtime.lease.token();
    await runtime.ready(30_000);
    const result = await runtime.service.executeTargets({
      projectId: options.project,
      tradingDate,
      weights,
      ...(options.confirmLive !== undefined ? { confirmLive: options.confirmLive } : {}),
      orderType: options.orderType,
      limitOffsetBps: options.offsetBps,
      cashBuffer: options.cashBuffer,
      minOrderValue: options.minOrderValue,
      allowShort: options.allowShort === true,
      actor: 'cli',
      ...(options.weightsFileHash ? { weightsFileHash: options.weightsFileHash } : {}),
    });
    // Orders left over by an interrupted run are sent by the startup reconciliation's resume, not by
    // executeTargets: count what this process sent, whoever in it sent it.
    const sentSoFar = sentUnder(await runtime.engine.repo.orders({ runId: result.run.id }), token);
    output.out(
      `run ${result.run.id} (${result.joined ? 'joined existing run' : 'new run'}, snapshot ${result.run.snapshotId}): ${result.intents.length} new orders, ${sentSoFar} sent\n`,
    );
    const run = await runtime.service.waitForRun(result.run.id, options.waitSeconds * 1000);
    const orders = await runtime.engine.repo.orders({ runId: run.id });
    output.out(`run ${run.id}: ${sentUnder(orders, token)} orders sent by this process\n`);
    const fills = await runtime.engine.repo.fills({ runId: run.id });
    for (const row of progressOf(run, orders, fills)) {
      output.out(
        `${row.symbol.padEnd(8)} target ${row.target} filled ${row.filled} working ${row.working} deviation ${row.deviation}\n`,
      );
    }
    output.out(`run ${run.id} ${run.status}\n`);
    return run.status;
  } finally {
    await runtime.stop();
    await brokerage.connection.stop();
  }
}
