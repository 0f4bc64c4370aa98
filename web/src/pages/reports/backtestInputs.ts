/** What of a backtest summary the comparison reads (kept structural: the unit test loads this file under Node). */
export interface RecordedRun {
  id: number;
  projectId: number | null;
  config: unknown;
}

/** The recorded inputs of a backtest (its `config`) that a rerun can change, in the order shown. */
export const INPUT_FIELDS = [
  'start',
  'end',
  'initialCash',
  'commission',
  'slippageBps',
  'tradeAt',
  'lotSize',
  'minOrderValue',
  'construction',
  'projectVersion',
  'modelVersion',
  'signal',
] as const;
export type InputField = (typeof INPUT_FIELDS)[number];

export interface InputDifference {
  field: InputField;
  before: string;
  after: string;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/** A recorded value as short text: objects as `key=value` pairs, a missing value as a dash. */
function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'object')
    return Object.entries(value as Record<string, unknown>)
      .map(([key, inner]) => `${key}=${show(inner)}`)
      .join(', ');
  return String(value);
}

/** What the later run's recorded inputs changed against the earlier run's. */
export function inputDifferences(before: RecordedRun, after: RecordedRun): InputDifference[] {
  const a = asRecord(before.config);
  const b = asRecord(after.config);
  return INPUT_FIELDS.filter((field) => JSON.stringify(a[field]) !== JSON.stringify(b[field])).map(
    (field) => ({
      field,
      before: show(a[field]),
      after: show(b[field]),
    }),
  );
}

/** The run of the same project just before `backtestId`, if any. */
export function previousRun(all: readonly RecordedRun[], backtestId: number): RecordedRun | null {
  const current = all.find((entry) => entry.id === backtestId);
  if (!current) return null;
  const earlier = all.filter((entry) => entry.projectId === current.projectId && entry.id < backtestId);
  return earlier.reduce<RecordedRun | null>(
    (best, entry) => (best && best.id > entry.id ? best : entry),
    null,
  );
}
