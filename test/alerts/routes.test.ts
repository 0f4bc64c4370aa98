import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueAlert } from '../../src/alerts/index.js';
import { ApiClient, startTestApp, type TestApp } from '../helpers/app.js';
import {
  startTelegramServer,
  TEST_BOT_TOKEN,
  TEST_CHAT_ID,
  type TelegramServer,
} from '../helpers/telegram-server.js';

interface FieldErrors {
  error: { code: string; message: string; fields?: Array<{ field: string; message: string }> };
}

describe('alert routes: history, mute/snooze, send test message', () => {
  let t: TestApp;
  let api: ApiClient;
  let telegram: TelegramServer;

  beforeAll(async () => {
    telegram = await startTelegramServer();
    t = await startTestApp('sqlite', { env: { TELEGRAM_API_BASE: telegram.url } });
    api = new ApiClient(t.app.url);
    expect((await api.login()).status).toBe(200);
  });

  afterAll(async () => {
    await t?.close();
    await telegram?.close();
  });

  const test = (body: object) => api.request<FieldErrors>('POST', '/api/alerts/test-message', body);

  it('refuses requests without a session', async () => {
    const anonymous = new ApiClient(t.app.url);
    expect((await anonymous.request('GET', '/api/alerts')).status).toBe(401);
  });

  it('bad settings get 400 naming the field, with the Bot API text when Telegram refused', async () => {
    const badToken = await test({ TELEGRAM_BOT_TOKEN: 'not-a-token', TELEGRAM_CHAT_ID: TEST_CHAT_ID });
    expect(badToken.status).toBe(400);
    expect(badToken.body.error.fields?.[0]?.field).toBe('TELEGRAM_BOT_TOKEN');

    const badChat = await test({ TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN, TELEGRAM_CHAT_ID: 'chat 42' });
    expect(badChat.status).toBe(400);
    expect(badChat.body.error.fields?.[0]?.field).toBe('TELEGRAM_CHAT_ID');

    const unset = await test({});
    expect(unset.status).toBe(400);
    expect(unset.body.error.fields?.[0]).toMatchObject({ field: 'TELEGRAM_BOT_TOKEN', message: 'not set' });

    const unreachable = await test({
      TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN,
      TELEGRAM_CHAT_ID: TEST_CHAT_ID,
      TELEGRAM_API_BASE: 'http://127.0.0.1:9',
    });
    expect(unreachable.status).toBe(400);
    expect(unreachable.body.error.fields?.[0]?.field).toBe('TELEGRAM_API_BASE');
    expect(unreachable.body.error.fields?.[0]?.message).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9/);

    const wrongToken = await test({
      TELEGRAM_BOT_TOKEN: '123456789:AAE_some-other-token-that-the-bot-api-refuses',
      TELEGRAM_CHAT_ID: TEST_CHAT_ID,
    });
    expect(wrongToken.status).toBe(400);
    expect(wrongToken.body.error.fields?.[0]).toMatchObject({ field: 'TELEGRAM_BOT_TOKEN' });
    expect(wrongToken.body.error.fields?.[0]?.message).toContain('Unauthorized');

    const unknownChat = await test({ TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN, TELEGRAM_CHAT_ID: '777' });
    expect(unknownChat.status).toBe(400);
    expect(unknownChat.body.error.fields?.[0]?.field).toBe('TELEGRAM_CHAT_ID');
    expect(unknownChat.body.error.fields?.[0]?.message).toContain('Bad Request: chat not found');
    // No secret in any answer.
    expect(JSON.stringify(api.transcript)).not.toContain(TEST_BOT_TOKEN);
  });

  it('Telegram down is a 502 with its text, not a settings error', async () => {
    telegram.behave({ kind: '500' });
    try {
      const down = await test({ TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN, TELEGRAM_CHAT_ID: TEST_CHAT_ID });
      expect(down.status).toBe(502);
      expect(down.body.error.message).toContain('Internal Server Error');
    } finally {
      telegram.behave({ kind: 'ok' });
    }
  });

  it('a good test message arrives and is audited', async () => {
    const sent = telegram.messages.length;
    const ok = await api.request<{ botUsername: string; messageId: number }>(
      'POST',
      '/api/alerts/test-message',
      {
        TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN,
        TELEGRAM_CHAT_ID: TEST_CHAT_ID,
      },
    );
    expect(ok.status).toBe(200);
    expect(ok.body.botUsername).toBe('ibloop_test_bot');
    expect(telegram.messages.length).toBe(sent + 1);
    expect(telegram.messages.at(-1)?.text).toContain('ibloop 测试消息');
    const audit = await api.request<{ items: Array<{ action: string }> }>('GET', '/api/audit?action=alerts.');
    expect(audit.body.items.map((i) => i.action)).toContain('alerts.test-message');
  });

  it('history lists the outbox; mute and snooze are validated and audited', async () => {
    await enqueueAlert(t.app.ctx, {
      kind: 'risk.triggered',
      params: { rule: 'single-name cap', detail: 'AAPL 12% > 10%' },
    });
    const page = await api.request<{
      items: Array<{ kind: string; status: string; text: string }>;
      total: number;
      rules: Array<{ kind: string; muted: boolean }>;
      channel: { configured: boolean };
    }>('GET', '/api/alerts?limit=10');
    expect(page.status).toBe(200);
    expect(page.body.items[0]).toMatchObject({ kind: 'risk.triggered', status: 'pending' });
    expect(page.body.channel.configured).toBe(false);
    expect(page.body.rules.map((r) => r.kind)).toContain('ib.disconnected');

    const bad = await api.request<FieldErrors>('PUT', '/api/alerts/rules/risk.triggered', {
      snoozeMinutes: -5,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields?.[0]?.field).toBe('snoozeMinutes');
    const unknown = await api.request<FieldErrors>('PUT', '/api/alerts/rules/nope', { muted: true });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.fields?.[0]?.field).toBe('kind');

    const muted = await api.request<{ rule: { muted: boolean } }>('PUT', '/api/alerts/rules/risk.triggered', {
      muted: true,
    });
    expect(muted.body.rule.muted).toBe(true);
    const snoozed = await api.request<{ rule: { snoozedUntil: string | null } }>(
      'PUT',
      '/api/alerts/rules/run.started',
      { snoozeMinutes: 60 },
    );
    expect(snoozed.body.rule.snoozedUntil).not.toBeNull();
    const audit = await api.request<{ items: Array<{ action: string; target: string }> }>(
      'GET',
      '/api/audit?action=alerts.rule',
    );
    expect(audit.body.items.map((i) => i.target)).toEqual(
      expect.arrayContaining(['alert-kind:risk.triggered', 'alert-kind:run.started']),
    );
    const filtered = await api.request<FieldErrors>('GET', '/api/alerts?kind=bogus');
    expect(filtered.status).toBe(400);
    expect(filtered.body.error.fields?.[0]?.field).toBe('kind');
  });
});
