import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/index.js';
import { ManualClock } from '../../src/core/clock.js';
import type { Store } from '../../src/store/index.js';
import { ENGINES, type EngineTarget, freshStore } from '../helpers/engines.js';

async function dropAppendOnlyGuard(store: Store) {
  if (store.engine === 'postgres') {
    await sql`drop trigger audit_log_no_update on audit_log`.execute(store.db);
  } else {
    await sql`drop trigger audit_log_no_update`.execute(store.db);
    await sql`drop trigger audit_log_no_delete`.execute(store.db);
  }
}

describe.each(ENGINES)('audit chain on %s', (engine) => {
  let store: Store;
  let target: EngineTarget;
  let log: AuditLog;

  afterEach(async () => {
    await store.close();
    target.cleanup();
  });

  async function setup(records = 5) {
    ({ store, target } = await freshStore(engine));
    const clock = new ManualClock(Date.UTC(2026, 0, 5, 9, 30));
    log = new AuditLog(store.db, clock);
    for (let i = 1; i <= records; i += 1) {
      clock.advance(1000);
      await log.append({
        actor: 'alice',
        action: 'settings.update',
        target: `k${i}`,
        before: { v: i - 1 },
        after: { v: i },
      });
    }
  }

  it('links every record to the previous one and verifies', async () => {
    await setup(5);
    const { items, total } = await log.list({});
    expect(total).toBe(5);
    expect(items.map((r) => r.id)).toEqual([5, 4, 3, 2, 1]);
    for (let i = 0; i < items.length - 1; i += 1) expect(items[i]!.prevHash).toBe(items[i + 1]!.hash);
    expect(await log.verify()).toEqual({ ok: true, checked: 5 });
  });

  it('names the first altered record', async () => {
    await setup(5);
    await dropAppendOnlyGuard(store);
    await sql`update audit_log set after_json = ${JSON.stringify({ v: 99 })} where id = 3`.execute(store.db);
    const result = await log.verify();
    expect(result.ok).toBe(false);
    expect(result.firstBroken?.id).toBe(3);
    expect(result.firstBroken?.reason).toMatch(/altered/);
    expect(result.checked).toBe(2);
  });

  it('names a deleted record', async () => {
    await setup(5);
    await dropAppendOnlyGuard(store);
    await sql`delete from audit_log where id = 4`.execute(store.db);
    const result = await log.verify();
    expect(result.firstBroken).toEqual({ id: 4, reason: 'record 4 is missing (next present is 5)' });
  });

  it('detects a truncated tail', async () => {
    await setup(3);
    await dropAppendOnlyGuard(store);
    await sql`delete from audit_log where id = 3`.execute(store.db);
    const result = await log.verify();
    expect(result.ok).toBe(false);
    expect(result.firstBroken?.id).toBe(3);
  });

  it('keeps one unbroken chain under concurrent appends', async () => {
    await setup(0);
    await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        log.append({ actor: `w${i % 5}`, action: 'test.concurrent', target: `t${i}` }),
      ),
    );
    const result = await log.verify();
    expect(result).toEqual({ ok: true, checked: 25 });
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
