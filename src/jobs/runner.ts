import type { Kysely, Selectable } from 'kysely';
import type { AuditLog } from '../audit/index.js';
import { type Clock, isoNow } from '../core/clock.js';
import { NotFoundError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Database } from '../store/index.js';
import type { JobRunsTable } from '../store/tables/research-runs.js';

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** What the API and the UI see of a job. */
export interface Job {
  id: number;
  kind: string;
  scope: string;
  status: JobStatus;
  progress: number;
  message: string;
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
}

/** Handed to the work function: report progress (0..1) with a short human message. */
export interface JobHandle {
  readonly id: number;
  progress(fraction: number, message?: string): void;
}

export interface JobOutcome {
  resultRef?: string;
  result?: unknown;
  message?: string;
}

export interface JobRequest {
  kind: string;
  scope: string;
  params: unknown;
  actor: string;
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
}

type Row = Selectable<JobRunsTable>;

/**
 * Runs long work in the background with a `job_runs` row per run. One job per kind and scope is
 * active at a time: a second request joins the active one (the DB's unique `active_key` decides, so
 * this holds across processes). A job whose work throws is marked failed with the error. Starts and
 * ends are audited. A job left active by a process that died is failed once its heartbeat is stale.
 */
export class JobRunner {
  private readonly listeners = new Set<(event: JobProgressEvent) => void>();
  private readonly running = new Map<number, Promise<Job>>();

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
          message: 'queued',
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
    const done = this.execute(id, request);
    this.running.set(id, done);
    // Bookkeeping failures (the database went away) are logged; the row then goes stale and is failed.
    void done
      .catch((error: unknown) => this.deps.logger?.error({ err: error, job: id }, 'job bookkeeping failed'))
      .finally(() => this.running.delete(id));
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
      if (job.status === 'succeeded' || job.status === 'failed') return job;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /** Waits for every job this process is running (for shutdown and tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  async get(id: number): Promise<Job> {
    const row = await this.deps.db.selectFrom('job_runs').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError(`job ${id}`);
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
        message: 'failed',
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

  private activeRow(activeKey: string): Promise<Row | undefined> {
    return this.deps.db
      .selectFrom('job_runs')
      .selectAll()
      .where('active_key', '=', activeKey)
      .executeTakeFirst();
  }

  private async execute(id: number, request: JobRequest): Promise<Job> {
    const { db, clock } = this.deps;
    const interval = this.deps.progressWriteIntervalMs ?? 500;
    let lastWrite = Number.NEGATIVE_INFINITY;
    let pendingWrite: Promise<unknown> = Promise.resolve();
    const emit = (status: JobStatus, progress: number, message: string) => {
      for (const listener of this.listeners) {
        try {
          listener({ id, kind: request.kind, status, progress, message });
        } catch (error) {
          this.deps.logger?.error({ err: error }, 'job progress listener failed');
        }
      }
    };
    const handle: JobHandle = {
      id,
      progress: (fraction, message = '') => {
        const progress = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
        emit('running', progress, message);
        // Throttled: a tight loop reporting progress must not turn into a write per iteration.
        const now = clock.nowMs();
        if (now - lastWrite < interval) return;
        lastWrite = now;
        pendingWrite = pendingWrite.then(() =>
          db
            .updateTable('job_runs')
            .set({ progress, message, updated_at: isoNow(clock) })
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
    await db
      .updateTable('job_runs')
      .set({ status: 'running', message: 'running', started_at: startedAt, updated_at: startedAt })
      .where('id', '=', id)
      .execute();
    emit('running', 0, 'running');
    const heartbeat = setInterval(() => {
      db.updateTable('job_runs')
        .set({ updated_at: isoNow(clock) })
        .where('id', '=', id)
        .where('status', '=', 'running')
        .execute()
        .catch((error: unknown) => this.deps.logger?.error({ err: error }, 'job heartbeat failed'));
    }, this.deps.heartbeatMs ?? 15_000);
    heartbeat.unref();

    let outcome: JobOutcome | undefined;
    let failure: string | undefined;
    try {
      outcome = await request.work(handle);
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
      this.deps.logger?.warn({ err: error, job: id, kind: request.kind }, 'job failed');
    } finally {
      clearInterval(heartbeat);
    }
    await pendingWrite;
    const finishedAt = isoNow(clock);
    const status: JobStatus = failure === undefined ? 'succeeded' : 'failed';
    const message = failure === undefined ? (outcome?.message ?? 'done') : 'failed';
    await db
      .updateTable('job_runs')
      .set({
        status,
        progress: failure === undefined ? 1 : undefined,
        message,
        result_ref: outcome?.resultRef ?? null,
        result_json: outcome?.result === undefined ? null : JSON.stringify(outcome.result),
        error: failure ?? null,
        active_key: null,
        finished_at: finishedAt,
        updated_at: finishedAt,
      })
      .where('id', '=', id)
      .execute();
    const job = await this.get(id);
    emit(status, job.progress, message);
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
}

function toJob(row: Row): Job {
  return {
    id: Number(row.id),
    kind: row.kind,
    scope: row.scope,
    status: row.status as JobStatus,
    progress: Number(row.progress),
    message: row.message,
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
