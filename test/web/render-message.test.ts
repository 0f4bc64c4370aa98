import { beforeAll, describe, expect, it } from 'vitest';
import { messageText } from '../../src/contract/message-text.js';
import { MESSAGE_CODES, type Message } from '../../src/contract/messages.js';
import { PRETRADE_RULES_EN } from '../../src/contract/pretrade-texts.en.js';
import { sampleMessage } from '../contract/sample-messages.js';

/**
 * Issue 17: the web app's renderMessage (i18next template, the UI's locale) and the server's
 * messageText (alerts sent to Telegram) put parameters in with the one paramText, so a Chinese page
 * and a Chinese alert say every catalogued message the same way.
 */

const WEB_I18N = '../../web/src/i18n/index.ts';
const WEB_MESSAGES = '../../web/src/i18n/messages.ts';

type Web = {
  renderMessage: (message: Message) => string;
  changeLanguage: (language: 'zh-CN' | 'en') => Promise<void>;
};

describe('renderMessage (web) and messageText (server) agree', () => {
  let web: Web;

  beforeAll(async () => {
    // The i18n module sets the page's lang attribute; Node has no page.
    (globalThis as { document?: unknown }).document ??= { documentElement: {} };
    // By a path in a variable, so that the server's typecheck does not follow it into the web app
    // (DOM types, bundler resolution); vitest resolves it like any import.
    const load = (file: string) => import(/* @vite-ignore */ file);
    const index = (await load(WEB_I18N)) as { i18nReady: Promise<void> } & Pick<Web, 'changeLanguage'>;
    await index.i18nReady;
    const messages = (await load(WEB_MESSAGES)) as Pick<Web, 'renderMessage'>;
    web = { renderMessage: messages.renderMessage, changeLanguage: index.changeLanguage };
  });

  it('every catalogued code reads the same in zh-CN on the page and in an alert', async () => {
    await web.changeLanguage('zh-CN');
    const differ: string[] = [];
    for (const code of MESSAGE_CODES) {
      const { message } = sampleMessage(code);
      const page = web.renderMessage(message);
      const alert = messageText(message, 'zh-CN');
      if (page !== alert) differ.push(`${code}: page "${page}" vs alert "${alert}"`);
    }
    expect(differ).toEqual([]);
  });

  it('in English the page names enum values and joins lists the English way', async () => {
    await web.changeLanguage('en');
    const page = web.renderMessage({
      code: 'PIPELINE_PRETRADE_BLOCKED',
      params: { rules: 'funds, margin' },
    } as Message);
    expect(page).toBe(
      `pre-trade risk blocked the run: ${PRETRADE_RULES_EN.funds}, ${PRETRADE_RULES_EN.margin}`,
    );
    expect(PRETRADE_RULES_EN.funds).not.toBe('funds');
    await web.changeLanguage('zh-CN');
  });
});
