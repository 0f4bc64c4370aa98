import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { DEFAULT_LOGIN_THROTTLE, LoginThrottle } from '../../src/server/auth/throttle.js';
import { startApp } from '../../src/server/index.js';
import { ApiClient, startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from '../helpers/app.js';
import { runCli } from '../helpers/cli.js';
import { ENGINES } from '../helpers/engines.js';
import { rawRequest } from './raw-http.js';

interface AuditItems {
  items: Array<{ actor: string; action: string; target: string; after: unknown }>;
}

describe('login back-off (unit, manual clock)', () => {
  it('refuses a failing address for a doubling time and only slows a failing account', () => {
    const clock = new ManualClock(Date.parse('2026-01-05T12:00:00Z'));
    const throttle = new LoginThrottle(clock);
    const o = DEFAULT_LOGIN_THROTTLE;
    for (let i = 0; i < o.addressFreeFailures; i += 1) {
      expect(throttle.before('10.0.0.1', 'admin')).toEqual({ refused: false, delayMs: 0 });
      throttle.failed('10.0.0.1', 'admin');
    }
    expect(throttle.before('10.0.0.1', 'admin')).toEqual({ refused: true, retryAfterMs: o.addressBaseMs });
    // The owner elsewhere is not held up by the attacker's address.
    expect(throttle.before('10.0.0.2', 'admin')).toEqual({ refused: false, delayMs: 0 });
    clock.advance(o.addressBaseMs);
    throttle.failed('10.0.0.1', 'admin');
    expect(throttle.before('10.0.0.1', 'admin')).toEqual({
      refused: true,
      retryAfterMs: 2 * o.addressBaseMs,
    });

    // Many addresses on one account: never refused, each attempt waits longer, up to the cap.
    for (let i = 0; i < o.accountFreeFailures; i += 1) throttle.failed(`10.1.0.${i}`, 'admin');
    const slowed = throttle.before('10.9.9.9', 'admin');
    expect(slowed.refused).toBe(false);
    expect(!slowed.refused && slowed.delayMs).toBeGreaterThan(0);
    for (let i = 0; i < 40; i += 1) throttle.failed(`10.2.0.${i}`, 'admin');
    expect(throttle.before('10.9.9.9', 'admin')).toEqual({ refused: false, delayMs: o.accountMaxDelayMs });
    // A name that is no account is never keyed.
    throttle.failed('10.3.0.1', undefined);
    expect(throttle.before('10.3.0.2', 'hunter2')).toEqual({ refused: false, delayMs: 0 });

    throttle.succeeded('10.9.9.9', 'admin');
    expect(throttle.before('10.9.9.9', 'admin')).toEqual({ refused: false, delayMs: 0 });
    // Old failures are forgotten.
    clock.advance(o.forgetAfterMs + 1);
    expect(throttle.before('10.0.0.1', 'admin')).toEqual({ refused: false, delayMs: 0 });
  });
});

describe.each(ENGINES)('login protection on %s', (engine) => {
  let t: TestApp;
  let port: number;
  const login = (username: string, password: string, localAddress: string) =>
    rawRequest(port, {
      method: 'POST',
      target: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
      localAddress,
    });

  beforeAll(async () => {
    t = await startTestApp(engine, { loginRateLimit: { max: 100, windowMs: 60_000 } });
    port = Number(new URL(t.app.url).port);
  });
  afterAll(async () => {
    await t.close();
  });

  it('never stores or shows a password typed into the user-name field', async () => {
    const typedAsName = 'Tr0ub4dor&3-typed-as-name';
    const failed = await login(typedAsName, 'whatever-it-was', '127.0.0.3');
    expect(failed.status).toBe(401);
    const wrongForAdmin = await login('admin', 'not-the-password', '127.0.0.3');
    expect(wrongForAdmin.status).toBe(401);
    const api = new ApiClient(t.app.url);
    await api.login();
    const audit = await api.request<AuditItems>('GET', '/api/audit?action=auth.login.failed');
    expect(audit.text).not.toContain(typedAsName);
    const failures = audit.body.items.filter((i) => i.action === 'auth.login.failed');
    expect(failures.map((i) => i.actor)).toEqual(expect.arrayContaining(['unknown user', 'admin']));
    const stored = await t.app.ctx.store.db.selectFrom('audit_log').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(typedAsName);
    expect(t.logs.join('\n')).not.toContain(typedAsName);
  });

  it('backs off an address that keeps failing while the owner still logs in from another', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1)
      statuses.push((await login('admin', `guess-${i}-wrong`, '127.0.0.2')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    // Even the right password waits while that address is backed off.
    const refused = await login('admin', TEST_ADMIN_PASSWORD, '127.0.0.2');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(refused.body).error.code).toBe('RATE_LIMITED');
    const owner = await login('admin', TEST_ADMIN_PASSWORD, '127.0.0.1');
    expect(owner.status).toBe(200);
    expect(JSON.parse(owner.body).csrfToken).toEqual(expect.any(String));
  });
});

describe('behind a reverse proxy (TRUST_PROXY)', () => {
  const attempt = (port: number, forwardedFor: string | undefined, password: string) =>
    rawRequest(port, {
      method: 'POST',
      target: '/api/auth/login',
      headers: {
        'content-type': 'application/json',
        ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
      },
      body: JSON.stringify({ username: 'admin', password }),
    });

  it('backs off the client named by a trusted proxy, not the proxy, and ignores the header otherwise', async () => {
    const proxied = await startTestApp('sqlite', { env: { TRUST_PROXY: '127.0.0.1' } });
    const direct = await startTestApp('sqlite');
    try {
      const port = Number(new URL(proxied.app.url).port);
      for (let i = 0; i < 5; i += 1)
        expect((await attempt(port, '203.0.113.9', `wrong-${i}-pw`)).status).toBe(401);
      expect((await attempt(port, '203.0.113.9', TEST_ADMIN_PASSWORD)).status).toBe(429);
      // The owner comes through the same proxy from another address.
      expect((await attempt(port, '198.51.100.7', TEST_ADMIN_PASSWORD)).status).toBe(200);

      // Without TRUST_PROXY a forged header does not spread failures over made-up addresses.
      const directPort = Number(new URL(direct.app.url).port);
      for (let i = 0; i < 5; i += 1) {
        expect((await attempt(directPort, `192.0.2.${i}`, `wrong-${i}-pw`)).status).toBe(401);
      }
      expect((await attempt(directPort, '192.0.2.99', 'wrong-again-pw')).status).toBe(429);
    } finally {
      await proxied.close();
      await direct.close();
    }
  });
});

describe('password policy', () => {
  it.each([
    ['short-pw', /at least 12 characters/],
    ['password1234', /common passwords/],
    ['Qwerty123456', /common passwords/],
    ['aaaaaaaaaaaaaaaa', /different characters/],
  ])('refuses %j as the first-run admin password', async (password, reason) => {
    const dataRoot = mkdtempSync(path.join(tmpdir(), 'ibloop-pw-'));
    try {
      await expect(
        startApp({
          env: { IBLOOP_ADMIN_PASSWORD: password, LOG_LEVEL: 'silent' },
          dataRoot,
          host: '127.0.0.1',
          port: 0,
        }),
      ).rejects.toThrow(reason);
    } finally {
      rmSync(dataRoot, { recursive: true, force: true });
    }
  });

  // Three real CLI processes: slow on a loaded machine, hence the longer time limit.
  it('`admin set-password` refuses short and common passwords and keeps the old one', async () => {
    const dataRoot = mkdtempSync(path.join(tmpdir(), 'ibloop-pw-'));
    try {
      for (const [password, reason] of [
        ['elevenchars', /password: must be at least 12 characters/],
        ['qwerty123456', /password: .*common passwords/],
      ] as const) {
        const result = runCli(['admin', 'set-password', '--data-root', dataRoot], {
          IBLOOP_ADMIN_PASSWORD: password,
        });
        expect(result.code, result.stderr).toBe(2);
        expect(result.stderr).toMatch(reason);
      }
      const ok = runCli(['admin', 'set-password', '--data-root', dataRoot], {
        IBLOOP_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
      });
      expect(ok.code, ok.stderr).toBe(0);
      const app = await startApp({ env: { LOG_LEVEL: 'silent' }, dataRoot, host: '127.0.0.1', port: 0 });
      try {
        expect((await new ApiClient(app.url).login()).status).toBe(200);
      } finally {
        await app.close();
      }
    } finally {
      rmSync(dataRoot, { recursive: true, force: true });
    }
  }, 240_000);
});
