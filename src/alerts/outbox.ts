/**
 * The outbox: enqueue (any replica), resolve, read the history, mute and snooze kinds. Every alert is
 * a row before anything is sent. Each write is one statement, so concurrent replicas need no lock:
 * the unique `open_key` makes "one open alert per kind and dedupe key" hold on both engines.
 */
import { type Kysely, type Selectable, sql } from 'kysely';
import type { AuditLog } from '../audit/index.js';
import type { ResolvedSettings } from '../config/index.js';
import { type Message, msg, parseMessage } from '../contract/messages.js';
import { type Clock, InputError, isoNow } from '../core/index.js';
import type { Database } from '../store/index.js';

import {
  ALERT_KIND_NAMES,
  type AlertKind,
  type AlertLanguage,
  type AlertParamsByKind,
  type AlertSeverity,
  isAlertKind,
  kindDefaults,
  renderAlert,
} from './kinds.js';

type AlertOutboxTable = Database['alert_outbox'];

/** What enqueueing needs: the AppContext fits, and so does anything with a store, a clock and settings. */
export interface AlertTarget {
  store: { db: Kysely<Database> };
  clock: Clock;
  settings: { resolve(): Promise<ResolvedSettings> };
}

export interface EnqueueInput<K extends AlertKind = AlertKind> {
  kind: K;
  /** Defaults to the kind's severity. */
  severity?: AlertSeverity;
  /** Repeats with the same kind and key are counted on the open alert instead of paging again; default: the kind. */
  dedupeKey?: string;
  params: AlertParamsByKind[K];
}

export interface EnqueueResult {
  id: number;
  /** True when an open alert absorbed this occurrence: nothing new will be sent. */
  deduplicated: boolean;
  occurrences: number;
  status: AlertStatus;
}

export type AlertStatus = 'pending' | 'delivered' | 'suppressed';

export interface AlertView {
  id: number;
  kind: AlertKind | string;
  severity: AlertSeverity;
  dedupeKey: string;
  params: Record<string, unknown>;
  language: AlertLanguage;
  text: string;
  status: AlertStatus;
  suppressedReason: string | null;
  occurrences: number;
  open: boolean;
  createdAt: string;
  lastSeenAt: string;
  attempts: number;
  nextAttemptAt: string;
  deliveredAt: string | null;
  /** The last failed delivery in English (logs, API users). */
  lastError: string | null;
  /** The same as a catalogued message, when it was Telegram's answer; null on rows from before 0022. */
  lastErrorText: Message | null;
  resolvedAt: string | null;
}

export interface AlertRule {
  kind: AlertKind;
  severity: AlertSeverity;
  suppressSeconds: number | null;
  muted: boolean;
  snoozedUntil: string | null;
}

type Wake = () => void;
const wakers = new Set<Wake>();

/** In-process hint to the delivery worker that a row is waiting (other replicas rely on its polling). */
export function onAlertEnqueued(wake: Wake): () => void {
  wakers.add(wake);
  return () => wakers.delete(wake);
}

function isLanguage(value: unknown): value is AlertLanguage {
  return value === 'zh-CN' || value === 'en';
}

/** The one enqueue call for every module and replica. */
export async function enqueueAlert<K extends AlertKind>(
  target: AlertTarget,
  input: EnqueueInput<K>,
): Promise<EnqueueResult> {
  const db = target.store.db;
  const settings = await target.settings.resolve();
  const language = isLanguage(settings.ALERT_LANGUAGE.value) ? settings.ALERT_LANGUAGE.value : 'zh-CN';
  const digestSeconds = Number(settings.ALERT_DIGEST_SECONDS.value ?? 300);
  const defaults = kindDefaults(input.kind);
  const severity = input.severity ?? defaults.severity;
  const dedupeKey = input.dedupeKey ?? input.kind;
  const nowMs = target.clock.nowMs();
  const now = new Date(nowMs).toISOString();
  const openKey = `${input.kind}|${dedupeKey}`;

  if (defaults.resolves.length > 0) await resolveKinds(db, defaults.resolves, now);
  // An open alert whose suppression window has passed stops absorbing repeats.
  await db
    .updateTable('alert_outbox')
    .set({ open_key: null, resolved_at: sql<string>`open_until` })
    .where('open_key', '=', openKey)
    .where('open_until', 'is not', null)
    .where('open_until', '<=', now)
    .execute();

  const rule = await db
    .selectFrom('alert_rules')
    .selectAll()
    .where('kind', '=', input.kind)
    .executeTakeFirst();
  const suppressedReason =
    rule && rule.muted === 1 ? 'muted' : rule?.snoozed_until && rule.snoozed_until > now ? 'snoozed' : null;
  const stays = defaults.suppressSeconds === null || defaults.suppressSeconds > 0;
  const openUntil =
    defaults.suppressSeconds === null || defaults.suppressSeconds === 0
      ? null
      : new Date(nowMs + defaults.suppressSeconds * 1000).toISOString();
  const nextAttempt =
    severity === 'critical' ? now : new Date(nowMs + Math.max(0, digestSeconds) * 1000).toISOString();
  const status: AlertStatus = suppressedReason ? 'suppressed' : 'pending';
  const row = await db
    .insertInto('alert_outbox')
    .values({
      kind: input.kind,
      severity,
      dedupe_key: dedupeKey,
      open_key: stays ? openKey : null,
      open_until: openUntil,
      params_json: JSON.stringify(input.params),
      language,
      text: renderAlert(input.kind, severity, input.params, language),
      status,
      suppressed_reason: suppressedReason,
      occurrences: 1,
      created_at: now,
      last_seen_at: now,
      attempts: 0,
      next_attempt_at: nextAttempt,
      parts_sent: 0,
      delivered_at: null,
      last_error: null,
      last_error_text_json: null,
      resolved_at: null,
    })
    .onConflict((oc) =>
      oc.column('open_key').doUpdateSet({
        occurrences: sql<number>`alert_outbox.occurrences + 1`,
        last_seen_at: now,
      }),
    )
    .returning(['id', 'occurrences', 'status'])
    .executeTakeFirstOrThrow();
  const occurrences = Number(row.occurrences);
  if (row.status === 'pending') for (const wake of [...wakers]) wake();
  return {
    id: Number(row.id),
    deduplicated: occurrences > 1,
    occurrences,
    status: row.status as AlertStatus,
  };
}

async function resolveKinds(db: Kysely<Database>, kinds: readonly AlertKind[], now: string): Promise<void> {
  await db
    .updateTable('alert_outbox')
    .set({ open_key: null, resolved_at: now })
    .where('open_key', 'is not', null)
    .where('kind', 'in', [...kinds])
    .execute();
}

/** Closes open alerts of a kind (all keys, or one) without sending a recovery. */
export async function resolveAlert(
  target: Pick<AlertTarget, 'store' | 'clock'>,
  kind: AlertKind,
  dedupeKey?: string,
): Promise<number> {
  let query = target.store.db
    .updateTable('alert_outbox')
    .set({ open_key: null, resolved_at: isoNow(target.clock) })
    .where('kind', '=', kind)
    .where('open_key', 'is not', null);
  if (dedupeKey !== undefined) query = query.where('dedupe_key', '=', dedupeKey);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The open alert of a kind and key, if any (e.g. a disconnect raised before a restart). */
export async function openAlert(
  target: Pick<AlertTarget, 'store'>,
  kind: AlertKind,
  dedupeKey: string = kind,
): Promise<AlertView | undefined> {
  const row = await target.store.db
    .selectFrom('alert_outbox')
    .selectAll()
    .where('open_key', '=', `${kind}|${dedupeKey}`)
    .executeTakeFirst();
  return row ? toView(row) : undefined;
}

export function toView(row: Selectable<AlertOutboxTable>): AlertView {
  return {
    id: Number(row.id),
    kind: row.kind,
    severity: row.severity as AlertSeverity,
    dedupeKey: row.dedupe_key,
    params: JSON.parse(row.params_json) as Record<string, unknown>,
    language: isLanguage(row.language) ? row.language : 'zh-CN',
    text: row.text,
    status: row.status as AlertStatus,
    suppressedReason: row.suppressed_reason,
    occurrences: Number(row.occurrences),
    open: row.open_key !== null,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    deliveredAt: row.delivered_at,
    lastError: row.last_error,
    lastErrorText: storedMessage(row.last_error_text_json),
    resolvedAt: row.resolved_at,
  };
}

/** A stored message; null when absent or unreadable (a newer version's code): the English text then stands. */
function storedMessage(json: string | null): Message | null {
  if (json === null) return null;
  try {
    return parseMessage(JSON.parse(json));
  } catch {
    return null;
  }
}

export interface AlertQuery {
  kind?: string | undefined;
  status?: AlertStatus | undefined;
  limit: number;
  offset: number;
}

export async function listAlerts(
  db: Kysely<Database>,
  query: AlertQuery,
): Promise<{ items: AlertView[]; total: number }> {
  let base = db.selectFrom('alert_outbox');
  if (query.kind) base = base.where('kind', '=', query.kind);
  if (query.status) base = base.where('status', '=', query.status);
  const [rows, count] = await Promise.all([
    base.selectAll().orderBy('id', 'desc').limit(query.limit).offset(query.offset).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toView), total: Number(count.n) };
}

export async function listRules(db: Kysely<Database>): Promise<AlertRule[]> {
  const rows = await db.selectFrom('alert_rules').selectAll().execute();
  const byKind = new Map(rows.map((r) => [r.kind, r]));
  return ALERT_KIND_NAMES.filter((kind) => kind !== 'test.message').map((kind) => {
    const defaults = kindDefaults(kind);
    const row = byKind.get(kind);
    return {
      kind,
      severity: defaults.severity,
      suppressSeconds: defaults.suppressSeconds,
      muted: row?.muted === 1,
      snoozedUntil: row?.snoozed_until ?? null,
    };
  });
}

export interface RuleChange {
  muted?: boolean | undefined;
  /** Minutes from now; 0 or null lifts the snooze. */
  snoozeMinutes?: number | null | undefined;
}

/** Mutes or snoozes a kind; the change and its audit record commit together. */
export async function updateRule(
  deps: { store: { db: Kysely<Database> }; audit: AuditLog; clock: Clock },
  kind: string,
  change: RuleChange,
  actor: string,
): Promise<AlertRule> {
  if (!isAlertKind(kind) || kind === 'test.message')
    throw new InputError('kind', `unknown alert kind "${kind}"`, msg('ALERT_KIND_UNKNOWN', { kind }));
  const nowMs = deps.clock.nowMs();
  const now = new Date(nowMs).toISOString();
  const before = (await listRules(deps.store.db)).find((r) => r.kind === kind);
  const muted = change.muted ?? before?.muted ?? false;
  const snoozedUntil =
    change.snoozeMinutes === undefined
      ? (before?.snoozedUntil ?? null)
      : change.snoozeMinutes === null || change.snoozeMinutes === 0
        ? null
        : new Date(nowMs + change.snoozeMinutes * 60_000).toISOString();
  const record = await deps.store.db.transaction().execute(async (trx) => {
    const values = { muted: muted ? 1 : 0, snoozed_until: snoozedUntil, updated_at: now, updated_by: actor };
    await trx
      .insertInto('alert_rules')
      .values({ kind, ...values })
      .onConflict((oc) => oc.column('kind').doUpdateSet(values))
      .execute();
    return deps.audit.append(
      {
        actor,
        action: 'alerts.rule.update',
        target: `alert-kind:${kind}`,
        before: { muted: before?.muted ?? false, snoozedUntil: before?.snoozedUntil ?? null },
        after: { muted, snoozedUntil },
      },
      trx,
    );
  });
  deps.audit.notify(record);
  const after = (await listRules(deps.store.db)).find((r) => r.kind === kind);
  if (!after) throw new Error(`rule ${kind} vanished`);
  return after;
}
