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
import { actorName } from './actor-texts.js';
import type { IbReason } from './ib.js';
import { ibReasonText } from './ib-reason-texts.js';
import type { EnumName, Message } from './messages.js';
import type { RiskFindingView } from './pretrade.js';
import { PRETRADE_FINDINGS_EN } from './pretrade-texts.en.js';
import { findingSentence } from './pretrade-texts.js';
import { PRETRADE_FINDINGS_ZH_CN } from './pretrade-texts.zh-CN.js';

export const ALERT_LANGUAGES = ['zh-CN', 'en'] as const;
export type AlertLanguage = (typeof ALERT_LANGUAGES)[number];

/** The parameters each kind takes (stored as JSON with the row, so the text can be re-rendered). */
export interface AlertParamsByKind {
  'ib.disconnected': {
    host: string;
    port: number;
    /** In English (logs, API users); rows before `reasonCode` render it as it is. */
    reason: string | null;
    /** The reason as a code (src/contract/ib-reason-texts.ts), rendered in the reader's language. */
    reasonCode?: IbReason | null;
    downSeconds: number;
  };
  'ib.reconnected': { host: string; port: number; downSeconds: number; disconnects: number };
  'order.rejected': {
    clientOrderId: string;
    symbol: string;
    side: string;
    quantity: number;
    /** In English (logs, API users); rows before `ibMessage` render it as it is. */
    reason: string;
    /** IB's error code and its own text, shown as IB wrote it; null: IB gave no reason. */
    ibCode?: number;
    ibMessage?: string | null;
  };
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
  'run.missed': {
    project: string;
    scheduledAt: string;
    /** In English (logs, API users). */
    reason: string;
    /** Why, as a code each language renders; rows before it have only `reason`. */
    reasonCode?: RunMissedReason;
  };
  'fallback.used': {
    project: string;
    policy: string;
    /** The decide step's failure in English (logs, API users). */
    reason: string;
    /** The step failure's code (src/pipeline/errors.ts) and catalogued message, rendered in the reader's language. */
    reasonCode?: string;
    reasonText?: Message;
  };
  'reconcile.differences': {
    /** What started the reconciliation (startup, reconnect, ...). */
    reason: string;
    differences: number;
    /** The counts in English (logs, API users); rows before `counts` have only this. */
    detail: string;
    counts?: ReconcileCounts;
  };
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

/** Why a weekly run never started: IB not back in time, the window closed, the server was down. */
export const RUN_MISSED_REASONS = ['ib-not-back', 'window-closed', 'server-down'] as const;
export type RunMissedReason = (typeof RUN_MISSED_REASONS)[number];

/** What a reconciliation found: our orders IB no longer knows, IB orders not ours, position differences. */
export interface ReconcileCounts {
  missing: number;
  foreign: number;
  positionDiffs: number;
}

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
  /** Pre-trade: the first findings (code, symbol, figures), rendered per language; older rows have only `detail`. */
  findings?: RiskFindingView[];
  /**
   * Defensive move after a halt: into `symbol` or to cash, after a halt of the account or the project;
   * a monitor's halt gives its metric against its limit, a person's halt their words (`haltReason`,
   * shown as written). `heldBy`: rows from before moves were made the same day (deferred while run
   * `heldBy` held the day).
   */
  move?: 'asset' | 'cash';
  symbol?: string;
  haltScope?: 'account' | 'project';
  haltMetric?: 'dailyLoss' | 'drawdown';
  haltValue?: number;
  haltLimit?: number;
  haltReason?: string;
  heldBy?: number;
  /**
   * A defensive move still waiting past its bound: minutes since the halt, and the orders of another
   * run the broker has not finalised (nothing is sent until they are).
   */
  waitMinutes?: number;
  ordersOut?: DefensiveOrderOut[];
}

/** An order a defensive move waits for: still out at the broker, `filled` of `quantity` done. */
export interface DefensiveOrderOut {
  clientOrderId: string;
  symbol: string;
  side: string;
  quantity: number;
  filled: number;
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

const FINDING_TEXTS = { 'zh-CN': PRETRADE_FINDINGS_ZH_CN, en: PRETRADE_FINDINGS_EN } as const;

/** The rule and what it measured, from the stored figures when the row has them. */
/** A defensive move (or its old postponement) reports a sale, not blocked orders. */
function isDefensiveMove(p: RiskAlertParams): boolean {
  return p.move !== undefined || p.heldBy !== undefined;
}

function riskSummary(p: RiskAlertParams, language: AlertLanguage, h: AlertTextHelpers = {}): string {
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
    const listed = p.findings
      ? p.findings.map((f) => findingSentence(f, FINDING_TEXTS[language], h)).join(zh ? '；' : '; ')
      : p.detail;
    const findings = listed ? (zh ? `：${listed}` : `: ${listed}`) : '';
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
    if (p.ordersOut !== undefined) return waitingSummary(p, rule, into, language, h);
    return zh
      ? `${rule}：暂停后${into}${haltOf(p, language)}`
      : `${rule}: ${into} after the halt${haltOf(p, language)}`;
  }
  return zh ? `${rule}。${p.detail}` : `${rule}. ${p.detail}`;
}

/** A move still waiting past its bound: for which orders, and that nothing is sent until they end. */
function waitingSummary(
  p: RiskAlertParams,
  rule: string,
  into: string,
  language: AlertLanguage,
  h: AlertTextHelpers,
): string {
  const zh = language === 'zh-CN';
  const orders = (p.ordersOut ?? [])
    .map((o) =>
      zh
        ? `${o.symbol} ${side(o.side, h)} 已成交 ${o.filled}/${o.quantity}（${o.clientOrderId}）`
        : `${o.symbol} ${side(o.side, h)} ${o.filled}/${o.quantity} filled (${o.clientOrderId})`,
    )
    .join(zh ? '；' : '; ');
  const waited = duration((p.waitMinutes ?? 0) * 60, language);
  return zh
    ? `${rule}：暂停后${into}${haltOf(p, language)}尚未执行，已等待 ${waited}，其他运行的订单仍在券商处未完结：${orders}。已向券商查询并再次请求撤单；这些订单完结前不会发出任何防御订单，请到券商处核对`
    : `${rule}: ${into} after the halt${haltOf(p, language)} is still waiting after ${waited} for orders of another run still out at the broker: ${orders}. The broker was asked again and the cancels repeated; no defensive order is sent until they are final. Check them at the broker`;
}

/** The halt a defensive move answers: whose it was and why (figures, or a person's words). */
function haltOf(p: RiskAlertParams, language: AlertLanguage): string {
  const zh = language === 'zh-CN';
  if (p.haltScope === undefined) return '';
  const scope = p.haltScope === 'account' ? (zh ? '账户' : 'account') : zh ? '项目' : 'project';
  const why =
    p.haltMetric !== undefined && p.haltValue !== undefined && p.haltLimit !== undefined
      ? zh
        ? `${riskRule(p.haltMetric, language)} ${pct(p.haltValue)}，限额 ${pct(p.haltLimit)}`
        : `${riskRule(p.haltMetric, language)} ${pct(p.haltValue)} / limit ${pct(p.haltLimit)}`
      : p.haltReason
        ? zh
          ? `原因：${p.haltReason}`
          : p.haltReason
        : '';
  if (zh) return `（${scope}暂停${why ? `，${why}` : ''}）`;
  return ` (${scope} halt${why ? `: ${why}` : ''})`;
}

const MISSED: Record<AlertLanguage, Record<RunMissedReason, string>> = {
  'zh-CN': {
    'ib-not-back': '交易窗口结束前 IB 未恢复连接',
    'window-closed': '运行开始前交易窗口已结束',
    'server-down': '交易窗口期间服务器未运行（或未持有交易权）',
  },
  en: {
    'ib-not-back': 'IB was not back before the window closed',
    'window-closed': 'the window closed before the run could start',
    'server-down': 'the server was not running (or not trading) during the window',
  },
};
/** Why a run was missed, in a language (the runner stores the English one as the run's error). */
export const missedReasonText = (code: RunMissedReason, language: AlertLanguage): string =>
  MISSED[language][code];
const missedReason = (p: AlertParamsByKind['run.missed'], language: AlertLanguage) =>
  p.reasonCode ? MISSED[language][p.reasonCode] : p.reason;

/** What started a reconciliation (the contract's ReconcileReason); unknown ones stay as they are. */
const RECONCILE_REASONS: Record<AlertLanguage, Record<string, string>> = {
  'zh-CN': {
    startup: '启动',
    reconnect: '重新连接',
    'restored-data-lost': '连接恢复（数据丢失）',
    'restored-data-kept': '连接恢复（数据保留）',
    manual: '手动',
  },
  en: {
    startup: 'startup',
    reconnect: 'reconnect',
    'restored-data-lost': 'restored, data lost',
    'restored-data-kept': 'restored, data kept',
    manual: 'manual',
  },
};
const COUNT_NAMES: Record<AlertLanguage, Record<keyof ReconcileCounts, string>> = {
  'zh-CN': { missing: 'IB 未找到的本地订单', foreign: '非本系统的 IB 订单', positionDiffs: '持仓差异' },
  en: {
    missing: 'orders IB no longer knows',
    foreign: 'IB orders not ours',
    positionDiffs: 'position differences',
  },
};
/** The reconciliation's counts in the language (the stored English detail on older rows). */
function reconcileSummary(p: AlertParamsByKind['reconcile.differences'], language: AlertLanguage) {
  const reason = RECONCILE_REASONS[language][p.reason] ?? p.reason;
  if (!p.counts) return { reason, detail: p.detail };
  const counts = p.counts;
  const parts = (Object.keys(COUNT_NAMES[language]) as (keyof ReconcileCounts)[])
    .filter((key) => counts[key] > 0)
    .map((key) => `${COUNT_NAMES[language][key]} ${counts[key]}`);
  return { reason, detail: parts.join(language === 'zh-CN' ? '，' : ', ') };
}

/** Why IB is down: from the code when the row has one, else the stored English as it is. */
function disconnectReason(p: AlertParamsByKind['ib.disconnected'], language: AlertLanguage): string {
  if (p.reasonCode) return ibReasonText(p.reasonCode, language);
  return p.reason ?? (language === 'zh-CN' ? '未知' : 'unknown');
}

/** Why IB rejected an order: IB's own words, marked as IB's; older rows keep their stored text. */
function rejectionReason(p: AlertParamsByKind['order.rejected'], language: AlertLanguage): string {
  const zh = language === 'zh-CN';
  if (p.ibMessage === undefined) return p.reason;
  if (p.ibMessage === null) return zh ? 'IB 未说明原因' : 'IB gave no reason';
  const code = p.ibCode === undefined ? '' : zh ? `IB 错误 ${p.ibCode}，` : `IB error ${p.ibCode}, `;
  return zh ? `${code}IB 的原文：${p.ibMessage}` : `${code}IB's message: ${p.ibMessage}`;
}

/**
 * A failure as its catalogued message in the text's language (the server passes messageText,
 * src/contract/message-text.ts; the web its renderMessage); rows from before the code, or a caller
 * with no renderer, show the stored English text.
 */
const reason = (text: Message | undefined, english: string, h: AlertTextHelpers) =>
  text && h.message ? h.message(text) : english;

type Texts = {
  [K in AlertKind]: Record<AlertLanguage, (p: AlertParamsByKind[K], h: AlertTextHelpers) => string>;
};

const TEXTS: Texts = {
  'ib.disconnected': {
    'zh-CN': (p) =>
      `IB 连接已断开超过 ${duration(p.downSeconds, 'zh-CN')}（${p.host}:${p.port}）。原因：${disconnectReason(p, 'zh-CN')}。恢复前不会下单。`,
    en: (p) =>
      `IB has been disconnected for over ${duration(p.downSeconds, 'en')} (${p.host}:${p.port}). Reason: ${disconnectReason(p, 'en')}. No orders are sent until it is back.`,
  },
  'ib.reconnected': {
    'zh-CN': (p) =>
      `IB 连接已恢复（${p.host}:${p.port}），中断约 ${duration(p.downSeconds, 'zh-CN')}，期间断线 ${p.disconnects} 次。`,
    en: (p) =>
      `IB connection restored (${p.host}:${p.port}) after about ${duration(p.downSeconds, 'en')}; ${p.disconnects} disconnect(s) in that time.`,
  },
  'order.rejected': {
    'zh-CN': (p, h) =>
      `订单被拒绝：${side(p.side, h)} ${p.quantity} ${p.symbol}（${p.clientOrderId}）。原因：${rejectionReason(p, 'zh-CN')}`,
    en: (p, h) =>
      `Order rejected: ${side(p.side, h)} ${p.quantity} ${p.symbol} (${p.clientOrderId}). Reason: ${rejectionReason(p, 'en')}`,
  },
  'order.failed': {
    'zh-CN': (p, h) =>
      `下单失败：${side(p.side, h)} ${p.quantity} ${p.symbol}（${p.clientOrderId}）。原因：${p.reason}`,
    en: (p, h) =>
      `Order failed: ${side(p.side, h)} ${p.quantity} ${p.symbol} (${p.clientOrderId}). Reason: ${p.reason}`,
  },
  'risk.warning': {
    'zh-CN': (p, h) => `风控预警${p.project ? `（${p.project}）` : ''}：${riskSummary(p, 'zh-CN', h)}`,
    en: (p, h) => `Risk warning${p.project ? ` (${p.project})` : ''}: ${riskSummary(p, 'en', h)}`,
  },
  'risk.triggered': {
    'zh-CN': (p, h) =>
      `风控触发${p.project ? `（${p.project}）` : ''}：${riskSummary(p, 'zh-CN', h)}。${isDefensiveMove(p) ? '' : '相关订单已被拦截。'}`,
    en: (p, h) =>
      `Risk limit triggered${p.project ? ` (${p.project})` : ''}: ${riskSummary(p, 'en', h)}.${isDefensiveMove(p) ? '' : ' The orders concerned were blocked.'}`,
  },
  'trading.halted': {
    'zh-CN': (p) =>
      `交易已暂停（操作人：${actorName(p.actor, 'zh-CN')}）。原因：${p.reason}。需人工确认后才能恢复。`,
    en: (p) =>
      `Trading halted by ${actorName(p.actor, 'en')}. Reason: ${p.reason}. It stays halted until a person resumes it.`,
  },
  'trading.resumed': {
    'zh-CN': (p) => `交易已恢复（操作人：${actorName(p.actor, 'zh-CN')}）。`,
    en: (p) => `Trading resumed by ${actorName(p.actor, 'en')}.`,
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
    'zh-CN': (p) =>
      `调仓未执行：项目 ${p.project}，计划时间 ${p.scheduledAt}。原因：${missedReason(p, 'zh-CN')}`,
    en: (p) =>
      `Rebalance missed: project ${p.project}, scheduled for ${p.scheduledAt}. Reason: ${missedReason(p, 'en')}`,
  },
  'fallback.used': {
    'zh-CN': (p, h) =>
      `已启用回退策略：项目 ${p.project}，策略：${policy(p.policy, 'zh-CN')}。原因：${reason(p.reasonText, p.reason, h)}`,
    en: (p, h) =>
      `Fallback used: project ${p.project}, policy: ${policy(p.policy, 'en')}. Reason: ${reason(p.reasonText, p.reason, h)}`,
  },
  'reconcile.differences': {
    'zh-CN': (p) => {
      const { reason, detail } = reconcileSummary(p, 'zh-CN');
      return `对账发现 ${p.differences} 处差异（${reason}）：${detail}`;
    },
    en: (p) => {
      const { reason, detail } = reconcileSummary(p, 'en');
      return `Reconciliation found ${p.differences} difference(s) (${reason}): ${detail}`;
    },
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
    'zh-CN': (p) => `ibloop 测试消息（${actorName(p.actor, 'zh-CN')} 发送）：Telegram 告警配置正常。`,
    en: (p) =>
      `ibloop test message (sent by ${actorName(p.actor, 'en')}): Telegram alerts are set up correctly.`,
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
