import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppContext, openAppContext } from '../../src/app/context.js';
import { loadBootstrapConfig } from '../../src/config/index.js';
import { ManualClock } from '../../src/core/clock.js';
import { ResearchService } from '../../src/research/index.js';
import { type EngineTarget, freshTarget } from '../helpers/engines.js';
import { csvMarket } from './fixtures.js';

const API_KEY = 'TESTKEY12345';

describe('Alpha Vantage download job', () => {
  let target: EngineTarget;
  let ctx: AppContext;
  let research: ResearchService;
  const requested: string[] = [];
  const clock = new ManualClock(Date.parse('2026-03-04T15:00:00Z'));
  const market = csvMarket({ seed: 2, symbols: ['IBM'], days: 40 });

  beforeAll(async () => {
    target = await freshTarget('sqlite');
    const bootstrap = loadBootstrapConfig({
      env: { ALPHA_VANTAGE_API_KEY: API_KEY },
      overrides: { DATA_ROOT: target.dataRoot },
    });
    ctx = await openAppContext(bootstrap, { clock, logSink: () => {} });
    const fakeFetch = (async (input: string | URL | Request) => {
      const url = new URL(String(input));
      requested.push(url.searchParams.get('symbol') ?? '');
      const symbol = url.searchParams.get('symbol');
      const body =
        symbol === 'IBM' ? market.IBM! : JSON.stringify({ 'Error Message': 'Invalid API call for NOPE' });
      return new Response(body, { status: 200 });
    }) as typeof fetch;
    research = new ResearchService({
      db: ctx.store.db,
      dataRoot: target.dataRoot,
      clock,
      jobs: ctx.jobs,
      projects: ctx.projects,
      themes: ctx.themes,
      settings: ctx.settings,
      alphaVantage: { fetch: fakeFetch, sleep: async () => {}, baseUrl: 'http://alpha.test/query' },
    });
  });
  afterAll(async () => {
    await ctx.close();
    target.cleanup();
  });

  it('downloads as a job, stores what arrived, reports what failed, and never shows the key', async () => {
    const started = await research.fetch({ symbols: ['ibm', 'NOPE'] }, 'alice');
    expect(started.job.kind).toBe('data.fetch');
    const job = await ctx.jobs.wait(started.job.id);
    expect(job.status).toBe('succeeded');
    expect(requested).toEqual(['IBM', 'NOPE']);
    expect(job.result).toMatchObject({
      stored: [{ symbol: 'IBM', result: 'created', rows: 40 }],
      failed: [{ symbol: 'NOPE' }],
    });
    expect(JSON.stringify(job)).not.toContain(API_KEY);
    const coverage = await research.coverage();
    expect(coverage.map((entry) => [entry.symbol, entry.rows])).toEqual([['IBM', 40]]);
  });

  it('fails the job when nothing could be downloaded', async () => {
    const started = await research.fetch({ symbols: ['NOPE'] }, 'alice');
    const job = await ctx.jobs.wait(started.job.id);
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/no symbol downloaded: NOPE: Invalid API call/);
  });
});
