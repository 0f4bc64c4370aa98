import { DoctorReport } from '../../contract/ops.js';
import { MetricsText } from '../../contract/text.js';
import { createMetrics, doctorFor } from '../../ops/index.js';
import type { Api } from '../api-types.js';
import type { ServerDeps } from '../app.js';

/** Operations: `ibloop doctor` as a route, and the Prometheus metrics (a session, like the API). */
export function registerOpsRoutes(app: Api, deps: ServerDeps): void {
  app.get('/api/ops/doctor', { schema: { response: { 200: DoctorReport } } }, async () =>
    doctorFor(deps.ctx, { liveConnection: deps.ib?.brokerage.connection.state() ?? null }),
  );

  const metrics = createMetrics({
    db: deps.ctx.store.db,
    clock: deps.ctx.clock,
    connection: () => deps.ib?.brokerage.connection.state() ?? null,
    leaseHeld: () => deps.execution?.engine.lease.isHeld() ?? null,
  });
  app.get('/api/metrics', { schema: { response: { 200: MetricsText } } }, async (_request, reply) =>
    reply.header('content-type', metrics.contentType).send(await metrics.render()),
  );
}
