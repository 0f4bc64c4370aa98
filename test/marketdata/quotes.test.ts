import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IbBrokerage } from '../../src/brokerage/ib/index.js';
import type { BrokerContract } from '../../src/brokerage/index.js';
import { QuoteService, QuoteStreamWriter } from '../../src/marketdata/index.js';
import type { QuoteLine } from '../../src/marketdata/quote-stream.js';
import { type Harness, startHarness, waitFor } from '../brokerage/sim-harness.js';

function linesOf(file: string): QuoteLine[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as QuoteLine);
}

function stateOf(l: QuoteLine): string {
  return JSON.stringify([l.b, l.a, l.l, l.bs, l.as, l.ls, l.v]);
}

describe('level-1 quote service against the built-in gateway', () => {
  let h: Harness;
  let broker: IbBrokerage;
  let dir: string;
  const contracts = new Map<string, BrokerContract>();
  const published: Array<{ name: string; data: unknown }> = [];
  let service: QuoteService;
  let writer: QuoteStreamWriter;

  beforeAll(async () => {
    h = await startHarness({ maxMarketDataLines: 10 });
    broker = h.brokerage();
    await broker.connection.start();
    for (const symbol of ['AAPL', 'MSFT', 'NVDA']) {
      const [c] = await broker.contracts.resolve({ symbol });
      if (c) contracts.set(symbol, c);
    }
    dir = mkdtempSync(path.join(tmpdir(), 'ibloop-q-'));
    writer = new QuoteStreamWriter(dir, 20);
    service = new QuoteService({
      brokerage: broker,
      contract: async (s) => {
        const c = contracts.get(s);
        if (!c) throw new Error(`unknown ${s}`);
        return c;
      },
      clock: h.clock,
      writer,
      publish: (name, data) => published.push({ name, data }),
      lineBudget: 2,
      subscribePerSecond: 50,
    });
  });

  afterAll(async () => {
    await service.close();
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('subscribes within the line budget and refuses the rest with a reason', async () => {
    const outcome = service.setUniverse(['AAPL', 'MSFT', 'NVDA']);
    expect(outcome).toEqual({ subscribed: ['AAPL', 'MSFT'], refused: ['NVDA'] });
    await service.settled();
    await waitFor('quotes', () => service.snapshot().filter((q) => q.last !== null).length === 2);
    const snapshot = service.snapshot();
    expect(snapshot.map((q) => [q.symbol, q.status])).toEqual([
      ['AAPL', 'subscribed'],
      ['MSFT', 'subscribed'],
      ['NVDA', 'refused'],
    ]);
    const nvda = snapshot.find((q) => q.symbol === 'NVDA');
    expect(nvda?.error).toMatch(/budget \(2\)/);
    const aapl = snapshot.find((q) => q.symbol === 'AAPL');
    expect(aapl).toMatchObject({ source: 'ib', conId: 265598, stale: false, stalenessMs: 0 });
    expect(aapl?.bid).toBeLessThanOrEqual(aapl?.ask ?? 0);
    expect(aapl?.ticksPerMinute).toBeGreaterThan(0);
    expect(
      published.some((p) => p.name === 'ib.quote' && (p.data as { symbol: string }).symbol === 'AAPL'),
    ).toBe(true);
  });

  it('marks quotes stale when no update comes', () => {
    h.clock.advance(120_000);
    expect(service.snapshot().find((q) => q.symbol === 'AAPL')).toMatchObject({
      stale: true,
      stalenessMs: 120_000,
    });
    h.clock.advance(-120_000);
  });

  it('writes day/symbol stream files with no duplicate line across a gateway restart', async () => {
    const moveMarket = async (steps: number) => {
      for (let i = 0; i < steps; i++) {
        h.sim.clock.advance(1_000);
        h.clock.set(h.sim.clock.nowMs());
        await new Promise((r) => setTimeout(r, 40));
      }
    };
    await moveMarket(5);
    await h.sim.faults.refuse(0.5);
    await waitFor('disconnected', () => broker.connection.state().status !== 'CONNECTED');
    // While the feed is down every quote is stale, however recent its last update.
    expect(
      service
        .snapshot()
        .filter((q) => q.status === 'subscribed')
        .every((q) => q.stale),
    ).toBe(true);
    await waitFor('reconnected', () => broker.connection.state().reconnectCount >= 1, 10_000);
    await moveMarket(5);
    await h.sim.faults.dropAll();
    await waitFor('reconnected again', () => broker.connection.state().reconnectCount >= 2, 10_000);
    await new Promise((r) => setTimeout(r, 200));
    await writer.flush();

    const dayDir = path.join(dir, 'ib', 'stream', '2026-11-24');
    expect(readdirSync(dayDir).sort()).toEqual(['AAPL.jsonl', 'MSFT.jsonl']);
    const lines = linesOf(path.join(dayDir, 'AAPL.jsonl'));
    expect(lines.length).toBeGreaterThan(5);
    for (let i = 1; i < lines.length; i++) {
      expect(stateOf(lines[i] as QuoteLine)).not.toBe(stateOf(lines[i - 1] as QuoteLine));
    }
    // The resubscription snapshots were seen and dropped as duplicates.
    expect(writer.duplicatesSkipped).toBeGreaterThan(0);
    const times = lines.map((l) => l.t);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('a restarted writer does not repeat the last line of an existing file', async () => {
    const file = path.join(dir, 'ib', 'stream', '2026-11-24', 'MSFT.jsonl');
    const before = linesOf(file);
    const last = before.at(-1) as QuoteLine;
    const fresh = new QuoteStreamWriter(dir, 10);
    fresh.append({
      source: 'ib',
      symbol: 'MSFT',
      conId: 272093,
      timeMs: last.t + 1,
      bid: last.b,
      ask: last.a,
      last: last.l,
      bidSize: last.bs,
      askSize: last.as,
      lastSize: last.ls,
      volume: last.v,
    });
    await fresh.close();
    expect(linesOf(file)).toHaveLength(before.length);
    expect(fresh.duplicatesSkipped).toBe(1);
  });
});
