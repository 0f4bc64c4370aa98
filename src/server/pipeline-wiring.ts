import type { AppContext } from '../app/context.js';
import { DecisionService } from '../decision/index.js';
import type { ExecutionRuntime } from '../execution/index.js';
import type { PacingRules } from '../marketdata/index.js';
import type { IbRuntime } from '../marketdata/runtime.js';
import { restartWindowsFromSettings } from '../ops/index.js';
import { type GatewayWait, liveStepWork, PipelineRunner } from '../pipeline/index.js';
import { TradingStates } from '../risk/index.js';
import { Scheduler } from '../scheduler/index.js';

const UNPACED: PacingRules = {
  maxPerWindow: 1_000_000,
  windowMs: 1,
  burstCount: 1_000_000,
  burstWindowMs: 1,
  minIntervalMs: 0,
  safetyMs: 0,
};

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
  /** The built-in gateway on a simulated clock does not pace historical requests: neither does the checklist. */
  unpacedHistory?: boolean;
  /** How often the monitor step looks at the run's orders (default 200 ms). */
  monitorPollMs?: number;
  /** The simulated clock's jumps: the scheduler looks at once when the clock moves. */
  clockJumps?: (listener: () => void) => () => void;
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
    ...(input.unpacedHistory ? { historicalPacing: UNPACED } : {}),
    ...(input.monitorPollMs ? { monitorPollMs: input.monitorPollMs } : {}),
  });
  const isHolder = () => execution.lease.isHeld();
  // A due run waits while IB is down; the restart windows are read each time (settings may change).
  const gatewayWait = async (): Promise<GatewayWait | null> => {
    const status = ib.brokerage.connection.state().status;
    if (status === 'CONNECTED' || status === 'DEGRADED') return null;
    const window = restartWindowsFromSettings(await ctx.settings.resolve()).windowAt(ctx.clock.nowMs());
    return window
      ? { reason: 'gateway-restart', window: { kind: window.kind, endMs: window.endMs } }
      : { reason: 'gateway-down' };
  };
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
    gatewayWait,
    logger: ctx.logger,
  });
  const scheduler = new Scheduler({
    runner,
    projects: ctx.projects,
    audit: ctx.audit,
    clock: ctx.clock,
    isHolder,
    ...(input.everyMs !== undefined ? { everyMs: input.everyMs } : {}),
    ...(input.clockJumps ? { clockJumps: input.clockJumps } : {}),
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
