import type { AppContext } from '../app/context.js';
import { createIbBrokerage, type IbBrokerage } from '../brokerage/ib/index.js';

/**
 * One-off jobs (contract refresh, backfill) open their own IB connection with a client id of their
 * own (trading id + this offset), so they never take the trading session's id.
 */
export const JOB_CLIENT_ID_OFFSET = 200;

export interface JobConnectionOptions {
  host?: string | undefined;
  port?: number | undefined;
  clientId?: number | undefined;
}

/** Connects for a one-off job (settings fill what the options leave out); throws when IB does not answer. */
export async function connectForJob(ctx: AppContext, options: JobConnectionOptions): Promise<IbBrokerage> {
  const s = await ctx.settings.resolve();
  const host = options.host ?? String(s.IB_HOST.value ?? '127.0.0.1');
  const port = options.port ?? Number(s.IB_PORT.value ?? 4002);
  const clientId = options.clientId ?? Number(s.IB_CLIENT_ID.value ?? 1) + JOB_CLIENT_ID_OFFSET;
  const brokerage = createIbBrokerage({
    host,
    port,
    clientId,
    mode: s.IB_MODE.value === 'live' ? 'live' : 'paper',
    clock: ctx.clock,
    requestTimeoutMs: 120_000,
  });
  const connected = await Promise.race([
    brokerage.connection.start().then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), 15_000).unref()),
  ]);
  if (!connected) {
    await brokerage.connection.stop();
    const last = brokerage.connection.state().lastError;
    throw new Error(
      `could not connect to IB at ${host}:${port}${last ? ` (${last.code}: ${last.message})` : ''}`,
    );
  }
  return brokerage;
}
