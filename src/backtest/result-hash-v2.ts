import { createHash, type Hash } from 'node:crypto';
import { canonicalJson } from '../alpha/canonical-json.js';
import type { BacktestInput, BacktestResult, MonthlyReturn, Simulation } from './engine.js';
import { monthlyReturns } from './engine.js';
import type { ResultColumns } from './run-log.js';
import { drawdownSeries, performanceStats as performanceStatsOf } from './stats.js';

/**
 * The result hash, version 2: `v2:` + sha256 of a fixed binary form of the result. Version 1
 * (sha256 of the result's canonical JSON, result-hash.ts) formatted ~300,000 numbers as text per
 * 20-year result, a third of a sweep point; here each number is its 8 bytes.
 *
 * The form, in this order (u32 and f64 little-endian; a string is its UTF-8 byte length as u32, then
 * the bytes; a list is its length as u32, then its items):
 *   the tag "ibloop-result-v2";
 *   the canonical JSON (a string) of the result without the lists below, `index` without `equity`;
 *   days (strings); equity, benchmarkEquity, drawdown (f64 lists); index equity (u32 0, or u32 1 and
 *   an f64 list); monthly (month string, strategy, benchmark);
 *   rebalances (date, decisionDate, equity, turnover, commission, trades (symbol, quantity, price,
 *   commission), holdings (symbol, shares, weight), sectors by name in code-unit order (name, weight));
 *   exits (date, symbol, quantity, price, commission).
 * A number is written as JSON keeps it: -0 as 0 and anything not finite (or a null, what JSON makes of
 * it) as one NaN, so a result read back from its result.json hashes the same.
 *
 * Two writers produce it: from a BacktestResult (a single backtest, a stored result) and from a run's
 * ResultColumns (a sweep point, which never builds the objects). A sweep row's hash is therefore the
 * hash of the single backtest of the same point; the tests compare the two.
 */
export const RESULT_HASH_V2_PREFIX = 'v2:';
const TAG = 'ibloop-result-v2';

export function resultHashV2(result: BacktestResult): string {
  const w = new BinaryHashWriter();
  try {
    const { days, equity, benchmarkEquity, drawdown, index, monthly, rebalances, exits, ...rest } = result;
    let header: object = { ...rest, index: null };
    if (index) {
      const { equity: _indexEquity, ...indexRest } = index;
      header = { ...rest, index: indexRest };
    }
    w.string(TAG);
    w.string(canonicalJson(header));
    w.u32(days.length);
    for (const day of days) w.string(day);
    w.f64List(equity, 0, equity.length);
    w.f64List(benchmarkEquity, 0, benchmarkEquity.length);
    w.f64List(drawdown, 0, drawdown.length);
    if (index) {
      w.u32(1);
      w.f64List(index.equity, 0, index.equity.length);
    } else w.u32(0);
    w.u32(monthly.length);
    for (const month of monthly) {
      w.string(month.month);
      w.f64(month.strategy);
      w.f64(month.benchmark);
    }
    w.u32(rebalances.length);
    for (const r of rebalances) {
      w.string(r.date);
      w.string(r.decisionDate);
      w.f64(r.equity);
      w.f64(r.turnover);
      w.f64(r.commission);
      w.u32(r.trades.length);
      for (const trade of r.trades) {
        w.string(trade.symbol);
        w.f64(trade.quantity);
        w.f64(trade.price);
        w.f64(trade.commission);
      }
      w.u32(r.holdings.length);
      for (const holding of r.holdings) {
        w.string(holding.symbol);
        w.f64(holding.shares);
        w.f64(holding.weight);
      }
      const sectors = Object.keys(r.sectors).sort();
      w.u32(sectors.length);
      for (const sector of sectors) {
        w.string(sector);
        w.f64(r.sectors[sector]!);
      }
    }
    w.u32(exits.length);
    for (const exit of exits) {
      w.string(exit.date);
      w.string(exit.symbol);
      w.f64(exit.quantity);
      w.f64(exit.price);
      w.f64(exit.commission);
    }
    return w.digest();
  } finally {
    w.release();
  }
}

/**
 * The same hash from a run recorded into columns: what `resultHashV2(runBacktest(input, config))`
 * gives, without the result's objects. `run` and `columns` are one simulate() call's.
 */
export function simulationHash(input: BacktestInput, run: Simulation, columns: ResultColumns): string {
  const w = new BinaryHashWriter();
  try {
    const { panel } = input;
    const { startRow, endRow, dayText, equity, benchmarkEquity, indexEquity } = run;
    const { symbols } = panel;
    const days = panel.days.subarray(startRow, endRow + 1);
    const header = {
      dataSource: 'alpha',
      config: run.config,
      start: dayText[startRow]!,
      end: dayText[endRow]!,
      symbols: symbols.length,
      stats: run.stats,
      benchmark: run.benchmark,
      index:
        input.index && indexEquity
          ? { symbol: input.index.symbol, stats: performanceStatsOf(indexEquity, days) }
          : null,
      sectorExposure: run.sectorExposure,
    };
    const dayBytes = encodedStrings(dayText);
    const symbolBytes = encodedStrings(symbols);
    const sectorBytes = encodeEach(columns.context!.sectorNames);
    w.string(TAG);
    w.string(canonicalJson(header));
    writeDays(w, dayBytes, startRow, endRow);
    w.f64List(equity, 0, equity.length);
    w.f64List(benchmarkEquity, 0, benchmarkEquity.length);
    const drawdown = drawdownSeries(equity);
    w.f64List(drawdown, 0, drawdown.length);
    if (input.index && indexEquity) {
      w.u32(1);
      w.f64List(indexEquity, 0, indexEquity.length);
    } else w.u32(0);
    writeMonthly(w, monthlyReturns(panel.days, startRow, endRow, equity, benchmarkEquity));
    writeRebalances(w, columns, dayBytes, symbolBytes, sectorBytes);
    writeExits(w, columns, dayBytes, symbolBytes);
    return w.digest();
  } finally {
    w.release();
  }
}

// The long loops as functions of their own: each compiles on its own and quickly, where one
// function holding every loop took V8 over 100 ms per (re)compilation in each worker. Without them
// simulationHash, called once a point, stays too cold for V8 to compile at all.
function writeDays(
  w: BinaryHashWriter,
  dayBytes: readonly Uint8Array[],
  startRow: number,
  endRow: number,
): void {
  w.u32(endRow + 1 - startRow);
  for (let t = startRow; t <= endRow; t++) w.raw(dayBytes[t]!);
}

function writeMonthly(w: BinaryHashWriter, monthly: readonly MonthlyReturn[]): void {
  w.u32(monthly.length);
  for (const month of monthly) {
    w.string(month.month);
    w.f64(month.strategy);
    w.f64(month.benchmark);
  }
}

function writeRebalances(
  w: BinaryHashWriter,
  c: ResultColumns,
  dayBytes: readonly Uint8Array[],
  symbolBytes: readonly Uint8Array[],
  sectorBytes: readonly Uint8Array[],
): void {
  const rebalances = c.rebalanceRow.length;
  w.u32(rebalances);
  let trade = 0;
  let holding = 0;
  let sector = 0;
  for (let i = 0; i < rebalances; i++) {
    w.raw(dayBytes[c.rebalanceRow.data[i]!]!);
    w.raw(dayBytes[c.rebalanceDecisionRow.data[i]!]!);
    w.f64(c.rebalanceEquity.data[i]!);
    w.f64(c.rebalanceTurnover.data[i]!);
    w.f64(c.rebalanceCommission.data[i]!);
    const tradeEnd = c.tradeEnd.data[i]!;
    w.u32(tradeEnd - trade);
    for (; trade < tradeEnd; trade++) {
      w.raw(symbolBytes[c.tradeSymbol.data[trade]!]!);
      w.f64(c.tradeQuantity.data[trade]!);
      w.f64(c.tradePrice.data[trade]!);
      w.f64(c.tradeCommission.data[trade]!);
    }
    const holdingEnd = c.holdingEnd.data[i]!;
    w.u32(holdingEnd - holding);
    for (; holding < holdingEnd; holding++) {
      w.raw(symbolBytes[c.holdingSymbol.data[holding]!]!);
      w.f64(c.holdingShares.data[holding]!);
      w.f64(c.holdingWeight.data[holding]!);
    }
    const sectorEnd = c.sectorEnd.data[i]!;
    w.u32(sectorEnd - sector);
    for (; sector < sectorEnd; sector++) {
      w.raw(sectorBytes[c.sectorId.data[sector]!]!);
      w.f64(c.sectorWeight.data[sector]!);
    }
  }
}

function writeExits(
  w: BinaryHashWriter,
  c: ResultColumns,
  dayBytes: readonly Uint8Array[],
  symbolBytes: readonly Uint8Array[],
): void {
  const exits = c.exitRow.length;
  w.u32(exits);
  for (let i = 0; i < exits; i++) {
    w.raw(dayBytes[c.exitRow.data[i]!]!);
    w.raw(symbolBytes[c.exitSymbol.data[i]!]!);
    w.f64(c.exitQuantity.data[i]!);
    w.f64(c.exitPrice.data[i]!);
    w.f64(c.exitCommission.data[i]!);
  }
}

/** A string as the form writes it: UTF-8 byte length (u32 LE), then the bytes. */
function encodeString(text: string): Uint8Array {
  const utf8 = Buffer.from(text, 'utf8');
  const out = new Uint8Array(4 + utf8.length);
  new DataView(out.buffer).setUint32(0, utf8.length, true);
  out.set(utf8, 4);
  return out;
}

/**
 * Each text encoded, in an array built by push: its hidden class is then the same whichever code
 * built it. `Array.prototype.map` made arrays of another elements kind once V8 had optimised the
 * caller, and writeRebalances, which reads them, was deoptimised and recompiled ("wrong map").
 */
function encodeEach(texts: readonly string[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const text of texts) out.push(encodeString(text));
  return out;
}

/** Encoded once per list (a panel's symbols, a day axis's texts): a sweep's points share them. */
const encoded = new WeakMap<readonly string[], readonly Uint8Array[]>();
function encodedStrings(texts: readonly string[]): readonly Uint8Array[] {
  let bytes = encoded.get(texts);
  if (!bytes) {
    bytes = encodeEach(texts);
    encoded.set(texts, bytes);
  }
  return bytes;
}

/** A byte buffer reused across hashes (fresh memory costs page faults); a nested hash makes its own. */
let spare: Uint8Array | undefined;

/** Writes the form into a buffer handed to sha256 whenever it fills. */
class BinaryHashWriter {
  private readonly hash: Hash = createHash('sha256');
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  private at = 0;

  constructor() {
    this.bytes = spare ?? new Uint8Array(64 * 1024);
    spare = undefined;
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }

  release(): void {
    spare = this.bytes;
  }

  digest(): string {
    this.flush();
    return RESULT_HASH_V2_PREFIX + this.hash.digest('hex');
  }

  u32(value: number): void {
    if (this.at + 4 > this.bytes.length) this.flush();
    this.view.setUint32(this.at, value, true);
    this.at += 4;
  }

  /** A number as JSON keeps it (see the form above); `null` is what JSON made of a non-finite one. */
  f64(value: number | null): void {
    if (this.at + 8 > this.bytes.length) this.flush();
    const kept = typeof value === 'number' && Number.isFinite(value) ? (value === 0 ? 0 : value) : Number.NaN;
    this.view.setFloat64(this.at, kept, true);
    this.at += 8;
  }

  f64List(values: ArrayLike<number>, from: number, to: number): void {
    this.u32(to - from);
    for (let i = from; i < to; i++) this.f64(values[i]!);
  }

  /** ASCII directly; anything else through its UTF-8 encoding. */
  string(text: string): void {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) > 0x7f) {
        this.raw(encodeString(text));
        return;
      }
    }
    this.u32(text.length);
    if (this.at + text.length > this.bytes.length) {
      this.flush();
      if (text.length > this.bytes.length) {
        this.hash.update(text, 'latin1');
        return;
      }
    }
    for (let i = 0; i < text.length; i++) this.bytes[this.at++] = text.charCodeAt(i);
  }

  raw(chunk: Uint8Array): void {
    if (this.at + chunk.length > this.bytes.length) {
      this.flush();
      if (chunk.length > this.bytes.length) {
        this.hash.update(chunk);
        return;
      }
    }
    // Most chunks are a symbol or a day (a dozen bytes): a loop beats set()'s call for those.
    if (chunk.length < 32) for (let i = 0; i < chunk.length; i++) this.bytes[this.at++] = chunk[i]!;
    else {
      this.bytes.set(chunk, this.at);
      this.at += chunk.length;
    }
  }

  private flush(): void {
    if (this.at > 0) this.hash.update(this.bytes.subarray(0, this.at));
    this.at = 0;
  }
}
