/**
 * A pre-trade finding (rule code, symbol, figures) as a sentence: which figures are shares, money or
 * enum values, and how the sentence is put together. The server renders alerts with it, the web app
 * its tables, from the same per-language texts (pretrade-texts.zh-CN.ts, pretrade-texts.en.ts).
 *
 * Pure TypeScript: no Node or server imports, so the web app can import it.
 */
import type { EnumName } from './messages.js';
import type { RiskFindingView } from './pretrade.js';
import type { PreTradeFindingTexts } from './pretrade-texts.zh-CN.js';

/** How a renderer writes numbers and enum values (defaults: en-US digits, values as they are). */
export interface FindingFormat {
  money?: (value: number) => string;
  integer?: (value: number) => string;
  enumValue?: (name: EnumName, value: string) => string;
}

/** Measured figures and finding parameters that are shares of something: shown as percentages. */
const FRACTIONS = new Set([
  'share',
  'weight',
  'gross',
  'band',
  'largestWeight',
  'largestSectorWeight',
  'largestAdvShare',
  'largestPriceDeviation',
]);
/** Money figures, in the account currency. */
const MONEY = new Set([
  'cashBefore',
  'bought',
  'sold',
  'cashAfter',
  'floor',
  'initMarginAfter',
  'equityWithLoanAfter',
  'largestOrderValue',
  'value',
  'price',
  'previousClose',
]);
/** Findings whose `cap` is a share (the others cap money, shares or a count). */
const FRACTION_CAPS = new Set([
  'risk.margin.above-cap',
  'risk.exposure.position-weight',
  'risk.exposure.sector-weight',
  'risk.exposure.gross',
  'risk.fat-finger.volume-share',
]);
/** Parameters holding a raw enum value, translated by the renderer's language. */
const ENUM_PARAMS: Readonly<Record<string, EnumName>> = {
  side: 'side',
  mode: 'mode',
  tradingState: 'tradingState',
  sector: 'gicsSector',
};

const defaultMoney = (value: number) =>
  value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 4 });
const defaultInteger = (value: number) => Math.round(value).toLocaleString('en-US');

/** One figure in its unit: a share as a percentage, money with decimals, an enum in the language. */
export function formatFigure(
  key: string,
  value: number | string,
  fractionCap: boolean,
  format: FindingFormat = {},
): string {
  if (typeof value !== 'number') {
    const name = ENUM_PARAMS[key];
    return name && format.enumValue ? format.enumValue(name, value) : value;
  }
  if (FRACTIONS.has(key) || (key === 'cap' && fractionCap)) return `${(value * 100).toFixed(2)}%`;
  if (MONEY.has(key)) return (format.money ?? defaultMoney)(value);
  return Number.isInteger(value) ? (format.integer ?? defaultInteger)(value) : String(value);
}

/** A finding's parameters formatted for its sentence (with `symbol`). */
export function findingParams(finding: RiskFindingView, format: FindingFormat = {}): Record<string, string> {
  const fractionCap = FRACTION_CAPS.has(finding.code);
  const params: Record<string, string> = { symbol: finding.symbol ?? '' };
  for (const [key, value] of Object.entries(finding.params))
    params[key] = formatFigure(key, value, fractionCap, format);
  return params;
}

/** Whether the measured figure `key` of `rule` is a share (the margin rule's cap is). */
export function measuredIsFraction(rule: string, key: string): boolean {
  return rule === 'margin' && key === 'cap';
}

/** `{{name}}` placeholders filled from params (i18next's syntax, so the web catalogue reads the same). */
export function fillTemplate(template: string, params: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => params[name] ?? '');
}

/** The finding's sentence in the given texts; a code the texts do not know shows as it is. */
export function findingSentence(
  finding: RiskFindingView,
  texts: PreTradeFindingTexts,
  format: FindingFormat = {},
): string {
  const [, rule = '', what = ''] = /^risk\.([^.]+)\.(.+)$/.exec(finding.code) ?? [];
  const group = (texts as Readonly<Record<string, Readonly<Record<string, string>>>>)[rule];
  const template = group && Object.hasOwn(group, what) ? group[what] : undefined;
  return template === undefined ? finding.code : fillTemplate(template, findingParams(finding, format));
}
