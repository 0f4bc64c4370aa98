/**
 * Execution benchmark (not a test): `npx tsx bench/execution/rebalance.bench.ts [orders]`.
 * A rebalance of N orders (default 500) from cash, through the IB adapter, against the paper gateway
 * enforcing IB's 50 messages/s. Prints the time from start to all acknowledgements, the submission
 * phase alone (first send -> last acknowledgement) against the floor N / 50 s, and the count of
 * error 100 (message rate exceeded). Environment: BENCH_ORDERS_PER_SECOND (engine throttle, default
 * 40), BENCH_ADAPTER_REQ_PER_SEC (library throttle, default 40). @stoqey/ib meters its limit as
 * ceil(rate / 10) messages per 100 ms, so every value from 41 to 50 sends 50/s, and a sliding second
 * then sometimes holds 51 messages: error 100, and the dropped request is never answered.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { AuditLog } from '../../src/audit/index.js';
import { createIbBrokerage } from '../../src/brokerage/ib/index.js';
import { ManualClock, systemClock } from '../../src/core/clock.js';
import { brokerPriceSource, startExecutionRuntime } from '../../src/execution/index.js';
import { startSimGateway } from '../../src/sim/index.js';
import {
  createSimClock,
  createSyntheticMarket,
  defaultInstruments,
  derivedConId,
} from '../../src/sim/market/index.js';
import { migrateToLatest, openStore } from '../../src/store/index.js';

const ORDERS = Number(process.argv[2] ?? 500);
const ORDERS_PER_SECOND = Number(process.env.BENCH_ORDERS_PER_SECOND ?? 40);
const ADAPTER_REQ_PER_SEC = Number(process.env.BENCH_ADAPTER_REQ_PER_SEC ?? 40);
const OPEN_MS = Date.UTC(2026, 10, 24, 15, 0, 0);
const IB_MESSAGE_LIMIT = 50;

const simClock = createSimClock({ mode: 'stepped', startMs: OPEN_MS });
const base = defaultInstruments(simClock);
const template = base[0];
if (!template) throw new Error('no instruments');
const instruments = Array.from({ length: ORDERS }, (_, i) => {
  const symbol = `B${String(i).padStart(4, '0')}`;
  return { ...template, symbol, conId: derivedConId(symbol), longName: symbol };
});
const sim = await startSimGateway({
  market: createSyntheticMarket({ seed: 3, instruments }),
  clock: simClock,
  controlPort: null,
  tickCadenceMs: 50,
  maxMarketDataLines: 100,
  maxMessagesPerSecond: IB_MESSAGE_LIMIT,
  initialCash: 1_000_000_000,
  pnlUpdateMs: 100_000,
});
const dataRoot = mkdtempSync(path.join(tmpdir(), 'ibloop-bench-exec-'));
const store = openStore({ dataRoot });
await migrateToLatest(store);
const simTime = new ManualClock(simClock.nowMs());
const brokerage = createIbBrokerage({
  host: '127.0.0.1',
  port: sim.port,
  clientId: 1,
  mode: 'paper',
  clock: simTime,
  requestTimeoutMs: 60_000,
  maxReqPerSec: ADAPTER_REQ_PER_SEC,
});
let error100 = 0;
brokerage.ib.onConnectionMessage((info) => {
  if (info.code === 100) {
    error100 += 1;
    if (process.env.BENCH_DEBUG)
      console.log('error 100 at', (performance.now() / 1000).toFixed(2), info.message);
  }
});
await brokerage.connection.start();
const otherErrors = new Map<number, number>();
brokerage.ib.onIdError((info) => otherErrors.set(info.code, (otherErrors.get(info.code) ?? 0) + 1));
if (process.env.BENCH_DEBUG) {
  setInterval(() => console.log('errors', error100, [...otherErrors]), 2000).unref();
  const resolve = brokerage.contracts.resolve.bind(brokerage.contracts);
  (brokerage.contracts as { resolve: typeof resolve }).resolve = async (q) => {
    const t = performance.now();
    try {
      return await resolve(q);
    } finally {
      console.log('resolve', q.symbol, (performance.now() - t).toFixed(0), 'ms', 'e100', error100);
    }
  };
}
const runtime = await startExecutionRuntime({
  store,
  audit: new AuditLog(store.db, systemClock),
  clock: systemClock,
  brokerage,
  holder: 'bench',
  maxOrdersPerSecond: ORDERS_PER_SECOND,
  prices: brokerPriceSource(brokerage, simTime, { maxAgeMs: 60_000, timeoutMs: 30_000, maxLines: 90 }),
});
await runtime.ready(30_000);
// Let the connect and reconciliation burst leave IB's one-second window before the rebalance starts.
await new Promise((resolve) => setTimeout(resolve, 1_500));

// The gateway's first answer per order (openOrder or orderStatus), as the wire sees it.
const wireAck = new Map<number, number>();
brokerage.orders.onStatus((u) => {
  if (!wireAck.has(u.orderId)) wireAck.set(u.orderId, performance.now());
});
brokerage.orders.onOpenOrder((o) => {
  if (!wireAck.has(o.orderId)) wireAck.set(o.orderId, performance.now());
});
const weights = Object.fromEntries(instruments.map((i) => [i.symbol, 0.9 / ORDERS]));
const started = performance.now();
const result = await runtime.service.executeTargets({ project: 'bench', tradingDate: '2026-11-24', weights });
const submitted = performance.now();
// Acknowledged = the gateway answered (any state past NEW).
let acknowledgedAt = 0;
for (;;) {
  await runtime.engine.idle();
  const orders = await runtime.engine.repo.orders({ runId: result.run.id });
  if (orders.length > 0 && orders.every((o) => o.status !== 'NEW')) {
    acknowledgedAt = performance.now();
    break;
  }
  if (performance.now() - started > 300_000) throw new Error('timed out waiting for acknowledgements');
  await new Promise((resolve) => setTimeout(resolve, 20));
}
const events = await store.db
  .selectFrom('trade_order_events')
  .select(['time'])
  .where('kind', '=', 'send')
  .orderBy('id')
  .execute();
const firstSendMs = Date.parse(events[0]?.time ?? '');
const firstSendOffset = firstSendMs - (Date.now() - (performance.now() - started));
const total = (acknowledgedAt - started) / 1000;
const submission = (acknowledgedAt - started - firstSendOffset) / 1000;
const floor = ORDERS / IB_MESSAGE_LIMIT;
const lastWireAck = Math.max(...wireAck.values());
const wireSubmission = (lastWireAck - started - firstSendOffset) / 1000;
const run = await runtime.service.waitForRun(result.run.id, 120_000);
const duplicates = sim.orderLog().length - new Set(sim.orderLog().map((o) => o.orderRef)).size;

console.log(
  `orders:                          ${result.intents.length} (sent ${result.sent}, run ${run.status})`,
);
console.log(
  `start -> all acknowledged:       ${total.toFixed(2)} s (includes sizing: 500 quotes, positions, account)`,
);
console.log(`  of which sizing + planning:    ${(firstSendOffset / 1000).toFixed(2)} s`);
console.log(
  `first send -> all acked (wire):  ${wireSubmission.toFixed(2)} s (floor at ${IB_MESSAGE_LIMIT} msg/s: ${floor.toFixed(1)} s, ${((wireSubmission / floor - 1) * 100).toFixed(1)}% above)`,
);
console.log(`first send -> all acked (in DB): ${submission.toFixed(2)} s`);
console.log(`executeTargets returned after:   ${((submitted - started) / 1000).toFixed(2)} s`);
console.log(`error 100 (rate exceeded):       ${error100}`);
console.log(`duplicate orders at the gateway: ${duplicates}`);
console.log(`other errors by code:            ${JSON.stringify([...otherErrors])}`);

await runtime.stop();
await brokerage.connection.stop();
await store.close();
await sim.close();
rmSync(dataRoot, { recursive: true, force: true });
