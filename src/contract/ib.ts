/**
 * The IB runtime (`/api/ib/*`): connection status, level-1 quotes, the contract cache, bar backfills
 * and their completeness audit. Pure zod, shared with the web app (types only). Every answer is tagged
 * `source: 'ib'` (trading data never mixes with research data); account ids are masked.
 */
import { z } from 'zod';
import { isCalendarDay } from './days.js';

const source = z.literal('ib');
const TradingMode = z.enum(['paper', 'live']);

export const IbConnectionStatus = z.enum(['DISCONNECTED', 'CONNECTING', 'CONNECTED', 'DEGRADED']);
export type IbConnectionStatus = z.infer<typeof IbConnectionStatus>;

/**
 * Why the IB connection is in its state, or why orders are refused, as a code with its figures: the
 * web app and the alert texts render it in the reader's language (src/contract/ib-reason-texts.ts).
 * `ibMessage` is IB's own text, shown as IB wrote it. `retryMs`: the next connection attempt's delay.
 */
const retry = { retryMs: z.number().optional() };
const accounts = z.array(z.string());
export const IbReason = z.discriminatedUnion('code', [
  z.object({ code: z.literal('not-started'), ...retry }),
  z.object({ code: z.literal('stopped'), ...retry }),
  z.object({ code: z.literal('connecting'), ...retry }),
  z.object({ code: z.literal('reconnecting'), attempt: z.number(), ...retry }),
  z.object({ code: z.literal('not-connected-yet'), ...retry }),
  z.object({ code: z.literal('socket-closed'), ...retry }),
  z.object({ code: z.literal('heartbeat-timeout'), ...retry }),
  z.object({ code: z.literal('connect-timeout'), ms: z.number(), ...retry }),
  z.object({ code: z.literal('client-id-in-use'), clientId: z.number(), ...retry }),
  /** IB's own connection message: 1100 (connectivity lost), 502/504 (cannot connect), ... */
  z.object({ code: z.literal('ib-message'), ibCode: z.number(), ibMessage: z.string(), ...retry }),
  z.object({
    code: z.literal('data-farm-broken'),
    farms: z.array(z.object({ ibCode: z.number(), farm: z.string() })),
    ...retry,
  }),
  // Why orders are refused: the account IB reports does not fit the mode (masked account ids).
  z.object({ code: z.literal('no-managed-accounts'), ...retry }),
  z.object({ code: z.literal('accounts-pending'), ...retry }),
  z.object({ code: z.literal('account-not-reported'), account: z.string(), reported: accounts, ...retry }),
  z.object({ code: z.literal('account-wrong-mode'), mode: TradingMode, account: z.string(), ...retry }),
  z.object({ code: z.literal('no-account-for-mode'), mode: TradingMode, accounts, ...retry }),
  z.object({ code: z.literal('several-accounts'), mode: TradingMode, accounts, ...retry }),
  // Why a request or a connection test got nowhere.
  z.object({ code: z.literal('no-order-id'), ...retry }),
  z.object({ code: z.literal('no-answer'), ms: z.number(), ...retry }),
  /**
   * A connection test could not connect. `withinMs`: it gave up after that long; `ibCode` and
   * `ibMessage`: IB's last connection message (its own words), when it sent one.
   */
  z.object({
    code: z.literal('cannot-connect'),
    host: z.string(),
    port: z.number(),
    withinMs: z.number().optional(),
    ibCode: z.number().optional(),
    ibMessage: z.string().optional(),
    ...retry,
  }),
  /** A reason recorded without a code (by a version before codes): its English text as recorded. */
  z.object({ code: z.literal('recorded'), text: z.string(), ...retry }),
]);
export type IbReason = z.infer<typeof IbReason>;
export type IbReasonCode = IbReason['code'];

export const IbStatus = z.object({
  source,
  /** One of IbConnectionStatus; a string so that a newer server's state still renders. */
  status: z.string(),
  /** In English (logs, API users); `reasonCode` is what the UI renders (null: show `reason` as is). */
  reason: z.string().nullable(),
  reasonCode: IbReason.nullable(),
  sinceMs: z.number(),
  mode: TradingMode,
  /** Masked account id. */
  account: z.string().nullable(),
  /** Masked. */
  accounts: z.array(z.string()),
  modeCheck: z.object({ ok: z.boolean(), reason: z.string().nullable(), reasonCode: IbReason.nullable() }),
  serverVersion: z.number().nullable(),
  lastHeartbeatMs: z.number().nullable(),
  reconnectCount: z.number(),
  /** `reasonCode`: our own errors (code 0) as a code the UI renders; IB's errors are IB's text. */
  lastError: z
    .object({
      code: z.number(),
      message: z.string(),
      atMs: z.number(),
      reasonCode: IbReason.nullable().optional(),
    })
    .nullable(),
  host: z.string(),
  port: z.number(),
  clientId: z.number(),
  /** True when the server started the built-in (simulated) paper gateway and talks to it. */
  builtInGateway: z.boolean(),
  /** The menu badge: tradable only when CONNECTED and the account matches the mode. */
  tradable: z.boolean(),
});
export type IbStatus = z.infer<typeof IbStatus>;

export const IbQuote = z.object({
  source,
  symbol: z.string(),
  conId: z.number(),
  timeMs: z.number(),
  bid: z.number().nullable(),
  ask: z.number().nullable(),
  last: z.number().nullable(),
  bidSize: z.number().nullable(),
  askSize: z.number().nullable(),
  lastSize: z.number().nullable(),
  volume: z.number().nullable(),
});
export type IbQuote = z.infer<typeof IbQuote>;

export const QuoteStatus = z.enum(['pending', 'subscribed', 'refused', 'error']);
export type QuoteStatus = z.infer<typeof QuoteStatus>;

export const QuoteSnapshotEntry = IbQuote.extend({
  status: QuoteStatus,
  lastUpdateMs: z.number().nullable(),
  stalenessMs: z.number().nullable(),
  stale: z.boolean(),
  ticksPerMinute: z.number(),
  error: z.string().nullable(),
});
export type QuoteSnapshotEntry = z.infer<typeof QuoteSnapshotEntry>;

export const QuotesResponse = z.object({ source, quotes: z.array(QuoteSnapshotEntry) });
export type QuotesResponse = z.infer<typeof QuotesResponse>;

export const QuoteUniverseResponse = z.object({
  source,
  subscribed: z.array(z.string()),
  /** Symbols beyond the market-data line budget. */
  refused: z.array(z.string()),
});
export type QuoteUniverseResponse = z.infer<typeof QuoteUniverseResponse>;

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine(isCalendarDay, 'is not a calendar date');
const symbolList = z
  .string()
  .max(20_000)
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x.length > 0),
  );

/** A universe by project (name or id), theme or a comma-separated symbol list. */
export const UniverseQuery = z
  .object({
    theme: z.coerce.number().int().positive('must be a theme id').optional(),
    project: z.string().min(1).max(200).optional(),
    symbols: symbolList.optional(),
  })
  .strict();
/** What a client sends to pick the universe of a report or an audit (a theme id as a number). */
export type UniverseSelector = Omit<z.input<typeof UniverseQuery>, 'theme'> & { theme?: number };

export const TestConnectionRequest = z
  .object({
    host: z.string().trim().min(1).max(253).optional(),
    port: z.number().int().min(1).max(65_535).optional(),
    clientId: z.number().int().min(0).max(2_147_483_647).optional(),
    mode: TradingMode.optional(),
    account: z.string().trim().min(1).max(20).optional(),
  })
  .strict();
export type TestConnectionRequest = z.input<typeof TestConnectionRequest>;

export const TestConnectionResult = z.object({
  ok: z.boolean(),
  serverVersion: z.number().nullable(),
  /** Masked. */
  accounts: z.array(z.string()),
  /** `account`: the (masked) account orders would go to. */
  modeCheck: z.object({
    ok: z.boolean(),
    account: z.string().nullable(),
    reason: z.string().nullable(),
    reasonCode: IbReason.nullable(),
  }),
  /** In English (logs, API users); `errorCode` is what the UI renders. */
  error: z.string().nullable(),
  errorCode: IbReason.nullable(),
  source,
});
export type TestConnectionResult = z.infer<typeof TestConnectionResult>;

export const ResolutionEntry = z.object({
  symbol: z.string(),
  status: z.enum(['resolved', 'unresolved', 'missing']),
  conId: z.number().nullable(),
  primaryExchange: z.string().nullable(),
  reason: z.string().nullable(),
  fetchedAt: z.string().nullable(),
  stale: z.boolean(),
});
export type ResolutionEntry = z.infer<typeof ResolutionEntry>;

export const ResolutionReport = z.object({
  source,
  total: z.number(),
  resolved: z.number(),
  unresolved: z.number(),
  missing: z.number(),
  stale: z.number(),
  entries: z.array(ResolutionEntry),
});
export type ResolutionReport = z.infer<typeof ResolutionReport>;

export const RefreshQuery = z
  .object({
    wait: z
      .enum(['true', 'false'], { error: 'must be true or false' })
      .optional()
      .transform((v) => v === 'true'),
  })
  .strict();

export const AuditBarSize = z.enum(['1d', '1m'], { error: 'must be 1d (daily) or 1m (minute)' });
export type AuditBarSize = z.infer<typeof AuditBarSize>;

export const BarAuditQuery = UniverseQuery.extend({
  barSize: AuditBarSize.default('1d'),
  from: day,
  to: day,
}).strict();

export const BarAudit = z.object({
  source,
  symbol: z.string(),
  barSize: z.enum(['1 day', '1 min']),
  from: z.string(),
  to: z.string(),
  expectedSessions: z.number(),
  presentSessions: z.number(),
  completeness: z.number(),
  missingDays: z.array(z.string()),
  /** Consecutive missing sessions. */
  gaps: z.array(z.object({ from: z.string(), to: z.string(), sessions: z.number() })),
  partialDays: z.array(z.object({ day: z.string(), present: z.number(), expected: z.number() })),
  bars: z.number(),
});
export type BarAudit = z.infer<typeof BarAudit>;

export const BarAuditResponse = z.object({ source, audits: z.array(BarAudit) });
export type BarAuditResponse = z.infer<typeof BarAuditResponse>;

const DAY_MS = 86_400_000;
/**
 * Largest backfill windows. A daily chunk is one request per symbol-year, a minute chunk one per
 * symbol-week, and IB allows 60 requests per 10 minutes: a quarter of minute bars for 100 symbols
 * is already ~1,400 requests (about 4 hours), so minute backfills go a quarter at a time.
 */
export const MAX_BACKFILL_DAYS = { '1d': 366 * 30, '1m': 93 } as const;

export const BackfillRequest = z
  .object({
    project: z.union([z.string().trim().min(1).max(200), z.number().int().positive()]).optional(),
    theme: z.number().int().positive('must be a theme id').optional(),
    symbols: z.union([symbolList, z.array(z.string().trim().min(1).max(12)).max(5_000)]).optional(),
    barSize: AuditBarSize,
    from: day,
    to: day,
  })
  .strict()
  .superRefine((body, issue) => {
    const given = [body.project, body.theme, body.symbols].filter((v) => v !== undefined).length;
    if (given !== 1) {
      issue.addIssue({
        code: 'custom',
        path: ['universe'],
        message: 'give exactly one of project, theme or symbols',
      });
    }
    if (body.from > body.to) {
      issue.addIssue({ code: 'custom', path: ['from'], message: 'must not be after to' });
      return;
    }
    const days = (Date.parse(body.to) - Date.parse(body.from)) / DAY_MS + 1;
    const max = MAX_BACKFILL_DAYS[body.barSize];
    if (days > max) {
      issue.addIssue({
        code: 'custom',
        path: ['to'],
        message: `the window is ${days} days; at most ${max} days of ${body.barSize} bars per backfill`,
      });
    }
  });
export type BackfillRequest = z.input<typeof BackfillRequest>;

/** The result of an `ib.backfill` job (its `job.result`). */
export const BackfillReport = z.object({
  source,
  barSize: AuditBarSize,
  from: z.string(),
  to: z.string(),
  chunks: z.number(),
  skipped: z.number(),
  requested: z.number(),
  stored: z.number(),
  empty: z.number(),
  pacingRetries: z.number(),
  /** `error` in English (logs); `reasonCode` the same as a code the UI renders (absent on old reports). */
  failures: z.array(
    z.object({ symbol: z.string(), key: z.string(), error: z.string(), reasonCode: IbReason.optional() }),
  ),
  /** Bars now stored per symbol inside the window. */
  bars: z.array(z.object({ symbol: z.string(), bars: z.number() })),
});
export type BackfillReport = z.infer<typeof BackfillReport>;
