import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from '../helpers/app.js';
import { ENGINES } from '../helpers/engines.js';

interface ErrorBody {
  error: {
    code: string;
    message: string;
    fields?: Array<{ field: string; message: string; text?: { code: string; params: object } }>;
  };
}
interface SettingView {
  key: string;
  value: string | number | null;
  source: string;
  editable: boolean;
}

describe.each(ENGINES)('HTTP API on %s', (engine) => {
  let t: TestApp;
  let api: ApiClient;

  beforeAll(async () => {
    t = await startTestApp(engine, { loginRateLimit: { max: 100, windowMs: 60_000 } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('reports health without login', async () => {
    const res = await new ApiClient(t.app.url).request<{
      status: string;
      db: { ok: boolean; engine: string };
    }>('GET', '/api/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.db).toMatchObject({ ok: true, engine });
  });

  it('binds to loopback', () => {
    expect(t.app.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('requires login for everything else', async () => {
    const anon = new ApiClient(t.app.url);
    expect((await anon.request('GET', '/api/settings')).status).toBe(401);
    expect((await anon.request('GET', '/api/audit')).status).toBe(401);
    expect(
      (await anon.request<{ authenticated: boolean }>('GET', '/api/auth/session')).body.authenticated,
    ).toBe(false);
  });

  it('refuses a wrong password with 401 and audits it', async () => {
    const anon = new ApiClient(t.app.url);
    const res = await anon.request<ErrorBody>('POST', '/api/auth/login', {
      username: 'admin',
      password: 'wrong-one',
    });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('INVALID_CREDENTIALS');
    api = new ApiClient(t.app.url);
    expect((await api.login()).status).toBe(200);
    const audit = await api.request<{ items: Array<{ action: string }> }>(
      'GET',
      '/api/audit?action=auth.login',
    );
    const actions = audit.body.items.map((i) => i.action);
    expect(actions).toContain('auth.login.failed');
    expect(actions).toContain('auth.login');
  });

  it('sets an httpOnly SameSite=Strict session cookie', async () => {
    const res = await fetch(`${t.app.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }),
    });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/ibloop_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
  });

  it('refuses state-changing requests without the CSRF token or from another origin', async () => {
    const noToken = await api.request<ErrorBody>(
      'PUT',
      '/api/settings',
      { values: { IB_HOST: 'a.b' } },
      { csrf: false },
    );
    expect(noToken.status).toBe(403);
    expect(noToken.body.error.code).toBe('CSRF_FAILED');
    const foreign = await api.request<ErrorBody>(
      'PUT',
      '/api/settings',
      { values: { IB_HOST: 'a.b' } },
      { headers: { origin: 'http://evil.example' } },
    );
    expect(foreign.status).toBe(403);
    const settings = await api.request<{ settings: SettingView[] }>('GET', '/api/settings');
    expect(settings.body.settings.find((s) => s.key === 'IB_HOST')?.source).toBe('default');
  });

  it('saves settings, masks secrets, and names the field of a bad value without storing anything', async () => {
    const ok = await api.request<{ settings: SettingView[] }>('PUT', '/api/settings', {
      values: {
        IB_ACCOUNT: 'DU7654321',
        TELEGRAM_BOT_TOKEN: '123456789:AAbbCCddEEffGGhhIIjjKKllMM',
        IB_PORT: 4001,
      },
    });
    expect(ok.status).toBe(200);
    const byKey = Object.fromEntries(ok.body.settings.map((s) => [s.key, s]));
    expect(byKey.IB_ACCOUNT?.value).toBe('DU****21');
    expect(byKey.TELEGRAM_BOT_TOKEN?.value).toBe('12****MM');
    expect(byKey.IB_PORT?.value).toBe(4001);
    expect(ok.text).not.toContain('DU7654321');

    for (const [values, field] of [
      [{ IB_PORT: 70000 }, 'IB_PORT'],
      [{ IB_MODE: 'real' }, 'IB_MODE'],
      [{ IB_CLIENT_ID: 'x' }, 'IB_CLIENT_ID'],
      [{ IB_PORT: 4003, IB_HOST: '' }, 'IB_HOST'],
    ] as const) {
      const bad = await api.request<ErrorBody>('PUT', '/api/settings', { values });
      expect(bad.status, JSON.stringify(values)).toBe(400);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');
      expect(bad.body.error.fields?.map((f) => f.field)).toContain(field);
    }
    const after = await api.request<{ settings: SettingView[] }>('GET', '/api/settings');
    expect(after.body.settings.find((s) => s.key === 'IB_PORT')?.value).toBe(4001);
  });

  it('answers malformed JSON and missing fields with 400 naming the problem', async () => {
    const malformed = await api.request<ErrorBody>('PUT', '/api/settings', undefined, {
      rawBody: '{"values": {',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.fields?.[0]?.field).toBe('body');
    const missing = await api.request<ErrorBody>('PUT', '/api/settings', {});
    expect(missing.status).toBe(400);
    expect(missing.body.error.fields?.[0]?.field).toBe('values');
    const login = await new ApiClient(t.app.url).request<ErrorBody>('POST', '/api/auth/login', {
      username: 'admin',
    });
    expect(login.status).toBe(400);
    expect(login.body.error.fields?.map((f) => f.field)).toContain('password');
    const query = await api.request<ErrorBody>('GET', '/api/audit?limit=abc');
    expect(query.status).toBe(400);
    expect(query.body.error.fields?.[0]?.field).toBe('limit');
  });

  it('says each invalid field as a catalogued code with its numbers, for the UI to render in its language', async () => {
    const project = await api.request<ErrorBody>('POST', '/api/projects', {
      name: 'field codes',
      params: { themeIds: [1], portfolio: { maxWeight: 1.5, topN: 2.5 }, unknownGroup: {} },
    });
    expect(project.status).toBe(400);
    const byField = Object.fromEntries((project.body.error.fields ?? []).map((f) => [f.field, f.text]));
    expect(byField['params.portfolio.maxWeight']).toEqual({ code: 'FIELD_MAX', params: { maximum: 1 } });
    expect(byField['params.portfolio.topN']).toEqual({ code: 'FIELD_NOT_INTEGER', params: {} });
    expect(byField.params).toEqual({ code: 'FIELD_UNKNOWN_KEYS', params: { keys: 'unknownGroup' } });
    const login = await new ApiClient(t.app.url).request<ErrorBody>('POST', '/api/auth/login', {
      username: 'admin',
    });
    expect(login.body.error.fields?.find((f) => f.field === 'password')?.text).toEqual({
      code: 'FIELD_REQUIRED',
      params: {},
    });
  });

  it('reports trading status from the configuration', async () => {
    const res = await api.request<{ badge: string; mode: string; account: string }>(
      'GET',
      '/api/trading/status',
    );
    expect(res.body).toEqual({
      badge: 'disconnected',
      mode: 'paper',
      account: 'DU****21',
      builtInGateway: false,
    });
  });

  it('verifies the audit chain over the API', async () => {
    const res = await api.request<{ ok: boolean; checked: number }>('GET', '/api/audit/verify');
    expect(res.body.ok).toBe(true);
    expect(res.body.checked).toBeGreaterThanOrEqual(4);
  });

  it('logs out and the session no longer works', async () => {
    const other = new ApiClient(t.app.url);
    await other.login();
    expect((await other.request('POST', '/api/auth/logout')).status).toBe(204);
    expect((await other.request('GET', '/api/settings')).status).toBe(401);
  });

  it('answers unknown API routes with a JSON 404', async () => {
    const res = await api.request<ErrorBody>('GET', '/api/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });
});

describe('login rate limit', () => {
  it('answers 429 after too many attempts', async () => {
    const t = await startTestApp('sqlite', { loginRateLimit: { max: 3, windowMs: 60_000 } });
    try {
      const anon = new ApiClient(t.app.url);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        statuses.push(
          (await anon.request('POST', '/api/auth/login', { username: 'admin', password: 'nope-nope' }))
            .status,
        );
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      const limited = await anon.login();
      expect(limited.status).toBe(429);
      expect((limited.body as unknown as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    } finally {
      await t.close();
    }
  });
});
