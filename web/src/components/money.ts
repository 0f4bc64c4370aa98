/** ibloop trades US stocks in an account denominated in US dollars: every amount is USD. */
export const CURRENCY = 'USD';

/** An amount with its currency, e.g. `$1,000` (en) or `US$1,000` (zh-CN); a dash when missing. */
export function formatUsd(value: number | null | undefined, language: string, fractionDigits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return new Intl.NumberFormat(language, {
    style: 'currency',
    currency: CURRENCY,
    minimumFractionDigits: fractionDigits,
    maximumFractionDigits: fractionDigits,
  }).format(value);
}
