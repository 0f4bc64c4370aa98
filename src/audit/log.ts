import { type Kysely, sql } from 'kysely';
import { type Clock, isoNow } from '../core/clock.js';
import type { AuditLogTable, Database } from '../store/index.js';
import { CheckpointFile } from './checkpoints.js';
import { keyedRecordHash } from './hash.js';
import { AuditKey, loadAuditKey } from './key.js';
import { type VerifyResult, verifyChain } from './verify.js';

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

export interface AuditLogOptions {
  /** Omitted: a random per-process key that never claims the chain (tests, throwaway tools). */
  key?: AuditKey;
  /** The external anchor; omitted: none (verify then cannot see a cut-off tail that fixed audit_head). */
  checkpoints?: CheckpointFile;
  /** A checkpoint that could not be written (full disk, permissions): the append itself has committed. */
  onCheckpointError?: (error: unknown) => void;
}

/** Thrown by append when the configured key is not the one the chain is written with. */
export class AuditKeyMismatchError extends Error {
  constructor(configured: string, recorded: string) {
    super(
      `the audit key (fingerprint ${configured}) is not the key the audit chain is written with (fingerprint ${recorded}): every replica must use the same IBLOOP_AUDIT_KEY`,
    );
    this.name = 'AuditKeyMismatchError';
  }
}

type Listener = (record: AuditRecord) => void;

export class AuditLog {
  private readonly listeners = new Set<Listener>();
  private readonly key: AuditKey;
  private readonly checkpoints: CheckpointFile | undefined;
  private readonly onCheckpointError: (error: unknown) => void;
  /** The newest committed record not yet checkpointed; bursts of appends share one checkpoint line. */
  private pendingCheckpoint: { id: number; hash: string } | null = null;
  private checkpointedId = 0;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    options: AuditLogOptions = {},
  ) {
    this.key = options.key ?? AuditKey.ephemeral();
    this.checkpoints = options.checkpoints;
    this.onCheckpointError = options.onCheckpointError ?? (() => {});
  }

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
    this.scheduleCheckpoint(record);
    for (const listener of this.listeners) listener(record);
  }

  /** The fingerprint of the key this log writes with (not secret). */
  get keyId(): string {
    return this.key.id;
  }

  /** Resolves once every record announced so far is in the checkpoint file. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private scheduleCheckpoint(record: AuditRecord): void {
    if (!this.checkpoints || record.id <= this.checkpointedId) return;
    if (!this.pendingCheckpoint || record.id > this.pendingCheckpoint.id) {
      this.pendingCheckpoint = { id: record.id, hash: record.hash };
    }
    if (this.flushing) return;
    this.flushing = this.writeCheckpoints(this.checkpoints).finally(() => {
      this.flushing = null;
    });
  }

  private async writeCheckpoints(file: CheckpointFile): Promise<void> {
    // Let the appends of the same tick gather, so that one line and one fsync cover them all.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.pendingCheckpoint) {
      const { id, hash } = this.pendingCheckpoint;
      this.pendingCheckpoint = null;
      try {
        await file.append(id, hash, isoNow(this.clock));
        this.checkpointedId = Math.max(this.checkpointedId, id);
      } catch (error) {
        this.onCheckpointError(error);
      }
    }
  }

  private async appendIn(trx: Kysely<Database>, entry: AuditEntry): Promise<AuditRecord> {
    // Claiming the next sequence number first locks the head row for the rest of the transaction.
    const head = await trx
      .updateTable('audit_head')
      .set({ seq: sql`seq + 1` })
      .where('id', '=', 1)
      .returning(['seq', 'last_hash', 'key_id'])
      .executeTakeFirstOrThrow();
    const claimsChain = this.key.origin !== 'ephemeral';
    if (claimsChain && head.key_id !== null && head.key_id !== this.key.id) {
      // Refused rather than written: a record under another key would break the chain for good.
      throw new AuditKeyMismatchError(this.key.id, head.key_id);
    }
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
    const hash = keyedRecordHash(this.key.secret, fields);
    await trx
      .insertInto('audit_log')
      .values({ ...fields, hash })
      .execute();
    await trx
      .updateTable('audit_head')
      .set({ last_hash: hash, ...(claimsChain && head.key_id === null ? { key_id: this.key.id } : {}) })
      .where('id', '=', 1)
      .execute();
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

  /**
   * Walks the whole chain in id order and names the first record that does not fit: an edit, a
   * rewrite without the key, a gap, a cut-off tail (against audit_head and the checkpoint file), or a
   * key that is not the chain's.
   */
  async verify(pageSize = 1000): Promise<VerifyResult> {
    await this.flush();
    return verifyChain({ db: this.db, key: this.key, checkpoints: this.checkpoints, pageSize });
  }

  /** The current head: the last record's id and hash, for anchoring elsewhere (alerts, summaries). */
  async head(): Promise<AuditHead> {
    return auditHead(this.db);
  }
}

export interface AuditHead {
  id: number;
  hash: string;
}

/** The current head of the chain as the database holds it (id 0 and the genesis hash when empty). */
export async function auditHead(db: Kysely<Database>): Promise<AuditHead> {
  const row = await db
    .selectFrom('audit_head')
    .select(['seq', 'last_hash'])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  return { id: Number(row.seq), hash: row.last_hash };
}

export interface OpenAuditLogOptions {
  dataRoot: string;
  /** IBLOOP_AUDIT_KEY; empty or missing: DATA_ROOT/audit.key, created on first run. */
  envKey: string | undefined;
  onCheckpointError?: (error: unknown) => void;
}

/** The production wiring: the key from the environment or the data root, anchored under the data root. */
export function openAuditLog(db: Kysely<Database>, clock: Clock, options: OpenAuditLogOptions): AuditLog {
  return new AuditLog(db, clock, {
    key: loadAuditKey(options.envKey, options.dataRoot),
    checkpoints: CheckpointFile.under(options.dataRoot),
    ...(options.onCheckpointError ? { onCheckpointError: options.onCheckpointError } : {}),
  });
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
