import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENUMS, type EnumName, MESSAGES, type MessageCode } from '../../src/contract/messages.js';
import { RESEARCH_ERRORS } from '../../src/contract/research-errors.js';
import { RESEARCH_ERRORS_ZH_CN } from '../../src/contract/research-errors.zh-CN.js';
import { TRADING_ERRORS } from '../../src/contract/trading-errors.js';
import type { ApiErrorBody } from '../../src/server/errors.js';
import { messagesZhCN } from '../../web/src/i18n/locales/messages.zh-CN.js';
import { ApiClient, startTestApp, type TestApp } from '../helpers/app.js';
import { csvMarket } from '../research-service/fixtures.js';

/**
 * Issue 17: every refusal of the research side (projects, themes, decisions, backtests, sweeps) says
 * why as a catalogued code with typed parameters, which the UI renders in Chinese. Real refusals
 * through the HTTP app on SQLite.
 */

const SYMBOLS = ['AAA', 'BBB', 'CCC', 'DDD'];
const market = csvMarket({ seed: 17, symbols: SYMBOLS, days: 300 });
const zhEnums = messagesZhCN.enums as unknown as Record<string, Record<string, string>>;

interface JobBody {
  id: number;
  status: string;
}

/**
 * A refusal in Chinese, as the web renders it (enum parameters named in Chinese): research codes
 * from their own part, reused codes from the whole zh-CN catalogue.
 */
function zhText(code: string, params: Record<string, unknown>): string {
  const template =
    (RESEARCH_ERRORS_ZH_CN as Record<string, string>)[code] ??
    (messagesZhCN.codes as Record<string, string>)[code] ??
    '';
  const kinds: Record<string, string> = MESSAGES[code as MessageCode].params;
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
    const kind = kinds[name];
    const value = params[name];
    if (value === undefined) return whole;
    if (kind !== undefined && kind in ENUMS) return zhEnums[kind as EnumName]?.[String(value)] ?? whole;
    return String(value);
  });
}

/** The refusal has the status, the code and exactly these params; both texts render completely. */
function expectRefusal(
  response: { status: number; body: ApiErrorBody },
  status: number,
  code: keyof typeof RESEARCH_ERRORS | 'PROJECT_NAME_TAKEN' | 'DECISION_NO_MODEL' | 'RUN_NOT_FOUND',
  params: Record<string, unknown>,
): void {
  const context = JSON.stringify(response.body);
  expect(response.status, context).toBe(status);
  const text = response.body.error.text;
  expect(text?.code, context).toBe(code);
  expect(text?.params, context).toEqual(params);
  // Input and conflict errors name one field, whose text is the same message.
  if (status !== 404) expect(response.body.error.fields?.[0]?.text, context).toEqual(text);
  const zh = zhText(code, params);
  expect(zh, context).not.toMatch(/\{\{|\}\}/);
  expect(zh, context).toMatch(/\p{Script=Han}/u);
}

describe('research refusals carry catalogued texts (SQLite)', () => {
  let t: TestApp;
  let api: ApiClient;
  let projectId: number;
  let themeId: number;
  let importJobId: number;

  beforeAll(async () => {
    t = await startTestApp('sqlite');
    api = new ApiClient(t.app.url);
    await api.login();
    const imported = await api.request<{ jobId: number }>('POST', '/api/data/import', {
      files: SYMBOLS.map((symbol) => ({ name: `${symbol}.csv`, content: market[symbol]! })),
    });
    expect(imported.status).toBe(200);
    importJobId = imported.body.jobId;
    const theme = await api.request<{ theme: { id: number } }>('POST', '/api/themes', {
      name: 'Four',
      members: SYMBOLS.map((symbol, i) => ({ symbol, sector: i % 2 ? 'Tech' : 'Health' })),
    });
    themeId = theme.body.theme.id;
    const project = await api.request<{ project: { id: number } }>('POST', '/api/projects', {
      name: 'Refusals',
      params: { themeIds: [themeId], portfolio: { topN: 2, maxWeight: 0.5, sectorCap: 1 } },
    });
    expect(project.status).toBe(201);
    projectId = project.body.project.id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('gives every research code a Chinese text and shares no code with the trading side', () => {
    expect(Object.keys(RESEARCH_ERRORS_ZH_CN).sort()).toEqual(Object.keys(RESEARCH_ERRORS).sort());
    const placeholders = (template: string) =>
      [...template.matchAll(/\{\{(\w+)\}\}/g)].map((match) => match[1]).sort();
    for (const [code, entry] of Object.entries(RESEARCH_ERRORS)) {
      const declared = Object.keys(entry.params).sort();
      expect(placeholders(entry.en), `en ${code}`).toEqual(declared);
      expect(
        placeholders(RESEARCH_ERRORS_ZH_CN[code as keyof typeof RESEARCH_ERRORS]),
        `zh-CN ${code}`,
      ).toEqual(declared);
    }
    // Both parts are spread into one catalogue: a shared key would silently replace the other's entry.
    const shared = Object.keys(RESEARCH_ERRORS).filter((code) => code in TRADING_ERRORS);
    expect(shared).toEqual([]);
  });

  it('404s of ids that do not exist', async () => {
    expectRefusal(await api.request('GET', '/api/projects/999999'), 404, 'PROJECT_NOT_FOUND', { id: 999999 });
    expectRefusal(
      await api.request('GET', `/api/projects/${projectId}/versions/7`),
      404,
      'PROJECT_VERSION_NOT_FOUND',
      { id: projectId, version: 7 },
    );
    expectRefusal(await api.request('GET', '/api/themes/999999'), 404, 'THEME_NOT_FOUND', { id: 999999 });
    expectRefusal(await api.request('GET', '/api/snapshots/999999'), 404, 'SNAPSHOT_NOT_FOUND', {
      id: 999999,
    });
    expectRefusal(await api.request('GET', '/api/backtests/999999'), 404, 'BACKTEST_NOT_FOUND', {
      id: 999999,
    });
    // The trading side's code, reused: parity of a run that does not exist.
    expectRefusal(await api.request('GET', '/api/runs/999999/parity'), 404, 'RUN_NOT_FOUND', { id: 999999 });
    // A job that is not a sweep is no sweep.
    expectRefusal(await api.request('GET', `/api/sweeps/${importJobId}`), 404, 'SWEEP_NOT_FOUND', {
      id: importJobId,
    });
  });

  it('400s of projects and decisions', async () => {
    expectRefusal(
      await api.request('POST', '/api/projects', { name: 'Ghost themes', params: { themeIds: [999999] } }),
      400,
      'THEMES_UNKNOWN',
      { ids: '999999' },
    );
    expectRefusal(
      await api.request('POST', `/api/projects/${projectId}/decide`, { date: '2024-07-06', dryRun: true }),
      400,
      'NOT_A_TRADING_DAY',
      { date: '2024-07-06' },
    );
    expectRefusal(
      await api.request('POST', '/api/projects/999999/decide', { date: '2024-07-08', dryRun: true }),
      400,
      'PROJECT_NOT_FOUND',
      { id: 999999 },
    );
    // Existing codes that say the same thing are reused.
    expectRefusal(
      await api.request('POST', `/api/projects/${projectId}/decide`, { date: '2024-07-08', dryRun: true }),
      400,
      'DECISION_NO_MODEL',
      { project: projectId, version: 1 },
    );
    expectRefusal(
      await api.request('POST', '/api/projects', { name: 'Refusals', params: { themeIds: [themeId] } }),
      409,
      'PROJECT_NAME_TAKEN',
      { name: 'Refusals' },
    );
  });

  it('400s of research data, models and backtests', async () => {
    expectRefusal(
      await api.request('POST', '/api/data/fetch', { symbols: ['IBM'] }),
      400,
      'ALPHA_VANTAGE_KEY_MISSING',
      {},
    );
    expectRefusal(
      await api.request('POST', `/api/projects/${projectId}/backtests`, { modelVersion: 'abcdef12' }),
      400,
      'MODEL_NOT_FOUND',
      { version: 'abcdef12' },
    );
    expectRefusal(
      await api.request('POST', `/api/projects/${projectId}/backtests`, { benchmark: 'QQQ' }),
      400,
      'BENCHMARK_NOT_IN_STORE',
      { symbol: 'QQQ' },
    );
    const bare = await api.request<{ theme: { id: number } }>('POST', '/api/themes', {
      name: 'No data',
      members: ['XAA', 'XBB', 'XCC', 'AAA'].map((symbol) => ({ symbol, sector: 'Tech' })),
    });
    const project = await api.request<{ project: { id: number } }>('POST', '/api/projects', {
      name: 'No data',
      params: { themeIds: [bare.body.theme.id] },
    });
    expectRefusal(
      await api.request('POST', `/api/projects/${project.body.project.id}/backtests`, {}),
      400,
      'RESEARCH_DATA_TOO_FEW',
      { present: 1, total: 4, missing: 'XAA, XBB, XCC' },
    );
  });

  it('400s and 409s of sweeps', async () => {
    expectRefusal(
      await api.request('POST', `/api/projects/${projectId}/sweeps`, { grid: { signal: ['ret(60) * '] } }),
      400,
      'SWEEP_SIGNAL_INVALID',
      { position: 9, detail: 'unexpected end of the expression' },
    );
    const tooMany = Array.from({ length: 50 }, (_, i) => i + 1);
    expectRefusal(
      await api.request('POST', `/api/projects/${projectId}/sweeps`, {
        grid: { topN: tooMany, weekday: [1, 2, 3, 4, 5], maxWeight: [0.2, 0.4, 0.6, 0.8, 1] },
      }),
      400,
      'SWEEP_TOO_MANY_POINTS',
      { points: 1250, maximum: 1000 },
    );

    // A cancelled sweep cannot be rerun: a conflict naming its state (an enum the UI translates).
    const started = await api.request<{ job: JobBody }>('POST', `/api/projects/${projectId}/sweeps`, {
      grid: { topN: [1, 2, 3, 4], maxWeight: [0.3, 0.5, 0.7, 0.9, 1], sectorCap: [0.5, 0.75, 1] },
      workers: 1,
    });
    expect(started.status).toBe(202);
    const id = started.body.job.id;
    expect((await api.request('POST', `/api/jobs/${id}/cancel`)).status).toBe(200);
    expectRefusal(
      await api.request('POST', `/api/sweeps/${id}/rerun`, { pointHash: 'f'.repeat(64) }),
      409,
      'SWEEP_NOT_FINISHED',
      { id, status: 'cancelled' },
    );
    expect(zhText('SWEEP_NOT_FINISHED', { id, status: 'cancelled' })).toContain('取消');
  });
});
