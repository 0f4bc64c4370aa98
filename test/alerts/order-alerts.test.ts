import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertService, listAlerts, startAlerts } from '../../src/alerts/index.js';
import type { AppContext } from '../../src/app/context.js';
import { ENGINES, type EngineTarget, freshTarget } from '../helpers/engines.js';
import { pollUntil } from '../helpers/poll.js';
import { alertContext } from './context.js';

/** Rejected orders become alerts from the execution audit trail: one per run, counting the orders. */
describe.each(ENGINES)('order rejected alerts on %s', (engine) => {
  let target: EngineTarget;
  let ctx: AppContext;
  let service: AlertService;

  beforeAll(async () => {
    target = await freshTarget(engine);
    ctx = await alertContext(target, { ALERT_LANGUAGE: 'en' });
    service = startAlerts(ctx);
  });

  afterAll(async () => {
    await service?.stop();
    await ctx?.close();
    target?.cleanup();
  });

  it('two rejections in one run page once with the count; other audit records page nobody', async () => {
    const reject = (ref: string) =>
      ctx.audit.append({
        actor: 'execution',
        action: 'execution.order.rejected',
        target: `order:${ref}`,
        before: { status: 'SUBMITTED' },
        after: { status: 'REJECTED', filledQty: 0, error: '201: Order rejected - reason: margin' },
      });
    await reject('ibl:R5:AAPL:B:0');
    await reject('ibl:R5:MSFT:B:0');
    await ctx.audit.append({
      actor: 'execution',
      action: 'execution.order.filled',
      target: 'order:x',
      before: null,
      after: null,
    });
    const items = await pollUntil(
      async () => (await listAlerts(ctx.store.db, { limit: 10, offset: 0 })).items,
      (rows) => rows.length > 0 && rows[0]!.occurrences === 2,
    );
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: 'order.rejected', severity: 'critical', dedupeKey: 'run:5' });
    expect(items[0]!.text).toContain(
      "Order rejected: BUY 0 AAPL (ibl:R5:AAPL:B:0). Reason: IB error 201, IB's message: Order rejected - reason: margin",
    );
  });
});
