/**
 * A sample message of every catalogued code, for tests that render the whole catalogue: each
 * parameter filled with a sample of its kind (a name, 42, 12.35%, an IB reason, the first enum value
 * or the first two of a list), with how it must read in Chinese.
 */
import { ENUM_TEXTS_ZH_CN } from '../../src/contract/enum-texts.zh-CN.js';
import type { IbReason } from '../../src/contract/ib.js';
import { ibReasonText } from '../../src/contract/ib-reason-texts.js';
import {
  ENUMS,
  type EnumName,
  listEnum,
  type MESSAGE_CODES,
  MESSAGES,
  type Message,
  type ParamKind,
} from '../../src/contract/messages.js';

const IB_REASON: IbReason = { code: 'connect-timeout', ms: 5000 };

/** A sample value of a kind, and how it must read in the Chinese sentence. */
function sample(kind: ParamKind): { value: string | number | IbReason; zh: string } {
  if (kind === 'text') return { value: '样例名', zh: '样例名' };
  if (kind === 'number') return { value: 42, zh: '42' };
  if (kind === 'percent') return { value: 0.12345, zh: '12.35%' };
  if (kind === 'ibReason') return { value: IB_REASON, zh: ibReasonText(IB_REASON, 'zh-CN', false) };
  const zhName = (name: EnumName, value: string) =>
    (ENUM_TEXTS_ZH_CN[name] as Readonly<Record<string, string>>)[value] ?? value;
  const listed = listEnum(kind);
  if (listed !== null) {
    const [first = '', second = ''] = ENUMS[listed];
    return { value: `${first}, ${second}`, zh: `${zhName(listed, first)}、${zhName(listed, second)}` };
  }
  const value = ENUMS[kind as EnumName][0];
  return { value, zh: zhName(kind as EnumName, value) };
}

/** Every parameter of a code filled with its kind's sample, and how each must read in Chinese. */
export function sampleMessage(code: (typeof MESSAGE_CODES)[number]): {
  message: Message;
  expected: string[];
} {
  const params: Record<string, unknown> = {};
  const expected: string[] = [];
  for (const [name, kind] of Object.entries(MESSAGES[code].params as Record<string, ParamKind>)) {
    const { value, zh } = sample(kind);
    params[name] = value;
    expected.push(zh);
  }
  return { message: { code, params } as Message, expected };
}
