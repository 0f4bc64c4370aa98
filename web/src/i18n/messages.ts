import type { IbReason } from '../../../src/contract/ib';
import { ibReasonText } from '../../../src/contract/ib-reason-texts';
import {
  type EnumName,
  listEnum,
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

function renderParam(kind: ParamKind | undefined, value: unknown): unknown {
  if (kind === undefined || kind === 'text' || kind === 'number') return value;
  if (kind === 'percent') return typeof value === 'number' ? `${(value * 100).toFixed(2)}%` : value;
  // Why IB is down or refuses: a sentence of its own in the UI language (the bare reason, not "orders refused: ...").
  if (kind === 'ibReason')
    return typeof value === 'object' && value !== null
      ? ibReasonText(value as IbReason, currentLanguage(), false)
      : value;
  // A list of enum values (failed checklist items, pre-trade rules): each named in the language.
  const listed = listEnum(kind);
  if (listed !== null)
    return String(value)
      .split(/,\s*/)
      .map((item) => renderEnum(listed, item))
      .join(currentLanguage() === 'zh-CN' ? '、' : ', ');
  return renderEnum(kind as EnumName, String(value));
}

/** A catalogued server message (code + params) as a sentence in the UI language. */
export function renderMessage(message: Pick<Message, 'code'> & { params: object }): string {
  const kinds: Readonly<Record<string, ParamKind>> | undefined =
    MESSAGES[message.code as MessageCode]?.params;
  const params: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(message.params))
    params[name] = renderParam(kinds?.[name], value);
  return translate(`messages.codes.${message.code}`, params);
}
