import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import { launchBrowser, login, newPage, startTestServer, type TestServer } from './harness.js';

/**
 * The header's market status follows the server's clock (here a manual one, set to a holiday and
 * then to an open session), and with the built-in paper gateway running the badge says "connected,
 * market closed" and the Data page says its prices are synthetic.
 */
describe('web app: market status and synthetic prices', () => {
  // Thanksgiving 2026, noon in New York.
  const clock = new ManualClock(Date.parse('2026-11-26T17:00:00Z'));
  let server: TestServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startTestServer({ label: 'market', clock, trading: { enabled: true, builtInGateway: 'auto' } }),
      launchBrowser(),
    ]);
    page = await newPage(browser, server.url);
    await page.goto('/data');
    await login(page, server.adminPassword);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows a closed market on a holiday, with the next open, and the badge says so', async () => {
    const status = page.getByTestId('market-status');
    await expect.poll(() => status.getAttribute('data-reason')).toBe('holiday');
    expect(await status.getAttribute('data-open')).toBe('false');
    // The next session is the early-close Friday after Thanksgiving, 09:30 New York.
    expect(await status.textContent()).toMatch(/^休市 · 下次开盘 11\/27.* 09:30 美东$/);

    const badge = page.getByTestId('trading-badge').first();
    await expect.poll(() => badge.getAttribute('data-badge'), { timeout: 30_000 }).toBe('tradable');
    await expect.poll(() => badge.getAttribute('data-market-closed')).toBe('true');
    expect(await badge.textContent()).toBe('已连接·休市');
  });

  it('labels the built-in gateway prices as synthetic on the Data page', async () => {
    const notice = page.getByTestId('synthetic-notice');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('演示行情为合成数据');
  });

  it('shows an open session with its early close after the clock moves', async () => {
    clock.set(Date.parse('2026-11-27T15:00:00Z'));
    // A day later the session has expired: sign in again.
    await page.reload();
    await page.waitForURL(/\/login/);
    await login(page, server.adminPassword);
    const status = page.getByTestId('market-status');
    await expect.poll(() => status.getAttribute('data-open')).toBe('true');
    expect(await status.getAttribute('data-early-close')).toBe('true');
    expect(await status.textContent()).toBe('提前收盘 · 开市 · 13:00 美东 收盘');
    const badge = page.getByTestId('trading-badge').first();
    await expect.poll(() => badge.textContent(), { timeout: 30_000 }).toBe('可交易');
  });
});
