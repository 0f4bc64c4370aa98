import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest, type Store } from '../../src/store/index.js';
import { ENGINES, type EngineTarget, freshStore } from '../helpers/engines.js';

describe.each(ENGINES)('storage on %s', (engine) => {
  let store: Store | undefined;
  let target: EngineTarget | undefined;

  afterEach(async () => {
    await store?.close();
    target?.cleanup();
  });

  it('applies every migration once and is idempotent', async () => {
    ({ store, target } = await freshStore(engine));
    expect(store.engine).toBe(engine);
    const again = await migrateToLatest(store);
    expect(again.applied).toEqual([]);
    const head = await store.db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
    expect(Number(head.seq)).toBe(0);
  });

  it('enforces unique usernames and round-trips rows identically', async () => {
    ({ store, target } = await freshStore(engine));
    const now = '2026-01-02T03:04:05.000Z';
    await store.db
      .insertInto('users')
      .values({ username: 'a', password_hash: 'h', created_at: now })
      .execute();
    await expect(
      store.db.insertInto('users').values({ username: 'a', password_hash: 'h2', created_at: now }).execute(),
    ).rejects.toThrow();
    const row = await store.db.selectFrom('users').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ username: 'a', password_hash: 'h', created_at: now });
    expect(typeof row.id).toBe('number');
  });

  it('refuses updates and deletes of audit records at the database level', async () => {
    ({ store, target } = await freshStore(engine));
    await sql`insert into audit_log (id, time, actor, action, target, prev_hash, hash)
      values (1, 't', 'a', 'x', 'y', 'p', 'h')`.execute(store.db);
    await expect(sql`update audit_log set actor = 'b'`.execute(store.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log`.execute(store.db)).rejects.toThrow(/append-only/);
  });
});

describe('sqlite specifics', () => {
  it('uses WAL journal mode in a file under the data root', async () => {
    const { store, target } = await freshStore('sqlite');
    try {
      const result = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
      expect(result.rows[0]?.journal_mode).toBe('wal');
      expect(store.location.startsWith(target.dataRoot)).toBe(true);
    } finally {
      await store.close();
      target.cleanup();
    }
  });
});
