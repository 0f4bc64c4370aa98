/**
 * The language scan shared by the browser tests of issue 17: what counts as English server text or a
 * raw enum on a zh-CN page, and as Chinese on an English page, how a page's visible text is read, and
 * the scan itself (`startLanguageScan`): a signed-in page read in zh-CN, then in English.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { ENUMS, MESSAGES } from '../../src/contract/messages.js';
import { login, newPage } from './harness.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Every route of the web app without parameters, read from App.tsx so that pages added later are
 * walked too. `params` fills parameters the caller knows (e.g. `runId`); routes with others are left out.
 */
export function appRoutes(params: Record<string, string | number> = {}): string[] {
  const source = readFileSync(path.join(REPO_ROOT, 'web/src/App.tsx'), 'utf8');
  const routes = new Set<string>();
  for (const match of source.matchAll(/<Route\s+path=(?:"([^"]+)"|\{SETTINGS_PATH[^}]*\})/g)) {
    const raw = match[1] ?? 'settings';
    if (raw === '*' || raw.startsWith('/login')) continue;
    const filled = raw.replace(/:(\w+)/g, (whole, name: string) =>
      params[name] === undefined ? whole : String(params[name]),
    );
    if (!filled.includes(':')) routes.add(`/${filled.replace(/^\//, '')}`);
  }
  return [...routes];
}

/** The catalogue's English sentences as patterns (parameters match anything): shown as-is, they are untranslated. */
export const ENGLISH_SERVER_TEXT = Object.values(MESSAGES)
  .map((def) => def.en)
  // Texts made only of parameters ("{{done}}/{{total}}") say nothing in English.
  .filter((en) => /[a-z]{3}/i.test(en.replace(/\{\{\w+\}\}/g, '')))
  .map((en) => {
    const escaped = en.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\{\w+\}\}/g, '.+?');
    return new RegExp(`(^|[^A-Za-z])${escaped}`, 'm');
  });

/**
 * Raw enum values only a missing translation would show, the short ones too (BUY, SELL, NEW, MKT,
 * DAY): matched case-sensitively as whole words, so a Chinese label or a ticker does not match.
 * Lower-case values shorter than 4 letters (ib, …) are too common inside other words to tell.
 */
export const RAW_ENUMS = [...new Set(Object.values(ENUMS).flat())]
  .filter((value) => /[A-Z]/.test(value) || value.length >= 4)
  .map((value) => ({
    value,
    pattern: new RegExp(`(^|[^\\w.\\-/])${value.replace(/[.*+?^$()|[\]\\-]/g, '\\$&')}([^\\w.\\-/]|$)`),
  }));

const HAN = /\p{Script=Han}/u;

/** What a zh-CN page's text shows in English (server text or raw enums), one finding each. */
export function zhFindings(where: string, text: string, ignore: readonly string[] = []): string[] {
  // A translated label may name the code as a hint ("市价单 (MKT)"): that is not a raw value.
  let scanned = text.replace(/(\p{Script=Han})\s*[（(][\w .-]+[)）]/gu, '$1');
  for (const allowed of ignore) scanned = scanned.split(allowed).join(' ');
  const findings: string[] = [];
  for (const pattern of ENGLISH_SERVER_TEXT)
    if (pattern.test(scanned)) findings.push(`zh-CN ${where}: English server text ${pattern.source}`);
  for (const { value, pattern } of RAW_ENUMS) {
    const match = pattern.exec(scanned);
    if (match) {
      const at = match.index;
      findings.push(`zh-CN ${where}: raw enum ${value} in "${scanned.slice(Math.max(0, at - 30), at + 40)}"`);
    }
  }
  return findings;
}

/** Product names a Chinese text names as they are. */
const PRODUCT_NAMES = ['ibloop', 'Telegram', 'Gateway'];

/**
 * Server-written English in a zh-CN text the catalogue scan cannot see (sentences the server built
 * itself, `code k=v` lists): any Latin word that is not in capitals (tickers, IB, codes), a product
 * name or data the user typed (`ignore`). For texts that are all the server's: alerts, risk reasons.
 */
export function englishWordFindings(where: string, text: string, ignore: readonly string[] = []): string[] {
  let scanned = text;
  for (const allowed of ignore) scanned = scanned.split(allowed).join(' ');
  // Model versions (v1) are labels, not words.
  const words = (scanned.match(/[A-Za-z][A-Za-z0-9]*/g) ?? []).filter(
    (word) => word !== word.toUpperCase() && !PRODUCT_NAMES.includes(word) && !/^v\d+$/.test(word),
  );
  return words.length === 0
    ? []
    : [`zh-CN ${where}: English words ${words.join(' ')} in "${text.slice(0, 120)}"`];
}

/** The lines of an English page that show Chinese. */
export function enFindings(where: string, text: string): string[] {
  return text
    .split('\n')
    .filter((line) => HAN.test(line))
    .map((line) => `en ${where}: Chinese "${line.slice(0, 80)}"`);
}

/** Waits until no loading indicator is left (spinners, skeletons, panels marked as loading). */
export async function settle(page: Page): Promise<void> {
  await page.getByTestId('main-menu').waitFor();
  await expect
    .poll(() => page.locator('.ant-spin-spinning, .ant-skeleton-active, [data-loading=true]').count(), {
      timeout: 15_000,
    })
    .toBe(0);
}

/** The page's visible text once its loading indicators are gone, without the language switch itself. */
export async function settledText(page: Page): Promise<string> {
  await settle(page);
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

/**
 * One scan of pages in both languages on one signed-in page. Every check adds what it finds to the
 * scan instead of failing at once, so one run lists every page's findings; the test then expects
 * `findings()` to be empty. Errors the page throws are findings too.
 */
export interface LanguageScan {
  readonly page: Page;
  /** zh-CN: the settled page shows no English server text and no raw enum (the data names excused). */
  readZh(where: string): Promise<void>;
  /**
   * zh-CN: what the server wrote under `selector` (reasons, evidence, alerts), as shown now, has no
   * English word left but tickers, codes in capitals, product names and the data names.
   */
  readServerWords(where: string, selector: string): Promise<void>;
  /** Stores English as the UI language: every page loaded from now on speaks it. */
  useEnglish(): Promise<void>;
  /** English: the settled page is in English (`<html lang>`, which fails at once) and shows no Chinese. */
  readEn(where: string): Promise<void>;
  /** A finding of the caller's own (e.g. a page the walk could not finish). */
  add(finding: string): void;
  /** Every finding so far, each once, in the order found. */
  findings(): string[];
}

/**
 * Opens a page of its own, signs in on the Projects page and returns the scan. `dataNames` are names
 * the test's data gives (projects, themes): they stay as typed in every language.
 */
export async function startLanguageScan(
  browser: Browser,
  baseUrl: string,
  password: string,
  dataNames: readonly string[] = [],
): Promise<LanguageScan> {
  const page = await newPage(browser, baseUrl);
  const found = new Set<string>();
  const add = (findings: Iterable<string>) => {
    for (const finding of findings) found.add(finding);
  };
  page.on('pageerror', (error) => found.add(`page error: ${error.message}`));
  await page.goto('/projects');
  await login(page, password);
  await page.waitForURL(/\/projects$/);
  return {
    page,
    async readZh(where) {
      add(zhFindings(where, await settledText(page), dataNames));
    },
    async readServerWords(where, selector) {
      for (const text of await page.locator(selector).allInnerTexts())
        add(englishWordFindings(where, text, dataNames));
    },
    async useEnglish() {
      await page.evaluate(`window.localStorage.setItem('ibloop.language', 'en')`);
    },
    async readEn(where) {
      const text = await settledText(page);
      expect(await page.locator('html').getAttribute('lang'), where).toBe('en');
      add(enFindings(where, text));
    },
    add(finding) {
      found.add(finding);
    },
    findings: () => [...found],
  };
}
