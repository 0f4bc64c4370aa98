import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IbBrokerage } from '../../src/brokerage/ib/index.js';
import type { BrokerContract } from '../../src/brokerage/index.js';
import { systemClock } from '../../src/core/clock.js';
import {
  auditBars,
  IbBarStore,
  ibBarsFromColumns,
  planChunks,
  runBackfill,
  runTailBackfill,
} from '../../src/marketdata/index.js';
import { type PacingRules, RequestPacer } from '../../src/marketdata/pacing.js';
import { type Harness, startHarness } from '../brokerage/sim-harness.js';

/** Sim pacing: IB's rules scaled down in time so a test can hit them. */
const SIM_PACING = {
  enabled: true,
  identicalWindowMs: 1_000,
  burstCount: 6,
  burstWindowMs: 500,
  maxPerWindow: 8,
  windowMs: 1_500,
};
/** The client keeps one request below the gateway's limit: its clock and the gateway's differ a bit. */
const CLIENT_PACING: PacingRules = {
  maxPerWindow: 7,
  windowMs: 1_500,
  burstCount: 6,
  burstWindowMs: 500,
  minIntervalMs: 0,
  safetyMs: 150,
};

describe('historical backfill against the built-in gateway', () => {
  let h: Harness;
  let broker: IbBrokerage;
  let dir: string;
  const contracts = new Map<string, BrokerContract>();
  const requests: Array<{ symbol: string; endMs: number; durationSec: number }> = [];

  beforeAll(async () => {
    h = await startHarness({ pacing: SIM_PACING });
    const originalBars = h.sim.gateway.market.bars.bind(h.sim.gateway.market);
    // Count what the gateway serves: the evidence for "nothing fetched twice".
    h.sim.gateway.market.bars = (symbol, query) => {
      requests.push({ symbol, endMs: query.endMs, durationSec: query.durationSec });
      return originalBars(symbol, query);
    };
    broker = h.brokerage();
    await broker.connection.start();
    for (const symbol of ['AAPL', 'MSFT', 'NVDA']) {
      const [c] = await broker.contracts.resolve({ symbol });
      if (c) contracts.set(symbol, c);
    }
    dir = mkdtempSync(path.join(tmpdir(), 'ibloop-bf-'));
  });

  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const pacer = new RequestPacer(CLIENT_PACING, systemClock);
  const options = (store: IbBarStore) => ({
    pacer,
    brokerage: broker,
    store,
    contract: async (symbol: string) => {
      const c = contracts.get(symbol);
      if (!c) throw new Error(`no contract ${symbol}`);
      return c;
    },
    clock: h.clock,
    wallClock: systemClock,
    pacing: CLIENT_PACING,
    pacingBackoffMs: 200,
    maxRetries: 6,
  });

  it('plans year chunks for daily bars and week chunks for minute bars', () => {
    const now = Date.UTC(2026, 10, 24, 15);
    expect(planChunks(['aapl'], '1 day', '2025-06-01', '2026-02-01', now).map((c) => c.key)).toEqual([
      '2025',
      '2026',
    ]);
    const weeks = planChunks(['AAPL'], '1 min', '2026-10-05', '2026-10-16', now);
    expect(weeks.map((c) => c.key)).toEqual(['2026-10-05', '2026-10-12']);
    expect(weeks[0]?.days).toEqual(['2026-10-05', '2026-10-06', '2026-10-07', '2026-10-08', '2026-10-09']);
    // Thanksgiving week 2026: Thursday closed.
    expect(planChunks(['AAPL'], '1 min', '2026-11-23', '2026-11-23', now)[0]?.days).not.toContain(
      '2026-11-26',
    );
  });

  it('stays under the pacing rules (no 162), stores minute bars, and a rerun fetches nothing', async () => {
    const store = new IbBarStore(path.join(dir, 'a'));
    const before = requests.length;
    const first = await runBackfill(
      options(store),
      ['AAPL', 'MSFT', 'NVDA'],
      '1 min',
      '2026-09-14',
      '2026-10-30',
    );
    expect(first.failures).toEqual([]);
    expect(first.chunks).toBe(21);
    expect(first.requested).toBe(21);
    // More requests than the sim's window allows at once: only client-side pacing avoided 162.
    expect(first.pacingRetries).toBe(0);
    expect(requests.length - before).toBe(21);

    const audit = auditBars(store, 'AAPL', '1 min', '2026-09-14', '2026-10-30', h.clock.nowMs());
    expect(audit.expectedSessions).toBe(35);
    expect(audit.presentSessions).toBe(35);
    expect(audit.gaps).toEqual([]);
    expect(audit.partialDays).toEqual([]);
    expect(audit.bars).toBe(35 * 390);

    const again = await runBackfill(
      options(store),
      ['AAPL', 'MSFT', 'NVDA'],
      '1 min',
      '2026-09-14',
      '2026-10-30',
    );
    expect(again).toMatchObject({ requested: 0, skipped: 21 });
    expect(requests.length - before).toBe(21);
  });

  it('backs off and retries on a pacing error and still completes', async () => {
    const store = new IbBarStore(path.join(dir, 'b'));
    await h.sim.faults.pacing(2);
    const result = await runBackfill(options(store), ['AAPL', 'MSFT'], '1 day', '2024-01-01', '2025-12-31');
    expect(result.failures).toEqual([]);
    expect(result.pacingRetries).toBe(2);
    expect(result.stored).toBe(4);
    const audit = auditBars(store, 'MSFT', '1 day', '2024-01-01', '2025-12-31', h.clock.nowMs());
    expect(audit.presentSessions).toBe(audit.expectedSessions);
    expect(audit.expectedSessions).toBe(502);
  });

  it('keeps the stored bars of an open chunk when the data is stopped', async () => {
    const store = new IbBarStore(path.join(dir, 'stopped'));
    const first = await runBackfill(options(store), ['AAPL'], '1 day', '2026-01-01', '2026-11-20');
    expect(first.failures).toEqual([]);
    const stored = store.read('AAPL', '1 day');
    expect(stored.length).toBeGreaterThan(200);
    // The current year's chunk is still open, so a second backfill asks for it again.
    expect(store.hasComplete('AAPL', '1 day', '2026')).toBe(false);
    h.sim.gateway.faults.stoppedSymbols.add('AAPL');
    try {
      const again = await runBackfill(options(store), ['AAPL'], '1 day', '2026-01-01', '2026-11-20');
      expect(again.stored + again.empty + again.failures.length).toBeGreaterThan(0);
    } finally {
      h.sim.gateway.faults.stoppedSymbols.delete('AAPL');
    }
    const after = store.read('AAPL', '1 day');
    expect(Array.from(after.timeMs)).toEqual(Array.from(stored.timeMs));
    expect(Array.from(after.close)).toEqual(Array.from(stored.close));
  });

  it('fetches only the missing tail of daily bars, and leaves a hole to the chunked backfill', async () => {
    const store = new IbBarStore(path.join(dir, 'tail'));
    const symbols = ['AAPL', 'MSFT', 'NVDA'];
    const full = await runBackfill(options(store), symbols, '1 day', '2026-01-01', '2026-11-20');
    expect(full.failures).toEqual([]);
    const nowMs = h.clock.nowMs();
    const whole = store.read('AAPL', '1 day');
    // AAPL loses its last 7 sessions; MSFT one session in the middle; NVDA has no bars at all.
    const cut = (bars: ReturnType<IbBarStore['read']>, keep: (i: number) => boolean) => {
      const index = Array.from(bars.timeMs.keys()).filter(keep);
      const col = (c: Float64Array) => Float64Array.from(index, (i) => c[i] as number);
      return ibBarsFromColumns(bars.symbol, '1 day', {
        timeMs: col(bars.timeMs),
        open: col(bars.open),
        high: col(bars.high),
        low: col(bars.low),
        close: col(bars.close),
        volume: col(bars.volume),
        wap: col(bars.wap),
        count: col(bars.count),
      });
    };
    store.writeChunk(
      cut(whole, (i) => i < whole.length - 7),
      '2026',
      false,
    );
    const msft = store.read('MSFT', '1 day');
    store.writeChunk(
      cut(msft, (i) => i !== msft.length - 30),
      '2026',
      false,
    );
    rmSync(store.folder('NVDA', '1 day'), { recursive: true });
    const audits = symbols.map((s) => auditBars(store, s, '1 day', '2026-01-01', '2026-11-20', nowMs));
    // The chunk also holds the session in progress, which no audit expects yet.
    const lastMissing = audits[0]?.missingDays.at(-1) ?? '';
    expect(audits[0]?.missingDays.length).toBeGreaterThanOrEqual(5);
    expect(audits.slice(1).map((a) => a.missingDays.length)).toEqual([1, audits[2]?.expectedSessions]);

    const before = requests.length;
    const tail = await runTailBackfill({ ...options(store), concurrency: 3 }, audits);
    expect(tail.failures).toEqual([]);
    expect(tail.needFull).toEqual(['MSFT', 'NVDA']);
    expect(tail).toMatchObject({ requested: 1, stored: 1 });
    // One request for AAPL, over about the missing days (calendar days), not the year.
    const sent = requests.slice(before);
    expect(sent.map((r) => r.symbol)).toEqual(['AAPL']);
    expect(sent[0]?.durationSec).toBeLessThanOrEqual(14 * 86_400);
    const mended = store.read('AAPL', '1 day');
    const upTo = store.read('AAPL', '1 day', -Infinity, Date.parse(`${lastMissing}T00:00:00Z`) + 1);
    expect(mended.length).toBe(upTo.length);
    const wholeUpTo = Array.from(whole.timeMs).filter((t) => t <= (upTo.timeMs.at(-1) as number));
    expect(Array.from(mended.timeMs)).toEqual(wholeUpTo);
    expect(Array.from(mended.close)).toEqual(Array.from(whole.close).slice(0, wholeUpTo.length));
    expect(auditBars(store, 'AAPL', '1 day', '2026-01-01', '2026-11-20', nowMs).missingDays).toEqual([]);
    // A complete audit asks for nothing.
    const none = await runTailBackfill(options(store), [{ symbol: 'AAPL', missingDays: [] }]);
    expect(none).toMatchObject({ requested: 0, needFull: [] });
  });

  it('lists gaps when stored sessions are missing', async () => {
    const store = new IbBarStore(path.join(dir, 'a'));
    const folder = store.folder('NVDA', '1 min');
    rmSync(path.join(folder, '2026-10-12.ibb'));
    const audit = auditBars(store, 'NVDA', '1 min', '2026-10-05', '2026-10-23', h.clock.nowMs());
    expect(audit.missingDays).toEqual(['2026-10-12', '2026-10-13', '2026-10-14', '2026-10-15', '2026-10-16']);
    expect(audit.gaps).toEqual([{ from: '2026-10-12', to: '2026-10-16', sessions: 5 }]);
    expect(audit.completeness).toBeCloseTo(10 / 15);
    // The rerun fetches exactly the missing chunk.
    const rerun = await runBackfill(options(store), ['NVDA'], '1 min', '2026-10-05', '2026-10-23');
    expect(rerun).toMatchObject({ requested: 1, skipped: 2 });
    expect(readdirSync(folder)).toContain('2026-10-12.ibb');
  });
});
