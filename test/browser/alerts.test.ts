import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueAlert } from '../../src/alerts/index.js';
import type { AppContext } from '../../src/app/context.js';
import { alertContext } from '../alerts/context.js';
import {
  startTelegramServer,
  TEST_BOT_TOKEN,
  TEST_CHAT_ID,
  type TelegramServer,
} from '../helpers/telegram-server.js';
import {
  menuLabels,
  openSignedInPage,
  type SignedInPage,
  startTestServer,
  switchLanguage,
} from './harness.js';

const ZH_MENU = ['项目', '数据', '回测&报告', '实盘交易', '主题库', '系统审计'];
const EN_MENU = ['Projects', 'Data', 'Backtests & Reports', 'Live Trading', 'Themes', 'System Audit'];

async function expectToast(page: Page, text: string): Promise<void> {
  await expect
    .poll(() => page.locator('.ant-message-notice').allTextContents())
    .toContainEqual(expect.stringContaining(text));
}

describe('web app: alert history under 系统审计 and the Telegram test button', () => {
  let telegram: TelegramServer;
  let s: SignedInPage;
  let replica: AppContext;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    telegram = await startTelegramServer();
    s = await openSignedInPage(() => startTestServer(), '/audit', 'audit-tabs');
    // Another replica on the same data root enqueues, as the trading side would.
    replica = await alertContext({ dataRoot: s.server.dataRoot, databaseUrl: undefined, cleanup: () => {} });
    // Saved as a user would from the settings page, so the fields stay editable there.
    await replica.settings.update(
      {
        TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN,
        TELEGRAM_CHAT_ID: TEST_CHAT_ID,
        TELEGRAM_API_BASE: telegram.url,
        // Non-critical alerts wait for the digest: they stay pending during the test.
        ALERT_DIGEST_SECONDS: 3600,
      },
      'admin',
    );
    ids.failed = (
      await enqueueAlert(replica, {
        kind: 'run.failed',
        params: { project: 'alpha', tradingDate: '2026-11-24', runId: 3, error: 'no quotes for AAPL' },
      })
    ).id;
    for (let i = 0; i < 3; i += 1) {
      ids.disconnected = (
        await enqueueAlert(replica, {
          kind: 'ib.disconnected',
          dedupeKey: 'ib.connection',
          params: { host: '127.0.0.1', port: 4002, reason: 'socket closed', downSeconds: 200 },
        })
      ).id;
    }
    ids.fallback = (
      await enqueueAlert(replica, {
        kind: 'fallback.used',
        params: { project: 'alpha', policy: 'last-snapshot', reason: 'model failed' },
      })
    ).id;
  }, 240_000);

  afterAll(async () => {
    await replica?.close();
    await s?.close();
    await telegram?.close();
  });

  it('shows the history with delivery status and counts, in Chinese', async () => {
    const { page } = s;
    expect(await menuLabels(page)).toEqual(ZH_MENU);
    await page.getByTestId('audit-tab-alerts').click();
    await page.waitForURL('**/audit/alerts');
    await page.getByTestId('alerts-table').waitFor();
    // The server's delivery worker sends the critical alerts; refresh until the page shows it.
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: '刷新' }).click();
          return page.getByTestId(`alert-status-${ids.failed}`).getAttribute('data-status');
        },
        { timeout: 20_000 },
      )
      .toBe('delivered');
    expect(telegram.messages.some((m) => m.text.includes(`#${ids.failed} `))).toBe(true);
    await expect.poll(() => page.getByTestId(`alert-count-${ids.disconnected}`).textContent()).toBe('×3');
    expect(await page.getByTestId(`alert-status-${ids.fallback}`).getAttribute('data-status')).toBe(
      'pending',
    );
    expect(await page.getByTestId(`alert-kind-${ids.failed}`).textContent()).toBe('调仓失败');
    const table = await page.getByTestId('alerts-table').textContent();
    expect(table).toContain('已送达');
    expect(table).toContain('待发送');
    expect(table).toContain('未恢复');
    // Still under 系统审计 in the menu.
    expect(
      await page.locator('[data-testid=main-menu] .ant-menu-item-selected .nav-label').textContent(),
    ).toBe('系统审计');
  });

  it('mutes and snoozes a kind; both are audited', async () => {
    const { page } = s;
    await page.getByTestId('alert-mute-risk.warning').click();
    await expectToast(page, '已更新 风控预警');
    await expect
      .poll(() => page.getByTestId('alert-mute-risk.warning').getAttribute('aria-checked'))
      .toBe('true');
    await page.getByTestId('alert-snooze-run.started').click();
    await page.getByTestId('alert-snooze-run.started-4').click();
    await page.getByTestId('alert-snoozed-run.started').waitFor();
    const muted = await enqueueAlert(replica, {
      kind: 'risk.warning',
      params: { rule: 'sector cap', detail: 'x' },
    });
    expect(muted.status).toBe('suppressed');
    await page.getByTestId('audit-tab-log').click();
    await page.waitForURL(/\/audit$/);
    await expect.poll(() => page.locator('.ant-table').first().textContent()).toContain('修改告警规则');
  });

  it('the same page in English', async () => {
    const { page } = s;
    // A deep link loads the page directly (a bookmark of the alert history).
    await page.goto('/audit/alerts');
    await page.getByTestId('alerts-table').waitFor({ timeout: 45_000 });
    await switchLanguage(page, 'English');
    expect(await menuLabels(page)).toEqual(EN_MENU);
    await expect.poll(() => page.getByTestId(`alert-kind-${ids.failed}`).textContent()).toBe('Run failed');
    const text = await page.getByTestId('alerts-table').textContent();
    expect(text).toContain('Delivered');
    expect(text).toContain('Pending');
    expect(await page.getByTestId('audit-tabs').textContent()).toContain('Alerts');
    expect(await page.getByTestId('alerts-rules').textContent()).toContain('Until resolved');
  });

  it('the settings page sends a test message and shows the Bot API refusal on the field', async () => {
    const { page } = s;
    await page.getByTestId('open-settings').click();
    await page.getByTestId('settings-form').waitFor({ timeout: 45_000 });
    const before = telegram.messages.length;
    await page.getByTestId('telegram-test').click();
    await expectToast(page, 'Test message sent (bot @ibloop_test_bot)');
    expect(telegram.messages.length).toBe(before + 1);
    await switchLanguage(page, '简体中文');
    // A chat the bot does not know: the Bot API's own words, on the chat id field.
    await page.getByTestId('setting-TELEGRAM_CHAT_ID').fill('777');
    await page.getByTestId('telegram-test').click();
    await expectToast(page, '发送失败');
    const chat = page.locator('.ant-form-item', { has: page.getByTestId('setting-TELEGRAM_CHAT_ID') });
    await expect
      .poll(() => chat.locator('.ant-form-item-explain').textContent())
      .toContain('Bad Request: chat not found');
    // An API base nobody listens on: named as such.
    await page.getByTestId('setting-TELEGRAM_CHAT_ID').fill('');
    await page.getByTestId('setting-TELEGRAM_API_BASE').fill('http://127.0.0.1:9');
    await page.getByTestId('telegram-test').click();
    const base = page.locator('.ant-form-item', { has: page.getByTestId('setting-TELEGRAM_API_BASE') });
    await expect.poll(() => base.locator('.ant-form-item-explain').textContent()).toContain('cannot reach');
  });
});
