import { describe, expect, it } from 'vitest';
import {
  ALERT_KIND_NAMES,
  ALERT_KINDS,
  type AlertParamsByKind,
  renderAlert,
  splitText,
} from '../../src/alerts/index.js';
import { alertText } from '../../src/contract/alert-texts.js';
import { englishText, msg } from '../../src/contract/messages.js';

const SAMPLE: AlertParamsByKind = {
  'ib.disconnected': { host: 'gw', port: 4001, reason: '1100', downSeconds: 200 },
  'ib.reconnected': { host: 'gw', port: 4001, downSeconds: 400, disconnects: 3 },
  'order.rejected': {
    clientOrderId: 'ibl:R1:AAPL:B:0',
    symbol: 'AAPL',
    side: 'BUY',
    quantity: 5,
    reason: '201',
  },
  'order.failed': { clientOrderId: 'ibl:R1:AAPL:B:0', symbol: 'AAPL', side: 'BUY', quantity: 5, reason: 'x' },
  'risk.warning': { rule: 'sector cap', detail: 'tech 41%', project: 'alpha' },
  'risk.triggered': { rule: 'sector cap', detail: 'tech 45%' },
  'trading.halted': { reason: 'drawdown', actor: 'risk' },
  'trading.resumed': { actor: 'admin' },
  'run.started': { project: 'alpha', tradingDate: '2026-11-23', runId: 1 },
  'run.completed': { project: 'alpha', tradingDate: '2026-11-23', runId: 1, orders: 10, filled: 9 },
  'run.failed': { project: 'alpha', tradingDate: '2026-11-23', runId: 1, error: 'x' },
  'run.missed': { project: 'alpha', scheduledAt: '2026-11-23T14:40:00Z', reason: 'server down' },
  'fallback.used': { project: 'alpha', policy: 'last-snapshot', reason: 'x' },
  'reconcile.differences': { reason: 'startup', differences: 2, detail: 'AAPL' },
  'gateway.login-needed': { host: 'gw', port: 4001, downSeconds: 1000 },
  'daily.summary': {
    date: '2026-11-23',
    pnl: 1234.5,
    netLiquidation: 1_000_000,
    positions: 12,
    auditHeadHash: 'ab12',
    auditSeq: 99,
  },
  'test.message': { actor: 'admin' },
};

describe('alert texts', () => {
  it('every kind has a text in both languages', () => {
    for (const kind of ALERT_KIND_NAMES) {
      const severity = ALERT_KINDS[kind].severity;
      const zh = renderAlert(kind, severity, SAMPLE[kind] as never, 'zh-CN');
      const en = renderAlert(kind, severity, SAMPLE[kind] as never, 'en');
      expect(zh).not.toBe(en);
      expect(zh).not.toContain('undefined');
      expect(en).not.toContain('undefined');
    }
    expect(renderAlert('daily.summary', 'info', SAMPLE['daily.summary'], 'en')).toContain('#99 ab12');
  });

  it('renders from kind + params in the reader language: catalogued failures and enum values through its helpers', () => {
    const reasonText = msg('DECISION_NO_MODEL', { project: 2, version: 1 });
    const params: AlertParamsByKind['fallback.used'] = {
      project: 'alpha',
      policy: 'stand-still',
      reason: 'modelVersion: project 2 version 1 has no trained model',
      reasonCode: 'DECISION_NO_MODEL',
      reasonText,
    };
    // The web app passes its own renderers: the failure and the policy read in Chinese, no English left.
    const zh = alertText('fallback.used', params, 'zh-CN', { message: (m) => `〔${m.code}〕` });
    expect(zh).toBe('已启用回退策略：项目 alpha，策略：维持不动。原因：〔DECISION_NO_MODEL〕');
    // Telegram in English renders the catalogued sentence; without a renderer the English reason stays.
    expect(renderAlert('fallback.used', 'warning', params, 'en')).toContain(englishText(reasonText));
    expect(alertText('fallback.used', params, 'en')).toContain(params.reason);
    const order = SAMPLE['order.rejected'];
    expect(alertText('order.rejected', order, 'zh-CN', { enumValue: (_, value) => `<${value}>` })).toContain(
      '<BUY> 5 AAPL',
    );
  });

  it('renders risk alerts from the rule code and figures: no English on a Chinese page; old rows as stored', () => {
    const warning: AlertParamsByKind['risk.warning'] = {
      rule: 'dailyLoss',
      value: 0.0761,
      limit: 0.05,
      detail: 'daily loss 7.61% / limit 5.00%; net liquidation 92390.00, day start 100000.00',
    };
    const zh = alertText('risk.warning', warning, 'zh-CN');
    expect(zh).toBe('风控预警：当日亏损 7.61%，限额 5.00%');
    expect(zh).not.toMatch(/[A-Za-z]/);
    expect(alertText('risk.warning', warning, 'en')).toBe('Risk warning: daily loss 7.61% / limit 5.00%');
    const halt = alertText('risk.triggered', { ...warning, rule: 'drawdown', action: 'HALTED' }, 'zh-CN');
    expect(halt).toBe('风控触发：回撤 7.61%，限额 5.00%，交易已暂停。相关订单已被拦截。');
    const pretrade = {
      rule: 'pretrade',
      rules: ['funds', 'fat-finger'],
      runId: 7,
      tradingDate: '2026-11-23',
      detail: '',
    };
    expect(alertText('risk.triggered', { ...pretrade, project: 'alpha' }, 'zh-CN')).toBe(
      '风控触发（alpha）：交易前检查未通过：资金、异常大单（运行 #7，2026-11-23）。相关订单已被拦截。',
    );
    const defensive = {
      rule: 'defensive',
      move: 'asset' as const,
      symbol: 'SHY',
      detail: 'move into SHY after halt: x',
    };
    expect(alertText('risk.triggered', defensive, 'zh-CN')).toBe('风控触发：防御操作：暂停后转入 SHY。');
    const deferred = {
      rule: 'defensive',
      heldBy: 3,
      tradingDate: '2026-11-23',
      detail: 'run 3 already holds',
    };
    expect(alertText('risk.triggered', deferred, 'zh-CN')).not.toMatch(/[A-Za-z]/);
    // A row stored before the figures: its rule and English detail, as it always read.
    expect(alertText('risk.warning', { rule: 'sector cap', detail: 'tech 41%' }, 'zh-CN')).toBe(
      '风控预警：sector cap。tech 41%',
    );
  });

  it('splits texts over 4,096 UTF-16 units at line breaks, never inside a surrogate pair', () => {
    const lines = Array.from({ length: 300 }, (_, i) => `line ${i} ${'x'.repeat(20)}`).join('\n');
    const parts = splitText(lines);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => p.length <= 4096)).toBe(true);
    expect(parts.join('\n')).toBe(lines);

    const emoji = '😀'.repeat(3000);
    const cut = splitText(emoji);
    expect(cut.every((p) => p.length <= 4096 && !/[\uD800-\uDBFF]$/.test(p))).toBe(true);
    expect(cut.join('')).toBe(emoji);
    expect(splitText('short')).toEqual(['short']);
  });
});
