import { describe, expect, it } from 'vitest';
import {
  type StopReason,
  type StopReasonCode,
  StopReason as StopReasonSchema,
} from '../../src/contract/execution.js';
import { stopReasonLine, stopReasonText, storedStopReason } from '../../src/contract/execution-texts.js';
import { decodeRunError, encodeMissed } from '../../src/pipeline/errors.js';
import { messagesZhCN } from '../../web/src/i18n/locales/messages.zh-CN.js';
import { pretradeZhCN } from '../../web/src/i18n/locales/pretrade.zh-CN.js';

/** One reason of every code, with the figures the engine and the service give them. */
const EVERY: { [C in StopReasonCode]: Extract<StopReason, { code: C }> } = {
  'pretrade-blocked': { code: 'pretrade-blocked', rules: ['funds', 'fat-finger', 'state'] },
  'engine-stopped': { code: 'engine-stopped' },
  'no-lease': { code: 'no-lease' },
  'broker-not-connected': { code: 'broker-not-connected', status: 'DISCONNECTED' },
  'account-problem': {
    code: 'account-problem',
    reason: { code: 'account-wrong-mode', mode: 'paper', account: 'U1****67' },
  },
  'not-reconciled': { code: 'not-reconciled' },
  'trading-halted': { code: 'trading-halted' },
  'trading-reducing': { code: 'trading-reducing' },
  'cancels-pending': { code: 'cancels-pending', count: 2, symbols: ['AAPL', 'MSFT'] },
  'claim-refused': { code: 'claim-refused' },
  'broker-unavailable': { code: 'broker-unavailable', reason: { code: 'heartbeat-timeout' } },
  'place-failed': { code: 'place-failed' },
};

const enums = messagesZhCN.enums as unknown as Record<string, Record<string, string>>;
const rules = pretradeZhCN.rules as Record<string, string>;
/** What the zh-CN page passes: the web's enum and rule names. */
const ZH = {
  enumValue: (name: string, value: string) => enums[name]?.[value] ?? value,
  ruleName: (rule: string) => rules[rule] ?? rule,
};

/** Latin words that are neither codes in capitals (IB, AAPL) nor masked account ids. */
const englishWords = (text: string) =>
  (text.match(/[A-Za-z][A-Za-z0-9]*/g) ?? []).filter((word) => word !== word.toUpperCase());

describe('why a run stopped sending, in either language (issue 17)', () => {
  it('every code is a sentence in zh-CN without English and in English without Chinese', () => {
    for (const reason of Object.values(EVERY)) {
      expect(StopReasonSchema.parse(reason)).toEqual(reason);
      const zh = stopReasonText(reason, 'zh-CN', ZH);
      expect(englishWords(zh), `${reason.code}: ${zh}`).toEqual([]);
      const en = stopReasonText(reason, 'en');
      expect(en, reason.code).not.toMatch(/\p{Script=Han}/u);
      expect(en).not.toBe(zh);
    }
    // The figures are in the sentence: the rules by name, the symbols, the state in the language.
    expect(stopReasonText(EVERY['pretrade-blocked'], 'zh-CN', ZH)).toContain('资金、胖手指、账户与交易状态');
    expect(stopReasonText(EVERY['cancels-pending'], 'zh-CN', ZH)).toContain('2 笔撤单完成后再为 AAPL、MSFT');
    expect(stopReasonText(EVERY['broker-not-connected'], 'en')).toContain('DISCONNECTED');
    expect(stopReasonLine(EVERY['trading-halted'])).toBe(
      'trading-halted: Trading is halted: none of the remaining orders is sent',
    );
  });

  it('a stored reason: a code renders, English text from before the codes shows as written', () => {
    expect(storedStopReason({ code: 'trading-halted' })).toEqual({ code: 'trading-halted' });
    expect(storedStopReason('trading state HALTED: intraday loss')).toBe(
      'trading state HALTED: intraday loss',
    );
    expect(storedStopReason(null)).toBeNull();
    expect(storedStopReason({ code: 'separator' })).toBeNull();
    expect(storedStopReason({ code: 'pretrade-blocked' })).toBeNull();
  });

  it("a missed run's error: stored as its code, old English rows read back with theirs", () => {
    expect(decodeRunError(encodeMissed('ib-not-back'))).toEqual({
      error: 'IB was not back before the window closed',
      missedReason: 'ib-not-back',
    });
    expect(decodeRunError('the window closed before the run could start')).toEqual({
      error: 'the window closed before the run could start',
      missedReason: 'window-closed',
    });
    expect(decodeRunError('decide: something else')).toEqual({
      error: 'decide: something else',
      missedReason: null,
    });
    expect(decodeRunError(null)).toEqual({ error: null, missedReason: null });
  });
});
