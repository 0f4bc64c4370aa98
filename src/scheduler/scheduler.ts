import type { AuditLog } from '../audit/index.js';
import { tradingDayOf } from '../calendar/index.js';
import type { Clock } from '../core/clock.js';
import {
  nextWindows,
  type PipelineRepository,
  type PipelineRunner,
  type RunWindow,
  weeklyWindow,
} from '../pipeline/index.js';
import type { Project } from '../projects/index.js';

export interface SchedulerOptions {
  runner: PipelineRunner;
  projects: { list(): Promise<Project[]>; get(id: number): Promise<Project> };
  audit: AuditLog;
  clock: Clock;
  /** Only the lease holder schedules. */
  isHolder: () => boolean;
  /** How often the schedule is looked at (default 1 s). */
  everyMs?: number;
  /**
   * Jumps of a simulated clock (the built-in gateway's stepped clock): the schedule is looked at
   * at once when the clock moves, not at the next tick.
   */
  clockJumps?: (listener: () => void) => () => void;
  logger?: { error(obj: object, msg: string): void };
}

export interface ScheduleView {
  projectId: number;
  paused: boolean;
  reason: string;
  changedAt: string | null;
  changedBy: string | null;
  next: RunWindow[];
}

/** A trigger this late after the fire time is a catch-up (the server was down or busy at fire time). */
const CATCH_UP_AFTER_MS = 60_000;

/**
 * Fires each project's weekly run from the exchange calendar (Lean's DateRules.WeekStart +
 * TimeRules.AfterMarketOpen): the first trading day on or after the project's weekday, N minutes after
 * the open. A server that comes back while the window is open catches up; after it, the run is MISSED.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  /** A look was asked for while one was in progress: look again when it ends. */
  private again = false;
  private offJumps: (() => void) | undefined;

  constructor(private readonly options: SchedulerOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.options.everyMs ?? 1_000);
    this.timer.unref();
    this.offJumps = this.options.clockJumps?.(() => {
      if (this.timer) void this.tick(true);
    });
    void this.tick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.offJumps?.();
    this.offJumps = undefined;
    await this.ticking;
  }

  /**
   * One look at every project's schedule; ticks never overlap. `fresh`: the clock moved, so a look
   * already in progress (with the old time) is followed by another one.
   */
  tick(fresh = false): Promise<void> {
    if (this.ticking) {
      if (fresh) this.again = true;
      return this.ticking;
    }
    this.ticking = this.once()
      .catch((error: unknown) => this.options.logger?.error({ err: error }, 'scheduler tick failed'))
      .finally(() => {
        this.ticking = undefined;
        if (this.again && this.timer) {
          this.again = false;
          void this.tick();
        }
      });
    return this.ticking;
  }

  private async once(): Promise<void> {
    if (!this.options.isHolder()) return;
    const { runner, clock } = this.options;
    const nowMs = clock.nowMs();
    for (const project of await this.options.projects.list()) {
      const pause = await runner.repo.paused(project.id);
      if (pause.paused) continue;
      const window = weeklyWindow(tradingDayOf(nowMs), project.params);
      if (!window || nowMs < window.fireMs) continue;
      // A window that passed before the project existed or while it was paused is not missed.
      const since = Math.max(
        Date.parse(project.createdAt),
        pause.changedAt ? Date.parse(pause.changedAt) : 0,
      );
      if (window.fireMs < since) continue;
      if (await runner.repo.find(project.id, window.tradingDate)) continue;
      if (nowMs < window.windowEndMs) {
        await runner.trigger({
          projectId: project.id,
          tradingDate: window.tradingDate,
          trigger: nowMs - window.fireMs > CATCH_UP_AFTER_MS ? 'catch-up' : 'schedule',
          actor: 'scheduler',
        });
      } else {
        const { run, created } = await runner.repo.createOrJoin({
          projectId: project.id,
          tradingDate: window.tradingDate,
          dryRun: false,
          trigger: 'schedule',
          actor: 'scheduler',
          notBefore: new Date(window.fireMs).toISOString(),
          windowEnd: new Date(window.windowEndMs).toISOString(),
        });
        if (created) await runner.missed(run, 'server-down');
      }
    }
    await runner.resumeDue();
  }

  view(projectId: number, count = 4): Promise<ScheduleView> {
    return scheduleView(this.deps(), projectId, count);
  }

  setPaused(projectId: number, paused: boolean, reason: string, actor: string): Promise<ScheduleView> {
    return setSchedulePaused(this.deps(), projectId, paused, reason, actor);
  }

  private deps(): ScheduleDeps {
    const { runner, audit, projects, clock } = this.options;
    return { repo: runner.repo, audit, projects, clock };
  }
}

/** What reading and pausing a schedule needs (any replica can, the lease holder is not involved). */
export interface ScheduleDeps {
  repo: PipelineRepository;
  audit: AuditLog;
  projects: { get(id: number): Promise<Project> };
  clock: Clock;
}

/** A project's schedule: paused or not, and its next fire times and windows. */
export async function scheduleView(deps: ScheduleDeps, projectId: number, count = 4): Promise<ScheduleView> {
  const project = await deps.projects.get(projectId);
  const pause = await deps.repo.paused(projectId);
  return { projectId, ...pause, next: nextWindows(deps.clock.nowMs(), project.params, count) };
}

/** Pauses or resumes a project's schedule, audited in one transaction with the change. */
export async function setSchedulePaused(
  deps: ScheduleDeps,
  projectId: number,
  paused: boolean,
  reason: string,
  actor: string,
): Promise<ScheduleView> {
  await deps.projects.get(projectId);
  const before = await deps.repo.paused(projectId);
  await deps.repo.db.transaction().execute(async (trx) => {
    await deps.repo.setPaused(projectId, paused, reason, actor, trx);
    await deps.audit.append(
      {
        actor,
        action: paused ? 'schedule.paused' : 'schedule.resumed',
        target: `project:${projectId}`,
        before: { paused: before.paused },
        after: { paused, reason },
      },
      trx,
    );
  });
  return scheduleView(deps, projectId);
}
