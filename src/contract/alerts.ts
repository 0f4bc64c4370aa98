/** Alerts (`/api/alerts*`): the outbox, the rules and the Telegram channel. Pure zod, shared with the web. */
import { z } from 'zod';
import { type Message, messageSchema } from './messages.js';

export const AlertSeverity = z.enum(['critical', 'warning', 'info']);
export type AlertSeverity = z.infer<typeof AlertSeverity>;
export const AlertStatus = z.enum(['pending', 'delivered', 'suppressed']);
export type AlertStatus = z.infer<typeof AlertStatus>;

/** One outbox row as GET /api/alerts shows it. */
export const AlertItem = z.object({
  id: z.number(),
  kind: z.string(),
  severity: AlertSeverity,
  dedupeKey: z.string(),
  /** The kind's parameters: the web app renders the alert from kind + params in the UI language. */
  params: z.record(z.string(), z.unknown()),
  /** The alert language when it was queued. */
  language: z.enum(['zh-CN', 'en']),
  /** The text as rendered when it was queued (in `language`), for API users and kinds the reader does not know. */
  text: z.string(),
  status: AlertStatus,
  suppressedReason: z.enum(['muted', 'snoozed']).nullable(),
  occurrences: z.number(),
  open: z.boolean(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  attempts: z.number(),
  nextAttemptAt: z.string(),
  deliveredAt: z.string().nullable(),
  /** The last failed delivery in English, for API users. */
  lastError: z.string().nullable(),
  /**
   * The same as a catalogued message (Telegram's answer), rendered in the UI language; null: show
   * `lastError`. The schema checks the parameters; the cast types it as the precise union of messages.
   */
  lastErrorText: (messageSchema as unknown as z.ZodType<Message>).nullable(),
  resolvedAt: z.string().nullable(),
});
export type AlertItem = z.infer<typeof AlertItem>;

export const AlertRule = z.object({
  kind: z.string(),
  severity: AlertSeverity,
  suppressSeconds: z.number().nullable(),
  muted: z.boolean(),
  snoozedUntil: z.string().nullable(),
});
export type AlertRule = z.infer<typeof AlertRule>;

export const AlertChannel = z.object({
  configured: z.boolean(),
  holder: z.string().nullable(),
  blockedUntil: z.string().nullable(),
  failures: z.number(),
});
export type AlertChannel = z.infer<typeof AlertChannel>;

export const AlertListResponse = z.object({
  items: z.array(AlertItem),
  total: z.number(),
  rules: z.array(AlertRule),
  channel: AlertChannel,
});
export type AlertListResponse = z.infer<typeof AlertListResponse>;

export interface AlertQuery {
  kind?: string | undefined;
  status?: AlertStatus | undefined;
  limit: number;
  offset: number;
}

export const AlertRuleResponse = z.object({ rule: AlertRule });
export type AlertRuleResponse = z.infer<typeof AlertRuleResponse>;

export const TestMessageResponse = z.object({ botUsername: z.string(), messageId: z.number() });
export type TestMessageResponse = z.infer<typeof TestMessageResponse>;

/** Telegram's own trouble (5xx, rate limit), not the settings': its text, on 502. */
export const TelegramUnavailableBody = z.object({
  // `text`: why, as a catalogued message quoting Telegram's own words (the UI renders it in its language).
  error: z.object({ code: z.literal('TELEGRAM_UNAVAILABLE'), message: z.string(), text: messageSchema }),
});
