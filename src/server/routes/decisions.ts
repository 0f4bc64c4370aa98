import {
  alphaParityParams,
  alphaParityResultSchema,
  decideBodySchema,
  decideResponseSchema,
  parityResultSchema,
  projectIdParams,
  redecideBodySchema,
  runIdParams,
  snapshotIdParams,
  snapshotListSchema,
  snapshotSchema,
  snapshotVerifySchema,
} from '../../contract/decisions.js';
import { DecisionService, defaultTradingDate } from '../../decision/index.js';
import type { Api } from '../api-types.js';
import type { ServerDeps } from '../app.js';

/** Decision snapshots: decide (or dry-run), read, verify, re-decide, and a run's parity (both modes). */
export function registerDecisionRoutes(app: Api, deps: ServerDeps): void {
  const { ctx } = deps;
  const decisions = new DecisionService({
    db: ctx.store.db,
    audit: ctx.audit,
    clock: ctx.clock,
    projects: ctx.projects,
    dataRoot: ctx.bootstrap.dataRoot,
  });
  const actor = (session: { username: string } | undefined) => session?.username ?? 'unknown';

  app.get(
    '/api/snapshots/:id',
    { schema: { params: snapshotIdParams, response: { 200: snapshotSchema } } },
    async (request) => decisions.get(request.params.id),
  );

  app.get(
    '/api/snapshots/:id/verify',
    { schema: { params: snapshotIdParams, response: { 200: snapshotVerifySchema } } },
    async (request) => decisions.verify(request.params.id),
  );

  app.get(
    '/api/projects/:id/snapshots',
    { schema: { params: projectIdParams, response: { 200: snapshotListSchema } } },
    async (request) => {
      await ctx.projects.get(request.params.id); // unknown project: 404
      return { snapshots: await decisions.list(request.params.id) };
    },
  );

  app.post(
    '/api/projects/:id/decide',
    { schema: { params: projectIdParams, body: decideBodySchema, response: { 200: decideResponseSchema } } },
    async (request) => {
      const decideRequest = {
        projectId: request.params.id,
        tradingDate: request.body.date ?? defaultTradingDate(ctx.clock),
        actor: actor(request.session),
      };
      if (request.body.dryRun)
        return { snapshot: null, created: false, ...(await decisions.preview(decideRequest)) };
      const { snapshot, created } = await decisions.decideAndFreeze(decideRequest);
      return { snapshot, created, content: snapshot.content, contentHash: snapshot.contentHash };
    },
  );

  app.post(
    '/api/snapshots/:id/redecide',
    { schema: { params: snapshotIdParams, body: redecideBodySchema, response: { 200: snapshotSchema } } },
    async (request) => decisions.redecide(request.params.id, request.body.reason, actor(request.session)),
  );

  app.get(
    '/api/runs/:id/parity',
    { schema: { params: runIdParams, response: { 200: parityResultSchema } } },
    async (request) => decisions.parity(request.params.id),
  );

  app.get(
    '/api/runs/:id/parity/alpha',
    { schema: { params: alphaParityParams, response: { 200: alphaParityResultSchema } } },
    async (request) => decisions.parityAgainstAlpha(request.params.id),
  );
}
