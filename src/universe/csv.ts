import { parse } from 'csv-parse/sync';
import { toCsv } from '../core/csv.js';
import { type ThemeMember, themeMemberSchema } from './schemas.js';

export interface CsvLineError {
  line: number;
  field: string;
  message: string;
}

export class ThemeCsvError extends Error {
  constructor(readonly errors: CsvLineError[]) {
    super(errors.map((e) => `line ${e.line}: ${e.field}: ${e.message}`).join('\n'));
    this.name = 'ThemeCsvError';
  }
}

const COLUMNS = ['symbol', 'name', 'sector', 'industry', 'from', 'to'] as const;

/**
 * Parses `symbol,name,sector,industry[,from,to]` (header required; only `symbol` is mandatory; `from`
 * and `to` are membership days, empty = open-ended).
 */
export function parseThemeCsv(text: string): ThemeMember[] {
  let rows: string[][];
  try {
    rows = parse(text, { skip_empty_lines: true, trim: true, relax_column_count: false, bom: true });
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 0;
    throw new ThemeCsvError([
      { line, field: 'csv', message: error instanceof Error ? error.message : String(error) },
    ]);
  }
  const header = rows[0]?.map((h) => h.toLowerCase());
  if (!header?.includes('symbol')) {
    throw new ThemeCsvError([
      { line: 1, field: 'header', message: `must include "symbol" (columns: ${COLUMNS.join(',')})` },
    ]);
  }
  const unknown = header.filter((h) => !(COLUMNS as readonly string[]).includes(h));
  if (unknown.length) {
    throw new ThemeCsvError([
      { line: 1, field: 'header', message: `unknown column(s): ${unknown.join(', ')}` },
    ]);
  }
  const errors: CsvLineError[] = [];
  const members: ThemeMember[] = [];
  const seen = new Map<string, number>();
  rows.slice(1).forEach((cells, index) => {
    const line = index + 2;
    const record = Object.fromEntries(
      header
        .map((h, i) => [h, cells[i] ?? ''] as const)
        .filter(([h, value]) => !((h === 'from' || h === 'to') && value === '')),
    );
    const result = themeMemberSchema.safeParse(record);
    if (!result.success) {
      for (const issue of result.error.issues)
        errors.push({ line, field: String(issue.path[0] ?? 'row'), message: issue.message });
      return;
    }
    const first = seen.get(result.data.symbol);
    if (first !== undefined) {
      errors.push({ line, field: 'symbol', message: `duplicate of line ${first}` });
      return;
    }
    seen.set(result.data.symbol, line);
    members.push(result.data);
  });
  if (errors.length) throw new ThemeCsvError(errors);
  return members;
}

export function themeCsv(members: readonly ThemeMember[]): string {
  // Membership columns only when some member has a range, so plain themes export as before.
  if (members.some((m) => m.from || m.to))
    return toCsv([
      [...COLUMNS],
      ...members.map((m) => [m.symbol, m.name, m.sector, m.industry, m.from ?? '', m.to ?? '']),
    ]);
  return toCsv([[...COLUMNS.slice(0, 4)], ...members.map((m) => [m.symbol, m.name, m.sector, m.industry])]);
}
