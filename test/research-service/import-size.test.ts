import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startTestApp, type TestApp } from '../helpers/app.js';
import { csvMarket } from './fixtures.js';

describe('research data import size', () => {
  let t: TestApp;
  let api: ApiClient;

  beforeAll(async () => {
    t = await startTestApp('sqlite');
    api = new ApiClient(t.app.url);
    await api.login();
  });
  afterAll(async () => {
    await t.close();
  });

  it('takes uploads larger than the API-wide 1 MB body limit', async () => {
    const symbols = ['AAA', 'BBB', 'CCC', 'DDD', 'EEE', 'FFF'];
    const market = csvMarket({ seed: 3, symbols, days: 5000 });
    const files = symbols.map((symbol) => ({ name: `${symbol}.csv`, content: market[symbol]! }));
    const bytes = files.reduce((n, file) => n + file.content.length, 0);
    expect(bytes).toBeGreaterThan(2 * 1024 * 1024);
    const response = await api.request<{ imported: Array<{ rows: number }>; failed: unknown[] }>(
      'POST',
      '/api/data/import',
      { files },
    );
    expect(response.status).toBe(200);
    expect(response.body.failed).toEqual([]);
    expect(response.body.imported.map((file) => file.rows)).toEqual(symbols.map(() => 5000));
  });

  it('refuses a body that is not JSON with a validation error', async () => {
    const response = await api.request<{ error: { code: string } }>('POST', '/api/data/import', undefined, {
      rawBody: '{"files": [',
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
  });
});
