/**
 * The alert kinds: default severity, suppression window, what a kind resolves, and its text in both
 * languages. Texts are plain text (no Telegram parse mode): IB error messages, symbols and
 * user-typed names may contain `_`, `*`, `<` or `[`, which Markdown/HTML parse modes would reject
 * with "can't parse entities" and the alert would never be delivered.
 */

export const ALERT_SEVERITIES = ['critical', 'warning', 'info'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export const ALERT_LANGUAGES = ['zh-CN', 'en'] as const;
export type AlertLanguage = (typeof ALERT_LANGUAGES)[number];

type Scalar = string | number | boolean | null;

/** The parameters each kind takes (stored as JSON with the row, so the text can be re-rendered). */
export interface AlertParamsByKind {
  'ib.disconnected': { host: string; port: number; reason: string | null; downSeconds: number };
  'ib.reconnected': { host: string; port: number; downSeconds: number; disconnects: number };
  'order.rejected': { clientOrderId: string; symbol: string; side: string; quantity: number; reason: string };
  'order.failed': { clientOrderId: string; symbol: string; side: string; quantity: number; reason: string };
  'risk.warning': { rule: string; detail: string; project?: string };
  'risk.triggered': { rule: string; detail: string; project?: string };
  'trading.halted': { reason: string; actor: string };
  'trading.resumed': { actor: string };
  'run.started': { project: string; tradingDate: string; runId: number };
  'run.completed': { project: string; tradingDate: string; runId: number; orders: number; filled: number };
  'run.failed': { project: string; tradingDate: string; runId: number; error: string };
  'run.missed': { project: string; scheduledAt: string; reason: string };
  'fallback.used': { project: string; policy: string; reason: string };
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
export type AlertParams = Record<string, Scalar | undefined>;

interface KindDef<K extends AlertKind> {
  severity: AlertSeverity;
  /**
   * Seconds during which the same kind and dedupe key only counts an occurrence instead of sending
   * again. null: the alert stays open until a recovery kind resolves it.
   */
  suppressSeconds: number | null;
  /** Kinds whose open alerts this kind closes (the recovery of a stateful alert). */
  resolves?: readonly AlertKind[];
  text: Record<AlertLanguage, (p: AlertParamsByKind[K]) => string>;
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

export const ALERT_KINDS: { [K in AlertKind]: KindDef<K> } = {
  'ib.disconnected': {
    severity: 'critical',
    suppressSeconds: null,
    text: {
      'zh-CN': (p) =>
        `IB 连接已断开超过 ${duration(p.downSeconds, 'zh-CN')}（${p.host}:${p.port}）。原因：${p.reason ?? '未知'}。恢复前不会下单。`,
      en: (p) =>
        `IB has been disconnected for over ${duration(p.downSeconds, 'en')} (${p.host}:${p.port}). Reason: ${p.reason ?? 'unknown'}. No orders are sent until it is back.`,
    },
  },
  'ib.reconnected': {
    severity: 'critical',
    suppressSeconds: 0,
    resolves: ['ib.disconnected', 'gateway.login-needed'],
    text: {
      'zh-CN': (p) =>
        `IB 连接已恢复（${p.host}:${p.port}），中断约 ${duration(p.downSeconds, 'zh-CN')}，期间断线 ${p.disconnects} 次。`,
      en: (p) =>
        `IB connection restored (${p.host}:${p.port}) after about ${duration(p.downSeconds, 'en')}; ${p.disconnects} disconnect(s) in that time.`,
    },
  },
  'order.rejected': {
    severity: 'critical',
    suppressSeconds: 600,
    text: {
      'zh-CN': (p) =>
        `订单被拒绝：${p.side} ${p.quantity} ${p.symbol}（${p.clientOrderId}）。原因：${p.reason}`,
      en: (p) =>
        `Order rejected: ${p.side} ${p.quantity} ${p.symbol} (${p.clientOrderId}). Reason: ${p.reason}`,
    },
  },
  'order.failed': {
    severity: 'critical',
    suppressSeconds: 600,
    text: {
      'zh-CN': (p) =>
        `下单失败：${p.side} ${p.quantity} ${p.symbol}（${p.clientOrderId}）。原因：${p.reason}`,
      en: (p) =>
        `Order failed: ${p.side} ${p.quantity} ${p.symbol} (${p.clientOrderId}). Reason: ${p.reason}`,
    },
  },
  'risk.warning': {
    severity: 'warning',
    suppressSeconds: 3600,
    text: {
      'zh-CN': (p) => `风控预警${p.project ? `（${p.project}）` : ''}：${p.rule}。${p.detail}`,
      en: (p) => `Risk warning${p.project ? ` (${p.project})` : ''}: ${p.rule}. ${p.detail}`,
    },
  },
  'risk.triggered': {
    severity: 'critical',
    suppressSeconds: 600,
    text: {
      'zh-CN': (p) =>
        `风控触发${p.project ? `（${p.project}）` : ''}：${p.rule}。${p.detail}。相关订单已被拦截。`,
      en: (p) =>
        `Risk limit triggered${p.project ? ` (${p.project})` : ''}: ${p.rule}. ${p.detail}. The orders concerned were blocked.`,
    },
  },
  'trading.halted': {
    severity: 'critical',
    suppressSeconds: null,
    text: {
      'zh-CN': (p) => `交易已暂停（操作人：${p.actor}）。原因：${p.reason}。需人工确认后才能恢复。`,
      en: (p) =>
        `Trading halted by ${p.actor}. Reason: ${p.reason}. It stays halted until a person resumes it.`,
    },
  },
  'trading.resumed': {
    severity: 'critical',
    suppressSeconds: 0,
    resolves: ['trading.halted'],
    text: {
      'zh-CN': (p) => `交易已恢复（操作人：${p.actor}）。`,
      en: (p) => `Trading resumed by ${p.actor}.`,
    },
  },
  'run.started': {
    severity: 'info',
    suppressSeconds: 0,
    text: {
      'zh-CN': (p) => `调仓开始：项目 ${p.project}，交易日 ${p.tradingDate}（运行 #${p.runId}）。`,
      en: (p) => `Rebalance started: project ${p.project}, trading date ${p.tradingDate} (run #${p.runId}).`,
    },
  },
  'run.completed': {
    severity: 'info',
    suppressSeconds: 0,
    text: {
      'zh-CN': (p) =>
        `调仓完成：项目 ${p.project}，交易日 ${p.tradingDate}（运行 #${p.runId}），订单 ${p.orders} 笔，成交 ${p.filled} 笔。`,
      en: (p) =>
        `Rebalance completed: project ${p.project}, trading date ${p.tradingDate} (run #${p.runId}), ${p.orders} orders, ${p.filled} filled.`,
    },
  },
  'run.failed': {
    severity: 'critical',
    suppressSeconds: 0,
    text: {
      'zh-CN': (p) =>
        `调仓失败：项目 ${p.project}，交易日 ${p.tradingDate}（运行 #${p.runId}）。错误：${p.error}`,
      en: (p) =>
        `Rebalance failed: project ${p.project}, trading date ${p.tradingDate} (run #${p.runId}). Error: ${p.error}`,
    },
  },
  'run.missed': {
    severity: 'critical',
    suppressSeconds: 3600,
    text: {
      'zh-CN': (p) => `调仓未执行：项目 ${p.project}，计划时间 ${p.scheduledAt}。原因：${p.reason}`,
      en: (p) =>
        `Rebalance missed: project ${p.project}, scheduled for ${p.scheduledAt}. Reason: ${p.reason}`,
    },
  },
  'fallback.used': {
    severity: 'warning',
    suppressSeconds: 3600,
    text: {
      'zh-CN': (p) => `已启用回退策略：项目 ${p.project}，策略 ${p.policy}。原因：${p.reason}`,
      en: (p) => `Fallback used: project ${p.project}, policy ${p.policy}. Reason: ${p.reason}`,
    },
  },
  'reconcile.differences': {
    severity: 'warning',
    suppressSeconds: 3600,
    text: {
      'zh-CN': (p) => `对账发现 ${p.differences} 处差异（${p.reason}）：${p.detail}`,
      en: (p) => `Reconciliation found ${p.differences} difference(s) (${p.reason}): ${p.detail}`,
    },
  },
  'gateway.login-needed': {
    severity: 'critical',
    suppressSeconds: null,
    text: {
      'zh-CN': (p) =>
        `IB Gateway（${p.host}:${p.port}）已断开 ${duration(p.downSeconds, 'zh-CN')}，可能需要重新登录（IBC / 双重认证）。`,
      en: (p) =>
        `IB Gateway (${p.host}:${p.port}) has been down for ${duration(p.downSeconds, 'en')}: it probably needs a login (IBC / two-factor).`,
    },
  },
  'daily.summary': {
    severity: 'info',
    suppressSeconds: 0,
    text: {
      'zh-CN': (p) =>
        `每日汇总 ${p.date}：当日盈亏 ${num(p.pnl, 'zh-CN')}，净值 ${num(p.netLiquidation, 'zh-CN')}，持仓 ${p.positions} 个。审计链头 #${p.auditSeq} ${p.auditHeadHash}`,
      en: (p) =>
        `Daily summary ${p.date}: PnL ${num(p.pnl, 'en')}, net liquidation ${num(p.netLiquidation, 'en')}, ${p.positions} positions. Audit chain head #${p.auditSeq} ${p.auditHeadHash}`,
    },
  },
  'test.message': {
    severity: 'info',
    suppressSeconds: 0,
    text: {
      'zh-CN': (p) => `ibloop 测试消息（${p.actor} 发送）：Telegram 告警配置正常。`,
      en: (p) => `ibloop test message (sent by ${p.actor}): Telegram alerts are set up correctly.`,
    },
  },
};

export const ALERT_KIND_NAMES = Object.keys(ALERT_KINDS) as AlertKind[];

export function isAlertKind(value: string): value is AlertKind {
  return Object.hasOwn(ALERT_KINDS, value);
}

const SEVERITY_MARK: Record<AlertSeverity, string> = { critical: '🔴', warning: '🟠', info: '🔵' };

/** The text as stored and sent: severity mark, the kind's text, the row's reference. */
export function renderAlert<K extends AlertKind>(
  kind: K,
  severity: AlertSeverity,
  params: AlertParamsByKind[K],
  language: AlertLanguage,
): string {
  const def = ALERT_KINDS[kind] as KindDef<K>;
  return `${SEVERITY_MARK[severity]} ${def.text[language](params)}`;
}

export function kindDefaults(kind: AlertKind): {
  severity: AlertSeverity;
  suppressSeconds: number | null;
  resolves: readonly AlertKind[];
} {
  const def = ALERT_KINDS[kind];
  return { severity: def.severity, suppressSeconds: def.suppressSeconds, resolves: def.resolves ?? [] };
}
