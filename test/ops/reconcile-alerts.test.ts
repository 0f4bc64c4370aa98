import { afterEach, describe, expect, it } from 'vitest';
import { listAlerts } from '../../src/alerts/index.js';
import type { AppContext } from '../../src/app/context.js';
import { watchReconciliations } from '../../src/ops/index.js';
import { alertContext } from '../alerts/context.js';
import { delay } from '../brokerage/sim-harness.js';
import { type EngineTarget, freshTarget } from '../helpers/engines.js';

/** A reconciliation with differences is a warning alert, never a silent success. */
describe('reconciliation differences', () => {
  let target: EngineTarget;
  let ctx: AppContext;

  afterEach(async () => {
    await ctx?.close();
    target?.cleanup();
  });

  it('raises one warning for missing orders and position differences; a clean one raises nothing', async () => {
    target = await freshTarget('sqlite');
    ctx = await alertContext(target);
    const off = watchReconciliations(ctx, { error: () => {} });
    const summary = { brokerOpen: 0, brokerCompleted: 0, missing: 0, foreign: 0, positionDiffs: 0 };
    await ctx.audit.append({
      actor: 'test',
      action: 'execution.reconcile.ok',
      target: 'reconciliation:1',
      after: { reason: 'startup', ...summary },
    });
    await ctx.audit.append({
      actor: 'test',
      action: 'execution.reconcile.ok',
      target: 'reconciliation:2',
      after: { reason: 'startup', ...summary, missing: 3, positionDiffs: 1 },
    });
    await delay(300);
    off();
    const { items } = await listAlerts(ctx.store.db, { limit: 10, offset: 0 });
    expect(items.map((a) => [a.kind, a.severity])).toEqual([['reconcile.differences', 'warning']]);
    expect(items[0]!.params).toMatchObject({
      differences: 4,
      detail: 'missing 3, positionDiffs 1',
      // The counts by kind: each language names them (the alert texts test renders them).
      counts: { missing: 3, foreign: 0, positionDiffs: 1 },
    });
  });
});
