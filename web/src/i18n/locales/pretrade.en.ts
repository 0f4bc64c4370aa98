import type { pretradeZhCN } from './pretrade.zh-CN';

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
  rules: {
    funds: 'Funds',
    margin: 'Margin (IB what-if)',
    exposure: 'Exposure',
    'fat-finger': 'Fat finger',
    state: 'Account and trading state',
  },
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
  findings: {
    funds: { 'cash-below-buffer': 'Cash after the run {{cashAfter}} is below the cash buffer {{floor}}' },
    margin: {
      unavailable: 'IB did not answer the what-if: the margin cannot be confirmed',
      'above-cap': 'Initial margin after the run is {{share}} of equity with loan, above the cap {{cap}}',
    },
    exposure: {
      'price-missing': '{{symbol}} has no reference price',
      'short-not-allowed': '{{symbol}} would go short ({{shares}} shares); the project does not allow shorts',
      'position-value': '{{symbol}} position value {{value}} is above the cap {{cap}}',
      'position-shares': '{{symbol}} position of {{shares}} shares is above the cap {{cap}}',
      'position-weight': '{{symbol}} weight {{weight}} is above the single-name cap {{cap}}',
      'sector-weight': 'Sector {{sector}} weight {{weight}} is above the cap {{cap}}',
      gross: 'Gross exposure {{gross}} is above the cap {{cap}}',
    },
    'fat-finger': {
      'too-many-orders': '{{orders}} orders are more than the cap of {{cap}} per run',
      'order-value': '{{symbol}} order value {{value}} is above the cap {{cap}}',
      'volume-unknown': '{{symbol}} has no average daily volume (IB daily bars)',
      'volume-share': '{{symbol}} quantity is {{share}} of its average daily volume, above the cap {{cap}}',
      'previous-close-unknown': '{{symbol}} has no previous close (IB daily bars)',
      'price-band':
        '{{symbol}} price {{price}} is more than {{band}} away from the previous close {{previousClose}}',
    },
    state: {
      'account-mode-mismatch':
        'Account {{account}} does not match the mode {{mode}} (paper accounts start with DU)',
      halted: 'Trading is HALTED: none of the {{orders}} orders may be sent',
      'reducing-only': 'Reducing only: {{side}} {{quantity}} {{symbol}} would add exposure',
      'defensive-only':
        'Defensive move during a halt: {{side}} {{quantity}} {{symbol}} neither reduces a position nor buys the defensive asset',
    },
  },
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
