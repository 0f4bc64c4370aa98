import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppContext, openAppContext } from '../../src/app/context.js';
import type { BrokerContract } from '../../src/brokerage/index.js';
import { loadBootstrapConfig } from '../../src/config/index.js';
import { ManualClock, systemClock } from '../../src/core/clock.js';
import { JobAbortedError } from '../../src/jobs/index.js';
import { ContractCache, IbBarStore, runBackfill } from '../../src/marketdata/index.js';
import { IB_HISTORICAL_PACING } from '../../src/marketdata/pacing.js';
import { ResearchService } from '../../src/research/index.js';
import { AlphaVantageClient } from '../../src/sources/alpha/client.js';
import { type EngineTarget, freshStore, freshTarget } from '../helpers/engines.js';

const never = () => new Promise<void>(() => {});

describe('the backfill honours an abort signal between chunks', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ibloop-cancel-bf-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops after the chunk in flight, keeps the stored chunks, and a rerun skips them', async () => {
    const store = new IbBarStore(dir);
    const clock = new ManualClock(Date.parse('2026-03-02T15:00:00Z'));
    const controller = new AbortController();
    const requested: number[] = [];
    const options = {
      brokerage: {
        history: {
          bars: async (query: { endMs: number }) => {
            requested.push(query.endMs);
            // The cancel arrives while the second request is in flight.
            if (requested.length === 2)
              controller.abort(new JobAbortedError('cancelled', 'cancelled by test'));
            return [];
          },
        },
      },
      store,
      contract: async (symbol: string): Promise<BrokerContract> =>
        ({ symbol, conId: 7, secType: 'STK' }) as BrokerContract,
      clock,
      wallClock: systemClock,
      pacing: { ...IB_HISTORICAL_PACING, burstCount: 100, safetyMs: 0 },
      pacingBackoffMs: 10,
      maxRetries: 1,
    };
    const run = runBackfill(
      { ...options, signal: controller.signal } as Parameters<typeof runBackfill>[0],
      ['AAPL'],
      '1 day',
      '2022-01-03',
      '2025-12-31',
    );
    await expect(run).rejects.toThrow('cancelled by test');
    expect(requested).toHaveLength(2);
    // The chunk whose answer was in flight was stored: nothing IB paced us for is lost.
    expect(['2022', '2023', '2024', '2025'].map((key) => store.hasComplete('AAPL', '1 day', key))).toEqual([
      true,
      true,
      false,
      false,
    ]);

    const rerun = await runBackfill(
      options as Parameters<typeof runBackfill>[0],
      ['AAPL'],
      '1 day',
      '2022-01-03',
      '2025-12-31',
    );
    expect(rerun).toMatchObject({ chunks: 4, skipped: 2, requested: 2, failures: [] });
  });

  it('leaves a pacing wait at once when aborted', async () => {
    const store = new IbBarStore(dir);
    const controller = new AbortController();
    let requests = 0;
    const run = runBackfill(
      {
        brokerage: {
          history: {
            bars: async () => {
              requests += 1;
              return [];
            },
          },
        },
        store,
        contract: async (symbol: string) => ({ symbol, conId: 8, secType: 'STK' }) as BrokerContract,
        clock: new ManualClock(Date.parse('2026-03-02T15:00:00Z')),
        wallClock: systemClock,
        // One request per window: the second chunk waits (forever, with this sleep) for the pacer.
        pacing: { ...IB_HISTORICAL_PACING, maxPerWindow: 1, windowMs: 3_600_000 },
        sleep: never,
        pacingBackoffMs: 10,
        maxRetries: 1,
        signal: controller.signal,
      },
      ['MSFT'],
      '1 day',
      '2023-01-03',
      '2024-12-31',
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    controller.abort(new JobAbortedError('cancelled', 'stop waiting'));
    await expect(run).rejects.toThrow('stop waiting');
    expect(requests).toBe(1);
    expect(store.hasComplete('MSFT', '1 day', '2023')).toBe(true);
  });
});

describe('the Alpha Vantage client honours an abort signal', () => {
  it('leaves a rate-limit wait at once and requests nothing more', async () => {
    const requested: string[] = [];
    const client = new AlphaVantageClient(
      { apiKey: 'TESTKEY', requestsPerMinute: 1, requestsPerDay: 25 },
      {
        clock: new ManualClock(Date.parse('2026-03-02T15:00:00Z')),
        sleep: never,
        fetch: (async (input: string | URL | Request) => {
          requested.push(new URL(String(input)).searchParams.get('symbol') ?? '');
          // A plain refusal (not retried): the client moves on to the next symbol.
          return new Response('bad request', { status: 400 });
        }) as typeof fetch,
      },
    );
    const controller = new AbortController();
    const events: string[] = [];
    const run = client.fetchMany(
      ['IBM', 'MSFT', 'AAPL'],
      (progress) => {
        events.push(`${progress.symbol}:${progress.event}`);
        // The second symbol waits for the per-minute slot: cancel there.
        if (progress.event === 'rate-wait') controller.abort(new JobAbortedError('cancelled', 'user stop'));
      },
      controller.signal,
    );
    await expect(run).rejects.toThrow('user stop');
    expect(requested).toEqual(['IBM']);
    expect(events).toContain('MSFT:rate-wait');
    expect(events.some((event) => event.startsWith('AAPL'))).toBe(false);
  });

  it('aborts a request in flight and does not retry it', async () => {
    let calls = 0;
    const client = new AlphaVantageClient(
      { apiKey: 'TESTKEY', requestsPerMinute: 5, requestsPerDay: 25 },
      {
        clock: new ManualClock(Date.parse('2026-03-02T15:00:00Z')),
        sleep: async () => {},
        fetch: ((_input: string | URL | Request, init?: RequestInit) => {
          calls += 1;
          return new Promise<Response>((_resolve, reject) => {
            init?.signal?.addEventListener('abort', () => reject(new Error('aborted')));
          });
        }) as typeof fetch,
      },
    );
    const controller = new AbortController();
    const run = client.fetchMany(['IBM'], undefined, controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort(new JobAbortedError('cancelled', 'user stop'));
    await expect(run).rejects.toBeInstanceOf(JobAbortedError);
    expect(calls).toBe(1);
  });
});

describe('a data.fetch job stops when cancelled', () => {
  let target: EngineTarget;
  let ctx: AppContext;
  let research: ResearchService;
  const requested: string[] = [];
  const clock = new ManualClock(Date.parse('2026-03-04T15:00:00Z'));

  beforeAll(async () => {
    target = await freshTarget('sqlite');
    const bootstrap = loadBootstrapConfig({
      env: { ALPHA_VANTAGE_API_KEY: 'TESTKEY12345' },
      overrides: { DATA_ROOT: target.dataRoot },
    });
    ctx = await openAppContext(bootstrap, { clock, logSink: () => {} });
    research = new ResearchService({
      db: ctx.store.db,
      dataRoot: target.dataRoot,
      clock,
      jobs: ctx.jobs,
      projects: ctx.projects,
      themes: ctx.themes,
      settings: ctx.settings,
      alphaVantage: {
        fetch: (async (input: string | URL | Request) => {
          requested.push(new URL(String(input)).searchParams.get('symbol') ?? '');
          return new Response('bad request', { status: 400 });
        }) as typeof fetch,
        // The per-minute wait never ends by itself: only the cancel gets the job out of it.
        sleep: never,
        baseUrl: 'http://alpha.test/query',
      },
    });
  });
  afterAll(async () => {
    await ctx.close();
    target.cleanup();
  });

  it('ends cancelled while waiting for the rate limit, and its work returns', async () => {
    const messages: string[] = [];
    const stop = ctx.jobs.onProgress((event) => messages.push(event.message));
    const started = await research.fetch({ symbols: ['IBM', 'MSFT', 'AAPL'], requestsPerMinute: 1 }, 'alice');
    await expect.poll(() => messages.some((message) => message.startsWith('MSFT: rate-wait'))).toBe(true);
    stop();
    const cancelled = await ctx.jobs.cancel(started.job.id, 'bob');
    expect(cancelled).toMatchObject({ status: 'cancelled', message: 'cancelled by bob' });
    // The work left its wait: the runner has nothing running any more.
    await ctx.jobs.idle();
    expect(requested).toEqual(['IBM']);
    expect((await ctx.jobs.get(started.job.id)).status).toBe('cancelled');
  });
});

describe('a contract refresh honours an abort signal between symbols', () => {
  it('keeps the symbols resolved before the abort, resolves no more, and throws the reason', async () => {
    const { store, target } = await freshStore('sqlite');
    try {
      const controller = new AbortController();
      const asked: string[] = [];
      const brokerage = {
        contracts: {
          resolve: async (query: { symbol: string }): Promise<BrokerContract[]> => {
            asked.push(query.symbol);
            if (asked.length === 2) controller.abort(new JobAbortedError('cancelled', 'refresh stopped'));
            return [stockContract(query.symbol, asked.length)];
          },
        },
      };
      const cache = new ContractCache(
        store.db,
        target.dataRoot,
        brokerage as ConstructorParameters<typeof ContractCache>[2],
        new ManualClock(Date.parse('2026-03-02T15:00:00Z')),
      );
      await expect(
        cache.refresh(['AAA', 'BBB', 'CCC', 'DDD'], { concurrency: 1, signal: controller.signal }),
      ).rejects.toThrow('refresh stopped');
      expect(asked).toEqual(['AAA', 'BBB']);
      const report = await cache.report(['AAA', 'BBB', 'CCC', 'DDD']);
      expect(report.entries.map((entry) => entry.status)).toEqual([
        'resolved',
        'resolved',
        'missing',
        'missing',
      ]);
    } finally {
      await store.close();
      target.cleanup();
    }
  });
});

function stockContract(symbol: string, conId: number): BrokerContract {
  return {
    symbol,
    conId,
    secType: 'STK',
    exchange: 'SMART',
    primaryExchange: 'NYSE',
    currency: 'USD',
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
