import { describe, expect, it } from 'vitest';
import {
  ENUMS,
  englishText,
  MESSAGE_CODES,
  MESSAGE_PARTS,
  MESSAGES,
  msg,
  parseMessage,
} from '../../src/contract/messages.js';
import { messagesEn } from '../../web/src/i18n/locales/messages.en.js';
import { messagesZhCN } from '../../web/src/i18n/locales/messages.zh-CN.js';

const LOCALES = { 'zh-CN': messagesZhCN, en: messagesEn } as const;

function placeholders(template: string): string[] {
  return [...template.matchAll(/\{\{(\w+)\}\}/g)].map((match) => match[1] ?? '').sort();
}

const HAN = /\p{Script=Han}/u;

describe('server message catalogue', () => {
  for (const [language, locale] of Object.entries(LOCALES)) {
    it(`every code has a ${language} text using exactly its parameters`, () => {
      const codes: Record<string, string> = locale.codes;
      const missing = MESSAGE_CODES.filter((code) => typeof codes[code] !== 'string' || codes[code] === '');
      expect(missing, `codes without a ${language} text`).toEqual([]);
      expect(Object.keys(codes).sort(), 'texts for codes the catalogue does not have').toEqual(
        [...MESSAGE_CODES].sort(),
      );
      for (const code of MESSAGE_CODES) {
        const declared = Object.keys(MESSAGES[code].params).sort();
        expect(placeholders(codes[code] ?? ''), `${language} ${code}`).toEqual(declared);
      }
    });

    it(`every enum value the server sends has a ${language} name`, () => {
      const enums: Record<string, Record<string, string>> = locale.enums;
      for (const [name, values] of Object.entries(ENUMS)) {
        for (const value of values) {
          expect(enums[name]?.[value], `${language} messages.enums.${name}.${value}`).toBeTruthy();
        }
        expect(Object.keys(enums[name] ?? {}).sort(), `${language} ${name}`).toEqual([...values].sort());
      }
    });
  }

  it('no code is declared in two parts of the catalogue (a spread would keep only the last)', () => {
    const owners = new Map<string, string[]>();
    for (const [part, entries] of Object.entries(MESSAGE_PARTS))
      for (const code of Object.keys(entries)) owners.set(code, [...(owners.get(code) ?? []), part]);
    const shared = [...owners].filter(([, parts]) => parts.length > 1);
    expect(shared).toEqual([]);
    const declared = Object.values(MESSAGE_PARTS).reduce(
      (sum, entries) => sum + Object.keys(entries).length,
      0,
    );
    expect(declared).toBe(MESSAGE_CODES.length);
  });

  it('the English texts hold no Chinese and the Chinese texts are translated', () => {
    for (const text of [
      ...Object.values(messagesEn.codes),
      ...Object.values(messagesEn.enums).flatMap(Object.values),
    ])
      expect(HAN.test(text), text).toBe(false);
    // Texts made only of parameters and punctuation are the same in every language.
    const neutral = (text: string) => text.replace(/\{\{\w+\}\}/g, '').replace(/[\s\p{P}]/gu, '') === '';
    const untranslated = Object.entries(messagesZhCN.codes).filter(
      ([, text]) => !neutral(text) && !HAN.test(text),
    );
    expect(untranslated).toEqual([]);
  });

  it('renders English for logs and reads a stored message back, refusing wrong parameters', () => {
    const done = msg('BACKTEST_DONE', { id: 2, cagr: 0.1481 });
    expect(englishText(done)).toBe('backtest 2: CAGR 14.81%');
    expect(englishText(msg('BROKER_NOT_CONNECTED', { status: 'DISCONNECTED' }))).toBe(
      'broker is DISCONNECTED',
    );
    expect(parseMessage(JSON.parse(JSON.stringify(done)))).toEqual(done);
    expect(parseMessage({ code: 'BACKTEST_DONE', params: { id: '2', cagr: 0.1 } })).toBeNull();
    expect(parseMessage({ code: 'BROKER_NOT_CONNECTED', params: { status: 'SLEEPING' } })).toBeNull();
    expect(parseMessage({ code: 'NO_SUCH_CODE', params: {} })).toBeNull();
  });
});
