import { z } from 'zod';
import {
  type SizingInput,
  SizingInputError,
  type SizingIssue,
  type SizingProblem,
  type SizingResult,
  sizeCheckedTargets,
} from './sizing.js';

// Sizing's input check, apart from the arithmetic (sizing.ts): the backtest sizes from arrays it
// checked itself, so what it loads (a sweep's workers) needs no schema library.

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
          params: { problem: 'short' },
        });
      }
      if (input.prices[symbol] === undefined) {
        context.addIssue({
          code: 'custom',
          path: ['weights', symbol],
          message: 'unknown symbol: no price given',
          params: { problem: 'no-price' },
        });
      }
      gross += Math.abs(weight);
    }
    const tolerance = input.weightTolerance ?? 1e-9;
    if (gross > 1 + tolerance) {
      context.addIssue({
        code: 'custom',
        path: ['weights'],
        message: `sum of weights ${gross} exceeds 1`,
        params: { problem: 'gross' },
      });
    }
    for (const [symbol, shares] of Object.entries(input.positions)) {
      if (shares !== 0 && input.prices[symbol] === undefined) {
        context.addIssue({
          code: 'custom',
          path: ['prices', symbol],
          message: 'missing price for a held position',
          params: { problem: 'no-price-held' },
        });
      }
    }
  });

export function validateSizingInput(input: SizingInput): void {
  const { commission: _commission, ...data } = input;
  const parsed = sizingSchema.safeParse(data);
  if (!parsed.success) {
    throw new SizingInputError(
      parsed.error.issues.map((issue): SizingIssue => {
        const [, symbol] = issue.path;
        const problem: SizingProblem =
          issue.code === 'custom'
            ? ((issue.params?.problem as SizingProblem | undefined) ?? 'invalid')
            : 'invalid';
        return {
          field: issue.path.join('.') || '(input)',
          message: issue.message,
          problem,
          ...(typeof symbol === 'string' ? { symbol } : {}),
        };
      }),
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
