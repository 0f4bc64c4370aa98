import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/index.js';
import { ManualClock } from '../../src/core/clock.js';
import { ExecutionLease, LeaseLostError, readLease } from '../../src/lock/index.js';
import type { Store } from '../../src/store/index.js';
import { ENGINES, freshStore } from '../helpers/engines.js';

describe.each(ENGINES)('execution lease on %s', (engine) => {
  let store: Store | undefined;
  let cleanup = () => {};
  afterEach(async () => {
    await store?.close();
    cleanup();
  });

  async function setup() {
    const fresh = await freshStore(engine);
    store = fresh.store;
    cleanup = fresh.target.cleanup;
    const clock = new ManualClock(Date.UTC(2026, 0, 5, 15));
    const audit = new AuditLog(fresh.store.db, clock);
    const lease = (holder: string) =>
      new ExecutionLease({ db: fresh.store.db, audit, clock, holder, ttlMs: 10_000, heartbeatMs: 2_000 });
    return { db: fresh.store.db, clock, audit, lease };
  }

  it('gives the lease to exactly one of many simultaneous candidates', async () => {
    const { lease, db, clock } = await setup();
    const candidates = Array.from({ length: 8 }, (_, i) => lease(`replica-${i}`));
    const tokens = await Promise.all(candidates.map((c) => c.tryAcquire()));
    const winners = tokens.filter((t) => t !== null);
    expect(winners).toEqual([1]);
    const holder = candidates[tokens.indexOf(1)];
    expect(holder?.isHeld()).toBe(true);
    expect(candidates.filter((c) => c.isHeld())).toHaveLength(1);
    const view = await readLease(db, clock);
    expect(view?.holder).toBe(holder?.holder);
    expect(view?.token).toBe(1);
  });

  it('keeps the token on renewal and increments it on every new acquisition', async () => {
    const { lease, clock, audit } = await setup();
    const a = lease('a');
    const b = lease('b');
    expect(await a.tryAcquire()).toBe(1);
    clock.advance(5_000);
    expect(await a.tryAcquire()).toBe(1);
    expect(await b.tryAcquire()).toBeNull();
    clock.advance(10_001);
    expect(await b.tryAcquire()).toBe(2);
    expect(await a.tryAcquire()).toBeNull();
    expect(a.isHeld()).toBe(false);
    const acquired = await audit.list({ action: 'execution.lease.acquired' });
    expect(acquired.items.map((r) => r.after?.token)).toEqual([2, 1]);
  });

  it('stops trusting the lease one heartbeat before it expires, and fences a stale token', async () => {
    const { lease, clock, db } = await setup();
    const a = lease('a');
    await a.tryAcquire();
    clock.advance(10_000 - 2_000 - 1);
    expect(a.isHeld()).toBe(true);
    await db.transaction().execute((trx) => a.fence(trx));
    clock.advance(2);
    expect(a.isHeld()).toBe(false);
    await expect(db.transaction().execute((trx) => a.fence(trx))).rejects.toBeInstanceOf(LeaseLostError);
  });

  it('refuses the fence to a holder whose token was superseded even if its local view is still valid', async () => {
    const { lease, clock, db, audit } = await setup();
    const a = lease('a');
    await a.tryAcquire();
    // Someone forces the lease over (e.g. an operator): the row changes behind a's back.
    await db.updateTable('execution_lease').set({ holder: 'b', token: 2 }).execute();
    await expect(db.transaction().execute((trx) => a.fence(trx))).rejects.toThrow(/no longer current/);
    expect(a.isHeld()).toBe(false);
    // The loss is audited after the refusal, off the send path: wait for it rather than guess how long.
    await expect.poll(async () => (await audit.list({ action: 'execution.lease.lost' })).total).toBe(1);
    clock.advance(1);
  });

  it('release lets another replica take over at once', async () => {
    const { lease } = await setup();
    const a = lease('a');
    const b = lease('b');
    await a.tryAcquire();
    await a.release();
    expect(await b.tryAcquire()).toBe(2);
  });
});
