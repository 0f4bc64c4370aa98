/**
 * Paper gateway benchmark (not a test): run with `npx tsx bench/sim/gateway.bench.ts`.
 * Prints the place-to-filled round trip over 1,000 market orders, sustained tick messages per second
 * across 100 subscriptions, and the wall time to run 52 trading weeks on the stepped clock.
 */
import { performance } from 'node:perf_hooks';
import { type Contract, EventName, IBApi, type Order } from '@stoqey/ib';
import { startSimGateway } from '../../src/sim/index.js';
import { createSimClock, createSyntheticMarket, defaultInstruments } from '../../src/sim/market/index.js';

type Listener = (...args: never[]) => void;
interface Loose {
  on(event: EventName, listener: Listener): unknown;
  off(event: EventName, listener: Listener): unknown;
  once(event: EventName, listener: Listener): unknown;
}

const OPEN_MONDAY_MS = Date.UTC(2026, 10, 23, 15, 0, 0); // 10:00 New York

function stock(symbol: string): Contract {
  return { symbol, secType: 'STK' as never, exchange: 'SMART', currency: 'USD' };
}

function marketOrder(action: 'BUY' | 'SELL', quantity: number, ref: string): Order {
  return {
    action: action as never,
    totalQuantity: quantity,
    orderType: 'MKT' as never,
    tif: 'DAY' as never,
    transmit: true,
    orderRef: ref,
  };
}

async function connect(
  port: number,
  clientId: number,
): Promise<{ api: IBApi; events: Loose; nextId: number }> {
  const api = new IBApi({ host: '127.0.0.1', port, maxReqPerSec: 1_000_000 });
  const events = api as unknown as Loose;
  const nextId = await new Promise<number>((resolve) => {
    events.once(EventName.nextValidId, ((id: number) => resolve(id)) as Listener);
    api.connect(clientId);
  });
  return { api, events, nextId };
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

async function roundTrip(): Promise<void> {
  const clock = createSimClock({ mode: 'stepped', startMs: OPEN_MONDAY_MS });
  const sim = await startSimGateway({
    market: createSyntheticMarket({ seed: 1 }),
    clock,
    controlPort: null,
    maxMessagesPerSecond: 0,
  });
  const { api, events, nextId } = await connect(sim.port, 1);
  const samples: number[] = [];
  let orderId = nextId;
  const symbols = ['AAPL', 'MSFT', 'NVDA'];
  for (let i = 0; i < 1000; i++) {
    const id = orderId++;
    const filled = new Promise<void>((resolve) => {
      const listener = ((oid: number, status: string) => {
        if (oid === id && status === 'Filled') {
          events.off(EventName.orderStatus, listener);
          resolve();
        }
      }) as Listener;
      events.on(EventName.orderStatus, listener);
    });
    const started = performance.now();
    api.placeOrder(
      id,
      stock(symbols[i % 3] ?? 'AAPL'),
      marketOrder(i % 2 === 0 ? 'BUY' : 'SELL', 10, `bench-${i}`),
    );
    await filled;
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  console.log(
    `place-to-filled round trip over ${samples.length} MKT orders: median ${percentile(samples, 50).toFixed(3)} ms, ` +
      `p99 ${percentile(samples, 99).toFixed(3)} ms`,
  );
  api.disconnect();
  await sim.close();
}

async function tickThroughput(cadenceMs: number, seconds: number): Promise<void> {
  // Accelerated clock: one sim minute per wall second keeps every quote moving.
  const clock = createSimClock({ mode: 'accelerated', startMs: OPEN_MONDAY_MS, speed: 60 });
  const instruments = defaultInstruments();
  const sim = await startSimGateway({
    market: createSyntheticMarket({ seed: 1, instruments }),
    clock,
    controlPort: null,
    maxMessagesPerSecond: 0,
    tickCadenceMs: cadenceMs,
  });
  const { api, events } = await connect(sim.port, 2);
  let ticks = 0;
  const count = (() => {
    ticks += 1;
  }) as Listener;
  // tickPrice with a size also emits a tickSize event in the client; count wire messages instead.
  events.on(EventName.tickPrice, count);
  events.on(EventName.tickString, count);
  let sizeOnly = 0;
  events.on(EventName.tickSize, (() => {
    sizeOnly += 1;
  }) as Listener);
  for (let reqId = 1; reqId <= 100; reqId++) {
    const instrument = instruments[(reqId - 1) % instruments.length];
    api.reqMktData(reqId, stock(instrument?.symbol ?? 'AAPL'), '', false, false);
  }
  await new Promise((r) => setTimeout(r, 1000));
  const startTicks = ticks + sizeOnly;
  const sentBefore = sim.gateway.wireMessagesSent();
  const started = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const elapsed = (performance.now() - started) / 1000;
  const wire = sim.gateway.wireMessagesSent() - sentBefore;
  console.log(
    `sustained ticks across 100 subscriptions at ${cadenceMs} ms cadence: ${(wire / elapsed).toFixed(0)} messages/s on the wire, ` +
      `${((ticks + sizeOnly - startTicks) / elapsed).toFixed(0)} tick events/s decoded by @stoqey/ib`,
  );
  api.disconnect();
  await sim.close();
}

async function fiftyTwoWeeks(): Promise<void> {
  const clock = createSimClock({ mode: 'stepped', startMs: Date.UTC(2026, 0, 5, 14, 0, 0) });
  const sim = await startSimGateway({
    market: createSyntheticMarket({ seed: 1 }),
    clock,
    controlPort: null,
    maxMessagesPerSecond: 0,
    tickCadenceMs: 250,
  });
  const { api, events, nextId } = await connect(sim.port, 3);
  for (let reqId = 1; reqId <= 10; reqId++)
    api.reqMktData(reqId, stock(['AAPL', 'MSFT', 'NVDA'][reqId % 3] ?? 'AAPL'), '', false, false);
  let fills = 0;
  events.on(EventName.execDetails, (() => {
    fills += 1;
  }) as Listener);
  let orderId = nextId;
  const started = performance.now();
  const stepMs = 30 * 60_000;
  for (let week = 0; week < 52; week++) {
    // Monday 10:00 New York (14:00/15:00 UTC): a rebalance of 10 orders, then the rest of the week.
    clock.advance(60 * 60_000);
    for (let i = 0; i < 10; i++) {
      api.placeOrder(
        orderId++,
        stock(['AAPL', 'MSFT', 'NVDA'][i % 3] ?? 'AAPL'),
        marketOrder(week % 2 === 0 ? 'BUY' : 'SELL', 10, `w${week}-${i}`),
      );
    }
    await new Promise((r) => setTimeout(r, 5));
    const weekMs = 7 * 86_400_000 - 60 * 60_000;
    for (let t = 0; t < weekMs; t += stepMs) {
      clock.advance(stepMs);
      await new Promise((r) => setImmediate(r));
    }
  }
  await new Promise((r) => setTimeout(r, 100));
  const wall = (performance.now() - started) / 1000;
  console.log(
    `52 trading weeks on the stepped clock (30-minute steps, 10 orders/week, 10 market data lines): ` +
      `${wall.toFixed(2)} s wall, ${fills} executions, ${sim.orderLog().length} orders logged`,
  );
  api.disconnect();
  await sim.close();
}

await roundTrip();
await tickThroughput(250, 5);
await tickThroughput(5, 5);
await fiftyTwoWeeks();
process.exit(0);
