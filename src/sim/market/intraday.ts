import { combine, mix32, Random, unitFromKey } from './random.js';

const SECONDS_PER_MINUTE = 60;

export interface DayPathInput {
  key: number;
  seconds: number;
  tick: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** OHLCV of a stretch of the path, in ticks and shares. */
export interface TickBar {
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** Sum of price * volume, in tick-shares, for the WAP. */
  notional: number;
  count: number;
}

interface MinuteDetail {
  ticks: Int32Array;
  /** Shares traded from the minute's start up to and including each second. */
  cumulativeVolume: Float64Array;
}

/**
 * A session's trade-price path at 1-second resolution, derived only from the day's OHLCV and a key,
 * built in two levels so that a session costs microseconds and not milliseconds:
 * 1. minute bars, eagerly: a Brownian bridge over the minute boundaries from the open through the
 *    day's high and low (at random minutes, in random order) to the close, clamped to [low, high];
 *    each minute's high/low adds a little noise inside the day's range;
 * 2. seconds, on demand: the same bridge construction inside one minute, through that minute's OHLC,
 *    keyed by (key, minute), so any second can be recomputed alone.
 * The path opens at the open, closes at the close and touches exactly the daily high and low, so the
 * daily bar always agrees with minute and second bars. Volume follows a U-shaped intraday profile
 * with noise and sums exactly to the daily volume (and each minute's seconds to the minute's).
 */
export class DayPath {
  readonly seconds: number;
  readonly minutes: number;
  readonly minuteOpen: Int32Array;
  readonly minuteHigh: Int32Array;
  readonly minuteLow: Int32Array;
  readonly minuteClose: Int32Array;
  /** Shares traded from the open through the end of each minute. */
  readonly minuteCumulativeVolume: Float64Array;
  private readonly prefixHigh: Int32Array;
  private readonly prefixLow: Int32Array;
  /** The path's random key; also keys the per-second microstructure. */
  readonly key: number;
  private cachedMinute = -1;
  private cachedDetail: MinuteDetail | undefined;

  constructor(input: DayPathInput) {
    this.seconds = Math.max(SECONDS_PER_MINUTE, input.seconds);
    this.minutes = Math.ceil(this.seconds / SECONDS_PER_MINUTE);
    this.key = input.key;
    const openT = toTicks(input.open, input.tick);
    const closeT = toTicks(input.close, input.tick);
    const highT = Math.max(toTicks(input.high, input.tick), openT, closeT);
    const lowT = Math.max(1, Math.min(toTicks(input.low, input.tick), openT, closeT));
    const random = new Random(input.key);
    const minutes = this.minutes;
    // Boundary prices: boundary m is minute m's open and minute m-1's close.
    const boundaries = bridgePath(random, minutes + 1, openT, highT, lowT, closeT);
    this.minuteOpen = boundaries.subarray(0, minutes);
    this.minuteClose = boundaries.subarray(1, minutes + 1);
    this.minuteHigh = new Int32Array(minutes);
    this.minuteLow = new Int32Array(minutes);
    this.prefixHigh = new Int32Array(minutes);
    this.prefixLow = new Int32Array(minutes);
    const wiggle = Math.max(highT - lowT, 1) / 2.5 / Math.sqrt(minutes) / 2;
    let runningHigh = -1;
    let runningLow = 2_147_483_647;
    for (let minute = 0; minute < minutes; minute++) {
      const open = this.minuteOpen[minute] ?? openT;
      const close = this.minuteClose[minute] ?? closeT;
      const high = Math.min(highT, Math.max(open, close) + Math.floor(Math.abs(random.normal()) * wiggle));
      const low = Math.max(lowT, Math.min(open, close) - Math.floor(Math.abs(random.normal()) * wiggle));
      this.minuteHigh[minute] = high;
      this.minuteLow[minute] = low;
      if (high > runningHigh) runningHigh = high;
      if (low < runningLow) runningLow = low;
      this.prefixHigh[minute] = runningHigh;
      this.prefixLow[minute] = runningLow;
    }
    this.minuteCumulativeVolume = spreadVolume(
      random,
      minutes,
      Math.max(0, Math.round(input.volume)),
      'minutes',
    );
  }

  /** Seconds in a minute of the session (the last one may be short if a session is not whole minutes). */
  secondsIn(minute: number): number {
    return Math.min(SECONDS_PER_MINUTE, this.seconds - minute * SECONDS_PER_MINUTE);
  }

  minuteVolume(minute: number): number {
    return (this.minuteCumulativeVolume[minute] ?? 0) - (this.minuteCumulativeVolume[minute - 1] ?? 0);
  }

  priceAt(second: number): number {
    const minute = Math.floor(second / SECONDS_PER_MINUTE);
    const within = second - minute * SECONDS_PER_MINUTE;
    // A minute's first and last seconds are its open and close: no need to build its seconds.
    if (within === 0) return this.minuteOpen[minute] ?? 0;
    if (within === this.secondsIn(minute) - 1) return this.minuteClose[minute] ?? 0;
    return this.detail(minute).ticks[second - minute * SECONDS_PER_MINUTE] ?? 0;
  }

  /** Highest and lowest tick from the open through `second` inclusive. */
  rangeTo(second: number): { high: number; low: number } {
    const minute = Math.floor(second / SECONDS_PER_MINUTE);
    let high = minute > 0 ? (this.prefixHigh[minute - 1] ?? -1) : -1;
    let low = minute > 0 ? (this.prefixLow[minute - 1] ?? 2_147_483_647) : 2_147_483_647;
    const ticks = this.detail(minute).ticks;
    for (let index = 0; index <= second - minute * SECONDS_PER_MINUTE; index++) {
      const value = ticks[index] ?? 0;
      if (value > high) high = value;
      if (value < low) low = value;
    }
    return { high, low };
  }

  /** Shares traded from the open through `second` inclusive. */
  volumeTo(second: number): number {
    if (second < 0) return 0;
    const minute = Math.floor(second / SECONDS_PER_MINUTE);
    const before = this.minuteCumulativeVolume[minute - 1] ?? 0;
    return before + (this.detail(minute).cumulativeVolume[second - minute * SECONDS_PER_MINUTE] ?? 0);
  }

  /** Size of the latest trade at or before `second`, looking back within its minute only. */
  lastTradeSize(second: number): number {
    const minute = Math.floor(second / SECONDS_PER_MINUTE);
    const cumulative = this.detail(minute).cumulativeVolume;
    for (let index = second - minute * SECONDS_PER_MINUTE; index >= 0; index--) {
      const volume = (cumulative[index] ?? 0) - (cumulative[index - 1] ?? 0);
      if (volume > 0) return Math.max(1, Math.round(volume / tradesInSecond(volume)));
    }
    const minuteVolume = this.minuteVolume(minute);
    return minuteVolume > 0 ? Math.max(1, Math.round(minuteVolume / tradesInMinute(minuteVolume))) : 100;
  }

  volumeAt(second: number): number {
    return this.volumeTo(second) - this.volumeTo(second - 1);
  }

  /** OHLCV over the seconds [fromSecond, toSecond), using whole minutes where it can. */
  bar(fromSecond: number, toSecond: number): TickBar | undefined {
    const to = Math.min(toSecond, this.seconds);
    if (to <= fromSecond) return undefined;
    const result: TickBar = {
      open: this.priceAt(fromSecond),
      high: -1,
      low: 2_147_483_647,
      close: this.priceAt(to - 1),
      volume: 0,
      notional: 0,
      count: 0,
    };
    let second = fromSecond;
    while (second < to) {
      const minute = Math.floor(second / SECONDS_PER_MINUTE);
      const minuteStart = minute * SECONDS_PER_MINUTE;
      const minuteEnd = minuteStart + this.secondsIn(minute);
      if (second === minuteStart && minuteEnd <= to) {
        const volume = this.minuteVolume(minute);
        const high = this.minuteHigh[minute] ?? 0;
        const low = this.minuteLow[minute] ?? 0;
        if (high > result.high) result.high = high;
        if (low < result.low) result.low = low;
        result.volume += volume;
        // Minute-level VWAP approximated by the minute's typical price.
        result.notional += (volume * (high + low + (this.minuteClose[minute] ?? 0))) / 3;
        result.count += tradesInMinute(volume);
        second = minuteEnd;
        continue;
      }
      const detail = this.detail(minute);
      const stop = Math.min(minuteEnd, to);
      for (; second < stop; second++) {
        const index = second - minuteStart;
        const price = detail.ticks[index] ?? 0;
        const volume = (detail.cumulativeVolume[index] ?? 0) - (detail.cumulativeVolume[index - 1] ?? 0);
        if (price > result.high) result.high = price;
        if (price < result.low) result.low = price;
        result.volume += volume;
        result.notional += volume * price;
        result.count += tradesInSecond(volume);
      }
    }
    return result;
  }

  private detail(minute: number): MinuteDetail {
    const clamped = Math.min(Math.max(minute, 0), this.minutes - 1);
    if (clamped === this.cachedMinute && this.cachedDetail) return this.cachedDetail;
    const seconds = this.secondsIn(clamped);
    const random = new Random(combine(this.key, clamped, 0x5ec));
    const ticks = bridgePath(
      random,
      seconds,
      this.minuteOpen[clamped] ?? 0,
      this.minuteHigh[clamped] ?? 0,
      this.minuteLow[clamped] ?? 0,
      this.minuteClose[clamped] ?? 0,
    );
    const cumulativeVolume = spreadVolume(random, seconds, this.minuteVolume(clamped), 'seconds');
    this.cachedMinute = clamped;
    this.cachedDetail = { ticks, cumulativeVolume };
    return this.cachedDetail;
  }
}

export function toTicks(price: number, tick: number): number {
  return Math.max(1, Math.round(price / tick));
}

/**
 * `points` prices in ticks: first = open, last = close, touching high and low exactly once each at
 * random points (or at the ends when the open or close is the extreme), Brownian bridges in between,
 * clamped to [low, high].
 */
function bridgePath(
  random: Random,
  points: number,
  openT: number,
  highT: number,
  lowT: number,
  closeT: number,
): Int32Array {
  const ticks = new Int32Array(points);
  if (points === 1) {
    ticks[0] = closeT;
    return ticks;
  }
  const last = points - 1;
  let highAt = openT === highT ? 0 : closeT === highT ? last : interiorPoint(random, last);
  let lowAt = openT === lowT ? 0 : closeT === lowT ? last : interiorPoint(random, last);
  if (highAt === lowAt && highT !== lowT) {
    // Two interior picks collided (or a two-point path): move one aside.
    if (highAt < last - 1) lowAt = highAt + 1;
    else if (highAt > 1) highAt = lowAt - 1;
  }
  // Visit open, high, low, close in time order (high and low may come in either order).
  const highFirst = highAt <= lowAt;
  const anchorTimes = [0, highFirst ? highAt : lowAt, highFirst ? lowAt : highAt, last];
  const anchorPrices = [openT, highFirst ? highT : lowT, highFirst ? lowT : highT, closeT];
  // Intraday moves are small, so the bridge works in ticks (arithmetic) rather than log prices; its
  // volatility is scaled to the range so a path looks like the bar it belongs to.
  const sigma = Math.max(highT - lowT, 1) / 2.5 / Math.sqrt(points);
  for (let segment = 0; segment < 3; segment++) {
    const startAt = anchorTimes[segment] ?? 0;
    const startT = anchorPrices[segment] ?? openT;
    const endAt = anchorTimes[segment + 1] ?? last;
    const endT = anchorPrices[segment + 1] ?? closeT;
    ticks[startAt] = startT;
    ticks[endAt] = endT;
    const span = endAt - startAt;
    if (span <= 1) continue;
    const walk = scratch(span + 1);
    walk[0] = 0;
    for (let step = 1; step <= span; step++) walk[step] = (walk[step - 1] ?? 0) + sigma * random.normal();
    const drift = (endT - startT - (walk[span] ?? 0)) / span;
    for (let step = 1; step < span; step++) {
      let priceT = Math.round(startT + drift * step + (walk[step] ?? 0));
      if (priceT > highT) priceT = highT;
      else if (priceT < lowT) priceT = lowT;
      ticks[startAt + step] = priceT;
    }
  }
  return ticks;
}

function interiorPoint(random: Random, last: number): number {
  return last > 1 ? 1 + Math.floor(random.next() * (last - 1)) : last;
}

/** Splits a volume over slots with a U-shaped profile and noise; returns exact cumulative sums. */
function spreadVolume(
  random: Random,
  slots: number,
  total: number,
  kind: 'minutes' | 'seconds',
): Float64Array {
  const weights = scratch(slots);
  let sum = 0;
  for (let index = 0; index < slots; index++) {
    const noise = random.next();
    let weight: number;
    if (kind === 'minutes') {
      // Heavy open and close, quiet midday; extra weight in the first and last five minutes.
      const x = index / slots;
      weight = (1 + 6 * (x - 0.5) * (x - 0.5)) * (0.4 + 1.2 * noise);
      if (index < 5 || index >= slots - 5) weight *= 1.8;
    } else {
      // About a third of the seconds see no trade; the rest vary widely in size.
      weight = noise < 0.3 ? 0 : (noise - 0.2) * (noise - 0.2);
    }
    weights[index] = weight;
    sum += weight;
  }
  const cumulative = new Float64Array(slots);
  let running = 0;
  for (let index = 0; index < slots; index++) {
    running += weights[index] ?? 0;
    cumulative[index] = sum > 0 ? Math.round((total * running) / sum) : 0;
  }
  cumulative[slots - 1] = total;
  return cumulative;
}

/** One reusable work buffer: paths are built synchronously, one at a time. */
let scratchBuffer = new Float64Array(0);

function scratch(length: number): Float64Array {
  if (scratchBuffer.length < length) scratchBuffer = new Float64Array(Math.max(length, 1024));
  return scratchBuffer;
}

/** Per-second microstructure (spread, which side the last trade hit, displayed sizes) from a hash. */
export interface Microstructure {
  bidOffsetTicks: number;
  spreadTicks: number;
  bidSize: number;
  askSize: number;
}

export function microstructureAt(pathKey: number, second: number, baseSpreadTicks: number): Microstructure {
  const key = combine(pathKey, second, 0x5eed);
  const spreadUnit = unitFromKey(key);
  const spreadTicks = Math.max(1, Math.round(baseSpreadTicks * (0.6 + 0.8 * spreadUnit)));
  const sideUnit = unitFromKey(mix32(key + 1));
  const bidOffsetTicks = Math.min(spreadTicks, Math.floor(sideUnit * (spreadTicks + 1)));
  const bidSize = 100 * (1 + Math.floor(unitFromKey(mix32(key + 2)) * 20));
  const askSize = 100 * (1 + Math.floor(unitFromKey(mix32(key + 3)) * 20));
  return { bidOffsetTicks, spreadTicks, bidSize, askSize };
}

/** Trades in a second with the given volume (for bar counts and last sizes). */
export function tradesInSecond(volume: number): number {
  return volume <= 0 ? 0 : Math.max(1, Math.ceil(volume / 300));
}

function tradesInMinute(volume: number): number {
  return volume <= 0 ? 0 : Math.max(1, Math.round(volume / 300));
}
