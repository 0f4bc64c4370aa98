import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/index.js';
import { ManualClock } from '../../src/core/index.js';
import {
  type AccountFiguresNow,
  type IntradayEvidence,
  type MonitoredScope,
  projectScope,
  RESUME_CONFIRMATION,
  type RiskAlert,
  RiskMarks,
  RiskMonitor,
  riskStatus,
  TradingStates,
} from '../../src/risk/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { ENGINES, type EngineTarget, freshStore } from '../helpers/engines.js';

const LIMITS = { maxDailyLoss: 0.05, maxDrawdown: 0.15, warningAt: 0.8, drawdownAction: 'HALTED' as const };
const SCOPES: MonitoredScope[] = [
  { scope: 'account', projectId: null, name: '', limits: { ...LIMITS, maxDailyLoss: 0.1 } },
  { scope: projectScope(1), projectId: 1, name: 'alpha', limits: LIMITS },
  {
    scope: projectScope(2),
    projectId: 2,
    name: 'beta',
    limits: { ...LIMITS, maxDailyLoss: 0.5, maxDrawdown: 0.06, drawdownAction: 'REDUCING' },
  },
];

describe.each(ENGINES)('intraday risk monitor on %s', (engine) => {
  let store: Store;
  let target: EngineTarget;
  const clock = new ManualClock(Date.parse('2026-11-24T15:00:00Z'));

  afterEach(async () => {
    await store.close();
    target.cleanup();
  });

  function monitorOn(db: Store['db'], figures: { now: AccountFiguresNow }, scopes = SCOPES) {
    const audit = new AuditLog(db, clock);
    const states = new TradingStates(db, audit, clock);
    const alerts: RiskAlert[] = [];
    const triggers: Array<{ scope: string; to: string; evidence: IntradayEvidence }> = [];
    const published: string[] = [];
    const monitor = new RiskMonitor({
      states,
      marks: new RiskMarks(db),
      clock,
      read: async () => figures.now,
      scopes: async () => scopes,
      onTrigger: async (scope, to, evidence) => {
        triggers.push({ scope: scope.scope, to, evidence });
      },
      alert: async (alert) => {
        alerts.push(alert);
      },
      publish: (name) => published.push(name),
    });
    return { monitor, states, alerts, triggers, published };
  }

  it('warns once, halts on the daily-loss trigger with evidence, keeps the halt, and re-arms after a typed resume', async () => {
    ({ store, target } = await freshStore(engine));
    const figures = { now: { account: 'DU****67', netLiquidation: 1_000_000, dailyPnl: 0 } };
    const { monitor, states, alerts, triggers, published } = monitorOn(store.db, figures, SCOPES.slice(0, 2));

    expect((await monitor.check())?.scopes.map((s) => s.state.state)).toEqual(['ACTIVE', 'ACTIVE']);
    // 4.2% down: past 80% of the project's 5% limit, below the account's warning (8%).
    figures.now = { ...figures.now, netLiquidation: 958_000, dailyPnl: -42_000 };
    await monitor.check();
    await monitor.check();
    expect(alerts.map((a) => [a.kind, a.params.project])).toEqual([['risk.warning', 'alpha']]);
    expect((await states.listEvents({ scope: projectScope(1) })).map((e) => e.kind)).toEqual([
      'intraday.warning',
    ]);

    // 6% down: the project halts; the account (10%) only warns.
    figures.now = { ...figures.now, netLiquidation: 940_000, dailyPnl: -60_000 };
    const status = await monitor.check();
    expect(status?.scopes.map((s) => s.state.state)).toEqual(['ACTIVE', 'HALTED']);
    expect(triggers).toHaveLength(1);
    expect(triggers[0]).toMatchObject({ scope: 'project:1', to: 'HALTED' });
    expect(triggers[0]?.evidence).toMatchObject({
      metric: 'dailyLoss',
      limit: 0.05,
      netLiquidation: 940_000,
    });
    expect(triggers[0]?.evidence.value).toBeCloseTo(0.06, 10);
    const events = await states.listEvents({ scope: projectScope(1) });
    expect(events.map((e) => e.kind)).toEqual(['intraday.trigger', 'state.changed', 'intraday.warning']);
    expect(events[0]?.detail).toMatchObject({ metric: 'dailyLoss', startOfDayNetLiquidation: 1_000_000 });
    expect(alerts.map((a) => a.kind)).toEqual(['risk.warning', 'risk.triggered']);
    expect(published).toContain('risk.state');
    expect((await states.get(projectScope(1))).changedBy).toBe('risk-monitor');

    // Still beyond the limit: nothing new.
    await monitor.check();
    expect(triggers).toHaveLength(1);

    // A person resumes: the same breach does not halt again at once...
    await states.resume(
      projectScope(1),
      { to: 'ACTIVE', reason: 'loss understood', confirm: RESUME_CONFIRMATION },
      'admin',
    );
    await monitor.check();
    expect((await states.get(projectScope(1))).state).toBe('ACTIVE');
    // A new holder (a restart or a takeover) without that memory does not re-halt it either.
    const takeover = monitorOn(store.db, figures, SCOPES.slice(0, 2));
    await takeover.monitor.check();
    expect((await states.get(projectScope(1))).state).toBe('ACTIVE');
    expect(takeover.triggers).toHaveLength(0);
    // ...but one warning step (1%) further it does.
    figures.now = { ...figures.now, netLiquidation: 929_000, dailyPnl: -71_000 };
    await monitor.check();
    expect((await states.get(projectScope(1))).state).toBe('HALTED');
    expect(triggers).toHaveLength(2);
  });

  it('measures the drawdown from the persisted high-water mark, across a restart; REDUCING per level', async () => {
    ({ store, target } = await freshStore(engine));
    const figures = { now: { account: 'DU****67', netLiquidation: 1_000_000, dailyPnl: 0 } };
    const first = monitorOn(store.db, figures);
    figures.now = { ...figures.now, netLiquidation: 1_100_000, dailyPnl: 100_000 };
    await first.monitor.check();
    expect((await new RiskMarks(store.db).latest())?.highWaterMark).toBe(1_100_000);

    // A new process on the next day: the peak is remembered; 7% below it trips beta's 6% drawdown.
    clock.set(Date.parse('2026-11-25T15:00:00Z'));
    const reopened = openStore({ databaseUrl: target.databaseUrl, dataRoot: target.dataRoot });
    try {
      const second = monitorOn(reopened.db, figures);
      figures.now = { ...figures.now, netLiquidation: 1_023_000, dailyPnl: -2_000 };
      const status = await second.monitor.check();
      const beta = status?.scopes.find((s) => s.projectId === 2);
      expect(beta?.drawdown).toBeCloseTo(0.07, 10);
      expect(beta?.state.state).toBe('REDUCING');
      expect(second.triggers.map((t) => [t.scope, t.to, t.evidence.metric])).toEqual([
        ['project:2', 'REDUCING', 'drawdown'],
      ]);
      expect(status?.reading?.startOfDayNetLiquidation).toBe(1_025_000);
      // Any replica answers the same from the persisted marks.
      const fromDisk = await riskStatus(new RiskMarks(reopened.db), second.states, SCOPES);
      expect(fromDisk.scopes.find((s) => s.projectId === 2)?.drawdown).toBeCloseTo(0.07, 10);
    } finally {
      await reopened.close();
    }
  });

  it('does nothing while the process may not act (no lease or no connection)', async () => {
    ({ store, target } = await freshStore(engine));
    const audit = new AuditLog(store.db, clock);
    const states = new TradingStates(store.db, audit, clock);
    const monitor = new RiskMonitor({
      states,
      marks: new RiskMarks(store.db),
      clock,
      read: async () => undefined,
      scopes: async () => SCOPES,
      onTrigger: async () => {
        throw new Error('must not act');
      },
      alert: async () => {
        throw new Error('must not alert');
      },
    });
    expect(await monitor.check()).toBeUndefined();
    expect(await new RiskMarks(store.db).latest()).toBeNull();
  });
});
