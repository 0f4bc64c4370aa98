import { parse as parseCsv } from 'csv-parse/sync';
import { msg } from '../contract/messages.js';
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
 * A weight as written in a file: plain decimal notation only. Hex, binary, exponents, Infinity and NaN
 * all parse as numbers somewhere, and a typo in that notation must not turn into an order.
 */
const DECIMAL = /^-?\d{1,15}(\.\d{1,15})?$/;

/**
 * The number a weight's text stands for; refuses anything but a plain decimal (and `-0`). `line`:
 * the CSV line it was written on (null in JSON, where the symbol alone finds it).
 */
function decimalWeight(raw: string, symbol: string, line: number | null): number {
  const field = `weights.${symbol}`;
  const where = line === null ? '' : `line ${line}: `;
  const text = raw.trim();
  const value = JSON.stringify(text);
  if (!DECIMAL.test(text)) {
    throw new InputError(
      field,
      `${where}must be a decimal number like 0.25, got ${value}`,
      line === null
        ? msg('WEIGHT_NOT_DECIMAL', { symbol, value })
        : msg('WEIGHT_NOT_DECIMAL_ON_LINE', { line, symbol, value }),
    );
  }
  const weight = Number(text);
  if (Object.is(weight, -0) || (weight === 0 && text.startsWith('-'))) {
    throw new InputError(
      field,
      `${where}must not be negative zero, got ${value}`,
      line === null
        ? msg('WEIGHT_NEGATIVE_ZERO', { symbol })
        : msg('WEIGHT_NEGATIVE_ZERO_ON_LINE', { line, symbol }),
    );
  }
  return weight;
}

/**
 * Validates target weights: finite, >= 0 unless shorting, sum of |w| <= 1 + tolerance, known symbols.
 * The first problem is thrown as an InputError naming the field (`weights.AAPL`, `weights`).
 */
export function validateWeights(
  weights: Readonly<Record<string, unknown>>,
  rules: WeightRules = {},
): Record<string, number> {
  const entries = Object.entries(weights);
  if (entries.length === 0)
    throw new InputError('weights', 'no symbols given (empty)', msg('WEIGHTS_EMPTY', {}));
  const result: Record<string, number> = {};
  let gross = 0;
  for (const [symbol, value] of entries) {
    const field = `weights.${symbol}`;
    if (!SYMBOL.test(symbol))
      throw new InputError(
        field,
        'not a valid symbol (A-Z, 0-9, ".", "-", " ")',
        msg('WEIGHT_SYMBOL_INVALID', { symbol }),
      );
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      const given = JSON.stringify(value) ?? String(value);
      throw new InputError(
        field,
        `must be a finite number, got ${given}`,
        msg('WEIGHT_NOT_FINITE', { symbol, value: given }),
      );
    }
    if (Object.is(value, -0))
      throw new InputError(field, 'must not be negative zero', msg('WEIGHT_NEGATIVE_ZERO', { symbol }));
    if (value < 0 && !rules.allowShort)
      throw new InputError(
        field,
        `must be >= 0 (shorting is off), got ${value}`,
        msg('WEIGHT_NEGATIVE', { symbol, weight: value }),
      );
    if (rules.knownSymbols && !rules.knownSymbols.has(symbol))
      throw new InputError(field, 'unknown symbol', msg('WEIGHT_SYMBOL_UNKNOWN', { symbol }));
    result[symbol] = value;
    gross += Math.abs(value);
  }
  const tolerance = rules.tolerance ?? 1e-6;
  if (gross > 1 + tolerance) {
    const sum = Number(gross.toFixed(10));
    throw new InputError(
      'weights',
      `sum of weights is ${sum}, must be <= 1`,
      msg('WEIGHTS_SUM_ABOVE_ONE', { sum }),
    );
  }
  return result;
}

/**
 * Reads a weights file: JSON `{ "AAPL": 0.1 }` or CSV `symbol,weight` (header optional). Every value
 * must be written as a plain decimal (refused here, naming the symbol and, for CSV, the line); the
 * rest (symbols, signs, the sum) is checked by `validateWeights`.
 */
export function parseWeightsText(text: string, file = 'weights'): Record<string, unknown> {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '')
    throw new InputError('weights', `${file} is empty`, msg('WEIGHTS_FILE_EMPTY', { file }));
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      const detail = (error as Error).message;
      throw new InputError(
        'file',
        `${file} is not valid JSON: ${detail}`,
        msg('WEIGHTS_FILE_BAD_JSON', { file, detail }),
      );
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new InputError(
        'file',
        `${file}: JSON must be an object like {"AAPL": 0.1}`,
        msg('WEIGHTS_FILE_NOT_OBJECT', { file }),
      );
    }
    return jsonWeights(trimmed, parsed as Record<string, unknown>, file);
  }
  let rows: string[][];
  try {
    rows = parseCsv(trimmed, { skip_empty_lines: true, trim: true, relax_column_count: true }) as string[][];
  } catch (error) {
    const detail = (error as Error).message;
    throw new InputError(
      'file',
      `${file} is neither JSON nor CSV: ${detail}`,
      msg('WEIGHTS_FILE_NOT_CSV', { file, detail }),
    );
  }
  const first = rows[0];
  const header = first?.[0]?.toLowerCase() === 'symbol' ? 1 : 0;
  rows = rows.slice(header);
  if (rows.length === 0)
    throw new InputError(
      'weights',
      `${file} has a header but no rows (empty)`,
      msg('WEIGHTS_FILE_NO_ROWS', { file }),
    );
  const result: Record<string, unknown> = {};
  for (const [index, row] of rows.entries()) {
    const line = index + 1 + header;
    if (row.length !== 2) {
      throw new InputError(
        'file',
        `${file} is neither JSON nor CSV "symbol,weight": line ${line} has ${row.length} fields`,
        msg('WEIGHTS_FILE_FIELD_COUNT', { file, line, fields: row.length }),
      );
    }
    const [symbol = '', raw = ''] = row;
    if (Object.hasOwn(result, symbol))
      throw new InputError(`weights.${symbol}`, 'listed twice', msg('WEIGHT_LISTED_TWICE', { symbol, file }));
    result[symbol] = decimalWeight(raw, symbol, line);
  }
  return result;
}

/** Matches `"key": value` of a flat JSON object; the value is captured as written. */
const JSON_MEMBER = /"((?:[^"\\]|\\.)*)"\s*:\s*([^\s,}]*)/g;

/**
 * JSON.parse has already turned `1e400` into Infinity and `-0` into 0, and it keeps only the last of
 * two equal keys: the values are checked again as written in the text.
 */
function jsonWeights(
  text: string,
  parsed: Record<string, unknown>,
  fileName: string,
): Record<string, unknown> {
  const seen = new Set<string>();
  const result: Record<string, unknown> = { ...parsed };
  for (const match of text.matchAll(JSON_MEMBER)) {
    const symbol = JSON.parse(`"${match[1] ?? ''}"`) as string;
    if (seen.has(symbol))
      throw new InputError(
        `weights.${symbol}`,
        `listed twice in ${fileName}`,
        msg('WEIGHT_LISTED_TWICE', { symbol, file: fileName }),
      );
    seen.add(symbol);
    // Strings, nulls and the like are left to validateWeights, which names what they are.
    if (typeof parsed[symbol] === 'number') {
      result[symbol] = decimalWeight(match[2] ?? '', symbol, null);
    }
  }
  return result;
}
