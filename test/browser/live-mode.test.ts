import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSignedInPage, type SignedInPage, startTestServer } from './harness.js';

const PAPER_ACCOUNT = 'DU1234567';
const LIVE_ACCOUNT = 'U7654321';

async function expectToast(page: Page, text: string): Promise<void> {
  await expect
    .poll(() => page.locator('.ant-message-notice').allTextContents())
    .toContainEqual(expect.stringContaining(text));
}

async function saveAccount(page: Page, account: string): Promise<void> {
  await page.getByTestId('setting-IB_ACCOUNT').fill(account);
  await page.getByTestId('settings-save').click();
  await expectToast(page, '已保存 1 项配置');
  await expect.poll(() => page.getByTestId('setting-IB_ACCOUNT').inputValue()).toBe('');
}

async function pickMode(page: Page, label: string): Promise<void> {
  await page.getByTestId('setting-IB_MODE').click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: label }).click();
}

/** The mode the server has, read the way the header badge reads it. */
async function serverMode(page: Page): Promise<string> {
  const answer = await page.request.get('/api/trading/status');
  return ((await answer.json()) as { mode: string }).mode;
}

/** The label the IB_MODE select shows. */
async function modeShown(page: Page): Promise<string> {
  const text = await page
    .locator('.ant-form-item', { has: page.getByTestId('setting-IB_MODE') })
    .locator('.ant-select-content, .ant-select-selection-item')
    .first()
    .textContent();
  return text ?? '';
}

describe('web app: switching to live needs the account id typed again', () => {
  let session: SignedInPage | undefined;
  let page: Page;

  beforeAll(async () => {
    session = await openSignedInPage(() => startTestServer(), '/settings', 'settings-form');
    page = session.page;
  });
  afterAll(async () => {
    await session?.close();
  });

  it('refuses a paper DU account with the server message, and cancel goes back to paper', async () => {
    await saveAccount(page, PAPER_ACCOUNT);
    await pickMode(page, '实盘 (live)');
    const modal = page.getByTestId('live-confirm-modal');
    await modal.waitFor();
    expect(await modal.textContent()).toContain('实盘将使用真实资金下单');
    expect(await modal.textContent()).toContain('DU****67');

    await page.getByTestId('live-confirm-account').fill(PAPER_ACCOUNT);
    await page.getByRole('button', { name: '确认切换到实盘' }).click();
    const refusal = page.getByTestId('live-confirm-error');
    await expect.poll(() => refusal.textContent()).toContain('IB_ACCOUNT is a paper account (DU...)');
    expect(await serverMode(page)).toBe('paper');

    await page.getByRole('button', { name: '取消，保持模拟盘' }).click();
    await expect.poll(() => modal.isVisible()).toBe(false);
    await expect.poll(() => modeShown(page)).toContain('模拟盘');
  });

  it('refuses a wrongly typed id, switches with the right one and audits it', async () => {
    await saveAccount(page, LIVE_ACCOUNT);
    await pickMode(page, '实盘 (live)');
    await page.getByTestId('live-confirm-modal').waitFor();
    await page.getByTestId('live-confirm-account').fill('U7654320');
    await page.getByRole('button', { name: '确认切换到实盘' }).click();
    await expect
      .poll(() => page.getByTestId('live-confirm-error').textContent())
      .toContain('type the account id exactly');
    expect(await serverMode(page)).toBe('paper');

    await page.getByTestId('live-confirm-account').fill(LIVE_ACCOUNT);
    await page.getByRole('button', { name: '确认切换到实盘' }).click();
    await expectToast(page, '已切换到实盘模式');
    await expect.poll(() => page.getByTestId('live-confirm-modal').isVisible()).toBe(false);
    expect(await serverMode(page)).toBe('live');

    await page.getByTestId('nav-audit').click();
    await page.getByTestId('audit-filter-action').fill('settings.update.live');
    await page.getByTestId('audit-search').click();
    const actions = page.locator('.ant-table-tbody tr.ant-table-row .ant-tag');
    await expect.poll(() => actions.allTextContents()).toEqual(['修改设置（已确认实盘）']);
  });

  it('switches back to paper without any confirmation', async () => {
    await page.getByTestId('open-settings').click();
    await page.getByTestId('settings-form').waitFor();
    await pickMode(page, '模拟盘 (paper)');
    expect(await page.getByTestId('live-confirm-modal').count()).toBe(0);
    await page.getByTestId('settings-save').click();
    await expectToast(page, '已保存 1 项配置');
    expect(await serverMode(page)).toBe('paper');
  });
});
