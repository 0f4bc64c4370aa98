import { nextTradingDay } from '../../calendar/index.js';
import type { DailyRecord, DailySeries } from './daily.js';
import { defaultInstruments, referencePriceOf } from './instruments.js';
import { PathMarket } from './path-market.js';
import { combine, hashString, Random } from './random.js';
import type { Instrument, MarketModel } from './types.js';

/** The synthetic history starts here; earlier instants have no data. */
export const SYNTHETIC_ANCHOR_DAY = '2010-01-04';

const TRADING_DAYS_PER_YEAR = 252;
const MARKET_ANNUAL_VOL = 0.16;
const MARKET_ANNUAL_DRIFT = 0.07;
const SECTOR_DAILY_VOL = 0.008;
/** GARCH(1,1) persistence: shocks raise variance that decays over weeks, as in real markets. */
const MARKET_GARCH = { alpha: 0.09, beta: 0.89 };
const IDIO_GARCH = { alpha: 0.06, beta: 0.92 };
/** Share of a day's move that happens overnight (the gap between prior close and open). */
const OVERNIGHT_SHARE = 0.3;

/**
 * Price levels. Each instrument's price moves around a centre: its reference level (about its real
 * price at the start of 2027) grown at CENTRE_GROWTH a year before and after that day. The distance
 * from the centre follows the factor model's returns, pulled back at MEAN_REVERSION a year, and is
 * squashed (tanh) so that a close never leaves [centre / CLOSE_BAND, centre * CLOSE_BAND]; opens,
 * highs and lows stay within PRICE_BAND. Without this, 17 years of compounding drifts took some
 * tickers to tens of thousands of dollars and others to single digits.
 */
export const PRICE_BAND = 3;
const CLOSE_BAND = 2.5;
const CENTRE_GROWTH = 0.05;
const MEAN_REVERSION = 0.35;
const REFERENCE_DAY_MS = Date.parse('2027-01-01T00:00:00Z');
const YEAR_MS = 365.25 * 86_400_000;

/** Where an instrument's price is centred on a day (see PRICE_BAND). */
export function centrePrice(referencePrice: number, day: string): number {
  const years = (Date.parse(`${day}T00:00:00Z`) - REFERENCE_DAY_MS) / YEAR_MS;
  return referencePrice * Math.exp(CENTRE_GROWTH * years);
}

interface SymbolParameters {
  /** The centre's level at the start of 2027: the instrument's reference price, else a seeded draw. */
  referencePrice: number;
  /** The starting distance from the centre (log units, before squashing). */
  initialOffset: number;
  beta: number;
  sectorLoading: number;
  dailyDrift: number;
  idioVariance: number;
  averageVolume: number;
  spreadBps: number;
}

function parametersFor(seed: number, symbol: string): SymbolParameters {
  const random = new Random(combine(seed, hashString(symbol), 0x9a7a));
  const annualIdioVol = random.uniform(0.12, 0.3);
  const drawnLevel = Math.exp(random.uniform(Math.log(20), Math.log(400)));
  return {
    referencePrice: referencePriceOf(symbol) ?? drawnLevel,
    initialOffset: 0.25 * random.normal(),
    beta: random.uniform(0.6, 1.5),
    sectorLoading: random.uniform(0.5, 1.2),
    // Around zero: the market factor's drift already gives stocks their long-run growth.
    dailyDrift: (0.03 * random.normal()) / TRADING_DAYS_PER_YEAR,
    idioVariance: (annualIdioVol * annualIdioVol) / TRADING_DAYS_PER_YEAR,
    averageVolume: Math.exp(random.uniform(Math.log(2e6), Math.log(4e7))),
    spreadBps: random.uniform(0.8, 3),
  };
}

/** The trading days from the anchor, extended on demand and shared by every series. */
class TradingDayLine {
  readonly days: string[] = [SYNTHETIC_ANCHOR_DAY];

  /** Makes sure the line reaches `day` (and one session beyond). */
  extendTo(day: string): void {
    let last = this.days[this.days.length - 1] ?? SYNTHETIC_ANCHOR_DAY;
    while (last <= day) {
      last = nextTradingDay(last);
      this.days.push(last);
    }
  }
}

/** A factor's daily returns, generated sequentially from its own random stream. */
class FactorSeries {
  readonly returns: number[] = [];
  private readonly random: Random;
  private variance: number;

  constructor(
    key: number,
    private readonly longRunVariance: number,
    private readonly drift: number,
    private readonly garch: { alpha: number; beta: number } | undefined,
  ) {
    this.random = new Random(key);
    this.variance = longRunVariance;
  }

  extendTo(length: number): void {
    while (this.returns.length < length) {
      const shock = Math.sqrt(this.variance) * this.random.normal();
      this.returns.push(this.drift + shock);
      if (this.garch) {
        const omega = this.longRunVariance * (1 - this.garch.alpha - this.garch.beta);
        this.variance = omega + this.garch.alpha * shock * shock + this.garch.beta * this.variance;
      }
    }
  }
}

class SyntheticSeries implements DailySeries {
  private readonly records: DailyRecord[] = [];
  private readonly random: Random;
  private variance: number;
  private rawClose: number;
  /** The unsquashed log distance from the centre. */
  private offset: number;

  constructor(
    seed: number,
    private readonly instrument: Instrument,
    private readonly parameters: SymbolParameters,
    private readonly line: TradingDayLine,
    private readonly market: FactorSeries,
    private readonly sector: FactorSeries,
  ) {
    this.random = new Random(combine(seed, hashString(instrument.symbol), 0xda11));
    this.variance = parameters.idioVariance;
    this.offset = parameters.initialOffset;
    this.rawClose = centrePrice(parameters.referencePrice, SYNTHETIC_ANCHOR_DAY) * squash(this.offset);
  }

  indexAtOrBefore(day: string): number {
    if (day < SYNTHETIC_ANCHOR_DAY) return -1;
    this.line.extendTo(day);
    const lineIndex = indexOfDayAtOrBefore(this.line.days, day);
    this.generateThrough(lineIndex);
    return lineIndex;
  }

  record(index: number): DailyRecord {
    this.generateThrough(index);
    const found = this.records[index];
    if (!found) throw new Error(`no synthetic record ${index} for ${this.instrument.symbol}`);
    return found;
  }

  private generateThrough(index: number): void {
    if (index < this.records.length) return;
    this.market.extendTo(index + 1);
    this.sector.extendTo(index + 1);
    const tick = this.instrument.minTick;
    const p = this.parameters;
    while (this.records.length <= index) {
      const at = this.records.length;
      const day = this.line.days[at];
      if (day === undefined) throw new Error(`synthetic day ${at} requested before the day line reached it`);
      const idioShock = Math.sqrt(this.variance) * this.random.normal();
      this.variance =
        p.idioVariance * (1 - IDIO_GARCH.alpha - IDIO_GARCH.beta) +
        IDIO_GARCH.alpha * idioShock * idioShock +
        IDIO_GARCH.beta * this.variance;
      const dayReturn =
        p.dailyDrift +
        p.beta * (this.market.returns[at] ?? 0) +
        p.sectorLoading * (this.sector.returns[at] ?? 0) +
        idioShock;
      const totalVol = Math.sqrt(
        this.variance + (MARKET_ANNUAL_VOL * MARKET_ANNUAL_VOL) / TRADING_DAYS_PER_YEAR,
      );
      const previousClose = this.rawClose;
      const centre = centrePrice(p.referencePrice, day);
      this.offset =
        this.offset * (1 - MEAN_REVERSION / TRADING_DAYS_PER_YEAR) +
        dayReturn -
        CENTRE_GROWTH / TRADING_DAYS_PER_YEAR;
      const close = centre * squash(this.offset);
      const overnight = OVERNIGHT_SHARE * Math.log(close / previousClose) + 0.002 * this.random.normal();
      const open = previousClose * Math.exp(overnight);
      const intradayVol = totalVol * 0.8;
      const high = Math.max(open, close) * Math.exp(Math.abs(this.random.normal()) * intradayVol * 0.6);
      const low = Math.min(open, close) * Math.exp(-Math.abs(this.random.normal()) * intradayVol * 0.6);
      const activity =
        Math.exp(0.3 * this.random.normal()) * (1 + (1.5 * Math.abs(dayReturn)) / totalVol) * 0.6;
      const volume = Math.max(100, Math.round((p.averageVolume * activity) / 100) * 100);
      this.rawClose = close;
      const roundedOpen = roundToTick(open, tick);
      const roundedClose = roundToTick(close, tick);
      this.records.push({
        day,
        open: roundedOpen,
        high: Math.max(roundToTick(high, tick), roundedOpen, roundedClose),
        low: Math.min(roundToTick(low, tick), roundedOpen, roundedClose),
        close: roundedClose,
        volume,
        adjustment: 1,
        dividend: 0,
        split: 1,
      });
    }
  }
}

/** The price-to-centre ratio of an offset: about exp(offset) near the centre, never beyond CLOSE_BAND. */
function squash(offset: number): number {
  const limit = Math.log(CLOSE_BAND);
  return Math.exp(limit * Math.tanh(offset / limit));
}

function indexOfDayAtOrBefore(days: readonly string[], day: string): number {
  let low = 0;
  let high = days.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if ((days[middle] ?? '') <= day) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

function roundToTick(price: number, tick: number): number {
  const decimals = Math.max(0, Math.ceil(-Math.log10(tick) - 1e-9));
  const factor = 10 ** decimals;
  return Math.round(Math.max(1, Math.round(price / tick)) * tick * factor) / factor;
}

export interface SyntheticMarketOptions {
  seed: number;
  instruments?: Instrument[];
}

/**
 * A seeded synthetic market: daily returns = drift + beta * market factor + loading * sector factor
 * + idiosyncratic noise, with GARCH(1,1) volatility clustering in the market factor and in each
 * stock's own noise, overnight gaps (about 30% of a day's move happens between close and open),
 * volume rising with the size of the move, and a spread of one to a few basis points (at least a tick).
 * The history starts at SYNTHETIC_ANCHOR_DAY and is generated lazily. Every number depends only on
 * the seed and the symbol (plus its sector), never on the order of calls.
 */
export function createSyntheticMarket(options: SyntheticMarketOptions): MarketModel {
  if (!Number.isInteger(options.seed)) throw new Error(`seed must be an integer, got ${options.seed}`);
  const seed = options.seed >>> 0;
  const instruments = options.instruments ?? defaultInstruments();
  const line = new TradingDayLine();
  const marketVariance = (MARKET_ANNUAL_VOL * MARKET_ANNUAL_VOL) / TRADING_DAYS_PER_YEAR;
  const market = new FactorSeries(
    combine(seed, hashString('market')),
    marketVariance,
    MARKET_ANNUAL_DRIFT / TRADING_DAYS_PER_YEAR,
    MARKET_GARCH,
  );
  const sectors = new Map<string, FactorSeries>();
  const sectorFactor = (sector: string): FactorSeries => {
    let factor = sectors.get(sector);
    if (!factor) {
      factor = new FactorSeries(
        combine(seed, hashString(`sector:${sector}`)),
        SECTOR_DAILY_VOL * SECTOR_DAILY_VOL,
        0,
        undefined,
      );
      sectors.set(sector, factor);
    }
    return factor;
  };
  const parameters = new Map<string, SymbolParameters>();
  const parametersOf = (instrument: Instrument): SymbolParameters => {
    let found = parameters.get(instrument.symbol);
    if (!found) {
      found = parametersFor(seed, instrument.symbol.toUpperCase());
      parameters.set(instrument.symbol, found);
    }
    return found;
  };
  return new PathMarket({
    instruments,
    seed,
    seriesFor: (instrument) =>
      new SyntheticSeries(
        seed,
        instrument,
        parametersOf(instrument),
        line,
        market,
        sectorFactor(instrument.sector),
      ),
    spreadBpsFor: (instrument) => parametersOf(instrument).spreadBps,
  });
}
