import { maskSecret } from '../../config/index.js';
import type {
  PreTradeInput,
  PreTradeOrder,
  PreTradeRule,
  PreTradeRuleName,
  RiskFinding,
  RuleVerdict,
} from './types.js';

const signed = (order: PreTradeOrder): number => (order.side === 'BUY' ? order.quantity : -order.quantity);
const round2 = (value: number): number => Math.round(value * 100) / 100;
const round4 = (value: number): number => Math.round(value * 10_000) / 10_000;

function verdict(
  rule: PreTradeRuleName,
  measured: RuleVerdict['measured'],
  findings: RiskFinding[],
): RuleVerdict {
  return { rule, passed: findings.length === 0, measured, findings };
}

/** Positions after every order of the list fills, by symbol. */
export function positionsAfter(input: PreTradeInput): Map<string, number> {
  const after = new Map(input.positions);
  for (const order of input.orders) after.set(order.symbol, (after.get(order.symbol) ?? 0) + signed(order));
  return after;
}

function priceOf(input: PreTradeInput, symbol: string): number | undefined {
  return input.prices.get(symbol) ?? input.orders.find((o) => o.symbol === symbol)?.price;
}

/** Cash after the run's sells and buys stays above the buffer. */
export const fundsRule: PreTradeRule = {
  name: 'funds',
  check(input, limits) {
    let bought = 0;
    let sold = 0;
    for (const order of input.orders) {
      if (order.side === 'BUY') bought += order.quantity * order.price;
      else sold += order.quantity * order.price;
    }
    const cashAfter = input.account.cash + sold - bought;
    const floor = limits.cashBuffer * input.account.netLiquidation;
    const measured = {
      cashBefore: round2(input.account.cash),
      bought: round2(bought),
      sold: round2(sold),
      cashAfter: round2(cashAfter),
      floor: round2(floor),
    };
    const findings: RiskFinding[] =
      cashAfter < floor
        ? [
            {
              code: 'risk.funds.cash-below-buffer',
              params: { cashAfter: round2(cashAfter), floor: round2(floor) },
            },
          ]
        : [];
    return verdict('funds', measured, findings);
  },
};

/** IB's what-if margin: post-trade initial margin at most a share of equity with loan value. */
export const marginRule: PreTradeRule = {
  name: 'margin',
  check(input, limits) {
    if (!input.margin) {
      return verdict('margin', {}, [{ code: 'risk.margin.unavailable', params: {} }]);
    }
    const { initMarginAfter, equityWithLoanAfter } = input.margin;
    const cap = limits.maxInitialMarginShare * equityWithLoanAfter;
    const share = equityWithLoanAfter > 0 ? initMarginAfter / equityWithLoanAfter : Number.POSITIVE_INFINITY;
    const measured = {
      initMarginAfter: round2(initMarginAfter),
      equityWithLoanAfter: round2(equityWithLoanAfter),
      share: round4(share),
      cap: limits.maxInitialMarginShare,
    };
    const findings: RiskFinding[] =
      initMarginAfter > cap || equityWithLoanAfter <= 0
        ? [
            {
              code: 'risk.margin.above-cap',
              params: { share: round4(share), cap: limits.maxInitialMarginShare },
            },
          ]
        : [];
    return verdict('margin', measured, findings);
  },
};

/** Post-trade exposure: per-name value, shares and weight, sector weights, gross, and no shorts. */
export const exposureRule: PreTradeRule = {
  name: 'exposure',
  check(input, limits) {
    const nav = input.account.netLiquidation;
    const findings: RiskFinding[] = [];
    const bySector = new Map<string, number>();
    let gross = 0;
    let largestWeight = 0;
    for (const [symbol, shares] of positionsAfter(input)) {
      if (shares === 0) continue;
      const price = priceOf(input, symbol);
      if (price === undefined) {
        findings.push({ code: 'risk.exposure.price-missing', symbol, params: {} });
        continue;
      }
      const value = Math.abs(shares) * price;
      const weight = nav > 0 ? value / nav : Number.POSITIVE_INFINITY;
      gross += weight;
      largestWeight = Math.max(largestWeight, weight);
      if (shares < 0 && !limits.allowShort) {
        findings.push({ code: 'risk.exposure.short-not-allowed', symbol, params: { shares } });
      }
      if (limits.maxPositionValue !== null && value > limits.maxPositionValue) {
        findings.push({
          code: 'risk.exposure.position-value',
          symbol,
          params: { value: round2(value), cap: limits.maxPositionValue },
        });
      }
      if (limits.maxPositionShares !== null && Math.abs(shares) > limits.maxPositionShares) {
        findings.push({
          code: 'risk.exposure.position-shares',
          symbol,
          params: { shares, cap: limits.maxPositionShares },
        });
      }
      // The defensive asset is meant to hold the portfolio: the per-name and sector caps do not apply.
      const capped = symbol !== input.defensive?.symbol;
      if (capped) {
        const sector = input.sectors.get(symbol) ?? 'unknown';
        bySector.set(sector, (bySector.get(sector) ?? 0) + weight);
      }
      if (capped && weight > limits.maxPositionWeight + limits.weightTolerance) {
        findings.push({
          code: 'risk.exposure.position-weight',
          symbol,
          params: { weight: round4(weight), cap: limits.maxPositionWeight },
        });
      }
    }
    let largestSector = 0;
    for (const [sector, weight] of bySector) {
      largestSector = Math.max(largestSector, weight);
      if (weight > limits.maxSectorWeight + limits.weightTolerance) {
        findings.push({
          code: 'risk.exposure.sector-weight',
          params: { sector, weight: round4(weight), cap: limits.maxSectorWeight },
        });
      }
    }
    if (gross > limits.maxGrossExposure + limits.weightTolerance) {
      findings.push({
        code: 'risk.exposure.gross',
        params: { gross: round4(gross), cap: limits.maxGrossExposure },
      });
    }
    const measured = {
      gross: round4(gross),
      largestWeight: round4(largestWeight),
      largestSectorWeight: round4(largestSector),
    };
    return verdict('exposure', measured, findings);
  },
};

/** Orders a human would never mean: too large, too much of the day's volume, off-market prices, too many. */
export const fatFingerRule: PreTradeRule = {
  name: 'fat-finger',
  check(input, limits) {
    const findings: RiskFinding[] = [];
    let largestOrderValue = 0;
    let largestAdvShare = 0;
    let largestDeviation = 0;
    if (input.orders.length > limits.maxOrdersPerRun) {
      findings.push({
        code: 'risk.fat-finger.too-many-orders',
        params: { orders: input.orders.length, cap: limits.maxOrdersPerRun },
      });
    }
    for (const order of input.orders) {
      const value = order.quantity * order.price;
      largestOrderValue = Math.max(largestOrderValue, value);
      if (limits.maxOrderValue !== null && value > limits.maxOrderValue) {
        findings.push({
          code: 'risk.fat-finger.order-value',
          symbol: order.symbol,
          params: { value: round2(value), cap: limits.maxOrderValue },
        });
      }
      const adv = input.averageDailyVolume.get(order.symbol);
      if (adv === undefined || adv <= 0) {
        findings.push({ code: 'risk.fat-finger.volume-unknown', symbol: order.symbol, params: {} });
      } else {
        const share = order.quantity / adv;
        largestAdvShare = Math.max(largestAdvShare, share);
        if (share > limits.maxAdvShare) {
          findings.push({
            code: 'risk.fat-finger.volume-share',
            symbol: order.symbol,
            params: { share: round4(share), cap: limits.maxAdvShare },
          });
        }
      }
      const close = input.previousClose.get(order.symbol);
      if (close === undefined || close <= 0) {
        findings.push({ code: 'risk.fat-finger.previous-close-unknown', symbol: order.symbol, params: {} });
      } else {
        const deviation = Math.abs(order.price / close - 1);
        largestDeviation = Math.max(largestDeviation, deviation);
        if (deviation > limits.priceBand) {
          findings.push({
            code: 'risk.fat-finger.price-band',
            symbol: order.symbol,
            params: { price: order.price, previousClose: close, band: limits.priceBand },
          });
        }
      }
    }
    const measured = {
      orders: input.orders.length,
      largestOrderValue: round2(largestOrderValue),
      largestAdvShare: round4(largestAdvShare),
      largestPriceDeviation: round4(largestDeviation),
    };
    return verdict('fat-finger', measured, findings);
  },
};

/** Paper accounts start with DU; a mismatch means the gateway is not the one the mode promises. */
export function accountMatchesMode(accountId: string, mode: 'paper' | 'live'): boolean {
  return accountId.toUpperCase().startsWith('DU') === (mode === 'paper');
}

/** The order moves the position toward zero without crossing it. */
function reduces(input: PreTradeInput, order: PreTradeOrder): boolean {
  const before = input.positions.get(order.symbol) ?? 0;
  const after = before + signed(order);
  return Math.abs(after) <= Math.abs(before) && Math.sign(after) !== -Math.sign(before);
}

/** Account and mode agree, and the trading state lets these orders through. */
export const stateRule: PreTradeRule = {
  name: 'state',
  check(input) {
    const { accountId, mode } = input.account;
    const findings: RiskFinding[] = [];
    if (!accountMatchesMode(accountId, mode)) {
      findings.push({
        code: 'risk.state.account-mode-mismatch',
        params: { account: maskSecret(accountId), mode },
      });
    }
    const defensive = input.defensive;
    if (input.tradingState !== 'ACTIVE' && defensive) {
      // A halt's defensive move may leave a halt: it only reduces positions or buys the defensive asset.
      for (const order of input.orders) {
        if (reduces(input, order) || (order.side === 'BUY' && order.symbol === defensive.symbol)) continue;
        findings.push({
          code: 'risk.state.defensive-only',
          symbol: order.symbol,
          params: { side: order.side, quantity: order.quantity },
        });
      }
    } else if (input.tradingState === 'HALTED' && input.orders.length > 0) {
      findings.push({ code: 'risk.state.halted', params: { orders: input.orders.length } });
    } else if (input.tradingState === 'REDUCING') {
      for (const order of input.orders) {
        if (reduces(input, order)) continue;
        findings.push({
          code: 'risk.state.reducing-only',
          symbol: order.symbol,
          params: { side: order.side, quantity: order.quantity },
        });
      }
    }
    return verdict(
      'state',
      {
        tradingState: input.tradingState,
        mode,
        account: maskSecret(accountId),
        ...(defensive ? { defensive: defensive.symbol ?? 'cash' } : {}),
      },
      findings,
    );
  },
};

export const DEFAULT_PRE_TRADE_RULES: readonly PreTradeRule[] = [
  stateRule,
  fundsRule,
  marginRule,
  exposureRule,
  fatFingerRule,
];
