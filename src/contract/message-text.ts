/**
 * A catalogued message (code + params) as a sentence in a language, for texts the server writes
 * itself in the reader's language (alerts sent to Telegram). Chinese puts each parameter in with
 * `paramText` (message-params.ts), as the web app's renderMessage does; English
 * is the catalogue's own text (englishText), which keeps enum values as they are.
 *
 * Pure TypeScript: no Node or server imports.
 */
import { type EnumTextLanguage, enumText } from './enum-texts.js';
import { type EnumNamer, paramText } from './message-params.js';
import { MESSAGE_TEXTS_ZH_CN } from './message-texts.zh-CN.js';
import { englishText, MESSAGES, type Message, type MessageCode, type ParamKind } from './messages.js';

export type MessageLanguage = EnumTextLanguage;

/** An enum value in Chinese; one the table does not know (an older row, a newer server) as it came. */
const zhEnum: EnumNamer = (name, value) => enumText('zh-CN', name, value);

/** The message in a language; a code without a Chinese text (a newer row) falls back to English. */
export function messageText(message: Message, language: MessageLanguage): string {
  const template = language === 'zh-CN' ? MESSAGE_TEXTS_ZH_CN[message.code as MessageCode] : undefined;
  if (template === undefined) return englishText(message);
  const kinds: Readonly<Record<string, ParamKind>> = MESSAGES[message.code].params;
  const params = message.params as Record<string, unknown>;
  // A parameter the message lacks stays as its placeholder, as i18next and englishText leave it.
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) =>
    params[name] === undefined ? whole : paramText(kinds[name], params[name], 'zh-CN', zhEnum),
  );
}
