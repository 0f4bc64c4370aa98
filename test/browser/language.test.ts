import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, startTestServer, type TestServer } from './harness.js';
import { appRoutes, startLanguageScan } from './language-scan.js';

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
    const scan = await startLanguageScan(browser, server.url, server.adminPassword);
    for (const route of routes) {
      await scan.page.goto(route);
      await scan.readZh(route);
    }

    await scan.useEnglish();
    for (const route of routes) {
      await scan.page.goto(route);
      await scan.readEn(route);
    }
    expect(scan.findings()).toEqual([]);
    await scan.page.context().close();
    // Two passes over every page on a shared machine.
  }, 300_000);
});
