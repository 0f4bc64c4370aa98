import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENUMS, MESSAGES } from '../../src/contract/messages.js';
import { launchBrowser, login, newPage, startTestServer, type TestServer } from './harness.js';

/** Every page of the app (the side menu's, the sub-pages and settings). */
const ROUTES = [
  '/projects',
  '/data',
  '/backtests',
  '/live',
  '/live/risk',
  '/themes',
  '/audit',
  '/audit/alerts',
  '/settings',
];

/** The catalogue's English sentences as patterns (parameters match anything): shown as-is, they are untranslated. */
const ENGLISH_SERVER_TEXT = Object.values(MESSAGES)
  .map((def) => def.en)
  // Texts made only of parameters ("{{done}}/{{total}}") say nothing in English.
  .filter((en) => /[a-z]{3}/i.test(en.replace(/\{\{\w+\}\}/g, '')))
  .map((en) => {
    const escaped = en.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\{\w+\}\}/g, '.+?');
    return new RegExp(`(^|[^A-Za-z])${escaped}`, 'm');
  });

/** Raw enum values that only a missing translation would show (short ones such as DAY or BUY are left to the unit test). */
const RAW_ENUMS = [...new Set(Object.values(ENUMS).flat())].filter(
  (value) => value.length >= 5 && /[A-Z]/.test(value),
);

const HAN = /\p{Script=Han}/u;

/** The page's visible text once its loading indicators are gone, without the language switch itself. */
async function settledText(page: Page): Promise<string> {
  await page.getByTestId('main-menu').waitFor();
  await expect
    .poll(() => page.locator('.ant-spin-spinning, .ant-skeleton-active, [data-loading=true]').count(), {
      timeout: 15_000,
    })
    .toBe(0);
  // A string, not a function: the tests compile without the DOM's types. innerText, not textContent:
  // only what is visible counts. The language switch names both languages on purpose.
  return page.evaluate<string>(`(() => {
    const clone = document.body.cloneNode(true);
    for (const element of clone.querySelectorAll('[data-testid=language-switch], script, style')) element.remove();
    document.body.appendChild(clone);
    const text = clone.innerText;
    clone.remove();
    return text;
  })()`);
}

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
    const page = await newPage(browser, server.url);
    const findings: string[] = [];
    page.on('pageerror', (error) => findings.push(`page error: ${error.message}`));
    await page.goto('/projects');
    await login(page, server.adminPassword);
    await page.waitForURL(/\/projects$/);
    for (const route of ROUTES) {
      await page.goto(route);
      const text = await settledText(page);
      for (const pattern of ENGLISH_SERVER_TEXT)
        if (pattern.test(text)) findings.push(`zh-CN ${route}: English server text ${pattern.source}`);
      for (const value of RAW_ENUMS)
        if (new RegExp(`(^|[^\\w-])${value}([^\\w-]|$)`).test(text))
          findings.push(`zh-CN ${route}: raw enum ${value}`);
    }

    await page.evaluate(`window.localStorage.setItem('ibloop.language', 'en')`);
    for (const route of ROUTES) {
      await page.goto(route);
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      const text = await settledText(page);
      const chinese = text.split('\n').filter((line) => HAN.test(line));
      for (const line of chinese) findings.push(`en ${route}: Chinese "${line.slice(0, 80)}"`);
    }
    expect(findings).toEqual([]);
    await page.context().close();
    // Two passes over every page on a shared machine.
  }, 300_000);
});
