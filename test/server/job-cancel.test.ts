import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startTestApp, type TestApp } from '../helpers/app.js';
import { pollUntil } from '../helpers/poll.js';

interface Job {
  id: number;
  kind: string;
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
  failures: unknown[];
}
interface BarsAudit {
  audits: Array<{ symbol: string; completeness: number }>;
}

/** Cancelling jobs over the API, with a minute-bar backfill against the built-in paper gateway. */
describe('POST /api/jobs/:id/cancel', () => {
  let t: TestApp;
  let api: ApiClient;

  const job = async (id: number) => (await api.request<{ job: Job }>('GET', `/api/jobs/${id}`)).body.job;
  const ended = (id: number) =>
    pollUntil(
      () => job(id),
      (j) => ['succeeded', 'failed', 'cancelled'].includes(j.status),
      60_000,
    );
  // A quarter of minute bars for one symbol: 14 weekly chunks, paced by IB's burst rule (5 requests
  // per contract, then a wait of ~3 s), so the job is still running when it is cancelled.
  const window = { symbols: 'AAPL', barSize: '1m', from: '2025-03-03', to: '2025-06-02' };
  const completeness = async () =>
    (
      await api.request<BarsAudit>(
        'GET',
        `/api/ib/bars/audit?symbols=AAPL&barSize=1m&from=${window.from}&to=${window.to}`,
      )
    ).body.audits[0]?.completeness ?? 0;

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

  it('cancels a running minute backfill: cancelled quickly, stored chunks kept, a rerun skips them', async () => {
    const started = await api.request<Started>('POST', '/api/ib/backfill', window);
    expect(started.status).toBe(202);
    const id = started.body.job.id;
    // Cancel once at least one chunk is stored.
    await pollUntil(
      () => job(id),
      (j) => j.status === 'running' && j.progress > 0,
    );

    // Without the CSRF token the cancel is refused and the job runs on.
    const forged = await api.request('POST', `/api/jobs/${id}/cancel`, undefined, { csrf: false });
    expect(forged.status).toBe(403);
    expect((await job(id)).status).toBe('running');

    const asked = Date.now();
    const cancelled = await api.request<{ job: Job }>('POST', `/api/jobs/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.job).toMatchObject({ id, status: 'cancelled', message: 'cancelled by admin' });
    const final = await ended(id);
    expect(final.status).toBe('cancelled');
    // "Quickly": well inside the minutes a paced quarter of minute bars would take.
    expect(Date.now() - asked).toBeLessThan(10_000);

    // Bars stored before the cancel stay; the window is not complete yet.
    const partial = await completeness();
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(1);
    const audit = await api.request<{ items: Array<{ action: string; actor: string; target: string }> }>(
      'GET',
      `/api/audit?target=job:${id}`,
    );
    expect(audit.status).toBe(200);
    expect(audit.body.items.find((item) => item.action === 'job.cancel')?.actor).toBe('admin');

    // Cancelling it again is a conflict; an unknown job is not found.
    const again = await api.request<{ error: { code: string } }>('POST', `/api/jobs/${id}/cancel`);
    expect(again.status).toBe(409);
    const unknown = await api.request('POST', '/api/jobs/999999/cancel');
    expect(unknown.status).toBe(404);

    // A rerun is a new job that skips the chunks stored before the cancel, and completes the window.
    const rerun = await api.request<Started>('POST', '/api/ib/backfill', window);
    expect(rerun.status).toBe(202);
    expect(rerun.body.joined).toBe(false);
    expect(rerun.body.job.id).not.toBe(id);
    const done = await ended(rerun.body.job.id);
    expect(done.status).toBe('succeeded');
    const report = done.result as BackfillReport;
    expect(report.skipped).toBeGreaterThan(0);
    expect(report.skipped + report.requested).toBeGreaterThanOrEqual(report.chunks);
    expect(report.requested).toBeLessThan(report.chunks);
    expect(report.failures).toEqual([]);
    expect(await completeness()).toBe(1);
  }, 120_000);

  it('answers 409 for a finished job and 400 for a bad id', async () => {
    const started = await api.request<Started>('POST', '/api/ib/contracts/refresh', { symbols: 'AAPL' });
    expect(started.status).toBe(202);
    const done = await ended(started.body.job.id);
    expect(done.status).toBe('succeeded');
    const answer = await api.request<{ error: { code: string; message: string; text: unknown } }>(
      'POST',
      `/api/jobs/${done.id}/cancel`,
    );
    expect(answer.status).toBe(409);
    expect(answer.body.error.message).toMatch(/already succeeded/);
    // The same reason as a catalogued message, for the UI to say in its language.
    expect(answer.body.error.text).toEqual({
      code: 'JOB_ALREADY_ENDED',
      params: { id: done.id, status: 'succeeded' },
    });
    expect((await job(done.id)).status).toBe('succeeded');
    expect((await api.request('POST', '/api/jobs/abc/cancel')).status).toBe(400);
  });
});
