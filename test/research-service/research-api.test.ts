import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerEvent } from '../../src/server/event-hub.js';
import { ApiClient, type ApiClient as Client, startTestApp, type TestApp } from '../helpers/app.js';
import { ENGINES } from '../helpers/engines.js';
import { csvMarket, gzipBase64 } from './fixtures.js';

interface ErrorBody {
  error: { code: string; message: string; fields?: Array<{ field: string; message: string }> };
}
interface JobBody {
  id: number;
  kind: string;
  status: string;
  progress: number;
  resultRef: string | null;
  result: unknown;
  error: string | null;
}
interface StartedBody {
  job: JobBody;
  joined: boolean;
}
interface ImportBody {
  jobId: number;
  imported: Array<{ name: string; symbol: string; result: string; rows: number }>;
  failed: Array<{ name: string; errors: Array<{ line: number; message: string }> }>;
}
interface CoverageBody {
  symbols: Array<{
    symbol: string;
    rows: number;
    first: string;
    last: string;
    sector: string;
    gapsCount: number;
  }>;
}
interface BacktestSummaryBody {
  id: number;
  projectId: number;
  projectVersion: number;
  modelVersion: string;
  resultHash: string;
  stats: { cagr: number; rebalances: number };
}
interface ReportBody {
  backtest: BacktestSummaryBody;
  report: {
    stats: { rebalances: number; sharpe: number };
    curves: { days: string[]; equity: number[]; benchmark: number[]; drawdown: number[] };
    monthly: { strategy: Array<{ year: number; months: (number | null)[] }> };
    sectorExposure: { dates: string[]; sectors: string[]; weights: Record<string, number[]> };
    rebalances: Array<{ date: string; holdings: Array<{ symbol: string }>; trades: unknown[] }>;
  };
}

const SYMBOLS = ['AAA', 'BBB', 'CCC', 'DDD', 'EEE', 'FFF', 'GGG', 'HHH'];
const SECTORS = ['Tech', 'Health', 'Energy', 'Finance'];
const market = csvMarket({ seed: 5, symbols: SYMBOLS, days: 650 });
const training = { minTrainPeriods: 10, retrainEvery: 13, trainWindow: 0 };

async function finished(api: Client, id: number): Promise<JobBody> {
  for (;;) {
    const response = await api.request<{ job: JobBody }>('GET', `/api/jobs/${id}`);
    expect(response.status).toBe(200);
    const job = response.body.job;
    if (job.status === 'succeeded' || job.status === 'failed') return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each(ENGINES)('research API on %s', (engine) => {
  let t: TestApp;
  let api: ApiClient;
  let projectId: number;
  let backtestId: number;
  let modelVersion: string;
  const events: ServerEvent[] = [];

  beforeAll(async () => {
    t = await startTestApp(engine);
    api = new ApiClient(t.app.url);
    await api.login();
    t.app.hub.subscribe((event) => events.push(event));
  });
  afterAll(async () => {
    await t.close();
  });

  it('imports good files and reports a bad one by line, storing nothing of it', async () => {
    const goodFiles = SYMBOLS.slice(0, 7).map((symbol, index) =>
      index % 2 === 0
        ? { name: `${symbol}.csv`, content: market[symbol]! }
        : { name: `${symbol}.csv.gz`, contentBase64: gzipBase64(market[symbol]!) },
    );
    // HHH: line 4 has a bad number; nothing of HHH may be stored.
    const badLines = market.HHH!.split('\n');
    badLines[3] = badLines[3]!.replace(/^([^,]+),[^,]+/, '$1,12.x');
    const response = await api.request<ImportBody>('POST', '/api/data/import', {
      files: [...goodFiles, { name: 'HHH.csv', content: badLines.join('\n') }],
    });
    expect(response.status).toBe(200);
    expect(response.body.imported.map((file) => file.symbol)).toEqual(SYMBOLS.slice(0, 7));
    expect(response.body.imported.every((file) => file.result === 'created' && file.rows === 650)).toBe(true);
    expect(response.body.failed).toHaveLength(1);
    expect(response.body.failed[0]!.name).toBe('HHH.csv');
    expect(response.body.failed[0]!.errors[0]!.line).toBe(4);
    expect(response.body.failed[0]!.errors[0]!.message).toMatch(/open/);

    const coverage = await api.request<CoverageBody>('GET', '/api/data/coverage');
    expect(coverage.body.symbols.map((s) => s.symbol)).toEqual(SYMBOLS.slice(0, 7));
    expect(coverage.body.symbols[0]).toMatchObject({ rows: 650, last: '2024-06-28' });
    // Weekday fixtures include NYSE holidays, which the calendar does not expect: no gaps.
    expect(coverage.body.symbols.every((s) => s.gapsCount === 0)).toBe(true);

    const job = await api.request<{ job: JobBody }>('GET', `/api/jobs/${response.body.jobId}`);
    expect(job.body.job).toMatchObject({ kind: 'data.import', status: 'succeeded' });

    // Re-import of the same content changes nothing.
    const again = await api.request<ImportBody>('POST', '/api/data/import', { files: goodFiles.slice(0, 2) });
    expect(again.body.imported.map((file) => file.result)).toEqual(['unchanged', 'unchanged']);
  });

  it('refuses malformed imports with the field named', async () => {
    const both = await api.request<ErrorBody>('POST', '/api/data/import', {
      files: [{ name: 'X.csv', content: 'a', contentBase64: 'YQ==' }],
    });
    expect(both.status).toBe(400);
    expect(both.body.error.fields?.[0]?.field).toBe('files.0.content');
    const none = await api.request<ErrorBody>('POST', '/api/data/import', { files: [] });
    expect(none.status).toBe(400);
    expect(none.body.error.fields?.[0]?.field).toBe('files');
    const pathName = await api.request<ErrorBody>('POST', '/api/data/import', {
      files: [{ name: '../etc/X.csv', content: 'a' }],
    });
    expect(pathName.status).toBe(400);
    expect(pathName.body.error.fields?.[0]?.field).toBe('files.0.name');
  });

  it('refuses a download without an Alpha Vantage key, naming the setting', async () => {
    const response = await api.request<ErrorBody>('POST', '/api/data/fetch', { symbols: ['IBM'] });
    expect(response.status).toBe(400);
    expect(response.body.error.fields?.[0]?.field).toBe('ALPHA_VANTAGE_API_KEY');
  });

  it('trains a project model through a job and lists it', async () => {
    const theme = await api.request<{ theme: { id: number } }>('POST', '/api/themes', {
      name: 'Test eight',
      members: SYMBOLS.map((symbol, i) => ({ symbol, sector: SECTORS[i % SECTORS.length] })),
    });
    const project = await api.request<{ project: { id: number } }>('POST', '/api/projects', {
      name: 'Momentum test',
      params: {
        themeIds: [theme.body.theme.id],
        model: { family: 'ridge', seed: 3 },
        portfolio: { topN: 3, maxWeight: 0.4, sectorCap: 1 },
      },
    });
    projectId = project.body.project.id;

    const started = await api.request<StartedBody>('POST', `/api/projects/${projectId}/train`, { training });
    expect(started.status).toBe(202);
    expect(started.body.joined).toBe(false);
    const job = await finished(api, started.body.job.id);
    expect(job.error).toBeNull();
    expect(job.status).toBe('succeeded');
    expect(job.resultRef).toMatch(/^model:[0-9a-f]{64}$/);

    const models = await api.request<{
      models: Array<{ version: string; family: string; projectVersion: number; symbols: number }>;
    }>('GET', `/api/models?project=${projectId}`);
    expect(models.body.models).toHaveLength(1);
    // HHH has no data: the model covers the seven symbols that do.
    expect(models.body.models[0]).toMatchObject({ family: 'ridge', projectVersion: 1, symbols: 7 });
    expect(`model:${models.body.models[0]!.version}`).toBe(job.resultRef);
    modelVersion = models.body.models[0]!.version;
    expect(existsSync(path.join(t.target.dataRoot, 'models', `${models.body.models[0]!.version}.json`))).toBe(
      true,
    );
    expect(events.some((e) => e.name === 'job.progress' && (e.data as { id: number }).id === job.id)).toBe(
      true,
    );
  });

  it('runs a backtest job that records project and model versions, reproducibly', async () => {
    const started = await api.request<StartedBody>('POST', `/api/projects/${projectId}/backtests`, {
      slippageBps: 5,
    });
    expect(started.status).toBe(202);
    const job = await finished(api, started.body.job.id);
    expect(job.error).toBeNull();
    const first = job.result as { backtestId: number; resultHash: string; modelVersion: string };
    backtestId = first.backtestId;
    // The model trained above for this parameter version and data; no second training.
    expect(first.modelVersion).toBe(modelVersion);

    const second = await finished(
      api,
      (await api.request<StartedBody>('POST', `/api/projects/${projectId}/backtests`, { slippageBps: 5 }))
        .body.job.id,
    );
    const again = second.result as { backtestId: number; resultHash: string };
    expect(again.backtestId).not.toBe(first.backtestId);
    expect(again.resultHash).toBe(first.resultHash);

    const other = await finished(
      api,
      (await api.request<StartedBody>('POST', `/api/projects/${projectId}/backtests`, { slippageBps: 25 }))
        .body.job.id,
    );
    expect((other.result as { resultHash: string }).resultHash).not.toBe(first.resultHash);

    const list = await api.request<{ backtests: BacktestSummaryBody[] }>(
      'GET',
      `/api/backtests?project=${projectId}`,
    );
    const ids = [job, second, other].map((j) => (j.result as { backtestId: number }).backtestId);
    expect(list.body.backtests.map((b) => b.id)).toEqual(ids.reverse());
    const row = list.body.backtests.find((b) => b.id === backtestId)!;
    expect(row).toMatchObject({ projectId, projectVersion: 1, modelVersion: first.modelVersion });
    expect(row.resultHash).toBe(first.resultHash);
    const models = await api.request<{ models: unknown[] }>('GET', `/api/models?project=${projectId}`);
    expect(models.body.models).toHaveLength(1);
  });

  it('serves the report: stats, curves, monthly matrix, sector exposure, rebalances', async () => {
    const response = await api.request<ReportBody>('GET', `/api/backtests/${backtestId}`);
    expect(response.status).toBe(200);
    const { report } = response.body;
    expect(report.stats.rebalances).toBeGreaterThan(20);
    expect(report.curves.equity.length).toBe(report.curves.days.length);
    expect(report.curves.benchmark.length).toBe(report.curves.days.length);
    expect(Math.max(...report.curves.drawdown)).toBe(0);
    expect(Math.min(...report.curves.drawdown)).toBeLessThan(0);
    expect(report.monthly.strategy[0]!.months).toHaveLength(12);
    expect(report.sectorExposure.dates).toHaveLength(report.rebalances.length);
    expect(report.sectorExposure.sectors.every((s) => SECTORS.includes(s))).toBe(true);
    for (const sector of report.sectorExposure.sectors) {
      expect(report.sectorExposure.weights[sector]).toHaveLength(report.rebalances.length);
    }
    expect(report.rebalances[0]!.holdings.length).toBe(3);

    const missing = await api.request<ErrorBody>('GET', '/api/backtests/999999');
    expect(missing.status).toBe(404);
  });

  it('exports CSV of each kind and refuses an unknown kind', async () => {
    const report = (await api.request<ReportBody>('GET', `/api/backtests/${backtestId}`)).body.report;
    const equity = await api.request('GET', `/api/backtests/${backtestId}/export?kind=equity`);
    expect(equity.status).toBe(200);
    expect(equity.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(equity.headers.get('content-disposition')).toContain(`backtest-${backtestId}-equity.csv`);
    const lines = equity.text.trim().split('\n');
    expect(lines[0]).toBe('date,equity,benchmark,drawdown');
    expect(lines).toHaveLength(report.curves.days.length + 1);
    expect(lines[1]!.startsWith(`${report.curves.days[0]},${report.curves.equity[0]}`)).toBe(true);

    const trades = await api.request('GET', `/api/backtests/${backtestId}/export?kind=trades`);
    const tradeCount = report.rebalances.reduce((n, r) => n + r.trades.length, 0);
    expect(trades.text.trim().split('\n')).toHaveLength(tradeCount + 1);
    for (const kind of ['holdings', 'rebalances', 'summary']) {
      const response = await api.request('GET', `/api/backtests/${backtestId}/export?kind=${kind}`);
      expect(response.status).toBe(200);
      expect(response.text.split('\n').length).toBeGreaterThan(2);
    }
    const bad = await api.request<ErrorBody>('GET', `/api/backtests/${backtestId}/export?kind=pdf`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields?.[0]?.field).toBe('kind');
  });

  it('compares backtests side by side', async () => {
    const list = (await api.request<{ backtests: BacktestSummaryBody[] }>('GET', '/api/backtests')).body
      .backtests;
    const ids = list.map((b) => b.id).slice(0, 2);
    const response = await api.request<{
      backtests: Array<{
        backtest: { id: number };
        stats: { cagr: number };
        curve: { days: string[]; equity: number[] };
      }>;
    }>('GET', `/api/backtests/compare?ids=${ids.join(',')}`);
    expect(response.status).toBe(200);
    expect(response.body.backtests.map((b) => b.backtest.id)).toEqual(ids);
    expect(response.body.backtests[0]!.curve.equity[0]).toBe(1);
    const bad = await api.request<ErrorBody>('GET', '/api/backtests/compare?ids=1,x');
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields?.[0]?.field).toBe('ids');
  });

  it('lists jobs by kind and status', async () => {
    const backtests = await api.request<{ jobs: JobBody[] }>(
      'GET',
      '/api/jobs?kind=backtest&status=succeeded',
    );
    expect(backtests.body.jobs).toHaveLength(3);
    expect(backtests.body.jobs.every((job) => job.kind === 'backtest')).toBe(true);
    const bad = await api.request<ErrorBody>('GET', '/api/jobs?status=sleeping');
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields?.[0]?.field).toBe('status');
  });

  it('backtests a changed project under its new version, with a model trained for it', async () => {
    const current = await api.request<{
      project: { params: Record<string, unknown> & { portfolio: object } };
    }>('GET', `/api/projects/${projectId}`);
    const params = current.body.project.params;
    const updated = await api.request<{ project: { currentVersion: number } }>(
      'PUT',
      `/api/projects/${projectId}`,
      {
        params: {
          ...params,
          portfolio: { ...params.portfolio, topN: 2, maxWeight: 0.5 },
          schedule: { ...(params.schedule as object), weekday: 3 },
        },
      },
    );
    expect(updated.body.project.currentVersion).toBe(2);
    const started = await api.request<StartedBody>('POST', `/api/projects/${projectId}/backtests`, {
      training,
    });
    const job = await finished(api, started.body.job.id);
    expect(job.error).toBeNull();
    const { backtestId: id } = job.result as { backtestId: number };
    const report = await api.request<ReportBody>('GET', `/api/backtests/${id}`);
    expect(report.body.backtest.projectVersion).toBe(2);
    expect(report.body.report.rebalances[0]!.holdings).toHaveLength(2);
    // The new schedule rebalances on Wednesdays (the fixture has every weekday).
    const weekdays = new Set(
      report.body.report.rebalances.map((r) => new Date(`${r.date}T00:00:00Z`).getUTCDay()),
    );
    expect([...weekdays]).toEqual([3]);
    const before = await api.request<ReportBody>('GET', `/api/backtests/${backtestId}`);
    expect(
      new Set(before.body.report.rebalances.map((r) => new Date(`${r.date}T00:00:00Z`).getUTCDay())),
    ).toEqual(new Set([1]));
    const models = await api.request<{ models: Array<{ projectVersion: number; version: string }> }>(
      'GET',
      `/api/models?project=${projectId}`,
    );
    expect(models.body.models.map((m) => m.projectVersion)).toEqual([2, 1]);
    expect(report.body.backtest.modelVersion).toBe(models.body.models[0]!.version);
  });

  it('refuses training a project whose universe has no research data', async () => {
    const theme = await api.request<{ theme: { id: number } }>('POST', '/api/themes', {
      name: 'No data',
      members: [{ symbol: 'ZZZ' }],
    });
    const project = await api.request<{ project: { id: number } }>('POST', '/api/projects', {
      name: 'Empty',
      params: { themeIds: [theme.body.theme.id] },
    });
    const response = await api.request<ErrorBody>(
      'POST',
      `/api/projects/${project.body.project.id}/train`,
      {},
    );
    expect(response.status).toBe(400);
    expect(response.body.error.fields?.[0]?.field).toBe('universe');
    const unknown = await api.request<ErrorBody>('POST', '/api/projects/999999/backtests', {});
    expect(unknown.status).toBe(404);
  });
});
