import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IbBrokerage } from '../../src/brokerage/ib/index.js';
import type { BrokerContract, ContractQuery } from '../../src/brokerage/index.js';
import { ContractCache, chooseContract } from '../../src/marketdata/index.js';
import { migrateToLatest, openStore, type Store } from '../../src/store/index.js';
import { type Harness, startHarness } from '../brokerage/sim-harness.js';

function contract(conId: number, primaryExchange: string, currency = 'USD'): BrokerContract {
  return {
    symbol: 'XYZ',
    conId,
    secType: 'STK',
    exchange: 'SMART',
    primaryExchange,
    currency,
    multiplier: 1,
    minTick: 0.01,
    lotSize: 1,
    longName: '',
    industry: '',
    category: '',
    timeZoneId: 'US/Eastern',
    tradingHours: '',
    liquidHours: '',
  };
}

describe('ambiguity rules', () => {
  it('keeps the requested currency', () => {
    const r = chooseContract([contract(1, 'TSE', 'CAD'), contract(2, 'NYSE')], 'USD');
    expect(r).toMatchObject({ kind: 'resolved', contract: { conId: 2 }, candidates: 2 });
  });
  it('prefers a given primary exchange, then NYSE, NASDAQ, ARCA, AMEX, BATS', () => {
    expect(chooseContract([contract(1, 'NASDAQ'), contract(2, 'NYSE')], 'USD')).toMatchObject({
      contract: { conId: 2 },
    });
    expect(chooseContract([contract(1, 'NASDAQ'), contract(2, 'NYSE')], 'USD', 'NASDAQ')).toMatchObject({
      contract: { conId: 1 },
    });
    expect(chooseContract([contract(3, 'BATS'), contract(4, 'ARCA')], 'USD')).toMatchObject({
      contract: { conId: 4 },
    });
  });
  it('leaves a true tie unresolved with the candidates listed, and explains a missing currency', () => {
    expect(chooseContract([contract(5, 'PINK'), contract(6, 'PINK')], 'USD')).toEqual({
      kind: 'unresolved',
      reason: 'ambiguous: 5@PINK, 6@PINK',
      candidates: 2,
    });
    expect(chooseContract([contract(7, 'TSE', 'CAD')], 'USD')).toMatchObject({
      kind: 'unresolved',
      reason: expect.stringMatching(/no USD listing.*TSE\/CAD/),
    });
  });
});

describe('contract cache against the built-in gateway', () => {
  let h: Harness;
  let broker: IbBrokerage;
  let dir: string;
  let store: Store;
  const asked: string[] = [];
  let cache: ContractCache;

  beforeAll(async () => {
    h = await startHarness();
    broker = h.brokerage();
    await broker.connection.start();
    dir = mkdtempSync(path.join(tmpdir(), 'ibloop-cc-'));
    store = openStore({ dataRoot: dir });
    await migrateToLatest(store);
    const counting = {
      contracts: {
        resolve: (q: ContractQuery) => {
          asked.push(q.symbol);
          return broker.contracts.resolve(q);
        },
      },
    };
    cache = new ContractCache(store.db, dir, counting, h.clock);
  });

  afterAll(async () => {
    await store.close();
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resolves a universe, lists unknown symbols with IB reason, writes the snapshot', async () => {
    const progress: number[] = [];
    const report = await cache.refresh(['aapl', 'MSFT', 'ZZZZQ'], {
      onProgress: (done) => progress.push(done),
    });
    expect(report).toMatchObject({
      source: 'ib',
      total: 3,
      resolved: 2,
      unresolved: 1,
      missing: 0,
      stale: 0,
    });
    expect(report.entries.find((e) => e.symbol === 'ZZZZQ')).toMatchObject({
      status: 'unresolved',
      reason: expect.stringMatching(/^IB 200:/),
    });
    expect(progress.at(-1)).toBe(3);
    const aapl = await cache.get('AAPL');
    expect(aapl).toMatchObject({
      conId: 265598,
      primaryExchange: 'NASDAQ',
      minTick: 0.01,
      lotSize: 1,
      multiplier: 1,
    });
    expect(aapl?.tradingHours).toMatch(/\d{8}:\d{4}/);
    const snapshot = path.join(dir, 'ib', 'contracts', 'contracts.json');
    expect(existsSync(snapshot)).toBe(true);
    const body = JSON.parse(readFileSync(snapshot, 'utf8')) as {
      contracts: Array<{ symbol: string; con_id: number }>;
    };
    expect(body.contracts.map((c) => c.symbol)).toEqual(['AAPL', 'MSFT', 'ZZZZQ']);
  });

  it('refreshes incrementally: only missing, unresolved or stale entries go to IB', async () => {
    asked.length = 0;
    await cache.refresh(['AAPL', 'MSFT', 'ZZZZQ', 'NVDA']);
    expect(asked.sort()).toEqual(['NVDA', 'ZZZZQ']);
    asked.length = 0;
    h.clock.advance(8 * 86_400_000);
    const stale = await cache.report(['AAPL', 'NVDA', 'AMZN']);
    expect(stale).toMatchObject({ stale: 2, missing: 1 });
    await cache.refresh(['AAPL'], { maxAgeDays: 7 });
    expect(asked).toEqual(['AAPL']);
    asked.length = 0;
    await cache.refresh(['AAPL'], { maxAgeDays: 7 });
    expect(asked).toEqual([]);
  });

  it('require() resolves on demand and explains a failure', async () => {
    expect((await cache.require('AMZN')).symbol).toBe('AMZN');
    await expect(cache.require('NOPEX')).rejects.toThrow(/NOPEX: not resolved by IB \(IB 200/);
  });
});
