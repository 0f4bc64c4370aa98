import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageText } from '../../src/contract/message-text.js';
import type { Message } from '../../src/contract/messages.js';
import { ApiClient, startTestApp, type TestApp } from '../helpers/app.js';
import { closedPort } from '../helpers/ports.js';
import {
  startTelegramServer,
  TEST_BOT_TOKEN,
  TEST_CHAT_ID,
  type TelegramServer,
} from '../helpers/telegram-server.js';

interface Refusal {
  error: { code: string; text?: Message; fields?: Array<{ field: string; message: string; text?: Message }> };
}

/**
 * The alerts module's refusals answer with a catalogued code over HTTP (issue 17), so the settings page
 * says them in the UI language; Telegram's own English words are a parameter, quoted as Telegram's.
 */
describe('alert settings refusals as codes', () => {
  let t: TestApp;
  let api: ApiClient;
  let telegram: TelegramServer;

  beforeAll(async () => {
    telegram = await startTelegramServer();
    t = await startTestApp('sqlite', {
      env: { TELEGRAM_API_BASE: telegram.url, TELEGRAM_TIMEOUT_SECONDS: '0.5' },
    });
    api = new ApiClient(t.app.url);
    expect((await api.login()).status).toBe(200);
  });

  afterAll(async () => {
    await t?.close();
    await telegram?.close();
  });

  /** The one field the refusal names, with its code; the error's own text is the same message. */
  async function refusal(body: object): Promise<{ field: string; text: Message | undefined }> {
    const answer = await api.request<Refusal>('POST', '/api/alerts/test-message', body);
    expect(answer.status).toBe(400);
    const field = answer.body.error.fields?.[0];
    expect(answer.body.error.text).toEqual(field?.text);
    return { field: field?.field ?? '', text: field?.text };
  }

  it('malformed and missing settings', async () => {
    expect(await refusal({ TELEGRAM_BOT_TOKEN: 'not-a-token', TELEGRAM_CHAT_ID: TEST_CHAT_ID })).toEqual({
      field: 'TELEGRAM_BOT_TOKEN',
      text: { code: 'TELEGRAM_TOKEN_MALFORMED', params: {} },
    });
    expect(await refusal({ TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN, TELEGRAM_CHAT_ID: 'chat 42' })).toEqual({
      field: 'TELEGRAM_CHAT_ID',
      text: { code: 'TELEGRAM_CHAT_ID_MALFORMED', params: {} },
    });
    const badBase = { TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN, TELEGRAM_CHAT_ID: TEST_CHAT_ID };
    expect(await refusal({ ...badBase, TELEGRAM_API_BASE: 'ftp://example.org' })).toEqual({
      field: 'TELEGRAM_API_BASE',
      text: { code: 'TELEGRAM_API_BASE_MALFORMED', params: {} },
    });
    const unset = await refusal({});
    expect(unset).toEqual({
      field: 'TELEGRAM_BOT_TOKEN',
      text: { code: 'ALERT_SETTING_NOT_SET', params: { key: 'TELEGRAM_BOT_TOKEN' } },
    });
    expect(messageText(unset.text!, 'zh-CN')).toBe('TELEGRAM_BOT_TOKEN 尚未设置');
  });

  it("the Bot API's refusals: what was refused in Chinese, Telegram's words quoted as Telegram's", async () => {
    const wrongToken = await refusal({
      TELEGRAM_BOT_TOKEN: '123456789:AAE_some-other-token-that-the-bot-api-refuses',
      TELEGRAM_CHAT_ID: TEST_CHAT_ID,
    });
    expect(wrongToken).toEqual({
      field: 'TELEGRAM_BOT_TOKEN',
      text: { code: 'TELEGRAM_TOKEN_REFUSED', params: { status: 401, description: 'Unauthorized' } },
    });
    expect(messageText(wrongToken.text!, 'zh-CN')).toBe(
      'Telegram 不接受此机器人令牌（HTTP 401），Telegram 的原文：Unauthorized',
    );

    const unknownChat = await refusal({ TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN, TELEGRAM_CHAT_ID: '777' });
    expect(unknownChat).toEqual({
      field: 'TELEGRAM_CHAT_ID',
      text: {
        code: 'TELEGRAM_CHAT_REFUSED',
        params: { status: 400, description: 'Bad Request: chat not found' },
      },
    });
    expect(messageText(unknownChat.text!, 'zh-CN')).toBe(
      'Telegram 无法向此聊天发送消息（HTTP 400），Telegram 的原文：Bad Request: chat not found',
    );
    expect(messageText(unknownChat.text!, 'en')).toBe(
      'the Bot API cannot send to this chat (400): Bad Request: chat not found',
    );
  });

  it('an API base that does not answer, or not in time', async () => {
    const apiBase = `http://127.0.0.1:${await closedPort()}`;
    const closed = await refusal({
      TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN,
      TELEGRAM_CHAT_ID: TEST_CHAT_ID,
      TELEGRAM_API_BASE: apiBase,
    });
    expect(closed).toEqual({
      field: 'TELEGRAM_API_BASE',
      text: { code: 'TELEGRAM_UNREACHABLE', params: { apiBase, cause: 'ECONNREFUSED' } },
    });
    // The system's own error code, quoted as the system's.
    expect(messageText(closed.text!, 'zh-CN')).toBe(`无法连接 ${apiBase}，系统报告：ECONNREFUSED`);

    telegram.behave({ kind: 'hang' });
    try {
      const slow = await refusal({ TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN, TELEGRAM_CHAT_ID: TEST_CHAT_ID });
      expect(slow).toEqual({
        field: 'TELEGRAM_API_BASE',
        text: { code: 'TELEGRAM_NO_ANSWER', params: { apiBase: telegram.url, seconds: 0.5 } },
      });
      expect(messageText(slow.text!, 'zh-CN')).toBe(`${telegram.url} 在 0.5 秒内没有应答`);
    } finally {
      telegram.behave({ kind: 'ok' });
    }
  });

  it('muting an unknown alert kind', async () => {
    const unknown = await api.request<Refusal>('PUT', '/api/alerts/rules/nope', { muted: true });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.fields?.[0]).toMatchObject({
      field: 'kind',
      text: { code: 'ALERT_KIND_UNKNOWN', params: { kind: 'nope' } },
    });
    expect(messageText(unknown.body.error.text!, 'zh-CN')).toBe('未知的告警类型「nope」');
  });
});
