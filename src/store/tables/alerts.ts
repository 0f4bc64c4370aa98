import type { Generated } from 'kysely';

/**
 * The alert outbox: every alert is a row before anything is sent, so a crash or a Telegram outage
 * loses nothing. Times are ISO-8601 UTC strings; JSON is text (see schema.ts).
 */
export interface AlertOutboxTable {
  id: Generated<number>;
  kind: string;
  /** critical | warning | info. */
  severity: string;
  dedupe_key: string;
  /** `kind|dedupe_key` while open (unique), NULL once resolved or expired. */
  open_key: string | null;
  /** End of the suppression window of an open alert that has no recovery kind; NULL: until resolved. */
  open_until: string | null;
  params_json: string;
  language: string;
  /** Rendered once at enqueue time in the configured language. */
  text: string;
  /** pending | delivered | suppressed. */
  status: string;
  /** muted | snoozed, when status is suppressed. */
  suppressed_reason: string | null;
  occurrences: number;
  created_at: string;
  last_seen_at: string;
  attempts: number;
  next_attempt_at: string;
  /** Parts of a split text already accepted by Telegram; a retry resumes after them. */
  parts_sent: number;
  delivered_at: string | null;
  last_error: string | null;
  /** Migration 0022: the failed delivery's reason as a catalogued message (JSON), beside the English `last_error`. */
  last_error_text_json: string | null;
  resolved_at: string | null;
}

export interface AlertDeliveryTable {
  channel: string;
  holder: string | null;
  expires_at: string;
  blocked_until: string;
  /** Consecutive failed attempts, for the back-off. */
  failures: number;
}

export interface AlertRulesTable {
  kind: string;
  muted: number;
  snoozed_until: string | null;
  updated_at: string;
  updated_by: string;
}

export interface AlertTables {
  alert_outbox: AlertOutboxTable;
  alert_delivery: AlertDeliveryTable;
  alert_rules: AlertRulesTable;
}
