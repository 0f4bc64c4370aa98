import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerUnavailableError } from '../../src/brokerage/index.js';
import type { JobOutcome, JobRequest, StartedJob } from '../../src/jobs/index.js';
import { IbBarStore, IbJobs, type IbRuntime } from '../../src/marketdata/index.js';
import { ApiClient, startTestApp, type TestApp } from '../helpers/app.js';
import { pollUntil } from '../helpers/poll.js';
import { openEventStream } from '../helpers/sse.js';

interface Job {
  id: number;
  kind: string;
  scope: string;
  status: string;
  progress: number;
  message: string;
  result: unknown;
  error: string | null;
}
interface Started {
  job: Job;
  joined: boolean;
}
interface BackfillReport {
  chunks: number;
  skipped: number;
  requested: number;
  stored: number;
  pacingRetries: number;
  failures: unknown[];
  bars: Array<{ symbol: string; bars: number }>;
}
interface ResolutionReport {
  total: number;
  resolved: number;
  unresolved: number;
  entries: Array<{ symbol: string; status: string; reason: string | null }>;
}
interface ErrorBody {
  error: { fields: Array<{ field: string; message: string }> };
}
interface ProgressEvent {
  id: number;
  status: string;
  progress: number;
  message: string;
}

/** Collects `job.progress` server-sent events. */
async function followJobEvents(baseUrl: string, password: string) {
  const login = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const stream = await openEventStream(`${baseUrl}/api/events`, cookie);
  return {
    get events(): ProgressEvent[] {
      return stream.frames.filter((f) => f.event === 'job.progress').map((f) => f.data as ProgressEvent);
    },
    close: stream.close,
  };
}

/** The API side of IB backfill and contract refresh jobs, against the built-in paper gateway. */
describe('IB data jobs over the API', () => {
  let t: TestApp;
  let api: ApiClient;

  const job = async (id: number) => (await api.request<{ job: Job }>('GET', `/api/jobs/${id}`)).body.job;
  const finished = (id: number) =>
    pollUntil(
      () => job(id),
      (j) => j.status === 'succeeded' || j.status === 'failed',
    );
  const jobCount = async (kind: string) =>
    (await api.request<{ jobs: Job[] }>('GET', `/api/jobs?kind=${kind}`)).body.jobs.length;

  beforeAll(async () => {
    t = await startTestApp('sqlite', { trading: { enabled: true, builtInGateway: 'auto' } });
    api = new ApiClient(t.app.url);
    await api.login();
    await pollUntil(
      async () => (await api.request<{ status: string }>('GET', '/api/ib/status')).body.status,
      (s) => s === 'CONNECTED',
    );
  });
  afterAll(async () => {
    await t.close();
  });

  it('backfills daily bars of a few symbols as a job with progress, then skips stored chunks', async () => {
    const stream = await followJobEvents(t.app.url, t.app.adminPassword ?? '');
    const body = { symbols: 'AAPL,MSFT,JPM', barSize: '1d', from: '2025-06-02', to: '2025-06-06' };
    const first = await api.request<Started>('POST', '/api/ib/backfill', body);
    expect(first.status).toBe(202);
    expect(first.body.job).toMatchObject({ kind: 'ib.backfill', scope: 'symbols:AAPL,JPM,MSFT|1d' });
    const done = await finished(first.body.job.id);
    expect(done).toMatchObject({ status: 'succeeded', progress: 1 });
    const report = done.result as BackfillReport;
    expect(report).toMatchObject({ chunks: 3, skipped: 0, stored: 3, failures: [] });
    expect(report.pacingRetries).toBeGreaterThanOrEqual(0);
    // 2025-06-02..06 is a full Monday-to-Friday week of sessions.
    expect(report.bars).toEqual([
      { symbol: 'AAPL', bars: 5 },
      { symbol: 'MSFT', bars: 5 },
      { symbol: 'JPM', bars: 5 },
    ]);

    // Progress went live per chunk, naming the symbol and the window's days.
    const mine = await pollUntil(
      async () => stream.events.filter((e) => e.id === first.body.job.id),
      (events) => events.some((e) => e.status === 'succeeded'),
    );
    await stream.close();
    const messages = mine.filter((e) => e.status === 'running').map((e) => e.message);
    expect(messages).toContain('AAPL 2025-06-02..2025-06-06 (1/3)');
    expect(messages).toContain('JPM 2025-06-02..2025-06-06 (3/3)');
    const fractions = mine.filter((e) => e.status === 'running').map((e) => e.progress);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(Math.max(...fractions)).toBe(1);

    const audit = await api.request<{
      audits: Array<{ symbol: string; completeness: number; gaps: unknown[] }>;
    }>('GET', '/api/ib/bars/audit?symbols=AAPL,MSFT,JPM&barSize=1d&from=2025-06-02&to=2025-06-06');
    expect(audit.body.audits.map((a) => [a.symbol, a.completeness, a.gaps.length])).toEqual([
      ['AAPL', 1, 0],
      ['MSFT', 1, 0],
      ['JPM', 1, 0],
    ]);

    const again = await api.request<Started>('POST', '/api/ib/backfill', body);
    expect(again.status).toBe(202);
    expect(again.body.job.id).not.toBe(first.body.job.id);
    const rerun = await finished(again.body.job.id);
    expect(rerun.result).toMatchObject({ chunks: 3, skipped: 3, requested: 0, stored: 0 });
    expect(rerun.message).toBe('0 fetched, 3 already stored');
  });

  it('refuses a bad backfill body with 400 naming the field, and records no job', async () => {
    const before = await jobCount('ib.backfill');
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ symbols: 'AAPL', barSize: '1d', from: '2025-06-06', to: '2025-06-02' }, 'from'],
      [{ symbols: 'AAPL', barSize: '5m', from: '2025-06-02', to: '2025-06-06' }, 'barSize'],
      [{ barSize: '1d', from: '2025-06-02', to: '2025-06-06' }, 'universe'],
      [{ symbols: 'AAPL', theme: 1, barSize: '1d', from: '2025-06-02', to: '2025-06-06' }, 'universe'],
      [{ symbols: 'AAPL', barSize: '1m', from: '2020-01-01', to: '2025-06-06' }, 'to'],
      [{ symbols: 'AAPL', barSize: '1d', from: '2025-02-30', to: '2025-06-06' }, 'from'],
    ];
    for (const [body, field] of cases) {
      const answer = await api.request<ErrorBody>('POST', '/api/ib/backfill', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.fields.map((f) => f.field)).toContain(field);
    }
    expect(await jobCount('ib.backfill')).toBe(before);
  });

  it('refreshes contracts as a job: resolved and unresolved with IB reason', async () => {
    const started = await api.request<Started>('POST', '/api/ib/contracts/refresh', {
      symbols: 'AAPL,MSFT,ZZZZQ',
    });
    expect(started.status).toBe(202);
    expect(started.body.job.kind).toBe('ib.contracts');
    const done = await finished(started.body.job.id);
    expect(done).toMatchObject({ status: 'succeeded', progress: 1, message: 'resolved 2/3, unresolved 1' });
    const report = done.result as ResolutionReport;
    expect(report).toMatchObject({ total: 3, resolved: 2, unresolved: 1 });
    expect(report.entries.find((e) => e.symbol === 'ZZZZQ')).toMatchObject({
      status: 'unresolved',
      reason: expect.stringMatching(/^IB 200:/),
    });

    // The synchronous answer stays available for scripts.
    const waited = await api.request<ResolutionReport>('POST', '/api/ib/contracts/refresh?wait=true', {
      symbols: 'AAPL',
    });
    expect(waited.status).toBe(200);
    expect(waited.body).toMatchObject({ total: 1, resolved: 1 });
  });
});

describe('IB data jobs without the IB runtime', () => {
  let t: TestApp;
  let api: ApiClient;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
    api = new ApiClient(t.app.url);
    await api.login();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 503 and starts nothing', async () => {
    const backfill = await api.request('POST', '/api/ib/backfill', {
      symbols: 'AAPL',
      barSize: '1d',
      from: '2025-06-02',
      to: '2025-06-06',
    });
    expect(backfill.status).toBe(503);
    const refresh = await api.request('POST', '/api/ib/contracts/refresh', { symbols: 'AAPL' });
    expect(refresh.status).toBe(503);
    // Said as a code the UI renders, not only in English.
    expect(refresh.body).toMatchObject({ error: { text: { code: 'IB_RUNTIME_NOT_RUNNING', params: {} } } });
    expect((await api.request<{ jobs: Job[] }>('GET', '/api/jobs')).body.jobs).toEqual([]);
  });
});

describe('IB data jobs when the runtime stops', () => {
  it('a backfill waiting for a reconnect ends at once, failed, instead of retrying for minutes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ibloop-ib-jobs-'));
    try {
      let stopped = false;
      let requests = 0;
      const runtime = {
        brokerage: {
          history: {
            bars: async () => {
              requests += 1;
              // The connection is gone; the server shuts down while the backfill waits to retry.
              setTimeout(() => {
                stopped = true;
              }, 50);
              throw new BrokerUnavailableError('DISCONNECTED', 'socket closed');
            },
          },
        },
        bars: new IbBarStore(dir),
        contracts: { require: async (symbol: string) => ({ symbol, conId: 1, secType: 'STK' }) },
      } as unknown as IbRuntime;
      let outcome: Promise<JobOutcome> | undefined;
      const jobs = {
        start: async (request: JobRequest): Promise<StartedJob> => {
          outcome = request.work({
            id: 1,
            signal: new AbortController().signal,
            throwIfCancelled: () => undefined,
            progress: () => undefined,
          });
          return { job: { id: 1 } as StartedJob['job'], joined: false };
        },
      };
      const ibJobs = new IbJobs({
        jobs,
        clock: { nowMs: () => Date.parse('2025-12-01T00:00:00Z') },
        stopped: () => stopped,
        pacingBackoffMs: 600_000,
        checkEveryMs: 10,
      });
      await ibJobs.startBackfill(runtime, {
        symbols: ['AAPL', 'MSFT'],
        barSize: '1d',
        from: '2025-06-02',
        to: '2025-06-06',
        scope: 'symbols:AAPL,MSFT',
        actor: 'test',
        params: {},
      });
      const started = Date.now();
      await expect(outcome).rejects.toThrow(/interrupted: the IB runtime stopped/);
      expect(Date.now() - started).toBeLessThan(5_000);
      // The second symbol was never asked for once the runtime had stopped.
      expect(requests).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
