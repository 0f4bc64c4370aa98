import { describe, expect, it } from 'vitest';
import { nextTradingDay, session, tradingDays } from '../../src/calendar/index.js';
import {
  type BarQuery,
  createSyntheticMarket,
  defaultInstruments,
  type MarketModel,
  SYNTHETIC_ANCHOR_DAY,
} from '../../src/sim/market/index.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY_SECONDS = 86_400;

function sessionOf(day: string) {
  const found = session(day);
  if (!found) throw new Error(`${day} is not a trading day`);
  return found;
}

function dailyQuery(endMs: number, days: number): BarQuery {
  return {
    endMs,
    durationSec: days * DAY_SECONDS,
    barSizeSec: DAY_SECONDS,
    whatToShow: 'TRADES',
    useRth: true,
  };
}

describe('synthetic market determinism', () => {
  const day = sessionOf('2026-11-23');
  const times = [0, 1, 17, 3600, 12_345, 23_399].map((s) => day.openMs + s * SECOND + 250);

  it('gives identical quotes and bars for the same seed, whatever the call order', () => {
    const first = createSyntheticMarket({ seed: 7 });
    const second = createSyntheticMarket({ seed: 7 });
    // Touch the second model in a different order first, to prove there is no hidden call-order state.
    second.quoteAt('XOM', day.openMs + 5000);
    second.bars('MSFT', dailyQuery(day.closeMs, 30));
    for (const symbol of ['AAPL', 'MSFT', 'XOM']) {
      for (const time of times) expect(second.quoteAt(symbol, time)).toEqual(first.quoteAt(symbol, time));
      expect(second.bars(symbol, dailyQuery(day.closeMs, 60))).toEqual(
        first.bars(symbol, dailyQuery(day.closeMs, 60)),
      );
    }
  });

  it('answers the same whether instants are visited forwards, backwards or across closes', () => {
    const forwards = createSyntheticMarket({ seed: 7 });
    const backwards = createSyntheticMarket({ seed: 7 });
    const next = sessionOf('2026-11-24');
    const instants = [
      ...times,
      day.closeMs,
      day.closeMs + 3_600_000,
      next.openMs - 1,
      next.openMs,
      next.openMs + 61_000,
    ];
    const seen = instants.map((time) => forwards.quoteAt('AAPL', time));
    const reversed = [...instants].reverse().map((time) => backwards.quoteAt('AAPL', time));
    expect(reversed.reverse()).toEqual(seen);
    expect(seen[7]).toEqual(seen[8]);
    expect(seen[9]).not.toEqual(seen[8]);
  });

  it('gives different prices for a different seed', () => {
    const first = createSyntheticMarket({ seed: 7 });
    const other = createSyntheticMarket({ seed: 8 });
    const differing = ['AAPL', 'MSFT', 'XOM'].filter(
      (symbol) => first.quoteAt(symbol, times[3] ?? 0)?.last !== other.quoteAt(symbol, times[3] ?? 0)?.last,
    );
    expect(differing.length).toBeGreaterThan(0);
  });

  it('has no data before the anchor day nor for unknown symbols', () => {
    const market = createSyntheticMarket({ seed: 1 });
    expect(market.quoteAt('AAPL', sessionOf('2009-12-31').openMs + MINUTE)).toBeUndefined();
    expect(market.quoteAt('AAPL', sessionOf(SYNTHETIC_ANCHOR_DAY).openMs + MINUTE)).toBeDefined();
    expect(market.quoteAt('NOPE', times[2] ?? 0)).toBeUndefined();
    expect(market.bars('NOPE', dailyQuery(day.closeMs, 10))).toEqual([]);
  });
});

describe('synthetic quotes', () => {
  const market = createSyntheticMarket({ seed: 42 });
  const day = sessionOf('2026-11-23');

  it('keeps bid < ask, bid <= last <= ask and low <= last <= high, on the tick grid', () => {
    for (const instrument of market.instruments.slice(0, 12)) {
      for (let second = 0; second < 23_400; second += 997) {
        const quote = market.quoteAt(instrument.symbol, day.openMs + second * SECOND);
        if (!quote) throw new Error(`no quote for ${instrument.symbol}`);
        expect(quote.bid).toBeLessThan(quote.ask);
        expect(quote.bid).toBeLessThanOrEqual(quote.last);
        expect(quote.last).toBeLessThanOrEqual(quote.ask);
        expect(quote.low).toBeLessThanOrEqual(quote.last);
        expect(quote.last).toBeLessThanOrEqual(quote.high);
        expect(quote.bidSize).toBeGreaterThan(0);
        expect(quote.askSize).toBeGreaterThan(0);
        expect(quote.lastSize).toBeGreaterThan(0);
        for (const price of [quote.bid, quote.ask, quote.last, quote.high, quote.low, quote.open]) {
          expect(Math.abs(price * 100 - Math.round(price * 100))).toBeLessThan(1e-6);
        }
        const spreadBps = ((quote.ask - quote.bid) / quote.last) * 10_000;
        expect(spreadBps).toBeLessThan(15);
      }
    }
  });

  it('accumulates volume and widens the range through the session', () => {
    let previous = market.quoteAt('AAPL', day.openMs);
    for (let second = 60; second < 23_400; second += 60) {
      const quote = market.quoteAt('AAPL', day.openMs + second * SECOND);
      if (!quote || !previous) throw new Error('missing quote');
      expect(quote.volume).toBeGreaterThanOrEqual(previous.volume);
      expect(quote.high).toBeGreaterThanOrEqual(previous.high);
      expect(quote.low).toBeLessThanOrEqual(previous.low);
      expect(quote.open).toBe(previous.open);
      previous = quote;
    }
  });

  it("shows the close state outside the session, with the prior session's close as close", () => {
    const daily = market.bars('AAPL', dailyQuery(day.closeMs, 2));
    const [yesterday, today] = daily;
    if (!yesterday || !today) throw new Error('expected two daily bars');
    const evening = market.quoteAt('AAPL', day.closeMs + 3 * 60 * MINUTE);
    expect(evening?.last).toBe(today.close);
    expect(evening?.high).toBe(today.high);
    expect(evening?.low).toBe(today.low);
    expect(evening?.open).toBe(today.open);
    expect(evening?.volume).toBe(today.volume);
    expect(evening?.close).toBe(yesterday.close);
    // Early next morning (before the open) the market still shows that close.
    const nextOpen = sessionOf(nextTradingDay(day.day)).openMs;
    expect(market.quoteAt('AAPL', nextOpen - MINUTE)).toEqual(evening);
    expect(market.quoteAt('AAPL', nextOpen)?.close).toBe(today.close);
    expect(market.isMarketOpen(day.closeMs)).toBe(false);
    expect(market.isMarketOpen(day.openMs)).toBe(true);
  });
});

describe('synthetic bars', () => {
  const market = createSyntheticMarket({ seed: 3 });
  const day = sessionOf('2026-11-23');

  function intraday(model: MarketModel, barSizeSec: number, endMs = day.closeMs) {
    return model.bars('MSFT', {
      endMs,
      durationSec: DAY_SECONDS,
      barSizeSec,
      whatToShow: 'TRADES',
      useRth: true,
    });
  }

  it('aggregates intraday bars into the daily bar exactly', () => {
    const [daily] = market.bars('MSFT', dailyQuery(day.closeMs, 1));
    const fiveMinute = intraday(market, 300);
    if (!daily) throw new Error('no daily bar');
    expect(fiveMinute).toHaveLength(78);
    expect(fiveMinute[0]?.timeMs).toBe(day.openMs);
    expect(fiveMinute[0]?.open).toBe(daily.open);
    expect(fiveMinute.at(-1)?.close).toBe(daily.close);
    expect(Math.max(...fiveMinute.map((bar) => bar.high))).toBe(daily.high);
    expect(Math.min(...fiveMinute.map((bar) => bar.low))).toBe(daily.low);
    expect(fiveMinute.reduce((sum, bar) => sum + bar.volume, 0)).toBe(daily.volume);
    for (const bar of fiveMinute) {
      expect(bar.low).toBeLessThanOrEqual(Math.min(bar.open, bar.close));
      expect(bar.high).toBeGreaterThanOrEqual(Math.max(bar.open, bar.close));
      expect(bar.wap).toBeGreaterThanOrEqual(bar.low);
      expect(bar.wap).toBeLessThanOrEqual(bar.high);
    }
  });

  it('agrees with quotes: a bar closes at the last price of its final second', () => {
    const oneMinute = intraday(market, 60);
    for (const bar of oneMinute.slice(0, 30)) {
      const quote = market.quoteAt('MSFT', bar.timeMs + MINUTE - 1);
      expect(quote?.last).toBe(bar.close);
      expect(market.quoteAt('MSFT', bar.timeMs)?.last).toBe(bar.open);
    }
  });

  it('aligns hourly bars to the clock and clips the first to the open', () => {
    const hourly = intraday(market, 3600);
    expect(hourly).toHaveLength(7);
    expect(hourly[1] && hourly[0] ? hourly[1].timeMs - hourly[0].timeMs : 0).toBe(30 * MINUTE);
  });

  it('ends at endMs, including the bar in progress', () => {
    const endMs = day.openMs + 95 * MINUTE + 20 * SECOND;
    const bars = intraday(market, 1800, endMs);
    expect(bars).toHaveLength(4);
    expect(bars.at(-1)?.close).toBe(market.quoteAt('MSFT', endMs - 1)?.last);
    const partialDaily = market.bars('MSFT', dailyQuery(endMs, 1));
    expect(partialDaily).toHaveLength(1);
    expect(partialDaily[0]?.volume).toBe(market.quoteAt('MSFT', endMs - 1)?.volume);
  });

  it('counts short durations in trading sessions and long ones in calendar time', () => {
    expect(market.bars('MSFT', dailyQuery(day.closeMs, 5))).toHaveLength(5);
    const year = market.bars('MSFT', dailyQuery(day.closeMs, 365));
    expect(year).toHaveLength(tradingDays('2025-11-24', '2026-11-23').length);
    // Monday 09:00, before the open: one "day" is Friday's session.
    const [friday] = market.bars('MSFT', dailyQuery(day.openMs - 30 * MINUTE, 1));
    expect(friday?.timeMs).toBe(sessionOf('2026-11-20').openMs);
  });

  it('builds midpoint bars from bid/ask and weekly bars from daily ones', () => {
    const query: BarQuery = {
      endMs: day.closeMs,
      durationSec: DAY_SECONDS,
      barSizeSec: 1800,
      whatToShow: 'MIDPOINT',
      useRth: true,
    };
    const mid = market.bars('MSFT', query);
    const trades = intraday(market, 1800);
    expect(mid).toHaveLength(trades.length);
    for (const [index, bar] of mid.entries()) {
      expect(bar.volume).toBe(-1);
      const trade = trades[index];
      if (!trade) throw new Error('missing trade bar');
      expect(Math.abs(bar.close - trade.close)).toBeLessThan(trade.close * 0.002);
    }
    const daily = market.bars('MSFT', dailyQuery(day.closeMs, 28));
    const weekly = market.bars('MSFT', { ...dailyQuery(day.closeMs, 28), barSizeSec: 7 * DAY_SECONDS });
    expect(weekly.length).toBeGreaterThanOrEqual(4);
    expect(weekly.reduce((sum, bar) => sum + bar.volume, 0)).toBe(
      daily.reduce((sum, bar) => sum + bar.volume, 0),
    );
    expect(weekly.at(-1)?.close).toBe(daily.at(-1)?.close);
    const adjusted = market.bars('MSFT', { ...dailyQuery(day.closeMs, 10), whatToShow: 'ADJUSTED_LAST' });
    expect(adjusted.map((bar) => bar.close)).toEqual(
      market.bars('MSFT', dailyQuery(day.closeMs, 10)).map((bar) => bar.close),
    );
  });

  it('breaks minutes into seconds that agree with the minute bars and the running quote', () => {
    const endMs = day.openMs + 47 * MINUTE;
    const seconds = market.bars('MSFT', {
      endMs,
      durationSec: 180,
      barSizeSec: 1,
      whatToShow: 'TRADES',
      useRth: true,
    });
    const minutes = market.bars('MSFT', {
      endMs,
      durationSec: 180,
      barSizeSec: 60,
      whatToShow: 'TRADES',
      useRth: true,
    });
    expect(seconds).toHaveLength(180);
    expect(minutes).toHaveLength(3);
    for (const [index, minute] of minutes.entries()) {
      const inside = seconds.slice(index * 60, index * 60 + 60);
      expect(inside[0]?.open).toBe(minute.open);
      expect(inside.at(-1)?.close).toBe(minute.close);
      expect(Math.max(...inside.map((bar) => bar.high))).toBe(minute.high);
      expect(Math.min(...inside.map((bar) => bar.low))).toBe(minute.low);
      expect(inside.reduce((sum, bar) => sum + bar.volume, 0)).toBe(minute.volume);
    }
    const sessionSoFar = market.bars('MSFT', {
      endMs,
      durationSec: DAY_SECONDS,
      barSizeSec: 60,
      whatToShow: 'TRADES',
      useRth: true,
    });
    const quote = market.quoteAt('MSFT', endMs - 1);
    expect(quote?.high).toBe(Math.max(...sessionSoFar.map((bar) => bar.high)));
    expect(quote?.low).toBe(Math.min(...sessionSoFar.map((bar) => bar.low)));
    expect(quote?.volume).toBe(sessionSoFar.reduce((sum, bar) => sum + bar.volume, 0));
  });

  it('gives daily midpoint bars that bracket the trades', () => {
    const trades = market.bars('MSFT', dailyQuery(day.closeMs, 20));
    const mid = market.bars('MSFT', { ...dailyQuery(day.closeMs, 20), whatToShow: 'MIDPOINT' });
    expect(mid).toHaveLength(trades.length);
    for (const [index, bar] of mid.entries()) {
      const trade = trades[index];
      if (!trade) throw new Error('missing trade bar');
      expect(bar.low).toBeLessThanOrEqual(Math.min(bar.open, bar.close));
      expect(bar.high).toBeGreaterThanOrEqual(Math.max(bar.open, bar.close));
      expect(bar.high).toBeGreaterThan(trade.high);
      expect(bar.low).toBeLessThan(trade.low);
      expect(Math.abs(bar.close - trade.close)).toBeLessThan(trade.close * 0.002);
    }
  });

  it('makes early-close sessions three and a half hours long', () => {
    const early = sessionOf('2026-11-27');
    const bars = market.bars('MSFT', {
      endMs: early.closeMs,
      durationSec: DAY_SECONDS,
      barSizeSec: 1800,
      whatToShow: 'TRADES',
      useRth: true,
    });
    expect(bars).toHaveLength(7);
  });
});

describe('synthetic price dynamics', () => {
  it('moves stocks of one sector together more than across sectors, with gaps and clustering', () => {
    const market = createSyntheticMarket({ seed: 11 });
    const end = sessionOf('2026-11-20').closeMs;
    const returnsOf = (symbol: string) => {
      const bars = market.bars(symbol, dailyQuery(end, 365 * 5));
      return bars.slice(1).map((bar, index) => Math.log(bar.close / (bars[index]?.close ?? bar.close)));
    };
    const correlation = (left: number[], right: number[]) => {
      const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
      const ml = mean(left);
      const mr = mean(right);
      let cov = 0;
      let vl = 0;
      let vr = 0;
      for (let index = 0; index < left.length; index++) {
        const dl = (left[index] ?? 0) - ml;
        const dr = (right[index] ?? 0) - mr;
        cov += dl * dr;
        vl += dl * dl;
        vr += dr * dr;
      }
      return cov / Math.sqrt(vl * vr);
    };
    const xom = returnsOf('XOM');
    const cvx = returnsOf('CVX');
    const pfe = returnsOf('PFE');
    expect(correlation(xom, cvx)).toBeGreaterThan(correlation(xom, pfe));
    expect(correlation(xom, pfe)).toBeGreaterThan(0);
    // Volatility clustering: squared returns are autocorrelated.
    const squared = xom.map((value) => value * value);
    expect(correlation(squared.slice(1), squared.slice(0, -1))).toBeGreaterThan(0.02);
    // Overnight gaps: opens differ from the prior close.
    const bars = market.bars('XOM', dailyQuery(end, 60));
    const gaps = bars.slice(1).filter((bar, index) => bar.open !== bars[index]?.close);
    expect(gaps.length).toBeGreaterThan(bars.length / 2);
  });

  it('prices a symbol the same whatever else is in the universe', () => {
    const all = defaultInstruments();
    const subset = all.filter((instrument) => ['KO', 'PEP'].includes(instrument.symbol));
    const full = createSyntheticMarket({ seed: 5, instruments: all });
    const small = createSyntheticMarket({ seed: 5, instruments: subset });
    const time = sessionOf('2026-11-23').openMs + 77 * MINUTE + 500;
    expect(small.quoteAt('KO', time)).toEqual(full.quoteAt('KO', time));
  });

  it('uses the instruments it is given', () => {
    const [only] = defaultInstruments().filter((instrument) => instrument.symbol === 'KO');
    if (!only) throw new Error('KO missing from the defaults');
    const market = createSyntheticMarket({ seed: 5, instruments: [{ ...only, minTick: 0.05 }] });
    expect(market.instruments.map((instrument) => instrument.symbol)).toEqual(['KO']);
    const quote = market.quoteAt('ko', sessionOf('2026-11-23').openMs + MINUTE);
    if (!quote) throw new Error('no quote');
    expect(Math.abs(quote.last * 20 - Math.round(quote.last * 20))).toBeLessThan(1e-6);
    expect(market.quoteAt('AAPL', sessionOf('2026-11-23').openMs)).toBeUndefined();
  });
});
