import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import { Migrator, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AuditKey,
  AuditKeyMismatchError,
  AuditLog,
  auditHead,
  CheckpointFile,
  GENESIS_HASH,
  keyedRecordHash,
  recordHash,
} from '../../src/audit/index.js';
import { ManualClock } from '../../src/core/clock.js';
import { type AuditLogTable, migrateToLatest, openStore, type Store } from '../../src/store/index.js';
import { migrations } from '../../src/store/migrations/index.js';
import { ENGINES, type EngineTarget, freshTarget } from '../helpers/engines.js';

async function dropAppendOnlyGuard(store: Store) {
  if (store.engine === 'postgres') {
    await sql`drop trigger audit_log_no_update on audit_log`.execute(store.db);
  } else {
    await sql`drop trigger audit_log_no_update`.execute(store.db);
    await sql`drop trigger audit_log_no_delete`.execute(store.db);
  }
}

async function rows(store: Store): Promise<AuditLogTable[]> {
  const all = await store.db.selectFrom('audit_log').selectAll().orderBy('id').execute();
  return all.map((r) => ({ ...r, id: Number(r.id) }));
}

/** What a database writer without the key can do: re-hash from `fromId` on and fix audit_head. */
async function rehashFrom(
  store: Store,
  fromId: number,
  hash: (fields: Omit<AuditLogTable, 'hash'>) => string,
) {
  let prev = GENESIS_HASH;
  for (const row of await rows(store)) {
    if (row.id < fromId) {
      prev = row.hash;
      continue;
    }
    const { hash: _old, ...fields } = { ...row, prev_hash: prev };
    const next = hash(fields);
    await sql`update audit_log set prev_hash = ${prev}, hash = ${next} where id = ${row.id}`.execute(
      store.db,
    );
    prev = next;
  }
  await sql`update audit_head set last_hash = ${prev} where id = 1`.execute(store.db);
}

/** Deletes the last records and makes audit_head agree, as an attacker covering a cut would. */
async function cutTail(store: Store, keep: number) {
  const kept = (await rows(store)).filter((r) => r.id <= keep);
  await sql`delete from audit_log where id > ${keep}`.execute(store.db);
  await sql`update audit_head set seq = ${keep}, last_hash = ${kept.at(-1)?.hash ?? GENESIS_HASH} where id = 1`.execute(
    store.db,
  );
}

/** Writer processes in the concurrency test and records each appends (raise by hand for a longer run). */
const WRITERS = 3;
const PER_WRITER = Number(process.env.IBLOOP_AUDIT_WRITER_RECORDS ?? 15);

function runWorker(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/audit/append-worker.ts'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe.each(ENGINES)('audit chain on %s', (engine) => {
  let store: Store;
  let target: EngineTarget;
  let key: AuditKey;
  let clock: ManualClock;
  let log: AuditLog;

  afterEach(async () => {
    await store.close();
    target.cleanup();
  });

  /** null: no key configured. */
  function keyedLog(withKey: AuditKey | null = key): AuditLog {
    return new AuditLog(store.db, clock, {
      ...(withKey ? { key: withKey } : {}),
      checkpoints: CheckpointFile.under(target.dataRoot),
    });
  }

  async function appendSome(into: AuditLog, from: number, count: number) {
    for (let i = from; i < from + count; i += 1) {
      clock.advance(1000);
      await into.append({
        actor: 'alice',
        action: 'settings.update',
        target: `k${i}`,
        before: { v: i - 1 },
        after: { v: i },
      });
    }
    await into.flush();
  }

  async function open(migrate: (s: Store) => Promise<unknown> = migrateToLatest) {
    target = await freshTarget(engine);
    store = openStore({ databaseUrl: target.databaseUrl, dataRoot: target.dataRoot });
    await migrate(store);
    key = AuditKey.fromBytes(randomBytes(32));
    clock = new ManualClock(Date.UTC(2026, 0, 5, 9, 30));
    log = keyedLog();
  }

  async function setup(records = 5) {
    await open();
    await appendSome(log, 1, records);
  }

  it('links every record to the previous one with keyed hashes and verifies', async () => {
    await setup(5);
    const { items, total } = await log.list({});
    expect(total).toBe(5);
    expect(items.map((r) => r.id)).toEqual([5, 4, 3, 2, 1]);
    for (let i = 0; i < items.length - 1; i += 1) expect(items[i]!.prevHash).toBe(items[i + 1]!.hash);
    // Keyed: a database writer cannot recompute these.
    for (const row of await rows(store)) {
      expect(row.hash).not.toBe(recordHash(row));
      expect(row.hash).toBe(keyedRecordHash(key.secret, row));
    }
    const result = await log.verify();
    expect(result).toMatchObject({ ok: true, checked: 5, keyedFrom: 1 });
    expect(result.firstBroken).toBeUndefined();
    expect(result.anchor?.latestId).toBe(5);
    expect(await auditHead(store.db)).toEqual({ id: 5, hash: items[0]!.hash });
    expect(await log.head()).toEqual({ id: 5, hash: items[0]!.hash });
  });

  it('names an edited record (content changed, hash left)', async () => {
    await setup(5);
    await dropAppendOnlyGuard(store);
    await sql`update audit_log set after_json = ${JSON.stringify({ v: 99 })} where id = 3`.execute(store.db);
    const result = await log.verify();
    expect(result).toMatchObject({ ok: false, checked: 2, firstBroken: { id: 3, kind: 'edited' } });
    expect(result.firstBroken?.reason).toMatch(/record 3 was edited/);
  });

  it('names a chain rewritten with plain SHA-256 (hashes recomputed after an edit)', async () => {
    await setup(5);
    await dropAppendOnlyGuard(store);
    await sql`update audit_log set actor = 'mallory' where id = 3`.execute(store.db);
    await rehashFrom(store, 3, recordHash);
    const result = await log.verify();
    expect(result).toMatchObject({ ok: false, checked: 2, firstBroken: { id: 3, kind: 'rewritten' } });
    expect(result.firstBroken?.reason).toMatch(/plain SHA-256/);
  });

  it('names a chain rewritten with the right algorithm but not the key', async () => {
    await setup(5);
    await dropAppendOnlyGuard(store);
    await sql`update audit_log set target = 'k9' where id = 2`.execute(store.db);
    const guess = AuditKey.fromBytes(randomBytes(32));
    await rehashFrom(store, 2, (fields) => keyedRecordHash(guess.secret, fields));
    const result = await log.verify();
    expect(result).toMatchObject({ ok: false, checked: 1, firstBroken: { id: 2, kind: 'rewritten' } });
    expect(result.firstBroken?.reason).toMatch(/without the audit key/);
  });

  it('names a record missing from the middle', async () => {
    await setup(5);
    await dropAppendOnlyGuard(store);
    await sql`delete from audit_log where id = 4`.execute(store.db);
    const result = await log.verify();
    expect(result.firstBroken).toEqual({
      id: 4,
      kind: 'missing',
      reason: 'record 4 is missing (next present is 5)',
    });
  });

  it('names a cut-off tail even when audit_head was fixed, from the checkpoint file', async () => {
    await setup(5);
    await dropAppendOnlyGuard(store);
    await cutTail(store, 3);
    const result = await log.verify();
    expect(result).toMatchObject({ ok: false, checked: 3, firstBroken: { id: 4, kind: 'truncated' } });
    expect(result.firstBroken?.reason).toMatch(/checkpoint file names record 5 .* log ends at record 3/);
  });

  it('names a cut-off tail when audit_head was left as it was', async () => {
    await setup(3);
    await dropAppendOnlyGuard(store);
    await sql`delete from audit_log where id = 3`.execute(store.db);
    const result = await log.verify();
    expect(result).toMatchObject({ ok: false, firstBroken: { id: 3, kind: 'truncated' } });
  });

  it('names a cut-off tail that was written again (the checkpointed head no longer matches)', async () => {
    await setup(5);
    await dropAppendOnlyGuard(store);
    await cutTail(store, 2);
    // The application, unaware, appends again from the forged head: ids 3..5 are reused.
    await appendSome(log, 10, 3);
    const result = await log.verify();
    // Named at the first re-used id that a checkpoint covers (bursts share one checkpoint).
    expect(result).toMatchObject({ ok: false, firstBroken: { kind: 'truncated' } });
    expect(result.firstBroken?.id).toBeGreaterThanOrEqual(3);
    expect(result.firstBroken?.id).toBeLessThanOrEqual(5);
    expect(result.firstBroken?.reason).toMatch(/does not match the checkpoint/);
  });

  it('says the key does not match, and refuses to append under it, rather than crash', async () => {
    await setup(3);
    const wrong = keyedLog(AuditKey.fromBytes(randomBytes(32)));
    const result = await wrong.verify();
    expect(result).toMatchObject({ ok: false, checked: 0, firstBroken: { id: 1, kind: 'key' } });
    expect(result.firstBroken?.reason).toMatch(/does not match the key the chain was written with/);
    await expect(wrong.append({ actor: 'bob', action: 'x', target: 'y' })).rejects.toBeInstanceOf(
      AuditKeyMismatchError,
    );
    expect((await log.verify()).ok).toBe(true);
  });

  it('says no key is configured when the chain is keyed and the key is missing', async () => {
    await setup(2);
    const result = await keyedLog(null).verify();
    expect(result).toMatchObject({ ok: false, firstBroken: { id: 1, kind: 'key' } });
    expect(result.firstBroken?.reason).toMatch(/no audit key is configured/);
  });

  it('still verifies records written with the old unkeyed scheme, and keys the records after them', async () => {
    await open(async (s) => {
      const migrator = new Migrator({ db: s.db, provider: { getMigrations: async () => migrations } });
      const { error } = await migrator.migrateTo('0005_research_runs');
      if (error) throw error;
    });
    // Three records as the code before 0006_audit_keyed wrote them.
    let prev = GENESIS_HASH;
    for (let id = 1; id <= 3; id += 1) {
      const fields = {
        id,
        time: new Date(Date.UTC(2025, 11, id)).toISOString(),
        actor: 'alice',
        action: 'settings.update',
        target: `old${id}`,
        before_json: null,
        after_json: JSON.stringify({ v: id }),
        prev_hash: prev,
      };
      prev = recordHash(fields);
      await store.db
        .insertInto('audit_log')
        .values({ ...fields, hash: prev })
        .execute();
      await sql`update audit_head set seq = ${id}, last_hash = ${prev} where id = 1`.execute(store.db);
    }
    await migrateToLatest(store);
    await appendSome(log, 4, 2);
    expect(await log.verify()).toMatchObject({ ok: true, checked: 5, keyedFrom: 4 });
    const all = await rows(store);
    expect(all[2]!.hash).toBe(recordHash(all[2]!));
    expect(all[3]!.hash).toBe(keyedRecordHash(key.secret, all[3]!));

    // An old record edited: named as such.
    await dropAppendOnlyGuard(store);
    await sql`update audit_log set actor = 'mallory' where id = 2`.execute(store.db);
    expect((await log.verify()).firstBroken).toMatchObject({ id: 2, kind: 'edited' });
    // Old records re-hashed after the edit: the first keyed record still holds the original link.
    await rehashFrom(store, 2, recordHash);
    expect((await log.verify()).firstBroken).toMatchObject({ id: 4, kind: 'rewritten' });
  });

  it('refuses a downgrade: keyed records re-hashed with the old unkeyed scheme', async () => {
    await setup(4);
    await dropAppendOnlyGuard(store);
    // As if the log predated the keyed scheme: every record now "verifies" as old-scheme...
    await sql`update audit_head set keyed_from = 5, key_id = null where id = 1`.execute(store.db);
    await rehashFrom(store, 1, recordHash);
    const result = await log.verify();
    // ...but the checkpoint file still holds the keyed heads.
    expect(result.ok).toBe(false);
    expect(result.firstBroken?.kind).toBe('rewritten');
    expect(result.firstBroken?.reason).toMatch(/old unkeyed scheme/);
  });

  it('keeps one chain and tolerates interleaved checkpoints from writer processes on one data root', async () => {
    await setup(0);
    const secret = randomBytes(32);
    const shared = AuditKey.fromBytes(secret);
    const env = {
      DATA_ROOT: target.dataRoot,
      DATABASE_URL: target.databaseUrl ?? '',
      AUDIT_KEY: secret.toString('hex'),
      COUNT: String(PER_WRITER),
    };
    const exits = await Promise.all(Array.from({ length: WRITERS }, () => runWorker(env)));
    expect(exits).toEqual(Array.from({ length: WRITERS }, () => ({ code: 0, stderr: '' })));
    const result = await keyedLog(shared).verify();
    expect(result).toMatchObject({ ok: true, checked: WRITERS * PER_WRITER });
    expect(result.anchor?.latestId).toBe(WRITERS * PER_WRITER);
    expect(result.anchor?.malformed).toBe(0);
  });

  it('reads a torn last checkpoint line as unreadable, not as tampering', async () => {
    await setup(3);
    const file = CheckpointFile.under(target.dataRoot).file;
    expect(readFileSync(file, 'utf8')).toMatch(/^3 [0-9a-f]{64} 2026-01-05T09:30:03.000Z$/m);
    appendFileSync(file, '4 deadbe');
    const result = await log.verify();
    expect(result).toMatchObject({ ok: true, checked: 3, anchor: { malformed: 1 } });
  });

  it('filters by actor, action prefix and time range', async () => {
    await setup(5);
    await log.append({ actor: 'bob', action: 'auth.login', target: 'user:bob' });
    expect((await log.list({ actor: 'bob' })).total).toBe(1);
    expect((await log.list({ action: 'settings' })).total).toBe(5);
    const all = (await log.list({})).items;
    const third = all.find((r) => r.id === 3)!;
    expect((await log.list({ to: third.time })).total).toBe(3);
    expect((await log.list({ limit: 2, offset: 1 })).items.map((r) => r.id)).toEqual([5, 4]);
  });
});
