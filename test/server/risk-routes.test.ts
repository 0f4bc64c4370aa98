import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startTestApp, type TestApp } from '../helpers/app.js';
import { ENGINES } from '../helpers/engines.js';

interface StateView {
  scope: string;
  state: string;
  reason: string;
}
interface ErrorBody {
  error: { code: string; fields?: Array<{ field: string }> };
}

describe.each(ENGINES)('risk routes on %s', (engine) => {
  let t: TestApp;
  let api: ApiClient;
  let projectId: number;

  beforeAll(async () => {
    t = await startTestApp(engine);
    api = new ApiClient(t.app.url);
    expect((await api.login()).status).toBe(200);
    const theme = await api.request<{ theme: { id: number } }>('POST', '/api/themes', {
      name: 'Risk theme',
      members: [{ symbol: 'AAPL' }],
    });
    const project = await api.request<{ project: { id: number } }>('POST', '/api/projects', {
      name: 'Risk project',
      params: { themeIds: [theme.body.theme.id] },
    });
    projectId = project.body.project.id;
  });
  afterAll(async () => t.close());

  it('halts a project with one call, and resuming needs the typed confirmation and a reason', async () => {
    const halted = await api.request<{ state: StateView }>('POST', '/api/risk/halt', {
      projectId,
      reason: 'manual stop before the FOMC',
    });
    expect(halted.status).toBe(200);
    expect(halted.body.state).toMatchObject({ state: 'HALTED', scope: `project:${projectId}` });

    const unconfirmed = await api.request<ErrorBody>('POST', '/api/risk/resume', {
      projectId,
      reason: 'done',
      confirm: 'resume',
    });
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.body.error.fields?.[0]?.field).toBe('confirm');
    const still = await api.request<{ effective: StateView }>('GET', `/api/risk/state?project=${projectId}`);
    expect(still.body.effective.state).toBe('HALTED');

    const resumed = await api.request<{ state: StateView }>('POST', '/api/risk/resume', {
      projectId,
      reason: 'FOMC passed',
      confirm: 'RESUME',
    });
    expect(resumed.body.state.state).toBe('ACTIVE');
    const events = await api.request<{ events: Array<{ kind: string }> }>(
      'GET',
      `/api/risk/events?project=${projectId}`,
    );
    expect(events.body.events.map((e) => e.kind)).toEqual(['state.changed', 'state.changed']);
    const audit = await api.request<{ items: Array<{ action: string }> }>(
      'GET',
      '/api/audit?action=risk.state.resume',
    );
    expect(audit.body.items).toHaveLength(1);
  });

  it('refuses bad input naming the field and changes nothing', async () => {
    const cases: Array<[unknown, string]> = [
      [{ projectId: -1, reason: 'x stop' }, 'projectId'],
      [{ projectId: 'abc', reason: 'x stop' }, 'projectId'],
      [{ reason: 'a' }, 'reason'],
      [{ reason: 'valid reason', to: 'ACTIVE' }, 'to'],
      [{ reason: 'valid reason', extra: 1 }, ''],
    ];
    for (const [body, field] of cases) {
      const response = await api.request<ErrorBody>('POST', '/api/risk/halt', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      if (field) expect(response.body.error.fields?.map((f) => f.field)).toContain(field);
    }
    const unknown = await api.request<ErrorBody>('POST', '/api/risk/halt', {
      projectId: 999_999,
      reason: 'x stop',
    });
    expect(unknown.status).toBe(404);
    const state = await api.request<{ account: StateView }>('GET', '/api/risk/state');
    expect(state.body.account.state).toBe('ACTIVE');
  });

  it('refuses without a session or without the CSRF token', async () => {
    const anonymous = new ApiClient(t.app.url);
    expect((await anonymous.request('GET', '/api/risk/state')).status).toBe(401);
    expect((await anonymous.request('POST', '/api/risk/halt', { reason: 'attacker' })).status).toBe(401);
    const noCsrf = await api.request(
      'POST',
      '/api/risk/resume',
      { reason: 'attacker', confirm: 'RESUME' },
      { csrf: false },
    );
    expect(noCsrf.status).toBe(403);
  });
});
