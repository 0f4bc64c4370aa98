import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueAlert, listAlerts, listRules, openAlert, updateRule } from '../../src/alerts/index.js';
import type { AppContext } from '../../src/app/context.js';
import { ManualClock } from '../../src/core/clock.js';
import { ENGINES, type EngineTarget, freshTarget } from '../helpers/engines.js';
import { alertContext } from './context.js';

const where = { host: '127.0.0.1', port: 4002 };

describe.each(ENGINES)('alert outbox on %s', (engine) => {
  let target: EngineTarget;
  let ctx: AppContext;
  let replica: AppContext;
  const clock = new ManualClock(Date.parse('2026-11-24T15:00:00Z'));

  beforeAll(async () => {
    target = await freshTarget(engine);
    ctx = await alertContext(target, {}, clock);
    // A second replica on the same database, writing in English.
    replica = await alertContext(target, { ALERT_LANGUAGE: 'en' }, clock);
  });

  afterAll(async () => {
    await replica?.close();
    await ctx?.close();
    target?.cleanup();
  });

  it('stores the alert first, rendered in the configured language (zh-CN by default)', async () => {
    const zh = await enqueueAlert(ctx, {
      kind: 'run.failed',
      params: { project: 'alpha', tradingDate: '2026-11-24', runId: 7, error: 'no quotes' },
    });
    const en = await enqueueAlert(replica, {
      kind: 'run.failed',
      params: { project: 'beta', tradingDate: '2026-11-24', runId: 8, error: 'no quotes' },
    });
    const { items } = await listAlerts(ctx.store.db, { limit: 10, offset: 0 });
    const byId = new Map(items.map((item) => [item.id, item]));
    expect(byId.get(zh.id)?.text).toContain('调仓失败');
    expect(byId.get(zh.id)).toMatchObject({
      status: 'pending',
      severity: 'critical',
      language: 'zh-CN',
      attempts: 0,
    });
    expect(byId.get(en.id)?.text).toContain('Rebalance failed: project beta');
    expect(byId.get(en.id)?.params).toMatchObject({ runId: 8 });
  });

  it('one open alert per key: 20 disconnects from two replicas give one row with the count', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        enqueueAlert(i % 2 === 0 ? ctx : replica, {
          kind: 'ib.disconnected',
          dedupeKey: 'ib.connection',
          params: { ...where, reason: 'socket closed', downSeconds: 200 },
        }),
      ),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results.filter((r) => !r.deduplicated)).toHaveLength(1);
    const open = await openAlert(ctx, 'ib.disconnected', 'ib.connection');
    expect(open?.occurrences).toBe(20);

    // The recovery resolves it; the next disconnect is a new alert.
    await enqueueAlert(ctx, {
      kind: 'ib.reconnected',
      dedupeKey: 'ib.connection',
      params: { ...where, downSeconds: 300, disconnects: 20 },
    });
    expect(await openAlert(ctx, 'ib.disconnected', 'ib.connection')).toBeUndefined();
    const again = await enqueueAlert(ctx, {
      kind: 'ib.disconnected',
      dedupeKey: 'ib.connection',
      params: { ...where, reason: null, downSeconds: 200 },
    });
    expect(again.deduplicated).toBe(false);
    expect(again.id).not.toBe(results[0]?.id);
  });

  it('suppression window: a repeat within the kind window is counted, after it a new alert', async () => {
    const params = {
      clientOrderId: 'ibl:R9:AAPL:B:0',
      symbol: 'AAPL',
      side: 'BUY',
      quantity: 10,
      reason: '201',
    };
    const first = await enqueueAlert(ctx, { kind: 'order.rejected', dedupeKey: 'run:9', params });
    clock.advance(300_000);
    const second = await enqueueAlert(ctx, { kind: 'order.rejected', dedupeKey: 'run:9', params });
    expect(second).toMatchObject({ id: first.id, deduplicated: true, occurrences: 2 });
    clock.advance(301_000);
    const third = await enqueueAlert(ctx, { kind: 'order.rejected', dedupeKey: 'run:9', params });
    expect(third.deduplicated).toBe(false);
    expect(third.id).toBeGreaterThan(first.id);
    const { items } = await listAlerts(ctx.store.db, { kind: 'order.rejected', limit: 10, offset: 0 });
    expect(items.find((i) => i.id === first.id)).toMatchObject({ open: false, occurrences: 2 });
  });

  it('non-critical alerts wait for the digest; critical ones are due at once', async () => {
    const warn = await enqueueAlert(ctx, {
      kind: 'fallback.used',
      params: { project: 'alpha', policy: 'last-snapshot', reason: 'model failed' },
    });
    const { items } = await listAlerts(ctx.store.db, { limit: 50, offset: 0 });
    const row = items.find((i) => i.id === warn.id)!;
    expect(Date.parse(row.nextAttemptAt) - Date.parse(row.createdAt)).toBe(300_000);
    const critical = items.find((i) => i.kind === 'run.failed')!;
    expect(critical.nextAttemptAt).toBe(critical.createdAt);
  });

  it('mute and snooze: recorded but not sent, and audited', async () => {
    await updateRule(ctx, 'risk.warning', { muted: true }, 'admin');
    const muted = await enqueueAlert(ctx, {
      kind: 'risk.warning',
      params: { rule: 'sector cap', detail: 'tech 41%' },
    });
    expect(muted.status).toBe('suppressed');
    await updateRule(ctx, 'risk.warning', { muted: false, snoozeMinutes: 60 }, 'admin');
    clock.advance(3_600_001);
    const afterSnooze = await enqueueAlert(ctx, {
      kind: 'risk.warning',
      dedupeKey: 'other',
      params: { rule: 'sector cap', detail: 'tech 42%' },
    });
    expect(afterSnooze.status).toBe('pending');
    const rules = await listRules(ctx.store.db);
    expect(rules.find((r) => r.kind === 'risk.warning')).toMatchObject({ muted: false });
    const audit = await ctx.audit.list({ action: 'alerts.rule.update', limit: 10, offset: 0 });
    expect(audit.items.map((r) => r.after)).toEqual(
      expect.arrayContaining([expect.objectContaining({ muted: true })]),
    );
    await expect(updateRule(ctx, 'no.such-kind', { muted: true }, 'admin')).rejects.toThrow(/kind/);
  });
});
