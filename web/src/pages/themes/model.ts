import type { FieldError, ThemeMember } from '../../api';

export const MEMBER_COLUMNS = ['symbol', 'name', 'sector', 'industry'] as const;
export type MemberColumn = (typeof MEMBER_COLUMNS)[number];

/** A member row being edited; `key` keeps React rows stable while symbols are typed. */
export interface MemberRow extends ThemeMember {
  key: number;
}

let nextRowKey = 1;

export function toRows(members: readonly ThemeMember[]): MemberRow[] {
  return members.map((member) => ({ ...member, key: nextRowKey++ }));
}

export function emptyRow(): MemberRow {
  return { key: nextRowKey++, symbol: '', name: '', sector: '', industry: '' };
}

/**
 * What travels: trimmed cells, the symbol upper-cased (as the server stores it), blank rows dropped.
 * `keys[i]` is the row that became `members[i]`, to put the server's `members.i.*` errors on it.
 */
export function toMembers(rows: readonly MemberRow[]): { members: ThemeMember[]; keys: number[] } {
  const members: ThemeMember[] = [];
  const keys: number[] = [];
  for (const row of rows) {
    const member = {
      symbol: row.symbol.trim().toUpperCase(),
      name: row.name.trim(),
      sector: row.sector.trim(),
      industry: row.industry.trim(),
    };
    if (Object.values(member).every((cell) => cell === '')) continue;
    members.push(member);
    keys.push(row.key);
  }
  return { members, keys };
}

/**
 * Splits a 400's fields into those on member cells (`members.3.symbol` -> row 3, column symbol) and
 * the rest. Cells are keyed `${rowKey}.${column}`, mapped through the keys `toMembers` returned.
 */
export function memberCellErrors(
  fields: readonly FieldError[],
  keys: readonly number[],
): {
  cells: Map<string, string>;
  others: FieldError[];
} {
  const cells = new Map<string, string>();
  const others: FieldError[] = [];
  for (const field of fields) {
    const match = /^members\.(\d+)\.(symbol|name|sector|industry)$/.exec(field.field);
    const rowKey = match ? keys[Number(match[1])] : undefined;
    if (match && rowKey !== undefined) cells.set(`${rowKey}.${match[2]}`, field.message);
    else others.push(field);
  }
  return { cells, others };
}

/** `line 3: symbol` -> { line: 3, column: 'symbol' }; anything else keeps its text as the column. */
export function parseCsvField(field: string): { line: number | null; column: string } {
  const match = /^line (\d+): (.+)$/.exec(field);
  return match ? { line: Number(match[1]), column: match[2] ?? '' } : { line: null, column: field };
}
