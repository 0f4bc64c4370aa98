import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BrokerRequestError,
  BrokerTimeoutError,
  BrokerUnavailableError,
  brokerFailureReason,
} from '../../src/brokerage/index.js';
import type { ReconcileResponse, ReconciliationsResponse } from '../../src/contract/execution.js';
import type { IbReason, IbStatus, TestConnectionResult } from '../../src/contract/ib.js';
import { ibReasonText } from '../../src/contract/ib-reason-texts.js';
import { messageText } from '../../src/contract/message-text.js';
import { type Message, parseMessage } from '../../src/contract/messages.js';
import { systemClock } from '../../src/core/clock.js';
import { IbBarStore, runBackfill } from '../../src/marketdata/index.js';
import type { ApiErrorBody } from '../../src/server/errors.js';
import { type RunningApp, startApp } from '../../src/server/index.js';
import type { SimGatewayHandle } from '../../src/sim/index.js';
import { startHarness } from '../brokerage/sim-harness.js';
import { englishWordFindings } from '../browser/language-scan.js';
import { startSim } from '../execution/sim-env.js';
import { ApiClient, TEST_ADMIN_PASSWORD } from '../helpers/app.js';
import { ENGINES, type EngineTarget, freshTarget } from '../helpers/engines.js';
import { pollUntil } from '../helpers/poll.js';
import { closedPort } from '../helpers/ports.js';

/**
 * Issue 17: what the server says about the IB connection reaches a Chinese page in Chinese, end to
 * end over the built-in gateway: the lease holder's reason as a replica without the lease shows it
 * (read from the database), the connection test's failure, and a request IB refuses while the
 * gateway is down. Only IB's own words (its messages) stay as IB wrote them.
 */

/** The account the built-in gateway reports. */
const SIM_ACCOUNT = 'DU1234567';
/** An account IB does not report: a connection test with it refuses orders. */
const OTHER_ACCOUNT = 'DU7654321';

/** IB's own text inside a reason: kept as IB wrote it, so not the server's English. */
function ibWords(reason: IbReason): string[] {
  if (reason.code === 'ib-message') return [reason.ibMessage];
  if (reason.code === 'cannot-connect' && reason.ibMessage) return [reason.ibMessage];
  if (reason.code === 'data-farm-broken') return reason.farms.map((f) => f.farm);
  return [];
}

/** The reason as the connection card says it in zh-CN (web/src/pages/live/ib-reason.ts). */
function expectChineseReason(where: string, reason: IbReason | null | undefined, asState = true): string {
  expect(reason, `${where}: a reason without a code would show in English`).toBeTruthy();
  const code = reason as IbReason;
  // Rows from before the codes read as `recorded`: not what a current holder writes.
  expect(code.code, where).not.toBe('recorded');
  const zh = ibReasonText(code, 'zh-CN', asState);
  expect(englishWordFindings(where, zh, ibWords(code))).toEqual([]);
  return zh;
}

/**
 * A catalogued message as a Chinese page says it: the server's messageText, whose parameters go in
 * through the same paramText as the web's renderMessage. A code without a Chinese text would come
 * back in English, which the callers' English-word check catches.
 */
function zhMessage(message: { code: string; params: Record<string, unknown> }): string {
  const parsed = parseMessage(message);
  expect(parsed, `${message.code} is not a catalogued message`).not.toBeNull();
  return messageText(parsed as Message, 'zh-CN');
}

interface LeaseBody {
  thisReplica: { holdsLease: boolean } | null;
}

describe.each(ENGINES)('IB connection reasons in zh-CN, two replicas on one %s database', (engine) => {
  let sim: SimGatewayHandle;
  let target: EngineTarget;
  const apps: RunningApp[] = [];
  let holder: ApiClient;
  let follower: ApiClient;

  beforeAll(async () => {
    ({ sim } = await startSim());
    target = await freshTarget(engine);
    const env = {
      IBLOOP_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
      LOG_LEVEL: 'silent',
      IB_HOST: '127.0.0.1',
      IB_PORT: String(sim.port),
      IB_ACCOUNT: SIM_ACCOUNT,
      IB_MODE: 'paper',
      IB_CLIENT_ID: '7',
      ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {}),
    };
    const clients: ApiClient[] = [];
    for (let i = 0; i < 2; i += 1) {
      const app = await startApp({
        env,
        dataRoot: target.dataRoot,
        host: '127.0.0.1',
        port: 0,
        trading: { enabled: true, builtInGateway: 'off' },
        logSink: () => {},
      });
      apps.push(app);
      const client = new ApiClient(app.url);
      await client.login();
      clients.push(client);
    }
    const holds = async (client: ApiClient) =>
      (await client.request<LeaseBody>('GET', '/api/execution/lease')).body.thisReplica?.holdsLease === true;
    const [first, second] = clients as [ApiClient, ApiClient];
    await pollUntil(
      async () => [await holds(first), await holds(second)],
      (held) => held.filter(Boolean).length === 1,
      30_000,
    );
    [holder, follower] = (await holds(first)) ? [first, second] : [second, first];
  }, 120_000);

  afterAll(async () => {
    for (const app of apps) await app.close();
    await sim?.close();
    target?.cleanup();
  });

  it("a replica without the lease shows the holder's reason as a code that reads in Chinese", async () => {
    await pollUntil(
      async () => (await follower.request<IbStatus>('GET', '/api/ib/status')).body,
      (s) => s.status === 'CONNECTED' && s.tradable,
      30_000,
    );
    // IB loses its own connectivity (1100) for a minute: the holder is DEGRADED.
    await sim.faults.reset('1102', 60);
    const status = await pollUntil(
      async () => (await follower.request<IbStatus>('GET', '/api/ib/status')).body,
      (s) => s.status === 'DEGRADED' && s.reasonCode?.code === 'ib-message',
      30_000,
    );
    // The English reason stays for logs and API users.
    expect(status.reason).toMatch(/^1100: /);
    expect(status.reasonCode).toMatchObject({ code: 'ib-message', ibCode: 1100 });
    const zh = expectChineseReason('connection card', status.reasonCode);
    expect(zh).toContain('IB 错误 1100');
    expect(status.modeCheck).toMatchObject({ ok: false });
    expectChineseReason('mode check', status.modeCheck.reasonCode, false);
    expect(status.tradable).toBe(false);
    // Only the holder is connected: the follower's answer is the recorded row.
    expect(sim.gateway.sessionCount()).toBe(1);
  }, 60_000);

  it("the connection test's failure is a code: an account IB does not report, and nothing listening", async () => {
    const mismatch = await holder.request<TestConnectionResult>('POST', '/api/ib/test-connection', {
      account: OTHER_ACCOUNT,
    });
    expect(mismatch.status).toBe(200);
    expect(mismatch.body).toMatchObject({
      ok: false,
      errorCode: { code: 'account-not-reported', account: 'DU****21', reported: ['DU****67'] },
    });
    expect(mismatch.body.error).toBeTruthy();
    const account = expectChineseReason('connection test (account)', mismatch.body.errorCode, false);
    expect(account).toContain('DU****21');

    const port = await closedPort();
    const refused = await holder.request<TestConnectionResult>('POST', '/api/ib/test-connection', { port });
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({
      ok: false,
      errorCode: { code: 'cannot-connect', host: '127.0.0.1', port },
    });
    const zh = expectChineseReason('connection test (no gateway)', refused.body.errorCode, false);
    expect(zh).toContain(`无法`);
    expect(zh).toContain(`127.0.0.1:${port}`);

    // The saved settings reach IB with its account: no error.
    const ok = await holder.request<TestConnectionResult>('POST', '/api/ib/test-connection', {});
    expect(ok.body).toMatchObject({ ok: true, error: null, errorCode: null });
  }, 60_000);

  it('with the gateway down, the follower shows why and a request IB must answer is refused with a code', async () => {
    await sim.faults.refuse(30);
    const down = await pollUntil(
      async () => (await follower.request<IbStatus>('GET', '/api/ib/status')).body,
      (s) =>
        s.status === 'DISCONNECTED' && s.reasonCode !== null && s.reasonCode.code !== 'account-not-reported',
      30_000,
    );
    expectChineseReason('connection card (gateway down)', down.reasonCode);

    // A contract IB has to look up: the holder cannot ask, and says why in a code.
    const response = await holder.request<ApiErrorBody>('POST', '/api/ib/contracts/refresh?wait=true', {
      symbols: 'MSFT',
    });
    expect(response.status).toBe(503);
    const { error } = response.body;
    expect(error.code).toBe('BROKER_UNAVAILABLE');
    expect(error.text?.code).toBe('BROKER_UNAVAILABLE');
    const text = error.text as { code: string; params: Record<string, unknown> };
    const reason = text.params.reason as IbReason;
    expectChineseReason('refusal', reason, false);
    const zh = zhMessage(text);
    expect(zh).toContain('经纪商连接不可用');
    expect(englishWordFindings('refusal', zh, ibWords(reason))).toEqual([]);

    // A reconciliation asks IB for its orders: it fails, and its record keeps why as a code.
    const reconcile = await holder.request<ReconcileResponse>('POST', '/api/execution/reconcile');
    expect(reconcile.status).toBe(200);
    const report = reconcile.body.reconciliation;
    expect(report.status).toBe('failed');
    expect(report.error).toContain('broker unavailable');
    expect(report.errorText?.code).toBe('BROKER_UNAVAILABLE');
    const said = zhMessage(report.errorText as { code: string; params: Record<string, unknown> });
    expect(englishWordFindings('reconciliation', said, ibWords(reason))).toEqual([]);
    const listed = await follower.request<ReconciliationsResponse>('GET', '/api/execution/reconciliations');
    const stored = listed.body.reconciliations.find((r) => r.id === report.id);
    expect(stored?.errorText).toEqual(report.errorText);
  }, 60_000);
});

describe('a backfill chunk IB refused keeps why as a code', () => {
  it('the failure of a disconnected gateway reads in Chinese; IB errors and time-outs have codes too', async () => {
    const h = await startHarness();
    const dir = mkdtempSync(path.join(tmpdir(), 'ibloop-h1-bf-'));
    try {
      // Never started: every request is refused before anything is sent.
      const broker = h.brokerage();
      const result = await runBackfill(
        {
          brokerage: broker,
          store: new IbBarStore(dir),
          contract: async (symbol) => ({
            symbol,
            conId: 265598,
            secType: 'STK',
            exchange: 'SMART',
            primaryExchange: 'NASDAQ',
            currency: 'USD',
            multiplier: 1,
            minTick: 0.01,
            lotSize: 1,
            longName: symbol,
            industry: '',
            category: '',
            timeZoneId: 'US/Eastern',
            tradingHours: '',
            liquidHours: '',
          }),
          clock: h.clock,
          wallClock: systemClock,
          pacing: {
            maxPerWindow: 60,
            windowMs: 600_000,
            burstCount: 6,
            burstWindowMs: 2_000,
            minIntervalMs: 0,
            safetyMs: 0,
          },
          pacingBackoffMs: 1,
          maxRetries: 0,
        },
        ['AAPL'],
        '1 day',
        '2026-11-02',
        '2026-11-06',
      );
      expect(result.failures.length).toBeGreaterThan(0);
      for (const failure of result.failures) {
        expect(failure.error).toContain('broker unavailable');
        expect(failure.reasonCode).toEqual({ code: 'not-started' });
        expectChineseReason('backfill failure', failure.reasonCode, false);
      }
    } finally {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    }

    const ib = new BrokerRequestError(
      162,
      'Historical Market Data Service error message:HMDS query returned no data',
    );
    expect(brokerFailureReason(ib)).toEqual({ code: 'ib-message', ibCode: 162, ibMessage: ib.brokerMessage });
    expectChineseReason('IB error', brokerFailureReason(ib), false);
    expectChineseReason(
      'time-out',
      brokerFailureReason(new BrokerTimeoutError('historical data', 30_000)),
      false,
    );
    expect(brokerFailureReason(new BrokerUnavailableError('DISCONNECTED', 'old broker'))).toBeNull();
    // Our own checks (code 0) are not IB's words: no code claims they are.
    expect(brokerFailureReason(new BrokerRequestError(0, 'quantity must be a positive integer'))).toBeNull();
  });
});
