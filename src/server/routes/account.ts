import { z } from 'zod';
import { AccountHistoryResponse, AccountResponse, OrdersMonitorResponse } from '../../contract/account.js';
import {
  AccountMonitor,
  HISTORY_RANGES,
  ordersMonitor,
  SnapshotStore,
  sectorsFromThemes,
} from '../../monitoring/index.js';
import type { Api } from '../api-types.js';
import type { ServerDeps } from '../app.js';

const READ_WAIT_MS = 3_000;

function delay(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
}

const HistoryQuery = z
  .object({
    range: z.enum(HISTORY_RANGES, { error: `must be one of ${HISTORY_RANGES.join(', ')}` }).default('1M'),
  })
  .strict();

const OrdersQuery = z
  .object({
    run: z.coerce.number().int('must be an integer').positive('must be a run id').optional(),
    tolerance: z.coerce
      .number({ error: 'must be a number' })
      .min(0, 'must be between 0 and 1')
      .max(1, 'must be between 0 and 1')
      .default(0.01),
  })
  .strict();

/**
 * The account monitor and its routes. The monitor reads IB only while this process's broker is
 * connected (the lease holder's); every replica answers from the latest persisted snapshot otherwise.
 */
export function registerAccountRoutes(app: Api, deps: ServerDeps): void {
  const { ctx } = deps;
  const snapshots = new SnapshotStore(ctx.store.db);
  const monitor = new AccountMonitor({
    clock: ctx.clock,
    snapshots,
    broker: () => deps.ib?.brokerage,
    sectors: () => sectorsFromThemes(ctx.themes),
    snapshotMinutes: async () => Number((await ctx.settings.resolve()).ACCOUNT_SNAPSHOT_MINUTES.value ?? 5),
    publish: (name, data) => deps.hub.publish(name, data),
    logger: { warn: (obj, msg) => ctx.logger.warn(obj, msg) },
  });
  const offAudit = ctx.audit.onAppend((record) => {
    if (/^theme\./.test(record.action)) monitor.invalidateSectors();
  });
  monitor.start();
  app.addHook('onClose', async () => {
    offAudit();
    await monitor.stop();
  });

  app.get('/api/account', { schema: { response: { 200: AccountResponse } } }, async () => {
    // A reading in flight may wait on IB for a while: answer from the snapshot rather than hang.
    const live = monitor.live() ?? (await Promise.race([monitor.refresh(), delay(READ_WAIT_MS)]));
    return { account: live ?? (await snapshots.latest()) };
  });

  app.get(
    '/api/account/history',
    { schema: { querystring: HistoryQuery, response: { 200: AccountHistoryResponse } } },
    async (request) => ({
      history: await snapshots.history(request.query.range, ctx.clock.nowMs()),
    }),
  );

  app.get(
    '/api/account/orders',
    { schema: { querystring: OrdersQuery, response: { 200: OrdersMonitorResponse } } },
    async (request) => {
      const account = await monitor.view();
      return {
        monitor: await ordersMonitor(ctx.store.db, ctx.clock.nowMs(), account, {
          tolerance: request.query.tolerance,
          ...(request.query.run !== undefined ? { runId: request.query.run } : {}),
        }),
      };
    },
  );
}
