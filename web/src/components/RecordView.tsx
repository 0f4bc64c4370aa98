/**
 * A stored record (an audit entry's before/after, a decision snapshot's parameters) as a labelled
 * table in the UI language instead of JSON. Known field names get the labels the project form and
 * this view's locale give; unknown ones are shown as they are. Values that are known enums are
 * translated, so a zh-CN page never shows a raw enum. Imported by route-split pages only (not from
 * the components barrel), so the first page load does not carry it.
 */
import { Button, Descriptions, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ENUMS, type EnumName } from '../../../src/contract/messages';
import { i18n } from '../i18n';
import { recordsEn } from '../i18n/locales/records.en';
import { recordsZhCN } from '../i18n/locales/records.zh-CN';
import { renderEnum } from '../i18n/messages';

// This view's texts are a namespace of their own, in this route-split chunk: the first page load's
// language bundle does not carry them.
i18n.addResourceBundle('zh-CN', 'records', recordsZhCN);
i18n.addResourceBundle('en', 'records', recordsEn);

/** Where a field's label may be found, first match wins (the project form's labels come first). */
const LABEL_KEYS = [
  'projects.fields',
  'pretrade.form.fields',
  'pipeline.form.fields',
  'records:fields',
  'projects.groups',
];

/** Fields whose values have their own translations (the project form's choices). */
const VALUE_KEYS: Readonly<Record<string, string>> = {
  family: 'projects.families',
  weighting: 'projects.weightings',
  orderType: 'projects.orderTypes',
  leftover: 'pipeline.form.leftover',
  fallback: 'pipeline.form.fallback',
  policy: 'pipeline.form.fallback',
  configured: 'pipeline.form.fallback',
};

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri'];

/** Dynamic keys: the record decides them, `exists` checks each before it is used. */
const translate = i18n.t.bind(i18n) as unknown as (key: string) => string;

function lookup(prefixes: readonly string[], name: string): string | undefined {
  for (const prefix of prefixes) {
    const key = `${prefix}.${name}`;
    // Only leaf strings: a group name that is also an object of labels is not a label.
    if (i18n.exists(key) && typeof i18n.t(key as never, { returnObjects: true }) === 'string')
      return translate(key);
  }
  return undefined;
}

const ENUM_OF = new Map<string, EnumName>();
for (const [name, values] of Object.entries(ENUMS) as [EnumName, readonly string[]][])
  for (const value of values) if (!ENUM_OF.has(value)) ENUM_OF.set(value, name);

/** A field's label; a key that is an enum value (weights by symbol, counts by status) is translated as one. */
export function fieldLabel(name: string): string {
  const enumName = ENUM_OF.get(name);
  return lookup(LABEL_KEYS, name) ?? (enumName ? renderEnum(enumName, name) : name);
}

/** One scalar value in the UI language: the field's own choices, a known enum, yes/no, or as it is. */
export function fieldValue(name: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return translate('records:empty');
  if (typeof value === 'boolean') return translate(value ? 'records:yes' : 'records:no');
  if (name === 'weekday' && typeof value === 'number' && WEEKDAYS[value - 1])
    return translate(`projects.weekdays.${WEEKDAYS[value - 1]}`);
  if (typeof value !== 'string') return String(value);
  const own = VALUE_KEYS[name];
  const ownText = own ? lookup([own], value) : undefined;
  if (ownText) return ownText;
  const enumName = ENUM_OF.get(value);
  if (enumName) return renderEnum(enumName, value);
  return lookup(['records:values'], value) ?? value;
}

/**
 * An audit target (`project:2`, `order:ibl:…`, `settings`) with its kind in the UI language; a kind
 * this view does not know is shown as it is.
 */
export function targetText(target: string): string {
  const at = target.indexOf(':');
  const kind = at < 0 ? target : target.slice(0, at);
  const label = lookup(['records:targets'], kind);
  if (!label) return target;
  return at < 0 ? label : `${label} ${target.slice(at + 1)}`;
}

interface Row {
  path: string[];
  value: unknown;
}

/** Nested objects become rows named by their path; lists of scalars stay one row. */
function rowsOf(value: unknown, path: string[] = []): Row[] {
  if (Array.isArray(value)) {
    if (value.every((item) => item === null || typeof item !== 'object')) return [{ path, value }];
    return value.flatMap((item, index) => rowsOf(item, [...path, String(index + 1)]));
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return [{ path, value: null }];
    return entries.flatMap(([key, child]) => rowsOf(child, [...path, key]));
  }
  return [{ path, value }];
}

function rowValue(row: Row): string {
  const name = row.path.at(-1) ?? '';
  if (Array.isArray(row.value)) {
    if (row.value.length === 0) return translate('records:empty');
    return row.value.map((item) => fieldValue(name, item)).join(', ');
  }
  // A list position names no field: the value takes the meaning of the list's name.
  const owner = /^\d+$/.test(name) ? (row.path.at(-2) ?? name) : name;
  return fieldValue(owner, row.value);
}

/** A record as label/value rows; `null` as "(none)". */
export function RecordView({ value, empty, testId }: { value: unknown; empty: string; testId?: string }) {
  // Subscribes to language changes.
  useTranslation();
  const [raw, setRaw] = useState(false);
  if (value === null || value === undefined)
    return (
      <Typography.Text type="secondary" className="json-empty">
        {empty}
      </Typography.Text>
    );
  const rows = rowsOf(value);
  return (
    <Space vertical size={4} style={{ width: '100%' }} data-testid={testId}>
      {raw ? (
        <pre className="json-block">{JSON.stringify(value, null, 2)}</pre>
      ) : (
        <Descriptions size="small" column={1} bordered>
          {rows.map((row) => (
            <Descriptions.Item key={row.path.join('.')} label={row.path.map(fieldLabel).join(' · ')}>
              {rowValue(row)}
            </Descriptions.Item>
          ))}
        </Descriptions>
      )}
      <Button size="small" type="link" onClick={() => setRaw(!raw)} style={{ padding: 0 }}>
        {raw ? translate('records:table') : translate('records:raw')}
      </Button>
    </Space>
  );
}
