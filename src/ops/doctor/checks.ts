/**
 * `ibloop doctor`: what stops trading, checked in one pass. Each check gives pass / warn / fail with
 * a code and parameters; the CLI and the web turn them into the explanation and the fix in the
 * user's language. Nothing here changes anything: the gateway is only asked, never sent an order.
 */
import { readdirSync, statSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import { checkMode, maskAccount } from '../../brokerage/ib/index.js';
import type { ConnectionState } from '../../brokerage/index.js';
import type { DoctorCheck, DoctorCheckId, DoctorReport, DoctorStatus } from '../../contract/ops.js';
import type { DoctorCode } from '../../contract/ops-texts.js';
import type { Clock } from '../../core/clock.js';
import { type Database, pendingMigrations } from '../../store/index.js';
import { BACKUP_DIR_NAME, BACKUP_NAME } from '../backup.js';
import { type ProbeResult, probeGateway } from './probe.js';

const GIB = 1024 ** 3;
const HOUR_MS = 3_600_000;

export interface DoctorOptions {
  clock: Clock;
  db: Kysely<Database>;
  engine: 'sqlite' | 'postgres';
  dataRoot: string;
  gateway: {
    host: string;
    port: number;
    /** The trading client id (IB_CLIENT_ID). */
    clientId: number;
    mode: 'paper' | 'live';
    account?: string | undefined;
    /** The built-in paper gateway runs inside `ibloop serve`; a CLI run cannot reach it otherwise. */
    builtIn?: boolean;
  };
  /** This process's own IB session, when it has one (the server): it holds the trading client id. */
  liveConnection?: ConnectionState | null;
  /** Client id of the doctor's own short session; must differ from every trading id. */
  probeClientId?: number;
  /** Symbol asked for a quote and daily bars. */
  symbol?: string;
  stepTimeoutMs?: number;
  thresholds?: Partial<DoctorThresholds>;
}

export interface DoctorThresholds {
  clockWarnSeconds: number;
  clockFailSeconds: number;
  diskWarnGiB: number;
  diskFailGiB: number;
  backupWarnHours: number;
  backupFailHours: number;
}

export const DEFAULT_THRESHOLDS: DoctorThresholds = {
  clockWarnSeconds: 2,
  clockFailSeconds: 30,
  diskWarnGiB: 5,
  diskFailGiB: 1,
  backupWarnHours: 36,
  backupFailHours: 8 * 24,
};

/** Offset so the doctor's session never takes a trading client id. */
const PROBE_CLIENT_ID = 917_317;

type Params = DoctorCheck['params'];
const check = (
  id: DoctorCheckId,
  status: DoctorStatus,
  code: DoctorCode,
  params: Params = {},
): DoctorCheck => ({
  id,
  status,
  code,
  params,
});

const FARM_BROKEN = new Set([2103, 2105, 2157]);

export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const thresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
  const checks = [
    ...(await gatewayChecks(options, thresholds)),
    ...(await databaseChecks(options)),
    await diskCheck(options.dataRoot, thresholds),
    backupCheck(options.dataRoot, options.clock.nowMs(), thresholds),
  ];
  const rank: Record<DoctorStatus, number> = { pass: 0, skip: 0, warn: 1, fail: 2 };
  const worst = checks.reduce((max, c) => Math.max(max, rank[c.status]), 0);
  return {
    checkedAt: new Date(options.clock.nowMs()).toISOString(),
    overall: worst === 2 ? 'fail' : worst === 1 ? 'warn' : 'pass',
    checks,
  };
}

async function gatewayChecks(options: DoctorOptions, t: DoctorThresholds): Promise<DoctorCheck[]> {
  const g = options.gateway;
  const where = { host: g.host, port: g.port };
  const stepTimeoutMs = options.stepTimeoutMs ?? 4_000;
  const nowMs = () => options.clock.nowMs();
  const probe = await probeGateway(
    {
      host: g.host,
      port: g.port,
      clientId: options.probeClientId ?? PROBE_CLIENT_ID,
      symbol: options.symbol ?? 'SPY',
      stepTimeoutMs,
    },
    nowMs,
  );
  const skipped = (id: DoctorCheckId) => check(id, 'skip', 'SKIPPED_NO_API', where);
  const rest: DoctorCheckId[] = [
    'gateway.client_id',
    'gateway.connectivity',
    'gateway.market_data',
    'gateway.history',
    'gateway.account_mode',
    'gateway.clock',
  ];
  if (!probe.reachable.ok) {
    return [
      check('gateway.reachable', 'fail', g.builtIn ? 'BUILT_IN_GATEWAY_NOT_RUNNING' : 'GATEWAY_UNREACHABLE', {
        ...where,
        error: probe.reachable.error,
      }),
      check('gateway.api', 'skip', 'SKIPPED_NO_GATEWAY', where),
      ...rest.map(skipped),
      await readOnlyCheck(options),
    ];
  }
  const reachable = check('gateway.reachable', 'pass', 'GATEWAY_REACHABLE', where);
  if (!probe.api?.ok) {
    const api = probe.api?.clientIdInUse
      ? check('gateway.api', 'fail', 'PROBE_CLIENT_ID_IN_USE', {
          clientId: options.probeClientId ?? PROBE_CLIENT_ID,
        })
      : check('gateway.api', 'fail', 'API_SILENT', { ...where, seconds: stepTimeoutMs / 1000 });
    return [reachable, api, ...rest.map(skipped), await readOnlyCheck(options)];
  }
  return [
    reachable,
    check('gateway.api', 'pass', 'API_READY', { serverVersion: probe.api.serverVersion }),
    await clientIdCheck(options, stepTimeoutMs),
    connectivityCheck(probe, options.liveConnection ?? null),
    await readOnlyCheck(options),
    marketDataCheck(probe, options.symbol ?? 'SPY'),
    historyCheck(probe, options.symbol ?? 'SPY'),
    accountCheck(probe, g.mode, g.account),
    clockCheck(probe, t),
  ];
}

async function clientIdCheck(options: DoctorOptions, stepTimeoutMs: number): Promise<DoctorCheck> {
  const { clientId, host, port } = options.gateway;
  const live = options.liveConnection;
  if (live && live.clientId === clientId && (live.status === 'CONNECTED' || live.status === 'DEGRADED')) {
    return check('gateway.client_id', 'pass', 'CLIENT_ID_OURS', { clientId });
  }
  const probe = await probeGateway(
    { host, port, clientId, symbol: 'SPY', stepTimeoutMs, handshakeOnly: true },
    () => options.clock.nowMs(),
  );
  if (probe.api?.ok) return check('gateway.client_id', 'pass', 'CLIENT_ID_FREE', { clientId });
  if (probe.api?.clientIdInUse) return check('gateway.client_id', 'fail', 'CLIENT_ID_IN_USE', { clientId });
  return check('gateway.client_id', 'warn', 'CLIENT_ID_UNKNOWN', { clientId });
}

function connectivityCheck(probe: ProbeResult, live: ConnectionState | null): DoctorCheck {
  const liveLost = live?.status === 'DEGRADED' && (live.reason ?? '').startsWith('1100');
  if (probe.notices.includes(1100) || liveLost)
    return check('gateway.connectivity', 'fail', 'IB_CONNECTIVITY_LOST');
  const broken = probe.notices.filter((code) => FARM_BROKEN.has(code));
  if (broken.length > 0)
    return check('gateway.connectivity', 'warn', 'DATA_FARM_BROKEN', { codes: broken.join(',') });
  return check('gateway.connectivity', 'pass', 'CONNECTIVITY_OK');
}

/**
 * IB does not report its Read-Only API setting; it refuses each order instead (error 321 naming
 * read-only mode). The doctor never sends an order to find out, so it reads the refusals recorded.
 */
async function readOnlyCheck(options: DoctorOptions): Promise<DoctorCheck> {
  const sinceIso = new Date(options.clock.nowMs() - 7 * 24 * HOUR_MS).toISOString();
  try {
    const row = await options.db
      .selectFrom('trade_orders')
      .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.max('updated_at').as('lastAt')])
      .where('updated_at', '>=', sinceIso)
      .where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['last_error']), 'like', '%read-only%'),
          eb(eb.fn('lower', ['last_error']), 'like', '%read only%'),
        ]),
      )
      .executeTakeFirst();
    const count = Number(row?.count ?? 0);
    if (count > 0) {
      return check('gateway.read_only', 'fail', 'READ_ONLY_REFUSED', {
        count,
        lastAt: String(row?.lastAt ?? ''),
      });
    }
    return check('gateway.read_only', 'pass', 'READ_ONLY_NOT_SEEN');
  } catch {
    return check('gateway.read_only', 'skip', 'SKIPPED_NO_DATABASE');
  }
}

function marketDataCheck(probe: ProbeResult, symbol: string): DoctorCheck {
  const m = probe.marketData;
  if (!m) return check('gateway.market_data', 'skip', 'SKIPPED_NO_API');
  if (m.errorCode === 354 || m.errorCode === 10167 || m.dataType === 3 || m.dataType === 4) {
    return check('gateway.market_data', 'warn', 'MARKET_DATA_DELAYED', { symbol });
  }
  if (m.price === null) {
    return check('gateway.market_data', 'warn', 'MARKET_DATA_NONE', { symbol, code: m.errorCode });
  }
  return check('gateway.market_data', 'pass', 'MARKET_DATA_LIVE', { symbol });
}

function historyCheck(probe: ProbeResult, symbol: string): DoctorCheck {
  const h = probe.history;
  if (!h) return check('gateway.history', 'skip', 'SKIPPED_NO_API');
  if (h.errorCode === 162 && /pacing/i.test(h.error ?? '')) {
    return check('gateway.history', 'warn', 'HISTORY_PACING', { symbol });
  }
  if (h.errorCode !== null || h.bars === 0) {
    return check('gateway.history', 'warn', 'HISTORY_ERROR', {
      symbol,
      code: h.errorCode,
      message: h.error ?? 'no bars',
    });
  }
  return check('gateway.history', 'pass', 'HISTORY_OK', { symbol, bars: h.bars });
}

function accountCheck(probe: ProbeResult, mode: 'paper' | 'live', account: string | undefined): DoctorCheck {
  const result = checkMode(mode, account, probe.accounts);
  const accounts = probe.accounts.map(maskAccount).join(', ');
  if (result.ok) {
    return check('gateway.account_mode', 'pass', 'ACCOUNT_MODE_OK', {
      mode,
      account: result.account ? maskAccount(result.account) : accounts,
    });
  }
  return check('gateway.account_mode', 'fail', 'ACCOUNT_MODE_MISMATCH', {
    mode,
    accounts,
    reason: result.reason ?? '',
  });
}

function clockCheck(probe: ProbeResult, t: DoctorThresholds): DoctorCheck {
  if (probe.clockSkewMs === null) return check('gateway.clock', 'warn', 'CLOCK_UNANSWERED');
  const seconds = Math.round(probe.clockSkewMs / 1000);
  const abs = Math.abs(seconds);
  if (abs <= t.clockWarnSeconds) return check('gateway.clock', 'pass', 'CLOCK_OK', { seconds });
  return check('gateway.clock', abs > t.clockFailSeconds ? 'fail' : 'warn', 'CLOCK_SKEW', { seconds });
}

async function databaseChecks(options: DoctorOptions): Promise<DoctorCheck[]> {
  try {
    await sql`select 1`.execute(options.db);
  } catch (error) {
    return [
      check('database.reachable', 'fail', 'DB_UNREACHABLE', {
        engine: options.engine,
        error: (error as Error).message,
      }),
      check('database.migrations', 'skip', 'SKIPPED_NO_DATABASE'),
    ];
  }
  const reachable = check('database.reachable', 'pass', 'DB_REACHABLE', { engine: options.engine });
  const pending = await pendingMigrations(options.db);
  if (pending.length > 0) {
    return [
      reachable,
      check('database.migrations', 'fail', 'MIGRATIONS_PENDING', {
        count: pending.length,
        names: pending.join(', '),
      }),
    ];
  }
  return [reachable, check('database.migrations', 'pass', 'MIGRATIONS_CURRENT')];
}

async function diskCheck(dataRoot: string, t: DoctorThresholds): Promise<DoctorCheck> {
  try {
    const fs = await statfs(dataRoot);
    const freeGiB = Math.round(((fs.bavail * fs.bsize) / GIB) * 10) / 10;
    const params = { path: dataRoot, freeGiB };
    if (freeGiB < t.diskFailGiB) return check('disk.space', 'fail', 'DISK_LOW', params);
    if (freeGiB < t.diskWarnGiB) return check('disk.space', 'warn', 'DISK_LOW', params);
    return check('disk.space', 'pass', 'DISK_OK', params);
  } catch (error) {
    return check('disk.space', 'fail', 'DATA_ROOT_MISSING', {
      path: dataRoot,
      error: (error as NodeJS.ErrnoException).code ?? 'error',
    });
  }
}

function backupCheck(dataRoot: string, nowMs: number, t: DoctorThresholds): DoctorCheck {
  const dir = path.join(dataRoot, BACKUP_DIR_NAME);
  let newestMs: number | null = null;
  try {
    for (const name of readdirSync(dir)) {
      if (!BACKUP_NAME.test(name)) continue;
      const mtime = statSync(path.join(dir, name)).mtimeMs;
      if (newestMs === null || mtime > newestMs) newestMs = mtime;
    }
  } catch {
    // No backup folder yet: no backup.
  }
  if (newestMs === null) return check('backup.age', 'warn', 'BACKUP_NONE', { dir });
  // A backup dated after now means the clock moved back: count it as fresh.
  const hours = Math.max(0, Math.round(((nowMs - newestMs) / HOUR_MS) * 10) / 10);
  if (hours > t.backupFailHours) return check('backup.age', 'fail', 'BACKUP_OLD', { dir, hours });
  if (hours > t.backupWarnHours) return check('backup.age', 'warn', 'BACKUP_OLD', { dir, hours });
  return check('backup.age', 'pass', 'BACKUP_RECENT', { dir, hours });
}
