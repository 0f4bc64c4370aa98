import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_RESPONSES } from '../../src/contract/errors.js';
import { API_DOCS_PREFIX, type RouteContract } from '../../src/server/api-docs.js';
import { ApiClient, startTestApp, type TestApp } from '../helpers/app.js';
import { routesWithoutResponseSchema } from '../helpers/contract-check.js';

/** The routes whose success answer is not JSON, and what it is instead. */
const NON_JSON: Record<string, string> = {
  'GET /api/events': 'text/event-stream',
  'GET /api/metrics': 'text/plain',
  'GET /api/themes/:id/export': 'text/csv',
  'GET /api/backtests/:id/export': 'text/csv',
};

const key = (route: { method: string; url: string }) => `${route.method} ${route.url}`;

interface Operation {
  parameters?: Array<{ in: string; name: string }>;
  responses?: Record<string, { $ref?: string; content?: Record<string, { schema?: unknown }> }>;
}

describe('route schemas: the contract of every API route', () => {
  let t: TestApp;
  let routes: readonly RouteContract[];

  beforeAll(async () => {
    t = await startTestApp('sqlite');
    routes = t.app.server.routeContracts;
  });
  afterAll(async () => {
    await t.close();
  });

  it('the contract table holds every API route the server registered', () => {
    const registered = t.app.server.routeTable
      .filter((r) => r.url.startsWith('/api/') && !r.url.startsWith(API_DOCS_PREFIX) && r.method !== 'HEAD')
      .map(key);
    expect(registered.length).toBeGreaterThan(60);
    expect(new Set(routes.map(key))).toEqual(new Set(registered));
  });

  it('every route declares a schema for its success answer (JSON, or a text or stream media type)', () => {
    expect(routesWithoutResponseSchema(routes)).toEqual([]);
    // The check itself: a route that declares nothing, or only errors, is named.
    const bare: RouteContract[] = [
      { method: 'GET', url: '/api/bare', schema: undefined },
      { method: 'POST', url: '/api/errors-only', schema: { response: { ...ERROR_RESPONSES } } },
    ];
    expect(routesWithoutResponseSchema(bare)).toEqual(['GET /api/bare', 'POST /api/errors-only']);
  });

  it('answers other than JSON are only the declared text and stream routes', () => {
    const nonJson: Record<string, string> = {};
    for (const route of routes) {
      const response = (route.schema?.response ?? {}) as Record<string, unknown>;
      for (const [status, declared] of Object.entries(response)) {
        if (!status.startsWith('2')) continue;
        const content: unknown =
          typeof declared === 'object' && declared !== null ? Reflect.get(declared, 'content') : undefined;
        if (content && typeof content === 'object') nonJson[key(route)] = Object.keys(content).join(',');
      }
    }
    expect(nonJson).toEqual(NON_JSON);
  });

  it('every route declares its path parameters and the common error answers', () => {
    const missing: string[] = [];
    for (const route of routes) {
      if (route.url.includes('/:') && !route.schema?.params) missing.push(`${key(route)}: params`);
      const response = (route.schema?.response ?? {}) as Record<string, unknown>;
      for (const status of Object.keys(ERROR_RESPONSES)) {
        if (!response[status]) missing.push(`${key(route)}: ${status}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('/api/docs lists every route with its parameters, its success schema and the error answers', async () => {
    const client = new ApiClient(t.app.url);
    expect((await client.login()).status).toBe(200);
    const doc = await client.request<{
      paths: Record<string, Record<string, Operation>>;
      components: { schemas: Record<string, unknown>; responses: Record<string, unknown> };
    }>('GET', '/api/docs/json');
    expect(doc.status).toBe(200);
    expect(doc.body.components.schemas.ApiError).toBeDefined();
    const problems: string[] = [];
    for (const route of routes) {
      const operation = doc.body.paths[route.url.replace(/:(\w+)/g, '{$1}')]?.[route.method.toLowerCase()];
      if (!operation) {
        problems.push(`${key(route)}: not in the document`);
        continue;
      }
      for (const name of route.url.match(/:(\w+)/g) ?? []) {
        const declared = operation.parameters?.some((p) => p.in === 'path' && `:${p.name}` === name);
        if (!declared) problems.push(`${key(route)}: path parameter ${name}`);
      }
      const responses = operation.responses ?? {};
      const success = Object.entries(responses).filter(([status]) => /^2\d\d$/.test(status));
      const described = success.some(
        ([status, answer]) =>
          status === '204' || Object.values(answer.content ?? {}).some((media) => media.schema !== undefined),
      );
      if (!described) problems.push(`${key(route)}: no success schema`);
      for (const status of Object.keys(ERROR_RESPONSES)) {
        // The shared error answer, or the route's own answer for that status (e.g. health's 503).
        const answer = responses[status];
        const name = answer?.$ref?.split('/').pop();
        const shared = name !== undefined && name in doc.body.components.responses;
        if (!shared && !answer?.content) problems.push(`${key(route)}: error ${status}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
