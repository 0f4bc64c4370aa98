/**
 * The server's catalogued messages and enum names in Simplified Chinese, as i18next resources
 * (`messages.codes`, `messages.enums`). The texts live in the contract (src/contract/message-texts.zh-CN.ts,
 * src/contract/enum-texts.zh-CN.ts), where the server renders its Chinese alerts from the same tables;
 * `messages.en.ts` has the same keys.
 */
import { ENUM_TEXTS_ZH_CN } from '../../../../src/contract/enum-texts.zh-CN.js';
import { MESSAGE_TEXTS_ZH_CN } from '../../../../src/contract/message-texts.zh-CN.js';

export const messagesZhCN = {
  codes: MESSAGE_TEXTS_ZH_CN,
  enums: ENUM_TEXTS_ZH_CN,
};
