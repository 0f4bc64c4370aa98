import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_USERNAME } from '../../src/server/index.js';
import { ApiClient } from '../helpers/app.js';
import { launchBrowser, login, newPage, startTestServer, type TestServer } from './harness.js';
import { enFindings, settledText } from './language-scan.js';

/**
 * The UI's texts load in two parts (web/src/i18n/index.ts): the shell before the first render, the
 * other pages' texts right after it. A route other than login and Projects must wait for the second
 * part, and a language switch for both parts of the new language. The tests hold the pages part's
 * chunk back until they release it, so a page that rendered without it would show its raw keys.
 */

// Not a static import: the locale files resolve the bundler's way (no extensions), which the test
// type check does not follow; vitest loads them as the web build does.
const LOCALES = '../../web/src/i18n/locales';

interface PagesTexts {
  liveTrading: { subtitle: string };
  reports: { subtitle: string };
}

async function loadDefault<T>(file: string): Promise<T> {
  return ((await import(`${LOCALES}/${file}`)) as { default: T }).default;
}

function rawKeyFinder(names: readonly string[]): (text: string) => string[] {
  const pattern = new RegExp(`(?<![\\w./@-])(?:${names.join('|')})\\.[A-Za-z][\\w.]*`, 'g');
  return (text) => text.match(pattern) ?? [];
}

/** Holds the language's pages-part chunk until `release` is called; counts the requests held. */
async function holdPagesPart(page: Page, language: 'zh-CN' | 'en') {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const held = { count: 0, release };
  await page.route(`**/assets/${language}.pages-*.js`, async (route) => {
    held.count += 1;
    await released;
    await route.continue();
  });
  return held;
}

/** Long enough for a page chunk from a local server to load and render (it would show its raw keys). */
const RENDER_WAIT_MS = 2_000;

/** The page's visible text now, loading or not. */
function visibleText(page: Page): Promise<string> {
  return page.evaluate<string>('document.body.innerText');
}

describe('web app: a page renders only once its texts are in', () => {
  let server: TestServer;
  let browser: Browser;
  let rawKeys: (text: string) => string[];
  let zhPagesTexts: PagesTexts;
  let enPagesTexts: PagesTexts;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ label: 'page-texts' }), launchBrowser()]);
    const [shell, zhPages, enPages] = await Promise.all([
      loadDefault<object>('zh-CN.ts'),
      loadDefault<PagesTexts>('zh-CN.pages.ts'),
      loadDefault<PagesTexts>('en.pages.ts'),
    ]);
    // The top-level keys of both parts: a visible `liveTrading.title` is a text that was not in yet.
    rawKeys = rawKeyFinder([...Object.keys(shell), ...Object.keys(zhPages)]);
    zhPagesTexts = zhPages;
    enPagesTexts = enPages;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a route opened by URL in zh-CN waits for the pages part, and a switch to English waits for both English parts', async () => {
    const page = await newPage(browser, server.url);
    const zhPages = await holdPagesPart(page, 'zh-CN');
    await page.goto('/live');
    await login(page, server.adminPassword);
    await page.waitForURL(/\/live$/);
    await page.getByTestId('main-menu').waitFor();
    await page.waitForTimeout(RENDER_WAIT_MS);
    expect(zhPages.count).toBeGreaterThan(0);
    // The layout is there (shell texts), the page itself still loading.
    expect(rawKeys(await visibleText(page))).toEqual([]);
    expect(await page.getByTestId('page-loading').count()).toBe(1);

    zhPages.release();
    const zhText = await settledText(page);
    expect(rawKeys(zhText)).toEqual([]);
    expect(zhText).toContain(zhPagesTexts.liveTrading.subtitle);

    const enPages = await holdPagesPart(page, 'en');
    await page.getByTestId('language-switch').getByText('English', { exact: true }).click();
    await page.waitForTimeout(RENDER_WAIT_MS);
    expect(rawKeys(await visibleText(page))).toEqual([]);
    // Not switched yet: the page keeps speaking Chinese until English's pages part is in too.
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(enPages.count).toBeGreaterThan(0);

    enPages.release();
    await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
    const enText = await settledText(page);
    expect(rawKeys(enText)).toEqual([]);
    expect(enText).toContain(enPagesTexts.liveTrading.subtitle);
    expect(enFindings('/live', enText)).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("the login and Projects pages, a project's tabs and its form need only the shell", async () => {
    const api = new ApiClient(server.url);
    await api.login(ADMIN_USERNAME, server.adminPassword);
    const theme = await api.request<{ theme: { id: number } }>('POST', '/api/themes', {
      name: 'Shell texts theme',
      members: [{ symbol: 'AAPL', sector: 'Information Technology' }],
    });
    const project = await api.request('POST', '/api/projects', {
      name: 'shell texts',
      params: { themeIds: [theme.body.theme.id] },
    });
    expect(project.status, project.text).toBe(201);

    const page = await newPage(browser, server.url);
    // Never released: everything this test opens must render from the shell alone.
    const zhPages = await holdPagesPart(page, 'zh-CN');
    await page.goto('/projects');
    await page.getByTestId('login-submit').waitFor();
    const findings = rawKeys(await visibleText(page));
    await login(page, server.adminPassword);
    await page.getByTestId('project-row').first().click();
    await page.getByTestId('project-detail').waitFor();
    findings.push(...rawKeys(await settledText(page)));
    for (const tab of await page.getByRole('tab').all()) {
      await tab.click();
      findings.push(...rawKeys(await settledText(page)));
    }
    await page.getByTestId('project-edit').click();
    await page.getByTestId('project-form').waitFor();
    findings.push(...rawKeys(await settledText(page)));
    expect(findings).toEqual([]);
    expect(zhPages.count).toBeGreaterThan(0);
    await page.context().close();
  }, 120_000);

  it('a route opened by URL in English waits for the English pages part', async () => {
    const page = await newPage(browser, server.url);
    await page.addInitScript(`window.localStorage.setItem('ibloop.language', 'en')`);
    const enPages = await holdPagesPart(page, 'en');
    await page.goto('/backtests');
    await login(page, server.adminPassword);
    await page.waitForURL(/\/backtests$/);
    await page.getByTestId('main-menu').waitFor();
    await page.waitForTimeout(RENDER_WAIT_MS);
    expect(enPages.count).toBeGreaterThan(0);
    expect(rawKeys(await visibleText(page))).toEqual([]);
    expect(await page.getByTestId('page-loading').count()).toBe(1);

    enPages.release();
    const text = await settledText(page);
    expect(rawKeys(text)).toEqual([]);
    expect(text).toContain(enPagesTexts.reports.subtitle);
    expect(enFindings('/backtests', text)).toEqual([]);
    await page.context().close();
  }, 120_000);
});
