import { type Kysely, sql } from 'kysely';
import { type Clock, isoNow } from '../core/clock.js';
import type { AuditLogTable, Database } from '../store/index.js';
import { GENESIS_HASH, recordHash } from './hash.js';

export type AuditJson = Record<string, unknown>;

export interface AuditEntry {
  actor: string;
  action: string;
  target: string;
  /** Must already be masked: the audit log never holds a secret in clear. */
  before?: AuditJson | null;
  after?: AuditJson | null;
}

export interface AuditRecord {
  id: number;
  time: string;
  actor: string;
  action: string;
  target: string;
  before: AuditJson | null;
  after: AuditJson | null;
  prevHash: string;
  hash: string;
}

export interface AuditQuery {
  actor?: string | undefined;
  action?: string | undefined;
  target?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  firstBroken?: { id: number; reason: string };
}

type Listener = (record: AuditRecord) => void;

export class AuditLog {
  private readonly listeners = new Set<Listener>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  onAppend(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Appends within the caller's transaction when one is given, so that a state change and its
   * audit record commit or roll back together.
   */
  async append(entry: AuditEntry, trx?: Kysely<Database>): Promise<AuditRecord> {
    const record = trx
      ? await this.appendIn(trx, entry)
      : await this.db.transaction().execute((t) => this.appendIn(t, entry));
    if (!trx) this.notify(record);
    return record;
  }

  /** For callers that appended inside their own transaction: announce after it committed. */
  notify(record: AuditRecord): void {
    for (const listener of this.listeners) listener(record);
  }

  private async appendIn(trx: Kysely<Database>, entry: AuditEntry): Promise<AuditRecord> {
    // Claiming the next sequence number first locks the head row for the rest of the transaction.
    const head = await trx
      .updateTable('audit_head')
      .set({ seq: sql`seq + 1` })
      .where('id', '=', 1)
      .returning(['seq', 'last_hash'])
      .executeTakeFirstOrThrow();
    const fields = {
      id: Number(head.seq),
      time: isoNow(this.clock),
      actor: entry.actor,
      action: entry.action,
      target: entry.target,
      before_json: entry.before ? JSON.stringify(entry.before) : null,
      after_json: entry.after ? JSON.stringify(entry.after) : null,
      prev_hash: head.last_hash,
    };
    const hash = recordHash(fields);
    await trx
      .insertInto('audit_log')
      .values({ ...fields, hash })
      .execute();
    await trx.updateTable('audit_head').set({ last_hash: hash }).where('id', '=', 1).execute();
    return toRecord({ ...fields, hash });
  }

  async list(query: AuditQuery): Promise<{ items: AuditRecord[]; total: number }> {
    let base = this.db.selectFrom('audit_log');
    if (query.actor) base = base.where('actor', '=', query.actor);
    if (query.action) base = base.where('action', 'like', `${query.action}%`);
    if (query.target) base = base.where('target', 'like', `%${query.target}%`);
    if (query.from) base = base.where('time', '>=', query.from);
    if (query.to) base = base.where('time', '<=', query.to);
    const total = await base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const rows = await base
      .selectAll()
      .orderBy('id', 'desc')
      .limit(query.limit ?? 50)
      .offset(query.offset ?? 0)
      .execute();
    return { items: rows.map(toRecord), total: Number(total.n) };
  }

  /** Walks the whole chain in id order and names the first record that does not fit. */
  async verify(pageSize = 1000): Promise<VerifyResult> {
    let expectedPrev = GENESIS_HASH;
    let expectedId = 1;
    let checked = 0;
    for (;;) {
      const rows = await this.db
        .selectFrom('audit_log')
        .selectAll()
        .where('id', '>=', expectedId)
        .orderBy('id')
        .limit(pageSize)
        .execute();
      for (const row of rows) {
        const id = Number(row.id);
        if (id !== expectedId) {
          return broken(checked, expectedId, `record ${expectedId} is missing (next present is ${id})`);
        }
        if (row.prev_hash !== expectedPrev) {
          return broken(checked, id, 'prev_hash does not match the hash of the previous record');
        }
        if (recordHash({ ...row, id }) !== row.hash) {
          return broken(checked, id, 'content does not match its hash (record was altered)');
        }
        expectedPrev = row.hash;
        expectedId = id + 1;
        checked += 1;
      }
      if (rows.length < pageSize) break;
    }
    const head = await this.db.selectFrom('audit_head').selectAll().where('id', '=', 1).executeTakeFirst();
    if (head && Number(head.seq) !== checked) {
      return broken(checked, checked + 1, `the log ends at record ${checked} but ${head.seq} were written`);
    }
    return { ok: true, checked };
  }
}

function broken(checked: number, id: number, reason: string): VerifyResult {
  return { ok: false, checked, firstBroken: { id, reason } };
}

function toRecord(row: AuditLogTable): AuditRecord {
  return {
    id: Number(row.id),
    time: row.time,
    actor: row.actor,
    action: row.action,
    target: row.target,
    before: row.before_json ? (JSON.parse(row.before_json) as AuditJson) : null,
    after: row.after_json ? (JSON.parse(row.after_json) as AuditJson) : null,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
