/**
 * Risk: trading states, the intraday monitor's status (today's loss and the drawdown against their
 * limits) and risk events. Pure zod, shared with the web app.
 */
import { z } from 'zod';
import { type Message, messageSchema } from './messages.js';

/** The catalogue's schema checks the parameters; its type is the precise union of messages. */
const message = messageSchema as unknown as z.ZodType<Message>;

export const TradingStateName = z.enum(['ACTIVE', 'REDUCING', 'HALTED']);
export type TradingStateName = z.infer<typeof TradingStateName>;

export const RiskLevelName = z.enum(['ok', 'warning', 'trigger']);
export type RiskLevelName = z.infer<typeof RiskLevelName>;

export const IntradayMetricName = z.enum(['dailyLoss', 'drawdown']);
export type IntradayMetricName = z.infer<typeof IntradayMetricName>;

/**
 * What an automatic state change was based on, as a code and its figures: each language renders its
 * own sentence. The intraday monitor's trigger: the metric against its limit and the state it set.
 */
export const StateCause = z.object({
  code: z.literal('intraday.trigger'),
  metric: IntradayMetricName,
  /** Shares of net liquidation (0.0761 = 7.61%). */
  value: z.number(),
  limit: z.number(),
  action: z.enum(['REDUCING', 'HALTED']),
  netLiquidation: z.number(),
  /** What the metric is measured from: the day's starting net liquidation or the high-water mark. */
  base: z.number().nullable(),
});
export type StateCause = z.infer<typeof StateCause>;

export const TradingStateView = z.object({
  scope: z.string(),
  state: TradingStateName,
  /**
   * Why the state was set, as text: a person's typed words (shown as written), or the automatic
   * change's English line (logs; rows from before `cause` show it as they always did).
   */
  reason: z.string(),
  /** The automatic change's code and figures; null when a person set the state. */
  cause: StateCause.nullable(),
  changedAt: z.string().nullable(),
  changedBy: z.string().nullable(),
});
export type TradingStateView = z.infer<typeof TradingStateView>;

/** The `risk.state` event: the effective state of a project (or of the account when projectId is null). */
export const RiskStateEvent = TradingStateView.extend({ projectId: z.number().int().nullable() });
export type RiskStateEvent = z.infer<typeof RiskStateEvent>;

/** The monitor's latest reading of the account, with its persisted marks. */
export const RiskReading = z.object({
  /** Masked account id. */
  account: z.string(),
  tradingDay: z.string(),
  readAt: z.string(),
  netLiquidation: z.number(),
  /** IB's daily PnL (reqPnL); null when the broker did not say. */
  dailyPnl: z.number().nullable(),
  startOfDayNetLiquidation: z.number().nullable(),
  highWaterMark: z.number(),
  highWaterAt: z.string(),
});
export type RiskReading = z.infer<typeof RiskReading>;

export const IntradayLimitsView = z.object({
  maxDailyLoss: z.number(),
  maxDrawdown: z.number(),
  warningAt: z.number(),
  drawdownAction: z.enum(['REDUCING', 'HALTED']),
});

/** One monitored scope: the account, or one project, with its limits and where the readings stand. */
export const RiskScopeStatus = z.object({
  scope: z.string(),
  projectId: z.number().int().nullable(),
  name: z.string(),
  state: TradingStateView,
  limits: IntradayLimitsView,
  /** Today's loss as a share of the day's starting net liquidation (0 when flat or up). */
  dailyLoss: z.number(),
  /** Share below the high-water mark of net liquidation. */
  drawdown: z.number(),
  dailyLossLevel: RiskLevelName,
  drawdownLevel: RiskLevelName,
});
export type RiskScopeStatus = z.infer<typeof RiskScopeStatus>;

/** GET /api/risk/status and the `risk.status` event. */
export const RiskStatusResponse = z.object({
  reading: RiskReading.nullable(),
  scopes: z.array(RiskScopeStatus),
});
export type RiskStatusResponse = z.infer<typeof RiskStatusResponse>;

export const RiskEventView = z.object({
  id: z.number().int(),
  time: z.string(),
  scope: z.string(),
  kind: z.string(),
  rule: z.string(),
  runId: z.number().int().nullable(),
  /** Evidence: the figures, limits and reasons behind the event. */
  detail: z.record(z.string(), z.unknown()),
});
export type RiskEventView = z.infer<typeof RiskEventView>;

export const RiskEventsResponse = z.object({ events: z.array(RiskEventView) });
export type RiskEventsResponse = z.infer<typeof RiskEventsResponse>;

export const RiskStateResponse = z.object({
  account: TradingStateView,
  project: TradingStateView.nullable(),
  effective: TradingStateView,
});
export type RiskStateResponse = z.infer<typeof RiskStateResponse>;

const scopeProjectId = z.coerce
  .number({ error: 'must be a number' })
  .int('must be an integer')
  .positive('must be a positive integer');
const changeReason = z
  .string({ error: 'must be text' })
  .trim()
  .min(3, 'say why (at least 3 characters)')
  .max(500);

/** Halting is one click: the state to tighten to and why. Without a project: the whole account. */
export const HaltBody = z
  .object({
    projectId: scopeProjectId.optional(),
    to: z.enum(['REDUCING', 'HALTED'], { error: 'must be REDUCING or HALTED' }).default('HALTED'),
    reason: changeReason,
  })
  .strict();
export type HaltInput = z.infer<typeof HaltBody>;

/** Resuming needs a person: the typed confirmation and a reason. */
export const ResumeBody = z
  .object({
    projectId: scopeProjectId.optional(),
    to: z.enum(['ACTIVE', 'REDUCING'], { error: 'must be ACTIVE or REDUCING' }).default('ACTIVE'),
    reason: changeReason,
    confirm: z.string({ error: 'must be text' }).max(50),
  })
  .strict();
export type ResumeInput = z.infer<typeof ResumeBody>;

export const RiskStateChangeResponse = z.object({ state: TradingStateView });
export type RiskStateChangeResponse = z.infer<typeof RiskStateChangeResponse>;

export const FallbackPolicyName = z.enum(['last-good', 'stand-still']);

/** The newest weekly run of a project where the decision failed and the fallback policy applied. */
export const FallbackUseView = z.object({
  pipelineRunId: z.number().int(),
  tradingDate: z.string(),
  /** What was done: the last good snapshot traded, or nothing sent. */
  used: FallbackPolicyName,
  /** Why the decision failed (the decide step's error, or the checklist's when its market data was bad). */
  reason: z.string(),
  /** The same reason as a catalogued message, for the page's language; null on older runs. */
  reasonText: message.nullable(),
  /** When the fallback was applied. */
  at: z.string(),
  /** The `fallback` snapshot made for the date (last-good only). */
  snapshotId: z.number().int().nullable(),
  /** The snapshot whose weights were traded again, and its content hash (last-good only). */
  sourceSnapshotId: z.number().int().nullable(),
  sourceHash: z.string().nullable(),
  tradeRunId: z.number().int().nullable(),
});
export type FallbackUseView = z.infer<typeof FallbackUseView>;

export const FallbackQuery = z
  .object({
    project: z.coerce
      .number({ error: 'must be a number' })
      .int('must be an integer')
      .positive('must be a positive integer'),
  })
  .strict();

/** GET /api/risk/fallback?project=: the project's policy and the last time it was used. */
export const FallbackResponse = z.object({
  projectId: z.number().int(),
  policy: FallbackPolicyName,
  latest: FallbackUseView.nullable(),
});
export type FallbackResponse = z.infer<typeof FallbackResponse>;
