import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { AlphaVantageClient, type FetchProgress, toAlphaCsv } from '../../src/sources/alpha/index.js';
import { generateMarket } from './fixtures/market.js';

const market = generateMarket({ seed: 9, symbols: 3, days: 60 });
const csvOf = (symbol: string) => toAlphaCsv(market.find((bars) => bars.symbol === symbol)!);
const KEY = 'SECRET-KEY-123';

/** A local stand-in for Alpha Vantage whose answers the test scripts per symbol. */
let server: Server;
let baseUrl: string;
const script = new Map<string, (string | number)[]>();
const requests: URL[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    requests.push(url);
    const symbol = url.searchParams.get('symbol') ?? '';
    const next = script.get(symbol)?.shift() ?? 'csv';
    if (typeof next === 'number') {
      response.writeHead(next).end('server trouble');
    } else if (next === 'note') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          Note: 'Our standard API call frequency is 5 calls per minute and 25 calls per day.',
        }),
      );
    } else if (next === 'premium') {
      response
        .writeHead(200)
        .end(JSON.stringify({ Information: 'This is a premium endpoint. Subscribe to premium.' }));
    } else if (next === 'error') {
      response.writeHead(200).end(JSON.stringify({ 'Error Message': 'Invalid API call.' }));
    } else if (next === 'json') {
      const bars = market.find((b) => b.symbol === symbol)!;
      const series: Record<string, Record<string, string>> = {};
      for (const line of csvOf(symbol).trim().split('\n').slice(1)) {
        const [day, ...values] = line.split(',');
        const names = [
          '1. open',
          '2. high',
          '3. low',
          '4. close',
          '5. adjusted close',
          '6. volume',
          '7. dividend amount',
          '8. split coefficient',
        ];
        series[day!] = Object.fromEntries(names.map((name, i) => [name, values[i]!]));
      }
      void bars;
      response.writeHead(200).end(JSON.stringify({ 'Meta Data': {}, 'Time Series (Daily)': series }));
    } else {
      response.writeHead(200, { 'content-type': 'text/csv' }).end(csvOf(symbol));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/query`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

function makeClient(options: Record<string, unknown> = {}) {
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 14));
  const sleeps: number[] = [];
  const client = new AlphaVantageClient(
    { apiKey: KEY, baseUrl, backoffMs: 1000, ...options },
    {
      clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock.advance(ms);
      },
    },
  );
  return { client, clock, sleeps };
}

describe('Alpha Vantage client', () => {
  it('fetches TIME_SERIES_DAILY_ADJUSTED as CSV with the key and full output', async () => {
    const { client } = makeClient();
    const bars = await client.fetchDailyAdjusted('s000');
    expect(bars.symbol).toBe('S000');
    expect(Array.from(bars.adjustedClose)).toEqual(Array.from(market[0]!.adjustedClose));
    const url = requests.at(-1)!;
    expect(url.searchParams.get('function')).toBe('TIME_SERIES_DAILY_ADJUSTED');
    expect(url.searchParams.get('apikey')).toBe(KEY);
    expect(url.searchParams.get('outputsize')).toBe('full');
    expect(url.searchParams.get('datatype')).toBe('csv');
  });

  it('reads the JSON format into the same bars', async () => {
    script.set('S001', ['json']);
    const { client } = makeClient({ dataType: 'json' });
    const bars = await client.fetchDailyAdjusted('S001');
    expect(Array.from(bars.days)).toEqual(Array.from(market[1]!.days));
    expect(Array.from(bars.close)).toEqual(Array.from(market[1]!.close));
  });

  it('retries throttling notes and server errors with doubling backoff', async () => {
    script.set('S002', ['note', 503, 'csv']);
    const { client, sleeps } = makeClient({ requestsPerMinute: 100 });
    const events: FetchProgress['event'][] = [];
    const bars = await client.fetchDailyAdjusted('S002', (progress) => events.push(progress.event));
    expect(bars.length).toBe(60);
    expect(sleeps).toEqual([1000, 2000]);
    expect(events).toEqual(['request', 'retry-wait', 'request', 'retry-wait', 'request']);
  });

  it('fails at once on premium-only notices and error messages, without leaking the key', async () => {
    script.set('S000', ['premium']);
    const { client, sleeps } = makeClient();
    const error = await failure(client.fetchDailyAdjusted('S000'));
    expect(error.message).toContain('premium endpoint');
    expect(sleeps).toEqual([]);
    script.set('S001', ['error']);
    const invalid = await failure(client.fetchDailyAdjusted('S001'));
    expect(invalid.message).toBe('S001: Invalid API call.');
    expect(`${error.message}${invalid.message}`).not.toContain(KEY);
  });

  it('gives up after maxRetries', async () => {
    script.set('S000', [500, 500, 500]);
    const { client, sleeps } = makeClient({ maxRetries: 2 });
    await expect(client.fetchDailyAdjusted('S000')).rejects.toThrow('S000: HTTP 500');
    expect(sleeps).toEqual([1000, 2000]);
  });

  it('keeps to the per-minute limit and stops at the daily limit, reporting progress', async () => {
    const { client, sleeps } = makeClient({ requestsPerMinute: 2, requestsPerDay: 3 });
    const progress: FetchProgress[] = [];
    const result = await client.fetchMany(['S000', 'S001', 'S002', 'S000'], (p) => progress.push(p));
    expect(result.bars.map((bars) => bars.symbol)).toEqual(['S000', 'S001', 'S002']);
    // The third request waits for the first one to leave the one-minute window.
    expect(sleeps).toEqual([60_000]);
    expect(progress.filter((p) => p.event === 'rate-wait')).toHaveLength(1);
    expect(result.failed).toEqual([
      { symbol: 'S000', error: expect.stringContaining('daily request limit reached') },
    ]);
    expect(progress.at(-1)).toMatchObject({ done: 4, total: 4, event: 'failed' });
  });
});
