/**
 * Health, sign-in, settings, the trading badge and the audit log: requests and responses.
 * Pure zod, shared with the web app (which imports the types only).
 */
import { z } from 'zod';

export const HealthResponse = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  uptimeS: z.number(),
  db: z.object({ ok: z.boolean(), engine: z.enum(['sqlite', 'postgres']), latencyMs: z.number() }),
});
export type HealthResponse = z.infer<typeof HealthResponse>;

export const User = z.object({ username: z.string() });
export type User = z.infer<typeof User>;

export const SessionResponse = z.object({
  authenticated: z.boolean(),
  user: User.optional(),
  csrfToken: z.string().optional(),
});
export type SessionResponse = z.infer<typeof SessionResponse>;

export const LoginRequest = z
  .object({
    username: z.string().min(1, 'required').max(64, 'at most 64 characters'),
    password: z.string().min(1, 'required').max(256, 'at most 256 characters'),
  })
  .strict();
export type LoginRequest = z.infer<typeof LoginRequest>;

export const LoginResponse = z.object({ user: User, csrfToken: z.string() });
export type LoginResponse = z.infer<typeof LoginResponse>;

export const SettingSource = z.enum(['env', 'file', 'db', 'default', 'unset']);
export type SettingSource = z.infer<typeof SettingSource>;
export const SettingGroup = z.enum(['ib', 'telegram', 'alpha', 'server']);
export type SettingGroup = z.infer<typeof SettingGroup>;
/** Values travel as JSON scalars; secrets arrive masked (e.g. `DU****67`). */
export const SettingValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type SettingValue = z.infer<typeof SettingValue>;

export const SettingView = z.object({
  key: z.string(),
  value: SettingValue,
  source: SettingSource,
  secret: z.boolean(),
  editable: z.boolean(),
  group: SettingGroup,
  description: z.string(),
});
export type SettingView = z.infer<typeof SettingView>;

export const SettingsResponse = z.object({ settings: z.array(SettingView) });
export type SettingsResponse = z.infer<typeof SettingsResponse>;

export const SettingsUpdateRequest = z
  .object({
    values: z.record(z.string().max(64), z.union([z.string().max(4096), z.number(), z.null()]), {
      error: 'must be an object of KEY: value',
    }),
    /** The account id typed again; required to switch IB_MODE to live. */
    confirmLiveAccount: z.string().max(64).optional(),
  })
  .strict();
export type SettingsUpdateRequest = z.input<typeof SettingsUpdateRequest>;

export const TradingBadge = z.enum(['not_configured', 'disconnected', 'tradable']);
export type TradingBadge = z.infer<typeof TradingBadge>;
export const TradingMode = z.enum(['paper', 'live']);
export type TradingMode = z.infer<typeof TradingMode>;

export const TradingStatus = z.object({
  badge: TradingBadge,
  mode: TradingMode,
  /** Masked account id, or null when none is configured. */
  account: z.string().nullable(),
  /** True when the server trades against its own in-process paper gateway. */
  builtInGateway: z.boolean(),
});
export type TradingStatus = z.infer<typeof TradingStatus>;

export type JsonObject = { [key: string]: unknown };
const JsonObject = z.record(z.string(), z.unknown());

export const AuditRecord = z.object({
  id: z.number(),
  /** ISO 8601. */
  time: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  before: JsonObject.nullable(),
  after: JsonObject.nullable(),
  prevHash: z.string().nullable(),
  hash: z.string(),
});
export type AuditRecord = z.infer<typeof AuditRecord>;

const isoTime = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time' });

export const AuditQuery = z
  .object({
    actor: z.string().max(200).optional(),
    action: z.string().max(200).optional(),
    target: z.string().max(200).optional(),
    /** ISO 8601, inclusive. */
    from: isoTime.optional(),
    /** ISO 8601, inclusive. */
    to: isoTime.optional(),
    limit: z.coerce.number().int('must be an integer').min(1).max(500).default(50),
    offset: z.coerce.number().int('must be an integer').min(0).default(0),
  })
  .strict();
/** What a client sends (every filter optional). */
export type AuditQuery = Partial<z.infer<typeof AuditQuery>>;

export const AuditListResponse = z.object({ items: z.array(AuditRecord), total: z.number() });
export type AuditListResponse = z.infer<typeof AuditListResponse>;

/** How the audit chain broke; see src/audit/verify.ts. */
export const AuditBreakKind = z.enum(['key', 'edited', 'rewritten', 'missing', 'truncated']);
export type AuditBreakKind = z.infer<typeof AuditBreakKind>;

export const AuditVerifyResponse = z.object({
  ok: z.boolean(),
  checked: z.number(),
  firstBroken: z.object({ id: z.number(), kind: AuditBreakKind, reason: z.string() }).optional(),
  keyedFrom: z.number().optional(),
  anchor: z
    .object({ checkpoints: z.number(), latestId: z.number().nullable(), malformed: z.number() })
    .nullable()
    .optional(),
});
export type AuditVerifyResponse = z.infer<typeof AuditVerifyResponse>;
