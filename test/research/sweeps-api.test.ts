import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SweepRerunResponse, SweepResponse } from '../../src/contract/research-sweeps.js';
import { ApiClient, startTestApp, type TestApp } from '../helpers/app.js';
import { ENGINES } from '../helpers/engines.js';
import { csvMarket } from '../research-service/fixtures.js';

/**
 * The research API's backtest options (commission schedule, window, market-index benchmark) and
 * parameter sweeps as jobs: result rows, a rerun reproducing a point from its hash, cancellation.
 */
interface JobBody {
  id: number;
  status: string;
  result: unknown;
  error: string | null;
}
interface ErrorBody {
  error: { code: string; message: string; fields?: Array<{ field: string; message: string }> };
}

const SYMBOLS = ['AAA', 'BBB', 'CCC', 'DDD', 'EEE', 'FFF', 'SPY'];
const market = csvMarket({ seed: 11, symbols: SYMBOLS, days: 500 });

async function finished(api: ApiClient, id: number): Promise<JobBody> {
  for (;;) {
    const response = await api.request<{ job: JobBody }>('GET', `/api/jobs/${id}`);
    const job = response.body.job;
    if (!['queued', 'running'].includes(job.status)) return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each(ENGINES)('research options and sweeps API on %s', (engine) => {
  let t: TestApp;
  let api: ApiClient;
  let projectId: number;

  beforeAll(async () => {
    t = await startTestApp(engine);
    api = new ApiClient(t.app.url);
    await api.login();
    const imported = await api.request('POST', '/api/data/import', {
      files: SYMBOLS.map((symbol) => ({ name: `${symbol}.csv`, content: market[symbol]! })),
    });
    expect(imported.status).toBe(200);
    // SPY is in the store but not in the universe: an index benchmark need not be traded.
    const theme = await api.request<{ theme: { id: number } }>('POST', '/api/themes', {
      name: 'Six',
      members: SYMBOLS.slice(0, 6).map((symbol, i) => ({ symbol, sector: i % 2 ? 'Tech' : 'Health' })),
    });
    const project = await api.request<{ project: { id: number } }>('POST', '/api/projects', {
      name: 'Sweep test',
      params: { themeIds: [theme.body.theme.id], portfolio: { topN: 2, maxWeight: 0.5, sectorCap: 1 } },
    });
    projectId = project.body.project.id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('backtests with the CLI options: commission schedule, start/end, a market index', async () => {
    const started = await api.request<{ job: JobBody }>('POST', `/api/projects/${projectId}/backtests`, {
      commission: 'zero',
      start: '2023-06-01',
      end: '2024-03-29',
      benchmark: 'spy',
      training: { minTrainPeriods: 10, retrainEvery: 13, trainWindow: 0 },
    });
    expect(started.status).toBe(202);
    const job = await finished(api, started.body.job.id);
    expect(job.error).toBeNull();
    const { backtestId } = job.result as { backtestId: number };
    const report = await api.request<{
      backtest: { start: string; end: string; stats: { totalCommission: number } };
      report: { index: { symbol: string; equity: number[] } | null };
    }>('GET', `/api/backtests/${backtestId}`);
    expect(report.body.backtest.stats.totalCommission).toBe(0);
    expect(report.body.backtest.start >= '2023-06-01').toBe(true);
    expect(report.body.backtest.end <= '2024-03-29').toBe(true);
    expect(report.body.report.index?.symbol).toBe('SPY');
    expect(report.body.report.index?.equity.length).toBeGreaterThan(100);
  });

  it('refuses bad options with the field named, before any job starts', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ commission: 'cheap' }, 'commission'],
      [{ start: '2024-02-30' }, 'start'],
      [{ start: '2024-03-01', end: '2024-01-01' }, 'end'],
      [{ benchmark: 'QQQ' }, 'benchmark'],
    ];
    for (const [body, field] of cases) {
      const response = await api.request<ErrorBody>('POST', `/api/projects/${projectId}/backtests`, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      const named = [response.body.error.message, ...(response.body.error.fields ?? []).map((f) => f.field)];
      expect(named.join(' '), JSON.stringify(body)).toContain(field);
    }
  });

  it('runs a sweep as a job, returns every point with its hashes, and reruns one bit for bit', async () => {
    const grid = { signal: ['ret(60, 5)', 'ret(20) / vol(20)'], topN: [1, 2, 3], weekday: [1, 3] };
    const started = await api.request<{ job: JobBody }>('POST', `/api/projects/${projectId}/sweeps`, {
      grid,
      commission: 'ib-tiered',
      workers: 2,
    });
    expect(started.status).toBe(202);
    const job = await finished(api, started.body.job.id);
    expect(job.error).toBeNull();
    expect(job.status).toBe('succeeded');

    const sweep = await api.request<SweepResponse>('GET', `/api/sweeps/${job.id}`);
    expect(sweep.status).toBe(200);
    expect(sweep.body).toMatchObject({ id: job.id, projectId, projectVersion: 1, status: 'succeeded' });
    expect(sweep.body.rows).toHaveLength(12);
    expect(new Set(sweep.body.rows.map((row) => row.pointHash)).size).toBe(12);
    expect(sweep.body.rows.map((row) => row.point.topN)).toEqual([1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3]);
    for (const row of sweep.body.rows) expect(Number.isFinite(row.stats.sharpe)).toBe(true);

    const chosen = sweep.body.rows[7]!;
    const rerun = await api.request<SweepRerunResponse>('POST', `/api/sweeps/${job.id}/rerun`, {
      pointHash: chosen.pointHash,
    });
    expect(rerun.status).toBe(200);
    expect(rerun.body.reproduced).toBe(true);
    expect(rerun.body.resultHash).toBe(chosen.resultHash);
    expect(rerun.body.row.stats).toEqual(chosen.stats);

    // A sweep stored before the binary hash form (`v2:`) holds the canonical-JSON form: its rerun
    // hashes the same way, so an old row still reproduces.
    expect(chosen.resultHash.startsWith('v2:')).toBe(true);
    const storeRowHash = async (hash: string) => {
      const stored = sweep.body.rows.map((row) =>
        row.pointHash === chosen.pointHash ? { ...row, resultHash: hash } : row,
      );
      const jobRow = await t.app.ctx.store.db
        .selectFrom('job_runs')
        .select('result_json')
        .where('id', '=', job.id)
        .executeTakeFirstOrThrow();
      const result = { ...(JSON.parse(jobRow.result_json ?? '{}') as object), rows: stored };
      await t.app.ctx.store.db
        .updateTable('job_runs')
        .set({ result_json: JSON.stringify(result) })
        .where('id', '=', job.id)
        .execute();
    };
    await storeRowHash('0'.repeat(64));
    const oldForm = await api.request<SweepRerunResponse>('POST', `/api/sweeps/${job.id}/rerun`, {
      pointHash: chosen.pointHash,
    });
    expect(oldForm.body.reproduced).toBe(false);
    expect(oldForm.body.resultHash).toMatch(/^[0-9a-f]{64}$/);
    await storeRowHash(oldForm.body.resultHash);
    const again = await api.request<SweepRerunResponse>('POST', `/api/sweeps/${job.id}/rerun`, {
      pointHash: chosen.pointHash,
    });
    expect(again.body.reproduced).toBe(true);
    expect(again.body.row.stats).toEqual(chosen.stats);

    const unknown = await api.request<ErrorBody>('POST', `/api/sweeps/${job.id}/rerun`, {
      pointHash: 'f'.repeat(64),
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('pointHash');
  });

  it('refuses a bad signal naming its place in the grid and the position in the expression', async () => {
    const response = await api.request<ErrorBody>('POST', `/api/projects/${projectId}/sweeps`, {
      grid: { signal: ['ret(60)', 'ret(60) * '] },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/grid\.signal\.1: .*at position 9: unexpected end/);
    const notSweep = await api.request<ErrorBody>('GET', '/api/sweeps/999999');
    expect(notSweep.status).toBe(404);
  });

  it('keeps expression features in the project version; a bad one is refused naming field and position', async () => {
    const themes = await api.request<{ themes: Array<{ id: number }> }>('GET', '/api/themes');
    const themeIds = [themes.body.themes[0]!.id];
    const bad = await api.request<ErrorBody>('POST', '/api/projects', {
      name: 'Bad expression',
      params: { themeIds, model: { family: 'ridge', expressions: ['ret(60) / vol(60)', 'ret(60) +'] } },
    });
    expect(bad.status).toBe(400);
    const said = [
      bad.body.error.message,
      ...(bad.body.error.fields ?? []).map((f) => `${f.field} ${f.message}`),
    ];
    expect(said.join(' ')).toMatch(/model\.expressions\.1.*position 9/);

    const created = await api.request<{ project: { id: number } }>('POST', '/api/projects', {
      name: 'With expressions',
      params: { themeIds, model: { family: 'ridge', expressions: ['ret(60) / vol(60)'] } },
    });
    expect(created.status).toBe(201);
    const id = created.body.project.id;
    const started = await api.request<{ job: JobBody }>('POST', `/api/projects/${id}/backtests`, {
      training: { minTrainPeriods: 10, retrainEvery: 13, trainWindow: 0 },
    });
    const job = await finished(api, started.body.job.id);
    expect(job.error).toBeNull();
    const models = await api.request<{ models: Array<{ version: string }> }>(
      'GET',
      `/api/models?project=${id}`,
    );
    expect(models.body.models).toHaveLength(1);
  });

  it('cancels a running sweep', async () => {
    const started = await api.request<{ job: JobBody }>('POST', `/api/projects/${projectId}/sweeps`, {
      grid: { topN: [1, 2, 3, 4, 5], maxWeight: [0.3, 0.5, 0.7, 0.9, 1], sectorCap: [0.5, 0.75, 1] },
      workers: 1,
    });
    expect(started.status).toBe(202);
    const cancelled = await api.request<{ job: JobBody }>('POST', `/api/jobs/${started.body.job.id}/cancel`);
    expect(cancelled.status).toBe(200);
    const job = await finished(api, started.body.job.id);
    expect(job.status).toBe('cancelled');
    const sweep = await api.request<SweepResponse>('GET', `/api/sweeps/${job.id}`);
    expect(sweep.body.rows).toEqual([]);
  });
});
