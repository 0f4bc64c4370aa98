import { paramText } from '../../../src/contract/message-params';
import {
  type EnumName,
  MESSAGES,
  type Message,
  type MessageCode,
  type ParamKind,
} from '../../../src/contract/messages';
import { currentLanguage, i18n } from './index';

/** Dynamic keys: the catalogue and the enum lists decide them, the locale test checks they exist. */
const translate = i18n.t.bind(i18n) as unknown as (key: string, options?: Record<string, unknown>) => string;

/** An enum value the server sent, in the UI language; an unknown value is shown as it came. */
export function renderEnum(name: EnumName, value: string): string {
  const key = `messages.enums.${name}.${value}`;
  return i18n.exists(key) ? translate(key) : value;
}

/**
 * A catalogued server message (code + params) as a sentence in the UI language: the template from
 * the loaded locale (i18next), each parameter put in by its kind as the server's own texts do
 * (paramText), with enum values named from the loaded locale too.
 */
export function renderMessage(message: Pick<Message, 'code'> & { params: object }): string {
  const kinds: Readonly<Record<string, ParamKind>> | undefined =
    MESSAGES[message.code as MessageCode]?.params;
  const language = currentLanguage();
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.params))
    params[name] = paramText(kinds?.[name], value, language, renderEnum);
  return translate(`messages.codes.${message.code}`, params);
}
