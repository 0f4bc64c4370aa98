import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError, InputError } from '../../src/core/errors.js';
import { ENGINES } from '../helpers/engines.js';
import { duplicates, harness, PROJECTS, settle } from './harness.js';

const SYMBOLS = { AAPL: 200, MSFT: 400, NVDA: 100, KO: 60 };
const WEIGHTS = { AAPL: 0.2, MSFT: 0.2, NVDA: 0.1 };
const DATE = '2026-01-05';

describe.each(ENGINES)('execution engine on %s (in-memory broker)', (engineName) => {
  let h: Awaited<ReturnType<typeof harness>> | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function setup() {
    h = await harness(engineName, SYMBOLS);
    return h;
  }

  it('executes targets: each order sent once, filled, fills with commissions in the DB, run completed', async () => {
    const { broker, replica } = await setup();
    const r = await replica('p1');
    const result = await r.service.executeTargets({
      projectId: PROJECTS.demo,
      tradingDate: DATE,
      weights: WEIGHTS,
    });
    expect(result.joined).toBe(false);
    expect(result.intents).toHaveLength(3);
    const run = await r.service.waitForRun(result.run.id, 5_000);
    expect(run.status).toBe('COMPLETED');
    expect(broker.log).toHaveLength(3);
    expect(duplicates(broker.log)).toEqual([]);
    const orders = await r.repo.orders({ runId: run.id });
    expect(orders.map((o) => [o.symbol, o.status, o.filledQty === o.quantity])).toEqual([
      ['AAPL', 'FILLED', true],
      ['MSFT', 'FILLED', true],
      ['NVDA', 'FILLED', true],
    ]);
    // 1,000,000 x 0.2 / 200 = 1000 shares of AAPL (the mid is the price).
    expect(orders[0]?.quantity).toBe(1000);
    const fills = await r.repo.fills({ runId: run.id });
    expect(fills).toHaveLength(3);
    expect(fills.every((f) => f.commission === 1)).toBe(true);
    for (const order of orders)
      expect(broker.positionsBySymbol.get(order.symbol)).toBe(run.targets?.[order.symbol]);
  });

  it('a second trigger joins the run and sends nothing; so do concurrent triggers', async () => {
    const { broker, replica } = await setup();
    const r = await replica('p1');
    const [a, b] = await Promise.all([
      r.service.executeTargets({ projectId: PROJECTS.demo, tradingDate: DATE, weights: WEIGHTS }),
      r.service.executeTargets({ projectId: PROJECTS.demo, tradingDate: DATE, weights: WEIGHTS }),
    ]);
    expect(a.run.id).toBe(b.run.id);
    expect([a.joined, b.joined].sort()).toEqual([false, true]);
    await r.service.waitForRun(a.run.id, 5_000);
    const third = await r.service.executeTargets({
      projectId: PROJECTS.demo,
      tradingDate: DATE,
      weights: WEIGHTS,
    });
    if (third.intents.length > 0)
      console.log(
        JSON.stringify(await r.repo.orders({ runId: a.run.id })),
        JSON.stringify(await r.repo.getRun(a.run.id)),
      );
    expect(third.joined).toBe(true);
    expect(third.intents).toEqual([]);
    expect(third.sent).toBe(0);
    expect(broker.log).toHaveLength(3);
    expect(duplicates(broker.log)).toEqual([]);
  });

  it('repeated IB messages change nothing', async () => {
    const { broker, replica } = await setup();
    const r = await replica('p1');
    const { run } = await r.service.executeTargets({
      projectId: PROJECTS.demo,
      tradingDate: DATE,
      weights: WEIGHTS,
    });
    await r.service.waitForRun(run.id, 5_000);
    const orders = await r.repo.orders({ runId: run.id });
    const before = await r.repo.events(orders.map((o) => o.id));
    const fillsBefore = await r.repo.fills({ runId: run.id });
    broker.replayAll();
    broker.replayAll();
    await settle(r);
    expect(await r.repo.events(orders.map((o) => o.id))).toEqual(before);
    expect(await r.repo.fills({ runId: run.id })).toEqual(fillsBefore);
    expect(before.every((e) => e.accepted)).toBe(true);
  });

  it('rejections (201) end REJECTED, partial fills and cancels end CANCELED with the filled part', async () => {
    const { broker, replica } = await setup();
    const r = await replica('p1');
    broker.mode = 'reject';
    const rejected = await r.service.executeTargets({
      projectId: PROJECTS.rej,
      tradingDate: DATE,
      weights: { AAPL: 0.1 },
    });
    const rejectedRun = await r.service.waitForRun(rejected.run.id, 5_000);
    const [rejectedOrder] = await r.repo.orders({ runId: rejected.run.id });
    expect(rejectedOrder?.status).toBe('REJECTED');
    expect(rejectedOrder?.lastError).toMatch(/^201/);
    expect(rejectedRun.status).toBe('COMPLETED');

    broker.mode = 'partial';
    const partial = await r.service.executeTargets({
      projectId: PROJECTS.part,
      tradingDate: DATE,
      weights: { KO: 0.06 },
    });
    await settle(r);
    let [order] = await r.repo.orders({ runId: partial.run.id });
    expect(order?.status).toBe('PARTIAL');
    expect(order?.filledQty).toBe(500);
    if (!order) throw new Error('no order');
    await r.engine.cancel(order.id);
    await settle(r);
    [order] = await r.repo.orders({ runId: partial.run.id });
    expect(order?.status).toBe('CANCELED');
    expect(order?.filledQty).toBe(500);
    expect(broker.positionsBySymbol.get('KO')).toBe(500);
    const events = await r.repo.events([order?.id ?? 0]);
    expect(events.map((e) => [e.kind, e.toStatus])).toEqual(
      expect.arrayContaining([
        ['intent', 'NEW'],
        ['send', 'NEW'],
        ['ib-open', 'SUBMITTED'],
        ['fill', 'PARTIAL'],
        ['cancel-request', 'PARTIAL'],
        ['ib-status', 'CANCELED'],
      ]),
    );
    // A late "Submitted" after the cancel is refused and logged, not applied.
    const refusedBefore = events.filter((e) => !e.accepted).length;
    await r.repo.applyFacts(order?.id ?? 0, { kind: 'ib-status', next: 'SUBMITTED', ibStatus: 'Submitted' });
    await r.repo.applyFacts(order?.id ?? 0, { kind: 'ib-status', next: 'SUBMITTED', ibStatus: 'Submitted' });
    const after = await r.repo.events([order?.id ?? 0]);
    expect(after.filter((e) => !e.accepted).length).toBe(refusedBefore + 1);
    expect((await r.repo.orders({ runId: partial.run.id }))[0]?.status).toBe('CANCELED');
  });

  it('bad weights and unknown symbols are refused with the field named; nothing is sent', async () => {
    const { broker, replica, store } = await setup();
    const r = await replica('p1');
    await expect(
      r.service.executeTargets({
        projectId: PROJECTS.demo,
        tradingDate: DATE,
        weights: { AAPL: 0.2, ZZZZ: 0.1 },
      }),
    ).rejects.toMatchObject({ field: 'weights.ZZZZ' });
    await expect(
      r.service.executeTargets({
        projectId: PROJECTS.demo,
        tradingDate: DATE,
        weights: { AAPL: 0.9, MSFT: 0.6 },
      }),
    ).rejects.toMatchObject({ field: 'weights' });
    await expect(
      r.service.executeTargets({
        projectId: PROJECTS.demo,
        tradingDate: DATE,
        weights: { AAPL: Number.NaN },
      }),
    ).rejects.toBeInstanceOf(InputError);
    expect(broker.log).toEqual([]);
    expect(await store.db.selectFrom('trade_runs').selectAll().execute()).toEqual([]);
  });

  it('a replica without the lease refuses to trade', async () => {
    const { broker, replica } = await setup();
    await replica('leader');
    const follower = await replica('follower');
    expect(follower.lease.isHeld()).toBe(false);
    await expect(
      follower.service.executeTargets({ projectId: PROJECTS.demo, tradingDate: DATE, weights: WEIGHTS }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(broker.log).toEqual([]);
  });

  it('losing the lease mid-submission stops sending at once; the successor sends the rest once', async () => {
    const { broker, replica, clock } = await setup();
    const first = await replica('first');
    const realPlace = broker.orders.place;
    broker.orders.place = (request) => {
      realPlace(request);
      // Renewals stalled: the local view runs out (ttl - one heartbeat) right after the first order.
      clock.advance(56_000);
    };
    const result = await first.service.executeTargets({
      projectId: PROJECTS.demo,
      tradingDate: DATE,
      weights: WEIGHTS,
    });
    broker.orders.place = realPlace;
    // Stopped by the lease: seen before the send, or when the send's claim was fenced off.
    expect(['no-lease', 'claim-refused']).toContain(result.stoppedBecause?.code);
    expect(broker.log).toHaveLength(1);
    clock.advance(5_000);
    const second = await replica('second');
    expect(second.lease.token()).toBe(2);
    const done = await second.service.waitForRun(result.run.id, 5_000);
    expect(done.status).toBe('COMPLETED');
    expect(broker.log).toHaveLength(3);
    expect(duplicates(broker.log)).toEqual([]);
    const orders = await second.repo.orders({ runId: result.run.id });
    expect(orders.map((o) => o.leaseToken).sort()).toEqual([1, 2, 2]);
  });

  it('trading does not start until the startup reconciliation succeeded', async () => {
    const { broker, replica } = await setup();
    const realOpenOrders = broker.orders.openOrders;
    broker.orders.openOrders = async () => {
      throw new Error('gateway did not answer');
    };
    const r = await replica('p1');
    expect(r.engine.lastReconciliation()?.status).toBe('failed');
    expect(r.engine.readiness().reasons).toContain('startup reconciliation has not succeeded yet');
    await expect(
      r.service.executeTargets({ projectId: PROJECTS.demo, tradingDate: DATE, weights: WEIGHTS }),
    ).rejects.toThrow(/startup reconciliation/);
    expect(broker.log).toEqual([]);
    broker.orders.openOrders = realOpenOrders;
    expect((await r.engine.reconcile('manual')).status).toBe('ok');
    const ok = await r.service.executeTargets({
      projectId: PROJECTS.demo,
      tradingDate: DATE,
      weights: WEIGHTS,
    });
    expect(ok.sent).toBe(3);
  });

  it('crash after the send was recorded but before place(): the successor sends each intent exactly once', async () => {
    const { broker, replica, clock } = await setup();
    const first = await replica('first');
    const realPlace = broker.orders.place;
    let placed = 0;
    broker.orders.place = (request) => {
      placed += 1;
      // The second order "kills the process" between the committed claim and the socket write; a
      // dead process writes nothing more, however far its loop got before stop().
      if (placed >= 2) throw new Error('process died');
      realPlace(request);
    };
    const { run } = await first.service.executeTargets({
      projectId: PROJECTS.demo,
      tradingDate: DATE,
      weights: WEIGHTS,
    });
    await first.engine.stop();
    broker.orders.place = realPlace;
    expect(broker.log).toHaveLength(1);
    clock.advance(61_000);
    const second = await replica('second');
    await settle(second);
    const done = await second.service.waitForRun(run.id, 5_000);
    expect(done.status).toBe('COMPLETED');
    expect(broker.log).toHaveLength(3);
    expect(duplicates(broker.log)).toEqual([]);
    const recon = await second.repo.reconciliations();
    // Every claim the dead process committed without writing it is released, and only those.
    expect(recon[0]?.summary.released).toBe(placed - 1);
  });

  it('crash after place() before any answer was recorded: reconciliation finds the orders, nothing is re-sent, fills recovered', async () => {
    const { broker, replica, clock } = await setup();
    const first = await replica('first');
    broker.deafened = true;
    const { run } = await first.service.executeTargets({
      projectId: PROJECTS.demo,
      tradingDate: DATE,
      weights: WEIGHTS,
    });
    await first.engine.stop();
    broker.deafened = false;
    expect(broker.log).toHaveLength(3);
    clock.advance(61_000);
    const second = await replica('second');
    await settle(second);
    const done = await second.service.waitForRun(run.id, 5_000);
    expect(done.status).toBe('COMPLETED');
    expect(broker.log).toHaveLength(3);
    const fills = await second.repo.fills({ runId: run.id });
    expect(fills).toHaveLength(3);
    const again = await second.service.executeTargets({
      projectId: PROJECTS.demo,
      tradingDate: DATE,
      weights: WEIGHTS,
    });
    expect(again.sent).toBe(0);
    expect(broker.log).toHaveLength(3);
  });

  it('disconnect mid-submission and fills during the outage: the run completes without duplicates', async () => {
    const { broker, replica } = await setup();
    const r = await replica('p1');
    const realPlace = broker.orders.place;
    let placed = 0;
    broker.mode = 'hold';
    broker.orders.place = (request) => {
      placed += 1;
      if (placed === 2) broker.setStatus('DISCONNECTED');
      realPlace(request);
    };
    const first = await r.service.executeTargets({
      projectId: PROJECTS.demo,
      tradingDate: DATE,
      weights: WEIGHTS,
    });
    expect(['broker-not-connected', 'broker-unavailable']).toContain(first.stoppedBecause?.code);
    expect(broker.log).toHaveLength(1);
    // While disconnected the working order fills; its events never arrive.
    broker.deafened = true;
    broker.fillWorking();
    broker.deafened = false;
    broker.orders.place = realPlace;
    broker.mode = 'fill';
    broker.setStatus('CONNECTED', 'reconnect');
    const done = await r.service.waitForRun(first.run.id, 5_000);
    expect(done.status).toBe('COMPLETED');
    expect(duplicates(broker.log)).toEqual([]);
    expect(broker.log).toHaveLength(3);
    const fills = await r.repo.fills({ runId: first.run.id });
    expect(fills).toHaveLength(3);
  });

  it('reconciliation adopts unknown orders with our prefix and reports foreign ones', async () => {
    const { broker, replica } = await setup();
    const r = await replica('p1');
    const { run } = await r.service.executeTargets({
      projectId: PROJECTS.demo,
      tradingDate: DATE,
      weights: { KO: 0.01 },
    });
    await r.service.waitForRun(run.id, 5_000);
    broker.mode = 'hold';
    broker.deafened = true;
    const contract = (await broker.contracts.resolve({ symbol: 'AAPL' }))[0];
    if (!contract) throw new Error('no contract');
    const base = {
      contract,
      side: 'BUY' as const,
      quantity: 5,
      type: 'MKT' as const,
      tif: 'DAY' as const,
      account: 'DU111',
    };
    broker.orders.place({
      ...base,
      orderId: broker.orders.nextOrderId(),
      orderRef: `ibl:R${run.id}:AAPL:B:9`,
    });
    broker.orders.place({ ...base, orderId: broker.orders.nextOrderId(), orderRef: 'someone-else' });
    broker.deafened = false;
    const report = await r.engine.reconcile('manual');
    expect(report.status).toBe('ok');
    expect(report.summary.adopted).toBe(1);
    expect(report.summary.foreign).toBe(1);
    expect(report.details.foreign[0]?.orderRef).toBe('someone-else');
    const adopted = await r.repo.orderByRef(`ibl:R${run.id}:AAPL:B:9`);
    expect(adopted?.adopted).toBe(true);
    expect(adopted?.status).toBe('SUBMITTED');
    expect(report.details.positionDiffs).toEqual([]);
    // A position changed outside ibloop is reported, not traded.
    broker.positionsBySymbol.set('KO', (broker.positionsBySymbol.get('KO') ?? 0) + 3);
    const drift = await r.engine.reconcile('manual');
    expect(drift.details.positionDiffs).toEqual([
      expect.objectContaining({ project: 'demo', symbol: 'KO', position: (run.targets?.KO ?? 0) + 3 }),
    ]);
    expect(broker.log).toHaveLength(3);
  });
});

describe('unanswered sends', () => {
  async function dropFirstOrder(h: Awaited<ReturnType<typeof harness>>) {
    const realPlace = h.broker.orders.place;
    let dropped = 0;
    // The broker silently drops the first order (as IB does beyond its message rate, error 100).
    h.broker.orders.place = (request) => {
      if (dropped === 0) {
        dropped += 1;
        return;
      }
      realPlace(request);
    };
  }

  it('within the timeout a send of this session is not re-sent (it may still be on its way)', async () => {
    const h = await harness('sqlite', SYMBOLS);
    try {
      const r = await h.replica('p1');
      await dropFirstOrder(h);
      await r.service.executeTargets({ projectId: PROJECTS.demo, tradingDate: DATE, weights: WEIGHTS });
      await settle(r);
      expect(h.broker.log).toHaveLength(2);
      const report = await r.engine.reconcile('manual');
      expect(report.summary.released).toBe(0);
      await settle(r);
      expect(h.broker.log).toHaveLength(2);
    } finally {
      await h.close();
    }
  });

  it('after the timeout it is looked for at the broker and, missing, sent again exactly once', async () => {
    const h = await harness('sqlite', SYMBOLS);
    try {
      const r = await h.replica('p1', { engine: { unackedClaimTimeoutMs: 1 } });
      await dropFirstOrder(h);
      const { run } = await r.service.executeTargets({
        projectId: PROJECTS.demo,
        tradingDate: DATE,
        weights: WEIGHTS,
      });
      const done = await r.service.waitForRun(run.id, 5_000);
      expect(done.status).toBe('COMPLETED');
      expect(h.broker.log).toHaveLength(3);
      expect(duplicates(h.broker.log)).toEqual([]);
      const orders = await r.repo.orders({ runId: run.id });
      expect(orders.map((o) => o.sendAttempts).sort()).toEqual([1, 1, 2]);
    } finally {
      await h.close();
    }
  });
});

describe('execution runtime', () => {
  it('connects the broker only while holding the lease (manageConnection)', async () => {
    const h = await harness('sqlite', SYMBOLS);
    const { startExecutionRuntime } = await import('../../src/execution/index.js');
    const calls: string[] = [];
    h.broker.connection.start = async () => {
      calls.push('start');
    };
    h.broker.connection.stop = async () => {
      calls.push('stop');
    };
    try {
      const other = await h.replica('other');
      expect(other.lease.isHeld()).toBe(true);
      const runtime = await startExecutionRuntime({
        store: h.store,
        audit: h.audit,
        clock: h.clock,
        brokerage: h.broker,
        mode: 'paper',
        holder: 'standby',
        leaseTtlMs: 60_000,
        leaseHeartbeatMs: 5_000,
        manageConnection: true,
      });
      expect(runtime.lease.isHeld()).toBe(false);
      expect(calls).toEqual([]);
      await other.lease.release();
      await runtime.lease.tryAcquire();
      expect(calls).toEqual(['start']);
      await runtime.stop();
      expect(calls).toEqual(['start', 'stop', 'stop']);
    } finally {
      await h.close();
    }
  });
});
