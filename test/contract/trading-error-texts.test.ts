import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IbReason } from '../../src/contract/ib.js';
import { ibReasonText } from '../../src/contract/ib-reason-texts.js';
import {
  type EnumName,
  listEnum,
  MESSAGES,
  type Message,
  type MessageCode,
  type ParamKind,
} from '../../src/contract/messages.js';
import { TRADING_ERRORS } from '../../src/contract/trading-errors.js';
import { TRADING_ERRORS_ZH_CN } from '../../src/contract/trading-errors.zh-CN.js';
import { ConflictError } from '../../src/core/errors.js';
import type { SimGatewayHandle } from '../../src/sim/index.js';
import { messagesZhCN } from '../../web/src/i18n/locales/messages.zh-CN.js';
import { harness } from '../execution/harness.js';
import { startSim } from '../execution/sim-env.js';
import { ApiClient, startTestApp, type TestApp } from '../helpers/app.js';
import { pollUntil } from '../helpers/poll.js';

const ACCOUNT = 'DU1234567';
/** An account the gateway does not manage: the second server refuses to send anything. */
const OTHER_ACCOUNT = 'DU7654321';
const DATE = '2026-11-24';

interface ErrorBody {
  error: {
    code: string;
    message: string;
    text?: Message;
    details?: Message[];
    fields?: Array<{ field: string; message: string; text?: Message }>;
  };
}

/** A catalogued message in Simplified Chinese, the way the web app fills its parameters in. */
function renderZhCN(message: Message): string {
  const template: string = messagesZhCN.codes[message.code];
  const kinds: Readonly<Record<string, ParamKind>> = MESSAGES[message.code].params;
  const enums: Record<string, Record<string, string>> = messagesZhCN.enums;
  const params = message.params as Record<string, unknown>;
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
    const kind = kinds[name];
    const value = params[name];
    if (kind === undefined || value === undefined) return whole;
    if (kind === 'ibReason') return ibReasonText(value as IbReason, 'zh-CN', false);
    if (kind === 'text' || kind === 'number') return String(value);
    if (kind === 'percent') return `${(Number(value) * 100).toFixed(2)}%`;
    const list = listEnum(kind);
    if (list !== null)
      return String(value)
        .split(/,\s*/)
        .map((item) => enums[list]?.[item] ?? item)
        .join('、');
    return enums[kind as EnumName]?.[String(value)] ?? String(value);
  });
}

/** The refusal's text has this code and these parameters, and it reads in Chinese. */
function expectTradingText(text: Message | undefined, code: MessageCode, params: object) {
  expect(text?.code).toBe(code);
  expect(text?.params).toEqual(params);
  if (code in TRADING_ERRORS) expect(TRADING_ERRORS_ZH_CN[code as keyof typeof TRADING_ERRORS]).toBeTruthy();
  const zh = renderZhCN(text as Message);
  expect(zh, zh).not.toContain('{{');
  expect(zh, zh).toMatch(/\p{Script=Han}/u);
  return zh;
}

describe('the trading side refuses with catalogued texts (HTTP, SQLite)', () => {
  let sim: SimGatewayHandle;
  let trader: TestApp;
  let refused: TestApp;
  let api: ApiClient;
  let refusedApi: ApiClient;
  let projectId: number;

  const readiness = (client: ApiClient) =>
    client.request<{ thisReplica: { readiness: { ready: boolean; texts: Message[] } } | null }>(
      'GET',
      '/api/execution/lease',
    );

  beforeAll(async () => {
    sim = (await startSim()).sim;
    const gateway = { IB_HOST: '127.0.0.1', IB_PORT: String(sim.port) };
    [trader, refused] = await Promise.all([
      startTestApp('sqlite', {
        trading: { enabled: true, builtInGateway: 'off' },
        env: { ...gateway, IB_ACCOUNT: ACCOUNT, IB_CLIENT_ID: '1' },
      }),
      startTestApp('sqlite', {
        trading: { enabled: true, builtInGateway: 'off' },
        env: { ...gateway, IB_ACCOUNT: OTHER_ACCOUNT, IB_CLIENT_ID: '2' },
      }),
    ]);
    api = new ApiClient(trader.app.url);
    refusedApi = new ApiClient(refused.app.url);
    await Promise.all([api.login(), refusedApi.login()]);
    const theme = await api.request<{ theme: { id: number } }>('POST', '/api/themes', {
      name: 'Refusals',
      members: [{ symbol: 'AAPL' }, { symbol: 'MSFT' }],
    });
    const project = await api.request<{ project: { id: number } }>('POST', '/api/projects', {
      name: 'Refusals project',
      params: { themeIds: [theme.body.theme.id] },
    });
    projectId = project.body.project.id;
    await pollUntil(
      async () => (await readiness(api)).body.thisReplica?.readiness.ready ?? false,
      (ready) => ready,
      30_000,
    );
  });
  afterAll(async () => {
    await Promise.all([trader?.close(), refused?.close()]);
    await sim?.close();
  });

  const startRun = (client: ApiClient, body: Record<string, unknown>) =>
    client.request<ErrorBody>('POST', '/api/execution/runs', { projectId, tradingDate: DATE, ...body });

  it('404: a run, a pipeline run and a job that do not exist', async () => {
    const run = await api.request<ErrorBody>('GET', '/api/execution/runs/987654');
    expect(run.status).toBe(404);
    expectTradingText(run.body.error.text, 'RUN_NOT_FOUND', { id: 987654 });
    const pipelineRun = await api.request<ErrorBody>('GET', '/api/pipeline/runs/987654');
    expect(pipelineRun.status).toBe(404);
    expectTradingText(pipelineRun.body.error.text, 'PIPELINE_RUN_NOT_FOUND', { id: 987654 });
    const job = await api.request<ErrorBody>('GET', '/api/jobs/987654');
    expect(job.status).toBe(404);
    expect(expectTradingText(job.body.error.text, 'JOB_NOT_FOUND', { id: 987654 })).toBe(
      '任务 987654 不存在',
    );
  });

  it('400: cancelling an order id that does not exist', async () => {
    const response = await api.request<ErrorBody>('POST', '/api/execution/orders/987654/cancel');
    expect(response.status).toBe(400);
    expect(response.body.error.fields?.[0]?.field).toBe('orderId');
    expectTradingText(response.body.error.text, 'ORDER_NOT_FOUND', { id: 987654 });
    // The field carries the same text as the error.
    expect(response.body.error.fields?.[0]?.text).toEqual(response.body.error.text);
  });

  it('400: bad weights name the symbol and the figure; nothing is stored', async () => {
    const cases: Array<[Record<string, unknown>, MessageCode, object]> = [
      [{ AAPL: 0.7, MSFT: 0.5 }, 'WEIGHTS_SUM_ABOVE_ONE', { sum: 1.2 }],
      [{ AAPL: -0.1 }, 'WEIGHT_NEGATIVE', { symbol: 'AAPL', weight: -0.1 }],
      [{ AAPL: '0.1' }, 'WEIGHT_NOT_FINITE', { symbol: 'AAPL', value: '"0.1"' }],
      [{ 'aapl!': 0.1 }, 'WEIGHT_SYMBOL_INVALID', { symbol: 'aapl!' }],
      [{}, 'WEIGHTS_EMPTY', {}],
    ];
    for (const [weights, code, params] of cases) {
      const response = await startRun(api, { weights });
      expect(response.status, response.text).toBe(400);
      expectTradingText(response.body.error.text, code, params);
    }
    const both = await startRun(api, { weights: { AAPL: 0.1 }, snapshotId: 1 });
    expect(both.status).toBe(400);
    expectTradingText(both.body.error.text, 'RUN_NEEDS_SNAPSHOT_OR_WEIGHTS', {});
    expect(await trader.app.ctx.store.db.selectFrom('trade_runs').selectAll().execute()).toEqual([]);
  });

  it('400: a symbol IB has no contract for, and a project that does not exist', async () => {
    const unknown = await startRun(api, { weights: { ZZZZQ: 0.1 } });
    expect(unknown.status, unknown.text).toBe(400);
    expect(unknown.body.error.fields?.[0]?.field).toBe('weights.ZZZZQ');
    expectTradingText(unknown.body.error.text, 'CONTRACT_UNKNOWN', { symbol: 'ZZZZQ' });
    const noProject = await startRun(api, { projectId: 987654, weights: { AAPL: 0.05 } });
    expect(noProject.status, noProject.text).toBe(400);
    // Reused from the projects' part of the catalogue: it says the same thing.
    expectTradingText(noProject.body.error.text, 'PROJECT_NOT_FOUND', { id: 987654 });
    expect(sim.orderLog()).toEqual([]);
  });

  it('400: the pipeline refuses a day that is not a trading day and a window that has closed', async () => {
    const saturday = await api.request<ErrorBody>('POST', '/api/pipeline/run', {
      projectId,
      tradingDate: '2026-11-28',
    });
    expect(saturday.status).toBe(400);
    expectTradingText(saturday.body.error.text, 'PIPELINE_NOT_TRADING_DAY', { date: '2026-11-28' });
    const closed = await api.request<ErrorBody>('POST', '/api/pipeline/run', {
      projectId,
      tradingDate: DATE,
    });
    expect(closed.status).toBe(400);
    expectTradingText(closed.body.error.text, 'PIPELINE_WINDOW_CLOSED', { date: DATE });
  });

  it('400: resuming needs the typed word and a state less strict than the current one (named in Chinese)', async () => {
    const unconfirmed = await api.request<ErrorBody>('POST', '/api/risk/resume', {
      to: 'ACTIVE',
      reason: 'checked the account',
      confirm: 'yes',
    });
    expect(unconfirmed.status).toBe(400);
    expectTradingText(unconfirmed.body.error.text, 'RESUME_NEEDS_CONFIRMATION', { word: 'RESUME' });
    const notLess = await api.request<ErrorBody>('POST', '/api/risk/resume', {
      to: 'ACTIVE',
      reason: 'checked the account',
      confirm: 'RESUME',
    });
    expect(notLess.status).toBe(400);
    const zh = expectTradingText(notLess.body.error.text, 'RESUME_NOT_LESS_STRICT', { state: 'ACTIVE' });
    // The state is an enum value, named in the language rather than shown raw.
    expect(zh).not.toContain('ACTIVE');
  });

  it('409: a gateway logged into another account; its reconciliation records why as an IB reason', async () => {
    const refusal = await pollUntil(
      async () =>
        (
          await refusedApi.request<{ reconciliation: { status: string; errorText: Message | null } }>(
            'POST',
            '/api/execution/reconcile',
          )
        ).body.reconciliation,
      (report) => report?.errorText?.code === 'ACCOUNT_REFUSED',
      30_000,
    );
    expect(refusal.status).toBe('failed');
    expectTradingText(refusal.errorText ?? undefined, 'ACCOUNT_REFUSED', {
      reason: { code: 'account-not-reported', account: 'DU****21', reported: ['DU****67'] },
    });
    expect(renderZhCN(refusal.errorText as Message)).toMatch(
      /^拒绝下单：配置的账户 DU\*\*\*\*21 不在 IB 报告的账户中/,
    );
    const response = await startRun(refusedApi, { weights: { AAPL: 0.05 } });
    expect(response.status, response.text).toBe(409);
    expect(response.body.error.text?.code).toBe('NOT_READY_TO_TRADE');
    expect(response.text).not.toContain(OTHER_ACCOUNT);
    expect(sim.orderLog()).toEqual([]);
  });
});

describe('an engine connected to a gateway whose account does not fit the mode', () => {
  it('says why in readiness and in the refusal as ACCOUNT_REFUSED, keeping the English reason', async () => {
    const h = await harness('sqlite', { AAPL: 100 }, { accountId: 'U7234567' });
    try {
      const r = await h.replica('a', { engine: { mode: 'paper' } });
      const refused = { reason: { code: 'no-account-for-mode', mode: 'paper', accounts: ['U7****67'] } };
      const readiness = r.engine.readiness();
      expect(readiness.ready).toBe(false);
      expectTradingText(
        readiness.texts.find((text) => text.code === 'ACCOUNT_REFUSED'),
        'ACCOUNT_REFUSED',
        refused,
      );
      expect(readiness.reasons).toContain('mode is paper but the gateway offers only U7****67');
      const error = (() => {
        try {
          r.engine.account();
          return null;
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).reason).toBe('mode is paper but the gateway offers only U7****67');
      expectTradingText((error as ConflictError).text, 'ACCOUNT_REFUSED', refused);
    } finally {
      await h.close();
    }
  });
});
