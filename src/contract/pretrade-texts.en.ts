/**
 * Pre-trade findings as English sentences, grouped by rule and code (`risk.<rule>.<what>` without
 * `risk.`). Shared by the server (Telegram alerts) and the web app (run view, risk and alerts pages);
 * Chinese in pretrade-texts.zh-CN.ts. Pure TypeScript.
 */
import type { EnumValue } from './messages.js';
import type { PreTradeFindingTexts } from './pretrade-texts.zh-CN.js';

/** The pre-trade rules (ENUMS.pretradeRule) by name: the run view's rule table and server-rendered messages. */
export const PRETRADE_RULES_EN: Readonly<Record<EnumValue<'pretradeRule'>, string>> = {
  funds: 'Funds',
  margin: 'Margin (IB what-if)',
  exposure: 'Exposure',
  'fat-finger': 'Fat finger',
  state: 'Account and trading state',
};

export const PRETRADE_FINDINGS_EN: PreTradeFindingTexts = {
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
    halted: 'Trading is halted: none of the {{orders}} orders may be sent',
    'reducing-only': 'Reducing only: {{side}} {{quantity}} {{symbol}} would add exposure',
    'defensive-only':
      'Defensive move during a halt: {{side}} {{quantity}} {{symbol}} neither reduces a position nor buys the defensive asset',
  },
};
