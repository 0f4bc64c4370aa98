import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageText } from '../../src/contract/message-text.js';
import { msg } from '../../src/contract/messages.js';
import {
  launchBrowser,
  login,
  newPage,
  startTestServer,
  switchLanguage,
  type TestServer,
} from './harness.js';

/**
 * A page that failed to load shows the server's catalogued refusal. Pages keep what was thrown and
 * render its text when they render, so a language switch afterwards must re-say the refusal in the
 * new language, like the rest of the page, instead of keeping the language it failed in.
 */

// Small enough that no locale groups its digits, and beyond anything a fresh server holds.
const MISSING_ID = 987;

/** The refusal's text in both languages, from the same catalogue the server and the web app use. */
function refusal(code: 'SNAPSHOT_NOT_FOUND' | 'THEME_NOT_FOUND'): { zh: string; en: string } {
  const refused = msg(code, { id: MISSING_ID });
  return { zh: messageText(refused, 'zh-CN'), en: messageText(refused, 'en') };
}

function bodyText(page: Page): Promise<string> {
  return page.evaluate<string>('document.body.innerText');
}

/** Opens `route` in Chinese, then switches to English: the refusal must follow the switch. */
async function expectRefusalFollowsLanguage(
  page: Page,
  password: string,
  route: string,
  texts: { zh: string; en: string },
): Promise<void> {
  await page.goto(route);
  await login(page, password);
  await page.getByText(texts.zh).first().waitFor();

  await switchLanguage(page, 'English');
  await page.getByText(texts.en).first().waitFor();
  expect(await bodyText(page)).not.toContain(texts.zh);

  await switchLanguage(page, '简体中文');
  await page.getByText(texts.zh).first().waitFor();
  expect(await bodyText(page)).not.toContain(texts.en);
}

describe('web app: a failed load speaks the language the UI is switched to', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ label: 'language-errors' }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a decision snapshot that does not exist', async () => {
    const page = await newPage(browser, server.url);
    await expectRefusalFollowsLanguage(
      page,
      server.adminPassword,
      `/live/snapshots/${MISSING_ID}`,
      refusal('SNAPSHOT_NOT_FOUND'),
    );
    await page.context().close();
  }, 120_000);

  it('a list page whose selected row does not exist (shared list/detail layout)', async () => {
    const page = await newPage(browser, server.url);
    await expectRefusalFollowsLanguage(
      page,
      server.adminPassword,
      `/themes?id=${MISSING_ID}`,
      refusal('THEME_NOT_FOUND'),
    );
    await page.context().close();
  }, 120_000);
});
