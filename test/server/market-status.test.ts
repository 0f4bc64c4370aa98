import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import { ApiClient, startTestApp, type TestApp } from '../helpers/app.js';

interface MarketStatusBody {
  open: boolean;
  closedReason: string | null;
  earlyClose: boolean;
  closesAt: string | null;
  nextOpen: string;
  nextOpenEarlyClose: boolean;
  syntheticPrices: boolean;
}

describe('GET /api/market/status', () => {
  // Late November 2026: New York is UTC-5.
  const clock = new ManualClock(Date.parse('2026-11-21T17:00:00Z'));
  let test: TestApp;
  let client: ApiClient;

  beforeAll(async () => {
    test = await startTestApp('sqlite', { clock, env: { LOG_LEVEL: 'debug' } });
    client = new ApiClient(test.app.url);
  });
  afterAll(async () => test?.close());

  /** Signs in again at each instant: a jump of days would otherwise outlive the session. */
  async function statusAt(iso: string): Promise<MarketStatusBody> {
    clock.set(Date.parse(iso));
    expect((await client.login()).status).toBe(200);
    const response = await client.request<MarketStatusBody>('GET', '/api/market/status');
    expect(response.status).toBe(200);
    return response.body;
  }

  it('is private', async () => {
    const anonymous = new ApiClient(test.app.url);
    expect((await anonymous.request('GET', '/api/market/status')).status).toBe(401);
  });

  it('follows the server clock: weekend, open session, holiday, early close', async () => {
    expect(await statusAt('2026-11-21T17:00:00Z')).toMatchObject({
      open: false,
      closedReason: 'weekend',
      nextOpen: '2026-11-23T14:30:00.000Z',
      syntheticPrices: false,
    });
    expect(await statusAt('2026-11-23T15:00:00Z')).toMatchObject({
      open: true,
      closedReason: null,
      earlyClose: false,
      closesAt: '2026-11-23T21:00:00.000Z',
    });
    expect(await statusAt('2026-11-26T16:00:00Z')).toMatchObject({
      open: false,
      closedReason: 'holiday',
      nextOpen: '2026-11-27T14:30:00.000Z',
      nextOpenEarlyClose: true,
    });
    expect(await statusAt('2026-11-27T17:00:00Z')).toMatchObject({
      open: true,
      earlyClose: true,
      closesAt: '2026-11-27T18:00:00.000Z',
    });
  });

  it('logs requests at debug level only', () => {
    const lines = test.logs.map((line) => JSON.parse(line) as { level: number; msg: string; path?: string });
    const requests = lines.filter((line) => line.path === '/api/market/status');
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((line) => line.level === 20 && line.msg === 'request')).toBe(true);
    // Fastify's own per-request info lines are off.
    expect(
      lines.filter((line) => line.msg === 'incoming request' || line.msg === 'request completed'),
    ).toEqual([]);
  });
});
