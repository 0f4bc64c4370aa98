import { z } from 'zod';
import {
  ExecuteResponse,
  ExecutionIdParams as IdParams,
  LeaseResponse,
  OkResponse,
  ReconcileResponse,
  ReconciliationsResponse,
  RunDetail,
  RunFillsResponse,
  RunOrdersResponse,
  RunProgressResponse,
  RunsQuery,
  RunsResponse,
} from '../../contract/execution.js';
import { msg } from '../../contract/messages.js';
import { ConflictError } from '../../core/errors.js';
import {
  accountsOf,
  type ExecutionEngine,
  ExecutionRepository,
  type ExecutionService,
  executeOptionsSchema,
  maskAccounts,
  runDetail,
} from '../../execution/index.js';
import { readLease } from '../../lock/index.js';
import type { Api } from '../api-types.js';
import type { ServerDeps } from '../app.js';

/** What the server needs to trade; absent on a replica that serves the UI read-only. */
export interface ExecutionServerDeps {
  engine: ExecutionEngine;
  service: ExecutionService;
}

// The last-close fallback prices are the pipeline's (a last-good run with quotes stopped), not a client's.
const ExecuteBody = executeOptionsSchema
  .omit({ actor: true, lastCloses: true })
  .extend({
    // Named so that a client that still sends it learns why it is refused.
    mode: z.never({ error: 'is the server setting IB_MODE, not a request field; leave it out' }).optional(),
  })
  .strict();

export function registerExecutionRoutes(app: Api, deps: ServerDeps): void {
  const repo =
    deps.execution?.engine.repo ??
    new ExecutionRepository(deps.ctx.store.db, deps.ctx.store.engine, deps.ctx.audit, deps.ctx.clock);
  const actor = (session: { username: string } | undefined) => session?.username ?? 'unknown';
  const trader = (): ExecutionServerDeps => {
    if (!deps.execution)
      throw new ConflictError(
        'execution',
        'this replica does not execute trades (read-only)',
        msg('READ_ONLY_REPLICA', {}),
      );
    return deps.execution;
  };

  app.get('/api/execution/lease', { schema: { response: { 200: LeaseResponse } } }, async () => {
    const lease = await readLease(deps.ctx.store.db, deps.ctx.clock);
    const engine = deps.execution?.engine;
    return {
      lease,
      thisReplica: engine
        ? { holder: engine.lease.holder, holdsLease: engine.lease.isHeld(), readiness: engine.readiness() }
        : null,
    };
  });

  app.get(
    '/api/execution/runs',
    { schema: { querystring: RunsQuery, response: { 200: RunsResponse } } },
    async (request) => ({ runs: await repo.listRuns(request.query) }),
  );

  app.get(
    '/api/execution/runs/:id',
    { schema: { params: IdParams, response: { 200: RunDetail } } },
    async (request) => runDetail(repo, request.params.id),
  );

  app.get(
    '/api/execution/runs/:id/orders',
    { schema: { params: IdParams, response: { 200: RunOrdersResponse } } },
    async (request) => {
      const detail = await runDetail(repo, request.params.id);
      return { orders: detail.orders };
    },
  );

  app.get(
    '/api/execution/runs/:id/fills',
    { schema: { params: IdParams, response: { 200: RunFillsResponse } } },
    async (request) => {
      await repo.getRun(request.params.id);
      const fills = await repo.fills({ runId: request.params.id });
      return maskAccounts({ fills }, accountsOf(fills));
    },
  );

  app.get(
    '/api/execution/runs/:id/progress',
    { schema: { params: IdParams, response: { 200: RunProgressResponse } } },
    async (request) => {
      const detail = await runDetail(repo, request.params.id);
      return { progress: detail.progress };
    },
  );

  app.get(
    '/api/execution/reconciliations',
    { schema: { response: { 200: ReconciliationsResponse } } },
    async () => ({
      reconciliations: await repo.reconciliations(20),
    }),
  );

  app.post(
    '/api/execution/runs',
    { schema: { body: ExecuteBody, response: { 200: ExecuteResponse, 201: ExecuteResponse } } },
    async (request, reply) => {
      const { mode: _refused, ...body } = request.body;
      const result = await trader().service.executeTargets({ ...body, actor: actor(request.session) });
      return reply.code(result.joined ? 200 : 201).send(
        maskAccounts(
          {
            run: result.run,
            joined: result.joined,
            intents: result.intents.length,
            sent: result.sent,
            stoppedBecause: result.stoppedBecause,
          },
          accountsOf(result.intents),
        ),
      );
    },
  );

  app.post('/api/execution/reconcile', { schema: { response: { 200: ReconcileResponse } } }, async () => {
    const report = await trader().engine.reconcile('manual');
    return { reconciliation: report };
  });

  app.post(
    '/api/execution/orders/:id/cancel',
    { schema: { params: IdParams, response: { 200: OkResponse } } },
    async (request) => {
      await trader().engine.cancel(request.params.id);
      return { ok: true as const };
    },
  );
}
