import path from 'node:path';
import { definitionOf, type SettingKey, settingDefinitions } from './definitions.js';
import {
  ConfigError,
  type ConfigIssue,
  type RawValues,
  readConfigFile,
  readEnv,
  type SettingValue,
  validateValue,
} from './sources.js';

export interface BootstrapOptions {
  env: NodeJS.ProcessEnv;
  /** Explicit config file (`--config`); falls back to IBLOOP_CONFIG. */
  configFile?: string | undefined;
  /** Command-line overrides (highest precedence), e.g. `--data-root`. */
  overrides?: RawValues;
}

/** Settings known before the database opens: environment and config file, already validated. */
export interface BootstrapConfig {
  dataRoot: string;
  databaseUrl: string | undefined;
  listenHost: string;
  listenPort: number;
  logLevel: string;
  /** Host names (or host:port) answered besides the loopback listen address (PUBLIC_HOSTNAMES). */
  publicHostnames: string[];
  /** Served over HTTPS behind a TLS proxy: Secure cookies and HSTS (SECURE_COOKIES). */
  secureCookies: boolean;
  /** Proxies whose X-Forwarded-For is believed (TRUST_PROXY); empty: the socket address is the client. */
  trustProxy: string[];
  configFile: string | undefined;
  env: NodeJS.ProcessEnv;
  /** Validated values from the environment (and command-line overrides). */
  fromEnv: Partial<Record<SettingKey, SettingValue>>;
  /** Validated values from the config file. */
  fromFile: Partial<Record<SettingKey, SettingValue>>;
}

export function loadBootstrapConfig(options: BootstrapOptions): BootstrapConfig {
  const configFile = options.configFile ?? (options.env.IBLOOP_CONFIG || undefined);
  const issues: ConfigIssue[] = [];
  const fromEnv = validateAll({ ...readEnv(options.env), ...options.overrides }, 'env', issues);
  let fromFile: Partial<Record<SettingKey, SettingValue>> = {};
  if (configFile) {
    try {
      fromFile = validateAll(readConfigFile(configFile), 'file', issues);
    } catch (error) {
      if (error instanceof ConfigError) issues.push(...error.issues);
      else throw error;
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);

  const pick = (key: SettingKey): SettingValue | undefined =>
    fromEnv[key] ?? fromFile[key] ?? definitionOf(key)?.default;
  return {
    dataRoot: path.resolve(String(pick('DATA_ROOT'))),
    databaseUrl: pick('DATABASE_URL') as string | undefined,
    listenHost: String(pick('LISTEN_HOST')),
    listenPort: Number(pick('LISTEN_PORT')),
    logLevel: String(pick('LOG_LEVEL')),
    publicHostnames: listOf(pick('PUBLIC_HOSTNAMES')).map((h) => h.toLowerCase()),
    secureCookies: pick('SECURE_COOKIES') === 'true',
    trustProxy: listOf(pick('TRUST_PROXY')),
    configFile,
    env: options.env,
    fromEnv,
    fromFile,
  };
}

function validateAll(
  raw: RawValues,
  source: 'env' | 'file',
  issues: ConfigIssue[],
): Partial<Record<SettingKey, SettingValue>> {
  const out: Partial<Record<SettingKey, SettingValue>> = {};
  for (const def of settingDefinitions) {
    const text = raw[def.key];
    if (text === undefined) continue;
    const result = validateValue(def, text);
    if ('error' in result) issues.push({ key: def.key, source, message: result.error, text: result.text });
    else out[def.key] = result.value;
  }
  return out;
}

function listOf(value: SettingValue | undefined): string[] {
  if (value === undefined) return [];
  return String(value)
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}
