import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/index.js';
import { ManualClock } from '../../src/core/index.js';
import { projectScope, RESUME_CONFIRMATION, TradingStates } from '../../src/risk/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { ENGINES, type EngineTarget, freshStore } from '../helpers/engines.js';

describe.each(ENGINES)('trading states on %s', (engine) => {
  let store: Store;
  let target: EngineTarget;
  const clock = new ManualClock(Date.parse('2026-03-02T15:00:00Z'));
  afterEach(async () => {
    await store.close();
    target.cleanup();
  });

  async function setup(): Promise<{ states: TradingStates; audit: AuditLog }> {
    ({ store, target } = await freshStore(engine));
    const audit = new AuditLog(store.db, clock);
    return { states: new TradingStates(store.db, audit, clock), audit };
  }

  it('is ACTIVE with no row; tightening only tightens; the project sees the stricter of account and project', async () => {
    const { states } = await setup();
    expect((await states.effective(7)).state).toBe('ACTIVE');
    await states.tighten(projectScope(7), 'REDUCING', 'drawdown warning', 'risk-monitor');
    expect((await states.effective(7)).state).toBe('REDUCING');
    expect((await states.effective(8)).state).toBe('ACTIVE');
    await states.tighten('account', 'HALTED', 'daily loss 6% > 5%', 'risk-monitor');
    const back = await states.tighten('account', 'REDUCING', 'later warning', 'risk-monitor');
    expect(back.state).toBe('HALTED');
    expect((await states.effective(8)).state).toBe('HALTED');
    expect((await states.effective(7)).reason).toBe('daily loss 6% > 5%');
  });

  it('a halt survives a new process (reopened store) and resuming needs the typed confirmation and a reason', async () => {
    const { states } = await setup();
    await states.tighten('account', 'HALTED', 'daily loss', 'risk-monitor');
    const reopened = openStore({ databaseUrl: target.databaseUrl, dataRoot: target.dataRoot });
    try {
      const again = new TradingStates(reopened.db, new AuditLog(reopened.db, clock), clock);
      expect((await again.get('account')).state).toBe('HALTED');
      await expect(
        again.resume('account', { to: 'ACTIVE', reason: 'checked', confirm: 'yes' }, 'admin'),
      ).rejects.toMatchObject({ field: 'confirm' });
      await expect(
        again.resume('account', { to: 'ACTIVE', reason: ' ', confirm: RESUME_CONFIRMATION }, 'admin'),
      ).rejects.toMatchObject({ field: 'reason' });
      expect((await again.get('account')).state).toBe('HALTED');
      const resumed = await again.resume(
        'account',
        { to: 'ACTIVE', reason: 'loss explained: data error', confirm: RESUME_CONFIRMATION },
        'admin',
      );
      expect(resumed.state).toBe('ACTIVE');
      await expect(
        again.resume('account', { to: 'ACTIVE', reason: 'again', confirm: RESUME_CONFIRMATION }, 'admin'),
      ).rejects.toMatchObject({ field: 'to' });
    } finally {
      await reopened.close();
    }
  });

  it('every change is a risk event and an audit record', async () => {
    const { states, audit } = await setup();
    await states.tighten('account', 'HALTED', 'daily loss', 'risk-monitor');
    await states.resume(
      'account',
      { to: 'REDUCING', reason: 'reduce only for now', confirm: RESUME_CONFIRMATION },
      'admin',
    );
    const events = await states.listEvents({ scope: 'account' });
    expect(events.map((e) => e.detail)).toEqual([
      { from: 'HALTED', to: 'REDUCING', reason: 'reduce only for now', actor: 'admin' },
      { from: 'ACTIVE', to: 'HALTED', reason: 'daily loss', actor: 'risk-monitor' },
    ]);
    const { items } = await audit.list({ target: 'account' });
    expect(items.map((r) => r.action).sort()).toEqual(['risk.state.resume', 'risk.state.tighten']);
  });
});
