// `.js`: the unit test loads this file under Node's resolution too (the bundler maps it to the .ts).
import { ENUM_TEXTS_EN } from '../../../../src/contract/enum-texts.en.js';
import { MESSAGES, type MessageCode } from '../../../../src/contract/messages.js';
import type { messagesZhCN } from './messages.zh-CN.js';

/** English is the catalogue's own text (src/contract/messages.ts): one source for the server and the UI. */
const codes = Object.fromEntries(
  Object.entries(MESSAGES).map(([code, def]): [string, string] => [code, def.en]),
) as Record<MessageCode, string>;

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

/** Server messages and enum names (English, from src/contract/enum-texts.en.ts); same keys as `messages.zh-CN.ts`. */
export const messagesEn: Widen<typeof messagesZhCN> = { codes, enums: ENUM_TEXTS_EN };
