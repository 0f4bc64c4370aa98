/**
 * 预交易检查的结论（finding）在简体中文中的句子，按规则与代码（`risk.<rule>.<what>` 去掉 `risk.`）分组。
 * 服务器（Telegram 告警）与 Web（运行详情、风控页、告警页）共用这一份；英文见 pretrade-texts.en.ts。
 * 纯 TypeScript，无服务器依赖。
 */
import type { EnumValue } from './messages.js';

/** The pre-trade rules (ENUMS.pretradeRule) by name: the run view's rule table and server-rendered messages. */
export const PRETRADE_RULES_ZH_CN: Readonly<Record<EnumValue<'pretradeRule'>, string>> = {
  funds: '资金',
  margin: '保证金（IB 试算）',
  exposure: '敞口',
  'fat-finger': '胖手指',
  state: '账户与交易状态',
};

export const PRETRADE_FINDINGS_ZH_CN = {
  funds: { 'cash-below-buffer': '交易后现金 {{cashAfter}} 低于现金缓冲下限 {{floor}}' },
  margin: {
    unavailable: 'IB 未返回保证金试算结果，无法确认保证金',
    'above-cap': '交易后初始保证金占含贷款权益 {{share}}，超过上限 {{cap}}',
  },
  exposure: {
    'price-missing': '{{symbol}} 缺少参考价格',
    'short-not-allowed': '{{symbol}} 将变为空头（{{shares}} 股），项目未允许做空',
    'position-value': '{{symbol}} 持仓市值 {{value}} 超过上限 {{cap}}',
    'position-shares': '{{symbol}} 持仓 {{shares}} 股超过上限 {{cap}}',
    'position-weight': '{{symbol}} 权重 {{weight}} 超过单票上限 {{cap}}',
    'sector-weight': '行业 {{sector}} 权重 {{weight}} 超过上限 {{cap}}',
    gross: '总敞口 {{gross}} 超过上限 {{cap}}',
  },
  'fat-finger': {
    'too-many-orders': '订单 {{orders}} 笔超过单次上限 {{cap}}',
    'order-value': '{{symbol}} 单笔金额 {{value}} 超过上限 {{cap}}',
    'volume-unknown': '{{symbol}} 缺少日均成交量（IB 日线）',
    'volume-share': '{{symbol}} 数量占日均成交量 {{share}}，超过上限 {{cap}}',
    'previous-close-unknown': '{{symbol}} 缺少前收盘价（IB 日线）',
    'price-band': '{{symbol}} 价格 {{price}} 偏离前收盘 {{previousClose}} 超过 {{band}}',
  },
  state: {
    'account-mode-mismatch': '账户 {{account}} 与模式 {{mode}} 不符（模拟账户以 DU 开头）',
    halted: '交易状态为暂停：{{orders}} 笔订单一律不发送',
    'reducing-only': '仅允许减仓：{{symbol}} 的 {{side}} {{quantity}} 股会增加敞口',
    'defensive-only': '暂停期间的防御操作：{{symbol}} 的 {{side}} {{quantity}} 股既非减仓，也非买入防御资产',
  },
};

/** The shape both languages fill (en must have exactly these keys). */
export type PreTradeFindingTexts = typeof PRETRADE_FINDINGS_ZH_CN;
