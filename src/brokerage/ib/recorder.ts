import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.js';
import type { Database } from '../../store/index.js';
import type { ConnectionPort, ConnectionState } from '../port.js';
import { maskAccount, type TradingMode } from './decode.js';

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/**
 * Writes the connection state to the `ib_connection_state` row (id 1) and appends every transition
 * to `ib_connection_history`. Writes are serialized so the row never goes back in time.
 *
 * Replicas share the row: only the one that holds the execution lease connects, the others show
 * its row. So a connection that was never started (a replica without the lease) writes nothing, not
 * even its "stopped" when it closes; once started, every state is written.
 */
export class ConnectionStateRecorder {
  private chain: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | null = null;
  private lastRecorded: { status: string; reason: string | null } | null = null;
  private started = false;
  failures = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly mode: TradingMode,
  ) {}

  attach(connection: ConnectionPort): void {
    this.unsubscribe?.();
    this.unsubscribe = connection.onStateChange((state) => {
      this.follow(state);
    });
    this.follow(connection.state());
  }

  private follow(state: ConnectionState): void {
    if (state.status !== 'DISCONNECTED') this.started = true;
    if (this.started) void this.record(state);
  }

  record(state: ConnectionState): Promise<void> {
    this.chain = this.chain
      .then(() => this.write(state))
      .catch(() => {
        // A failed write must not stop the connection; the next transition writes the row again.
        this.failures += 1;
      });
    return this.chain;
  }

  /** Waits for every queued write. */
  flush(): Promise<void> {
    return this.chain;
  }

  detach(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  private async write(state: ConnectionState): Promise<void> {
    const now = new Date(this.clock.nowMs()).toISOString();
    const row = {
      status: state.status,
      reason: state.reason,
      since: new Date(state.sinceMs).toISOString(),
      host: state.host,
      port: state.port,
      client_id: state.clientId,
      mode: this.mode,
      server_version: state.serverVersion,
      accounts_masked: state.managedAccounts.map(maskAccount).join(','),
      last_heartbeat_at: iso(state.lastHeartbeatMs),
      reconnect_count: state.reconnectCount,
      last_error_json: state.lastError ? JSON.stringify(state.lastError) : null,
      // A replica without the lease renders this in its reader's language (src/server/trading-status.ts).
      reason_code_json: state.reasonCode ? JSON.stringify(state.reasonCode) : null,
      updated_at: now,
    };
    await this.db
      .insertInto('ib_connection_state')
      .values({ id: 1, ...row })
      .onConflict((oc) => oc.column('id').doUpdateSet(row))
      .execute();
    const last = this.lastRecorded;
    if (!last || last.status !== state.status || last.reason !== state.reason) {
      await this.db
        .insertInto('ib_connection_history')
        .values({
          time: now,
          status: state.status,
          reason: state.reason,
          reconnect_count: state.reconnectCount,
          last_error_json: row.last_error_json,
          reason_code_json: row.reason_code_json,
        })
        .execute();
      this.lastRecorded = { status: state.status, reason: state.reason };
    }
  }
}
