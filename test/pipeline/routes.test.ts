import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunNowResponse, ScheduleResponse } from '../../src/contract/pipeline.js';
import { ApiClient, startTestApp, type TestApp } from '../helpers/app.js';
import { runCli } from '../helpers/cli.js';
import { ENGINES } from '../helpers/engines.js';

interface ErrorBody {
  error: { code: string; fields?: Array<{ field: string; message: string }> };
}

describe.each(ENGINES)('pipeline routes on %s', (engine) => {
  let t: TestApp;
  let api: ApiClient;
  let projectId: number;

  beforeAll(async () => {
    t = await startTestApp(engine);
    api = new ApiClient(t.app.url);
    expect((await api.login()).status).toBe(200);
    const theme = await api.request<{ theme: { id: number } }>('POST', '/api/themes', {
      name: 'Pipeline theme',
      members: [{ symbol: 'AAPL' }],
    });
    const project = await api.request<{ project: { id: number } }>('POST', '/api/projects', {
      name: 'Pipeline project',
      params: { themeIds: [theme.body.theme.id] },
    });
    projectId = project.body.project.id;
  });
  afterAll(async () => t.close());

  it('bad retry, time-out and schedule settings get a 400 naming the field; nothing is stored', async () => {
    const before = await api.request<{ project: { currentVersion: number } }>(
      'GET',
      `/api/projects/${projectId}`,
    );
    for (const [params, field] of [
      [{ pipeline: { retries: -1 } }, 'params.pipeline.retries'],
      [{ pipeline: { stepTimeoutMs: 10 } }, 'params.pipeline.stepTimeoutMs'],
      [{ pipeline: { fallback: 'guess' } }, 'params.pipeline.fallback'],
      [{ pipeline: { maxRejectedShare: -0.1 } }, 'params.pipeline.maxRejectedShare'],
      [{ pipeline: { maxRejectedShare: 1.5 } }, 'params.pipeline.maxRejectedShare'],
      [{ pipeline: { maxRejectedShare: '0.2' } }, 'params.pipeline.maxRejectedShare'],
      [{ schedule: { weekday: 7 } }, 'params.schedule.weekday'],
    ] as const) {
      const response = await api.request<ErrorBody>('PUT', `/api/projects/${projectId}`, {
        params: { themeIds: [1], ...params },
      });
      expect(response.status).toBe(400);
      expect(response.body.error.fields?.map((f) => f.field)).toContain(field);
    }
    const after = await api.request<{ project: { currentVersion: number } }>(
      'GET',
      `/api/projects/${projectId}`,
    );
    expect(after.body.project.currentVersion).toBe(before.body.project.currentVersion);
  });

  it('Run now records one run per project and trading date; a second click joins it', async () => {
    const first = await api.request<RunNowResponse>('POST', '/api/pipeline/run', { projectId });
    expect(first.status).toBe(200);
    expect(first.body.joined).toBe(false);
    expect(first.body.run.steps.map((s) => s.name)).toEqual([
      'checklist',
      'decide',
      'plan',
      'risk',
      'submit',
      'monitor',
      'report',
    ]);
    const second = await api.request<RunNowResponse>('POST', '/api/pipeline/run', { projectId });
    expect(second.body.joined).toBe(true);
    expect(second.body.run.id).toBe(first.body.run.id);
    const list = await api.request<{ runs: Array<{ id: number }> }>(
      'GET',
      `/api/pipeline/runs?project=${projectId}`,
    );
    expect(list.body.runs.map((r) => r.id)).toEqual([first.body.run.id]);
    const bad = await api.request<ErrorBody>('POST', '/api/pipeline/run', {
      projectId,
      tradingDate: '2026-01-19',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields?.[0]?.field).toBe('tradingDate');
  });

  it('shows the next fire times; pause and resume need a reason and are audited', async () => {
    const view = await api.request<ScheduleResponse>('GET', `/api/pipeline/schedule/${projectId}`);
    expect(view.status).toBe(200);
    expect(view.body.next).toHaveLength(4);
    expect(view.body.paused).toBe(false);
    const noReason = await api.request<ErrorBody>('POST', `/api/pipeline/schedule/${projectId}`, {
      paused: true,
      reason: '',
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.fields?.[0]?.field).toBe('reason');
    const paused = await api.request<ScheduleResponse>('POST', `/api/pipeline/schedule/${projectId}`, {
      paused: true,
      reason: 'earnings week',
    });
    expect(paused.body.paused).toBe(true);
    const audit = await api.request<{ records: Array<{ action: string }> }>('GET', '/api/audit?limit=20');
    expect(JSON.stringify(audit.body)).toContain('schedule.paused');
  });

  it('ibloop rebalance --dry-run records a dry run and says so', () => {
    const env = {
      DATA_ROOT: t.target.dataRoot,
      ...(t.target.databaseUrl ? { DATABASE_URL: t.target.databaseUrl } : {}),
    };
    const result = runCli(['rebalance', '--project', String(projectId), '--dry-run'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('dry run: sends nothing');
    const bad = runCli(['rebalance', '--project', String(projectId), '--date', '2026-01-19'], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--date');
  });
});
