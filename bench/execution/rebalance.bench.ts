/**
 * Execution benchmark (not a test): `npx tsx bench/execution/rebalance.bench.ts [orders]`.
 * A rebalance of N orders (default 500) from cash, through the IB adapter, against the paper gateway
 * enforcing IB's 50 messages/s. As in the weekly pipeline, the pre-trade step comes first and is
 * timed on its own: contracts resolved into the contract cache (once; later weeks read the cache)
 * and a fresh price per symbol from quote snapshots. Then the run: start (executeTargets) -> every
 * order acknowledged by the gateway, against the floor N / 50 s, and the count of error 100.
 * Environment: BENCH_MESSAGES_PER_SECOND (adapter pacing), BENCH_ORDERS_PER_SECOND (engine pacing);
 * both default to what the product uses.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { AuditLog } from '../../src/audit/index.js';
import { createIbBrokerage } from '../../src/brokerage/ib/index.js';
import { ManualClock, systemClock } from '../../src/core/clock.js';
import { startExecutionRuntime } from '../../src/execution/index.js';
import { ContractCache } from '../../src/marketdata/index.js';
import { startSimGateway } from '../../src/sim/index.js';
import {
  createSimClock,
  createSyntheticMarket,
  defaultInstruments,
  derivedConId,
} from '../../src/sim/market/index.js';
import { migrateToLatest, openStore } from '../../src/store/index.js';

const ORDERS = Number(process.argv[2] ?? 500);
const MESSAGES_PER_SECOND = optionalNumber(process.env.BENCH_MESSAGES_PER_SECOND);
const ORDERS_PER_SECOND = optionalNumber(process.env.BENCH_ORDERS_PER_SECOND);
const OPEN_MS = Date.UTC(2026, 10, 24, 15, 0, 0);
const IB_MESSAGE_LIMIT = 50;

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function optionalNumber(text: string | undefined): number | undefined {
  return text === undefined || text === '' ? undefined : Number(text);
}

const simClock = createSimClock({ mode: 'stepped', startMs: OPEN_MS });
const template = defaultInstruments(simClock)[0];
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
  ...(MESSAGES_PER_SECOND !== undefined ? { maxMessagesPerSecond: MESSAGES_PER_SECOND } : {}),
});
let error100 = 0;
brokerage.ib.onConnectionMessage((info) => {
  if (info.code === 100) error100 += 1;
});
await brokerage.connection.start();
const otherErrors = new Map<number, number>();
brokerage.ib.onIdError((info) => otherErrors.set(info.code, (otherErrors.get(info.code) ?? 0) + 1));
const contractCache = new ContractCache(store.db, dataRoot, brokerage, simTime);
const runtime = await startExecutionRuntime({
  store,
  audit: new AuditLog(store.db, systemClock),
  clock: systemClock,
  brokerage,
  mode: 'paper',
  holder: 'bench',
  ...(ORDERS_PER_SECOND !== undefined ? { maxOrdersPerSecond: ORDERS_PER_SECOND } : {}),
  contractCache,
  quoteClock: simTime,
});
await runtime.ready(30_000);
const symbols = instruments.map((i) => i.symbol);

// Pre-trade, once per universe: every symbol resolved into the contract cache.
let mark = performance.now();
const report = await contractCache.refresh(symbols, { concurrency: 8 });
const contractsMs = performance.now() - mark;
if (report.resolved !== ORDERS) throw new Error(`only ${report.resolved} of ${ORDERS} contracts resolved`);
// Pre-trade, every run: a fresh price per symbol (contracts now come from the cache).
mark = performance.now();
const prepared = await runtime.service.prepare(symbols);
const prepareMs = performance.now() - mark;
// Let the pre-trade burst leave IB's one-second window before the run starts.
await new Promise((resolve) => setTimeout(resolve, 1_100));

// The gateway's first answer per order (openOrder or orderStatus), as the wire sees it.
const wireAck = new Map<number, number>();
brokerage.orders.onStatus((u) => {
  if (!wireAck.has(u.orderId)) wireAck.set(u.orderId, performance.now());
});
brokerage.orders.onOpenOrder((o) => {
  if (!wireAck.has(o.orderId)) wireAck.set(o.orderId, performance.now());
});
const weights = Object.fromEntries(symbols.map((symbol) => [symbol, 0.9 / ORDERS]));
// A run names an existing project by id.
const createdAt = new Date().toISOString();
const project = await store.db
  .insertInto('projects')
  .values({
    name: 'bench',
    description: '',
    current_version: 1,
    created_at: createdAt,
    updated_at: createdAt,
  })
  .returning('id')
  .executeTakeFirstOrThrow();
const started = performance.now();
const result = await runtime.service.executeTargets({
  projectId: Number(project.id),
  tradingDate: '2026-11-24',
  weights,
});
const returned = performance.now();
// Acknowledged in the database = every order is past NEW.
let acknowledgedAt = 0;
for (;;) {
  await runtime.engine.idle();
  const orders = await runtime.engine.repo.orders({ runId: result.run.id });
  if (orders.length > 0 && orders.every((o) => o.status !== 'NEW')) {
    acknowledgedAt = performance.now();
    break;
  }
  if (performance.now() - started > 300_000) throw new Error('timed out waiting for acknowledgements');
  await new Promise((resolve) => setTimeout(resolve, 10));
}
const sends = await store.db
  .selectFrom('trade_order_events')
  .select(['time'])
  .where('kind', '=', 'send')
  .orderBy('id')
  .execute();
// Event times are wall-clock ISO strings; map the first send onto the performance timeline.
const firstSendOffsetMs = Date.parse(sends[0]?.time ?? '') - (Date.now() - (performance.now() - started));
const lastWireAck = Math.max(...wireAck.values());
const floorMs = (ORDERS / IB_MESSAGE_LIMIT) * 1000;
const wireTotalMs = lastWireAck - started;
const dbTotalMs = acknowledgedAt - started;
const run = await runtime.service.waitForRun(result.run.id, 120_000);
const duplicates = sim.orderLog().length - new Set(sim.orderLog().map((o) => o.orderRef)).size;
const aboveFloor = (ms: number) => `${((ms / floorMs - 1) * 100).toFixed(1)}% above the floor`;

console.log(
  `orders:                             ${result.intents.length} (sent ${result.sent}, run ${run.status})`,
);
console.log(
  `pacing:                             adapter ${MESSAGES_PER_SECOND ?? 'default'} msg/s, engine ${ORDERS_PER_SECOND ?? 'default'} orders/s`,
);
console.log(`pre-trade, contracts into the cache: ${seconds(contractsMs)} (once per universe)`);
console.log(
  `pre-trade, prices (snapshots):      ${seconds(prepareMs)} (${prepared.pricesFetched} fetched, ${prepared.pricesReady} already fresh)`,
);
console.log(
  `start -> all acknowledged (wire):   ${seconds(wireTotalMs)} (floor ${seconds(floorMs)}: ${aboveFloor(wireTotalMs)})`,
);
console.log(`start -> all acknowledged (in DB):  ${seconds(dbTotalMs)} (${aboveFloor(dbTotalMs)})`);
console.log(`  of which sizing + planning:       ${seconds(firstSendOffsetMs)}`);
console.log(`  executeTargets returned after:    ${seconds(returned - started)}`);
console.log(`error 100 (rate exceeded):          ${error100}`);
console.log(`duplicate orders at the gateway:    ${duplicates}`);
console.log(`other errors by code:               ${JSON.stringify([...otherErrors])}`);

await runtime.stop();
await brokerage.connection.stop();
await store.close();
await sim.close();
rmSync(dataRoot, { recursive: true, force: true });
if (error100 > 0 || duplicates > 0 || run.status !== 'COMPLETED') process.exitCode = 1;
