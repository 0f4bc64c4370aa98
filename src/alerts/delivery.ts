/**
 * The delivery worker. Every replica runs one; only the holder of the channel's claim sends (an UPDATE
 * that succeeds for one replica only, checked by affected rows, on SQLite and PostgreSQL alike).
 * Order: alerts go out in id order; a failure pauses the whole channel (`blocked_until`) instead of
 * letting later alerts overtake. Critical alerts go one by one at once; the others wait for the digest.
 *
 * Guarantee: at least once. A row is marked delivered after Telegram accepted it, so a crash between
 * Telegram's answer and that update (a few milliseconds), or a time-out after Telegram did accept,
 * sends that message again: the duplicate window.
 */
import { hostname } from 'node:os';
import type { Kysely, Selectable } from 'kysely';
import type { ResolvedSettings } from '../config/index.js';
import type { Clock } from '../core/index.js';
import type { Database } from '../store/index.js';

type AlertOutboxTable = Database['alert_outbox'];

import {
  type AlertLanguage,
  type AlertParamsByKind,
  type AlertSeverity,
  isAlertKind,
  renderAlert,
} from './kinds.js';
import { onAlertEnqueued } from './outbox.js';
import {
  sendMessage,
  splitText,
  TELEGRAM_TEXT_LIMIT,
  type TelegramConfig,
  TelegramError,
} from './telegram.js';

const CHANNEL = 'telegram';

export interface DeliveryLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface DeliveryOptions {
  db: Kysely<Database>;
  clock: Clock;
  settings: { resolve(): Promise<ResolvedSettings> };
  logger: DeliveryLogger;
  /** This replica's name in the claim. */
  holder?: string;
  pollMs?: number;
  claimMs?: number;
  /** Telegram: about one message a second per chat. */
  minIntervalMs?: number;
  /** Telegram: twenty messages a minute to a group. */
  groupPerMinute?: number;
}

export interface ChannelState {
  configured: boolean;
  holder: string | null;
  blockedUntil: string | null;
  failures: number;
}

type Row = Selectable<AlertOutboxTable>;

interface Unit {
  rows: Row[];
  text: string;
  silent: boolean;
}

export class AlertDelivery {
  readonly holder: string;
  private readonly pollMs: number;
  private readonly claimMs: number;
  private readonly minIntervalMs: number;
  private readonly groupPerMinute: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private again = false;
  private lastSendMs = 0;
  private readonly recentSends: number[] = [];
  private offEnqueue: (() => void) | undefined;

  constructor(private readonly options: DeliveryOptions) {
    this.holder = options.holder ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
    this.pollMs = options.pollMs ?? 1_000;
    this.claimMs = options.claimMs ?? 10_000;
    this.minIntervalMs = options.minIntervalMs ?? 1_050;
    this.groupPerMinute = options.groupPerMinute ?? 20;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.offEnqueue = onAlertEnqueued(() => this.wake());
    this.schedule(0);
  }

  /** Stops after the message in flight (if any) and gives up the claim so another replica takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.offEnqueue?.();
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    const epoch = new Date(0).toISOString();
    await this.options.db
      .updateTable('alert_delivery')
      .set({ holder: null, expires_at: epoch })
      .where('channel', '=', CHANNEL)
      .where('holder', '=', this.holder)
      .execute()
      .catch(() => undefined);
  }

  /** A new alert or new settings: look now instead of at the next poll. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  /** Lifts a pause (e.g. after the Telegram settings changed, an old error says nothing). */
  async clearPause(): Promise<void> {
    await this.options.db
      .updateTable('alert_delivery')
      .set({ blocked_until: new Date(0).toISOString(), failures: 0 })
      .where('channel', '=', CHANNEL)
      .execute();
    this.wake();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.tick()
        .catch((error: unknown) => this.options.logger.error({ err: error }, 'alerts: delivery failed'))
        .then((nextMs) => {
          this.running = undefined;
          const again = this.again;
          this.again = false;
          this.schedule(again ? 0 : (nextMs ?? this.pollMs));
        });
    }, ms);
    this.timer.unref();
  }

  /** Sends what is due; returns how long to wait before looking again. */
  private async tick(): Promise<number> {
    const settings = await this.options.settings.resolve();
    const config = telegramConfig(settings);
    if (!config) return this.pollMs;
    const retryMaxMs = Number(settings.ALERT_RETRY_MAX_SECONDS.value ?? 300) * 1000;
    while (!this.stopped) {
      if (!(await this.claim(config.timeoutMs))) return this.pollMs;
      const channel = await this.options.db
        .selectFrom('alert_delivery')
        .selectAll()
        .where('channel', '=', CHANNEL)
        .executeTakeFirstOrThrow();
      const nowMs = this.options.clock.nowMs();
      const blockedMs = Date.parse(channel.blocked_until) - nowMs;
      if (blockedMs > 0) return Math.min(blockedMs, this.pollMs * 5);
      const unit = await this.nextUnit(nowMs, settings.ALERT_LANGUAGE.value === 'en' ? 'en' : 'zh-CN');
      if (!unit) return this.pollMs;
      const waitMs = this.rateWait(config.chatId, nowMs);
      if (waitMs > 0) return waitMs;
      const ok = await this.send(unit, config, Number(channel.failures), retryMaxMs);
      if (!ok) return this.pollMs;
    }
    return this.pollMs;
  }

  /** Takes or renews the claim; long enough to cover one request, so no other replica sends meanwhile. */
  private async claim(timeoutMs: number): Promise<boolean> {
    const nowMs = this.options.clock.nowMs();
    const now = new Date(nowMs).toISOString();
    const expires = new Date(nowMs + Math.max(this.claimMs, timeoutMs * 2 + 5_000)).toISOString();
    const result = await this.options.db
      .updateTable('alert_delivery')
      .set({ holder: this.holder, expires_at: expires })
      .where('channel', '=', CHANNEL)
      .where((eb) =>
        eb.or([eb('holder', '=', this.holder), eb('holder', 'is', null), eb('expires_at', '<', now)]),
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  private async nextUnit(nowMs: number, language: AlertLanguage): Promise<Unit | undefined> {
    const pending = await this.options.db
      .selectFrom('alert_outbox')
      .selectAll()
      .where('status', '=', 'pending')
      .orderBy('id', 'asc')
      .limit(500)
      .execute();
    const now = new Date(nowMs).toISOString();
    const critical = pending.find((row) => row.severity === 'critical');
    const rest = pending.filter((row) => row.severity !== 'critical');
    const digestDue = rest.length > 0 && rest[0]!.next_attempt_at <= now;
    // Whichever came first goes first: a due digest does not jump ahead of an older critical alert.
    if (critical && (!digestDue || critical.id < rest[0]!.id)) {
      return { rows: [critical], text: rowText(critical, language), silent: false };
    }
    if (!digestDue) return undefined;
    if (rest.length === 1 || rowText(rest[0]!, language).length > TELEGRAM_TEXT_LIMIT / 2) {
      return {
        rows: [rest[0]!],
        text: rowText(rest[0]!, language),
        silent: rest[0]!.severity === 'info',
      };
    }
    const rows: Row[] = [];
    let length = 0;
    for (const row of rest) {
      const line = rowText(row, language);
      if (length + line.length + 2 > TELEGRAM_TEXT_LIMIT - 100) break;
      rows.push(row);
      length += line.length + 2;
    }
    const header = digestHeader(rows.length, language);
    return {
      rows,
      text: `${header}\n\n${rows.map((row) => rowText(row, language)).join('\n\n')}`,
      silent: rows.every((row) => row.severity === 'info'),
    };
  }

  private rateWait(chatId: string, nowMs: number): number {
    let wait = this.lastSendMs + this.minIntervalMs - nowMs;
    if (chatId.startsWith('-')) {
      while (this.recentSends.length > 0 && this.recentSends[0]! <= nowMs - 60_000) this.recentSends.shift();
      if (this.recentSends.length >= this.groupPerMinute)
        wait = Math.max(wait, this.recentSends[0]! + 60_000 - nowMs);
    }
    return Math.max(0, wait);
  }

  private noteSend(): void {
    const nowMs = this.options.clock.nowMs();
    this.lastSendMs = nowMs;
    this.recentSends.push(nowMs);
  }

  /** One unit: its parts in order (resuming after parts already accepted), then the rows marked delivered. */
  private async send(
    unit: Unit,
    config: TelegramConfig & { chatId: string },
    failures: number,
    retryMaxMs: number,
  ) {
    const { db, clock, logger } = this.options;
    const ids = unit.rows.map((row) => Number(row.id));
    const parts = splitText(unit.text);
    const single = unit.rows.length === 1 ? unit.rows[0] : undefined;
    let sent = single ? Number(single.parts_sent) : 0;
    try {
      while (sent < parts.length) {
        if (sent > 0) {
          const waitMs = this.rateWait(config.chatId, clock.nowMs());
          if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
        }
        this.noteSend();
        await sendMessage(config, config.chatId, parts[sent]!, { silent: unit.silent });
        sent += 1;
        if (single && sent < parts.length)
          await db
            .updateTable('alert_outbox')
            .set({ parts_sent: sent })
            .where('id', '=', single.id)
            .execute();
      }
    } catch (error) {
      const telegram = error instanceof TelegramError ? error : undefined;
      const message = telegram ? telegram.message : error instanceof Error ? error.message : String(error);
      // Telegram's answer as a code for the Alerts page; any other failure keeps its English text only.
      const text = telegram ? JSON.stringify(telegram.text) : null;
      const nextFailures = failures + 1;
      const pauseMs =
        telegram?.failure === 'rate-limited' && telegram.details.retryAfterSeconds !== undefined
          ? telegram.details.retryAfterSeconds * 1000
          : Math.min(retryMaxMs, 1000 * 2 ** Math.min(20, nextFailures - 1));
      const nowMs = clock.nowMs();
      const blockedUntil = new Date(nowMs + pauseMs).toISOString();
      await db
        .updateTable('alert_outbox')
        .set((eb) => ({
          attempts: eb('attempts', '+', 1),
          last_error: message,
          last_error_text_json: text,
          next_attempt_at: blockedUntil,
        }))
        .where('id', 'in', ids)
        .execute();
      await db
        .updateTable('alert_delivery')
        .set({ blocked_until: blockedUntil, failures: nextFailures })
        .where('channel', '=', CHANNEL)
        .execute();
      logger.warn({ ids, error: message, pauseMs }, 'alerts: Telegram refused or failed; retrying later');
      return false;
    }
    const now = new Date(clock.nowMs()).toISOString();
    await db
      .updateTable('alert_outbox')
      .set((eb) => ({
        status: 'delivered',
        delivered_at: now,
        attempts: eb('attempts', '+', 1),
        parts_sent: parts.length,
        last_error: null,
        last_error_text_json: null,
      }))
      .where('id', 'in', ids)
      .where('status', '=', 'pending')
      .execute();
    if (failures > 0)
      await db.updateTable('alert_delivery').set({ failures: 0 }).where('channel', '=', CHANNEL).execute();
    logger.info({ ids }, 'alerts: delivered');
    return true;
  }
}

/**
 * Rendered at delivery from the kind and its parameters, in the alert language configured now; a row
 * of a kind this version does not know is sent with the text stored when it was queued.
 */
function rowText(row: Row, language: AlertLanguage): string {
  const count = Number(row.occurrences) > 1 ? ` (×${row.occurrences})` : '';
  let text = row.text;
  if (isAlertKind(row.kind)) {
    try {
      const params = JSON.parse(row.params_json) as AlertParamsByKind[typeof row.kind];
      text = renderAlert(row.kind, row.severity as AlertSeverity, params, language);
    } catch {
      // Unreadable parameters: the stored text still says what happened.
    }
  }
  return `${text}${count}\n#${row.id} ${row.created_at.slice(0, 19).replace('T', ' ')} UTC`;
}

function digestHeader(count: number, language: AlertLanguage): string {
  return language === 'zh-CN' ? `ibloop 告警汇总（${count} 条）` : `ibloop alert digest (${count})`;
}

/** The channel's settings, or undefined while Telegram is not configured (alerts wait in the outbox). */
export function telegramConfig(
  settings: ResolvedSettings,
): (TelegramConfig & { chatId: string }) | undefined {
  const token = settings.TELEGRAM_BOT_TOKEN.value;
  const chatId = settings.TELEGRAM_CHAT_ID.value;
  if (token === undefined || chatId === undefined) return undefined;
  return {
    apiBase: String(settings.TELEGRAM_API_BASE.value ?? 'https://api.telegram.org').replace(/\/+$/, ''),
    token: String(token),
    chatId: String(chatId),
    timeoutMs: Number(settings.TELEGRAM_TIMEOUT_SECONDS.value ?? 10) * 1000,
  };
}

export async function channelState(db: Kysely<Database>, settings: ResolvedSettings): Promise<ChannelState> {
  const row = await db
    .selectFrom('alert_delivery')
    .selectAll()
    .where('channel', '=', CHANNEL)
    .executeTakeFirst();
  return {
    configured: telegramConfig(settings) !== undefined,
    holder: row?.holder ?? null,
    blockedUntil: row && Date.parse(row.blocked_until) > 0 ? row.blocked_until : null,
    failures: Number(row?.failures ?? 0),
  };
}
