import { parse as parseCsv } from 'csv-parse/sync';
import { InputError } from '../core/errors.js';

export interface WeightRules {
  allowShort?: boolean;
  /** Allowed excess of the weight sum over 1 (floating-point noise). */
  tolerance?: number;
  /** When given, every symbol must be one of these. */
  knownSymbols?: ReadonlySet<string>;
}

const SYMBOL = /^[A-Z0-9][A-Z0-9.\- ]{0,19}$/;

/**
 * Validates target weights: finite, >= 0 unless shorting, sum of |w| <= 1 + tolerance, known symbols.
 * The first problem is thrown as an InputError naming the field (`weights.AAPL`, `weights`).
 */
export function validateWeights(
  weights: Readonly<Record<string, unknown>>,
  rules: WeightRules = {},
): Record<string, number> {
  const entries = Object.entries(weights);
  if (entries.length === 0) throw new InputError('weights', 'no symbols given (empty)');
  const result: Record<string, number> = {};
  let gross = 0;
  for (const [symbol, value] of entries) {
    const field = `weights.${symbol}`;
    if (!SYMBOL.test(symbol)) throw new InputError(field, 'not a valid symbol (A-Z, 0-9, ".", "-", " ")');
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new InputError(field, `must be a finite number, got ${JSON.stringify(value) ?? String(value)}`);
    }
    if (value < 0 && !rules.allowShort)
      throw new InputError(field, `must be >= 0 (shorting is off), got ${value}`);
    if (rules.knownSymbols && !rules.knownSymbols.has(symbol)) throw new InputError(field, 'unknown symbol');
    result[symbol] = value;
    gross += Math.abs(value);
  }
  const tolerance = rules.tolerance ?? 1e-6;
  if (gross > 1 + tolerance) {
    throw new InputError('weights', `sum of weights is ${Number(gross.toFixed(10))}, must be <= 1`);
  }
  return result;
}

/**
 * Reads a weights file: JSON `{ "AAPL": 0.1 }` or CSV `symbol,weight` (header optional). Values are
 * not validated here beyond being read; `validateWeights` does that.
 */
export function parseWeightsText(text: string, fileName = 'weights'): Record<string, unknown> {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') throw new InputError('weights', `${fileName} is empty`);
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw new InputError('file', `${fileName} is not valid JSON: ${(error as Error).message}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new InputError('file', `${fileName}: JSON must be an object like {"AAPL": 0.1}`);
    }
    return parsed as Record<string, unknown>;
  }
  let rows: string[][];
  try {
    rows = parseCsv(trimmed, { skip_empty_lines: true, trim: true, relax_column_count: true }) as string[][];
  } catch (error) {
    throw new InputError('file', `${fileName} is neither JSON nor CSV: ${(error as Error).message}`);
  }
  const first = rows[0];
  if (first && first[0]?.toLowerCase() === 'symbol') rows = rows.slice(1);
  if (rows.length === 0) throw new InputError('weights', `${fileName} has a header but no rows (empty)`);
  const result: Record<string, unknown> = {};
  for (const [index, row] of rows.entries()) {
    if (row.length !== 2) {
      throw new InputError(
        'file',
        `${fileName} is neither JSON nor CSV "symbol,weight": line ${index + 1} has ${row.length} fields`,
      );
    }
    const [symbol = '', raw = ''] = row;
    if (symbol in result) throw new InputError(`weights.${symbol}`, 'listed twice');
    const value = raw === '' ? Number.NaN : Number(raw);
    result[symbol] = Number.isFinite(value) ? value : raw === '' ? 'empty' : raw;
  }
  return result;
}
