/**
 * The names of the enum values the server sends (ENUMS in messages.ts), in both languages: the web
 * app's `messages.enums` are these tables, and the server names enum values with them in the texts it
 * renders itself (alerts sent to Telegram, catalogued messages), so the server and the page say the same.
 * One file per language (enum-texts.zh-CN.ts, enum-texts.en.ts), so a page loads only its language.
 *
 * Pure TypeScript: no Node or server imports, so the web app can import it.
 */
import { ENUM_TEXTS_EN } from './enum-texts.en.js';
import { ENUM_TEXTS_ZH_CN } from './enum-texts.zh-CN.js';
import type { EnumName, EnumValue } from './messages.js';

/** Every value of every enum named (a new value without a name is a compile error). */
export type EnumTexts = { readonly [E in EnumName]: Readonly<Record<EnumValue<E>, string>> };

export type EnumTextLanguage = 'zh-CN' | 'en';

const TABLES: Record<EnumTextLanguage, EnumTexts> = { 'zh-CN': ENUM_TEXTS_ZH_CN, en: ENUM_TEXTS_EN };

/** An enum value's name in a language; a value the table does not know (an older row) stays as it is. */
export function enumText(language: EnumTextLanguage, name: EnumName, value: string): string {
  const table: Readonly<Record<string, string>> | undefined = TABLES[language][name];
  return table && Object.hasOwn(table, value) ? (table[value] ?? value) : value;
}
