import type { Kysely } from 'kysely';
import type { AuditLogTable, Database } from '../store/index.js';
import type { Checkpoint, CheckpointFile } from './checkpoints.js';
import { GENESIS_HASH, keyedRecordHash, recordHash } from './hash.js';
import type { AuditKey } from './key.js';

/**
 * - `key`: the configured audit key is not the one the chain was written with (or there is none).
 * - `edited`: a record's content changed while its hash was left.
 * - `rewritten`: content changed and hashes recomputed without the key (plain SHA-256, or HMAC with
 *   another key).
 * - `missing`: a record in the middle is gone.
 * - `truncated`: the last records are gone (audit_head or the checkpoint file name a later record,
 *   or a checkpointed head no longer matches).
 */
export type BreakKind = 'key' | 'edited' | 'rewritten' | 'missing' | 'truncated';

export interface VerifyResult {
  ok: boolean;
  /** Records verified before the first break (all of them when ok). */
  checked: number;
  firstBroken?: { id: number; kind: BreakKind; reason: string };
  /** First record that carries a keyed hash; earlier ones predate the keyed scheme. */
  keyedFrom?: number;
  /** The external anchor read: null when this log has none configured. */
  anchor?: { checkpoints: number; latestId: number | null; malformed: number } | null;
}

export interface VerifySource {
  db: Kysely<Database>;
  key: AuditKey;
  checkpoints: CheckpointFile | undefined;
  pageSize: number;
}

class Break extends Error {
  constructor(
    readonly id: number,
    readonly kind: BreakKind,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** Walks the whole chain in id order, then holds its end against audit_head and the checkpoint file. */
export async function verifyChain(source: VerifySource): Promise<VerifyResult> {
  const { db, key } = source;
  // Checkpoints first, then the head, then rows up to the head: every checkpoint read was written after
  // its record committed, so appends running concurrently with verify never look like a cut-off tail.
  const read = source.checkpoints ? await source.checkpoints.read() : undefined;
  const head = await db.selectFrom('audit_head').selectAll().where('id', '=', 1).executeTakeFirst();
  const headSeq = head ? Number(head.seq) : 0;
  // A missing boundary is read as "keyed from the start": the strict reading, never the lenient one.
  const keyedFrom = head?.keyed_from ?? 1;
  const anchor = read
    ? {
        checkpoints: read.checkpoints.length,
        latestId: read.checkpoints.reduce<number | null>((m, c) => (m === null || c.id > m ? c.id : m), null),
        malformed: read.malformed,
      }
    : null;
  const walker = new ChainWalker(source, keyedFrom, headSeq, read?.checkpoints ?? []);
  try {
    if (head?.key_id && head.key_id !== (key.origin === 'ephemeral' ? null : key.id)) {
      throw new Break(
        keyedFrom,
        'key',
        key.origin === 'ephemeral'
          ? `no audit key is configured, but the chain is keyed from record ${keyedFrom} (key ${head.key_id})`
          : `the audit key (${key.origin}, fingerprint ${key.id}) does not match the key the chain was written with (fingerprint ${head.key_id}) from record ${keyedFrom}: set IBLOOP_AUDIT_KEY or restore DATA_ROOT/audit.key`,
      );
    }
    await walker.walk();
    walker.checkEnd(headSeq, head?.last_hash ?? GENESIS_HASH);
    return { ok: true, checked: walker.checked, keyedFrom, anchor };
  } catch (error) {
    if (!(error instanceof Break)) throw error;
    return {
      ok: false,
      checked: walker.checked,
      firstBroken: { id: error.id, kind: error.kind, reason: error.reason },
      keyedFrom,
      anchor,
    };
  }
}

class ChainWalker {
  checked = 0;
  private lastHash = GENESIS_HASH;
  private readonly byId = new Map<number, Checkpoint[]>();

  constructor(
    private readonly source: VerifySource,
    private readonly keyedFrom: number,
    private readonly headSeq: number,
    private readonly checkpoints: Checkpoint[],
  ) {
    for (const c of checkpoints) this.byId.set(c.id, [...(this.byId.get(c.id) ?? []), c]);
  }

  async walk(): Promise<void> {
    const { db, pageSize } = this.source;
    for (;;) {
      const rows = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('id', '>', this.checked)
        .where('id', '<=', this.headSeq)
        .orderBy('id')
        .limit(pageSize)
        .execute();
      for (const row of rows) await this.check(row);
      if (rows.length < pageSize) return;
    }
  }

  private async check(row: AuditLogTable): Promise<void> {
    const id = Number(row.id);
    const expectedId = this.checked + 1;
    if (id !== expectedId) {
      throw new Break(expectedId, 'missing', `record ${expectedId} is missing (next present is ${id})`);
    }
    if (!this.selfConsistent(row)) await this.classify(row);
    if (row.prev_hash !== this.lastHash) {
      // The record itself is authentic, so it is its predecessor whose hash was recomputed.
      throw new Break(
        id - 1,
        'rewritten',
        `record ${id - 1} was rewritten: its hash was recomputed, but record ${id} still links to the original`,
      );
    }
    for (const c of this.byId.get(id) ?? []) {
      if (c.hash === row.hash) continue;
      // Checkpoints only ever hold keyed hashes: an unkeyed one in their place is a downgrade.
      if (id < this.keyedFrom) {
        throw new Break(
          id,
          'rewritten',
          `record ${id} was rewritten with the old unkeyed scheme: the checkpoint written at ${c.time} (line ${c.line}) holds another hash`,
        );
      }
      throw new Break(
        id,
        'truncated',
        `record ${id} does not match the checkpoint written at ${c.time} (line ${c.line}): the log was cut at or before record ${id} and written again`,
      );
    }
    this.lastHash = row.hash;
    this.checked = id;
  }

  private selfConsistent(row: AuditLogTable): boolean {
    const fields = { ...row, id: Number(row.id) };
    return Number(row.id) >= this.keyedFrom
      ? keyedRecordHash(this.source.key.secret, fields) === row.hash
      : recordHash(fields) === row.hash;
  }

  /** A record that does not match its own hash: tell an edit from a rewrite, then stop. */
  private async classify(row: AuditLogTable): Promise<never> {
    const id = Number(row.id);
    if (id >= this.keyedFrom && recordHash({ ...row, id }) === row.hash) {
      throw new Break(
        id,
        'rewritten',
        `record ${id} was rewritten: its hash is a plain SHA-256 recomputed without the audit key (records from ${this.keyedFrom} are keyed)`,
      );
    }
    const next = await this.source.db
      .selectFrom('audit_log')
      .selectAll()
      .where('id', '=', id + 1)
      .executeTakeFirst();
    // A successor that still links to this hash and verifies vouches for the hash: only the content moved.
    if (next && next.prev_hash === row.hash && !this.selfConsistent(next)) {
      throw new Break(
        id,
        'rewritten',
        `records from ${id} were rewritten: content changed and hashes recomputed without the audit key`,
      );
    }
    const anchored = (this.byId.get(id) ?? []).some((c) => c.hash !== row.hash);
    if (!next && anchored) {
      throw new Break(
        id,
        'rewritten',
        `record ${id} was rewritten: content and hash differ from the checkpointed head`,
      );
    }
    throw new Break(id, 'edited', `record ${id} was edited: its content no longer matches its hash`);
  }

  /** After the last row: nothing may claim a later record than the log holds. */
  checkEnd(headSeq: number, headHash: string): void {
    const last = this.checked;
    if (headSeq !== last) {
      throw new Break(
        last + 1,
        'truncated',
        `the log ends at record ${last} but audit_head says ${headSeq} were written: the tail was cut off`,
      );
    }
    if (headHash !== this.lastHash) {
      throw new Break(
        last,
        'truncated',
        `audit_head does not match record ${last}: the tail was cut off and audit_head rewritten`,
      );
    }
    const beyond = this.checkpoints.filter((c) => c.id > last).sort((a, b) => b.id - a.id)[0];
    if (beyond) {
      throw new Break(
        last + 1,
        'truncated',
        `the checkpoint file names record ${beyond.id} (line ${beyond.line}, ${beyond.time}) but the log ends at record ${last}: the tail was cut off`,
      );
    }
  }
}
