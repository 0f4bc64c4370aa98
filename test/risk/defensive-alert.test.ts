import { describe, expect, it } from 'vitest';
import { alertText } from '../../src/contract/alert-texts.js';
import { defensiveAlertParams } from '../../src/risk/index.js';
import type { TradingStateView } from '../../src/risk/trading-state.js';

const MONITOR_HALT: TradingStateView = {
  scope: 'project:3',
  state: 'HALTED',
  reason: 'dailyLoss 7.61% >= 5.00% (risk-monitor)',
  cause: {
    code: 'intraday.trigger',
    metric: 'dailyLoss',
    value: 0.0761,
    limit: 0.05,
    action: 'HALTED',
    netLiquidation: 923_900,
    base: 1_000_000,
  },
  changedAt: '2026-11-24T15:00:00.000Z',
  changedBy: 'risk-monitor',
};

/**
 * The defensive move's alert carries codes and figures, not English prose: each language renders the
 * move and the halt it answers from them (the English `detail` is for logs and never shown in zh-CN).
 */
describe('the defensive move alert', () => {
  it('renders a monitor halt from its figures in both languages', () => {
    const params = defensiveAlertParams(
      {
        action: 'cash',
        symbol: null,
        haltKey: 'project:3@2026-11-24T15:00:00.000Z',
        reason: MONITOR_HALT.reason,
        cause: MONITOR_HALT.cause,
      },
      MONITOR_HALT,
    );
    expect(params).toMatchObject({
      rule: 'defensive',
      move: 'cash',
      haltScope: 'project',
      haltMetric: 'dailyLoss',
      haltValue: 0.0761,
      haltLimit: 0.05,
    });
    expect(params).not.toHaveProperty('haltReason');
    const zh = alertText('risk.triggered', { ...params, project: '项目甲' }, 'zh-CN');
    expect(zh).toBe(
      '风控触发（项目甲）：防御操作：暂停后卖出转为现金（项目暂停，当日亏损 7.61%，限额 5.00%）。',
    );
    expect(zh).not.toMatch(/[A-Za-z]/);
    expect(alertText('risk.triggered', params, 'en')).toBe(
      'Risk limit triggered: defensive move: sell to cash after the halt (project halt: daily loss 7.61% / limit 5.00%).',
    );
  });

  it("renders an account halt a person set with the person's words", () => {
    const halt: TradingStateView = {
      ...MONITOR_HALT,
      scope: 'account',
      reason: '财报前暂停',
      cause: null,
      changedBy: 'admin',
    };
    const params = defensiveAlertParams(
      {
        action: 'asset',
        symbol: 'SHY',
        haltKey: 'account@2026-11-24T15:00:00.000Z',
        reason: halt.reason,
        cause: null,
      },
      halt,
    );
    expect(params).toMatchObject({
      move: 'asset',
      symbol: 'SHY',
      haltScope: 'account',
      haltReason: '财报前暂停',
    });
    expect(alertText('risk.triggered', params, 'zh-CN')).toBe(
      '风控触发：防御操作：暂停后转入 SHY（账户暂停，原因：财报前暂停）。',
    );
    expect(alertText('risk.triggered', params, 'en')).toContain(
      'move into SHY after the halt (account halt: 财报前暂停)',
    );
  });

  it('renders a move still waiting past its bound, naming the orders out, in both languages', () => {
    const params = {
      ...defensiveAlertParams(
        {
          action: 'cash',
          symbol: null,
          haltKey: 'project:3@2026-11-24T15:00:00.000Z',
          reason: MONITOR_HALT.reason,
          cause: MONITOR_HALT.cause,
        },
        MONITOR_HALT,
      ),
      project: '项目甲',
      waitMinutes: 12,
      ordersOut: [
        { clientOrderId: 'ibl:R7:AAPL:0', symbol: 'AAPL', side: 'BUY', quantity: 900, filled: 300 },
      ],
    };
    const zh = alertText('risk.triggered', params, 'zh-CN', {
      enumValue: (_name, value) => (value === 'BUY' ? '买入' : value),
    });
    expect(zh).toBe(
      '风控触发（项目甲）：防御操作：暂停后卖出转为现金（项目暂停，当日亏损 7.61%，限额 5.00%）尚未执行，已等待 12 分钟，' +
        '其他运行的订单仍在券商处未完结：AAPL 买入 已成交 300/900（ibl:R7:AAPL:0）。已向券商查询并再次请求撤单；' +
        '这些订单完结前不会发出任何防御订单，请到券商处核对。',
    );
    expect(zh.replace('ibl:R7:AAPL:0', '').replace('AAPL', '')).not.toMatch(/[A-Za-z]/);
    expect(alertText('risk.triggered', params, 'en')).toBe(
      'Risk limit triggered (项目甲): defensive move: sell to cash after the halt (project halt: daily loss 7.61% / limit 5.00%) ' +
        'is still waiting after 12 min for orders of another run still out at the broker: AAPL BUY 300/900 filled ' +
        '(ibl:R7:AAPL:0). The broker was asked again and the cancels repeated; no defensive order is sent until ' +
        'they are final. Check them at the broker.',
    );
  });
});
