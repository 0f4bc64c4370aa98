import type { Kysely } from 'kysely';
import type { AuditLog, AuditRecord } from '../audit/index.js';
import type { Clock } from '../core/clock.js';
import type { Database } from '../store/index.js';

export const DEFAULT_LEASE_NAME = 'trading';

export interface LeaseOptions {
  db: Kysely<Database>;
  audit: AuditLog;
  clock: Clock;
  /** Who asks: unique per process, e.g. `host:pid:random`. */
  holder: string;
  name?: string;
  /** How long an acquisition or renewal is valid in the database. */
  ttlMs?: number;
  /** How often the holder renews (and a non-holder retries). Must be well below `ttlMs`. */
  heartbeatMs?: number;
}

export interface LeaseView {
  name: string;
  holder: string;
  token: number;
  acquiredAt: string;
  heartbeatAt: string;
  expiresAt: string;
  /** Unexpired at the moment of reading. */
  active: boolean;
  /**
   * `active`: unexpired and renewed recently; `unresponsive`: unexpired but its heartbeat is late (the
   * holder is likely dead, e.g. killed; the lease can be taken at `takeableAt`); `expired`: free now.
   */
  state: 'active' | 'unresponsive' | 'expired';
  /** Milliseconds since the holder's last renewal, at the moment of reading. */
  heartbeatAgeMs: number;
  /** When another process can take the lease: now when expired, else its expiry. */
  takeableAt: string;
}

/** The lease is not ours (anymore), or our token is not the current one: nothing may be sent. */
export class LeaseLostError extends Error {
  constructor(detail: string) {
    super(`execution lease not held: ${detail}`);
    this.name = 'LeaseLostError';
  }
}

type LeaseListener = (held: boolean, token: number | null) => void;

/**
 * The execution lease with a fencing token. Acquisition is one conditional UPDATE (expired, or
 * already ours) with RETURNING, which is atomic on SQLite (single writer) and on PostgreSQL (the row
 * lock makes a concurrent updater re-check the condition against the committed row).
 *
 * The local view stops trusting the lease one heartbeat before the database would let anyone else
 * take it, so a holder whose renewals stall stops sending before a successor can start.
 */
export class ExecutionLease {
  readonly name: string;
  readonly holder: string;
  readonly ttlMs: number;
  readonly heartbeatMs: number;
  private readonly db: Kysely<Database>;
  private readonly audit: AuditLog;
  private readonly clock: Clock;
  private heldToken: number | null = null;
  private validUntilMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private readonly listeners = new Set<LeaseListener>();

  constructor(options: LeaseOptions) {
    this.db = options.db;
    this.audit = options.audit;
    this.clock = options.clock;
    this.holder = options.holder;
    this.name = options.name ?? DEFAULT_LEASE_NAME;
    this.ttlMs = options.ttlMs ?? 15_000;
    this.heartbeatMs = options.heartbeatMs ?? 3_000;
    if (!(this.heartbeatMs > 0 && this.ttlMs >= 2 * this.heartbeatMs)) {
      throw new Error('lease: ttlMs must be at least twice heartbeatMs');
    }
    if (this.holder.trim() === '') throw new Error('lease: holder must not be empty');
  }

  onChange(listener: LeaseListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Ours, by the local view (which ends one heartbeat before the database expiry). */
  isHeld(): boolean {
    return this.heldToken !== null && this.clock.nowMs() < this.validUntilMs;
  }

  token(): number | null {
    return this.isHeld() ? this.heldToken : null;
  }

  /** Takes the lease if it is free or expired, or renews it if it is ours. Returns the token or null. */
  async tryAcquire(): Promise<number | null> {
    const now = this.clock.nowMs();
    const nowIso = iso(now);
    const expiresIso = iso(now + this.ttlMs);
    await this.db
      .insertInto('execution_lease')
      .values({ name: this.name, holder: '', token: 0, acquired_at: '', heartbeat_at: '', expires_at: '' })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    let audited: AuditRecord | undefined;
    const result = await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('execution_lease')
        .set((eb) => ({
          // A renewal by the current, unexpired holder keeps the token; anything else is a new acquisition.
          token: eb
            .case()
            .when(eb.and([eb('holder', '=', this.holder), eb('expires_at', '>', nowIso)]))
            .then(eb.ref('token'))
            .else(eb('token', '+', 1))
            .end(),
          acquired_at: eb
            .case()
            .when(eb.and([eb('holder', '=', this.holder), eb('expires_at', '>', nowIso)]))
            .then(eb.ref('acquired_at'))
            .else(nowIso)
            .end(),
          holder: this.holder,
          heartbeat_at: nowIso,
          expires_at: expiresIso,
        }))
        .where('name', '=', this.name)
        .where((eb) => eb.or([eb('expires_at', '<=', nowIso), eb('holder', '=', this.holder)]))
        .returning(['token', 'acquired_at'])
        .executeTakeFirst();
      if (!row) return null;
      const token = Number(row.token);
      if (token !== this.heldToken) {
        audited = await this.audit.append(
          {
            actor: this.holder,
            action: 'execution.lease.acquired',
            target: `lease:${this.name}`,
            after: { holder: this.holder, token, acquiredAt: row.acquired_at, expiresAt: expiresIso },
          },
          trx,
        );
      }
      return token;
    });
    if (audited) this.audit.notify(audited);
    if (result === null) {
      this.markLost('another holder has an unexpired lease');
      return null;
    }
    const changed = result !== this.heldToken;
    this.heldToken = result;
    this.validUntilMs = now + this.ttlMs - this.heartbeatMs;
    if (changed) this.emit();
    return result;
  }

  /**
   * Checks, inside the caller's transaction, that we still hold the lease with our token, and locks
   * the lease row until that transaction ends so no acquisition can interleave. Must be the first
   * statement of the transaction (SQLite then takes the write lock at once).
   */
  async fence(trx: Kysely<Database>): Promise<number> {
    const token = this.token();
    if (token === null) throw new LeaseLostError(`${this.holder} does not hold it`);
    // The database check leaves a heartbeat of margin, like the local view.
    const limitIso = iso(this.clock.nowMs() + this.heartbeatMs);
    const row = await trx
      .updateTable('execution_lease')
      .set((eb) => ({ token: eb.ref('token') }))
      .where('name', '=', this.name)
      .where('holder', '=', this.holder)
      .where('token', '=', token)
      .where('expires_at', '>', limitIso)
      .returning(['token'])
      .executeTakeFirst();
    if (!row) {
      this.markLost('fencing token is no longer current');
      throw new LeaseLostError(`token ${token} of ${this.holder} is no longer current`);
    }
    return token;
  }

  /** Gives the lease up at once (an orderly shutdown), so another replica need not wait for expiry. */
  async release(): Promise<void> {
    const token = this.heldToken;
    this.stopTimer();
    if (token === null) return;
    this.heldToken = null;
    this.validUntilMs = 0;
    const record = await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('execution_lease')
        .set({ expires_at: '' })
        .where('name', '=', this.name)
        .where('holder', '=', this.holder)
        .where('token', '=', token)
        .returning(['token'])
        .executeTakeFirst();
      if (!row) return undefined;
      return this.audit.append(
        {
          actor: this.holder,
          action: 'execution.lease.released',
          target: `lease:${this.name}`,
          before: { token },
        },
        trx,
      );
    });
    if (record) this.audit.notify(record);
    this.emit();
  }

  /** Renews (or tries to acquire) every heartbeat until `stop()`. */
  start(): void {
    if (this.timer) return;
    const tick = () => {
      if (this.ticking) return;
      this.ticking = this.tryAcquire()
        .then(() => undefined)
        .catch(() => {
          // A failed renewal (database down) leaves the local view to run out by itself.
          if (!this.isHeld()) this.markLost('renewal failed');
        })
        .finally(() => {
          this.ticking = undefined;
        });
    };
    tick();
    this.timer = setInterval(tick, this.heartbeatMs);
  }

  /** Stops the heartbeat; with `release`, gives the lease up. */
  async stop(release = true): Promise<void> {
    this.stopTimer();
    await this.ticking;
    if (release) await this.release();
  }

  /** Waits until the current heartbeat (if any) finished. */
  async settled(): Promise<void> {
    await this.ticking;
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private markLost(reason: string): void {
    if (this.heldToken === null) return;
    const lostToken = this.heldToken;
    this.heldToken = null;
    this.validUntilMs = 0;
    this.audit
      .append({
        actor: this.holder,
        action: 'execution.lease.lost',
        target: `lease:${this.name}`,
        before: { token: lostToken },
        after: { reason },
      })
      .catch(() => {
        // The loss itself is already effective locally; the audit record is best effort here.
      });
    this.emit();
  }

  private emit(): void {
    const held = this.isHeld();
    for (const listener of this.listeners) listener(held, held ? this.heldToken : null);
  }
}

/** Who holds the lease, read-only (for the API and the replicas that do not trade). */
export async function readLease(
  db: Kysely<Database>,
  clock: Clock,
  name = DEFAULT_LEASE_NAME,
): Promise<LeaseView | null> {
  const row = await db.selectFrom('execution_lease').selectAll().where('name', '=', name).executeTakeFirst();
  if (!row || row.holder === '') return null;
  const now = clock.nowMs();
  const active = row.expires_at > iso(now);
  const heartbeatMs = Date.parse(row.heartbeat_at);
  const expiresMs = Date.parse(row.expires_at);
  const heartbeatAgeMs = Number.isFinite(heartbeatMs)
    ? Math.max(0, now - heartbeatMs)
    : Number.POSITIVE_INFINITY;
  // Each renewal sets expiry = heartbeat + ttl, and a holder renews at least twice per ttl: a
  // heartbeat older than a third of the ttl means at least one renewal was missed.
  const ttlMs = Number.isFinite(expiresMs) && Number.isFinite(heartbeatMs) ? expiresMs - heartbeatMs : 0;
  const late = heartbeatAgeMs > ttlMs / 3;
  return {
    name: row.name,
    holder: row.holder,
    token: Number(row.token),
    acquiredAt: row.acquired_at,
    heartbeatAt: row.heartbeat_at,
    expiresAt: row.expires_at,
    active,
    state: !active ? 'expired' : late ? 'unresponsive' : 'active',
    heartbeatAgeMs,
    takeableAt: active ? row.expires_at : iso(now),
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** One line for people: who holds the lease, how fresh its heartbeat is, and when it can be taken. */
export function describeLease(lease: LeaseView, nowMs: number): string {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const who = `${lease.holder} token ${lease.token} since ${lease.acquiredAt}`;
  if (lease.state === 'expired') return `${who} (expired: can be taken now)`;
  const heartbeat = `last heartbeat ${seconds(lease.heartbeatAgeMs)} ago`;
  if (lease.state === 'active') return `${who} (active, ${heartbeat})`;
  const wait = Math.max(0, Date.parse(lease.takeableAt) - nowMs);
  return `${who} (expired or unresponsive: ${heartbeat}; can be taken at ${lease.takeableAt}, in ${seconds(wait)})`;
}
