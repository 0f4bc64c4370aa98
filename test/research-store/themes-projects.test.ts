import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startTestApp, type TestApp } from '../helpers/app.js';
import { ENGINES } from '../helpers/engines.js';

interface ErrorBody {
  error: { code: string; fields?: Array<{ field: string; message: string }> };
}
interface ThemeBody {
  theme: {
    id: number;
    name: string;
    memberCount: number;
    members: Array<{ symbol: string; sector: string }>;
  };
}
interface ProjectBody {
  project: {
    id: number;
    currentVersion: number;
    params: { themeIds: number[]; portfolio: { topN: number } };
  };
}

describe.each(ENGINES)('themes and projects on %s', (engine) => {
  let t: TestApp;
  let api: ApiClient;
  let techId: number;
  let healthId: number;

  beforeAll(async () => {
    t = await startTestApp(engine);
    api = new ApiClient(t.app.url);
    await api.login();
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates themes with members and finds them by name, symbol or sector', async () => {
    const tech = await api.request<ThemeBody>('POST', '/api/themes', {
      name: 'Mega-cap tech',
      members: [
        { symbol: 'aapl', name: 'Apple', sector: 'Information Technology' },
        { symbol: 'MSFT', name: 'Microsoft', sector: 'Information Technology' },
      ],
    });
    expect(tech.status).toBe(201);
    expect(tech.body.theme.members.map((m) => m.symbol)).toEqual(['AAPL', 'MSFT']);
    techId = tech.body.theme.id;
    const health = await api.request<ThemeBody>('POST', '/api/themes', {
      name: 'Health care',
      kind: 'project',
      members: [{ symbol: 'JNJ', sector: 'Health Care' }, { symbol: 'MSFT' }],
    });
    healthId = health.body.theme.id;
    const search = async (q: string) =>
      (
        await api.request<{ themes: Array<{ name: string }> }>(
          'GET',
          `/api/themes?q=${encodeURIComponent(q)}`,
        )
      ).body.themes.map((x) => x.name);
    expect(await search('mega')).toEqual(['Mega-cap tech']);
    expect(await search('jnj')).toEqual(['Health care']);
    expect(await search('msft')).toEqual(['Health care', 'Mega-cap tech']);
    expect(await search('information tech')).toEqual(['Mega-cap tech']);
  });

  it('refuses bad themes with the field named and stores nothing', async () => {
    const dup = await api.request<ErrorBody>('POST', '/api/themes', { name: 'Mega-cap tech' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.fields?.[0]?.field).toBe('name');
    const badSymbol = await api.request<ErrorBody>('POST', '/api/themes', {
      name: 'X',
      members: [{ symbol: '1BAD' }],
    });
    expect(badSymbol.status).toBe(400);
    expect(badSymbol.body.error.fields?.[0]?.field).toBe('members.0.symbol');
    const twice = await api.request<ErrorBody>('POST', '/api/themes', {
      name: 'Y',
      members: [{ symbol: 'AAA' }, { symbol: 'aaa' }],
    });
    expect(twice.status).toBe(400);
    const all = await api.request<{ themes: unknown[] }>('GET', '/api/themes');
    expect(all.body.themes).toHaveLength(2);
  });

  it('imports CSV (reporting bad lines, changing nothing) and exports it again', async () => {
    const bad = await api.request<ErrorBody>('POST', `/api/themes/${techId}/import`, {
      csv: 'symbol,name,sector\nNVDA,Nvidia,Information Technology\n$$$,Bad,X\nNVDA,Again,X\n',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields?.map((f) => f.field)).toEqual(['line 3: symbol', 'line 4: symbol']);
    expect((await api.request<ThemeBody>('GET', `/api/themes/${techId}`)).body.theme.memberCount).toBe(2);

    const merged = await api.request<ThemeBody>('POST', `/api/themes/${techId}/import`, {
      csv: 'symbol,name,sector,industry\nNVDA,"Nvidia, Inc.",Information Technology,Semiconductors\n',
      mode: 'merge',
    });
    expect(merged.body.theme.members.map((m) => m.symbol)).toEqual(['AAPL', 'MSFT', 'NVDA']);
    const exported = await api.request('GET', `/api/themes/${techId}/export`);
    expect(exported.headers.get('content-type')).toMatch(/text\/csv/);
    expect(exported.text.split('\n')[0]).toBe('symbol,name,sector,industry');
    expect(exported.text).toContain('NVDA,"Nvidia, Inc.",Information Technology,Semiconductors');
  });

  it('keeps membership days for point-in-time universes (API and CSV), refusing bad ranges', async () => {
    const created = await api.request<{ theme: { id: number; members: unknown[] } }>('POST', '/api/themes', {
      name: 'Index history',
      members: [
        { symbol: 'ENRN', from: '1999-01-04', to: '2001-11-30' },
        { symbol: 'AAPL', from: '2015-03-19' },
        { symbol: 'MSFT' },
      ],
    });
    expect(created.status).toBe(201);
    expect(created.body.theme.members).toEqual([
      { symbol: 'AAPL', name: '', sector: '', industry: '', from: '2015-03-19' },
      { symbol: 'ENRN', name: '', sector: '', industry: '', from: '1999-01-04', to: '2001-11-30' },
      { symbol: 'MSFT', name: '', sector: '', industry: '' },
    ]);
    const id = created.body.theme.id;
    const exported = await api.request('GET', `/api/themes/${id}/export`);
    expect(exported.text.split('\n')[0]).toBe('symbol,name,sector,industry,from,to');
    expect(exported.text).toContain('ENRN,,,,1999-01-04,2001-11-30');
    const backwards = await api.request<ErrorBody>('POST', '/api/themes', {
      name: 'Backwards',
      members: [{ symbol: 'AAA', from: '2020-01-02', to: '2019-12-31' }],
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.fields?.[0]?.field).toBe('members.0.to');
    const badCsv = await api.request<ErrorBody>('POST', `/api/themes/${id}/import`, {
      csv: 'symbol,from,to\nXOM,2020-02-30,\n',
    });
    expect(badCsv.status).toBe(400);
    expect(badCsv.body.error.fields?.map((f) => f.field)).toEqual(['line 2: from']);
    const imported = await api.request<ThemeBody>('POST', `/api/themes/${id}/import`, {
      csv: 'symbol,from,to\nXOM,,2019-06-28\n',
      mode: 'merge',
    });
    expect(imported.body.theme.members.find((m) => m.symbol === 'XOM')).toEqual({
      symbol: 'XOM',
      name: '',
      sector: '',
      industry: '',
      to: '2019-06-28',
    });
  });

  it('versions project parameters: every change is a new version; renames are not', async () => {
    const created = await api.request<ProjectBody>('POST', '/api/projects', {
      name: 'Weekly momentum',
      params: { themeIds: [techId, healthId], portfolio: { topN: 2 } },
    });
    expect(created.status).toBe(201);
    const id = created.body.project.id;
    expect(created.body.project.currentVersion).toBe(1);
    const detail = await api.request<{ universe: Array<{ symbol: string }> }>('GET', `/api/projects/${id}`);
    expect(detail.body.universe.map((m) => m.symbol)).toEqual(['AAPL', 'JNJ', 'MSFT', 'NVDA']);

    const changed = await api.request<ProjectBody>('PUT', `/api/projects/${id}`, {
      params: { themeIds: [techId], portfolio: { topN: 3 } },
    });
    expect(changed.body.project.currentVersion).toBe(2);
    const renamed = await api.request<ProjectBody>('PUT', `/api/projects/${id}`, {
      name: 'Weekly momentum (US)',
      params: { themeIds: [techId], portfolio: { topN: 3 } },
    });
    expect(renamed.body.project.currentVersion).toBe(2);
    const v1 = await api.request<{ version: { params: { portfolio: { topN: number } } } }>(
      'GET',
      `/api/projects/${id}/versions/1`,
    );
    expect(v1.body.version.params.portfolio.topN).toBe(2);
    const audit = await api.request<{ items: Array<{ action: string }> }>('GET', '/api/audit?action=project');
    expect(audit.body.items.map((i) => i.action)).toEqual([
      'project.update',
      'project.update',
      'project.create',
    ]);
  });

  it('refuses bad project parameters naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [{ name: 'P', params: { themeIds: [] } }, 'params.themeIds'],
      [{ name: 'P', params: { themeIds: [9999] } }, 'params.themeIds'],
      [
        { name: 'P', params: { themeIds: [techId], portfolio: { maxWeight: 2 } } },
        'params.portfolio.maxWeight',
      ],
      [
        { name: 'P', params: { themeIds: [techId], execution: { orderType: 'STP' } } },
        'params.execution.orderType',
      ],
      [{ name: 'P', params: { themeIds: [techId], model: { family: 'lstm' } } }, 'params.model.family'],
    ];
    for (const [body, field] of cases) {
      const res = await api.request<ErrorBody>('POST', '/api/projects', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.fields?.map((f) => f.field)).toContain(field);
    }
    expect((await api.request<{ projects: unknown[] }>('GET', '/api/projects')).body.projects).toHaveLength(
      1,
    );
  });
});
