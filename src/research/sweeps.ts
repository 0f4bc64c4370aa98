import { SignalError, validateSignal } from '../alpha/index.js';
import {
  type BacktestConfigInput,
  MAX_SWEEP_POINTS,
  prepareResearch,
  resultHashVersion,
  runSweep,
  runSweepPoint,
  type SweepRow,
  type SweepScope,
  type SweepWorkerPool,
} from '../backtest/index.js';
import { msg } from '../contract/messages.js';
import {
  type SweepRequestBody,
  SweepRequest as SweepRequestSchema,
  type SweepRerunResponse,
  type SweepResponse,
  type SweepRow as SweepRowContract,
} from '../contract/research-sweeps.js';
import { ConflictError, InputError, NotFoundError } from '../core/errors.js';
import type { JobRunner, StartedJob } from '../jobs/index.js';
import { projectBacktestConfig, projectWeightLimits, type ResearchService } from './service.js';

/** What a sweep job stores as its result: enough to show the table and to rerun any point. */
interface StoredSweep {
  projectId: number;
  projectVersion: number;
  dataDigest: string;
  base: BacktestConfigInput;
  /** Absent in sweeps stored before sweeps applied the project's risk stage and membership. */
  scope?: SweepScope;
  rows: SweepRow[];
}

export interface SweepServiceDeps {
  jobs: JobRunner;
  research: ResearchService;
  /**
   * The worker threads sweeps run on, kept loaded and compiled from one sweep to the next (the
   * server's own, stopped when it closes). Default: the process's shared pool.
   */
  pool?: SweepWorkerPool;
}

/**
 * Parameter sweeps of a project as jobs: the grid runs in worker threads over the project's
 * universe (progress per point, cancellable between points); the result is kept with the job.
 * Points are scored by expression signals and decided like the project's own backtest: its risk stage
 * (weight limits) and point-in-time membership apply, so a point equals that single backtest.
 */
export class SweepService {
  constructor(private readonly deps: SweepServiceDeps) {}

  async start(projectId: number, body: SweepRequestBody, actor: string): Promise<StartedJob> {
    const input = SweepRequestSchema.parse(body);
    input.grid.signal.forEach((signal, i) => {
      try {
        validateSignal(signal);
      } catch (error) {
        if (error instanceof SignalError)
          throw new InputError(
            `grid.signal.${i}`,
            error.message,
            msg('SWEEP_SIGNAL_INVALID', { position: error.position, detail: error.reason }),
          );
        throw error;
      }
    });
    // Counted here rather than by expanding the grid, so that the refusal can name both numbers.
    const points = Object.values(input.grid).reduce((count, values) => count * values.length, 1);
    if (points > MAX_SWEEP_POINTS)
      throw new InputError(
        'grid',
        `${points} points, at most ${MAX_SWEEP_POINTS}`,
        msg('SWEEP_TOO_MANY_POINTS', { points, maximum: MAX_SWEEP_POINTS }),
      );
    const { project, load } = await this.deps.research.sweepSource(projectId);
    const base = projectBacktestConfig(project, input);
    return this.deps.jobs.start({
      kind: 'sweep',
      scope: `project:${project.id}`,
      actor,
      params: { projectId: project.id, projectVersion: project.currentVersion, ...input },
      work: async (job) => {
        job.progress(0.02, msg('LOADING_RESEARCH_DATA', {}));
        const { bars, sectors, dataDigest, membership } = await load();
        job.throwIfCancelled();
        const scope: SweepScope = { risk: projectWeightLimits(project), membership };
        const rows = await runSweep({
          bars,
          sectors,
          grid: input.grid,
          base,
          dataDigest,
          scope,
          ...(input.workers === undefined ? {} : { workers: input.workers }),
          ...(this.deps.pool ? { pool: this.deps.pool } : {}),
          signal: job.signal,
          onProgress: (done, total) =>
            job.progress(0.05 + 0.95 * (done / total), msg('SWEEP_PROGRESS', { done, total })),
        });
        const result: StoredSweep = {
          projectId: project.id,
          projectVersion: project.currentVersion,
          dataDigest,
          base,
          scope,
          rows,
        };
        return {
          result,
          resultRef: `sweep:${rows.length}`,
          message: msg('SWEEP_DONE', { points: rows.length }),
        };
      },
    });
  }

  async get(id: number): Promise<SweepResponse> {
    const job = await this.deps.jobs.get(id);
    if (job.kind !== 'sweep') throw sweepNotFound(id);
    const params = job.params as { projectId: number; projectVersion: number };
    const stored = job.status === 'succeeded' ? (job.result as StoredSweep) : undefined;
    return {
      id: job.id,
      projectId: params.projectId,
      projectVersion: params.projectVersion,
      status: job.status,
      progress: job.progress,
      dataDigest: stored?.dataDigest ?? null,
      rows: (stored?.rows ?? []) as SweepRowContract[],
    };
  }

  /**
   * Runs one point of a finished sweep again, alone, on the current data, and says whether it
   * reproduced the stored result hash. Refused when the project's data changed since the sweep.
   */
  async rerun(id: number, pointHash: string): Promise<SweepRerunResponse> {
    const job = await this.deps.jobs.get(id);
    if (job.kind !== 'sweep') throw sweepNotFound(id);
    if (job.status !== 'succeeded')
      throw new ConflictError(
        'id',
        `sweep ${id} is ${job.status}; only a finished sweep can be rerun`,
        msg('SWEEP_NOT_FINISHED', { id, status: job.status }),
      );
    const stored = job.result as StoredSweep;
    const row = stored.rows.find((candidate) => candidate.pointHash === pointHash);
    if (!row)
      throw new InputError(
        'pointHash',
        `no point ${pointHash.slice(0, 12)}… in sweep ${id}`,
        msg('SWEEP_POINT_NOT_FOUND', { id, point: pointHash.slice(0, 12) }),
      );
    const { load } = await this.deps.research.sweepSource(stored.projectId);
    const { bars, sectors, dataDigest } = await load();
    if (dataDigest !== stored.dataDigest)
      throw new ConflictError(
        'pointHash',
        'the research data changed since the sweep; run the sweep again',
        msg('SWEEP_DATA_CHANGED', {}),
      );
    const research = prepareResearch(bars, sectors, { weekday: row.point.weekday });
    // A row stored before the binary hash form is rerun and hashed in its own form.
    const again = runSweepPoint(
      research,
      row.point,
      stored.base,
      dataDigest,
      stored.scope,
      resultHashVersion(row.resultHash),
    );
    return {
      pointHash,
      expectedResultHash: row.resultHash,
      resultHash: again.resultHash,
      reproduced: again.resultHash === row.resultHash && again.pointHash === pointHash,
      row: again as SweepRowContract,
    };
  }
}

function sweepNotFound(id: number): NotFoundError {
  return new NotFoundError(`sweep ${id}`, msg('SWEEP_NOT_FOUND', { id }));
}
