import { describe, expect, it } from 'vitest';
import {
  checkPreTrade,
  type PreTradeInput,
  type PreTradeLimitsInput,
  type PreTradeRuleName,
  preTradeLimitsSchema,
} from '../../src/risk/index.js';

/** A $1M paper account holding AAPL and buying MSFT and JNJ: breaks no default limit. */
function healthyInput(): PreTradeInput {
  return {
    orders: [
      { symbol: 'MSFT', side: 'BUY', quantity: 200, price: 400 },
      { symbol: 'JNJ', side: 'BUY', quantity: 500, price: 150 },
      { symbol: 'AAPL', side: 'SELL', quantity: 100, price: 200 },
    ],
    account: { accountId: 'DU1234567', mode: 'paper', netLiquidation: 1_000_000, cash: 900_000 },
    positions: new Map([['AAPL', 500]]),
    prices: new Map([
      ['AAPL', 200],
      ['MSFT', 400],
      ['JNJ', 150],
    ]),
    previousClose: new Map([
      ['AAPL', 198],
      ['MSFT', 405],
      ['JNJ', 149],
    ]),
    averageDailyVolume: new Map([
      ['AAPL', 50_000_000],
      ['MSFT', 20_000_000],
      ['JNJ', 7_000_000],
    ]),
    sectors: new Map([
      ['AAPL', 'Information Technology'],
      ['MSFT', 'Information Technology'],
      ['JNJ', 'Health Care'],
    ]),
    margin: { initMarginAfter: 120_000, maintMarginAfter: 100_000, equityWithLoanAfter: 1_000_000 },
    tradingState: 'ACTIVE',
  };
}

function failedRules(input: PreTradeInput, limits: PreTradeLimitsInput = {}): PreTradeRuleName[] {
  return checkPreTrade(input, limits)
    .verdicts.filter((v) => !v.passed)
    .map((v) => v.rule);
}

function findingCodes(input: PreTradeInput, limits: PreTradeLimitsInput = {}): string[] {
  return checkPreTrade(input, limits).verdicts.flatMap((v) => v.findings.map((f) => f.code));
}

describe('pre-trade rules over a run order list', () => {
  it('passes a list that breaks no limit and records every verdict with its numbers', () => {
    const report = checkPreTrade(healthyInput());
    expect(report.passed).toBe(true);
    expect(report.verdicts.map((v) => v.rule).sort()).toEqual([
      'exposure',
      'fat-finger',
      'funds',
      'margin',
      'state',
    ]);
    const funds = report.verdicts.find((v) => v.rule === 'funds');
    expect(funds?.measured).toMatchObject({ bought: 155_000, sold: 20_000, cashAfter: 765_000 });
  });

  it('funds: cash after the run below the buffer fails', () => {
    const input = healthyInput();
    input.account.cash = 140_000;
    expect(failedRules(input, { cashBuffer: 0.01 })).toEqual(['funds']);
    expect(findingCodes(input)).toContain('risk.funds.cash-below-buffer');
  });

  it('margin: what-if initial margin above the share of equity with loan fails; a missing what-if fails too', () => {
    const input = healthyInput();
    input.margin = { initMarginAfter: 900_000, maintMarginAfter: 800_000, equityWithLoanAfter: 1_000_000 };
    expect(failedRules(input)).toEqual(['margin']);
    const noWhatIf = healthyInput();
    delete noWhatIf.margin;
    expect(findingCodes(noWhatIf)).toEqual(['risk.margin.unavailable']);
  });

  it('exposure: a single name above its weight cap (the {"NVDA": 0.9} case) fails', () => {
    const input = healthyInput();
    input.orders = [{ symbol: 'NVDA', side: 'BUY', quantity: 4_500, price: 200 }];
    input.prices = new Map([...input.prices, ['NVDA', 200]]);
    input.previousClose = new Map([...input.previousClose, ['NVDA', 200]]);
    input.averageDailyVolume = new Map([...input.averageDailyVolume, ['NVDA', 40_000_000]]);
    input.sectors = new Map([...input.sectors, ['NVDA', 'Information Technology']]);
    const report = checkPreTrade(input, { maxOrderValue: null, maxSectorWeight: 1 });
    expect(report.passed).toBe(false);
    const exposure = report.verdicts.find((v) => v.rule === 'exposure');
    expect(exposure?.findings).toContainEqual({
      code: 'risk.exposure.position-weight',
      symbol: 'NVDA',
      params: { weight: 0.9, cap: 0.1 },
    });
  });

  it('exposure: sector cap, gross exposure, position value and shares, and shorts', () => {
    const input = healthyInput();
    expect(findingCodes(input, { maxSectorWeight: 0.15 })).toContain('risk.exposure.sector-weight');
    expect(findingCodes(input, { maxGrossExposure: 0.2 })).toContain('risk.exposure.gross');
    expect(findingCodes(input, { maxPositionValue: 50_000 })).toContain('risk.exposure.position-value');
    expect(findingCodes(input, { maxPositionShares: 300 })).toContain('risk.exposure.position-shares');
    const short = healthyInput();
    short.orders = [{ symbol: 'AAPL', side: 'SELL', quantity: 600, price: 200 }];
    expect(findingCodes(short)).toContain('risk.exposure.short-not-allowed');
    expect(findingCodes(short, { allowShort: true })).not.toContain('risk.exposure.short-not-allowed');
  });

  it('fat-finger: order value, share of volume, price band, order count, unknown volume or close', () => {
    const input = healthyInput();
    expect(findingCodes(input, { maxOrderValue: 50_000 })).toContain('risk.fat-finger.order-value');
    expect(
      findingCodes(input, { maxOrderValue: 50_000 }).filter((c) => c === 'risk.fat-finger.order-value'),
    ).toHaveLength(2);
    expect(findingCodes(input, { maxAdvShare: 0.00001 })).toContain('risk.fat-finger.volume-share');
    expect(findingCodes(input, { maxOrdersPerRun: 2 })).toContain('risk.fat-finger.too-many-orders');
    const offMarket = healthyInput();
    offMarket.orders = [{ symbol: 'JNJ', side: 'BUY', quantity: 10, price: 1_500 }];
    expect(findingCodes(offMarket)).toContain('risk.fat-finger.price-band');
    const unknown = healthyInput();
    unknown.averageDailyVolume = new Map();
    unknown.previousClose = new Map();
    expect(findingCodes(unknown)).toEqual(
      expect.arrayContaining(['risk.fat-finger.volume-unknown', 'risk.fat-finger.previous-close-unknown']),
    );
  });

  it('state: an account that does not match the mode fails, masked', () => {
    const input = healthyInput();
    input.account.mode = 'live';
    const report = checkPreTrade(input);
    const state = report.verdicts.find((v) => v.rule === 'state');
    expect(state?.findings[0]?.code).toBe('risk.state.account-mode-mismatch');
    expect(JSON.stringify(report)).not.toContain('DU1234567');
  });

  it('state: HALTED refuses every order; REDUCING lets only reducing orders through', () => {
    const halted = healthyInput();
    halted.tradingState = 'HALTED';
    expect(findingCodes(halted)).toContain('risk.state.halted');
    const reducing = healthyInput();
    reducing.tradingState = 'REDUCING';
    const codes = checkPreTrade(reducing).verdicts.find((v) => v.rule === 'state')?.findings ?? [];
    expect(codes.map((f) => f.symbol).sort()).toEqual(['JNJ', 'MSFT']);
    const flip = healthyInput();
    flip.tradingState = 'REDUCING';
    flip.orders = [{ symbol: 'AAPL', side: 'SELL', quantity: 1_000, price: 200 }];
    expect(findingCodes(flip)).toContain('risk.state.reducing-only');
    flip.orders = [{ symbol: 'AAPL', side: 'SELL', quantity: 500, price: 200 }];
    expect(failedRules(flip)).toEqual([]);
  });

  it('state: a defensive run passes a halt only with reducing orders and buys of its asset, uncapped', () => {
    const move = healthyInput();
    move.tradingState = 'HALTED';
    // Sell AAPL, put 90% into JNJ: far above the 10% name cap and the 40% sector cap.
    move.orders = [
      { symbol: 'AAPL', side: 'SELL', quantity: 500, price: 200 },
      { symbol: 'JNJ', side: 'BUY', quantity: 6_000, price: 150 },
    ];
    expect(failedRules(move)).toEqual(['state', 'exposure']);
    move.defensive = { symbol: 'JNJ' };
    expect(failedRules(move)).toEqual([]);
    // Anything else in a defensive run is refused during the halt, and the caps hold for other names.
    move.orders = [...move.orders, { symbol: 'MSFT', side: 'BUY', quantity: 1_000, price: 400 }];
    expect(findingCodes(move)).toEqual(
      expect.arrayContaining(['risk.state.defensive-only', 'risk.exposure.position-weight']),
    );
    const toCash = healthyInput();
    toCash.tradingState = 'HALTED';
    toCash.defensive = { symbol: null };
    toCash.orders = [{ symbol: 'AAPL', side: 'SELL', quantity: 500, price: 200 }];
    expect(failedRules(toCash)).toEqual([]);
  });

  it('bad limits are refused naming the field', () => {
    const bad = [
      [{ maxPositionWeight: -0.1 }, 'maxPositionWeight'],
      [{ maxSectorWeight: 1.5 }, 'maxSectorWeight'],
      [{ maxOrdersPerRun: 0 }, 'maxOrdersPerRun'],
      [{ maxOrderValue: -5 }, 'maxOrderValue'],
      [{ typo: 1 }, ''],
    ] as const;
    for (const [limits, field] of bad) {
      const parsed = preTradeLimitsSchema.safeParse(limits);
      expect(parsed.success).toBe(false);
      if (field) expect(parsed.error?.issues[0]?.path).toEqual([field]);
    }
  });
});
