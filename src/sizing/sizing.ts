/**
 * Weights -> integer share targets. One pure function, shared by backtests and live trading, so a
 * live trade date can be reproduced by a backtest. It knows nothing of where prices come from (the
 * caller chooses: IB quotes live, next open in a backtest) or how orders are sent.
 */

/** Estimated commission of one order of `shares` (> 0) at `price`. */
export type CommissionEstimate = (shares: number, price: number) => number;

export interface SizingInput {
  /** Account net liquidation value (cash + positions at `prices`). */
  netLiquidation: number;
  /** Money held back from investment, in account currency. */
  cashBuffer: number;
  /** Cash available now, before any of these trades. */
  cash: number;
  /** Target weight per symbol, of (netLiquidation - cashBuffer). */
  weights: Readonly<Record<string, number>>;
  /** Price per symbol used for sizing; needed for every weighted symbol and every held position. */
  prices: Readonly<Record<string, number>>;
  /** Current shares per symbol. */
  positions: Readonly<Record<string, number>>;
  /** Lot size per symbol; symbols not listed use `defaultLotSize` (1). */
  lotSizes?: Readonly<Record<string, number>>;
  defaultLotSize?: number;
  /** Orders smaller than this (in money) are skipped, except full exits. */
  minOrderValue?: number;
  allowShort?: boolean;
  commission?: CommissionEstimate;
  /** Allowed excess of the weight sum over 1, for floating-point noise. */
  weightTolerance?: number;
}

export interface SizedOrder {
  symbol: string;
  /** Signed: positive buys, negative sells. */
  quantity: number;
  price: number;
  estimatedCommission: number;
}

export interface SizingResult {
  /** Target shares for every weighted or held symbol (0 = exit). */
  targets: Record<string, number>;
  /** Sells first, then buys; each by symbol name. */
  orders: SizedOrder[];
  estimatedCommission: number;
  /** Cash after all orders at the sizing prices, including estimated commissions; never negative. */
  cashAfter: number;
}

/** What is wrong with one sizing input, so that a caller can say it in the user's language. */
export type SizingProblem = 'short' | 'gross' | 'no-price' | 'no-price-held' | 'invalid';

export interface SizingIssue {
  field: string;
  message: string;
  problem: SizingProblem;
  /** The symbol the field belongs to (`weights.AAPL`, `prices.MSFT`), when it names one. */
  symbol?: string;
}

export class SizingInputError extends Error {
  constructor(readonly issues: SizingIssue[]) {
    super(issues.map((issue) => `${issue.field}: ${issue.message}`).join('; '));
    this.name = 'SizingInputError';
  }
}

/**
 * `sizeTargets` without the input check, for a caller that builds the input itself from data it has
 * checked. Same arithmetic (`sizeBook`, on the symbols in name order).
 */
export function sizeCheckedTargets(input: SizingInput): SizingResult {
  const symbols = new Set<string>([...Object.keys(input.weights), ...Object.keys(input.positions)]);
  const sorted = [...symbols].sort();
  const book = scratchBook(sorted.length);
  for (let i = 0; i < sorted.length; i++) {
    const symbol = sorted[i]!;
    const price = input.prices[symbol];
    book.weight[i] = input.weights[symbol] ?? 0;
    book.position[i] = input.positions[symbol] ?? 0;
    book.lot[i] = input.lotSizes?.[symbol] ?? input.defaultLotSize ?? 1;
    book.hasPrice[i] = price === undefined ? 0 : 1;
    book.price[i] = price ?? Number.NaN;
  }
  const commission = input.commission ?? (() => 0);
  const cash = sizeBook(book, sorted.length, {
    investable: Math.max(0, input.netLiquidation - input.cashBuffer),
    cash: input.cash,
    minOrderValue: input.minOrderValue ?? 0,
    commission,
  });

  const targets: Record<string, number> = {};
  for (let i = 0; i < sorted.length; i++) targets[sorted[i]!] = book.target[i]!;
  const sells: SizedOrder[] = [];
  const buys: SizedOrder[] = [];
  let totalCommission = 0;
  for (let i = 0; i < sorted.length; i++) {
    const delta = book.target[i]! - book.position[i]!;
    if (delta === 0) continue;
    const price = book.price[i]!;
    const estimatedCommission = commission(Math.abs(delta), price);
    totalCommission += estimatedCommission;
    (delta < 0 ? sells : buys).push({ symbol: sorted[i]!, quantity: delta, price, estimatedCommission });
  }
  return { targets, orders: [...sells, ...buys], estimatedCommission: totalCommission, cashAfter: cash };
}

/**
 * Sizing's input and output by position, for the symbols to size (every weighted or held one) in
 * symbol-name order: the order sizing adds up cash and trims buys in, so it is part of the result.
 * The backtest fills one per rebalance from its arrays and reads the orders off it; 20 years of weekly
 * rebalances made ~11 MB of records, sets and order objects a run through `sizeCheckedTargets`.
 */
export interface SizingBook {
  weight: Float64Array;
  /** Sizing price; read only where `hasPrice` is 1. */
  price: Float64Array;
  hasPrice: Uint8Array;
  /** Current shares. */
  position: Float64Array;
  lot: Float64Array;
  /** Output: target shares (0 = exit); a symbol without a price keeps its position. */
  target: Float64Array;
}

export function newSizingBook(capacity: number): SizingBook {
  return {
    weight: new Float64Array(capacity),
    price: new Float64Array(capacity),
    hasPrice: new Uint8Array(capacity),
    position: new Float64Array(capacity),
    lot: new Float64Array(capacity),
    target: new Float64Array(capacity),
  };
}

let scratch = newSizingBook(64);
/** Grown on demand; safe because sizing never yields to other code midway. */
function scratchBook(count: number): SizingBook {
  if (scratch.weight.length < count) scratch = newSizingBook(Math.max(count, scratch.weight.length * 2));
  return scratch;
}

export interface SizingTerms {
  /** Net liquidation less the cash buffer, never negative. */
  investable: number;
  /** Cash available before the trades. */
  cash: number;
  minOrderValue: number;
  commission: CommissionEstimate;
}

/**
 * The sizing rule on the first `count` symbols of `book`, writing `book.target`; returns the cash after
 * the trades (commissions included). Target market value = investable x weight; shares = that value /
 * price rounded toward zero to a whole lot. Orders below `minOrderValue` are dropped (the position
 * stays), except exits to zero. If buys would overspend the cash that sells free up, buys are trimmed
 * lot by lot, largest first, until the cash after trading is >= 0.
 */
export function sizeBook(book: SizingBook, count: number, terms: SizingTerms): number {
  const { weight, price, hasPrice, position, lot, target } = book;
  const { investable, minOrderValue, commission } = terms;
  for (let i = 0; i < count; i++) {
    const current = position[i]!;
    if (hasPrice[i] !== 1) {
      target[i] = current; // zero position without a price: nothing to do
      continue;
    }
    let next = Math.trunc((investable * weight[i]!) / price[i]! / lot[i]!) * lot[i]!;
    if (Object.is(next, -0)) next = 0;
    const tradeValue = Math.abs(next - current) * price[i]!;
    if (next !== current && next !== 0 && tradeValue < minOrderValue) next = current;
    target[i] = next;
  }

  // Cash after trades; buys are trimmed until it is non-negative.
  let cash = cashAfterTrades(book, count, terms.cash, commission);
  while (cash < 0) {
    let worst = -1;
    let worstValue = 0;
    for (let i = 0; i < count; i++) {
      const delta = target[i]! - position[i]!;
      if (delta <= 0) continue;
      const value = delta * price[i]!;
      if (value > worstValue) {
        worstValue = value;
        worst = i;
      }
    }
    if (worst < 0) break; // no buys left to trim: sells alone already leave cash negative
    const current = position[worst]!;
    const lotsToCut = Math.max(1, Math.ceil(-cash / (price[worst]! * lot[worst]!)));
    const maxCut = Math.floor((target[worst]! - current) / lot[worst]!);
    let next = target[worst]! - Math.min(lotsToCut, Math.max(1, maxCut)) * lot[worst]!;
    if (next < current) next = current;
    if ((next - current) * price[worst]! < minOrderValue) next = current;
    target[worst] = next;
    cash = cashAfterTrades(book, count, terms.cash, commission);
  }
  return cash;
}

/**
 * The cash left after trading the first `count` rows of `book` to their targets, commissions included.
 * A function of its own rather than a closure in sizeBook: a closure made per call was a new call
 * target at every backtest, and V8 threw away the sizing code it had been inlined into.
 */
function cashAfterTrades(
  book: SizingBook,
  count: number,
  cash: number,
  commission: CommissionEstimate,
): number {
  const { price, position, target } = book;
  let after = cash;
  for (let i = 0; i < count; i++) {
    const delta = target[i]! - position[i]!;
    if (delta === 0) continue;
    after -= delta * price[i]! + commission(Math.abs(delta), price[i]!);
  }
  return after;
}
