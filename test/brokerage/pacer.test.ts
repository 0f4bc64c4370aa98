import { IBApi } from '@stoqey/ib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installMessagePacer, MessagePacer } from '../../src/brokerage/ib/pacer.js';
import type { BrokerContract } from '../../src/brokerage/index.js';
import { type Harness, startHarness } from './sim-harness.js';

/** The most sends that fall into any window [t, t + 1000 ms). */
function busiestSecond(times: number[]): number {
  let most = 0;
  let first = 0;
  for (let last = 0; last < times.length; last += 1) {
    while ((times[last] ?? 0) - (times[first] ?? 0) >= 1000) first += 1;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

describe('message pacer', () => {
  it('sends in order, evenly spaced, never more than the limit in any second', async () => {
    const perSecond = 40;
    const sent: Array<{ index: number; at: number }> = [];
    const pacer = new MessagePacer(perSecond);
    const started = performance.now();
    const all = 70;
    await new Promise<void>((resolve) => {
      for (let index = 0; index < all; index += 1) {
        pacer.push(() => {
          sent.push({ index, at: performance.now() });
          if (sent.length === all) resolve();
        });
      }
    });
    expect(pacer.backlog()).toBe(0);
    expect(sent.map((s) => s.index)).toEqual(Array.from({ length: all }, (_, i) => i));
    expect(busiestSecond(sent.map((s) => s.at))).toBeLessThanOrEqual(perSecond);
    // Even spacing: 70 messages at 40/s cannot all be out before 69 spacings of 25 ms (minus the
    // half-spacing tolerance of the first one).
    expect((sent.at(-1)?.at ?? 0) - started).toBeGreaterThanOrEqual(69 * 25 - 13);
  });

  it('refuses a rate that is not a positive integer', () => {
    expect(() => new MessagePacer(0)).toThrow(/positive integer/);
    expect(() => new MessagePacer(2.5)).toThrow(/positive integer/);
  });

  it("replaces the client library's own throttle (fails if a library upgrade moves it)", () => {
    const api = new IBApi({ host: '127.0.0.1', port: 1, maxReqPerSec: 40 });
    expect(installMessagePacer(api, 48)).toBeInstanceOf(MessagePacer);
  });
});

describe('adapter pacing against the gateway enforcing 50 messages/s', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ maxMessagesPerSecond: 50 });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('answers 160 snapshot requests fired at once with no error 100, the heartbeat waiting its turn', async () => {
    // The product's default rate, with its margin below IB's 50.
    const brokerage = harness.brokerage({ requestTimeoutMs: 15_000 });
    const rateErrors: string[] = [];
    brokerage.ib.onConnectionMessage((info) => {
      if (info.code === 100) rateErrors.push(info.message);
    });
    await brokerage.connection.start();
    const [contract] = await brokerage.contracts.resolve({ symbol: 'AAPL' });
    expect(contract).toBeDefined();
    const started = performance.now();
    const quotes = await Promise.all(
      Array.from({ length: 160 }, () => brokerage.quotes.snapshot(contract as BrokerContract)),
    );
    const elapsed = performance.now() - started;
    expect(rateErrors).toEqual([]);
    expect(quotes).toHaveLength(160);
    for (const quote of quotes) {
      expect(quote.symbol).toBe('AAPL');
      expect(quote.bid).toBeGreaterThan(0);
      expect(quote.ask).toBeGreaterThanOrEqual(quote.bid ?? 0);
    }
    // Paced, not burst: 160 messages at 47/s take at least 3.3 s.
    expect(elapsed).toBeGreaterThan(3_000);
  });

  it('fails a snapshot of an unknown contract with IB error 200', async () => {
    const brokerage = harness.brokerage();
    await brokerage.connection.start();
    const [contract] = await brokerage.contracts.resolve({ symbol: 'AAPL' });
    const unknown = { ...(contract as BrokerContract), symbol: 'ZZZZ', conId: 999_999_999 };
    await expect(brokerage.quotes.snapshot(unknown)).rejects.toMatchObject({ code: 200 });
  });
});

describe('message accounting', () => {
  it('counts every message that leaves the socket, the handshake included', async () => {
    // A gateway of its own: its counts are this client's alone.
    const own = await startHarness({ maxMessagesPerSecond: 50 });
    const total = () => [...own.sim.gateway.requestCounts().values()].reduce((a, b) => a + b, 0);
    const brokerage = own.brokerage({ heartbeatMs: 100 });
    await brokerage.connection.start();
    const [contract] = await brokerage.contracts.resolve({ symbol: 'AAPL' });
    await Promise.all(Array.from({ length: 5 }, () => brokerage.quotes.snapshot(contract as BrokerContract)));
    await brokerage.orders.openOrders();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await brokerage.connection.stop();
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The gateway counts requests after startApi; the pacer also saw the version line and startApi.
    expect(brokerage.ib.messagesSent()).toBe(total() + 2);
    expect(brokerage.ib.messagesSent()).toBeGreaterThan(10);
    await own.close();
  });
});
