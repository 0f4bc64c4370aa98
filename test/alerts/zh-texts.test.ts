import { afterEach, describe, expect, it } from 'vitest';
import { renderAlert } from '../../src/alerts/kinds.js';
import { preTradeAlertParams } from '../../src/app/pretrade.js';
import { AuditLog } from '../../src/audit/index.js';
import {
  ALERT_LANGUAGES,
  type AlertParamsByKind,
  alertText,
  RUN_MISSED_REASONS,
} from '../../src/contract/alert-texts.js';
import type { EnumName } from '../../src/contract/messages.js';
import { PRETRADE_FINDINGS_EN } from '../../src/contract/pretrade-texts.en.js';
import { findingSentence } from '../../src/contract/pretrade-texts.js';
import { PRETRADE_FINDINGS_ZH_CN } from '../../src/contract/pretrade-texts.zh-CN.js';
import { ManualClock } from '../../src/core/index.js';
import { blockedRunAlert } from '../../src/execution/index.js';
import {
  checkPreTrade,
  type MonitoredScope,
  type PreTradeInput,
  projectScope,
  type RiskAlert,
  RiskMarks,
  RiskMonitor,
  TradingStates,
} from '../../src/risk/index.js';
import type { Store } from '../../src/store/index.js';
import { messagesZhCN } from '../../web/src/i18n/locales/messages.zh-CN.js';
import { ENGINES, type EngineTarget, freshStore } from '../helpers/engines.js';

/**
 * Issue 17's class: a Chinese page (and a Chinese Telegram message) shows no English the server
 * wrote. Alerts are rendered here from parameters the real code paths produce (a pre-trade block of a
 * crafted order list, an intraday monitor trigger, a reconciliation, a missed run) and the zh-CN
 * sentence may hold no Latin word but tickers and codes in capitals (AAPL, IB, DU****67).
 */

/** Names the user gives (stay as typed) are Chinese here, so any Latin left is the server's. */
const PROJECT = '动量周调仓';
/** Product names a Chinese sentence names as they are. */
const PRODUCT_NAMES = ['ibloop', 'Telegram', 'Gateway'];

/** The Latin words of a text that are neither capitals (tickers, IB, codes) nor product names. */
function englishWords(text: string): string[] {
  return (text.match(/[A-Za-z][A-Za-z0-9]*/g) ?? []).filter(
    (word) => word !== word.toUpperCase() && !PRODUCT_NAMES.includes(word),
  );
}

/** The web app's enum names in Chinese (the alerts page passes them; messages.zh-CN.ts). */
const zhEnums = messagesZhCN.enums as unknown as Record<string, Record<string, string>>;
const ZH_HELPERS = { enumValue: (name: EnumName, value: string) => zhEnums[name]?.[value] ?? value };

/** A $1M account whose run breaks every rule: low cash, no what-if, caps, bars and a REDUCING state. */
function everyRuleBroken(): PreTradeInput {
  return {
    orders: [
      { symbol: 'MSFT', side: 'BUY', quantity: 4_000, price: 400 },
      { symbol: 'JNJ', side: 'BUY', quantity: 5_000, price: 150 },
      { symbol: 'XOM', side: 'BUY', quantity: 100, price: 110 },
      { symbol: 'AAPL', side: 'SELL', quantity: 900, price: 200 },
    ],
    // A live account id in paper mode: the state rule's account finding names the mode.
    account: { accountId: 'U1234567', mode: 'paper', netLiquidation: 1_000_000, cash: 100_000 },
    positions: new Map([['AAPL', 500]]),
    prices: new Map([
      ['AAPL', 200],
      ['MSFT', 400],
      ['JNJ', 150],
    ]),
    previousClose: new Map([
      ['AAPL', 198],
      ['MSFT', 300],
    ]),
    averageDailyVolume: new Map([
      ['AAPL', 50_000_000],
      ['MSFT', 20_000],
    ]),
    sectors: new Map([
      ['AAPL', 'Information Technology'],
      ['MSFT', 'Information Technology'],
      ['JNJ', 'Health Care'],
    ]),
    tradingState: 'REDUCING',
  };
}

describe('zh-CN alert texts carry no server-written English', () => {
  it('a pre-trade block: every finding and the alert read in Chinese, from structured findings', () => {
    const report = checkPreTrade(everyRuleBroken(), { maxOrderValue: 100_000, maxPositionWeight: 0.1 });
    const failed = report.verdicts.filter((v) => !v.passed);
    expect(failed.map((v) => v.rule).sort()).toEqual(['exposure', 'fat-finger', 'funds', 'margin', 'state']);
    const findings = failed.flatMap((v) => v.findings);
    for (const finding of findings) {
      for (const language of ALERT_LANGUAGES) {
        const texts = language === 'zh-CN' ? PRETRADE_FINDINGS_ZH_CN : PRETRADE_FINDINGS_EN;
        // A code without a text would show as the code itself.
        expect(findingSentence(finding, texts), `${finding.code} in ${language}`).not.toBe(finding.code);
      }
      const zh = findingSentence(finding, PRETRADE_FINDINGS_ZH_CN, ZH_HELPERS);
      expect(englishWords(zh), `${finding.code}: ${zh}`).toEqual([]);
    }

    const blocked = blockedRunAlert({ id: 7, tradingDate: '2026-11-24' }, 3, PROJECT, failed);
    const params = preTradeAlertParams(blocked);
    // The first finding of each failed rule, not five of the first rule.
    expect(params.findings).toEqual(failed.map((v) => v.findings[0]));
    const zh = alertText('risk.triggered', params, 'zh-CN', ZH_HELPERS);
    expect(zh).toContain('（运行 #7，2026-11-24）');
    expect(englishWords(zh), zh).toEqual([]);
    // Telegram: the server renders every finding (sides, the mode, GICS sectors) without the web's tables.
    const telegram = renderAlert('risk.triggered', 'critical', { ...params, findings }, 'zh-CN');
    expect(englishWords(telegram), telegram).toEqual([]);
    // English keeps the findings as sentences too, not `code k=v`.
    const en = alertText('risk.triggered', params, 'en');
    expect(en).toContain('Cash after the run');
    expect(en).not.toContain('risk.');
  });

  it('a reconciliation with differences and a missed run: the reason and counts as codes', () => {
    const reconcile: AlertParamsByKind['reconcile.differences'] = {
      reason: 'restored-data-lost',
      differences: 3,
      detail: 'missing 2, foreign 1',
      counts: { missing: 2, foreign: 1, positionDiffs: 0 },
    };
    const zh = alertText('reconcile.differences', reconcile, 'zh-CN');
    expect(zh).toBe('对账发现 3 处差异（连接恢复（数据丢失））：IB 未找到的本地订单 2，非本系统的 IB 订单 1');
    for (const reasonCode of RUN_MISSED_REASONS) {
      const missed = { project: PROJECT, scheduledAt: '2026-11-23T14:40:00Z', reason: 'x y z', reasonCode };
      expect(englishWords(alertText('run.missed', missed, 'zh-CN'))).toEqual([]);
    }
    // Rows stored before the codes still read as they were stored.
    const old = { reason: 'startup', differences: 1, detail: 'missing 1' };
    expect(alertText('reconcile.differences', old, 'en')).toBe(
      'Reconciliation found 1 difference(s) (startup): missing 1',
    );
  });
});

describe.each(ENGINES)('the intraday monitor on %s: alerts and the halt reason as figures', (engine) => {
  let store: Store;
  let target: EngineTarget;
  const clock = new ManualClock(Date.parse('2026-11-24T15:00:00Z'));

  afterEach(async () => {
    await store.close();
    target.cleanup();
  });

  it('a warning and a trigger render in Chinese; the halted state stores its cause beside the text', async () => {
    ({ store, target } = await freshStore(engine));
    const states = new TradingStates(store.db, new AuditLog(store.db, clock), clock);
    const alerts: RiskAlert[] = [];
    const limits = {
      maxDailyLoss: 0.05,
      maxDrawdown: 0.15,
      warningAt: 0.8,
      drawdownAction: 'HALTED' as const,
    };
    const scope: MonitoredScope = { scope: projectScope(1), projectId: 1, name: PROJECT, limits };
    const figures = { account: 'DU****67', netLiquidation: 1_000_000, dailyPnl: 0 };
    let now = figures;
    const monitor = new RiskMonitor({
      states,
      marks: new RiskMarks(store.db),
      clock,
      read: async () => now,
      scopes: async () => [scope],
      onTrigger: async () => {},
      alert: async (alert) => {
        alerts.push(alert);
      },
    });
    await monitor.check();
    now = { ...figures, netLiquidation: 958_000, dailyPnl: -42_000 };
    await monitor.check();
    now = { ...figures, netLiquidation: 940_000, dailyPnl: -60_000 };
    await monitor.check();
    expect(alerts.map((a) => a.kind)).toEqual(['risk.warning', 'risk.triggered']);
    for (const alert of alerts) {
      const zh = alertText(alert.kind, alert.params, 'zh-CN');
      expect(englishWords(zh), zh).toEqual([]);
    }

    const halted = await states.get(projectScope(1));
    expect(halted.state).toBe('HALTED');
    expect(halted.cause).toMatchObject({
      code: 'intraday.trigger',
      metric: 'dailyLoss',
      limit: 0.05,
      action: 'HALTED',
      netLiquidation: 940_000,
      base: 1_000_000,
    });
    expect(halted.cause?.value).toBeCloseTo(0.06, 10);
    // The English line stays for logs; the state-change event carries the cause for the risk page.
    expect(halted.reason).toContain('daily loss 6.00%');
    const change = (await states.listEvents({ scope: projectScope(1) })).find(
      (e) => e.kind === 'state.changed',
    );
    expect(change?.detail.cause).toEqual(halted.cause);

    // A person's resume and halt keep their typed words and carry no cause.
    await states.resume(projectScope(1), { to: 'ACTIVE', reason: '已核实亏损', confirm: 'RESUME' }, 'admin');
    const manual = await states.tighten(projectScope(1), 'HALTED', '人工暂停', 'admin');
    expect(manual).toMatchObject({ reason: '人工暂停', cause: null });
    expect((await states.get(projectScope(1))).cause).toBeNull();
  });
});
