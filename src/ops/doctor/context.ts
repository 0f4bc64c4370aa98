/** The doctor's options from the settings, as the CLI and the server both run it. */
import type { ConnectionState } from '../../brokerage/index.js';
import type { ResolvedSettings } from '../../config/index.js';
import type { DoctorReport } from '../../contract/ops.js';
import type { Clock } from '../../core/clock.js';
import type { Store } from '../../store/index.js';
import { type DoctorOptions, runDoctor } from './checks.js';

export interface DoctorContext {
  clock: Clock;
  store: Pick<Store, 'db' | 'engine'>;
  settings: { resolve(): Promise<ResolvedSettings> };
  bootstrap: { dataRoot: string };
}

export interface DoctorRunOptions {
  /** Where the server's own IB session is connected (the built-in gateway may use another port). */
  liveConnection?: ConnectionState | null;
  stepTimeoutMs?: number;
  symbol?: string;
  thresholds?: DoctorOptions['thresholds'];
}

export async function doctorFor(ctx: DoctorContext, options: DoctorRunOptions = {}): Promise<DoctorReport> {
  const settings = await ctx.settings.resolve();
  const live = options.liveConnection ?? null;
  const account = settings.IB_ACCOUNT.value === undefined ? undefined : String(settings.IB_ACCOUNT.value);
  const builtIn =
    account === undefined && settings.IB_HOST.source === 'default' && settings.IB_PORT.source === 'default';
  return runDoctor({
    clock: ctx.clock,
    db: ctx.store.db,
    engine: ctx.store.engine,
    dataRoot: ctx.bootstrap.dataRoot,
    gateway: {
      host: live?.host ?? String(settings.IB_HOST.value),
      port: live?.port ?? Number(settings.IB_PORT.value),
      clientId: Number(settings.IB_CLIENT_ID.value),
      mode: settings.IB_MODE.value === 'live' ? 'live' : 'paper',
      // The built-in gateway trades its own paper account whatever IB_ACCOUNT says.
      account: builtIn ? undefined : account,
      builtIn,
    },
    liveConnection: live,
    ...(options.stepTimeoutMs !== undefined ? { stepTimeoutMs: options.stepTimeoutMs } : {}),
    // SPY is quotable on every IB account; the built-in gateway's universe has no ETF.
    symbol: options.symbol ?? (builtIn ? 'AAPL' : 'SPY'),
    ...(options.thresholds ? { thresholds: options.thresholds } : {}),
  });
}
