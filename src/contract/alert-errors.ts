/**
 * Why the alerts module refuses a request (the catalogued text of its InputErrors) and why Telegram
 * could not take a message: part of the message catalogue (src/contract/messages.ts). Chinese texts in
 * alert-errors.zh-CN.ts; English is the template here. Telegram's own `description` is a parameter,
 * quoted as Telegram wrote it (like IB's own words in an order rejection): the Bot API speaks English.
 */
import { def, type MessageDef } from './message-def.js';

export const ALERT_ERRORS = {
  // Alert rules (mute, snooze).
  ALERT_KIND_UNKNOWN: def({ kind: 'text' }, 'unknown alert kind "{{kind}}"'),
  // The settings a test message is sent with (typed in the form or saved).
  ALERT_SETTING_NOT_SET: def({ key: 'text' }, '{{key}} is not set'),
  TELEGRAM_TOKEN_MALFORMED: def({}, 'must look like a Telegram bot token (digits:secret)'),
  TELEGRAM_CHAT_ID_MALFORMED: def({}, 'must be a numeric chat id or @channel'),
  TELEGRAM_API_BASE_MALFORMED: def({}, 'must be an http:// or https:// URL'),
  // What the Bot API answered (src/alerts/telegram.ts TelegramError).
  TELEGRAM_UNREACHABLE: def({ apiBase: 'text', cause: 'text' }, 'cannot reach {{apiBase}}: {{cause}}'),
  TELEGRAM_NO_ANSWER: def(
    { apiBase: 'text', seconds: 'number' },
    'no answer from {{apiBase}} within {{seconds}} s',
  ),
  TELEGRAM_RATE_LIMITED: def(
    { seconds: 'number', description: 'text' },
    'Telegram asks to wait {{seconds}} s: {{description}}',
  ),
  TELEGRAM_SERVER_ERROR: def(
    { status: 'number', description: 'text' },
    'Telegram is unavailable ({{status}}): {{description}}',
  ),
  TELEGRAM_REFUSED: def(
    { status: 'number', description: 'text' },
    'the Bot API answered {{status}}: {{description}}',
  ),
  TELEGRAM_TOKEN_REFUSED: def(
    { status: 'number', description: 'text' },
    'the Bot API refused the bot token ({{status}}): {{description}}',
  ),
  TELEGRAM_CHAT_REFUSED: def(
    { status: 'number', description: 'text' },
    'the Bot API cannot send to this chat ({{status}}): {{description}}',
  ),
} as const satisfies Record<string, MessageDef>;
