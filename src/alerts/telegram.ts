/**
 * The Telegram Bot API over fetch. Two methods (getMe, sendMessage) do not need a library, and the
 * outbox must own retries: a library's in-memory auto-retry would hide `retry_after` from the durable
 * schedule, keep retrying after a crash-restart boundary it cannot see, and could reorder messages.
 * The bot token is part of the URL, so no error text here ever includes the URL.
 */
import { type Message, msg } from '../contract/messages.js';

export const TELEGRAM_TEXT_LIMIT = 4096;

export type TelegramFailure =
  /** 429: wait `retryAfterSeconds`. */
  | 'rate-limited'
  /** 5xx or an answer that is not the Bot API's JSON. */
  | 'server'
  | 'timeout'
  /** Could not connect (DNS, refused, TLS). */
  | 'network'
  /** 4xx other than 429: the Bot API refused the request (bad token, unknown chat, bot blocked). */
  | 'rejected';

export class TelegramError extends Error {
  constructor(
    readonly failure: TelegramFailure,
    message: string,
    readonly details: {
      status?: number;
      /** The Bot API's own `description`. */
      description?: string;
      retryAfterSeconds?: number;
    },
    /** The same as a catalogued message; Telegram's own words are a parameter, quoted as they came. */
    readonly text: Message,
  ) {
    super(message);
    this.name = 'TelegramError';
  }
}

export interface TelegramConfig {
  apiBase: string;
  token: string;
  timeoutMs: number;
}

interface BotApiAnswer {
  ok?: boolean;
  result?: unknown;
  description?: string;
  error_code?: number;
  parameters?: { retry_after?: number };
}

export async function callBotApi(
  config: TelegramConfig,
  method: 'getMe' | 'sendMessage',
  body: Record<string, unknown>,
): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`${config.apiBase}/bot${config.token}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(config.timeoutMs),
    });
  } catch (error) {
    throw fetchFailure(error, config);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw fetchFailure(error, config);
  }
  let answer: BotApiAnswer | undefined;
  try {
    answer = JSON.parse(text) as BotApiAnswer;
  } catch {
    answer = undefined;
  }
  if (response.ok && answer?.ok === true) return answer.result;
  const description = answer?.description ?? `HTTP ${response.status}`;
  const status = response.status;
  const details = { status, description };
  if (status === 429) {
    const retryAfterSeconds = Math.max(1, Number(answer?.parameters?.retry_after ?? 1));
    throw new TelegramError(
      'rate-limited',
      `Telegram: ${description}`,
      { ...details, retryAfterSeconds },
      msg('TELEGRAM_RATE_LIMITED', { seconds: retryAfterSeconds, description }),
    );
  }
  if (status >= 400 && status < 500 && answer)
    throw new TelegramError(
      'rejected',
      `Telegram: ${description}`,
      details,
      msg('TELEGRAM_REFUSED', details),
    );
  throw new TelegramError(
    'server',
    `Telegram: ${description}`,
    details,
    msg('TELEGRAM_SERVER_ERROR', details),
  );
}

function fetchFailure(error: unknown, config: TelegramConfig): TelegramError {
  const name = error instanceof Error ? error.name : '';
  const apiBase = config.apiBase;
  if (name === 'TimeoutError' || name === 'AbortError') {
    const seconds = config.timeoutMs / 1000;
    return new TelegramError(
      'timeout',
      `no answer within ${seconds} s`,
      {},
      msg('TELEGRAM_NO_ANSWER', { apiBase, seconds }),
    );
  }
  const cause =
    error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return new TelegramError(
    'network',
    `could not connect: ${reason}`,
    {},
    msg('TELEGRAM_UNREACHABLE', { apiBase, cause: reason }),
  );
}

/** `@name` of the bot: proves the token is valid. */
export async function getMe(config: TelegramConfig): Promise<{ username: string }> {
  const result = (await callBotApi(config, 'getMe', {})) as { username?: string } | undefined;
  return { username: result?.username ?? '' };
}

export async function sendMessage(
  config: TelegramConfig,
  chatId: string,
  text: string,
  options: { silent?: boolean } = {},
): Promise<{ messageId: number }> {
  const result = (await callBotApi(config, 'sendMessage', {
    chat_id: chatId,
    text,
    // Plain text on purpose (see kinds.ts): no parse_mode, so nothing needs escaping.
    link_preview_options: { is_disabled: true },
    ...(options.silent ? { disable_notification: true } : {}),
  })) as { message_id?: number } | undefined;
  return { messageId: Number(result?.message_id ?? 0) };
}

/**
 * Splits a text into parts Telegram accepts: at most 4,096 UTF-16 units each, cut at a line break
 * when there is one in the second half, else at a space, never inside a surrogate pair.
 */
export function splitText(text: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    let cut = rest.lastIndexOf('\n', limit);
    if (cut < limit / 2) cut = rest.lastIndexOf(' ', limit);
    if (cut < limit / 2) {
      cut = limit;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    }
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^[\n ]/, '');
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}
