import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Contract, EventName, type Order } from '@stoqey/ib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimGatewayHandle, startSimGateway } from '../../src/sim/index.js';
import { createFakeMarket, createSteppedClock, OPEN_TUESDAY_MS } from './fakes.js';
import { delay, TestClient } from './ib-client.js';

const aapl: Contract = { symbol: 'AAPL', secType: 'STK' as never, exchange: 'SMART', currency: 'USD' };
const msft: Contract = { symbol: 'MSFT', secType: 'STK' as never, exchange: 'SMART', currency: 'USD' };

function mkt(action: 'BUY' | 'SELL', quantity: number, orderRef: string): Order {
  return {
    action: action as never,
    totalQuantity: quantity,
    orderType: 'MKT' as never,
    tif: 'DAY' as never,
    transmit: true,
    orderRef,
  };
}

/** Places the same orders at the same clock steps; returns what the gateway executed. */
async function scenario(seed: number) {
  const clock = createSteppedClock(OPEN_TUESDAY_MS);
  const sim = await startSimGateway({
    market: createFakeMarket(3),
    clock,
    seed,
    controlPort: null,
    maxMessagesPerSecond: 0,
    fill: { partialFillProbability: 0.5, partialClipShares: 100, slippageTicks: 1 },
  });
  const client = new TestClient(sim.port);
  await client.connect(1);
  const done = new Set<number>();
  client.api.on(EventName.orderStatus, (id: number, status: string) => {
    if (status === 'Filled') done.add(id);
  });
  const orders: Array<[number, Contract, Order]> = [
    [1, aapl, mkt('BUY', 700, 'a')],
    [2, msft, mkt('BUY', 450, 'b')],
    [3, aapl, mkt('SELL', 300, 'c')],
  ];
  for (const [id, contract, o] of orders) {
    client.api.placeOrder(id, contract, o);
    await delay(20);
    clock.advance(30_000);
  }
  for (let i = 0; i < 40 && done.size < 3; i++) {
    clock.advance(60_000);
    await delay(5);
  }
  const executions = sim.gateway.broker
    .allExecutions()
    .map((e) => [e.orderId, e.side, e.shares, e.price, e.timeMs, e.commission, e.execId]);
  client.disconnect();
  await sim.close();
  return { executions, filled: done.size };
}

describe('determinism', () => {
  it('gives the same fills and executions for the same seed and clock steps', async () => {
    const first = await scenario(42);
    const second = await scenario(42);
    expect(first.filled).toBe(3);
    expect(first.executions.length).toBeGreaterThan(3); // partial fills happened
    expect(second.executions).toEqual(first.executions);
    const other = await scenario(43);
    expect(other.executions).not.toEqual(first.executions);
  });
});

describe('control API and faults', () => {
  let sim: SimGatewayHandle;
  let client: TestClient;
  const clock = createSteppedClock(OPEN_TUESDAY_MS);
  const base = () => `http://127.0.0.1:${sim.controlPort}`;
  const post = (path: string, body: unknown) =>
    fetch(`${base()}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    sim = await startSimGateway({
      market: createFakeMarket(),
      clock,
      maxMessagesPerSecond: 0,
      tickCadenceMs: 20,
    });
    client = new TestClient(sim.port);
    await client.connect(3);
  });

  afterAll(async () => {
    client.disconnect();
    await sim.close();
  });

  it('identifies itself on /health', async () => {
    const health = (await (await fetch(`${base()}/health`)).json()) as { gateway: string; port: number };
    expect(health).toMatchObject({ gateway: 'ibloop-sim', port: sim.port });
  });

  it('answers 400 naming the bad field', async () => {
    const res = await post('/faults/reject-next', { count: 'x' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { field: string }).field).toBe('count');
    const reset = await post('/faults/reset', { mode: '1200' });
    expect(((await reset.json()) as { field: string }).field).toBe('mode');
    const extra = await post('/faults/refuse', { seconds: 1, bogus: true });
    expect(extra.status).toBe(400);
    expect(((await extra.json()) as { field: string }).field).toBe('bogus');
  });

  it('rejects the next order on demand and logs only accepted orders', async () => {
    expect((await post('/faults/reject-next', { count: 1 })).status).toBe(200);
    const rejected = client.next<[Error, number, number]>(
      EventName.error,
      (_e, code, id) => code === 201 && id === 10,
    );
    client.api.placeOrder(10, aapl, mkt('BUY', 5, 'rej'));
    await rejected;
    const filled = client.next<[number, string]>(
      EventName.orderStatus,
      (id, s) => id === 11 && s === 'Filled',
    );
    client.api.placeOrder(11, aapl, mkt('BUY', 5, 'ok'));
    await filled;
    const log = (await (await fetch(`${base()}/orders/log`)).json()) as {
      orders: Array<{ orderRef: string; orderId: number }>;
    };
    expect(log.orders.map((o) => o.orderRef)).toEqual(['ok']);
    expect(sim.orderLog().map((o) => o.orderId)).toEqual([11]);
    const state = (await (await fetch(`${base()}/state`)).json()) as {
      positions: Array<{ symbol: string; quantity: number }>;
    };
    expect(state.positions).toEqual([expect.objectContaining({ symbol: 'AAPL', quantity: 5 })]);
  });

  it('delays acknowledgements', async () => {
    await sim.faults.ackDelay(150);
    const started = Date.now();
    const ack = client.next<[number, string]>(EventName.orderStatus, (id) => id === 12);
    client.api.placeOrder(12, aapl, mkt('BUY', 1, 'slow'));
    await ack;
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await sim.faults.ackDelay(0);
  });

  it('stops data for one symbol and forces pacing errors', async () => {
    await post('/faults/stop-data', { symbol: 'msft' });
    const seen = new Set<number>();
    const onPrice = (reqId: number) => seen.add(reqId);
    client.api.on(EventName.tickPrice, onPrice);
    client.api.reqMktData(81, aapl, '', false, false);
    client.api.reqMktData(82, msft, '', false, false);
    await delay(60);
    clock.advance(1000);
    await delay(60);
    client.api.off(EventName.tickPrice, onPrice);
    expect(seen.has(81)).toBe(true);
    expect(seen.has(82)).toBe(false);
    client.api.cancelMktData(81);
    client.api.cancelMktData(82);
    await post('/faults/stop-data', { symbol: 'MSFT', resume: true });

    await post('/faults/pacing', { count: 1 });
    const pacing = client.next<[Error, number, number]>(
      EventName.error,
      (_e, code, id) => code === 162 && id === 90,
    );
    client.api.reqHistoricalData(90, msft, '', '1 W', '1 day' as never, 'TRADES' as never, 1, 1, false);
    await pacing;
  });

  it('advances the stepped clock through the API', async () => {
    const before = clock.nowMs();
    const res = await post('/clock/advance', { ms: 60_000 });
    expect(((await res.json()) as { nowMs: number }).nowMs).toBe(before + 60_000);
  });

  it('simulates IB server resets: 1102 keeps subscriptions, 1101 drops them', async () => {
    const ticksFor = async (reqId: number) => {
      let count = 0;
      const onPrice = ((id: number) => {
        if (id === reqId) count += 1;
      }) as never;
      client.events.on(EventName.tickPrice, onPrice);
      clock.advance(60_000);
      await delay(80);
      client.events.off(EventName.tickPrice, onPrice);
      return count;
    };
    client.api.reqMktData(95, aapl, '', false, false);
    await delay(50);
    const lost = client.next<[string, number]>(EventName.info, (_m, code) => code === 1100);
    const kept = client.next<[string, number]>(EventName.info, (_m, code) => code === 1102, 3000);
    await post('/faults/reset', { mode: '1102', downSeconds: 0.6 });
    await lost;
    expect(await ticksFor(95)).toBe(0); // no data while connectivity is down
    await kept;
    expect(await ticksFor(95)).toBeGreaterThan(0);

    const restored = client.next<[string, number]>(EventName.info, (_m, code) => code === 1101, 3000);
    await post('/faults/reset', { mode: '1101', downSeconds: 0.1 });
    await restored;
    expect(await ticksFor(95)).toBe(0); // data lost: the client must subscribe again
    expect(client.api.isConnected).toBe(true);
  });

  it('goes silent without closing the socket, then answers again', async () => {
    await sim.faults.silence(0.3);
    let answered = false;
    client.api.once(EventName.currentTime, () => {
      answered = true;
    });
    client.api.reqCurrentTime();
    await delay(150);
    expect(answered).toBe(false);
    expect(client.api.isConnected).toBe(true);
    await delay(300);
    const answer = client.next<[number]>(EventName.currentTime);
    client.api.reqCurrentTime();
    await answer;
  });

  it('drops all connections and refuses new ones for a while', async () => {
    const gone = client.next(EventName.disconnected);
    await post('/faults/refuse', { seconds: 0.4 });
    await gone;
    const early = new TestClient(sim.port);
    await expect(early.connect(4, 200)).rejects.toThrow();
    early.disconnect();
    await delay(400);
    client = new TestClient(sim.port);
    await client.connect(3);
    expect(client.nextValidId).toBe(13);
  });
});

describe('state file', () => {
  it('keeps account, positions and the order log across a simulator restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ibloop-sim-'));
    const statePath = join(dir, 'state.json');
    try {
      const clock = createSteppedClock(OPEN_TUESDAY_MS);
      const first = await startSimGateway({
        market: createFakeMarket(),
        clock,
        statePath,
        controlPort: null,
      });
      const client = new TestClient(first.port);
      await client.connect(1);
      const filled = client.next<[number, string]>(
        EventName.orderStatus,
        (id, s) => id === 1 && s === 'Filled',
      );
      client.api.placeOrder(1, aapl, mkt('BUY', 20, 'persisted'));
      await filled;
      client.disconnect();
      await first.close();

      const second = await startSimGateway({
        market: createFakeMarket(),
        clock,
        statePath,
        controlPort: null,
      });
      const again = new TestClient(second.port);
      await again.connect(1);
      expect(again.nextValidId).toBe(2);
      const positions = again.collect<[string, Contract, number]>(EventName.position, EventName.positionEnd);
      again.api.reqPositions();
      expect((await positions).map((p) => [p[1].symbol, p[2]])).toEqual([['AAPL', 20]]);
      expect(second.orderLog().map((o) => o.orderRef)).toEqual(['persisted']);
      again.disconnect();
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
