import type { AppContext } from '../app/context.js';
import { DecisionService } from '../decision/index.js';
import type { ExecutionRuntime } from '../execution/index.js';
import type { IbRuntime } from '../marketdata/runtime.js';
import { liveStepWork, PipelineRunner } from '../pipeline/index.js';
import { TradingStates } from '../risk/index.js';
import { Scheduler } from '../scheduler/index.js';

export interface PipelineHandle {
  runner: PipelineRunner;
  scheduler: Scheduler;
  stop(): Promise<void>;
}

/**
 * The weekly pipeline of one trading runtime: live step work over this process's IB and execution
 * runtimes, and the scheduler. Every replica starts it; only the lease holder's ticks do anything.
 */
export function startPipeline(input: {
  ctx: AppContext;
  ib: IbRuntime;
  execution: ExecutionRuntime;
  /** How often the scheduler looks (default 1 s). */
  everyMs?: number;
}): PipelineHandle {
  const { ctx, ib, execution } = input;
  const states = new TradingStates(ctx.store.db, ctx.audit, ctx.clock);
  const decisions = new DecisionService({
    db: ctx.store.db,
    audit: ctx.audit,
    clock: ctx.clock,
    projects: ctx.projects,
    dataRoot: ctx.bootstrap.dataRoot,
  });
  const { work, fallback } = liveStepWork({
    clock: ctx.clock,
    dataRoot: ctx.bootstrap.dataRoot,
    runtime: () => execution,
    bars: () => ib.bars,
    decisions,
    tradingState: async (projectId) => {
      const view = await states.effective(projectId);
      return { state: view.state, reason: view.reason };
    },
    universe: (projectId) => ctx.projects.universe(projectId),
  });
  const isHolder = () => execution.lease.isHeld();
  const runner = new PipelineRunner({
    db: ctx.store.db,
    audit: ctx.audit,
    clock: ctx.clock,
    // Steps are claimed in the lease holder's name: a takeover sees another owner and resumes.
    owner: execution.lease.holder,
    projects: ctx.projects,
    work,
    fallback,
    alerts: ctx,
    isHolder,
    logger: ctx.logger,
  });
  const scheduler = new Scheduler({
    runner,
    projects: ctx.projects,
    audit: ctx.audit,
    clock: ctx.clock,
    isHolder,
    ...(input.everyMs !== undefined ? { everyMs: input.everyMs } : {}),
    logger: ctx.logger,
  });
  scheduler.start();
  return {
    runner,
    scheduler,
    async stop() {
      await scheduler.stop();
      await runner.close();
    },
  };
}
