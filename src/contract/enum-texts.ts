/**
 * The names of the enum values that server-rendered texts carry (alerts sent to Telegram: pre-trade
 * findings name a side, a mode, a trading state or a GICS sector), in both languages. The web app's
 * message catalogues take these tables from here, so the server and the page say the same.
 *
 * Pure TypeScript: no Node or server imports, so the web app can import it.
 */
import { ENUMS, type EnumName } from './messages.js';

/** The enums the server renders itself, each value's name. */
export type SharedEnumName = 'side' | 'mode' | 'tradingState' | 'gicsSector';
export type SharedEnumTexts = Readonly<Record<SharedEnumName, Readonly<Record<string, string>>>>;

export const ENUM_TEXTS_ZH_CN = {
  side: { BUY: '买入', SELL: '卖出' },
  mode: { paper: '模拟盘', live: '实盘' },
  tradingState: { ACTIVE: '正常交易', REDUCING: '只减仓', HALTED: '暂停交易' },
  gicsSector: {
    'Communication Services': '通信服务',
    'Consumer Discretionary': '可选消费',
    'Consumer Staples': '日常消费',
    Energy: '能源',
    Financials: '金融',
    'Health Care': '医疗保健',
    Industrials: '工业',
    'Information Technology': '信息技术',
    Materials: '原材料',
    'Real Estate': '房地产',
    Utilities: '公用事业',
  },
} as const satisfies SharedEnumTexts;

export const ENUM_TEXTS_EN = {
  side: { BUY: 'Buy', SELL: 'Sell' },
  mode: { paper: 'Paper', live: 'Live' },
  tradingState: { ACTIVE: 'Active', REDUCING: 'Reducing only', HALTED: 'Halted' },
  // The data's own (English) names: the catalogue's list, each value naming itself.
  gicsSector: Object.fromEntries(ENUMS.gicsSector.map((sector) => [sector, sector])) as Readonly<
    Record<(typeof ENUMS.gicsSector)[number], string>
  >,
} as const satisfies SharedEnumTexts;

const TABLES: Record<'zh-CN' | 'en', SharedEnumTexts> = { 'zh-CN': ENUM_TEXTS_ZH_CN, en: ENUM_TEXTS_EN };

/** An enum value's name in a language; values of other enums, or unknown ones, stay as they are. */
export function sharedEnumText(language: 'zh-CN' | 'en', name: EnumName, value: string): string {
  const table: Readonly<Record<string, string>> | undefined = (
    TABLES[language] as Partial<Record<EnumName, Readonly<Record<string, string>>>>
  )[name];
  return table && Object.hasOwn(table, value) ? (table[value] ?? value) : value;
}
