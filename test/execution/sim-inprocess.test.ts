import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/index.js';
import type { IbBrokerage } from '../../src/brokerage/ib/index.js';
import { ManualClock, systemClock } from '../../src/core/clock.js';
import { type ExecutionRuntime, startExecutionRuntime } from '../../src/execution/index.js';
import { ContractCache } from '../../src/marketdata/index.js';
import type { SimGatewayHandle } from '../../src/sim/index.js';
import type { Store } from '../../src/store/index.js';
import { ENGINES, freshStore } from '../helpers/engines.js';
import { addProject } from './projects.js';
import {
  brokerageFor,
  duplicateRefs,
  OPEN_MS,
  PRE_OPEN_MS,
  startSim,
  TRADING_CLIENT_ID,
  waitUntil,
} from './sim-env.js';

const DATE = '2026-11-24';
// IB's outgoing message ids, as the gateway counts them.
const REQ_MKT_DATA = 1;
const PLACE_ORDER = 3;
const REQ_CONTRACT_DATA = 9;

describe.each(ENGINES)('execution against the paper gateway over TCP, %s', (engineName) => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(
    options: {
      startMs?: number;
      sim?: Parameters<typeof startSim>[0];
      ordersPerSecond?: number;
      withContractCache?: boolean;
    } = {},
  ) {
    const { sim, simClock, symbols } = await startSim({
      startMs: options.startMs ?? OPEN_MS,
      ...options.sim,
    });
    cleanups.push(() => sim.close());
    const { store, target } = await freshStore(engineName);
    cleanups.push(async () => {
      await store.close();
      target.cleanup();
    });
    const simTime = new ManualClock(simClock.nowMs());
    simClock.onChange((now) => simTime.set(now));
    const brokerage = brokerageFor(sim, TRADING_CLIENT_ID, simTime);
    cleanups.push(() => brokerage.connection.stop());
    await brokerage.connection.start();
    const audit = new AuditLog(store.db, systemClock);
    const contractCache = new ContractCache(store.db, target.dataRoot, brokerage, simTime);
    const runtime = await startExecutionRuntime({
      ...(options.withContractCache ? { contractCache } : {}),
      store,
      audit,
      clock: systemClock,
      brokerage,
      mode: 'paper',
      holder: 'inprocess',
      leaseTtlMs: 3_000,
      leaseHeartbeatMs: 500,
      maxOrdersPerSecond: options.ordersPerSecond ?? 0,
      quoteClock: simTime,
    });
    cleanups.push(() => runtime.stop());
    await runtime.ready(10_000);
    return { sim, simClock, symbols, store, brokerage, runtime, contractCache };
  }

  async function expectDbAgreesWithGateway(
    sim: SimGatewayHandle,
    brokerage: IbBrokerage,
    runtime: ExecutionRuntime,
    store: Store,
  ) {
    await runtime.engine.idle();
    const { executions } = await brokerage.orders.executions();
    const ours = executions.filter((e) => e.orderRef.startsWith('ibl:'));
    const fills = await store.db.selectFrom('trade_fills').select(['exec_id']).execute();
    expect(new Set(fills.map((f) => f.exec_id))).toEqual(new Set(ours.map((e) => e.execId)));
    const brokerOrders = [
      ...(await brokerage.orders.completedOrders()),
      ...(await brokerage.orders.openOrders()),
    ];
    for (const order of await runtime.engine.repo.orders()) {
      const atBroker = brokerOrders.filter((o) => o.orderRef === order.clientOrderId);
      if (order.status === 'REJECTED') {
        expect(atBroker).toEqual([]);
        continue;
      }
      expect(atBroker.length).toBeGreaterThan(0);
      expect(order.filledQty).toBe(Math.max(...atBroker.map((o) => o.filled)));
    }
    expect(duplicateRefs(sim)).toEqual([]);
  }

  it('executes a 50-order rebalance; triggered twice, the second sends nothing; positions equal targets', async () => {
    const { sim, symbols, runtime, brokerage, store } = await setup();
    const weights = Object.fromEntries(symbols.slice(0, 50).map((s) => [s, 0.018]));
    const first = await runtime.service.executeTargets({
      projectId: await addProject(store.db, 'p'),
      tradingDate: DATE,
      weights,
    });
    if (first.intents.length !== 50) {
      const have = new Set(first.intents.map((o) => o.symbol));
      throw new Error(
        `missing ${Object.keys(weights).filter((s) => !have.has(s))} plan ${JSON.stringify(first.run.plan)}`,
      );
    }
    const run = await runtime.service.waitForRun(first.run.id, 20_000);
    expect(run.status).toBe('COMPLETED');
    const logged = sim.orderLog().length;
    expect(logged).toBe(50);
    const second = await runtime.service.executeTargets({
      projectId: await addProject(store.db, 'p'),
      tradingDate: DATE,
      weights,
    });
    expect(second.joined).toBe(true);
    expect(second.sent).toBe(0);
    expect(sim.orderLog().length).toBe(logged);
    const positions = await brokerage.account.positions();
    for (const [symbol, target] of Object.entries(run.targets ?? {})) {
      expect(positions.find((p) => p.symbol === symbol)?.quantity ?? 0).toBe(target);
    }
    await expectDbAgreesWithGateway(sim, brokerage, runtime, store);
  });

  it('pre-trade: contracts from the cache and prices prepared, the run sends orders and nothing else', async () => {
    const { sim, symbols, runtime, contractCache, store } = await setup({ withContractCache: true });
    const universe = symbols.slice(0, 30);
    const report = await contractCache.refresh(universe);
    expect(report.resolved).toBe(30);
    const prepared = await runtime.service.prepare(universe);
    expect(prepared).toMatchObject({ symbols: 30, pricesReady: 0, pricesFetched: 30 });
    // Prepared prices stay usable while fresh: a second pre-trade fetches nothing.
    expect(await runtime.service.prepare(universe)).toMatchObject({ pricesReady: 30, pricesFetched: 0 });

    const before = new Map(sim.gateway.requestCounts());
    const sentSince = (id: number) => (sim.gateway.requestCounts().get(id) ?? 0) - (before.get(id) ?? 0);
    const weights = Object.fromEntries(universe.map((s) => [s, 0.03]));
    const result = await runtime.service.executeTargets({
      projectId: await addProject(store.db, 'pre'),
      tradingDate: DATE,
      weights,
    });
    expect(result.intents).toHaveLength(30);
    const run = await runtime.service.waitForRun(result.run.id, 20_000);
    expect(run.status).toBe('COMPLETED');
    expect(sentSince(REQ_CONTRACT_DATA)).toBe(0);
    expect(sentSince(REQ_MKT_DATA)).toBe(0);
    expect(sentSince(PLACE_ORDER)).toBe(30);
    // The frozen plan records the prepared prices it sized with.
    const prices = (run.plan?.prices ?? {}) as Record<string, { source: string }>;
    expect(Object.keys(prices).sort()).toEqual([...universe].sort());
  });

  it('an unknown symbol fails the pre-trade step, naming it, before any order', async () => {
    const { sim, symbols, runtime } = await setup({ withContractCache: true });
    await expect(runtime.service.prepare([symbols[0] ?? '', 'NOSUCH'])).rejects.toMatchObject({
      field: 'weights.NOSUCH',
    });
    expect(sim.orderLog()).toEqual([]);
  });

  it('connection dropped mid-submission and restored: the run completes, no duplicates, every fill in the DB', async () => {
    const { sim, symbols, runtime, brokerage, store } = await setup({ ordersPerSecond: 100 });
    const weights = Object.fromEntries(symbols.slice(0, 40).map((s) => [s, 0.02]));
    const pending = runtime.service.executeTargets({
      projectId: await addProject(store.db, 'drop'),
      tradingDate: DATE,
      weights,
    });
    // Handled from the start: a failure before the drop is this test's failure, not an unhandled rejection.
    const settled = pending.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    await waitUntil('some orders at the gateway', () => sim.orderLog().length >= 10, 60_000);
    await sim.faults.dropAll();
    const outcome = await settled;
    if ('error' in outcome) throw outcome.error;
    const first = outcome.value;
    // The reconnect backs off; on a loaded machine (two test files at once) it can take a while.
    const run = await runtime.service.waitForRun(first.run.id, 60_000);
    expect(run.status).toBe('COMPLETED');
    expect(sim.orderLog().length).toBe(40);
    await expectDbAgreesWithGateway(sim, brokerage, runtime, store);
    const recon = await runtime.engine.repo.reconciliations();
    expect(recon.some((r) => r.reason === 'reconnect' && r.status === 'ok')).toBe(true);
  });

  it('fills that happen while disconnected are recovered after the reconnect', async () => {
    const { sim, simClock, symbols, runtime, brokerage, store } = await setup({ startMs: PRE_OPEN_MS });
    const weights = Object.fromEntries(symbols.slice(0, 5).map((s) => [s, 0.1]));
    const first = await runtime.service.executeTargets({
      projectId: await addProject(store.db, 'outage'),
      tradingDate: DATE,
      weights,
    });
    expect(first.sent).toBe(5);
    await runtime.engine.idle();
    await sim.faults.refuse(1);
    await sim.faults.dropAll();
    // The market opens while we are away: the waiting market orders fill.
    simClock.advance(31 * 60_000);
    const run = await runtime.service.waitForRun(first.run.id, 20_000);
    expect(run.status).toBe('COMPLETED');
    const fills = await runtime.engine.repo.fills({ runId: run.id });
    expect(fills.length).toBeGreaterThanOrEqual(5);
    await expectDbAgreesWithGateway(sim, brokerage, runtime, store);
  });

  it('rejections (201), partial fills and cancels end in the right states and the DB agrees with the gateway', async () => {
    const { sim, symbols, runtime, brokerage, store } = await setup({
      sim: { fill: { partialFillProbability: 1, partialClipShares: 10, slippageTicks: 0 } },
    });
    await sim.faults.rejectNext(1);
    const rejected = await runtime.service.executeTargets({
      projectId: await addProject(store.db, 'rej'),
      tradingDate: DATE,
      weights: { [symbols[0] ?? '']: 0.01 },
    });
    const rejectedRun = await runtime.service.waitForRun(rejected.run.id, 10_000);
    expect((await runtime.engine.repo.orders({ runId: rejected.run.id }))[0]?.status).toBe('REJECTED');
    expect(rejectedRun.status).toBe('COMPLETED');

    const partial = await runtime.service.executeTargets({
      projectId: await addProject(store.db, 'part'),
      tradingDate: DATE,
      weights: { [symbols[1] ?? '']: 0.05 },
    });
    const [order] = partial.intents;
    if (!order) throw new Error('no order');
    let current = order;
    for (let i = 0; i < 200 && current.status !== 'PARTIAL'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      current = (await runtime.engine.repo.orderByRef(order.clientOrderId)) ?? current;
    }
    if (current.status === 'PARTIAL') {
      await runtime.engine.cancel(order.id);
      for (let i = 0; i < 200 && current.status === 'PARTIAL'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        current = (await runtime.engine.repo.orderByRef(order.clientOrderId)) ?? current;
      }
      expect(['CANCELED', 'FILLED']).toContain(current.status);
    } else {
      expect(current.status).toBe('FILLED');
    }
    expect(current.filledQty).toBeGreaterThan(0);
    await expectDbAgreesWithGateway(sim, brokerage, runtime, store);
  });
});
