/**
 * What each alert kind says, in both languages, from its parameters: the server renders it for
 * Telegram at delivery in the configured alert language, the web app in the UI language. The outbox
 * stores the kind and these parameters (not only a sentence), so one alert reads right in either.
 * Texts are plain text (no Telegram parse mode): IB error messages, symbols and user-typed names may
 * contain `_`, `*`, `<` or `[`, which Markdown/HTML parse modes would reject with "can't parse
 * entities" and the alert would never be delivered.
 *
 * Pure TypeScript: no Node or server imports, so the web app can import it.
 */
import type { EnumName, Message } from './messages.js';

export const ALERT_LANGUAGES = ['zh-CN', 'en'] as const;
export type AlertLanguage = (typeof ALERT_LANGUAGES)[number];

/** The parameters each kind takes (stored as JSON with the row, so the text can be re-rendered). */
export interface AlertParamsByKind {
  'ib.disconnected': { host: string; port: number; reason: string | null; downSeconds: number };
  'ib.reconnected': { host: string; port: number; downSeconds: number; disconnects: number };
  'order.rejected': { clientOrderId: string; symbol: string; side: string; quantity: number; reason: string };
  'order.failed': { clientOrderId: string; symbol: string; side: string; quantity: number; reason: string };
  'risk.warning': RiskAlertParams;
  'risk.triggered': RiskAlertParams;
  'trading.halted': { reason: string; actor: string };
  'trading.resumed': { actor: string };
  'run.started': { project: string; tradingDate: string; runId: number };
  'run.completed': { project: string; tradingDate: string; runId: number; orders: number; filled: number };
  'run.failed': {
    project: string;
    tradingDate: string;
    runId: number;
    error: string;
    /** The failure as a catalogued message, when the pipeline has one (rows before had only `error`). */
    errorText?: Message;
  };
  'run.missed': { project: string; scheduledAt: string; reason: string };
  'fallback.used': {
    project: string;
    policy: string;
    /** The decide step's failure in English (logs, API users). */
    reason: string;
    /** The step failure's code (src/pipeline/errors.ts) and catalogued message, rendered in the reader's language. */
    reasonCode?: string;
    reasonText?: Message;
  };
  'reconcile.differences': { reason: string; differences: number; detail: string };
  'gateway.login-needed': { host: string; port: number; downSeconds: number };
  'daily.summary': {
    date: string;
    /** Today's PnL in the account currency; null when unknown. */
    pnl: number | null;
    netLiquidation: number | null;
    positions: number;
    /** Head hash of the audit chain (src/audit's auditHead()), so the day's log can be checked later. */
    auditHeadHash: string;
    auditSeq: number;
  };
  'test.message': { actor: string };
}

export type AlertKind = keyof AlertParamsByKind;

/**
 * A risk alert: the rule's code and its figures, so either language renders it. `detail` is the same
 * in English (logs, API users); rows written before the figures were stored have only `rule` and
 * `detail`, and render those as they are.
 */
export interface RiskAlertParams {
  /** dailyLoss | drawdown (intraday), pretrade, defensive; free text in older rows. */
  rule: string;
  detail: string;
  project?: string;
  /** Intraday: the measured share and its limit (0.0761 = 7.61%), and the state it moved to. */
  value?: number;
  limit?: number;
  action?: 'REDUCING' | 'HALTED';
  /** Pre-trade: the failed rules' codes, the run and its trading date; `detail` keeps the findings. */
  rules?: string[];
  runId?: number;
  tradingDate?: string;
  /** Defensive move after a halt: into `symbol` or to cash; deferred while run `heldBy` holds the day. */
  move?: 'asset' | 'cash';
  symbol?: string;
  heldBy?: number;
}

/** How a text puts catalogued messages and enum values in its language (default: as they are). */
export interface AlertTextHelpers {
  message?: (message: Message) => string;
  enumValue?: (name: EnumName, value: string) => string;
}

const num = (value: number | null, language: AlertLanguage) =>
  value === null ? (language === 'zh-CN' ? '未知' : 'unknown') : value.toLocaleString('en-US');

const duration = (seconds: number, language: AlertLanguage): string => {
  const s = Math.max(0, Math.round(seconds));
  if (s < 120) return language === 'zh-CN' ? `${s} 秒` : `${s} s`;
  const m = Math.round(s / 60);
  if (m < 120) return language === 'zh-CN' ? `${m} 分钟` : `${m} min`;
  const h = (s / 3600).toFixed(1);
  return language === 'zh-CN' ? `${h} 小时` : `${h} h`;
};

const side = (value: string, h: AlertTextHelpers) => h.enumValue?.('side', value) ?? value;

const POLICIES: Record<AlertLanguage, Record<string, string>> = {
  'zh-CN': { 'last-good': '沿用上次成功的决策', 'stand-still': '维持不动' },
  en: { 'last-good': 'trade the last good decision again', 'stand-still': 'stand still' },
};
const policy = (value: string, language: AlertLanguage) => POLICIES[language][value] ?? value;

/** Risk rule names (intraday metrics, pre-trade rules, the defensive move); unknown ones stay as they are. */
const RISK_RULES: Record<AlertLanguage, Record<string, string>> = {
  'zh-CN': {
    dailyLoss: '当日亏损',
    drawdown: '回撤',
    pretrade: '交易前检查',
    defensive: '防御操作',
    funds: '资金',
    margin: '保证金',
    exposure: '敞口',
    'fat-finger': '异常大单',
    state: '账户与交易状态',
  },
  en: {
    dailyLoss: 'daily loss',
    drawdown: 'drawdown',
    pretrade: 'pre-trade checks',
    defensive: 'defensive move',
    funds: 'funds',
    margin: 'margin',
    exposure: 'exposure',
    'fat-finger': 'fat finger',
    state: 'account and trading state',
  },
};
const riskRule = (value: string, language: AlertLanguage) => RISK_RULES[language][value] ?? value;
const pct = (value: number) => `${(value * 100).toFixed(2)}%`;

/** The rule and what it measured, from the stored figures when the row has them. */
function riskSummary(p: RiskAlertParams, language: AlertLanguage): string {
  const zh = language === 'zh-CN';
  const rule = riskRule(p.rule, language);
  if (p.value !== undefined && p.limit !== undefined) {
    const figures = zh
      ? `${rule} ${pct(p.value)}，限额 ${pct(p.limit)}`
      : `${rule} ${pct(p.value)} / limit ${pct(p.limit)}`;
    if (p.action === 'HALTED') return zh ? `${figures}，交易已暂停` : `${figures}; trading halted`;
    if (p.action === 'REDUCING') return zh ? `${figures}，只允许减仓` : `${figures}; reducing only`;
    return figures;
  }
  if (p.rules !== undefined) {
    const names = p.rules.map((r) => riskRule(r, language)).join(zh ? '、' : ', ');
    const run =
      p.runId === undefined
        ? ''
        : zh
          ? `（运行 #${p.runId}，${p.tradingDate ?? ''}）`
          : ` (run #${p.runId}, ${p.tradingDate ?? ''})`;
    const findings = p.detail ? (zh ? `：${p.detail}` : `: ${p.detail}`) : '';
    return zh ? `${rule}未通过：${names}${run}${findings}` : `${rule} failed: ${names}${run}${findings}`;
  }
  if (p.heldBy !== undefined) {
    return zh
      ? `${rule}：运行 #${p.heldBy} 已占用 ${p.tradingDate ?? ''}，防御操作推迟到下一个交易日`
      : `${rule}: run #${p.heldBy} already holds ${p.tradingDate ?? ''}, the move waits for the next trading day`;
  }
  if (p.move !== undefined) {
    const into =
      p.move === 'asset'
        ? zh
          ? `转入 ${p.symbol ?? ''}`
          : `move into ${p.symbol ?? ''}`
        : zh
          ? '卖出转为现金'
          : 'sell to cash';
    return zh ? `${rule}：暂停后${into}` : `${rule}: ${into} after the halt`;
  }
  return zh ? `${rule}。${p.detail}` : `${rule}. ${p.detail}`;
}

/** A failure as its catalogued message when the text's language can render it, else its English text. */
const reason = (text: Message | undefined, english: string, h: AlertTextHelpers) =>
  text && h.message ? h.message(text) : english;

type Texts = {
  [K in AlertKind]: Record<AlertLanguage, (p: AlertParamsByKind[K], h: AlertTextHelpers) => string>;
};

const TEXTS: Texts = {
  'ib.disconnected': {
    'zh-CN': (p) =>
      `IB 连接已断开超过 ${duration(p.downSeconds, 'zh-CN')}（${p.host}:${p.port}）。原因：${p.reason ?? '未知'}。恢复前不会下单。`,
    en: (p) =>
      `IB has been disconnected for over ${duration(p.downSeconds, 'en')} (${p.host}:${p.port}). Reason: ${p.reason ?? 'unknown'}. No orders are sent until it is back.`,
  },
  'ib.reconnected': {
    'zh-CN': (p) =>
      `IB 连接已恢复（${p.host}:${p.port}），中断约 ${duration(p.downSeconds, 'zh-CN')}，期间断线 ${p.disconnects} 次。`,
    en: (p) =>
      `IB connection restored (${p.host}:${p.port}) after about ${duration(p.downSeconds, 'en')}; ${p.disconnects} disconnect(s) in that time.`,
  },
  'order.rejected': {
    'zh-CN': (p, h) =>
      `订单被拒绝：${side(p.side, h)} ${p.quantity} ${p.symbol}（${p.clientOrderId}）。原因：${p.reason}`,
    en: (p, h) =>
      `Order rejected: ${side(p.side, h)} ${p.quantity} ${p.symbol} (${p.clientOrderId}). Reason: ${p.reason}`,
  },
  'order.failed': {
    'zh-CN': (p, h) =>
      `下单失败：${side(p.side, h)} ${p.quantity} ${p.symbol}（${p.clientOrderId}）。原因：${p.reason}`,
    en: (p, h) =>
      `Order failed: ${side(p.side, h)} ${p.quantity} ${p.symbol} (${p.clientOrderId}). Reason: ${p.reason}`,
  },
  'risk.warning': {
    'zh-CN': (p) => `风控预警${p.project ? `（${p.project}）` : ''}：${riskSummary(p, 'zh-CN')}`,
    en: (p) => `Risk warning${p.project ? ` (${p.project})` : ''}: ${riskSummary(p, 'en')}`,
  },
  'risk.triggered': {
    'zh-CN': (p) =>
      `风控触发${p.project ? `（${p.project}）` : ''}：${riskSummary(p, 'zh-CN')}。相关订单已被拦截。`,
    en: (p) =>
      `Risk limit triggered${p.project ? ` (${p.project})` : ''}: ${riskSummary(p, 'en')}. The orders concerned were blocked.`,
  },
  'trading.halted': {
    'zh-CN': (p) => `交易已暂停（操作人：${p.actor}）。原因：${p.reason}。需人工确认后才能恢复。`,
    en: (p) =>
      `Trading halted by ${p.actor}. Reason: ${p.reason}. It stays halted until a person resumes it.`,
  },
  'trading.resumed': {
    'zh-CN': (p) => `交易已恢复（操作人：${p.actor}）。`,
    en: (p) => `Trading resumed by ${p.actor}.`,
  },
  'run.started': {
    'zh-CN': (p) => `调仓开始：项目 ${p.project}，交易日 ${p.tradingDate}（运行 #${p.runId}）。`,
    en: (p) => `Rebalance started: project ${p.project}, trading date ${p.tradingDate} (run #${p.runId}).`,
  },
  'run.completed': {
    'zh-CN': (p) =>
      `调仓完成：项目 ${p.project}，交易日 ${p.tradingDate}（运行 #${p.runId}），订单 ${p.orders} 笔，成交 ${p.filled} 笔。`,
    en: (p) =>
      `Rebalance completed: project ${p.project}, trading date ${p.tradingDate} (run #${p.runId}), ${p.orders} orders, ${p.filled} filled.`,
  },
  'run.failed': {
    'zh-CN': (p, h) =>
      `调仓失败：项目 ${p.project}，交易日 ${p.tradingDate}（运行 #${p.runId}）。错误：${reason(p.errorText, p.error, h)}`,
    en: (p, h) =>
      `Rebalance failed: project ${p.project}, trading date ${p.tradingDate} (run #${p.runId}). Error: ${reason(p.errorText, p.error, h)}`,
  },
  'run.missed': {
    'zh-CN': (p) => `调仓未执行：项目 ${p.project}，计划时间 ${p.scheduledAt}。原因：${p.reason}`,
    en: (p) => `Rebalance missed: project ${p.project}, scheduled for ${p.scheduledAt}. Reason: ${p.reason}`,
  },
  'fallback.used': {
    'zh-CN': (p, h) =>
      `已启用回退策略：项目 ${p.project}，策略：${policy(p.policy, 'zh-CN')}。原因：${reason(p.reasonText, p.reason, h)}`,
    en: (p, h) =>
      `Fallback used: project ${p.project}, policy: ${policy(p.policy, 'en')}. Reason: ${reason(p.reasonText, p.reason, h)}`,
  },
  'reconcile.differences': {
    'zh-CN': (p) => `对账发现 ${p.differences} 处差异（${p.reason}）：${p.detail}`,
    en: (p) => `Reconciliation found ${p.differences} difference(s) (${p.reason}): ${p.detail}`,
  },
  'gateway.login-needed': {
    'zh-CN': (p) =>
      `IB Gateway（${p.host}:${p.port}）已断开 ${duration(p.downSeconds, 'zh-CN')}，可能需要重新登录（IBC / 双重认证）。`,
    en: (p) =>
      `IB Gateway (${p.host}:${p.port}) has been down for ${duration(p.downSeconds, 'en')}: it probably needs a login (IBC / two-factor).`,
  },
  'daily.summary': {
    'zh-CN': (p) =>
      `每日汇总 ${p.date}：当日盈亏 ${num(p.pnl, 'zh-CN')}，净值 ${num(p.netLiquidation, 'zh-CN')}，持仓 ${p.positions} 个。审计链头 #${p.auditSeq} ${p.auditHeadHash}`,
    en: (p) =>
      `Daily summary ${p.date}: PnL ${num(p.pnl, 'en')}, net liquidation ${num(p.netLiquidation, 'en')}, ${p.positions} positions. Audit chain head #${p.auditSeq} ${p.auditHeadHash}`,
  },
  'test.message': {
    'zh-CN': (p) => `ibloop 测试消息（${p.actor} 发送）：Telegram 告警配置正常。`,
    en: (p) => `ibloop test message (sent by ${p.actor}): Telegram alerts are set up correctly.`,
  },
};

export function isAlertTextKind(kind: string): kind is AlertKind {
  return Object.hasOwn(TEXTS, kind);
}

/** The kind's sentence in a language (without the severity mark the Telegram message adds). */
export function alertText<K extends AlertKind>(
  kind: K,
  params: AlertParamsByKind[K],
  language: AlertLanguage,
  helpers: AlertTextHelpers = {},
): string {
  const text = TEXTS[kind][language] as (p: AlertParamsByKind[K], h: AlertTextHelpers) => string;
  return text(params, helpers);
}
