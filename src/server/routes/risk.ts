import { z } from 'zod';
import {
  FallbackQuery,
  FallbackResponse,
  HaltBody,
  ResumeBody,
  RiskEventsResponse,
  RiskStateChangeResponse,
  RiskStateResponse,
  RiskStatusResponse,
} from '../../contract/risk.js';
import {
  fallbackStatus,
  projectScope,
  RiskMarks,
  type RiskScope,
  riskStatus,
  TradingStates,
} from '../../risk/index.js';
import type { Api } from '../api-types.js';
import type { ServerDeps } from '../app.js';
import { monitoredScopes } from '../risk-monitor.js';

const projectId = z.coerce
  .number({ error: 'must be a number' })
  .int('must be an integer')
  .positive('must be a positive integer');
const StateQuery = z.object({ project: projectId.optional() }).strict();
const EventsQuery = z
  .object({
    project: projectId.optional(),
    limit: z.coerce.number().int('must be an integer').min(1).max(500).default(100),
  })
  .strict();

/** Trading states (ACTIVE / REDUCING / HALTED) and risk events; halting is one click, resuming is typed. */
export function registerRiskRoutes(app: Api, deps: ServerDeps): void {
  const states = new TradingStates(deps.ctx.store.db, deps.ctx.audit, deps.ctx.clock);
  const actor = (session: { username: string } | undefined) => session?.username ?? 'unknown';
  const scopeOf = async (id: number | undefined): Promise<RiskScope> => {
    if (id === undefined) return 'account';
    await deps.ctx.projects.get(id); // unknown project: 404, nothing changed
    return projectScope(id);
  };
  const announce = async (projectIdValue: number | undefined) => {
    const view = await states.effective(projectIdValue);
    deps.hub.publish('risk.state', { projectId: projectIdValue ?? null, ...view });
    return view;
  };

  app.get(
    '/api/risk/state',
    { schema: { querystring: StateQuery, response: { 200: RiskStateResponse } } },
    async (request) => {
      const id = request.query.project;
      const scope = await scopeOf(id);
      return {
        account: await states.get('account'),
        project: scope === 'account' ? null : await states.get(scope),
        effective: await states.effective(id),
      };
    },
  );

  app.post(
    '/api/risk/halt',
    { schema: { body: HaltBody, response: { 200: RiskStateChangeResponse } } },
    async (request) => {
      const { projectId: id, to, reason: why } = request.body;
      await states.tighten(await scopeOf(id), to, why, actor(request.session));
      return { state: await announce(id) };
    },
  );

  app.post(
    '/api/risk/resume',
    { schema: { body: ResumeBody, response: { 200: RiskStateChangeResponse } } },
    async (request) => {
      const { projectId: id, ...resume } = request.body;
      await states.resume(await scopeOf(id), resume, actor(request.session));
      return { state: await announce(id) };
    },
  );

  // Where today's loss and the drawdown stand against each scope's limits (any replica: persisted marks).
  const marks = new RiskMarks(deps.ctx.store.db);
  app.get('/api/risk/status', { schema: { response: { 200: RiskStatusResponse } } }, async () =>
    riskStatus(marks, states, await monitoredScopes(deps.ctx)),
  );

  // The weekly run's fallback: the project's policy and the last time it applied (回退目标版本).
  app.get(
    '/api/risk/fallback',
    { schema: { querystring: FallbackQuery, response: { 200: FallbackResponse } } },
    async (request) => {
      const project = await deps.ctx.projects.get(request.query.project);
      return fallbackStatus(deps.ctx.store.db, project.id, project.params.pipeline.fallback);
    },
  );

  app.get(
    '/api/risk/events',
    { schema: { querystring: EventsQuery, response: { 200: RiskEventsResponse } } },
    async (request) => {
      const { project, limit } = request.query;
      const scope = project === undefined ? undefined : await scopeOf(project);
      return { events: await states.listEvents({ ...(scope ? { scope } : {}), limit }) };
    },
  );
}
