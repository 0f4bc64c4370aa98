import type { Kysely } from 'kysely';
import { maskSecret, type ResolvedSettings } from '../config/index.js';
import { IbReason } from '../contract/ib.js';
import type { Clock } from '../core/clock.js';
import { readLease } from '../lock/index.js';
import type { IbStatus } from '../marketdata/index.js';
import type { Database } from '../store/index.js';

export type TradingBadge = 'not_configured' | 'disconnected' | 'tradable';

export interface TradingStatus {
  badge: TradingBadge;
  mode: 'paper' | 'live';
  account: string | null;
  /** True when the server trades against its own in-process paper gateway. */
  builtInGateway: boolean;
}

/** What the running IB connection says, when there is one. */
export interface ConnectionView {
  tradable: boolean;
  /** Already masked. */
  account: string | null;
  builtInGateway: boolean;
}

export type ConnectionProbe = () => ConnectionView | undefined;

export function tradingStatusFrom(settings: ResolvedSettings, probe?: ConnectionProbe): TradingStatus {
  const mode = settings.IB_MODE.value === 'live' ? 'live' : 'paper';
  const connection = probe?.();
  const account = settings.IB_ACCOUNT.value;
  if (connection?.builtInGateway) {
    return {
      badge: connection.tradable ? 'tradable' : 'disconnected',
      mode,
      account: connection.account,
      builtInGateway: true,
    };
  }
  if (account === undefined) return { badge: 'not_configured', mode, account: null, builtInGateway: false };
  return {
    badge: connection?.tradable ? 'tradable' : 'disconnected',
    mode,
    account: maskSecret(String(account)),
    builtInGateway: false,
  };
}

/** What a replica shows of IB: its own connection's status, or the lease holder's. */
export type ReplicaIbStatus = Pick<
  IbStatus,
  | 'status'
  | 'reason'
  | 'reasonCode'
  | 'sinceMs'
  | 'accounts'
  | 'modeCheck'
  | 'serverVersion'
  | 'lastHeartbeatMs'
  | 'reconnectCount'
  | 'lastError'
  | 'host'
  | 'port'
  | 'clientId'
  | 'tradable'
>;

/**
 * The IB status of the replica that trades, as it recorded it (`ib_connection_state`), for a
 * replica that does not hold the execution lease and so has no IB connection of its own. Replicas
 * behind one address then all show the same badge. Null when nobody holds the lease (the holder
 * died or stopped: its last row may still say CONNECTED), or when nothing was recorded yet.
 */
export async function holderIbStatus(db: Kysely<Database>, clock: Clock): Promise<ReplicaIbStatus | null> {
  const lease = await readLease(db, clock);
  if (!lease || lease.state === 'expired') return null;
  const row = await db.selectFrom('ib_connection_state').selectAll().where('id', '=', 1).executeTakeFirst();
  if (!row) return null;
  const ms = (text: string | null) => {
    const parsed = text === null ? Number.NaN : Date.parse(text);
    return Number.isFinite(parsed) ? parsed : null;
  };
  // The holder records DEGRADED when the account does not fit the mode: CONNECTED means it does.
  const tradable = row.status === 'CONNECTED' && lease.state === 'active';
  const reasonCode = recordedReason(row.reason_code_json, row.reason);
  return {
    status: row.status,
    reason: row.reason,
    reasonCode,
    sinceMs: ms(row.since) ?? clock.nowMs(),
    accounts: row.accounts_masked === '' ? [] : row.accounts_masked.split(','),
    modeCheck: {
      ok: tradable,
      reason: tradable ? null : row.reason,
      reasonCode: tradable ? null : reasonCode,
    },
    serverVersion: row.server_version === null ? null : Number(row.server_version),
    lastHeartbeatMs: ms(row.last_heartbeat_at),
    reconnectCount: Number(row.reconnect_count),
    lastError: parseLastError(row.last_error_json),
    host: row.host,
    port: Number(row.port),
    clientId: Number(row.client_id),
    tradable,
  };
}

/** A stored `IbReason`, or null when the value is not one (validated: rows are the edge here). */
function reasonOf(value: unknown): IbReason | null {
  const parsed = IbReason.safeParse(value);
  return parsed.success ? parsed.data : null;
}

function parseReason(json: string | null): IbReason | null {
  if (json === null) return null;
  try {
    return reasonOf(JSON.parse(json));
  } catch {
    return null;
  }
}

/**
 * The holder's reason as a code. A row written before codes (0021), or by a newer version with a
 * code this one does not know, has its English text only: it reads as the `recorded` code, which
 * the UI labels as the text as recorded.
 */
function recordedReason(json: string | null, reason: string | null): IbReason | null {
  return parseReason(json) ?? (reason === null ? null : { code: 'recorded', text: reason });
}

function parseLastError(json: string | null): ReplicaIbStatus['lastError'] {
  if (json === null) return null;
  try {
    const value = JSON.parse(json) as {
      code?: unknown;
      message?: unknown;
      atMs?: unknown;
      reasonCode?: unknown;
    };
    const reasonCode = reasonOf(value.reasonCode);
    return {
      code: Number(value.code),
      message: String(value.message ?? ''),
      atMs: Number(value.atMs),
      ...(reasonCode ? { reasonCode } : {}),
    };
  } catch {
    return null;
  }
}
