import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { Broker } from '../../src/sim/broker/broker.js';
import {
  DEFAULT_PACING,
  HistoryPacer,
  parseBarSize,
  parseDuration,
  parseEndTime,
} from '../../src/sim/history.js';
import { encodeFrame, FrameDecoder, ProtocolError, parseVersionRange } from '../../src/sim/protocol/codec.js';
import { createFakeMarket, OPEN_TUESDAY_MS } from './fakes.js';

describe('codec', () => {
  it('encodes fields as a length-prefixed NUL-terminated frame', () => {
    const frame = encodeFrame([4, 2, -1, 2104, 'ok', true, null]);
    expect(frame.readUInt32BE(0)).toBe(frame.length - 4);
    expect(frame.subarray(4).toString()).toBe('4\x002\x00-1\x002104\x00ok\x001\x00\x00');
  });

  it('decodes a handshake and messages split at any byte', () => {
    const handshake = Buffer.concat([
      Buffer.from('API\0'),
      Buffer.from([0, 0, 0, 9]),
      Buffer.from('v100..193'),
    ]);
    const bytes = Buffer.concat([handshake, encodeFrame([71, 2, 7, '']), encodeFrame([49, 1])]);
    for (let cut = 1; cut < bytes.length; cut++) {
      const decoder = new FrameDecoder();
      const out = [...decoder.push(bytes.subarray(0, cut)), ...decoder.push(bytes.subarray(cut))];
      expect(out).toEqual([
        { kind: 'handshake', range: { min: 100, max: 193, options: '' } },
        { kind: 'message', fields: ['71', '2', '7', ''] },
        { kind: 'message', fields: ['49', '1'] },
      ]);
    }
  });

  it('rejects bad prefixes, empty and oversize frames', () => {
    expect(() => new FrameDecoder().push(Buffer.from('GET /'))).toThrow(ProtocolError);
    const started = () => {
      const d = new FrameDecoder(1000);
      d.push(Buffer.concat([Buffer.from('API\0'), Buffer.from([0, 0, 0, 4]), Buffer.from('v176')]));
      return d;
    };
    expect(() => started().push(Buffer.from([0, 0, 0, 0]))).toThrow(/empty/);
    expect(() => started().push(Buffer.from([0, 0, 4, 0]))).toThrow(/exceeds/);
    expect(() => started().push(Buffer.from([0, 0, 0, 1, 0x41]))).toThrow(/NUL/);
  });

  it('parses version ranges with connect options', () => {
    expect(parseVersionRange('v157..178 +PACEAPI')).toEqual({ min: 157, max: 178, options: '+PACEAPI' });
    expect(parseVersionRange('v176')).toEqual({ min: 176, max: 176, options: '' });
    expect(() => parseVersionRange('v9..1')).toThrow();
  });
});

describe('historical request parsing', () => {
  it('parses durations and bar sizes', () => {
    expect(parseDuration('3600 S')).toBe(3600);
    expect(parseDuration('30 D')).toBe(30 * 86_400);
    expect(parseDuration('1 W')).toBe(7 * 86_400);
    expect(parseDuration('1 Y')).toBe(365 * 86_400);
    expect(() => parseDuration('10 X')).toThrow();
    expect(parseBarSize('1 min')).toBe(60);
    expect(parseBarSize('30 mins')).toBe(1800);
    expect(parseBarSize('1 hour')).toBe(3600);
    expect(parseBarSize('1 day')).toBe(86_400);
    expect(() => parseBarSize('7 mins')).toThrow();
  });

  it('parses end times in IB formats', () => {
    expect(parseEndTime('', 123, 'US/Eastern')).toBe(123);
    expect(parseEndTime('20261124-15:00:00', 0, 'US/Eastern')).toBe(Date.UTC(2026, 10, 24, 15));
    expect(parseEndTime('20261124 10:00:00 US/Eastern', 0, 'UTC')).toBe(Date.UTC(2026, 10, 24, 15));
    expect(parseEndTime('20260715 10:00:00', 0, 'US/Eastern')).toBe(Date.UTC(2026, 6, 15, 14));
    expect(() => parseEndTime('yesterday', 0, 'UTC')).toThrow();
  });

  it('applies IB pacing rules on the wall clock', () => {
    const clock = new ManualClock(0);
    const pacer = new HistoryPacer(DEFAULT_PACING, clock);
    expect(pacer.check('a', 'AAPL')).toBeUndefined();
    expect(pacer.check('a', 'AAPL')).toMatch(/identical/);
    clock.advance(15_000);
    expect(pacer.check('a', 'AAPL')).toBeUndefined();
    for (let i = 0; i < 5; i++) expect(pacer.check(`b${i}`, 'MSFT')).toBeUndefined();
    expect(pacer.check('b9', 'MSFT')).toMatch(/2 seconds/);
    const off = new HistoryPacer({ ...DEFAULT_PACING, enabled: false }, clock);
    expect(off.check('a', 'AAPL')).toBeUndefined();
    expect(off.check('a', 'AAPL')).toBeUndefined();
    const windowed = new HistoryPacer({ ...DEFAULT_PACING, burstCount: 1000 }, clock);
    for (let i = 0; i < 60; i++) {
      clock.advance(100);
      expect(windowed.check(`w${i}`, `S${i}`)).toBeUndefined();
    }
    expect(windowed.check('w-last', 'X')).toMatch(/10 minutes/);
  });
});

describe('broker', () => {
  const market = createFakeMarket();
  const options = {
    account: 'DU1',
    initialCash: 100_000,
    seed: 1,
    commission: { perShare: 0.005, minPerOrder: 1, maxPctOfValue: 0.01 },
    fill: { slippageTicks: 0, partialFillProbability: 0, partialClipShares: 100 },
    dayKeyOf: (ms: number) => new Date(ms).toISOString().slice(0, 10),
  };
  const input = {
    clientId: 1,
    conId: 0,
    symbol: 'AAPL',
    tif: 'DAY',
    orderRef: '',
    account: '',
    outsideRth: false,
    lmtPrice: undefined,
    orderType: 'MKT',
  };

  it('charges per share with a minimum and a cap, and realises PnL on the close', () => {
    const broker = new Broker(market, options);
    broker.place({ ...input, orderId: 1, action: 'BUY', totalQuantity: 400 }, OPEN_TUESDAY_MS);
    broker.match(OPEN_TUESDAY_MS);
    const buy = broker.allExecutions()[0];
    expect(buy?.commission).toBe(2); // 400 x 0.005
    broker.place({ ...input, orderId: 2, action: 'SELL', totalQuantity: 100 }, OPEN_TUESDAY_MS + 60_000);
    broker.match(OPEN_TUESDAY_MS + 60_000);
    const sell = broker.allExecutions()[1];
    expect(sell?.commission).toBe(1); // minimum
    const avgCost = ((buy?.price ?? 0) * 400 + 2) / 400;
    expect(sell?.realizedPnl).toBeCloseTo(100 * ((sell?.price ?? 0) - avgCost) - 1, 6);
    expect(broker.account.positions.get('AAPL')?.quantity).toBe(300);
  });

  it('fills limit orders only when marketable and expires DAY orders at the close', () => {
    const broker = new Broker(market, options);
    const quote = market.quoteAt('AAPL', OPEN_TUESDAY_MS);
    const outcome = broker.place(
      {
        ...input,
        orderId: 1,
        action: 'BUY',
        totalQuantity: 10,
        orderType: 'LMT',
        lmtPrice: (quote?.ask ?? 0) - 5,
      },
      OPEN_TUESDAY_MS,
    );
    expect(outcome.kind).toBe('accepted');
    broker.match(OPEN_TUESDAY_MS);
    expect(broker.allExecutions()).toHaveLength(0);
    const close = Date.UTC(2026, 10, 24, 21, 0, 0);
    expect(broker.sessionCloseAfter(OPEN_TUESDAY_MS)).toBe(close);
    broker.match(close);
    expect(broker.order(1, 1)?.status).toBe('Cancelled');
  });

  it('does not fill while the market is closed', () => {
    const broker = new Broker(market, options);
    const saturday = Date.UTC(2026, 10, 28, 15);
    const outcome = broker.place({ ...input, orderId: 1, action: 'BUY', totalQuantity: 10 }, saturday);
    expect(outcome.kind === 'accepted' && outcome.order.status).toBe('PreSubmitted');
    broker.match(saturday);
    expect(broker.allExecutions()).toHaveLength(0);
  });
});
