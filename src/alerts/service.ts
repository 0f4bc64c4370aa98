/**
 * What a server process runs: the delivery worker, order alerts from the execution audit trail, and
 * the settings test. Wired once by the server; other modules only call `enqueueAlert`.
 */
import type { Kysely } from 'kysely';
import type { AuditLog, AuditRecord } from '../audit/index.js';
import type { ConnectionPort } from '../brokerage/index.js';
import { definitionOf, isMasked, type SettingKey } from '../config/index.js';
import { type Message, msg } from '../contract/messages.js';
import { InputError } from '../core/index.js';
import { parseClientOrderId } from '../execution/index.js';
import type { Database } from '../store/index.js';
import { AlertDelivery, type DeliveryLogger, telegramConfig } from './delivery.js';
import { type ExpectedOutages, IbConnectionAlerts } from './ib-watch.js';
import { renderAlert } from './kinds.js';
import { type AlertTarget, enqueueAlert } from './outbox.js';
import { getMe, sendMessage, type TelegramConfig, TelegramError } from './telegram.js';

export interface AlertContext extends AlertTarget {
  store: { db: Kysely<Database> };
  audit: AuditLog;
  settings: AlertTarget['settings'] & {
    onChange(listener: (keys: SettingKey[]) => void): () => void;
  };
  logger: DeliveryLogger;
}

export interface AlertService {
  delivery: AlertDelivery;
  stop(): Promise<void>;
}

const TELEGRAM_KEYS: readonly string[] = ['TELEGRAM_BOT_TOKEN', 'TELEGRAM_CHAT_ID', 'TELEGRAM_API_BASE'];

export function startAlerts(
  ctx: AlertContext,
  options: { pollMs?: number; minIntervalMs?: number } = {},
): AlertService {
  const delivery = new AlertDelivery({
    db: ctx.store.db,
    clock: ctx.clock,
    settings: ctx.settings,
    logger: ctx.logger,
    ...options,
  });
  delivery.start();
  const offSettings = ctx.settings.onChange((keys) => {
    if (keys.some((key) => TELEGRAM_KEYS.includes(key)))
      delivery
        .clearPause()
        .catch((error: unknown) => ctx.logger.error({ err: error }, 'alerts: clear pause failed'));
  });
  const offAudit = ctx.audit.onAppend((record) => {
    orderAlertFrom(ctx, record).catch((error: unknown) =>
      ctx.logger.error({ err: error, audit: record.id }, 'alerts: could not record an order alert'),
    );
  });
  return {
    delivery,
    async stop() {
      offSettings();
      offAudit();
      await delivery.stop();
    },
  };
}

/** A rejected order, as the execution engine recorded it. One alert per run, counting the orders. */
async function orderAlertFrom(ctx: AlertContext, record: AuditRecord): Promise<void> {
  if (record.action !== 'execution.order.rejected') return;
  const clientOrderId = record.target.replace(/^order:/, '');
  const after = (record.after ?? {}) as { error?: unknown };
  const order = await ctx.store.db
    .selectFrom('trade_orders')
    .select(['symbol', 'side', 'quantity', 'last_error', 'run_id'])
    .where('client_order_id', '=', clientOrderId)
    .executeTakeFirst();
  const parts = parseClientOrderId(clientOrderId);
  await enqueueAlert(ctx, {
    kind: 'order.rejected',
    dedupeKey: `run:${order?.run_id ?? parts?.runId ?? clientOrderId}`,
    params: {
      clientOrderId,
      symbol: order?.symbol ?? parts?.symbol ?? '?',
      side: order?.side ?? parts?.side ?? '?',
      quantity: Number(order?.quantity ?? 0),
      reason: String(after.error ?? order?.last_error ?? 'rejected by the broker'),
      ...ibRejection(after.error ?? order?.last_error ?? null),
    },
  });
}

/**
 * IB's code and own words from a recorded rejection (`201: Order rejected - ...`), shown as IB
 * wrote them; a text without a code is IB's words as they are; none: IB gave no reason.
 */
export function ibRejection(error: unknown): { ibCode?: number; ibMessage: string | null } {
  if (error === null || error === undefined || String(error).trim() === '') return { ibMessage: null };
  const text = String(error);
  const coded = /^(-?\d+): ([\s\S]*)$/.exec(text);
  if (!coded) return { ibMessage: text };
  return { ibCode: Number(coded[1]), ibMessage: coded[2] ?? '' };
}

/** Connection alerts for one IB runtime, with the timings from the settings. */
export async function watchIbConnection(
  ctx: AlertContext,
  connection: Pick<ConnectionPort, 'state' | 'onStateChange'>,
  where: { host: string; port: number },
  expected?: ExpectedOutages,
): Promise<IbConnectionAlerts> {
  const settings = await ctx.settings.resolve();
  return new IbConnectionAlerts(
    ctx,
    connection,
    where,
    {
      graceMs: Number(settings.ALERT_IB_GRACE_SECONDS.value ?? 180) * 1000,
      stableMs: Number(settings.ALERT_IB_STABLE_SECONDS.value ?? 60) * 1000,
      loginMs: Number(settings.ALERT_IB_LOGIN_SECONDS.value ?? 900) * 1000,
    },
    ctx.logger,
    expected,
  );
}

export interface TestMessageInput {
  TELEGRAM_BOT_TOKEN?: string | undefined;
  TELEGRAM_CHAT_ID?: string | undefined;
  TELEGRAM_API_BASE?: string | undefined;
}

export interface TestMessageResult {
  botUsername: string;
  messageId: number;
}

/** Thrown when Telegram itself is unavailable (5xx, 429): not a settings problem. */
export class TelegramUnavailableError extends Error {
  /** Why, as a catalogued message quoting Telegram's own words. */
  readonly text: Message;
  constructor(readonly telegram: TelegramError) {
    super(telegram.message);
    this.name = 'TelegramUnavailableError';
    this.text = telegram.text;
  }
}

/** What a typed value of each setting must look like (the English reasons of config/definitions.ts). */
const MALFORMED: Record<keyof TestMessageInput, Message> = {
  TELEGRAM_BOT_TOKEN: msg('TELEGRAM_TOKEN_MALFORMED', {}),
  TELEGRAM_CHAT_ID: msg('TELEGRAM_CHAT_ID_MALFORMED', {}),
  TELEGRAM_API_BASE: msg('TELEGRAM_API_BASE_MALFORMED', {}),
};

/**
 * Sends a test message with the typed values (falling back to the saved ones). Bad values and the
 * Bot API's refusals come back as InputError naming the setting, with a catalogued code (alert-errors.ts)
 * that quotes Telegram's own text.
 */
export async function sendTestMessage(
  ctx: Pick<AlertContext, 'settings' | 'audit'>,
  typed: TestMessageInput,
  actor: string,
): Promise<TestMessageResult> {
  const resolved = await ctx.settings.resolve();
  const value = (key: keyof TestMessageInput): string => {
    const raw = typed[key]?.trim();
    const def = definitionOf(key)!;
    if (raw && !(def.secret && isMasked(raw))) {
      const parsed = def.schema.safeParse(raw);
      if (!parsed.success)
        throw new InputError(key, parsed.error.issues[0]?.message ?? 'invalid value', MALFORMED[key]);
      return String(parsed.data);
    }
    const saved = resolved[key].value;
    if (saved === undefined) throw new InputError(key, 'not set', msg('ALERT_SETTING_NOT_SET', { key }));
    return String(saved);
  };
  const config: TelegramConfig & { chatId: string } = {
    ...(telegramConfig(resolved) ?? {
      timeoutMs: Number(resolved.TELEGRAM_TIMEOUT_SECONDS.value ?? 10) * 1000,
    }),
    token: value('TELEGRAM_BOT_TOKEN'),
    chatId: value('TELEGRAM_CHAT_ID'),
    apiBase: value('TELEGRAM_API_BASE').replace(/\/+$/, ''),
  };
  const language = resolved.ALERT_LANGUAGE.value === 'en' ? 'en' : 'zh-CN';
  let botUsername: string;
  try {
    botUsername = (await getMe(config)).username;
  } catch (error) {
    throw settingsProblem(error, 'TELEGRAM_BOT_TOKEN', config.apiBase);
  }
  let messageId: number;
  try {
    const text = renderAlert('test.message', 'info', { actor }, language);
    messageId = (await sendMessage(config, config.chatId, text)).messageId;
  } catch (error) {
    throw settingsProblem(error, 'TELEGRAM_CHAT_ID', config.apiBase);
  }
  await ctx.audit.append({
    actor,
    action: 'alerts.test-message',
    target: 'telegram',
    before: null,
    after: { botUsername, messageId },
  });
  return { botUsername, messageId };
}

function settingsProblem(error: unknown, field: string, apiBase: string): Error {
  if (!(error instanceof TelegramError)) return error instanceof Error ? error : new Error(String(error));
  if (error.failure === 'network' || error.failure === 'timeout')
    return new InputError('TELEGRAM_API_BASE', `cannot reach ${apiBase}: ${error.message}`, error.text);
  if (error.failure === 'rejected') {
    // 401/404 on getMe: the token; on sendMessage, 401 is still the token, the rest is about the chat.
    const status = error.details.status ?? 0;
    const description = error.details.description ?? error.message;
    const about = status === 401 || status === 404 ? 'TELEGRAM_BOT_TOKEN' : field;
    const refused = about === 'TELEGRAM_BOT_TOKEN' ? 'TELEGRAM_TOKEN_REFUSED' : 'TELEGRAM_CHAT_REFUSED';
    return new InputError(
      about,
      `the Bot API answered ${status}: ${description}`,
      msg(refused, { status, description }),
    );
  }
  return new TelegramUnavailableError(error);
}
