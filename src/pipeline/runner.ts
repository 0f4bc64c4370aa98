import type { Kysely } from 'kysely';
import { type AlertKind, type AlertParamsByKind, type AlertTarget, enqueueAlert } from '../alerts/index.js';
import type { AuditLog } from '../audit/index.js';
import { missedReasonText, type RunMissedReason } from '../contract/alert-texts.js';
import { msg } from '../contract/messages.js';
import type { Clock } from '../core/clock.js';
import { InputError } from '../core/errors.js';
import type { Project } from '../projects/index.js';
import type { Database } from '../store/index.js';
import {
  CHECKLIST_DATA_FAILED,
  encodeMissed,
  REJECTIONS_ABOVE_LIMIT,
  type StepFailure,
  stepFailure,
} from './errors.js';
import { type NewRun, PipelineRepository } from './repository.js';
import {
  type Evidence,
  type FallbackPort,
  FINAL_RUN_STATUSES,
  type PipelineRun,
  type PipelineStep,
  type StepContext,
  StepError,
  type StepName,
  type StepWork,
  type StoppedTrading,
  type Trigger,
} from './types.js';
import { manualWindow, type RunWindow, windowOn } from './window.js';

export interface PipelineRunnerOptions {
  db: Kysely<Database>;
  audit: AuditLog;
  clock: Clock;
  /** This process's name on claimed steps (the lease holder's). */
  owner: string;
  projects: { get(id: number): Promise<Project> };
  work: StepWork;
  fallback: FallbackPort;
  /** Where alerts go; omitted: none (tests of the runner alone). */
  alerts?: AlertTarget;
  /** Only the lease holder runs steps; the other replicas record triggers for it. */
  isHolder: () => boolean;
  /**
   * Why a real run that is due may not start now (IB is down: inside the gateway's restart window,
   * or not), or null. Such a run stays WAITING, with the reason on its checklist step, until IB is
   * back; if its window closes first it is MISSED and alerted.
   */
  gatewayWait?: () => Promise<GatewayWait | null>;
  /** Waits between attempts (tests pass a no-op). */
  sleep?: (ms: number) => Promise<void>;
  logger?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

export interface TriggerInput {
  projectId: number;
  /** Omitted: today's window while it is open, else the next trading day's. */
  tradingDate?: string;
  dryRun?: boolean;
  trigger: Trigger;
  actor: string;
}

export interface TriggerResult {
  run: PipelineRun;
  /** A run with the same key existed: this trigger joined it. */
  joined: boolean;
  /** The market is closed now: the run waits and trades at `tradesAt`. */
  marketClosed: boolean;
  tradesAt: string;
}

/**
 * Records a trigger (scheduler, Run now, CLI) on any replica: creates the run of the key or joins it.
 * The lease holder starts it when its window opens (its scheduler looks every second). A person's
 * trigger on a FAILED run reopens it: what succeeded stays done.
 */
export async function recordTrigger(
  deps: Pick<PipelineRunnerOptions, 'db' | 'audit' | 'clock' | 'projects'>,
  input: TriggerInput,
): Promise<TriggerResult> {
  const repo = new PipelineRepository(deps.db, deps.clock);
  const project = await deps.projects.get(input.projectId);
  const nowMs = deps.clock.nowMs();
  let window: RunWindow | undefined;
  if (input.tradingDate === undefined) {
    window = manualWindow(nowMs, project.params);
  } else {
    window = windowOn(input.tradingDate, project.params);
    if (!window)
      throw new InputError(
        'tradingDate',
        `${input.tradingDate} is not an NYSE trading day`,
        msg('PIPELINE_NOT_TRADING_DAY', { date: input.tradingDate }),
      );
    if (
      !input.dryRun &&
      window.windowEndMs <= nowMs &&
      !(await repo.find(input.projectId, input.tradingDate))
    )
      throw new InputError(
        'tradingDate',
        `the window of ${input.tradingDate} has closed`,
        msg('PIPELINE_WINDOW_CLOSED', { date: input.tradingDate }),
      );
  }
  const dryRun = input.dryRun === true;
  const newRun: NewRun = {
    projectId: input.projectId,
    tradingDate: window.tradingDate,
    dryRun,
    trigger: input.trigger,
    actor: input.actor,
    // A dry run sends nothing: it does not wait for the market.
    notBefore: new Date(dryRun ? nowMs : window.fireMs).toISOString(),
    windowEnd: new Date(window.windowEndMs).toISOString(),
  };
  let { run, created } = await repo.createOrJoin(newRun);
  if (created) {
    await deps.audit.append({
      actor: input.actor,
      action: dryRun ? 'pipeline.dry_run' : 'pipeline.trigger',
      target: `project:${input.projectId}`,
      after: {
        runId: run.id,
        tradingDate: run.tradingDate,
        trigger: input.trigger,
        notBefore: run.notBefore,
      },
    });
  } else if (run.status === 'FAILED' && input.trigger !== 'schedule' && window.windowEndMs > nowMs) {
    // A person starting a failed run again: what succeeded stays done, the rest runs again.
    await repo.reopenFailedSteps(run.id);
    await repo.finishRun(run.id, 'WAITING', { error: null });
    await deps.audit.append({
      actor: input.actor,
      action: 'pipeline.reopen',
      target: `project:${input.projectId}`,
      after: { runId: run.id, tradingDate: run.tradingDate },
    });
    run = await repo.get(run.id);
  }
  const marketClosed = nowMs < window.openMs || nowMs >= window.closeMs;
  return { run, joined: !created, marketClosed, tradesAt: run.notBefore };
}

/** Why a due run waits for IB instead of starting. */
export interface GatewayWait {
  /** `gateway-restart`: inside the gateway's restart window (expected; nobody is paged). */
  reason: 'gateway-restart' | 'gateway-down';
  /** The restart window's kind and end, for `gateway-restart`. */
  window?: { kind: string; endMs: number };
}

/** One step attempt ended (wall time, for benchmarks and progress lines). */
export interface StepEndEvent {
  runId: number;
  step: StepName;
  ok: boolean;
  wallMs: number;
}

/** Submit failures where nothing can have gone out: the run fails as before (a person may rerun it). */
const SUBMIT_SENT_NOTHING = new Set(['PRETRADE_BLOCKED', 'NO_SNAPSHOT', 'NO_DECISION', 'NO_TRADING_RUNTIME']);

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs the weekly pipeline: a run is a list of steps executed in order, each claimed in the database
 * before it starts, so a step that succeeded is never run again (a retry, a second trigger, a restart,
 * a takeover all skip it) and a half-done run resumes from its last finished step.
 */
export class PipelineRunner {
  readonly repo: PipelineRepository;
  private readonly inFlight = new Map<number, Promise<PipelineRun>>();
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly active = new Set<AbortController>();
  private readonly stepListeners = new Set<(event: StepEndEvent) => void>();
  private closed = false;

  constructor(private readonly options: PipelineRunnerOptions) {
    this.repo = new PipelineRepository(options.db, options.clock);
    this.sleep = options.sleep ?? defaultSleep;
  }

  /**
   * Records a trigger (scheduler, Run now, CLI): creates the run of the key or joins it; on the lease
   * holder the run then starts in the background once its window opens.
   */
  async trigger(input: TriggerInput): Promise<TriggerResult> {
    const result = await recordTrigger(this.options, input);
    if (this.holding()) void this.startIfDue(result.run.id).catch(() => undefined);
    return result;
  }

  /**
   * Stops running steps (the runtime is going away): steps in progress are aborted and left as they
   * are, so the next lease holder resumes them; nothing is recorded as failed because of the stop.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const controller of this.active) controller.abort(new Error('the pipeline runner stopped'));
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /** Hears each step attempt's end with its wall time (the weeks benchmark's shares per step). */
  onStepEnd(listener: (event: StepEndEvent) => void): () => void {
    this.stepListeners.add(listener);
    return () => this.stepListeners.delete(listener);
  }

  private stepEnded(event: StepEndEvent): void {
    for (const listener of this.stepListeners) listener(event);
  }

  private holding(): boolean {
    return !this.closed && this.options.isHolder();
  }

  /** Starts or resumes every unfinished run that is due (the scheduler's tick on the lease holder). */
  async resumeDue(): Promise<void> {
    for (const run of await this.repo.unfinished()) await this.startIfDue(run.id).catch(() => undefined);
  }

  /**
   * Executes a run when it is due; a run still waiting for its window stays as it is, one whose window
   * closed before it started is MISSED. Joins an execution already in progress in this process.
   */
  startIfDue(runId: number): Promise<PipelineRun> {
    const running = this.inFlight.get(runId);
    if (running) return running;
    const work = this.execute(runId).finally(() => this.inFlight.delete(runId));
    this.inFlight.set(runId, work);
    return work;
  }

  /** Waits for an execution of the run in this process, if one is going on. */
  async settled(runId: number): Promise<PipelineRun> {
    await this.inFlight.get(runId)?.catch(() => undefined);
    return this.repo.get(runId);
  }

  private async execute(runId: number): Promise<PipelineRun> {
    let run = await this.repo.get(runId);
    if (FINAL_RUN_STATUSES.includes(run.status) || !this.holding()) return run;
    const nowMs = this.options.clock.nowMs();
    if (run.status === 'WAITING') {
      if (nowMs < Date.parse(run.notBefore)) return run;
      if (!run.dryRun && nowMs >= Date.parse(run.windowEnd)) {
        const waited = run.steps.find((s) => s.name === 'checklist')?.evidence?.waiting;
        await this.missed(run, waited ? 'ib-not-back' : 'window-closed');
        return this.repo.get(run.id);
      }
      const wait = run.dryRun ? null : await this.options.gatewayWait?.();
      if (wait) {
        await this.noteWaiting(run, wait, nowMs);
        return this.repo.get(run.id);
      }
      if (!(await this.repo.markRunning(run.id, ['WAITING']))) return this.repo.get(run.id);
      run = await this.repo.get(run.id);
      await this.alert('run.started', {
        project: await this.projectName(run),
        tradingDate: run.tradingDate,
        runId: run.id,
      });
    }
    const project = await this.options.projects.get(run.projectId);
    for (const name of run.steps.map((s) => s.name)) {
      // Read from the run as it is now: a fallback may have settled the decide step already.
      const step = run.steps.find((s) => s.name === name);
      if (!step || step.status === 'SUCCEEDED' || step.status === 'SKIPPED') continue;
      // The checklist failed on data and the run fell back to the last good snapshot: it stays
      // failed (its evidence says what was wrong) and the run goes on.
      if (name === 'checklist' && step.status === 'FAILED' && run.fallback === 'last-good') continue;
      if (!this.holding()) return this.repo.get(run.id);
      const outcome = await this.runStep(run, project, step);
      if (outcome === 'busy') return this.repo.get(run.id);
      if (outcome === 'ok') {
        run = await this.repo.get(run.id);
        continue;
      }
      if (
        step.name === 'decide' ||
        (step.name === 'checklist' && outcome.failure.code === CHECKLIST_DATA_FAILED)
      ) {
        const stop = await this.fallback(run, project, step.name, outcome.failure);
        if (stop === 'continue') {
          run = await this.repo.get(run.id);
          continue;
        }
        return this.repo.get(run.id);
      }
      if (
        (step.name === 'monitor' && outcome.failure.code === REJECTIONS_ABOVE_LIMIT) ||
        (step.name === 'submit' && !SUBMIT_SENT_NOTHING.has(outcome.failure.code))
      ) {
        if (await this.stopTrading(run, project, step.name, outcome.failure)) return this.repo.get(run.id);
      }
      await this.repo.skipRemaining(run.id);
      await this.repo.finishRun(run.id, 'FAILED', { error: `${step.name}: ${outcome.error}` });
      await this.options.audit.append({
        actor: 'pipeline',
        action: 'pipeline.failed',
        target: `project:${run.projectId}`,
        after: { runId: run.id, step: step.name, error: outcome.error },
      });
      await this.alert('run.failed', {
        project: project.name,
        tradingDate: run.tradingDate,
        runId: run.id,
        error: `${step.name}: ${outcome.error}`,
        errorText: outcome.failure.text,
      });
      return this.repo.get(run.id);
    }
    const report = run.steps.find((s) => s.name === 'report')?.evidence ?? null;
    await this.repo.finishRun(run.id, 'SUCCEEDED', report ? { report } : {});
    await this.options.audit.append({
      actor: 'pipeline',
      action: run.dryRun ? 'pipeline.dry_run_done' : 'pipeline.succeeded',
      target: `project:${run.projectId}`,
      after: { runId: run.id, tradingDate: run.tradingDate, fallback: run.fallback },
    });
    if (!run.dryRun) {
      const submit = run.steps.find((s) => s.name === 'submit')?.evidence ?? {};
      await this.alert('run.completed', {
        project: project.name,
        tradingDate: run.tradingDate,
        runId: run.id,
        orders: Number(submit.orders ?? 0),
        filled: Number(report?.filledOrders ?? 0),
      });
    }
    return this.repo.get(run.id);
  }

  /** One step with its retries, back-off and time-out. */
  private async runStep(
    run: PipelineRun,
    project: Project,
    step: PipelineStep,
  ): Promise<'ok' | 'busy' | { error: string; failure: StepFailure }> {
    const { retries, backoffMs, stepTimeoutMs, stepTimeoutsMs } = project.params.pipeline;
    const owner = this.options.owner;
    let failure = stepFailure(new Error('not run'));
    // Attempts count per execution: a crash and restart gives the step its full retry budget again.
    for (let attempt = 1; attempt <= retries + 1; attempt++) {
      if (attempt > 1) await this.sleep(backoffMs * 2 ** (attempt - 2));
      if (!this.holding()) return 'busy';
      if (!(await this.repo.claimStep(run.id, step.name, owner))) return 'busy';
      const current = await this.repo.get(run.id);
      const controller = new AbortController();
      this.active.add(controller);
      const ctx = contextOf(current, project, controller.signal, attempt);
      // The monitor step runs until the window closes; its own deadline is the window.
      const timeoutMs = step.name === 'monitor' ? null : (stepTimeoutsMs[step.name] ?? stepTimeoutMs);
      const startedWall = performance.now();
      try {
        const found = await withTimeout(this.options.work[step.name](ctx), timeoutMs, controller);
        // A run that waited for IB before this step keeps the record of that wait.
        const waited = current.steps.find((s) => s.name === step.name)?.evidence?.waiting;
        const evidence = waited ? { ...found, waited } : found;
        await this.repo.endStep(run.id, step.name, owner, { status: 'SUCCEEDED', evidence });
        // The run names the trade run it sent (the fallback card and the run view link to it).
        if (step.name === 'submit' && typeof found.tradeRunId === 'number')
          await this.repo.setRunFields(run.id, { tradeRunId: found.tradeRunId });
        this.stepEnded({ runId: run.id, step: step.name, ok: true, wallMs: performance.now() - startedWall });
        return 'ok';
      } catch (error) {
        this.stepEnded({
          runId: run.id,
          step: step.name,
          ok: false,
          wallMs: performance.now() - startedWall,
        });
        // Stopped or no longer the lease holder: the step stays claimed under this owner, and the
        // next holder takes it over; it did not fail.
        if (!this.holding()) return 'busy';
        const final = error instanceof StepError && error.options.final === true;
        failure = stepFailure(error);
        const last = final || attempt === retries + 1;
        await this.repo.endStep(run.id, step.name, owner, {
          status: last ? 'FAILED' : 'PENDING',
          evidence: error instanceof StepError ? (error.options.evidence ?? null) : null,
          error: failure,
        });
        if (last) return { error: failure.message, failure };
        this.options.logger?.warn(
          { runId: run.id, step: step.name, attempt, err: error },
          'pipeline step failed; retrying',
        );
      } finally {
        this.active.delete(controller);
      }
    }
    return { error: failure.message, failure };
  }

  /**
   * The decision failed for good, or the checklist found its market data bad: trade the last good
   * snapshot again (recorded as the decide step's outcome), or stand still.
   */
  private async fallback(
    run: PipelineRun,
    project: Project,
    failedStep: 'checklist' | 'decide',
    failure: StepFailure,
  ): Promise<'continue' | 'stop'> {
    const reason = failure.message;
    const policy = project.params.pipeline.fallback;
    const owner = this.options.owner;
    let used: string = policy;
    // The decide step is settled already (a reopened run whose checklist failed on data again).
    const decided = run.steps.find((s) => s.name === 'decide')?.status === 'SUCCEEDED';
    if (decided && failedStep === 'checklist' && policy === 'last-good') {
      await this.repo.setRunFields(run.id, { fallback: 'last-good' });
      return 'continue';
    }
    if (policy === 'last-good' && (await this.repo.claimStep(run.id, 'decide', owner))) {
      const current = await this.repo.get(run.id);
      const ctx = contextOf(current, project, new AbortController().signal, 1);
      try {
        const evidence = await this.options.fallback.lastGood(
          ctx,
          reason,
          await this.lastGoodSnapshotId(run.projectId, run.tradingDate),
          failure.text,
        );
        if (evidence) {
          await this.repo.endStep(run.id, 'decide', owner, {
            status: 'SUCCEEDED',
            evidence: { ...evidence, fallback: 'last-good', reason, reasonText: failure.text, failedStep },
          });
        } else {
          await this.endDecideUnsettled(run.id, failedStep, failure);
          used = 'stand-still';
        }
      } catch (error) {
        await this.endDecideUnsettled(run.id, failedStep, failure);
        this.options.logger?.error(
          { err: error, runId: run.id },
          'the last-good fallback failed; standing still',
        );
        used = 'stand-still';
      }
    } else {
      used = 'stand-still';
    }
    await this.recordFallback(run, project, used, failedStep, failure);
    if (used === 'last-good') return 'continue';
    await this.standStill(run.id, failedStep, reason);
    return 'stop';
  }

  /**
   * Trading failed after orders may have gone out (IB rejected more than the project allows, or the
   * submit step failed for good): the run's open orders are cancelled and nothing more is sent. A
   * last-good project stands still too: the snapshot this run traded may be what is wrong, and trading
   * another one on top of a half-done list in the same window is not safe; the last good snapshot is
   * recorded as the target a person may trade. False when nothing went out (the run just fails).
   */
  private async stopTrading(
    run: PipelineRun,
    project: Project,
    failedStep: StepName,
    failure: StepFailure,
  ): Promise<boolean> {
    const port = this.options.fallback.stopTrading;
    if (!port) return false;
    const current = await this.repo.get(run.id);
    let stopped: StoppedTrading | null = null;
    try {
      stopped = await port(contextOf(current, project, new AbortController().signal, 1));
    } catch (error) {
      // The run still stops: nothing more is sent by it, and the alert asks for a look.
      this.options.logger?.error(
        { err: error, runId: run.id },
        'cancelling the open orders of a stopped run failed',
      );
    }
    if (failedStep === 'submit' && stopped?.sent === 0) return false;
    // The target a last-good project would trade: the snapshot of its last run that completed.
    const lastGoodSnapshotId =
      project.params.pipeline.fallback === 'last-good'
        ? await this.lastGoodSnapshotId(run.projectId, run.tradingDate)
        : undefined;
    await this.recordFallback(run, project, 'stand-still', failedStep, failure, {
      stoppedTrading: true,
      tradeRunId: stopped?.tradeRunId ?? null,
      sent: stopped?.sent ?? null,
      canceled: stopped?.canceled ?? null,
      lastGoodSnapshotId: lastGoodSnapshotId ?? null,
    });
    if (stopped?.tradeRunId != null) await this.repo.setRunFields(run.id, { tradeRunId: stopped.tradeRunId });
    await this.standStill(run.id, failedStep, failure.message);
    return true;
  }

  /**
   * The snapshot `last-good` trades: the decision of the project's last run that completed
   * (SUCCEEDED), not merely the newest snapshot, whose run may have failed or stood still.
   */
  private async lastGoodSnapshotId(projectId: number, tradingDate: string): Promise<number | undefined> {
    const good = await this.repo.lastGood(projectId, tradingDate);
    const id = good?.steps.find((s) => s.name === 'decide')?.evidence?.snapshotId;
    return typeof id === 'number' ? id : undefined;
  }

  /** The policy applied: on the run, in the audit log (with the reason's code) and as an alert. */
  private async recordFallback(
    run: PipelineRun,
    project: Project,
    used: string,
    failedStep: StepName,
    failure: StepFailure,
    extra: Evidence = {},
  ): Promise<void> {
    const reason = failure.message;
    await this.repo.setRunFields(run.id, { fallback: used });
    await this.options.audit.append({
      actor: 'pipeline',
      action: 'pipeline.fallback',
      target: `project:${run.projectId}`,
      after: {
        runId: run.id,
        tradingDate: run.tradingDate,
        policy: used,
        configured: project.params.pipeline.fallback,
        step: failedStep,
        reason,
        reasonCode: failure.code,
        ...extra,
      },
    });
    await this.alert('fallback.used', {
      project: project.name,
      policy: used,
      reason,
      reasonCode: failure.code,
      reasonText: failure.text,
    });
  }

  private async standStill(runId: number, failedStep: StepName, reason: string): Promise<void> {
    await this.repo.skipRemaining(runId);
    await this.repo.finishRun(runId, 'STOOD_STILL', { error: `${failedStep}: ${reason}` });
  }

  /**
   * No last-good snapshot after all: a failed decide step keeps its failure; after a checklist data
   * failure the decide step never ran, and goes back to pending for `skipRemaining` to skip.
   */
  private async endDecideUnsettled(runId: number, failedStep: string, failure: StepFailure): Promise<void> {
    const owner = this.options.owner;
    if (failedStep === 'decide')
      await this.repo.endStep(runId, 'decide', owner, { status: 'FAILED', error: failure });
    else await this.repo.endStep(runId, 'decide', owner, { status: 'PENDING' });
  }

  /** Records on the run's checklist step why it waits (once per reason), without starting it. */
  private async noteWaiting(run: PipelineRun, wait: GatewayWait, nowMs: number): Promise<void> {
    const step = run.steps.find((s) => s.name === 'checklist');
    const before = step?.evidence?.waiting as { reason?: string } | undefined;
    if (before?.reason === wait.reason) return;
    const until = wait.window ? new Date(wait.window.endMs).toISOString() : null;
    const text =
      wait.reason === 'gateway-restart' && until
        ? msg('PIPELINE_WAITING_GATEWAY_RESTART', { until })
        : msg('PIPELINE_WAITING_GATEWAY', {});
    await this.repo.noteWaiting(run.id, 'checklist', {
      waiting: {
        reason: wait.reason,
        window: wait.window?.kind ?? null,
        until,
        since: new Date(nowMs).toISOString(),
        text,
      },
    });
  }

  /** A run whose window closed before it started. */
  async missed(run: PipelineRun, reasonCode: RunMissedReason): Promise<void> {
    // Stored with its code (the UI renders it in its language), audited in English; the alert
    // carries the code so each language renders it.
    const reason = missedReasonText(reasonCode, 'en');
    await this.repo.skipRemaining(run.id);
    await this.repo.finishRun(run.id, 'MISSED', { error: encodeMissed(reasonCode) });
    await this.options.audit.append({
      actor: 'pipeline',
      action: 'pipeline.missed',
      target: `project:${run.projectId}`,
      after: { runId: run.id, tradingDate: run.tradingDate, reason },
    });
    await this.alert('run.missed', {
      project: await this.projectName(run),
      scheduledAt: run.notBefore,
      reason,
      reasonCode,
    });
  }

  private async projectName(run: PipelineRun): Promise<string> {
    return (await this.options.projects.get(run.projectId)).name;
  }

  private async alert<K extends AlertKind>(kind: K, params: AlertParamsByKind[K]): Promise<void> {
    if (!this.options.alerts) return;
    try {
      await enqueueAlert(this.options.alerts, { kind, params, dedupeKey: JSON.stringify(params) });
    } catch (error) {
      this.options.logger?.error({ err: error, kind }, 'could not enqueue a pipeline alert');
    }
  }
}

function contextOf(run: PipelineRun, project: Project, signal: AbortSignal, attempt: number): StepContext {
  return { run, params: project.params, evidence: evidenceOf(run), attempt, signal };
}

function evidenceOf(run: PipelineRun): Partial<Record<StepName, Evidence>> {
  const result: Partial<Record<StepName, Evidence>> = {};
  for (const step of run.steps)
    if (step.status === 'SUCCEEDED' && step.evidence) result[step.name] = step.evidence;
  return result;
}

async function withTimeout<T>(
  work: Promise<T>,
  timeoutMs: number | null,
  controller: AbortController,
): Promise<T> {
  if (timeoutMs === null) return work;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(
        new StepError('STEP_TIMEOUT', `timed out after ${timeoutMs} ms`, {
          text: msg('PIPELINE_STEP_TIMEOUT', { seconds: Math.round(timeoutMs / 1000) }),
        }),
      );
    }, timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
