import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  login,
  menuLabels,
  newPage,
  startTestServer,
  switchLanguage,
  type TestServer,
} from './harness.js';

const ZH_MENU = ['项目', '数据', '回测&报告', '实盘交易', '主题库', '系统审计'];
const EN_MENU = ['Projects', 'Data', 'Backtests & Reports', 'Live Trading', 'Themes', 'System Audit'];

describe('web app: login, menu and language', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('refuses a wrong password, then signs in with the right one and returns to the page asked for', async () => {
    const page = await newPage(browser, server.url);
    await page.goto('/audit');
    await page.waitForURL(/\/login\?next=%2Faudit$/);

    await login(page, 'not-the-password');
    const error = page.getByTestId('login-error');
    await expect.poll(() => error.getAttribute('data-kind')).toBe('invalid');
    expect(await error.textContent()).toContain('用户名或密码错误');
    expect(await page.getByTestId('main-menu').count()).toBe(0);

    await login(page, server.adminPassword);
    await page.waitForURL(/\/audit$/);
    await expect.poll(() => page.getByTestId('current-user').textContent()).toBe('admin');
    const cookies = await page.context().cookies();
    const session = cookies.find((cookie) => cookie.name === 'ibloop_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

    await page.getByTestId('logout').click();
    await page.waitForURL(/\/login/);
    await page.goto('/projects');
    await page.waitForURL(/\/login\?next=%2Fprojects$/);
    await page.context().close();
  });

  it('shows the menu in the required order in Chinese by default and in English after switching', async () => {
    const page = await newPage(browser, server.url);
    await page.goto('/');
    await login(page, server.adminPassword);
    await page.getByTestId('main-menu').waitFor();

    expect(await menuLabels(page)).toEqual(ZH_MENU);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    // Nothing is configured on a fresh data root.
    const badge = page.getByTestId('trading-badge').first();
    await expect.poll(() => badge.getAttribute('data-badge')).toBe('not_configured');
    expect(await badge.textContent()).toBe('未配置');
    // The home page (projects) points to the Backtests & Reports page, in the chosen language.
    const note = page.getByTestId('projects-reports-note');
    expect(await note.textContent()).toContain('在「回测&报告」页面');
    expect(await page.getByTestId('projects-reports-link').getAttribute('href')).toBe('/backtests');

    await switchLanguage(page, 'English');
    await expect.poll(() => menuLabels(page)).toEqual(EN_MENU);
    expect(await badge.textContent()).toBe('Not configured');
    expect(await note.textContent()).toContain('are on the Backtests & Reports page');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');

    // The choice survives a reload, and antd's own texts (here the pagination) follow the language.
    await page.reload();
    await page.getByTestId('main-menu').waitFor();
    expect(await menuLabels(page)).toEqual(EN_MENU);
    await page.getByTestId('nav-audit').click();
    await page.waitForURL(/\/audit$/);
    await expect
      .poll(() => page.locator('.ant-menu-item-selected .nav-label').textContent())
      .toBe('System Audit');
    await expect.poll(() => page.locator('.ant-pagination-options').textContent()).toContain('/ page');

    await switchLanguage(page, '简体中文');
    await expect.poll(() => menuLabels(page)).toEqual(ZH_MENU);
    await expect.poll(() => page.locator('.ant-pagination-options').textContent()).toContain('条/页');
    await page.context().close();
  });

  it('explains a login rate limit', async () => {
    const limited = await startTestServer({ loginRateLimit: { max: 2, windowMs: 60_000 } });
    try {
      const page = await newPage(browser, limited.url);
      await page.goto('/login');
      const error = page.getByTestId('login-error');
      for (let attempt = 0; attempt < 3; attempt++) {
        await login(page, `wrong-${attempt}`);
        await page.getByTestId('login-submit').and(page.locator(':not(.ant-btn-loading)')).waitFor();
      }
      await expect.poll(() => error.getAttribute('data-kind')).toBe('rateLimited');
      expect(await error.textContent()).toContain('登录尝试过于频繁');
      await page.context().close();
    } finally {
      await limited.close();
    }
  });
});
