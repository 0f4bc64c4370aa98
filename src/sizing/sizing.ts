import { z } from 'zod';

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

export class SizingInputError extends Error {
  constructor(readonly issues: { field: string; message: string }[]) {
    super(issues.map((issue) => `${issue.field}: ${issue.message}`).join('; '));
    this.name = 'SizingInputError';
  }
}

// zod 4's z.number() already rejects NaN and +-Infinity; built-in checks are much faster than refines,
// which matters because the backtest sizes every week.
const finite = z.number({ error: 'must be a finite number' });
const nonNegative = finite.min(0, 'must be >= 0');
const positive = finite.gt(0, 'must be > 0');
const wholePositive = positive.int('must be a whole number');

const sizingSchema = z
  .object({
    netLiquidation: nonNegative,
    cashBuffer: nonNegative,
    cash: finite,
    weights: z.record(z.string().min(1), finite),
    prices: z.record(z.string().min(1), positive),
    positions: z.record(z.string().min(1), finite.int('must be a whole number of shares')),
    lotSizes: z.record(z.string().min(1), wholePositive).optional(),
    defaultLotSize: wholePositive.optional(),
    minOrderValue: nonNegative.optional(),
    allowShort: z.boolean().optional(),
    weightTolerance: nonNegative.optional(),
  })
  .superRefine((input, context) => {
    let gross = 0;
    for (const [symbol, weight] of Object.entries(input.weights)) {
      if (!input.allowShort && weight < 0) {
        context.addIssue({
          code: 'custom',
          path: ['weights', symbol],
          message: 'must be >= 0 (shorting is off)',
        });
      }
      if (input.prices[symbol] === undefined) {
        context.addIssue({
          code: 'custom',
          path: ['weights', symbol],
          message: 'unknown symbol: no price given',
        });
      }
      gross += Math.abs(weight);
    }
    const tolerance = input.weightTolerance ?? 1e-9;
    if (gross > 1 + tolerance) {
      context.addIssue({ code: 'custom', path: ['weights'], message: `sum of weights ${gross} exceeds 1` });
    }
    for (const [symbol, shares] of Object.entries(input.positions)) {
      if (shares !== 0 && input.prices[symbol] === undefined) {
        context.addIssue({
          code: 'custom',
          path: ['prices', symbol],
          message: 'missing price for a held position',
        });
      }
    }
  });

export function validateSizingInput(input: SizingInput): void {
  const { commission: _commission, ...data } = input;
  const parsed = sizingSchema.safeParse(data);
  if (!parsed.success) {
    throw new SizingInputError(
      parsed.error.issues.map((issue) => ({
        field: issue.path.join('.') || '(input)',
        message: issue.message,
      })),
    );
  }
}

/**
 * Target market value = (netLiquidation - cashBuffer) x weight; shares = that value / price rounded
 * toward zero to a whole lot. Orders below `minOrderValue` are dropped (the position stays), except
 * exits to zero. If buys would overspend the cash that sells free up (commissions included), buys are
 * trimmed lot by lot, largest first, until the cash after trading is >= 0.
 */
export function sizeTargets(input: SizingInput): SizingResult {
  validateSizingInput(input);
  return sizeCheckedTargets(input);
}

/**
 * `sizeTargets` without the input check, for a caller that builds the input itself from data it has
 * checked: the backtest, which sizes every week of decades and checks its prices and weights as it
 * builds them (the schema's parse was a large share of a backtest's time). Same arithmetic.
 */
export function sizeCheckedTargets(input: SizingInput): SizingResult {
  const investable = Math.max(0, input.netLiquidation - input.cashBuffer);
  const commission = input.commission ?? (() => 0);
  const minOrderValue = input.minOrderValue ?? 0;
  const symbols = new Set<string>([...Object.keys(input.weights), ...Object.keys(input.positions)]);
  const sorted = [...symbols].sort();

  const targets: Record<string, number> = {};
  // A hash table from the start (no prototype): symbol keys in a different set every week would grow
  // a chain of hidden classes on a plain object (see the backtest's symbolRecord). Internal only; the
  // returned `targets` stays a plain object for the callers.
  const lots = Object.create(null) as Record<string, number>;
  for (const symbol of sorted) {
    const current = input.positions[symbol] ?? 0;
    const weight = input.weights[symbol] ?? 0;
    const price = input.prices[symbol];
    const lot = input.lotSizes?.[symbol] ?? input.defaultLotSize ?? 1;
    lots[symbol] = lot;
    if (price === undefined) {
      targets[symbol] = current; // zero position without a price: nothing to do
      continue;
    }
    let target = Math.trunc((investable * weight) / price / lot) * lot;
    if (Object.is(target, -0)) target = 0;
    const tradeValue = Math.abs(target - current) * price;
    if (target !== current && target !== 0 && tradeValue < minOrderValue) target = current;
    targets[symbol] = target;
  }

  // Cash after trades; buys are trimmed until it is non-negative.
  const cashAfter = (): number => {
    let cash = input.cash;
    for (const symbol of sorted) {
      const delta = targets[symbol]! - (input.positions[symbol] ?? 0);
      if (delta === 0) continue;
      const price = input.prices[symbol]!;
      cash -= delta * price + commission(Math.abs(delta), price);
    }
    return cash;
  };

  let cash = cashAfter();
  while (cash < 0) {
    let worst: string | undefined;
    let worstValue = 0;
    for (const symbol of sorted) {
      const delta = targets[symbol]! - (input.positions[symbol] ?? 0);
      if (delta <= 0) continue;
      const value = delta * input.prices[symbol]!;
      if (value > worstValue) {
        worstValue = value;
        worst = symbol;
      }
    }
    if (worst === undefined) break; // no buys left to trim: sells alone already leave cash negative
    const price = input.prices[worst]!;
    const lot = lots[worst]!;
    const current = input.positions[worst] ?? 0;
    const lotsToCut = Math.max(1, Math.ceil(-cash / (price * lot)));
    const maxCut = Math.floor((targets[worst]! - current) / lot);
    let next = targets[worst]! - Math.min(lotsToCut, Math.max(1, maxCut)) * lot;
    if (next < current) next = current;
    if ((next - current) * price < minOrderValue) next = current;
    targets[worst] = next;
    cash = cashAfter();
  }

  const sells: SizedOrder[] = [];
  const buys: SizedOrder[] = [];
  let totalCommission = 0;
  for (const symbol of sorted) {
    const delta = targets[symbol]! - (input.positions[symbol] ?? 0);
    if (delta === 0) continue;
    const price = input.prices[symbol]!;
    const estimatedCommission = commission(Math.abs(delta), price);
    totalCommission += estimatedCommission;
    (delta < 0 ? sells : buys).push({ symbol, quantity: delta, price, estimatedCommission });
  }
  return { targets, orders: [...sells, ...buys], estimatedCommission: totalCommission, cashAfter: cash };
}
