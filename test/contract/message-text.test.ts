import { describe, expect, it } from 'vitest';
import { messageText } from '../../src/contract/message-text.js';
import { englishText, MESSAGE_CODES, type Message } from '../../src/contract/messages.js';
import { sampleMessage } from './sample-messages.js';

/**
 * Issue 17: the server renders any catalogued message in Chinese (alerts sent to Telegram), from the
 * same texts as the web app. Every code of the catalogue is rendered with a sample of each parameter's
 * kind, and each parameter must show up as the web shows it.
 */

const HAN = /\p{Script=Han}/u;

describe('messageText: every catalogued message in zh-CN and en', () => {
  it('renders every code in Chinese with each parameter put in by its kind, no placeholder left', () => {
    const problems: string[] = [];
    for (const code of MESSAGE_CODES) {
      const { message, expected } = sampleMessage(code);
      const zh = messageText(message, 'zh-CN');
      if (zh.includes('{{') || zh.includes('}}')) problems.push(`${code}: placeholder left in "${zh}"`);
      for (const part of expected)
        if (!zh.includes(part)) problems.push(`${code}: "${part}" missing in "${zh}"`);
      // A sentence of the template's own words is Chinese (a bare "{{detail}}" is made of parameters).
      const own = zh.replace(/样例名|42|12\.35%/g, '').replace(/[\s\p{P}\p{S}\d]/gu, '');
      if (own !== '' && !HAN.test(zh)) problems.push(`${code}: not Chinese: "${zh}"`);
      if (zh === englishText(message) && own !== '') problems.push(`${code}: English in Chinese: "${zh}"`);
    }
    expect(problems).toEqual([]);
  });

  it('English is the catalogue text, with enum values as they are', () => {
    for (const code of MESSAGE_CODES) {
      const { message } = sampleMessage(code);
      expect(messageText(message, 'en'), code).toBe(englishText(message));
    }
    const failed = { code: 'PIPELINE_CHECKLIST_FAILED', params: { items: 'ib.connected, market.open' } };
    expect(messageText(failed as Message, 'en')).toBe('checklist failed: ib.connected, market.open');
    expect(messageText(failed as Message, 'zh-CN')).toBe('交易前检查未通过：IB 已连接、市场开市');
  });

  it('a value no table knows (an older row, a newer server) shows as it came', () => {
    const odd = { code: 'JOB_ALREADY_ENDED', params: { id: 3, status: 'archived' } } as unknown as Message;
    expect(messageText(odd, 'zh-CN')).toBe('任务 #3 已archived');
    const list = { code: 'PIPELINE_PRETRADE_BLOCKED', params: { rules: 'funds, new-rule' } } as Message;
    expect(messageText(list, 'zh-CN')).toBe('交易前风控拦截了本次运行：资金、new-rule');
  });
});
