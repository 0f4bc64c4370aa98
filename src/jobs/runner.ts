import type { Kysely, Selectable } from 'kysely';
import type { AuditLog } from '../audit/index.js';
import { type Message, msg, parseMessage } from '../contract/messages.js';
import { type Clock, isoNow } from '../core/clock.js';
import { ConflictError, type ErrorText, NotFoundError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Database } from '../store/index.js';
import type { JobRunsTable } from '../store/tables/research-runs.js';
import { bothForms, type JobText, readText, storedText } from './text.js';

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

const ACTIVE_STATUSES: readonly JobStatus[] = ['queued', 'running'];

/** True for a job that has ended (succeeded, failed or cancelled). */
export function isJobFinished(status: JobStatus): boolean {
  return !ACTIVE_STATUSES.includes(status);
}

/**
 * The reason a job's signal is aborted with: a user cancelled it, or its time limit passed. Work that
 * calls `throwIfCancelled()` throws this; the runner has already written the final row by then.
 */
export class JobAbortedError extends Error {
  constructor(
    readonly reason: 'cancelled' | 'timeout',
    message: string,
  ) {
    super(message);
    this.name = 'JobAbortedError';
  }
}

/** What the API and the UI see of a job. */
export interface Job {
  id: number;
  kind: string;
  scope: string;
  status: JobStatus;
  progress: number;
  /** English, for logs, the CLI and API users. */
  message: string;
  /** The same as a catalogued message the UI renders in its language; null for plain text. */
  text: Message | null;
  params: unknown;
  resultRef: string | null;
  result: unknown;
  error: string | null;
  actor: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
}

/** The body of the `job.progress` server-sent event. */
export interface JobProgressEvent {
  id: number;
  kind: string;
  status: JobStatus;
  progress: number;
  message: string;
  text: Message | null;
}

/** Handed to the work function: report progress (0..1) with a short human message. */
export interface JobHandle {
  readonly id: number;
  /** Aborted when the job is cancelled or runs past its time limit; pass it to I/O that can stop. */
  readonly signal: AbortSignal;
  progress(fraction: number, message?: JobText): void;
  /** Throws (the abort reason) once the job is cancelled or timed out: call it at natural checkpoints. */
  throwIfCancelled(): void;
}

export interface JobOutcome {
  resultRef?: string;
  result?: unknown;
  message?: JobText;
}

export interface JobRequest {
  kind: string;
  scope: string;
  params: unknown;
  actor: string;
  /** Time limit: past it the job is aborted and ends failed ("timed out after N s"). */
  timeoutMs?: number;
  work: (job: JobHandle) => Promise<JobOutcome>;
}

export interface StartedJob {
  job: Job;
  /** True when an active job of the same kind and scope existed; the request joined it. */
  joined: boolean;
}

export interface JobRunnerDeps {
  db: Kysely<Database>;
  audit: AuditLog;
  clock: Clock;
  logger?: Logger;
  /** Where progress goes live (the server passes its event hub's publish). */
  publish?: (event: JobProgressEvent) => void;
  /** Least time between two progress writes to the database for one job. */
  progressWriteIntervalMs?: number;
  /** A running job touches its row this often, so that others can tell it is alive. */
  heartbeatMs?: number;
  /**
   * An active job of another process whose row has not been touched for this long is taken to be
   * dead (its process crashed or was killed): it is marked failed and the slot is free again.
   */
  staleAfterMs?: number;
  /**
   * How long `cancel` waits for work of this process to stop after the signal is aborted, so that a
   * rerun right after a cancel does not overlap the old work in the common case.
   */
  cancelGraceMs?: number;
}

type Row = Selectable<JobRunsTable>;

/**
 * Runs long work in the background with a `job_runs` row per run. One job per kind and scope is
 * active at a time: a second request joins the active one (the DB's unique `active_key` decides, so
 * this holds across processes). A job whose work throws is marked failed with the error. Starts and
 * ends are audited. A job left active by a process that died is failed once its heartbeat is stale.
 *
 * A job can be cancelled (or time out): its row is marked final at once, so the UI is never stuck
 * behind work that ignores the signal or runs in another process, and the work's signal is aborted
 * (in another process, at its next heartbeat). The work's own end never overwrites a final row.
 */
export class JobRunner {
  private readonly listeners = new Set<(event: JobProgressEvent) => void>();
  private readonly running = new Map<number, Promise<Job>>();
  private readonly controllers = new Map<number, AbortController>();

  constructor(private readonly deps: JobRunnerDeps) {
    if (deps.publish) this.listeners.add(deps.publish);
  }

  /** Subscribes to progress events; returns the unsubscribe function. */
  onProgress(listener: (event: JobProgressEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(request: JobRequest): Promise<StartedJob> {
    const activeKey = `${request.kind}|${request.scope}`;
    const existing = await this.activeRow(activeKey);
    if (existing && !(await this.abandonIfStale(existing))) return { job: toJob(existing), joined: true };
    const now = isoNow(this.deps.clock);
    let id: number;
    try {
      const inserted = await this.deps.db
        .insertInto('job_runs')
        .values({
          kind: request.kind,
          scope: request.scope,
          status: 'queued',
          progress: 0,
          message: storedText(msg('JOB_QUEUED', {})),
          params_json: JSON.stringify(request.params ?? null),
          result_ref: null,
          result_json: null,
          error: null,
          active_key: activeKey,
          actor: request.actor,
          created_at: now,
          started_at: null,
          finished_at: null,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      id = Number(inserted.id);
    } catch (error) {
      // Lost the race to another request (or process): join the winner.
      const winner = await this.activeRow(activeKey);
      if (winner) return { job: toJob(winner), joined: true };
      throw error;
    }
    await this.deps.audit.append({
      actor: request.actor,
      action: 'job.start',
      target: `job:${id}`,
      after: { kind: request.kind, scope: request.scope },
    });
    const controller = new AbortController();
    this.controllers.set(id, controller);
    const done = this.execute(id, request, controller);
    this.running.set(id, done);
    // Bookkeeping failures (the database went away) are logged; the row then goes stale and is failed.
    void done
      .catch((error: unknown) => this.deps.logger?.error({ err: error, job: id }, 'job bookkeeping failed'))
      .finally(() => {
        this.running.delete(id);
        this.controllers.delete(id);
      });
    return { job: await this.get(id), joined: false };
  }

  /** Starts (or joins) a job and waits until it has finished. */
  async run(request: JobRequest): Promise<Job> {
    const { job } = await this.start(request);
    return this.wait(job.id);
  }

  /**
   * Resolves with the finished job. A job run by another process is polled until it finishes.
   */
  async wait(id: number, pollMs = 200): Promise<Job> {
    const local = this.running.get(id);
    if (local) return local;
    for (;;) {
      const job = await this.get(id);
      if (isJobFinished(job.status)) return job;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /**
   * Cancels an active job: the row ends `cancelled` now (message names the actor), the work's signal
   * is aborted, and the cancel is audited. A finished job is a conflict; an unknown one is not found.
   */
  async cancel(id: number, actor: string): Promise<Job> {
    const job = await this.get(id);
    if (isJobFinished(job.status)) throw alreadyEnded(id, job.status);
    const said = bothForms(msg('JOB_CANCELLED_BY', { actor }));
    if (!(await this.finish(id, { status: 'cancelled', message: said, error: null }))) {
      const now = await this.get(id);
      throw alreadyEnded(id, now.status);
    }
    this.controllers.get(id)?.abort(new JobAbortedError('cancelled', said.message));
    const cancelled = await this.get(id);
    this.emit({ id, kind: cancelled.kind, status: 'cancelled', progress: cancelled.progress, ...said });
    await this.deps.audit.append({
      actor,
      action: 'job.cancel',
      target: `job:${id}`,
      before: { status: job.status, progress: job.progress },
      after: { kind: job.kind, scope: job.scope, status: 'cancelled' },
    });
    const local = this.running.get(id);
    if (local) {
      const grace = this.deps.cancelGraceMs ?? 2_000;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        local.catch(() => undefined),
        new Promise((resolve) => {
          timer = setTimeout(resolve, grace);
        }),
      ]);
      clearTimeout(timer);
    }
    return cancelled;
  }

  /** Ids of the jobs this process is running (queued or running here), e.g. to cancel at shutdown. */
  localJobIds(): number[] {
    return [...this.running.keys()];
  }

  /** Waits for every job this process is running (for shutdown and tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  async get(id: number): Promise<Job> {
    const row = await this.deps.db.selectFrom('job_runs').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError(`job ${id}`, msg('JOB_NOT_FOUND', { id }));
    return toJob(row);
  }

  async list(filter: { kind?: string; status?: JobStatus; limit?: number } = {}): Promise<Job[]> {
    let query = this.deps.db.selectFrom('job_runs').selectAll();
    if (filter.kind) query = query.where('kind', '=', filter.kind);
    if (filter.status) query = query.where('status', '=', filter.status);
    const rows = await query
      .orderBy('id', 'desc')
      .limit(filter.limit ?? 100)
      .execute();
    return rows.map(toJob);
  }

  /** Fails an active job of a process that stopped; true when it did (the slot is free). */
  private async abandonIfStale(row: Row): Promise<boolean> {
    const id = Number(row.id);
    if (this.running.has(id)) return false;
    const staleAfter = this.deps.staleAfterMs ?? 120_000;
    const silentMs = this.deps.clock.nowMs() - Date.parse(row.updated_at);
    if (!(silentMs > staleAfter)) return false;
    const now = isoNow(this.deps.clock);
    const error = `interrupted: no sign of life since ${row.updated_at} (the process running it stopped)`;
    const result = await this.deps.db
      .updateTable('job_runs')
      .set({
        status: 'failed',
        message: storedText(msg('JOB_FAILED', {})),
        error,
        active_key: null,
        finished_at: now,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('updated_at', '=', row.updated_at)
      .where('active_key', 'is not', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;
    await this.deps.audit.append({
      actor: 'system',
      action: 'job.failed',
      target: `job:${id}`,
      after: { kind: row.kind, scope: row.scope, resultRef: null, error },
    });
    return true;
  }

  /** Writes a final state if the job is still active; false when it had already ended. */
  private async finish(
    id: number,
    end: {
      status: JobStatus;
      message: { message: string; text: Message | null };
      error: string | null;
      progress?: number;
      resultRef?: string | null;
      resultJson?: string | null;
    },
  ): Promise<boolean> {
    const now = isoNow(this.deps.clock);
    const result = await this.deps.db
      .updateTable('job_runs')
      .set({
        status: end.status,
        progress: end.progress,
        message: storedText(end.message.text ?? end.message.message),
        result_ref: end.resultRef ?? null,
        result_json: end.resultJson ?? null,
        error: end.error,
        active_key: null,
        finished_at: now,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('status', 'in', [...ACTIVE_STATUSES])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  private emit(event: JobProgressEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.deps.logger?.error({ err: error }, 'job progress listener failed');
      }
    }
  }

  private activeRow(activeKey: string): Promise<Row | undefined> {
    return this.deps.db
      .selectFrom('job_runs')
      .selectAll()
      .where('active_key', '=', activeKey)
      .executeTakeFirst();
  }

  private async execute(id: number, request: JobRequest, controller: AbortController): Promise<Job> {
    const { db, clock } = this.deps;
    const signal = controller.signal;
    const interval = this.deps.progressWriteIntervalMs ?? 500;
    let lastWrite = Number.NEGATIVE_INFINITY;
    let pendingWrite: Promise<unknown> = Promise.resolve();
    const emit = (status: JobStatus, progress: number, said: JobText) =>
      this.emit({ id, kind: request.kind, status, progress, ...bothForms(said) });
    const handle: JobHandle = {
      id,
      signal,
      throwIfCancelled: () => {
        if (!signal.aborted) return;
        throw signal.reason instanceof Error ? signal.reason : new JobAbortedError('cancelled', 'cancelled');
      },
      progress: (fraction, message = '') => {
        // A cancelled job's late progress must not flip the UI back to running.
        if (signal.aborted) return;
        const progress = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
        emit('running', progress, message);
        // Throttled: a tight loop reporting progress must not turn into a write per iteration.
        const now = clock.nowMs();
        if (now - lastWrite < interval) return;
        lastWrite = now;
        pendingWrite = pendingWrite.then(() =>
          db
            .updateTable('job_runs')
            .set({ progress, message: storedText(message), updated_at: isoNow(clock) })
            .where('id', '=', id)
            .where('status', '=', 'running')
            .execute()
            .catch((error: unknown) => this.deps.logger?.error({ err: error }, 'job progress write failed')),
        );
      },
    };

    // Let the caller get its answer before the work takes the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    const startedAt = isoNow(clock);
    const started = await db
      .updateTable('job_runs')
      .set({
        status: 'running',
        message: storedText(msg('JOB_RUNNING', {})),
        started_at: startedAt,
        updated_at: startedAt,
      })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .executeTakeFirst();
    // Cancelled while still queued: the row is final already, the work never starts.
    if (Number(started.numUpdatedRows) !== 1) return this.get(id);
    emit('running', 0, msg('JOB_RUNNING', {}));
    const heartbeat = setInterval(() => {
      this.beat(id, controller).catch((error: unknown) =>
        this.deps.logger?.error({ err: error }, 'job heartbeat failed'),
      );
    }, this.deps.heartbeatMs ?? 15_000);
    heartbeat.unref();
    let timeLimit: NodeJS.Timeout | undefined;
    let timingOut: Promise<void> = Promise.resolve();
    const timeoutMs = request.timeoutMs;
    if (timeoutMs !== undefined && timeoutMs > 0) {
      timeLimit = setTimeout(() => {
        timingOut = this.timeOut(id, request, controller, timeoutMs);
      }, timeoutMs);
      timeLimit.unref();
    }

    let outcome: JobOutcome | undefined;
    let failure: string | undefined;
    // Why the job failed as a catalogued message, when the error says it (e.g. IB refused).
    let failureText: Message | null = null;
    try {
      outcome = await request.work(handle);
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
      failureText = parseMessage((error as ErrorText | null)?.text);
      if (!signal.aborted) this.deps.logger?.warn({ err: error, job: id, kind: request.kind }, 'job failed');
    } finally {
      clearInterval(heartbeat);
      clearTimeout(timeLimit);
    }
    await pendingWrite;
    // The time-out's own bookkeeping (row, event, audit) is done before this job counts as over.
    await timingOut;
    const status: JobStatus = failure === undefined ? 'succeeded' : 'failed';
    const said = bothForms(
      failure === undefined
        ? (outcome?.message ?? msg('JOB_DONE', {}))
        : (failureText ?? msg('JOB_FAILED', {})),
    );
    // Conditional: a job cancelled (or timed out) meanwhile keeps its final row, even if the work
    // went on to succeed.
    const ended = await this.finish(id, {
      status,
      progress: failure === undefined ? 1 : undefined,
      message: said,
      resultRef: outcome?.resultRef ?? null,
      resultJson: outcome?.result === undefined ? null : JSON.stringify(outcome.result),
      error: failure ?? null,
    });
    const job = await this.get(id);
    if (!ended) return job;
    emit(status, job.progress, said.text ?? said.message);
    try {
      await this.deps.audit.append({
        actor: request.actor,
        action: failure === undefined ? 'job.succeeded' : 'job.failed',
        target: `job:${id}`,
        after: {
          kind: request.kind,
          scope: request.scope,
          resultRef: job.resultRef,
          ...(failure === undefined ? {} : { error: failure }),
        },
      });
    } catch (error) {
      this.deps.logger?.error({ err: error, job: id }, 'could not audit the end of a job');
    }
    return job;
  }

  /**
   * Touches a running job's row. When the row has ended meanwhile (cancelled through another
   * process, or failed as stale), the work here is told to stop.
   */
  private async beat(id: number, controller: AbortController): Promise<void> {
    const result = await this.deps.db
      .updateTable('job_runs')
      .set({ updated_at: isoNow(this.deps.clock) })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1 || controller.signal.aborted) return;
    const row = await this.get(id);
    if (isJobFinished(row.status)) controller.abort(new JobAbortedError('cancelled', row.message));
  }

  /** The time limit passed: the row ends failed now and the work is told to stop. */
  private async timeOut(
    id: number,
    request: JobRequest,
    controller: AbortController,
    timeoutMs: number,
  ): Promise<void> {
    const said = bothForms(msg('JOB_TIMED_OUT', { seconds: Number((timeoutMs / 1000).toFixed(3)) }));
    const message = said.message;
    try {
      const ended = await this.finish(id, { status: 'failed', message: said, error: message });
      controller.abort(new JobAbortedError('timeout', message));
      if (!ended) return;
      const job = await this.get(id);
      this.emit({ id, kind: request.kind, status: 'failed', progress: job.progress, ...said });
      await this.deps.audit.append({
        actor: 'system',
        action: 'job.failed',
        target: `job:${id}`,
        after: { kind: request.kind, scope: request.scope, resultRef: null, error: message },
      });
    } catch (error) {
      this.deps.logger?.error({ err: error, job: id }, 'could not time out a job');
    }
  }
}

function toJob(row: Row): Job {
  return {
    id: Number(row.id),
    kind: row.kind,
    scope: row.scope,
    status: row.status as JobStatus,
    progress: Number(row.progress),
    ...readText(row.message),
    params: JSON.parse(row.params_json) as unknown,
    resultRef: row.result_ref,
    result: row.result_json === null ? null : (JSON.parse(row.result_json) as unknown),
    error: row.error,
    actor: row.actor,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    updatedAt: row.updated_at,
  };
}

function alreadyEnded(id: number, status: JobStatus): ConflictError {
  return new ConflictError(
    'job',
    `job ${id} has already ${status}`,
    msg('JOB_ALREADY_ENDED', { id, status }),
  );
}
