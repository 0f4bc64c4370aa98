import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, readConfigFile } from '../../src/config/sources.js';
import { messageText } from '../../src/contract/message-text.js';
import type { Message } from '../../src/contract/messages.js';
import { ApiClient, startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from '../helpers/app.js';
import {
  startTelegramServer,
  TEST_BOT_TOKEN,
  TEST_CHAT_ID,
  type TelegramServer,
} from '../helpers/telegram-server.js';
import { rawRequest } from './raw-http.js';

interface ErrorAnswer {
  error: {
    code: string;
    message: string;
    text?: Message;
    fields?: Array<{ field: string; message: string; text?: Message }>;
  };
}

const HAN = /\p{Script=Han}/u;

/** The Chinese the UI shows for a text: translated, every placeholder filled. */
function expectChinese(text: Message | undefined): string {
  expect(text, 'the answer carries a catalogued text').toBeDefined();
  const zh = messageText(text!, 'zh-CN');
  expect(zh).not.toContain('{{');
  expect(HAN.test(zh), zh).toBe(true);
  return zh;
}

/**
 * What the HTTP edge itself answers (auth wall, login, unknown routes, malformed bodies, settings)
 * carries a catalogued text besides its English message, so the UI says it in its language (issue 17).
 */
describe('the HTTP edge answers with catalogued texts', () => {
  let t: TestApp;
  let port: number;
  let api: ApiClient;
  let telegram: TelegramServer;

  const raw = (
    method: string,
    target: string,
    options: { headers?: Record<string, string>; body?: string; localAddress?: string } = {},
  ) => rawRequest(port, { method, target, ...options });
  const login = (password: string, localAddress: string) =>
    raw('POST', '/api/auth/login', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
      localAddress,
    });
  const errorOf = (body: string) => (JSON.parse(body) as ErrorAnswer).error;

  beforeAll(async () => {
    telegram = await startTelegramServer();
    t = await startTestApp('sqlite', {
      // Six attempts per address: enough for the back-off to refuse first, then the limiter.
      loginRateLimit: { max: 6, windowMs: 60_000 },
      env: { TELEGRAM_API_BASE: telegram.url, IB_HOST: '127.0.0.1' },
    });
    port = Number(new URL(t.app.url).port);
    api = new ApiClient(t.app.url);
    expect((await api.login()).status).toBe(200);
  });

  afterAll(async () => {
    await t?.close();
    await telegram?.close();
  });

  it('the auth wall: unknown host, cross-origin, no session, wrong CSRF token', async () => {
    const host = await raw('GET', '/api/auth/session', { headers: { host: 'evil.example' } });
    expect(host.status).toBe(421);
    expect(errorOf(host.body)).toMatchObject({
      code: 'HOST_NOT_ALLOWED',
      message: 'this host name is not served here',
      text: { code: 'HOST_NOT_SERVED', params: {} },
    });
    expect(expectChinese(errorOf(host.body).text)).toBe('本服务器不接受此主机名的访问');

    const crossSite = await api.request<ErrorAnswer>('POST', '/api/auth/logout', undefined, {
      headers: { origin: 'http://evil.example' },
    });
    expect(crossSite.status).toBe(403);
    expect(crossSite.body.error).toMatchObject({
      code: 'CSRF_FAILED',
      text: { code: 'CROSS_ORIGIN_REFUSED', params: {} },
    });
    expectChinese(crossSite.body.error.text);

    const noCsrf = await api.request<ErrorAnswer>('POST', '/api/auth/logout', undefined, { csrf: false });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error.text).toEqual({ code: 'CSRF_TOKEN_WRONG', params: {} });
    expectChinese(noCsrf.body.error.text);

    for (const target of ['/api/audit', '/api/events']) {
      const anonymous = await new ApiClient(t.app.url).request<ErrorAnswer>('GET', target);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.error).toMatchObject({
        code: 'UNAUTHENTICATED',
        message: 'log in first',
        text: { code: 'LOGIN_REQUIRED', params: {} },
      });
    }
    expect(messageText({ code: 'LOGIN_REQUIRED', params: {} }, 'zh-CN')).toBe('请先登录');
  });

  it('an unknown API route names the method and path', async () => {
    const missing = await api.request<ErrorAnswer>('GET', '/api/no-such-thing?x=1');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({
      code: 'NOT_FOUND',
      message: 'no route GET /api/no-such-thing',
      text: { code: 'ROUTE_NOT_FOUND', params: { method: 'GET', path: '/api/no-such-thing' } },
    });
    expect(expectChinese(missing.body.error.text)).toBe('不存在接口 GET /api/no-such-thing');
  });

  it('login: wrong password, then the back-off with its seconds, then the rate limit', async () => {
    const wrong = await login('wrong-password-1', '127.0.0.21');
    expect(wrong.status).toBe(401);
    expect(errorOf(wrong.body)).toMatchObject({
      code: 'INVALID_CREDENTIALS',
      text: { code: 'LOGIN_WRONG_CREDENTIALS', params: {} },
    });
    expect(expectChinese(errorOf(wrong.body).text)).toBe('用户名或密码错误');

    for (let i = 0; i < 4; i += 1) expect((await login(`wrong-${i}`, '127.0.0.21')).status).toBe(401);
    const backedOff = await login(TEST_ADMIN_PASSWORD, '127.0.0.21');
    expect(backedOff.status).toBe(429);
    const seconds = Number(backedOff.headers['retry-after']);
    expect(seconds).toBeGreaterThan(0);
    expect(errorOf(backedOff.body)).toMatchObject({
      code: 'RATE_LIMITED',
      text: { code: 'LOGIN_FAILURES_THROTTLED', params: { seconds } },
    });
    expect(expectChinese(errorOf(backedOff.body).text)).toContain(`${seconds} 秒`);

    // The limiter counts every attempt of an address; its refusal is answered by the error handler.
    for (let i = 0; i < 6; i += 1) expect((await login(TEST_ADMIN_PASSWORD, '127.0.0.22')).status).toBe(200);
    const limited = await login(TEST_ADMIN_PASSWORD, '127.0.0.22');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    const error = errorOf(limited.body);
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.text?.code).toBe('LOGIN_ATTEMPTS_LIMITED');
    const limitSeconds = Number((error.text?.params as { seconds?: number } | undefined)?.seconds);
    expect(limitSeconds).toBeGreaterThan(0);
    expect(limitSeconds).toBeLessThanOrEqual(60);
    expect(error.message).toBe(`too many login attempts; try again in ${limitSeconds} s`);
    expectChinese(error.text);
  });

  it('malformed bodies: not JSON, empty JSON, unsupported type, too large', async () => {
    const cases = [
      { body: '{"username":', type: 'application/json', status: 400, code: 'BODY_NOT_JSON' },
      { body: '', type: 'application/json', status: 400, code: 'BODY_EMPTY_JSON' },
      { body: '<x/>', type: 'application/xml', status: 415, code: 'BODY_MEDIA_TYPE_UNSUPPORTED' },
      {
        body: JSON.stringify({ username: 'x'.repeat(1024 * 1024 + 10) }),
        type: 'application/json',
        status: 413,
        code: 'BODY_TOO_LARGE',
      },
    ];
    for (const c of cases) {
      const answer = await raw('POST', '/api/auth/login', {
        headers: { 'content-type': c.type },
        body: c.body,
        localAddress: '127.0.0.23',
      });
      expect(answer.status, c.code).toBe(c.status);
      const error = errorOf(answer.body);
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.text, c.code).toEqual({ code: c.code, params: {} });
      expect(error.fields?.[0]).toMatchObject({ field: 'body', text: { code: c.code } });
      expectChinese(error.text);
    }
  });

  it('a theme CSV names each bad line with a text', async () => {
    const answer = await api.request<ErrorAnswer>('POST', '/api/themes/1/import', {
      csv: 'ticker,name\nAAPL,Apple\n',
      mode: 'replace',
    });
    expect(answer.status).toBe(400);
    const field = answer.body.error.fields?.[0];
    expect(field?.text).toEqual({
      code: 'THEME_CSV_LINE_INVALID',
      params: { line: 1, field: 'header', detail: field?.message },
    });
    expect(expectChinese(field?.text)).toMatch(/^第 1 行，header：/);
  });

  it('a backtest whose end is before its start says so with its own code', async () => {
    const answer = await api.request<ErrorAnswer>('POST', '/api/projects/1/backtests', {
      start: '2024-02-01',
      end: '2024-01-02',
    });
    expect(answer.status).toBe(400);
    const field = answer.body.error.fields?.find((f) => f.field === 'end');
    expect(field).toMatchObject({
      message: 'must not be before start',
      text: { code: 'FIELD_END_BEFORE_START', params: {} },
    });
    expect(expectChinese(field?.text)).toBe('不能早于开始日期');
  });

  it('settings the page cannot save say why in codes', async () => {
    const answer = await api.request<ErrorAnswer>('PUT', '/api/settings', {
      values: {
        NO_SUCH_SETTING: '1',
        DATA_ROOT: '/tmp/x',
        IB_HOST: '10.0.0.1',
        IB_ACCOUNT: 'DU****67',
        IB_PORT: '70000',
        IB_CLIENT_ID: 'abc',
        TELEGRAM_CHAT_ID: 'chat 42',
      },
    });
    expect(answer.status).toBe(400);
    const texts = Object.fromEntries((answer.body.error.fields ?? []).map((f) => [f.field, f.text]));
    expect(texts).toEqual({
      NO_SUCH_SETTING: { code: 'SETTING_UNKNOWN', params: {} },
      DATA_ROOT: { code: 'SETTING_NOT_STORABLE', params: {} },
      IB_HOST: { code: 'SETTING_SET_BY_ENV', params: {} },
      IB_ACCOUNT: { code: 'SETTING_MASKED_VALUE', params: {} },
      IB_PORT: { code: 'FIELD_MAX', params: { maximum: 65535 } },
      IB_CLIENT_ID: { code: 'FIELD_INVALID_TYPE', params: {} },
      TELEGRAM_CHAT_ID: { code: 'TELEGRAM_CHAT_ID_MALFORMED', params: {} },
    });
    for (const text of Object.values(texts)) expectChinese(text);
  });

  it('POST /api/alerts/test-message answers 502 with Telegram’s trouble as a text', async () => {
    const send = () =>
      api.request<ErrorAnswer>('POST', '/api/alerts/test-message', {
        TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN,
        TELEGRAM_CHAT_ID: TEST_CHAT_ID,
      });
    telegram.behave({ kind: '500' });
    const down = await send();
    expect(down.status).toBe(502);
    expect(down.body.error).toMatchObject({
      code: 'TELEGRAM_UNAVAILABLE',
      text: { code: 'TELEGRAM_SERVER_ERROR', params: { status: 500, description: 'Internal Server Error' } },
    });
    expect(expectChinese(down.body.error.text)).toContain('Internal Server Error');

    telegram.behave({ kind: '429', retryAfter: 7 });
    const busy = await send();
    expect(busy.status).toBe(502);
    expect(busy.body.error.text).toMatchObject({ code: 'TELEGRAM_RATE_LIMITED', params: { seconds: 7 } });
    expectChinese(busy.body.error.text);
    telegram.behave({ kind: 'ok' });
  });

  // Last: it breaks the app's database on purpose.
  it('an internal error says only that, in a code', async () => {
    await t.app.ctx.store.db.destroy();
    const answer = await api.request<ErrorAnswer>('GET', '/api/audit');
    expect(answer.status).toBe(500);
    expect(answer.body.error).toEqual({
      code: 'INTERNAL',
      message: 'internal error; see the server log',
      text: { code: 'INTERNAL_ERROR', params: {} },
    });
    expectChinese(answer.body.error.text);
  });
});

describe('config file refusals carry texts', () => {
  it('unknown keys, non-scalar values, a missing file, unparsable text, not a mapping', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ibloop-edge-'));
    const issues = (content: string | null) => {
      const file = path.join(dir, 'config.yaml');
      if (content === null) rmSync(file, { force: true });
      else writeFileSync(file, content);
      try {
        readConfigFile(file);
      } catch (error) {
        if (error instanceof ConfigError) return error.issues.map((i) => i.text?.code);
        throw error;
      }
      return [];
    };
    try {
      expect(issues('NOPE: 1\nIB_HOST: [a, b]\n')).toEqual(['SETTING_UNKNOWN', 'SETTING_NOT_SCALAR']);
      expect(issues('a: [\n')).toEqual(['CONFIG_FILE_UNPARSABLE']);
      expect(issues('- a\n- b\n')).toEqual(['CONFIG_FILE_NOT_MAPPING']);
      expect(issues(null)).toEqual(['CONFIG_FILE_NOT_FOUND']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
