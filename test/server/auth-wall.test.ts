import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteEntry } from '../../src/server/index.js';
import { startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from '../helpers/app.js';
import { type RawRequest, rawRequest } from './raw-http.js';

const PUBLIC_API = new Set([
  'GET /api/health',
  'HEAD /api/health',
  'POST /api/auth/login',
  'GET /api/auth/session',
  'HEAD /api/auth/session',
]);
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A concrete path for a route pattern: parameters and wildcards get a plausible value. */
function concrete(url: string): string {
  return url.replace(/:[A-Za-z0-9_]+/g, '1').replace(/\*/g, 'x');
}

/** Spellings of one API path that reach the same handler, or that only look like the API. */
function spellings(path: string): string[] {
  const rest = path.slice('/api'.length);
  return [
    path,
    `/%61pi${rest}`,
    `/ap%69${rest}`,
    `/API${rest}`,
    `//api${rest}`,
    `/%2561pi${rest}`,
    `http://x/api${rest}`,
  ];
}

describe('auth wall on the matched route', () => {
  let t: TestApp;
  let port: number;
  let routes: readonly RouteEntry[];
  let cookie: string;
  let csrf: string;
  const send = (request: RawRequest) => rawRequest(port, request);

  beforeAll(async () => {
    t = await startTestApp('sqlite', { env: { PUBLIC_HOSTNAMES: 'trade.example.com, [fd00::1]:8443' } });
    port = Number(new URL(t.app.url).port);
    routes = t.app.server.routeTable;
    const login = await fetch(`${t.app.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }),
    });
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
  });
  afterAll(async () => {
    await t.close();
  });

  const apiRoutes = () => routes.filter((r) => r.url.startsWith('/api'));

  it('enumerates the routes, the event stream among them; only health, login and session are public', () => {
    const keys = apiRoutes().map((r) => `${r.method} ${r.url}`);
    expect(keys).toContain('GET /api/events');
    expect(keys).toContain('GET /api/settings');
    expect(keys).toContain('POST /api/execution/reconcile');
    expect(keys.length).toBeGreaterThan(30);
    const declaredPublic = apiRoutes()
      .filter((r) => r.public)
      .map((r) => `${r.method} ${r.url}`);
    for (const key of declaredPublic) expect(PUBLIC_API.has(key), key).toBe(true);
    // Whatever else is public (static files) is not under /api.
    for (const r of routes.filter((r) => r.public)) {
      expect(r.url.toLowerCase().startsWith('/api') && !PUBLIC_API.has(`${r.method} ${r.url}`)).toBe(false);
    }
  });

  it('answers every private route 401 (or 404) without a session, however the path is spelled', async () => {
    const failures: string[] = [];
    for (const route of apiRoutes().filter((r) => !r.public)) {
      for (const target of spellings(concrete(route.url))) {
        const res = await send({
          method: route.method,
          target,
          ...(SAFE.has(route.method) ? {} : { headers: { 'content-type': 'application/json' }, body: '{}' }),
        });
        if (res.status !== 401 && res.status !== 404)
          failures.push(`${route.method} ${target} -> ${res.status}`);
        if (res.status === 404 && route.method !== 'HEAD') {
          expect(JSON.parse(res.body).error.code, target).toBe('NOT_FOUND');
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('answers every state-changing route 403 without the CSRF token, however the path is spelled', async () => {
    const failures: string[] = [];
    for (const route of apiRoutes().filter((r) => !SAFE.has(r.method) && !r.public)) {
      for (const target of spellings(concrete(route.url))) {
        const res = await send({
          method: route.method,
          target,
          headers: { cookie, 'content-type': 'application/json' },
          body: '{}',
        });
        if (res.status === 403) expect(JSON.parse(res.body).error.code).toBe('CSRF_FAILED');
        else if (res.status !== 404) failures.push(`${route.method} ${target} -> ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses a cross-site text/plain POST even with the session cookie', async () => {
    for (const target of [
      '/api/execution/reconcile',
      '/%61pi/execution/reconcile',
      'http://x/api/execution/reconcile',
    ]) {
      const forged = await send({
        method: 'POST',
        target,
        headers: { cookie, 'content-type': 'text/plain', origin: 'http://evil.example' },
        body: 'x=1',
      });
      expect(forged.status, target).toBe(403);
      // Even a stolen token does not help from another origin.
      const withToken = await send({
        method: 'POST',
        target,
        headers: {
          cookie,
          'content-type': 'text/plain',
          origin: 'http://evil.example',
          'x-csrf-token': csrf,
        },
        body: 'x=1',
      });
      expect(withToken.status, target).toBe(403);
    }
  });

  it('serves the session under its real path and refuses the odd spellings of the event stream', async () => {
    const settings = await send({ method: 'GET', target: '/%61pi/settings', headers: { cookie } });
    expect(settings.status).toBe(200);
    for (const target of spellings('/api/events')) {
      const res = await send({ method: 'GET', target });
      expect([401, 404], target).toContain(res.status);
      expect(res.headers['content-type'] ?? '').not.toMatch(/event-stream/);
    }
  });

  it('keeps the web app public: static files and client-side routes need no session', async () => {
    for (const r of routes.filter((r) => !r.url.startsWith('/api'))) expect(r.public, r.url).toBe(true);
    for (const target of ['/', '/audit', '/settings/ib']) {
      const res = await send({ method: 'GET', target });
      // 503 when web/dist is not built in this checkout; never 401, never JSON data.
      expect([200, 503], target).toContain(res.status);
      expect(res.headers['content-type'] ?? '', target).not.toMatch(/json/);
    }
  });

  it('refuses a Host that is neither the loopback listen address nor a public host name', async () => {
    for (const host of [
      'evil.example',
      `evil.example:${port}`,
      `127.0.0.1:${port + 1}`,
      `10.0.0.1:${port}`,
      '',
    ]) {
      const res = await send({ method: 'GET', target: '/api/health', headers: { host } });
      expect(res.status, host).toBe(421);
      expect(JSON.parse(res.body).error.code).toBe('HOST_NOT_ALLOWED');
    }
    const login = await send({
      method: 'POST',
      target: '/api/auth/login',
      headers: { host: `rebind.example:${port}`, 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }),
    });
    expect(login.status).toBe(421);
    expect(login.headers['set-cookie']).toBeUndefined();
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `LOCALHOST:${port}`,
      `[::1]:${port}`,
      'trade.example.com',
      'trade.example.com:443',
      '[fd00::1]:8443',
    ]) {
      const res = await send({ method: 'GET', target: '/api/health', headers: { host } });
      expect(res.status, host).toBe(200);
    }
    expect(
      (await send({ method: 'GET', target: '/api/health', headers: { host: '[fd00::1]:9999' } })).status,
    ).toBe(421);
  });

  it('sends the security headers on every response', async () => {
    for (const request of [
      { method: 'GET', target: '/api/health' },
      { method: 'GET', target: '/api/settings' },
      { method: 'GET', target: '/' },
      { method: 'GET', target: '/api/nope' },
      { method: 'GET', target: '/api/health', headers: { host: 'evil.example' } },
    ]) {
      const res = await send(request);
      const csp = res.headers['content-security-policy'] ?? '';
      expect(csp, request.target).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
  });
});

describe('behind a TLS proxy (SECURE_COOKIES=true)', () => {
  it('marks the session cookie Secure and sends HSTS', async () => {
    const t = await startTestApp('sqlite', {
      env: { SECURE_COOKIES: 'true', PUBLIC_HOSTNAMES: 'trade.example.com' },
    });
    try {
      const port = Number(new URL(t.app.url).port);
      const login = await rawRequest(port, {
        method: 'POST',
        target: '/api/auth/login',
        headers: {
          host: 'trade.example.com',
          origin: 'https://trade.example.com',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }),
      });
      expect(login.status).toBe(200);
      expect(login.headers['set-cookie']).toMatch(/;\s*Secure/i);
      expect(login.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(login.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    } finally {
      await t.close();
    }
  });
});
