import { z } from 'zod';
import { type Message, msg } from '../contract/messages.js';
import { dailyRestartSchema, timeZoneSchema, weeklyReloginSchema } from '../contract/ops.js';

export type SettingGroup = 'ib' | 'telegram' | 'alpha' | 'server';

export interface SettingDefinition {
  key: string;
  group: SettingGroup;
  description: string;
  /** Account ids, tokens, keys, passwords: masked everywhere, encrypted at rest. */
  secret: boolean;
  /** Whether the UI may store it in the database; bootstrap settings come from env or file only. */
  storable: boolean;
  /** Parses the raw text (env, file, UI) into the typed value. */
  schema: z.ZodType;
  default?: string | number;
  /** What a value must look like, said when it does not match the schema's pattern. */
  formatText?: Message;
}

/** A whole number within [min, max]. */
const integer = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(min, `must be between ${min} and ${max}`)
    .max(max, `must be between ${min} and ${max}`);

/** A share of something (of net liquidation, of equity): above 0, at most 1. */
const share = () =>
  z.coerce
    .number({ error: 'must be a number' })
    .gt(0, 'must be above 0 and at most 1')
    .max(1, 'must be above 0 and at most 1');

const port = integer(1, 65535);

const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);

/** A duration in seconds within [min, max]. */
const seconds = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .min(min, `must be between ${min} and ${max}`)
    .max(max, `must be between ${min} and ${max}`);

/** An alert setting: stored from the UI, shown with the Telegram settings. */
const alertSetting = <K extends string>(
  key: K,
  description: string,
  schema: z.ZodType,
  value: string | number,
) => ({
  key,
  group: 'telegram' as const,
  description,
  secret: false,
  storable: true,
  schema,
  default: value,
});

export const settingDefinitions = [
  {
    key: 'IB_HOST',
    group: 'ib',
    description: 'Host of IB Gateway / TWS (or the built-in paper gateway)',
    secret: false,
    storable: true,
    schema: text(253).regex(/^[A-Za-z0-9.\-:[\]]+$/, 'must be a host name or IP address'),
    default: '127.0.0.1',
  },
  {
    key: 'IB_PORT',
    group: 'ib',
    description: 'TCP port of IB Gateway / TWS (Gateway paper 4002, live 4001; TWS paper 7497, live 7496)',
    secret: false,
    storable: true,
    schema: port,
    default: 4002,
  },
  {
    key: 'IB_CLIENT_ID',
    group: 'ib',
    description: 'IB API client id used for trading; fixed, so IB refuses a second trader',
    secret: false,
    storable: true,
    schema: integer(0, 2147483647),
    default: 1,
  },
  {
    key: 'IB_ACCOUNT',
    group: 'ib',
    description: 'IB account id to trade (paper accounts start with DU)',
    secret: true,
    storable: true,
    schema: z
      .string()
      .trim()
      .regex(/^[A-Z]{1,3}[0-9]{4,12}$/, 'must look like an IB account id, e.g. DU1234567 or U1234567'),
  },
  {
    key: 'IB_MODE',
    group: 'ib',
    description: 'Trading mode: paper (default) or live',
    secret: false,
    storable: true,
    schema: z.enum(['paper', 'live'], { error: 'must be "paper" or "live"' }),
    default: 'paper',
  },
  {
    key: 'ACCOUNT_SNAPSHOT_MINUTES',
    group: 'ib',
    description:
      'Minutes between account snapshots (equity curve) while IB is connected; one more at each close',
    secret: false,
    storable: true,
    schema: integer(1, 1440),
    default: 5,
  },
  {
    key: 'RISK_ACCOUNT_MAX_DAILY_LOSS',
    group: 'ib',
    description:
      "Intraday monitor: the account's daily loss (share of net liquidation) that halts all trading; warns at 80%",
    secret: false,
    storable: true,
    schema: share(),
    default: 0.05,
  },
  {
    key: 'RISK_ACCOUNT_MAX_DRAWDOWN',
    group: 'ib',
    description:
      "Intraday monitor: the account's drawdown from its net liquidation high-water mark that halts all trading; warns at 80%",
    secret: false,
    storable: true,
    schema: share(),
    default: 0.2,
  },
  {
    key: 'GATEWAY_TIME_ZONE',
    group: 'ib',
    description: "Time zone of the gateway's restart times (IANA name, e.g. America/New_York)",
    secret: false,
    storable: true,
    schema: timeZoneSchema,
    default: 'America/New_York',
  },
  {
    key: 'GATEWAY_DAILY_RESTART',
    group: 'ib',
    description:
      'Daily restart time of IB Gateway / TWS (HH:MM in GATEWAY_TIME_ZONE) or "off"; a disconnect then is expected',
    secret: false,
    storable: true,
    schema: dailyRestartSchema,
    default: '23:45',
  },
  {
    key: 'GATEWAY_WEEKLY_RELOGIN',
    group: 'ib',
    description:
      'When IBKR ends the session each week and the gateway needs a two-factor login (e.g. "Sun 01:00") or "off"',
    secret: false,
    storable: true,
    schema: weeklyReloginSchema,
    default: 'Sun 01:00',
  },
  {
    key: 'GATEWAY_WINDOW_MINUTES',
    group: 'ib',
    description: 'Length of each restart window in minutes (no disconnect alert inside it)',
    secret: false,
    storable: true,
    schema: integer(1, 240),
    default: 15,
  },
  {
    key: 'GATEWAY_LOGIN_ALERT_MINUTES',
    group: 'ib',
    description: 'Minutes after a restart window before a gateway still down is reported as needing a login',
    secret: false,
    storable: true,
    schema: integer(0, 1440),
    default: 10,
  },
  {
    key: 'TELEGRAM_BOT_TOKEN',
    group: 'telegram',
    description: 'Telegram bot token for alerts',
    secret: true,
    storable: true,
    schema: z
      .string()
      .trim()
      .regex(/^[0-9]{5,12}:[A-Za-z0-9_-]{20,64}$/, 'must look like a Telegram bot token (digits:secret)'),
    formatText: msg('TELEGRAM_TOKEN_MALFORMED', {}),
  },
  {
    key: 'TELEGRAM_CHAT_ID',
    group: 'telegram',
    description: 'Telegram chat id that receives alerts',
    secret: true,
    storable: true,
    schema: z
      .string()
      .trim()
      .regex(/^(-?[0-9]{1,20}|@[A-Za-z0-9_]{5,32})$/, 'must be a numeric chat id or @channel'),
    formatText: msg('TELEGRAM_CHAT_ID_MALFORMED', {}),
  },
  {
    key: 'TELEGRAM_API_BASE',
    group: 'telegram',
    description: 'Base URL of the Telegram Bot API (change it only for a local Bot API server or tests)',
    secret: false,
    storable: true,
    schema: z
      .string()
      .trim()
      .regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, 'must be an http:// or https:// URL')
      .transform((url) => url.replace(/\/+$/, '')),
    formatText: msg('TELEGRAM_API_BASE_MALFORMED', {}),
    default: 'https://api.telegram.org',
  },
  alertSetting(
    'TELEGRAM_TIMEOUT_SECONDS',
    'Time limit of one Bot API request; a request that takes longer is retried later',
    seconds(0.1, 120),
    10,
  ),
  alertSetting(
    'ALERT_LANGUAGE',
    'Language of alert texts: zh-CN (default) or en',
    z.enum(['zh-CN', 'en'], { error: 'must be "zh-CN" or "en"' }),
    'zh-CN',
  ),
  alertSetting(
    'ALERT_IB_GRACE_SECONDS',
    'How long IB may be disconnected before an alert is sent (a gateway restart should not page)',
    seconds(0, 86400),
    180,
  ),
  alertSetting(
    'ALERT_IB_STABLE_SECONDS',
    'How long IB must stay connected before the disconnect alert resolves (a flapping link pages once)',
    seconds(0, 86400),
    60,
  ),
  alertSetting(
    'ALERT_IB_LOGIN_SECONDS',
    'How long IB may be down before the gateway is reported as needing a login',
    seconds(1, 604800),
    900,
  ),
  alertSetting(
    'ALERT_DIGEST_SECONDS',
    'Non-critical alerts wait up to this long and go out together in one digest',
    seconds(0, 86400),
    300,
  ),
  alertSetting(
    'ALERT_RETRY_MAX_SECONDS',
    'Longest pause between delivery retries after Telegram errors or time-outs (back-off cap)',
    seconds(0.1, 3600),
    300,
  ),
  {
    key: 'ALPHA_VANTAGE_API_KEY',
    group: 'alpha',
    description: 'Alpha Vantage API key for research data',
    secret: true,
    storable: true,
    schema: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9]{8,64}$/, 'must be 8 to 64 letters and digits'),
  },
  {
    key: 'DATA_ROOT',
    group: 'server',
    description: 'Folder for the SQLite database, market data files and models',
    secret: false,
    storable: false,
    schema: text(4096),
    default: './data',
  },
  {
    key: 'DATABASE_URL',
    group: 'server',
    description: 'PostgreSQL connection URL; when unset, SQLite under DATA_ROOT is used',
    secret: true,
    storable: false,
    schema: z
      .string()
      .trim()
      .regex(/^postgres(ql)?:\/\/.+/, 'must start with postgres:// or postgresql://'),
  },
  {
    key: 'LISTEN_HOST',
    group: 'server',
    description: 'Address the HTTP server binds to',
    secret: false,
    storable: false,
    schema: text(253),
    default: '127.0.0.1',
  },
  {
    key: 'LISTEN_PORT',
    group: 'server',
    description: 'Port the HTTP server listens on',
    secret: false,
    storable: false,
    schema: integer(0, 65535),
    default: 8787,
  },
  {
    key: 'PUBLIC_HOSTNAMES',
    group: 'server',
    description:
      'Comma-separated host names (optionally host:port) the server answers besides its loopback address, e.g. the name a reverse proxy forwards',
    secret: false,
    storable: false,
    schema: z
      .string()
      .trim()
      .max(2048, 'at most 2048 characters')
      .regex(
        /^\s*(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?\s*(,\s*(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?\s*)*$/,
        'must be a comma-separated list of host names or host:port',
      ),
  },
  {
    key: 'SECURE_COOKIES',
    group: 'server',
    description:
      'true when the UI is served over HTTPS (behind a TLS reverse proxy): Secure cookie flag and HSTS',
    secret: false,
    storable: false,
    schema: z.enum(['true', 'false'], { error: 'must be "true" or "false"' }),
    default: 'false',
  },
  {
    key: 'TRUST_PROXY',
    group: 'server',
    description:
      'Comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For names the client (login throttling per address); empty: none',
    secret: false,
    storable: false,
    schema: z
      .string()
      .trim()
      .max(1024, 'at most 1024 characters')
      .regex(
        /^\s*(loopback|linklocal|uniquelocal|[0-9A-Fa-f:.]+(\/[0-9]{1,3})?)\s*(,\s*(loopback|linklocal|uniquelocal|[0-9A-Fa-f:.]+(\/[0-9]{1,3})?)\s*)*$/,
        'must be a comma-separated list of IP addresses, CIDRs, or loopback',
      ),
  },
  {
    key: 'METRICS_PORT',
    group: 'server',
    description:
      'Port of a loopback-only (127.0.0.1) Prometheus endpoint /metrics without login; unset: metrics only at /api/metrics with a session',
    secret: false,
    storable: false,
    schema: integer(0, 65535),
  },
  {
    key: 'LOG_LEVEL',
    group: 'server',
    description: 'Log level: fatal, error, warn, info, debug or trace',
    secret: false,
    storable: false,
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    }),
    default: 'info',
  },
] as const satisfies readonly SettingDefinition[];

export type SettingKey = (typeof settingDefinitions)[number]['key'];

export const settingKeys = settingDefinitions.map((d) => d.key) as SettingKey[];

const byKey = new Map<string, SettingDefinition>(settingDefinitions.map((d) => [d.key, d]));

export function definitionOf(key: string): SettingDefinition | undefined {
  return byKey.get(key);
}

export function isSettingKey(key: string): key is SettingKey {
  return byKey.has(key);
}

/** Environment-only variables that are not settings but still must never be printed. */
export const bootstrapSecretEnv = ['IBLOOP_SECRET_KEY', 'IBLOOP_AUDIT_KEY', 'IBLOOP_ADMIN_PASSWORD'] as const;
