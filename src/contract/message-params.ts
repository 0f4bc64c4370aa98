/**
 * A catalogued message's parameter as text, by its kind: the one rule for the server's own texts
 * (message-text.ts, alerts sent to Telegram) and the web app's renderMessage (web/src/i18n/messages.ts).
 * Its own module, apart from message-text.ts, because that one imports both languages' tables, which
 * the web app loads one at a time: importing this adds nothing to the page's first load.
 *
 * Pure TypeScript: no Node or server imports.
 */
import type { IbReason } from './ib.js';
import { type IbReasonLanguage, ibReasonText } from './ib-reason-texts.js';
import { type EnumName, listEnum, type ParamKind } from './messages.js';

/** An enum value's name in the reader's language (the server: enum-texts tables; the web: its loaded locale). */
export type EnumNamer = (name: EnumName, value: string) => string;

/**
 * One parameter as text: enum values named through `nameEnum`, lists of them joined the language's
 * way, fractions as percentages with two decimals, IB reasons as sentences, the rest as they came.
 */
export function paramText(
  kind: ParamKind | undefined,
  value: unknown,
  language: IbReasonLanguage,
  nameEnum: EnumNamer,
): string {
  if (kind === undefined || kind === 'text' || kind === 'number') return String(value);
  if (kind === 'percent') return typeof value === 'number' ? `${(value * 100).toFixed(2)}%` : String(value);
  // Why IB is down or refuses: the bare reason, which the template puts into its sentence.
  if (kind === 'ibReason')
    return typeof value === 'object' && value !== null
      ? ibReasonText(value as IbReason, language, false)
      : String(value);
  // A list of enum values (failed checklist items, pre-trade rules): each named in the language.
  const listed = listEnum(kind);
  if (listed !== null)
    return String(value)
      .split(/,\s*/)
      .map((item) => nameEnum(listed, item))
      .join(language === 'zh-CN' ? '、' : ', ');
  return nameEnum(kind as EnumName, String(value));
}
