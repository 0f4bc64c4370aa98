/**
 * Browser-test plumbing: the built web app, a real ibloop server serving it, and Debian's Chromium
 * driven by playwright-core (Playwright's own browser download does not work on these machines).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type Clock, ManualClock } from '../../src/core/clock.js';
import { ADMIN_USERNAME, type RunningApp, type StartOptions, startApp } from '../../src/server/index.js';
import type { SimGatewayHandle } from '../../src/sim/index.js';
import { ApiClient } from '../helpers/app.js';
import { pollUntil } from '../helpers/poll.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const WEB_ROOT = path.join(REPO_ROOT, 'web');
export const WEB_DIST = path.join(WEB_ROOT, 'dist');
const WEB_INDEX = path.join(WEB_DIST, 'index.html');

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function newestMtimeMs(entry: string): number {
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of readdirSync(entry)) newest = Math.max(newest, newestMtimeMs(path.join(entry, child)));
  return newest;
}

/** The build is stale when any web source changed after the built index.html was written. */
function buildIsCurrent(): boolean {
  if (!existsSync(WEB_INDEX)) return false;
  const builtAt = statSync(WEB_INDEX).mtimeMs;
  const sources = ['src', 'public', 'index.html', 'vite.config.ts'].map((name) => path.join(WEB_ROOT, name));
  return sources.filter((source) => existsSync(source)).every((source) => newestMtimeMs(source) <= builtAt);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Builds the web app when web/dist is missing or older than its sources. Test files run in parallel
 * forks, so a lock directory (mkdir is atomic) lets exactly one of them build while the others wait.
 */
export async function ensureWebBuilt(): Promise<void> {
  if (buildIsCurrent()) return;
  const lockName = `ibloop-web-build-${createHash('sha256').update(REPO_ROOT).digest('hex').slice(0, 12)}`;
  const lock = path.join(tmpdir(), lockName);
  const staleAfterMs = 5 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Someone else is building; a lock older than any real build was left by a killed run.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > staleAfterMs) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      await sleep(250);
      if (buildIsCurrent()) return;
    }
  }
  try {
    if (buildIsCurrent()) return;
    const { build } = await import('vite');
    // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({
        configFile: path.join(WEB_ROOT, 'vite.config.ts'),
        logLevel: 'warn',
        mode: 'production',
      });
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface TestServer {
  url: string;
  adminPassword: string;
  /** The server's data root (SQLite file `ibloop.sqlite` inside), for tests that tamper with storage. */
  dataRoot: string;
  /** The running server itself, so a test seeds through its own context (`app.ctx`) rather than a second one. */
  app: RunningApp;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Extra environment for the server (e.g. `IB_HOST` to see an env-sourced, read-only setting). */
  env?: Record<string, string>;
  loginRateLimit?: { max: number; windowMs: number };
  /** The server's clock (default: the system clock). */
  clock?: Clock;
  /** The trading side; off unless asked for. */
  trading?: StartOptions['trading'];
  /** Names the data root's temporary directory, to tell the runs apart on disk. */
  label?: string;
  /** The admin's password (default: a random one). */
  adminPassword?: string;
}

/** A real ibloop server on a fresh SQLite data root, serving the built web app. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  await ensureWebBuilt();
  const dataRoot = mkdtempSync(path.join(tmpdir(), `ibloop-browser-${options.label ?? 'app'}-`));
  const adminPassword = options.adminPassword ?? `pw-${randomBytes(9).toString('base64url')}`;
  const app = await startApp({
    dataRoot,
    port: 0,
    host: '127.0.0.1',
    webRoot: WEB_DIST,
    // Only what the test chooses: the developer's shell (DATABASE_URL, IB_*) must not leak in.
    env: { IBLOOP_ADMIN_PASSWORD: adminPassword, LOG_LEVEL: 'silent', ...options.env },
    ...(options.loginRateLimit ? { loginRateLimit: options.loginRateLimit } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.trading ? { trading: options.trading } : {}),
  });
  return {
    url: app.url,
    adminPassword,
    dataRoot,
    app,
    close: async () => {
      await app.close();
      rmSync(dataRoot, { recursive: true, force: true });
    },
  };
}

/** The paper account the trading browser tests' gateway reports. */
export const PAPER_ACCOUNT = 'DU1234567';

export interface PaperTradingApp extends TestServer {
  /** Signed in as the admin. */
  api: ApiClient;
}

/**
 * A server that trades on the given paper gateway (over TCP, its clock following the gateway's stepped
 * clock) and is tradable; the caller seeds what its page needs through `api` or `app.ctx`.
 */
export async function startPaperTradingApp(
  sim: SimGatewayHandle,
  simNow: number,
  options: { password: string; label: string },
): Promise<PaperTradingApp> {
  const clock = new ManualClock(simNow);
  sim.clock.onChange((now) => clock.set(now));
  const server = await startTestServer({
    label: options.label,
    adminPassword: options.password,
    clock,
    env: { IB_HOST: '127.0.0.1', IB_PORT: String(sim.port), IB_ACCOUNT: PAPER_ACCOUNT },
    trading: { enabled: true, builtInGateway: 'off' },
  });
  const api = new ApiClient(server.url);
  await api.login(ADMIN_USERNAME, options.password);
  await pollUntil(
    async () => (await api.request<{ tradable: boolean }>('GET', '/api/ib/status')).body,
    (s) => s.tradable,
  );
  return { ...server, api };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** A page in its own context (own cookies and localStorage), so tests do not see each other's state. */
export async function newPage(browser: Browser, baseURL: string): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1440, height: 900 } });
  context.setDefaultTimeout(15_000);
  return context.newPage();
}

export async function login(page: Page, password: string, username = ADMIN_USERNAME): Promise<void> {
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

/** The side menu's labels, in display order. */
export function menuLabels(page: Page): Promise<string[]> {
  return page.locator('[data-testid=main-menu] .nav-label').allTextContents();
}

/** A test server, a browser, and a page signed in at `route`. */
export interface SignedInPage {
  server: TestServer;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

/** Starts the server and the browser together, signs in at `route` and waits for `readyTestId`. */
export async function openSignedInPage(
  start: () => Promise<TestServer>,
  route: string,
  readyTestId: string,
): Promise<SignedInPage> {
  const [server, browser] = await Promise.all([start(), launchBrowser()]);
  const page = await newPage(browser, server.url);
  await page.goto(route);
  await login(page, server.adminPassword);
  await page.getByTestId(readyTestId).waitFor();
  return {
    server,
    browser,
    page,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * Switches the UI language with the header switch and waits until the page speaks it: the texts of
 * a language load on demand, so `<html lang>` changes a moment after the click.
 */
export async function switchLanguage(page: Page, label: 'English' | '简体中文'): Promise<void> {
  await page.getByTestId('language-switch').getByText(label, { exact: true }).click();
  const lang = label === 'English' ? 'en' : 'zh-CN';
  await page.locator(`html[lang="${lang}"]`).waitFor({ state: 'attached' });
}
