import { msg } from '../../contract/messages.js';
import {
  PipelineIdParams,
  PipelineProjectParams,
  PipelineRunResponse,
  PipelineRunsQuery,
  PipelineRunsResponse,
  RunNowRequest,
  RunNowResponse,
  SchedulePauseRequest,
  ScheduleResponse,
} from '../../contract/pipeline.js';
import { InputError } from '../../core/errors.js';
import { PipelineRepository, recordTrigger } from '../../pipeline/index.js';
import { type ScheduleView, scheduleView, setSchedulePaused } from '../../scheduler/index.js';
import type { Api } from '../api-types.js';
import type { ServerDeps } from '../app.js';

function scheduleOut(view: ScheduleView) {
  return {
    ...view,
    next: view.next.map((w) => ({
      tradingDate: w.tradingDate,
      fireAt: new Date(w.fireMs).toISOString(),
      windowEnd: new Date(w.windowEndMs).toISOString(),
      earlyClose: w.earlyClose,
    })),
  };
}

/**
 * Weekly runs: their timelines, Run now (any replica records the trigger; the lease holder runs it),
 * and each project's schedule (next fire times, pause and resume).
 */
export function registerPipelineRoutes(app: Api, deps: ServerDeps): void {
  const { ctx } = deps;
  const repo = new PipelineRepository(ctx.store.db, ctx.clock);
  const scheduleDeps = { repo, audit: ctx.audit, projects: ctx.projects, clock: ctx.clock };
  const triggerDeps = { db: ctx.store.db, audit: ctx.audit, projects: ctx.projects, clock: ctx.clock };
  const actor = (session: { username: string } | undefined) => session?.username ?? 'unknown';

  app.get(
    '/api/pipeline/runs',
    { schema: { querystring: PipelineRunsQuery, response: { 200: PipelineRunsResponse } } },
    async (request) => {
      const { project, limit } = request.query;
      if (project !== undefined) await ctx.projects.get(project);
      return { runs: await repo.list({ ...(project !== undefined ? { projectId: project } : {}), limit }) };
    },
  );

  app.get(
    '/api/pipeline/runs/:id',
    { schema: { params: PipelineIdParams, response: { 200: PipelineRunResponse } } },
    async (request) => ({ run: await repo.get(request.params.id) }),
  );

  app.post(
    '/api/pipeline/run',
    { schema: { body: RunNowRequest, response: { 200: RunNowResponse } } },
    async (request) => {
      const body = request.body;
      const settings = await ctx.settings.resolve();
      if (settings.IB_MODE.value === 'live' && !body.dryRun) {
        // A run that moves real money: the account id typed again, as for a manual execution.
        let account: string | undefined;
        try {
          account = deps.execution?.engine.account();
        } catch {
          account = undefined;
        }
        account ??= settings.IB_ACCOUNT.value === undefined ? undefined : String(settings.IB_ACCOUNT.value);
        if (!account || body.confirmLive !== account)
          throw new InputError(
            'confirmLive',
            'the server trades live: type the account id again to start a run that moves real money',
            msg('LIVE_RUN_NEEDS_CONFIRMATION', {}),
          );
      }
      return recordTrigger(triggerDeps, {
        projectId: body.projectId,
        ...(body.tradingDate !== undefined ? { tradingDate: body.tradingDate } : {}),
        dryRun: body.dryRun,
        trigger: 'manual',
        actor: actor(request.session),
      });
    },
  );

  app.get(
    '/api/pipeline/schedule/:projectId',
    { schema: { params: PipelineProjectParams, response: { 200: ScheduleResponse } } },
    async (request) => scheduleOut(await scheduleView(scheduleDeps, request.params.projectId)),
  );

  app.post(
    '/api/pipeline/schedule/:projectId',
    {
      schema: {
        params: PipelineProjectParams,
        body: SchedulePauseRequest,
        response: { 200: ScheduleResponse },
      },
    },
    async (request) =>
      scheduleOut(
        await setSchedulePaused(
          scheduleDeps,
          request.params.projectId,
          request.body.paused,
          request.body.reason,
          actor(request.session),
        ),
      ),
  );
}
