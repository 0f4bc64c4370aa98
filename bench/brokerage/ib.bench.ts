/**
 * IB adapter and IB data figures (run: `npx tsx bench/brokerage/ib.bench.ts`):
 * 1. reconnect time after the gateway comes back (median of 20 restarts, production backoff);
 * 2. backfill throughput at the pacing limit (scaled window, and projected to IB's 60 per 10 min);
 * 3. bar storage: binary columnar (.ibb) vs JSONL, size and read time for a year of minute bars.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createIbBrokerage } from '../../src/brokerage/ib/index.js';
import type { BrokerBar } from '../../src/brokerage/index.js';
import { ManualClock, systemClock } from '../../src/core/clock.js';
import {
  decodeIbBars,
  encodeIbBars,
  IbBarStore,
  ibBarsFromRows,
  QuoteStreamWriter,
  runBackfill,
} from '../../src/marketdata/index.js';
import { RequestPacer } from '../../src/marketdata/pacing.js';
import { startSimGateway } from '../../src/sim/index.js';
import { createSimClock, createSyntheticMarket, defaultInstruments } from '../../src/sim/market/index.js';

const OPEN_TUESDAY_MS = Date.UTC(2026, 10, 24, 15, 0, 0);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

async function until(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
}

async function startSim(pacing?: { maxPerWindow: number; windowMs: number }) {
  const simClock = createSimClock({ mode: 'stepped', startMs: OPEN_TUESDAY_MS });
  const market = createSyntheticMarket({ seed: 7, instruments: defaultInstruments(simClock) });
  const sim = await startSimGateway({
    market,
    clock: simClock,
    controlPort: null,
    maxMessagesPerSecond: 0,
    pnlUpdateMs: 100_000,
    pacing: pacing
      ? { enabled: true, identicalWindowMs: 0, burstCount: 1000, burstWindowMs: 0, ...pacing }
      : { enabled: false },
  });
  return { sim, clock: new ManualClock(simClock.nowMs()) };
}

async function reconnectBench(): Promise<void> {
  const { sim, clock } = await startSim();
  // Production defaults: backoff 250 ms doubling to 1 s; heartbeat 10 s / 5 s.
  const broker = createIbBrokerage({ host: '127.0.0.1', port: sim.port, clientId: 1, mode: 'paper', clock });
  await broker.connection.start();
  const outageMs = 2_000;
  const samples: number[] = [];
  for (let i = 0; i < 20; i++) {
    const count = broker.connection.state().reconnectCount;
    await sim.faults.refuse(outageMs / 1000);
    const backAt = Date.now() + outageMs;
    await until(() => broker.connection.state().reconnectCount > count);
    samples.push(Date.now() - backAt);
  }
  await broker.connection.stop();
  await sim.close();
  console.log(
    `reconnect after the gateway returns (outage ${outageMs} ms, 20 runs): median ${median(samples).toFixed(0)} ms, ` +
      `max ${Math.max(...samples).toFixed(0)} ms, min ${Math.min(...samples).toFixed(0)} ms (goal 5000, requirement 60000)`,
  );
}

async function backfillBench(): Promise<void> {
  const windowMs = 1_000;
  const maxPerWindow = 10;
  const { sim, clock } = await startSim({ maxPerWindow, windowMs });
  const broker = createIbBrokerage({ host: '127.0.0.1', port: sim.port, clientId: 2, mode: 'paper', clock });
  await broker.connection.start();
  const symbols = ['AAPL', 'MSFT', 'NVDA', 'AMZN'];
  const contracts = new Map();
  for (const s of symbols) contracts.set(s, (await broker.contracts.resolve({ symbol: s }))[0]);
  const dir = mkdtempSync(path.join(tmpdir(), 'ibloop-bench-'));
  const pacing = {
    maxPerWindow,
    windowMs,
    burstCount: 1000,
    burstWindowMs: 0,
    minIntervalMs: 0,
    safetyMs: 20,
  };
  const started = Date.now();
  const store = new IbBarStore(dir);
  const result = await runBackfill(
    {
      brokerage: broker,
      store,
      contract: async (s) => contracts.get(s),
      clock,
      wallClock: systemClock,
      pacing,
      pacer: new RequestPacer(pacing, systemClock),
      pacingBackoffMs: 200,
      maxRetries: 5,
    },
    symbols,
    '1 min',
    '2026-01-05',
    '2026-10-30',
  );
  const seconds = (Date.now() - started) / 1000;
  let bars = 0;
  for (const s of symbols) bars += store.read(s, '1 min').length;
  await broker.connection.stop();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
  const perRequest = bars / result.requested;
  console.log(
    `backfill at a scaled pacing limit (${maxPerWindow} requests per ${windowMs} ms): ${result.requested} requests, ` +
      `${bars} minute bars in ${seconds.toFixed(1)} s = ${(result.requested / seconds).toFixed(1)} requests/s, ` +
      `${(bars / seconds).toFixed(0)} bars/s, ${result.pacingRetries} pacing errors`,
  );
  const ibRequestsPerHour = (60 / 600) * 3600;
  console.log(
    `projected at IB's limit (60 requests per 10 min): ${ibRequestsPerHour} requests/h = ` +
      `${(ibRequestsPerHour * perRequest).toFixed(0)} minute bars/h (${perRequest.toFixed(0)} bars per week chunk), ` +
      `one symbol-year of minute bars in ${((52 / ibRequestsPerHour) * 60).toFixed(1)} min`,
  );
}

function storageBench(): void {
  const rows: BrokerBar[] = [];
  let t = Date.UTC(2025, 0, 2, 14, 30);
  let price = 100;
  for (let i = 0; i < 252 * 390; i++) {
    price *= 1 + Math.sin(i) * 0.001;
    rows.push({
      timeMs: t,
      open: Math.round(price * 100) / 100,
      high: Math.round(price * 100.2) / 100,
      low: Math.round(price * 99.8) / 100,
      close: Math.round(price * 100.05) / 100,
      volume: 1000 + (i % 977),
      wap: Math.round(price * 100.01) / 100,
      count: 10 + (i % 50),
    });
    t += 60_000;
  }
  const bars = ibBarsFromRows('BENCH', '1 min', rows);
  const dir = mkdtempSync(path.join(tmpdir(), 'ibloop-store-'));
  const binFile = path.join(dir, 'bars.ibb');
  const jsonFile = path.join(dir, 'bars.jsonl');
  writeFileSync(binFile, encodeIbBars(bars));
  writeFileSync(jsonFile, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  const time = (fn: () => number, runs = 10) => {
    const samples: number[] = [];
    let check = 0;
    for (let i = 0; i < runs; i++) {
      const start = process.hrtime.bigint();
      check += fn();
      samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    if (check === 0) throw new Error('nothing read');
    return median(samples);
  };
  const binMs = time(() => {
    const b = decodeIbBars('BENCH', '1 min', readFileSync(binFile));
    let sum = 0;
    for (let i = 0; i < b.length; i++) sum += b.close[i] as number;
    return sum;
  });
  const jsonMs = time(() => {
    const lines = readFileSync(jsonFile, 'utf8').split('\n');
    let sum = 0;
    for (const line of lines) if (line) sum += (JSON.parse(line) as BrokerBar).close;
    return sum;
  });
  console.log(
    `bar storage, one year of minute bars (${rows.length} bars): binary columnar ${(statSync(binFile).size / 1e6).toFixed(2)} MB, ` +
      `read+scan ${binMs.toFixed(1)} ms; JSONL ${(statSync(jsonFile).size / 1e6).toFixed(2)} MB, read+parse+scan ${jsonMs.toFixed(1)} ms ` +
      `(${(jsonMs / binMs).toFixed(1)}x slower)`,
  );
  rmSync(dir, { recursive: true, force: true });
}

async function quoteStreamBench(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ibloop-qs-'));
  const writer = new QuoteStreamWriter(dir, 250);
  const symbols = Array.from({ length: 100 }, (_, i) => `S${i}`);
  const updates = 200_000;
  const start = Date.UTC(2026, 10, 24, 15);
  const started = process.hrtime.bigint();
  for (let i = 0; i < updates; i++) {
    const symbol = symbols[i % symbols.length] as string;
    const price = 100 + (i % 37) * 0.01;
    writer.append({
      source: 'ib',
      symbol,
      conId: i % 100,
      timeMs: start + i * 5,
      bid: price - 0.01,
      ask: price + 0.01,
      last: price,
      bidSize: 100,
      askSize: 200,
      lastSize: 10,
      volume: i,
    });
    if (i % 10_000 === 0) await writer.flush();
  }
  await writer.close();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(
    `quote stream files: ${updates} updates over ${symbols.length} symbols in ${ms.toFixed(0)} ms = ` +
      `${Math.round((updates / ms) * 1000).toLocaleString('en-US')} lines/s (IB sends ~4 updates/s per symbol: 400/s for 100 lines)`,
  );
  rmSync(dir, { recursive: true, force: true });
}

storageBench();
await quoteStreamBench();
await backfillBench();
await reconnectBench();
