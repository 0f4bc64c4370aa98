import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startTestApp, type TestApp } from '../helpers/app.js';
import { ENGINES } from '../helpers/engines.js';

interface ErrorBody {
  error: { code: string; message: string; fields?: Array<{ field: string; message: string }> };
}
interface ProjectBody {
  project: { id: number; currentVersion: number; params: { risk: Record<string, unknown> } };
}

/**
 * Bad risk configuration, sent as an attacker would (wrong types, negative and huge values, caps
 * above 1, unknown keys, non-finite numbers): 400 naming the field, and nothing stored.
 */
describe.each(ENGINES)('project risk limits at the API edge, %s', (engine) => {
  let t: TestApp;
  let api: ApiClient;
  let themeId: number;

  beforeAll(async () => {
    t = await startTestApp(engine);
    api = new ApiClient(t.app.url);
    await api.login();
    const theme = await api.request<{ theme: { id: number } }>('POST', '/api/themes', {
      name: 'Risk config theme',
      members: [{ symbol: 'AAPL' }],
    });
    themeId = theme.body.theme.id;
  });
  afterAll(async () => t.close());

  const BAD: Array<[string, unknown, string]> = [
    ['cashBuffer', -0.01, 'negative'],
    ['maxPositionWeight', 1.5, 'at most 1'],
    ['maxSectorWeight', 2, 'at most 1'],
    ['maxGrossExposure', 0, 'above 0'],
    ['maxInitialMarginShare', 1.01, 'at most'],
    ['maxAdvShare', '0.05', 'number'],
    ['priceBand', null, 'number'],
    ['maxOrderValue', -5, 'positive'],
    ['maxPositionShares', 0, 'positive'],
    ['maxOrdersPerRun', 1e12, 'at most'],
    ['maxOrdersPerRun', 2.5, 'integer'],
    ['weightTolerance', 0.5, 'at most'],
    ['allowShort', 'yes', 'true or false'],
    ['maxDailyLoss', -1, 'above 0'],
    ['maxDailyLoss', 1.2, 'at most 1'],
    ['maxDrawdown', -0.1, ''],
    ['maxDrawdown', 1.5, ''],
    ['warningAt', -0.5, ''],
    ['warningAt', 2, ''],
    ['drawdownAction', 'STOP', 'REDUCING or HALTED'],
    ['unknownLimit', 1, ''],
  ];

  it('refuses each bad limit on create with 400 naming the field; nothing is stored', async () => {
    const before = await api.request<{ projects: unknown[] }>('GET', '/api/projects');
    for (const [field, value, words] of BAD) {
      const response = await api.request<ErrorBody>('POST', '/api/projects', {
        name: `bad ${field} ${String(value)}`,
        params: { themeIds: [themeId], risk: { [field]: value } },
      });
      expect(response.status, `${field}=${JSON.stringify(value)}`).toBe(400);
      const named = response.body.error.fields?.find(
        (f) => f.field.endsWith(field) || f.field.endsWith('risk'),
      );
      expect(named?.field, `${field}: ${JSON.stringify(response.body.error.fields)}`).toMatch(
        new RegExp(`params\\.risk(\\.${field})?$`),
      );
      if (words) expect(named?.message).toContain(words);
    }
    // A non-finite number does not survive JSON either: 1e400 parses to Infinity.
    const infinite = await api.request<ErrorBody>('POST', '/api/projects', undefined, {
      rawBody: `{"name":"inf","params":{"themeIds":[${themeId}],"risk":{"maxOrderValue":1e400}}}`,
    });
    expect(infinite.status).toBe(400);
    const after = await api.request<{ projects: unknown[] }>('GET', '/api/projects');
    expect(after.body.projects).toHaveLength(before.body.projects.length);
  });

  it('refuses a bad or unknown defensive asset with 400 naming the field; a known one is stored', async () => {
    const before = await api.request<{ projects: unknown[] }>('GET', '/api/projects');
    const cases: Array<[unknown, string, string]> = [
      [{ action: 'bogus' }, 'params.risk.defensive.action', 'none, cash or asset'],
      [{ action: 'asset' }, 'params.risk.defensive.symbol', 'name the defensive asset'],
      [{ action: 'asset', symbol: '$$$' }, 'params.risk.defensive.symbol', 'ticker'],
      // Well formed but unknown: in no theme of the project and not resolved in the contract cache.
      [{ action: 'asset', symbol: 'ZZZQ' }, 'params.risk.defensive.symbol', 'unknown instrument ZZZQ'],
      // The bound on the move's wait for another run's orders still out (whole minutes, 1..1440).
      [{ action: 'cash', maxWaitMinutes: 0 }, 'params.risk.defensive.maxWaitMinutes', 'at least 1 minute'],
      [{ action: 'cash', maxWaitMinutes: -5 }, 'params.risk.defensive.maxWaitMinutes', 'at least 1 minute'],
      [{ action: 'cash', maxWaitMinutes: 2.5 }, 'params.risk.defensive.maxWaitMinutes', 'whole number'],
      [{ action: 'cash', maxWaitMinutes: 1441 }, 'params.risk.defensive.maxWaitMinutes', 'at most 1440'],
      [{ action: 'cash', maxWaitMinutes: '10' }, 'params.risk.defensive.maxWaitMinutes', 'number'],
    ];
    for (const [defensive, field, words] of cases) {
      const response = await api.request<ErrorBody>('POST', '/api/projects', {
        name: `bad defensive ${JSON.stringify(defensive)}`,
        params: { themeIds: [themeId], risk: { defensive } },
      });
      expect(response.status, JSON.stringify(defensive)).toBe(400);
      const named = response.body.error.fields?.find((f) => f.field === field);
      expect(named?.message, JSON.stringify(response.body.error)).toContain(words);
    }
    const after = await api.request<{ projects: unknown[] }>('GET', '/api/projects');
    expect(after.body.projects).toHaveLength(before.body.projects.length);

    // Known: a member of the project's themes, or a symbol resolved in the IB contract cache.
    const member = await api.request<ProjectBody>('POST', '/api/projects', {
      name: 'defensive member',
      params: { themeIds: [themeId], risk: { defensive: { action: 'asset', symbol: 'aapl' } } },
    });
    expect(member.status).toBe(201);
    // The wait's bound takes its default (10 minutes) when the project does not set it.
    expect(member.body.project.params.risk.defensive).toEqual({
      action: 'asset',
      symbol: 'AAPL',
      maxWaitMinutes: 10,
    });
    await t.app.ctx.store.db
      .insertInto('ib_contract_cache')
      .values({
        symbol: 'SHV',
        currency: 'USD',
        status: 'resolved',
        con_id: 12345,
        sec_type: 'STK',
        exchange: 'SMART',
        primary_exchange: 'NASDAQ',
        multiplier: 1,
        min_tick: 0.01,
        lot_size: 1,
        long_name: 'ISHARES 0-1 YEAR TREASURY BOND',
        industry: '',
        category: '',
        time_zone_id: 'US/Eastern',
        trading_hours: '',
        liquid_hours: '',
        candidates: 1,
        error: null,
        fetched_at: new Date(0).toISOString(),
      })
      .execute();
    const id = member.body.project.id;
    const cached = await api.request<ProjectBody>('PUT', `/api/projects/${id}`, {
      params: { themeIds: [themeId], risk: { defensive: { action: 'asset', symbol: 'SHV' } } },
    });
    expect(cached.status).toBe(200);
    const unknown = await api.request<ErrorBody>('PUT', `/api/projects/${id}`, {
      params: { themeIds: [themeId], risk: { defensive: { action: 'asset', symbol: 'QQQZ' } } },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.fields?.map((f) => f.field)).toEqual(['params.risk.defensive.symbol']);
    const stored = await api.request<ProjectBody>('GET', `/api/projects/${id}`);
    expect(stored.body.project.params.risk.defensive).toEqual({
      action: 'asset',
      symbol: 'SHV',
      maxWaitMinutes: 10,
    });
  });

  it('refuses a bad limit on update and keeps the stored version; good limits are stored with defaults', async () => {
    const created = await api.request<ProjectBody>('POST', '/api/projects', {
      name: 'risk limits',
      params: { themeIds: [themeId], risk: { maxOrderValue: 250_000, maxAdvShare: 0.02 } },
    });
    expect(created.status).toBe(201);
    const risk = created.body.project.params.risk;
    expect(risk).toMatchObject({
      maxOrderValue: 250_000,
      maxAdvShare: 0.02,
      cashBuffer: 0.01,
      priceBand: 0.1,
    });
    const id = created.body.project.id;
    const bad = await api.request<ErrorBody>('PUT', `/api/projects/${id}`, {
      params: { themeIds: [themeId], risk: { maxInitialMarginShare: -0.5 } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields?.map((f) => f.field)).toContain('params.risk.maxInitialMarginShare');
    const stored = await api.request<ProjectBody>('GET', `/api/projects/${id}`);
    expect(stored.body.project.currentVersion).toBe(created.body.project.currentVersion);
    expect(stored.body.project.params.risk).toEqual(risk);
  });
});
