import type { FieldError, ProjectParams } from '../../api';
import { renderMessage } from '../../i18n/messages';
import { DEFAULT_PIPELINE, PIPELINE_FORM_FIELDS } from './pipeline-fields';
import { PRE_TRADE_FORM_FIELDS } from './pretrade-fields';

/** What a new project starts with: the server's defaults (src/projects/params.ts), no theme yet. */
export function defaultParams(): ProjectParams {
  return {
    themeIds: [],
    model: { family: 'rule', seed: 42 },
    portfolio: {
      topN: 20,
      weighting: 'equal',
      maxWeight: 0.1,
      sectorCap: 1,
      cashBuffer: 0.02,
      turnoverLimit: 1,
    },
    schedule: { frequency: 'weekly', weekday: 1, minutesAfterOpen: 30 },
    risk: {
      maxPositionWeight: 0.1,
      maxSectorWeight: 0.4,
      maxGrossExposure: 1,
      maxDailyLoss: 0.05,
      // Pre-trade limits (src/risk/pretrade/types.ts defaults; null = no limit).
      cashBuffer: 0.01,
      maxInitialMarginShare: 0.8,
      maxOrderValue: 1_000_000,
      maxPositionValue: null,
      maxPositionShares: null,
      maxAdvShare: 0.05,
      priceBand: 0.1,
      maxOrdersPerRun: 1000,
      weightTolerance: 0.005,
      allowShort: false,
    },
    execution: { orderType: 'MKT', limitOffsetBps: 10, minTradeValue: 100 },
    pipeline: DEFAULT_PIPELINE,
  };
}

/** Every editable field of the project form, as the server names it in a 400. */
export const FORM_FIELDS = [
  'name',
  'description',
  'params.themeIds',
  'params.model.family',
  'params.model.seed',
  'params.portfolio.topN',
  'params.portfolio.weighting',
  'params.portfolio.maxWeight',
  'params.portfolio.sectorCap',
  'params.portfolio.cashBuffer',
  'params.portfolio.turnoverLimit',
  'params.schedule.weekday',
  'params.schedule.minutesAfterOpen',
  'params.risk.maxPositionWeight',
  'params.risk.maxSectorWeight',
  'params.risk.maxGrossExposure',
  'params.risk.maxDailyLoss',
  ...PRE_TRADE_FORM_FIELDS,
  'params.execution.orderType',
  'params.execution.limitOffsetBps',
  'params.execution.minTradeValue',
  ...PIPELINE_FORM_FIELDS,
] as const;

/** A field's reason in the UI language when the server catalogued it, else as the server wrote it. */
export function fieldReason(field: FieldError): string {
  return field.text ? renderMessage(field.text) : field.message;
}

/**
 * Puts each server error on the form field it names, or on the closest enclosing one
 * (`params.themeIds.0` -> `params.themeIds`); errors on no field are returned for a general message.
 */
export function placeFieldErrors(fields: readonly FieldError[]): {
  placed: { name: string[]; errors: string[] }[];
  unplaced: FieldError[];
} {
  const byField = new Map<string, string[]>();
  const unplaced: FieldError[] = [];
  for (const field of fields) {
    const target = FORM_FIELDS.filter(
      (name) => field.field === name || field.field.startsWith(`${name}.`),
    ).sort((a, b) => b.length - a.length)[0];
    if (!target) {
      unplaced.push(field);
      continue;
    }
    byField.set(target, [...(byField.get(target) ?? []), fieldReason(field)]);
  }
  const placed = [...byField.entries()].map(([name, errors]) => ({ name: name.split('.'), errors }));
  return { placed, unplaced };
}

export type ParamValue = string | number | boolean | null;

/** `{ portfolio: { topN: 20 } }` -> `[['portfolio.topN', 20]]`; arrays stay whole (theme ids as a list). */
export function flattenParams(value: unknown, prefix = ''): [string, ParamValue | number[]][] {
  if (Array.isArray(value)) return [[prefix, value as number[]]];
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value as Record<string, unknown>)
      .sort(([a], [b]) => a.localeCompare(b))
      .flatMap(([key, child]) => flattenParams(child, prefix ? `${prefix}.${key}` : key));
  }
  return [[prefix, value as ParamValue]];
}

export interface ParamDiffRow {
  path: string;
  from: ParamValue | number[] | undefined;
  to: ParamValue | number[] | undefined;
  changed: boolean;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Every parameter path of either version, with both values and whether it changed. */
export function diffParams(from: ProjectParams, to: ProjectParams): ParamDiffRow[] {
  const before = new Map(flattenParams(from));
  const after = new Map(flattenParams(to));
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  return paths.map((path) => {
    const a = before.get(path);
    const b = after.get(path);
    return { path, from: a, to: b, changed: !same(a, b) };
  });
}

/** ISO weekdays a rebalance may fall on (1 = Monday), with their translation keys. */
export const WEEKDAYS = [
  { day: 1, key: 'mon' },
  { day: 2, key: 'tue' },
  { day: 3, key: 'wed' },
  { day: 4, key: 'thu' },
  { day: 5, key: 'fri' },
] as const;
export type WeekdayKey = (typeof WEEKDAYS)[number]['key'];

export function weekdayKey(day: number): WeekdayKey | null {
  return WEEKDAYS.find((weekday) => weekday.day === day)?.key ?? null;
}
