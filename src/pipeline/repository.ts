import type { Kysely, Selectable } from 'kysely';
import { msg } from '../contract/messages.js';
import { type Clock, isoNow } from '../core/clock.js';
import { NotFoundError } from '../core/errors.js';
import type { Database } from '../store/index.js';
import type { PipelineRunsTable, PipelineStepsTable } from '../store/tables/pipeline.js';
import { decodeFailure, decodeRunError, encodeFailure, type StepFailure } from './errors.js';
import {
  DRY_RUN_STEPS,
  type Evidence,
  type PipelineRun,
  type PipelineRunStatus,
  type PipelineStep,
  RUN_STATUSES,
  STEP_NAMES,
  STEP_STATUSES,
  type StepName,
  type StepStatus,
  TRIGGERS,
  type Trigger,
} from './types.js';

export interface NewRun {
  projectId: number;
  tradingDate: string;
  dryRun: boolean;
  trigger: Trigger;
  actor: string;
  notBefore: string;
  windowEnd: string;
  /** MISSED runs are recorded already final. */
  status?: PipelineRunStatus;
  error?: string;
}

/** The run key: one real run per project and trading date. */
export const runKeyOf = (projectId: number, tradingDate: string): string => `${projectId}:${tradingDate}`;

/** Runs and steps in the database. Every change that matters is conditional, so two triggers cannot both win. */
export class PipelineRepository {
  constructor(
    readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /** Creates the run (with its steps) or returns the existing one with the same key. */
  async createOrJoin(input: NewRun): Promise<{ run: PipelineRun; created: boolean }> {
    const now = isoNow(this.clock);
    const runKey = input.dryRun
      ? `${runKeyOf(input.projectId, input.tradingDate)}:dry:${this.clock.nowMs()}:${Math.random().toString(36).slice(2, 8)}`
      : runKeyOf(input.projectId, input.tradingDate);
    const created = await this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('pipeline_runs')
        .values({
          run_key: runKey,
          project_id: input.projectId,
          trading_date: input.tradingDate,
          dry_run: input.dryRun ? 1 : 0,
          trigger: input.trigger,
          status: input.status ?? 'WAITING',
          not_before: input.notBefore,
          window_end: input.windowEnd,
          created_at: now,
          created_by: input.actor,
          finished_at: input.status === 'MISSED' ? now : null,
          error: input.error ?? null,
        })
        .onConflict((oc) => oc.column('run_key').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) return false;
      const names = input.dryRun ? DRY_RUN_STEPS : STEP_NAMES;
      await trx
        .insertInto('pipeline_steps')
        .values(
          names.map((name) => ({
            run_id: Number(inserted.id),
            name,
            seq: STEP_NAMES.indexOf(name),
            status: input.status === 'MISSED' ? 'SKIPPED' : 'PENDING',
            attempts: 0,
          })),
        )
        .execute();
      return true;
    });
    return { run: await this.byKey(runKey), created };
  }

  async byKey(runKey: string): Promise<PipelineRun> {
    const row = await this.db
      .selectFrom('pipeline_runs')
      .selectAll()
      .where('run_key', '=', runKey)
      .executeTakeFirst();
    if (!row)
      throw new NotFoundError(`pipeline run ${runKey}`, msg('PIPELINE_RUN_KEY_NOT_FOUND', { key: runKey }));
    return this.withSteps(row);
  }

  async get(id: number): Promise<PipelineRun> {
    const row = await this.db.selectFrom('pipeline_runs').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError(`pipeline run ${id}`, msg('PIPELINE_RUN_NOT_FOUND', { id }));
    return this.withSteps(row);
  }

  /** The real (not dry) run of a project on a trading date, if any. */
  async find(projectId: number, tradingDate: string): Promise<PipelineRun | undefined> {
    const row = await this.db
      .selectFrom('pipeline_runs')
      .selectAll()
      .where('run_key', '=', runKeyOf(projectId, tradingDate))
      .executeTakeFirst();
    return row ? this.withSteps(row) : undefined;
  }

  async list(filter: { projectId?: number; limit?: number } = {}): Promise<PipelineRun[]> {
    let query = this.db.selectFrom('pipeline_runs').selectAll();
    if (filter.projectId !== undefined) query = query.where('project_id', '=', filter.projectId);
    const rows = await query
      .orderBy('trading_date', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit ?? 50)
      .execute();
    return Promise.all(rows.map((row) => this.withSteps(row)));
  }

  /** Runs that are not final: the lease holder starts or resumes them. */
  async unfinished(): Promise<PipelineRun[]> {
    const rows = await this.db
      .selectFrom('pipeline_runs')
      .selectAll()
      .where('status', 'in', ['WAITING', 'RUNNING'])
      .orderBy('id')
      .execute();
    return Promise.all(rows.map((row) => this.withSteps(row)));
  }

  /** The last real run of a project that completed its decision, before a trading date. */
  async lastGood(projectId: number, beforeDate: string): Promise<PipelineRun | undefined> {
    const row = await this.db
      .selectFrom('pipeline_runs')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('dry_run', '=', 0)
      .where('status', '=', 'SUCCEEDED')
      .where('trading_date', '<', beforeDate)
      .orderBy('trading_date', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? this.withSteps(row) : undefined;
  }

  /** WAITING -> RUNNING (or a FAILED run reopened by a person); false when another trigger got there first. */
  async markRunning(id: number, from: readonly PipelineRunStatus[]): Promise<boolean> {
    const result = await this.db
      .updateTable('pipeline_runs')
      .set({ status: 'RUNNING', started_at: isoNow(this.clock), finished_at: null, error: null })
      .where('id', '=', id)
      .where('status', 'in', [...from])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async finishRun(
    id: number,
    status: PipelineRunStatus,
    extra: { error?: string | null; fallback?: string | null; report?: Evidence | null } = {},
  ): Promise<void> {
    await this.db
      .updateTable('pipeline_runs')
      .set({
        status,
        finished_at: isoNow(this.clock),
        ...(extra.error !== undefined ? { error: extra.error } : {}),
        ...(extra.fallback !== undefined ? { fallback: extra.fallback } : {}),
        ...(extra.report !== undefined
          ? { report_json: extra.report ? JSON.stringify(extra.report) : null }
          : {}),
      })
      .where('id', '=', id)
      .execute();
  }

  async setRunFields(
    id: number,
    fields: { tradeRunId?: number; fallback?: string; report?: Evidence },
  ): Promise<void> {
    await this.db
      .updateTable('pipeline_runs')
      .set({
        ...(fields.tradeRunId !== undefined ? { trade_run_id: fields.tradeRunId } : {}),
        ...(fields.fallback !== undefined ? { fallback: fields.fallback } : {}),
        ...(fields.report !== undefined ? { report_json: JSON.stringify(fields.report) } : {}),
      })
      .where('id', '=', id)
      .execute();
  }

  /**
   * Claims a step for this owner. A SUCCEEDED or SKIPPED step is never claimed again; a RUNNING step
   * of another owner is taken over (only the lease holder runs steps, so that owner is gone); a RUNNING
   * step of this owner is in progress here and is not claimed twice.
   */
  async claimStep(runId: number, name: StepName, owner: string): Promise<boolean> {
    const result = await this.db
      .updateTable('pipeline_steps')
      .set((eb) => ({
        status: 'RUNNING',
        owner,
        attempts: eb('attempts', '+', 1),
        started_at: isoNow(this.clock),
        ended_at: null,
      }))
      .where('run_id', '=', runId)
      .where('name', '=', name)
      .where((eb) =>
        eb.or([
          eb('status', 'in', ['PENDING', 'FAILED']),
          eb.and([eb('status', '=', 'RUNNING'), eb('owner', '<>', owner)]),
        ]),
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Records a step's outcome, only while this owner still holds it. */
  async endStep(
    runId: number,
    name: StepName,
    owner: string,
    outcome: { status: StepStatus; evidence?: Evidence | null; error?: StepFailure | null },
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('pipeline_steps')
      .set({
        status: outcome.status,
        ended_at: isoNow(this.clock),
        evidence_json: outcome.evidence ? JSON.stringify(outcome.evidence) : null,
        error: outcome.error ? encodeFailure(outcome.error) : null,
      })
      .where('run_id', '=', runId)
      .where('name', '=', name)
      .where('owner', '=', owner)
      .where('status', '=', 'RUNNING')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Evidence on a step that has not started (why its run waits); a started step is left alone. */
  async noteWaiting(runId: number, name: StepName, evidence: Evidence): Promise<void> {
    await this.db
      .updateTable('pipeline_steps')
      .set({ evidence_json: JSON.stringify(evidence) })
      .where('run_id', '=', runId)
      .where('name', '=', name)
      .where('status', '=', 'PENDING')
      .execute();
  }

  /** Marks every step that has not finished as SKIPPED (stand-still, a failed run). */
  async skipRemaining(runId: number): Promise<void> {
    await this.db
      .updateTable('pipeline_steps')
      .set({ status: 'SKIPPED', ended_at: isoNow(this.clock) })
      .where('run_id', '=', runId)
      .where('status', '=', 'PENDING')
      .execute();
  }

  /** A person reopens a failed run: its failed steps go back to PENDING, succeeded steps stay done. */
  async reopenFailedSteps(runId: number): Promise<void> {
    await this.db
      .updateTable('pipeline_steps')
      .set({ status: 'PENDING', error: null })
      .where('run_id', '=', runId)
      .where('status', 'in', ['FAILED', 'SKIPPED'])
      .execute();
  }

  async paused(
    projectId: number,
  ): Promise<{ paused: boolean; reason: string; changedAt: string | null; changedBy: string | null }> {
    const row = await this.db
      .selectFrom('pipeline_schedule')
      .selectAll()
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    if (!row) return { paused: false, reason: '', changedAt: null, changedBy: null };
    return {
      paused: row.paused === 1,
      reason: row.reason,
      changedAt: row.changed_at,
      changedBy: row.changed_by,
    };
  }

  async setPaused(
    projectId: number,
    paused: boolean,
    reason: string,
    actor: string,
    trx?: Kysely<Database>,
  ): Promise<void> {
    const values = {
      project_id: projectId,
      paused: paused ? 1 : 0,
      reason,
      changed_at: isoNow(this.clock),
      changed_by: actor,
    };
    await (trx ?? this.db)
      .insertInto('pipeline_schedule')
      .values(values)
      .onConflict((oc) =>
        oc.column('project_id').doUpdateSet({
          paused: values.paused,
          reason: values.reason,
          changed_at: values.changed_at,
          changed_by: values.changed_by,
        }),
      )
      .execute();
  }

  private async withSteps(row: Selectable<PipelineRunsTable>): Promise<PipelineRun> {
    const steps = await this.db
      .selectFrom('pipeline_steps')
      .selectAll()
      .where('run_id', '=', row.id)
      .orderBy('seq')
      .execute();
    return toRun(row, steps.map(toStep));
  }
}

function oneOf<T extends string>(values: readonly T[], value: string, fallback: T): T {
  return (values as readonly string[]).includes(value) ? (value as T) : fallback;
}

function toStep(row: Selectable<PipelineStepsTable>): PipelineStep {
  const failure = decodeFailure(row.error);
  return {
    name: oneOf(STEP_NAMES, row.name, 'checklist'),
    seq: Number(row.seq),
    status: oneOf(STEP_STATUSES, row.status, 'PENDING'),
    attempts: Number(row.attempts),
    startedAt: row.started_at,
    endedAt: row.ended_at,
    evidence: row.evidence_json ? (JSON.parse(row.evidence_json) as Evidence) : null,
    error: failure?.message ?? null,
    errorCode: failure?.code ?? null,
    errorText: failure?.text ?? null,
  };
}

function toRun(row: Selectable<PipelineRunsTable>, steps: PipelineStep[]): PipelineRun {
  return {
    id: Number(row.id),
    runKey: row.run_key,
    projectId: Number(row.project_id),
    tradingDate: row.trading_date,
    dryRun: Number(row.dry_run) === 1,
    trigger: oneOf(TRIGGERS, row.trigger, 'manual'),
    status: oneOf(RUN_STATUSES, row.status, 'FAILED'),
    notBefore: row.not_before,
    windowEnd: row.window_end,
    createdAt: row.created_at,
    createdBy: row.created_by,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    tradeRunId: row.trade_run_id === null ? null : Number(row.trade_run_id),
    fallback: row.fallback,
    ...decodeRunError(row.error),
    report: row.report_json ? (JSON.parse(row.report_json) as Evidence) : null,
    steps,
  };
}
