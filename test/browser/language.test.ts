import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, login, newPage, startTestServer, type TestServer } from './harness.js';
import { appRoutes, enFindings, settledText, zhFindings } from './language-scan.js';

/** Every page on an empty data root (language-seeded.test.ts walks them with data in them). */
describe('web app: every page in the UI language', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows no English server text and no raw enum in zh-CN, and no Chinese in English', async () => {
    const routes = appRoutes();
    expect(routes).toContain('/projects');
    const page = await newPage(browser, server.url);
    const findings: string[] = [];
    page.on('pageerror', (error) => findings.push(`page error: ${error.message}`));
    await page.goto('/projects');
    await login(page, server.adminPassword);
    await page.waitForURL(/\/projects$/);
    for (const route of routes) {
      await page.goto(route);
      findings.push(...zhFindings(route, await settledText(page)));
    }

    await page.evaluate(`window.localStorage.setItem('ibloop.language', 'en')`);
    for (const route of routes) {
      await page.goto(route);
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      findings.push(...enFindings(route, await settledText(page)));
    }
    expect(findings).toEqual([]);
    await page.context().close();
    // Two passes over every page on a shared machine.
  }, 300_000);
});
