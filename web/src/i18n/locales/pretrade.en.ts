import { PRETRADE_FINDINGS_EN, PRETRADE_RULES_EN } from '../../../../src/contract/pretrade-texts.en.js';
import type { pretradeZhCN } from './pretrade.zh-CN.js';

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

/** Pre-trade checks (English); same keys as pretrade.zh-CN.ts. */
export const pretradeEn: Widen<typeof pretradeZhCN> = {
  title: 'Pre-trade checks',
  blocked: 'Pre-trade risk blocked this run: no order was sent. Failed rules: {{rules}}',
  notChecked: 'This run has had no order list to check yet.',
  checkedAt: 'Checked {{time}}, {{orders}} orders',
  columns: { rule: 'Rule', result: 'Result', measured: 'Measured', evidence: 'Evidence' },
  passed: 'Passed',
  failed: 'Failed',
  rules: PRETRADE_RULES_EN,
  measured: {
    cashBefore: 'Cash before',
    bought: 'Bought',
    sold: 'Sold',
    cashAfter: 'Cash after',
    floor: 'Cash floor',
    initMarginAfter: 'Initial margin after',
    equityWithLoanAfter: 'Equity with loan after',
    share: 'Share',
    cap: 'Cap',
    gross: 'Gross exposure',
    largestWeight: 'Largest weight',
    largestSectorWeight: 'Largest sector weight',
    orders: 'Orders',
    largestOrderValue: 'Largest order value',
    largestAdvShare: 'Largest share of ADV',
    largestPriceDeviation: 'Largest deviation from previous close',
    tradingState: 'Trading state',
    mode: 'Mode',
    account: 'Account',
  },
  /** Shared with the server's alert texts (src/contract/pretrade-texts.en.ts). */
  findings: PRETRADE_FINDINGS_EN,
  unknownFinding: '{{code}}',
  listSeparator: ', ',
  form: {
    group: 'Pre-trade checks',
    fields: {
      cashBuffer: 'Cash buffer',
      maxInitialMarginShare: 'Initial margin cap (of equity with loan)',
      maxOrderValue: 'Max order value',
      maxPositionValue: 'Max position value per name',
      maxPositionShares: 'Max shares per name',
      maxAdvShare: 'Max order size (share of average daily volume)',
      priceBand: 'Max price deviation from previous close',
      maxOrdersPerRun: 'Max orders per run',
      weightTolerance: 'Weight tolerance',
      allowShort: 'Allow shorts',
    },
    hints: {
      fraction: 'Fraction, 0–1 (0.01 = 1%)',
      money: 'Account currency; empty = no limit',
      shares: 'Shares; empty = no limit',
      orders: '1–10000',
      tolerance: '0–0.05, for rounding and price moves past a cap',
    },
  },
};
