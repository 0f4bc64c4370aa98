import type { SettingGroup, SettingValue, SettingView } from '../../api';

/** Group order on the page. */
export const GROUP_ORDER: readonly SettingGroup[] = ['ib', 'telegram', 'alpha', 'server'];

/** Keys edited as whole numbers; the server has the final word on ranges. */
const INTEGER_KEYS = new Set(['IB_PORT', 'IB_CLIENT_ID', 'LISTEN_PORT', 'PORT']);

export const MODE_KEY = 'IB_MODE';
export const MODES = ['paper', 'live'] as const;

export type FormValues = Record<string, string | undefined>;

export function groupSettings(settings: readonly SettingView[]): [SettingGroup, SettingView[]][] {
  const known = GROUP_ORDER.map((group): [SettingGroup, SettingView[]] => [
    group,
    settings.filter((setting) => setting.group === group),
  ]);
  return known.filter(([, members]) => members.length > 0);
}

function display(value: SettingValue): string {
  return value === null || value === undefined ? '' : String(value);
}

/**
 * What the form starts with. Secrets start empty: the masked value is only a hint (placeholder), so
 * that it can never be submitted back as if it were the real value.
 */
export function initialFormValues(settings: readonly SettingView[]): FormValues {
  const values: FormValues = {};
  for (const setting of settings) {
    if (!setting.editable) continue;
    values[setting.key] = setting.secret ? '' : display(setting.value);
  }
  return values;
}

function toWire(key: string, text: string): SettingValue {
  if (text === '') return null;
  // Send integers as numbers; anything else goes as typed so the server can name the bad field.
  if (INTEGER_KEYS.has(key) && /^-?\d+$/.test(text)) return Number(text);
  return text;
}

/** Only the keys the user actually changed; a secret counts as changed only when a new value was typed. */
export function changedValues(
  settings: readonly SettingView[],
  form: FormValues,
): Record<string, SettingValue> {
  const changes: Record<string, SettingValue> = {};
  for (const setting of settings) {
    if (!setting.editable) continue;
    const typed = (form[setting.key] ?? '').trim();
    if (setting.secret) {
      if (typed !== '') changes[setting.key] = typed;
      continue;
    }
    if (typed !== display(setting.value)) changes[setting.key] = toWire(setting.key, typed);
  }
  return changes;
}
