import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_FILE, renderOpenApi } from '../../scripts/openapi.js';
import { TradingStatus } from '../../src/contract/core.js';
import { ApiErrorBody, type ERROR_CODES } from '../../src/contract/errors.js';
import type { ErrorCode } from '../../src/server/index.js';
import { ApiClient, startTestApp, type TestApp } from '../helpers/app.js';
import { ContractViolation, checkResponse, matchRoute } from '../helpers/contract-check.js';

describe('API contract', () => {
  let t: TestApp;
  let client: ApiClient;

  beforeAll(async () => {
    t = await startTestApp('sqlite');
    client = new ApiClient(t.app.url);
    expect((await client.login()).status).toBe(200);
  });
  afterAll(async () => {
    await t.close();
  });

  it('a field renamed on the server fails validation, by the schema and by the test hook', async () => {
    const answer = await client.request<Record<string, unknown>>('GET', '/api/trading/status');
    expect(answer.status).toBe(200);
    expect(TradingStatus.safeParse(answer.body).success).toBe(true);
    const { badge, ...rest } = answer.body;
    const renamed = { ...rest, state: badge };
    expect(TradingStatus.safeParse(renamed).success).toBe(false);
    expect(() =>
      checkResponse(t.app.url, 'GET', '/api/trading/status', 200, 'application/json', renamed),
    ).toThrow(ContractViolation);
  });

  it('error answers are checked against the common error body', async () => {
    const missing = await client.request('GET', '/api/projects/999999');
    expect(missing.status).toBe(404);
    expect(ApiErrorBody.safeParse(missing.body).success).toBe(true);
    expect(() =>
      checkResponse(t.app.url, 'GET', '/api/projects/1', 404, 'application/json', { message: 'gone' }),
    ).toThrow(ContractViolation);
  });

  it('matches a path to its route, literal segments before parameters', () => {
    const routes = t.app.server.routeContracts;
    expect(matchRoute(routes, 'GET', '/api/backtests/compare?ids=1,2')?.url).toBe('/api/backtests/compare');
    expect(matchRoute(routes, 'GET', '/api/backtests/17')?.url).toBe('/api/backtests/:id');
    expect(matchRoute(routes, 'DELETE', '/api/no/such/route')).toBeUndefined();
  });

  it('the error codes of the contract are the server’s (checked by the type check)', () => {
    type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
    const same: Same<ErrorCode, (typeof ERROR_CODES)[number]> = true;
    expect(same).toBe(true);
  });

  it('serves the OpenAPI document and its viewer to a signed-in user, listing every API route', async () => {
    const doc = await client.request<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(
      'GET',
      '/api/docs/json',
    );
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    for (const route of t.app.server.routeContracts) {
      const path = route.url.replace(/:(\w+)/g, '{$1}');
      expect(
        doc.body.paths[path]?.[route.method.toLowerCase()],
        `${route.method} ${route.url}`,
      ).toBeDefined();
    }
    const viewer = await client.request('GET', '/api/docs');
    expect([200, 302]).toContain(viewer.status);
    const page = await client.request('GET', '/api/docs/static/index.html');
    expect(page.status).toBe(200);
    expect(page.text).toContain('swagger');
  });

  it('refuses the document and the viewer without a session', async () => {
    const anonymous = new ApiClient(t.app.url);
    for (const path of ['/api/docs', '/api/docs/json', '/api/docs/static/index.html']) {
      const answer = await anonymous.request<{ error: { code: string } }>('GET', path);
      expect(answer.status, path).toBe(401);
      expect(answer.body.error.code).toBe('UNAUTHENTICATED');
    }
  });
});

describe('docs/openapi.json', () => {
  it('is what the server generates now (run `npm run openapi` after changing the API)', async () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(await renderOpenApi());
  }, 120_000);
});
