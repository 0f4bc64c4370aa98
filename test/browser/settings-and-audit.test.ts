import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, login, newPage, startTestServer, type TestServer } from './harness.js';

const ACCOUNT = 'DU1234567';
const TELEGRAM_TOKEN = '123456789:AAbbCCddEEffGGhhIIjjKKllMMnnOOpp';
const ENV_IB_HOST = '10.20.30.40';

/** Every API answer the page received (except the endless event stream), as text. */
function recordApiBodies(page: Page): string[] {
  const bodies: string[] = [];
  page.on('response', (response) => {
    const url = response.url();
    if (!url.includes('/api/') || url.includes('/api/events')) return;
    response
      .text()
      .then((text) => bodies.push(text))
      .catch(() => undefined);
  });
  return bodies;
}

function recordSettingsPuts(page: Page): Array<Record<string, unknown>> {
  const puts: Array<Record<string, unknown>> = [];
  page.on('request', (request) => {
    if (request.method() === 'PUT' && request.url().endsWith('/api/settings')) {
      puts.push((request.postDataJSON() as { values: Record<string, unknown> }).values);
    }
  });
  return puts;
}

function settingInput(page: Page, key: string) {
  return page.getByTestId(`setting-${key}`);
}

function settingItem(page: Page, key: string) {
  return page.locator('.ant-form-item', { has: settingInput(page, key) });
}

async function openSettings(page: Page): Promise<void> {
  await page.getByTestId('open-settings').click();
  await page.getByTestId('settings-form').waitFor();
}

async function save(page: Page): Promise<void> {
  await page.getByTestId('settings-save').click();
}

/** Waits until a toast containing `text` is shown. */
async function expectToast(page: Page, text: string): Promise<void> {
  await expect
    .poll(() => page.locator('.ant-message-notice').allTextContents())
    .toContainEqual(expect.stringContaining(text));
}

/** Types both ends of the audit time-range picker (local time, as a user would). */
async function setTimeRange(page: Page, start: string, end: string): Promise<void> {
  const inputs = page.locator('.ant-picker-range input');
  await inputs.nth(0).click();
  await inputs.nth(0).fill(start);
  await page.keyboard.press('Enter');
  await inputs.nth(1).fill(end);
  await page.keyboard.press('Enter');
}

describe('web app: trading configuration and system audit', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startTestServer({ env: { IB_HOST: ENV_IB_HOST } }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('saves secrets, shows them masked after a reload and never receives them in clear', async () => {
    const page = await newPage(browser, server.url);
    const bodies = recordApiBodies(page);
    const puts = recordSettingsPuts(page);
    await page.goto('/');
    await login(page, server.adminPassword);
    await openSettings(page);

    // A value from the environment wins over the UI, so it is read-only and says where it comes from.
    const host = settingInput(page, 'IB_HOST');
    expect(await host.inputValue()).toBe(ENV_IB_HOST);
    expect(await host.isDisabled()).toBe(true);
    expect(await page.getByTestId('source-IB_HOST').textContent()).toBe('环境变量');

    await settingInput(page, 'IB_ACCOUNT').fill(ACCOUNT);
    await settingInput(page, 'TELEGRAM_BOT_TOKEN').fill(TELEGRAM_TOKEN);
    await save(page);
    await expectToast(page, '已保存 2 项配置');
    // Only the changed keys travel.
    expect(puts).toEqual([{ IB_ACCOUNT: ACCOUNT, TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN }]);

    // An account is now configured: the badge follows through the event stream, without a reload.
    const badge = page.getByTestId('trading-badge').first();
    await expect.poll(() => badge.getAttribute('data-badge')).toBe('disconnected');
    expect(await badge.textContent()).toBe('未连接');

    await page.reload();
    await page.getByTestId('settings-form').waitFor();
    const account = settingInput(page, 'IB_ACCOUNT');
    const token = settingInput(page, 'TELEGRAM_BOT_TOKEN');
    expect(await account.getAttribute('data-masked')).toBe('DU****67');
    expect(await account.getAttribute('placeholder')).toContain('DU****67');
    expect(await account.inputValue()).toBe('');
    expect(await token.getAttribute('data-masked')).toBe('12****pp');
    expect(await token.inputValue()).toBe('');
    expect(await page.getByTestId('source-IB_ACCOUNT').textContent()).toBe('界面保存');

    // Untouched masked secrets are not sent back: there is nothing to save.
    await save(page);
    await expectToast(page, '没有需要保存的修改');
    expect(puts).toHaveLength(1);

    const html = await page.content();
    expect(html).not.toContain(ACCOUNT);
    expect(html).not.toContain(TELEGRAM_TOKEN);
    expect(bodies.length).toBeGreaterThan(3);
    for (const body of bodies) {
      expect(body).not.toContain(ACCOUNT);
      expect(body).not.toContain(TELEGRAM_TOKEN);
    }
    await page.context().close();
  });

  it('shows a 400 from the server on the field and stores nothing', async () => {
    const page = await newPage(browser, server.url);
    await page.goto('/settings');
    await login(page, server.adminPassword);
    await page.getByTestId('settings-form').waitFor();

    await settingInput(page, 'IB_PORT').fill('70000');
    await save(page);
    const fieldError = settingItem(page, 'IB_PORT').locator('.ant-form-item-explain-error');
    await expect.poll(() => fieldError.textContent()).toContain('65535');
    await expectToast(page, '校验未通过');

    await page.reload();
    await page.getByTestId('settings-form').waitFor();
    expect(await settingInput(page, 'IB_PORT').inputValue()).toBe('4002');
    expect(await page.getByTestId('source-IB_PORT').textContent()).toBe('默认值');
    await page.context().close();
  });

  it('lists logins and settings changes with masked before/after, filters them and verifies the chain', async () => {
    const page = await newPage(browser, server.url);
    await page.goto('/login');
    await login(page, 'wrong-password', 'intruder');
    await page.getByTestId('login-error').waitFor();
    await login(page, server.adminPassword);
    await page.getByTestId('main-menu').waitFor();
    await openSettings(page);
    await settingInput(page, 'IB_CLIENT_ID').fill('7');
    await save(page);
    await expectToast(page, '已保存 1 项配置');

    await page.getByTestId('nav-audit').click();
    const verify = page.getByTestId('audit-verify');
    await expect.poll(() => verify.getAttribute('data-ok')).toBe('true');
    expect(await verify.textContent()).toContain('链校验通过');

    const rows = page.locator('.ant-table-tbody tr.ant-table-row');
    const actions = () => rows.locator('.ant-tag').allTextContents();
    // Actions read in the UI language (the tag itself is in the tooltip and the filter).
    await expect.poll(actions).toContain('修改设置');
    const all = await actions();
    expect(all).toContain('登录');
    expect(all).toContain('登录失败');
    // Newest first: the client-id change is the latest record.
    expect(all[0]).toBe('修改设置');

    // The secrets saved by the previous test appear only masked in before/after.
    await page.getByTestId('audit-filter-action').fill('settings.');
    await page.getByTestId('audit-search').click();
    await expect.poll(async () => new Set(await actions())).toEqual(new Set(['修改设置']));
    expect(await rows.count()).toBe(2);
    const secretsRow = rows.nth(1);
    await secretsRow.locator('.ant-table-row-expand-icon').click();
    const detail = page.locator('.audit-detail').first();
    await detail.waitFor();
    const detailText = (await detail.textContent()) ?? '';
    expect(detailText).toContain('DU****67');
    expect(detailText).not.toContain(ACCOUNT);
    expect(detailText).not.toContain(TELEGRAM_TOKEN);

    await page.getByTestId('audit-filter-action').fill('');
    // A name that is no account is audited as 'unknown user' (it may be a password typed in the wrong box).
    await page.getByTestId('audit-filter-actor').fill('unknown user');
    await page.getByTestId('audit-search').click();
    await expect.poll(actions).toEqual(['登录失败']);

    // Time range: a day long past holds nothing; a range spanning today holds everything.
    await page.getByTestId('audit-filter-actor').fill('');
    await setTimeRange(page, '2000-01-01 00:00:00', '2000-01-02 00:00:00');
    await page.getByTestId('audit-search').click();
    await expect.poll(() => rows.count()).toBe(0);
    await setTimeRange(page, '2000-01-01 00:00:00', '2099-12-31 23:59:59');
    await page.getByTestId('audit-search').click();
    await expect.poll(() => rows.count()).toBe(all.length);

    // Chinese is the default; the banner speaks English after switching.
    await page.getByTestId('language-switch').getByText('English', { exact: true }).click();
    await expect.poll(() => verify.textContent()).toContain('Chain verified');
    await page.context().close();
  });

  // Last in this file: it breaks the chain for good.
  it("names the first broken record when the log was altered behind the server's back", async () => {
    const db = new Database(path.join(server.dataRoot, 'ibloop.sqlite'));
    try {
      // Someone with access to the file can drop the append-only guard; the hash chain still tells.
      const guards = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'")
        .all() as Array<{ name: string }>;
      for (const { name } of guards) db.exec(`DROP TRIGGER "${name}"`);
      db.prepare("UPDATE audit_log SET actor = 'mallory' WHERE id = 2").run();
    } finally {
      db.close();
    }
    const page = await newPage(browser, server.url);
    await page.goto('/audit');
    await login(page, server.adminPassword);
    const verify = page.getByTestId('audit-verify');
    await expect.poll(() => verify.getAttribute('data-ok')).toBe('false');
    const text = (await verify.textContent()) ?? '';
    expect(text).toContain('链校验失败');
    expect(text).toContain('#2');
    await page.context().close();
  });
});
