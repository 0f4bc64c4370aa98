import { z } from 'zod';
import type { IbReason } from '../../contract/ib.js';
import type { Clock } from '../../core/clock.js';
import { createIbBrokerage } from './adapter.js';
import { type ModeCheck, maskAccount } from './decode.js';

export const testConnectionSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65_535),
  /** A client id of its own, so the check never disturbs the trading session's id. */
  clientId: z.number().int().min(0).max(2_147_483_647),
  mode: z.enum(['paper', 'live']).default('paper'),
  account: z.string().min(1).optional(),
  timeoutMs: z.number().int().min(100).max(60_000).default(5_000),
});

export type TestConnectionSettings = z.input<typeof testConnectionSchema>;

export interface TestConnectionResult {
  ok: boolean;
  serverVersion: number | null;
  /** Masked (invariant 7). */
  accounts: string[];
  modeCheck: ModeCheck;
  /** In English (logs, API users); `errorCode` says the same as a code the UI renders. */
  error: string | null;
  errorCode: IbReason | null;
  source: 'ib';
}

/** Connects once with a separate client id, checks accounts against the mode, disconnects. */
export async function testConnection(
  settings: TestConnectionSettings,
  clock: Clock,
): Promise<TestConnectionResult> {
  const s = testConnectionSchema.parse(settings);
  const brokerage = createIbBrokerage({
    host: s.host,
    port: s.port,
    clientId: s.clientId,
    mode: s.mode,
    account: s.account,
    clock,
    connectTimeoutMs: s.timeoutMs,
    heartbeatMs: 60_000,
    backoff: { initialMs: 60_000, maxMs: 60_000, factor: 1 },
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    let unsubscribe: () => void = () => {};
    const outcome = await Promise.race([
      brokerage.connection.start().then(() => 'connected' as const),
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), s.timeoutMs);
      }),
      // The first failed attempt ends the test: a check should answer now, not after retries.
      new Promise<'failed'>((resolve) => {
        unsubscribe = brokerage.connection.onStateChange((state) => {
          if (state.status === 'DISCONNECTED' && state.lastError) resolve('failed');
        });
      }),
    ]);
    unsubscribe();
    const state = brokerage.connection.state();
    if (outcome !== 'connected') {
      // IB's last connection message (its own words); our own errors (code 0) are not IB's.
      const ib = state.lastError && state.lastError.code !== 0 ? state.lastError : null;
      const errorCode: IbReason = {
        code: 'cannot-connect',
        host: s.host,
        port: s.port,
        ...(outcome === 'timeout' ? { withinMs: s.timeoutMs } : {}),
        ...(ib ? { ibCode: ib.code, ibMessage: ib.message } : {}),
      };
      return {
        ok: false,
        serverVersion: state.serverVersion,
        accounts: state.managedAccounts.map(maskAccount),
        modeCheck: masked(brokerage.ib.modeCheck()),
        error: `could not connect to ${s.host}:${s.port}${outcome === 'timeout' ? ` within ${s.timeoutMs} ms` : ''}${state.lastError ? ` (${state.lastError.code}: ${state.lastError.message})` : ''}`,
        errorCode,
        source: 'ib',
      };
    }
    // managedAccounts may trail nextValidId by a message; give it a moment.
    for (let i = 0; i < 20 && state.managedAccounts.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      if (brokerage.connection.state().managedAccounts.length > 0) break;
    }
    const after = brokerage.connection.state();
    const modeCheck = brokerage.ib.modeCheck();
    return {
      ok: modeCheck.ok,
      serverVersion: after.serverVersion,
      accounts: after.managedAccounts.map(maskAccount),
      modeCheck: masked(modeCheck),
      error: modeCheck.ok ? null : modeCheck.reason,
      errorCode: modeCheck.ok ? null : modeCheck.reasonCode,
      source: 'ib',
    };
  } finally {
    if (timer) clearTimeout(timer);
    await brokerage.connection.stop();
  }
}

/** Results leave the server: the account is masked like every secret (the reason text already is). */
function masked(check: ModeCheck): ModeCheck {
  return { ...check, account: check.account ? maskAccount(check.account) : null };
}
