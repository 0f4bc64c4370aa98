import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { issueText } from '../contract/issue-text.js';
import { type Message, msg } from '../contract/messages.js';
import { definitionOf, type SettingDefinition, type SettingKey, settingDefinitions } from './definitions.js';

export type SettingSource = 'env' | 'file' | 'db' | 'default' | 'unset';
export type SettingValue = string | number;

export interface ConfigIssue {
  key: string;
  source: SettingSource | 'file-format';
  message: string;
  /** The message as a catalogued code the UI renders in its language. */
  text?: Message;
}

export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map(describeIssue).join('\n'));
    this.name = 'ConfigError';
  }
}

export function describeIssue(issue: ConfigIssue): string {
  const where =
    issue.source === 'env'
      ? 'environment'
      : issue.source === 'file' || issue.source === 'file-format'
        ? 'config file'
        : issue.source === 'db'
          ? 'saved settings'
          : issue.source;
  return `${issue.key} (from ${where}): ${issue.message}`;
}

/** Raw text values of settings from one source, before validation. */
export type RawValues = Partial<Record<SettingKey, string>>;

export function readEnv(env: NodeJS.ProcessEnv): RawValues {
  const values: RawValues = {};
  for (const def of settingDefinitions) {
    const raw = env[def.key];
    if (raw !== undefined && raw !== '') values[def.key] = raw;
  }
  return values;
}

/** Reads a YAML or JSON file holding a flat mapping of setting keys to scalar values. */
export function readConfigFile(file: string): RawValues {
  if (!existsSync(file))
    throw new ConfigError([
      { key: file, source: 'file-format', message: 'file not found', text: msg('CONFIG_FILE_NOT_FOUND', {}) },
    ]);
  // yaml is loaded only when there is a file to read: every command loads this module, and loading
  // the parser cost ~60 ms of each one's start (bench/research: end to end from the CLI). Its package
  // serves Node the same CommonJS build to import and to require.
  const { parse: parseYaml } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ConfigError([
      {
        key: file,
        source: 'file-format',
        message: `not valid YAML/JSON: ${reason}`,
        text: msg('CONFIG_FILE_UNPARSABLE', { detail: reason ?? '' }),
      },
    ]);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError([
      {
        key: file,
        source: 'file-format',
        message: 'must be a mapping of KEY: value',
        text: msg('CONFIG_FILE_NOT_MAPPING', {}),
      },
    ]);
  }
  const values: RawValues = {};
  const issues: ConfigIssue[] = [];
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    const def = definitionOf(key);
    if (!def) {
      issues.push({ key, source: 'file', message: 'unknown setting', text: msg('SETTING_UNKNOWN', {}) });
    } else if (typeof value === 'string' || typeof value === 'number') {
      values[def.key as SettingKey] = String(value);
    } else {
      issues.push({
        key,
        source: 'file',
        message: 'must be a string or a number',
        text: msg('SETTING_NOT_SCALAR', {}),
      });
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return values;
}

/** The typed value, or why not: in English (`error`, for logs and the CLI) and catalogued (`text`). */
export function validateValue(
  def: SettingDefinition,
  raw: string,
): { value: SettingValue } | { error: string; text: Message } {
  const result = def.schema.safeParse(raw);
  if (result.success) return { value: result.data as SettingValue };
  const issue = result.error.issues[0];
  if (!issue) return { error: 'invalid value', text: msg('FIELD_INVALID', {}) };
  // A pattern says little as "wrong format": a setting may name what its value must look like.
  const text = issue.code === 'invalid_format' && def.formatText ? def.formatText : issueText(issue);
  return { error: issue.message, text };
}
