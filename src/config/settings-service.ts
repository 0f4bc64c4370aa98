import type { Kysely } from 'kysely';
import type { AuditLog, AuditRecord } from '../audit/index.js';
import { msg } from '../contract/messages.js';
import { type Clock, isoNow } from '../core/clock.js';
import type { Database } from '../store/index.js';
import type { BootstrapConfig } from './bootstrap.js';
import {
  definitionOf,
  isSettingKey,
  type SettingGroup,
  type SettingKey,
  settingDefinitions,
} from './definitions.js';
import { isMasked, maskSecret } from './mask.js';
import type { SecretBox } from './secret-box.js';
import {
  ConfigError,
  type ConfigIssue,
  type SettingSource,
  type SettingValue,
  validateValue,
} from './sources.js';

export interface ResolvedSetting {
  key: SettingKey;
  value: SettingValue | undefined;
  source: SettingSource;
}

/** What may leave the server: secrets masked. */
export interface SettingView {
  key: SettingKey;
  value: SettingValue | null;
  source: SettingSource;
  secret: boolean;
  editable: boolean;
  group: SettingGroup;
  description: string;
}

export type ResolvedSettings = Record<SettingKey, ResolvedSetting>;

/** A value to store, or null to remove the stored value. */
export type SettingsUpdate = Record<string, string | number | null>;

type Listener = (keys: SettingKey[]) => void;

/**
 * Precedence, highest first: environment (and command-line flags), config file, values saved from the
 * UI (database), built-in default.
 */
export class SettingsService {
  private readonly listeners = new Set<Listener>();

  constructor(
    private readonly deps: {
      db: Kysely<Database>;
      box: SecretBox;
      audit: AuditLog;
      bootstrap: BootstrapConfig;
      clock: Clock;
    },
  ) {}

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async resolve(): Promise<ResolvedSettings> {
    const stored = await this.readStored();
    const out = {} as ResolvedSettings;
    for (const def of settingDefinitions) {
      const key = def.key;
      const fromEnv = this.deps.bootstrap.fromEnv[key];
      const fromFile = this.deps.bootstrap.fromFile[key];
      const fromDb = stored.get(key);
      const fallback = 'default' in def ? def.default : undefined;
      if (fromEnv !== undefined) out[key] = { key, value: fromEnv, source: 'env' };
      else if (fromFile !== undefined) out[key] = { key, value: fromFile, source: 'file' };
      else if (fromDb !== undefined) out[key] = { key, value: fromDb, source: 'db' };
      else if (fallback !== undefined) out[key] = { key, value: fallback, source: 'default' };
      else out[key] = { key, value: undefined, source: 'unset' };
    }
    return out;
  }

  async views(): Promise<SettingView[]> {
    const resolved = await this.resolve();
    return settingDefinitions.map((def) => {
      const r = resolved[def.key];
      const value = r.value === undefined ? null : def.secret ? maskSecret(String(r.value)) : r.value;
      return {
        key: def.key,
        value,
        source: r.source,
        secret: def.secret,
        editable: def.storable && r.source !== 'env' && r.source !== 'file',
        group: def.group,
        description: def.description,
      };
    });
  }

  /**
   * Validates every value first; on any error nothing is stored. Unchanged values (including a
   * mask sent back as it was shown) are skipped. One audit record lists what changed, masked.
   */
  async update(
    values: SettingsUpdate,
    actor: string,
    options: { confirmLiveAccount?: string | undefined } = {},
  ): Promise<{ changed: SettingKey[]; audit?: AuditRecord }> {
    const resolved = await this.resolve();
    const issues: ConfigIssue[] = [];
    const writes: Array<{ key: SettingKey; value: SettingValue | null }> = [];
    for (const [key, raw] of Object.entries(values)) {
      if (!isSettingKey(key)) {
        issues.push({ key, source: 'db', message: 'unknown setting', text: msg('SETTING_UNKNOWN', {}) });
        continue;
      }
      const def = definitionOf(key)!;
      const current = resolved[key];
      if (!def.storable) {
        issues.push({
          key,
          source: 'db',
          message: 'cannot be saved from the UI; set it in the environment or config file',
          text: msg('SETTING_NOT_STORABLE', {}),
        });
        continue;
      }
      if (current.source === 'env' || current.source === 'file') {
        const where = current.source === 'env' ? 'the environment' : 'the config file';
        issues.push({
          key,
          source: 'db',
          message: `is set by ${where}, which takes precedence; change it there`,
          text: msg(current.source === 'env' ? 'SETTING_SET_BY_ENV' : 'SETTING_SET_BY_FILE', {}),
        });
        continue;
      }
      if (raw === null) {
        if (current.source === 'db') writes.push({ key, value: null });
        continue;
      }
      const text = String(raw);
      if (def.secret && isMasked(text)) {
        if (current.value !== undefined && text === maskSecret(String(current.value))) continue;
        issues.push({
          key,
          source: 'db',
          message: 'looks like a masked value; enter the full value',
          text: msg('SETTING_MASKED_VALUE', {}),
        });
        continue;
      }
      const result = validateValue(def, text);
      if ('error' in result) {
        issues.push({ key, source: 'db', message: result.error, text: result.text });
        continue;
      }
      if (current.source === 'db' && current.value === result.value) continue;
      writes.push({ key, value: result.value });
    }
    const liveIssue = this.checkLiveSwitch(resolved, writes, options.confirmLiveAccount);
    if (liveIssue) issues.push(liveIssue);
    if (issues.length > 0) throw new ConfigError(issues);
    if (writes.length === 0) return { changed: [] };

    const show = (key: SettingKey, value: SettingValue | undefined | null) =>
      value === undefined || value === null
        ? null
        : definitionOf(key)!.secret
          ? maskSecret(String(value))
          : value;
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    for (const w of writes) {
      before[w.key] = show(w.key, resolved[w.key].source === 'db' ? resolved[w.key].value : null);
      after[w.key] = show(w.key, w.value);
    }
    const liveConfirmed = needsLiveConfirmation(resolved, writes);
    const now = isoNow(this.deps.clock);
    const record = await this.deps.db.transaction().execute(async (trx) => {
      for (const w of writes) {
        if (w.value === null) {
          await trx.deleteFrom('settings').where('key', '=', w.key).execute();
          continue;
        }
        const secret = definitionOf(w.key)!.secret;
        const stored = secret ? this.deps.box.encrypt(String(w.value), w.key) : String(w.value);
        const row = { value: stored, encrypted: secret ? 1 : 0, updated_at: now, updated_by: actor };
        await trx
          .insertInto('settings')
          .values({ key: w.key, ...row })
          .onConflict((oc) => oc.column('key').doUpdateSet(row))
          .execute();
      }
      return this.deps.audit.append(
        {
          actor,
          action: liveConfirmed ? 'settings.update.live-mode-confirmed' : 'settings.update',
          target: 'settings',
          before,
          after,
        },
        trx,
      );
    });
    this.deps.audit.notify(record);
    const changed = writes.map((w) => w.key);
    for (const listener of this.listeners) listener(changed);
    return { changed, audit: record };
  }

  /**
   * Live trading moves real money, so switching IB_MODE to live, and changing where live orders go
   * (IB_ACCOUNT, IB_HOST, IB_PORT, IB_CLIENT_ID) while live, needs the account id typed again
   * (`confirmLiveAccount`: the account after the change) and refuses a paper account (DU...).
   */
  private checkLiveSwitch(
    resolved: ResolvedSettings,
    writes: Array<{ key: SettingKey; value: SettingValue | null }>,
    confirmation: string | undefined,
  ): ConfigIssue | undefined {
    if (!needsLiveConfirmation(resolved, writes)) return undefined;
    const switching = resolved.IB_MODE.value !== 'live';
    const key: SettingKey = switching
      ? 'IB_MODE'
      : (writes.find((w) => LIVE_ROUTING_KEYS.includes(w.key))?.key ?? 'IB_MODE');
    const accountWrite = writes.find((w) => w.key === 'IB_ACCOUNT');
    const account = accountWrite ? accountWrite.value : resolved.IB_ACCOUNT.value;
    if (account === undefined || account === null) {
      return {
        key,
        source: 'db',
        message: switching ? 'set IB_ACCOUNT before switching to live' : 'live mode needs IB_ACCOUNT',
        text: msg(switching ? 'SET_IB_ACCOUNT_BEFORE_LIVE' : 'LIVE_NEEDS_IB_ACCOUNT', {}),
      };
    }
    if (String(account).startsWith('DU')) {
      return {
        key,
        source: 'db',
        message: 'IB_ACCOUNT is a paper account (DU...); live mode needs a live account',
        text: msg('LIVE_NEEDS_LIVE_ACCOUNT', {}),
      };
    }
    if (confirmation?.trim() !== String(account)) {
      return {
        key,
        source: 'db',
        message: switching
          ? 'switching to live needs confirmation: type the account id exactly'
          : `changing ${key} while trading live needs confirmation: type the account id exactly`,
        text: switching
          ? msg('LIVE_SWITCH_NEEDS_CONFIRMATION', {})
          : msg('LIVE_CHANGE_NEEDS_CONFIRMATION', { key }),
      };
    }
    return undefined;
  }

  /** Every secret value currently known in clear, so log output can be scrubbed of them. */
  async secretValues(): Promise<string[]> {
    const resolved = await this.resolve();
    return settingDefinitions
      .filter((d) => d.secret)
      .map((d) => resolved[d.key].value)
      .filter((v): v is SettingValue => v !== undefined)
      .map(String);
  }

  private async readStored(): Promise<Map<SettingKey, SettingValue>> {
    const rows = await this.deps.db.selectFrom('settings').selectAll().execute();
    const out = new Map<SettingKey, SettingValue>();
    for (const row of rows) {
      if (!isSettingKey(row.key)) continue;
      const def = definitionOf(row.key)!;
      const text = row.encrypted ? this.deps.box.decrypt(row.value, row.key) : row.value;
      const result = validateValue(def, text);
      if ('value' in result) out.set(row.key, result.value);
    }
    return out;
  }
}

/** Where live orders go: changing any of them while live is confirmed like switching to live. */
const LIVE_ROUTING_KEYS: readonly SettingKey[] = ['IB_ACCOUNT', 'IB_HOST', 'IB_PORT', 'IB_CLIENT_ID'];

/** Switching to live, or changing where orders go while live. */
function needsLiveConfirmation(
  resolved: ResolvedSettings,
  writes: ReadonlyArray<{ key: SettingKey; value: SettingValue | null }>,
): boolean {
  const modeWrite = writes.find((w) => w.key === 'IB_MODE');
  const liveNow = resolved.IB_MODE.value === 'live';
  if (!liveNow) return modeWrite?.value === 'live';
  // Leaving live mode needs no confirmation: it stops real-money orders.
  if (modeWrite && modeWrite.value !== 'live') return false;
  return writes.some((w) => LIVE_ROUTING_KEYS.includes(w.key));
}
