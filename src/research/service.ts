import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import {
  type ModelFamilyName,
  type ModelRecord,
  ModelRegistry,
  modelParamsSchemas,
  scoresFromRecord,
  trainModel,
} from '../alpha/index.js';
import {
  alignIndex,
  type BacktestConfig,
  type BacktestConfigInput,
  type BacktestResult,
  COMMISSION_PRESETS,
  equityCsv,
  exportBacktest,
  FileBacktestStore,
  holdingsCsv,
  type Membership,
  parseBacktestResult,
  prepareResearch,
  type ResearchData,
  rebalancesCsv,
  researchInput,
  restrictToMembership,
  resultHash,
  runBacktest,
  summaryCsv,
  tradesCsv,
} from '../backtest/index.js';
import { isTradingDay } from '../calendar/index.js';
import type { SettingsService } from '../config/index.js';
import { msg } from '../contract/messages.js';
import { type Clock, isoNow } from '../core/clock.js';
import { ConflictError, InputError, NotFoundError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { JobHandle, JobRunner, StartedJob } from '../jobs/index.js';
import type { Project, ProjectService } from '../projects/index.js';
import { createWeightLimits, type WeightLimits } from '../risk/index.js';
import {
  AlphaBarStore,
  type AlphaSeriesReader,
  AlphaVantageClient,
  type AlphaVantageDeps,
  coverageOf,
  formatDay,
  type ImportWarning,
  sectorsWithoutPrices,
  shortHistoryWarnings,
} from '../sources/alpha/index.js';
import type { Database } from '../store/index.js';
import type { BacktestsTable, ModelsTable } from '../store/tables/research-runs.js';
import type { ThemeMember, ThemeService } from '../universe/index.js';
import { Mutex } from './mutex.js';
import { type BacktestReport, backtestReport, normalisedEquity } from './report-view.js';
import {
  type BacktestRequestBody,
  backtestRequestSchema,
  type ExportKind,
  type FetchRequestInput,
  fetchRequestSchema,
  type ImportRequest,
  importRequestSchema,
  type TrainingConfig,
  type TrainRequestBody,
  trainRequestSchema,
} from './schemas.js';
import { type LineError, parseUploads, type RejectedUpload } from './uploads.js';

export interface SymbolCoverageView {
  symbol: string;
  name: string;
  sector: string;
  rows: number;
  first: string;
  last: string;
  missingDays: number;
  gapsCount: number;
  gaps: { from: string; to: string; days: number }[];
}

export interface ImportOutcome {
  imported: { name: string; symbol: string; result: 'created' | 'updated' | 'unchanged'; rows: number }[];
  failed: RejectedUpload[];
  /** Imported but worth knowing: short histories, sector-file names still without prices. */
  warnings: ImportWarning[];
}

export interface ModelSummary {
  id: number;
  version: string;
  family: string;
  projectId: number | null;
  projectVersion: number | null;
  dataDigest: string;
  metrics: { ic: number | null; rankIc: number | null; hitRate: number | null; periods: number };
  symbols: number;
  firstDecision: string;
  lastDecision: string;
  createdAt: string;
}

export interface BacktestSummary {
  id: number;
  projectId: number | null;
  projectVersion: number | null;
  modelVersion: string;
  dataDigest: string;
  resultHash: string;
  start: string;
  end: string;
  /** The backtest's configuration as stored (its fields grew over versions). */
  config: Record<string, unknown>;
  stats: BacktestResult['stats'];
  jobId: number | null;
  createdAt: string;
}

export interface ResearchServiceDeps {
  db: Kysely<Database>;
  dataRoot: string;
  clock: Clock;
  jobs: JobRunner;
  projects: ProjectService;
  themes: ThemeService;
  settings: SettingsService;
  logger?: Logger;
  /** For tests: a fake Alpha Vantage endpoint and instant waits. */
  alphaVantage?: Pick<AlphaVantageDeps, 'fetch' | 'sleep'> & { baseUrl?: string };
}

/**
 * The research service layer: Alpha data (coverage, import, download), training and backtests of
 * projects as jobs, with models and backtests recorded in the database next to their files.
 */
export class ResearchService {
  private readonly registry: ModelRegistry;
  private readonly backtestFiles: FileBacktestStore;
  /** The bar store's manifest is one file: writes from this process go one at a time. */
  private readonly storeWrites = new Mutex();
  /** Writing a model or backtest file and its row is one step, so a mirror pass never sees half of it. */
  private readonly records = new Mutex();

  constructor(private readonly deps: ResearchServiceDeps) {
    this.registry = new ModelRegistry(deps.dataRoot);
    this.backtestFiles = new FileBacktestStore(deps.dataRoot);
  }

  /** A fresh view of the store each time: another process (the CLI) may have changed it. */
  private barStore(): AlphaBarStore {
    return new AlphaBarStore(this.deps.dataRoot, this.deps.clock);
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.storeWrites.run(work);
  }

  // ---------------------------------------------------------------- data

  async coverage(): Promise<SymbolCoverageView[]> {
    const store = this.barStore();
    const [symbols, sectors, members] = await Promise.all([
      store.symbols(),
      store.readSectors(),
      this.allThemeMembers(),
    ]);
    // Every symbol asks about the same days: decide each calendar day once.
    const tradingDayCache = new Map<number, boolean>();
    const expected = (day: number) => {
      let open = tradingDayCache.get(day);
      if (open === undefined) {
        open = isTradingDay(formatDay(day));
        tradingDayCache.set(day, open);
      }
      return open;
    };
    const out: SymbolCoverageView[] = [];
    for (const symbol of symbols) {
      const coverage = coverageOf(await store.load(symbol), expected);
      const member = members.get(symbol);
      out.push({
        symbol,
        name: sectors[symbol]?.name || member?.name || '',
        sector: sectors[symbol]?.sector || member?.sector || '',
        rows: coverage.rows,
        first: coverage.first,
        last: coverage.last,
        missingDays: coverage.missingDays,
        gapsCount: coverage.gaps.length,
        gaps: coverage.gaps,
      });
    }
    return out;
  }

  /**
   * Imports uploaded Alpha Vantage CSV files (plain or gzipped). Every file is validated whole first;
   * a bad file is reported with its line errors and nothing of it is stored, while good files go in.
   */
  async importFiles(
    request: ImportRequest,
    actor: string,
  ): Promise<{ jobId: number; outcome: ImportOutcome }> {
    const { files } = importRequestSchema.parse(request);
    const { parsed, rejected } = parseUploads(files);
    const started = await this.deps.jobs.start({
      kind: 'data.import',
      scope: 'alpha-store',
      actor,
      params: { files: files.map((file) => file.name) },
      work: (job) =>
        this.exclusive(async () => {
          const store = this.barStore();
          const imported: ImportOutcome['imported'] = [];
          for (const [index, upload] of parsed.entries()) {
            // Between files: what is stored stays stored (each file is put whole).
            job.throwIfCancelled();
            const result = await store.put(upload.bars, upload.name);
            imported.push({
              name: upload.name,
              symbol: upload.bars.symbol,
              result,
              rows: upload.bars.length,
            });
            job.progress((index + 1) / parsed.length, msg('IMPORTING_FILE', { file: upload.name }));
          }
          await store.flush();
          const warnings = [
            ...shortHistoryWarnings(imported),
            ...sectorsWithoutPrices(Object.keys(await store.readSectors()), await store.symbols()),
          ];
          const outcome: ImportOutcome = { imported, failed: rejected, warnings };
          return {
            result: outcome,
            resultRef: `alpha:${imported.length}`,
            message: msg('IMPORT_DONE', { imported: imported.length, failed: rejected.length }),
          };
        }),
    });
    if (started.joined) throw busy('files', started);
    const job = await this.deps.jobs.wait(started.job.id);
    if (job.status === 'failed') throw new Error(`import failed: ${job.error}`);
    if (job.status === 'cancelled')
      throw new ConflictError(
        'files',
        `the import was ${job.message}`,
        job.text?.code === 'JOB_CANCELLED_BY'
          ? msg('IMPORT_CANCELLED_BY', { actor: job.text.params.actor })
          : msg('IMPORT_CANCELLED', {}),
      );
    return { jobId: job.id, outcome: job.result as ImportOutcome };
  }

  /** Downloads daily adjusted history from Alpha Vantage (as a job); needs ALPHA_VANTAGE_API_KEY. */
  async fetch(request: FetchRequestInput, actor: string): Promise<StartedJob> {
    const input = fetchRequestSchema.parse(request);
    const resolved = await this.deps.settings.resolve();
    const apiKey = resolved.ALPHA_VANTAGE_API_KEY.value;
    if (apiKey === undefined || String(apiKey) === '') {
      throw new InputError(
        'ALPHA_VANTAGE_API_KEY',
        'not set; save it under Settings first',
        msg('ALPHA_VANTAGE_KEY_MISSING', {}),
      );
    }
    const options = this.deps.alphaVantage;
    const started = await this.deps.jobs.start({
      kind: 'data.fetch',
      scope: 'alpha-store',
      actor,
      params: input,
      work: async (job) => {
        const client = new AlphaVantageClient(
          {
            apiKey: String(apiKey),
            outputSize: input.outputSize,
            dataType: input.dataType,
            requestsPerMinute: input.requestsPerMinute,
            requestsPerDay: input.requestsPerDay,
            ...(options?.baseUrl ? { baseUrl: options.baseUrl } : {}),
          },
          {
            clock: this.deps.clock,
            ...(options?.fetch ? { fetch: options.fetch } : {}),
            ...(options?.sleep ? { sleep: options.sleep } : {}),
          },
        );
        const fetched = await client.fetchMany(
          input.symbols,
          (progress) => {
            const note =
              progress.event === 'rate-wait' || progress.event === 'retry-wait'
                ? msg('DOWNLOAD_SYMBOL_WAIT', {
                    symbol: progress.symbol,
                    event: progress.event,
                    seconds: Math.ceil((progress.waitMs ?? 0) / 1000),
                  })
                : msg('DOWNLOAD_SYMBOL', { symbol: progress.symbol, event: progress.event });
            job.progress(progress.done / progress.total, note);
          },
          job.signal,
        );
        job.throwIfCancelled();
        const stored = await this.exclusive(async () => {
          const store = this.barStore();
          const results: { symbol: string; result: string; rows: number }[] = [];
          for (const bars of fetched.bars) {
            job.throwIfCancelled();
            results.push({
              symbol: bars.symbol,
              result: await store.put(bars, `alphavantage:${bars.symbol}`),
              rows: bars.length,
            });
          }
          await store.flush();
          return results;
        });
        if (stored.length === 0 && fetched.failed.length > 0) {
          throw new Error(`no symbol downloaded: ${fetched.failed.map((f) => f.error).join('; ')}`);
        }
        return {
          result: { stored, failed: fetched.failed },
          resultRef: `alpha:${stored.length}`,
          message: msg('DOWNLOAD_DONE', { downloaded: stored.length, failed: fetched.failed.length }),
        };
      },
    });
    if (started.joined) throw busy('symbols', started);
    return started;
  }

  // ---------------------------------------------------------------- models

  /** Trains the project's model on its current parameters (universe from its themes) as a job. */
  async train(projectId: number, body: TrainRequestBody, actor: string): Promise<StartedJob> {
    const { training } = trainRequestSchema.parse(body);
    const project = await this.deps.projects.get(projectId);
    const universe = await this.researchUniverse(project);
    checkTrainingParams(project, training);
    return this.deps.jobs.start({
      kind: 'train',
      scope: `project:${project.id}`,
      actor,
      params: { projectId: project.id, projectVersion: project.currentVersion, training },
      work: async (job) => {
        job.progress(0.05, msg('LOADING_RESEARCH_DATA', {}));
        const research = await this.loadResearch(universe, project);
        job.throwIfCancelled();
        const { record, summary } = await this.trainAndRecord(project, research, training, job);
        return {
          resultRef: `model:${record.version}`,
          result: summary,
          message: msg('MODEL_TRAINED', { version: record.version.slice(0, 12), family: record.family }),
        };
      },
    });
  }

  async models(filter: { projectId?: number } = {}): Promise<ModelSummary[]> {
    await this.mirrorFiles();
    let query = this.deps.db.selectFrom('models').selectAll();
    if (filter.projectId !== undefined) query = query.where('project_id', '=', filter.projectId);
    const rows = await query.orderBy('id', 'desc').execute();
    return rows.map(toModelSummary);
  }

  private async trainAndRecord(
    project: Project,
    research: ResearchData,
    training: TrainingConfig,
    job: JobHandle,
  ): Promise<{ record: ModelRecord; summary: ModelSummary }> {
    const family = project.params.model.family as ModelFamilyName;
    const params = modelParamsSchemas[family].parse(training.params);
    job.progress(0.2, msg('TRAINING_MODEL', { family }));
    const dataDigest = await this.barStore().dataDigest(research.panel.symbols);
    // Training runs synchronously (folds included), so the last chance to stop is right before it.
    job.throwIfCancelled();
    const { record } = trainModel({
      dataset: research.dataset,
      dataDigest,
      clock: this.deps.clock,
      config: {
        family,
        params,
        seed: project.params.model.seed,
        retrainEvery: training.retrainEvery,
        trainWindow: training.trainWindow,
        minTrainPeriods: training.minTrainPeriods,
      },
    });
    job.progress(0.8, msg('SAVING_MODEL', {}));
    job.throwIfCancelled();
    const row = await this.records.run(() => this.recordModel(record, project));
    return { record, summary: toModelSummary(row) };
  }

  private async recordModel(record: ModelRecord, project: Project | null): Promise<Selectable<ModelsTable>> {
    const file = await this.registry.save(record);
    const now = isoNow(this.deps.clock);
    const existing = await this.deps.db
      .selectFrom('models')
      .selectAll()
      .where('version', '=', record.version)
      .where('project_id', project ? '=' : 'is', project?.id ?? null)
      .where('project_version', project ? '=' : 'is', project?.currentVersion ?? null)
      .executeTakeFirst();
    return (
      existing ??
      (await this.deps.db
        .insertInto('models')
        .values({
          version: record.version,
          family: record.family,
          project_id: project?.id ?? null,
          project_version: project?.currentVersion ?? null,
          data_digest: record.dataDigest,
          metrics_json: JSON.stringify({
            ic: record.metrics.ic,
            rankIc: record.metrics.rankIc,
            hitRate: record.metrics.hitRate,
            periods: record.metrics.periods,
          }),
          symbols_count: record.symbols.length,
          first_decision: record.firstDecision,
          last_decision: record.lastDecision,
          path: file,
          created_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow())
    );
  }

  // ---------------------------------------------------------------- backtests

  /**
   * Backtests the project's current parameters as a job. The model is the given version, else the
   * project's latest model for its current parameter version, else one trained now (and recorded).
   */
  async backtest(projectId: number, body: BacktestRequestBody, actor: string): Promise<StartedJob> {
    const input = backtestRequestSchema.parse(body);
    const project = await this.deps.projects.get(projectId);
    const universe = await this.researchUniverse(project);
    if (input.modelVersion) await this.loadModel(input.modelVersion);
    else checkTrainingParams(project, input.training);
    if (input.benchmark && !(await this.barStore().symbols()).includes(input.benchmark))
      throw new InputError(
        'benchmark',
        `${input.benchmark} is not in the research store; import it first`,
        msg('BENCHMARK_NOT_IN_STORE', { symbol: input.benchmark }),
      );
    return this.deps.jobs.start({
      kind: 'backtest',
      scope: `project:${project.id}`,
      actor,
      params: { projectId: project.id, projectVersion: project.currentVersion, ...input },
      work: async (job) => {
        job.progress(0.02, msg('LOADING_RESEARCH_DATA', {}));
        const research = await this.loadResearch(universe, project);
        const dataDigest = await this.barStore().dataDigest(research.panel.symbols);
        job.throwIfCancelled();
        let record: ModelRecord;
        if (input.modelVersion) {
          record = await this.loadModel(input.modelVersion);
        } else {
          // A model of these parameters trained on this very data; after a re-import, a new one.
          const latest = await this.deps.db
            .selectFrom('models')
            .select('version')
            .where('project_id', '=', project.id)
            .where('project_version', '=', project.currentVersion)
            .where('data_digest', '=', dataDigest)
            .orderBy('id', 'desc')
            .executeTakeFirst();
          record = latest
            ? await this.loadModel(latest.version)
            : (await this.trainAndRecord(project, research, input.training, scaled(job, 0.05, 0.4))).record;
        }
        job.throwIfCancelled();
        job.progress(0.45, msg('SCORING', {}));
        const scores = restrictToMembership(
          scoresFromRecord(record, research.dataset),
          research.panel,
          research.schedule,
          membershipOf(universe.members),
        );
        const result = runBacktest(
          {
            ...researchInput(research, scores),
            // A market index need not be in the project's universe: it is read from the store.
            index: input.benchmark
              ? alignIndex(research.panel, await this.barStore().load(input.benchmark))
              : undefined,
            // The project's risk limits, the same stage live trading applies before sizing.
            risk: createWeightLimits(projectWeightLimits(project)),
            onProgress: (done, total) => {
              if (done % 10 === 0 || done === total)
                job.progress(0.45 + 0.45 * (done / total), msg('REBALANCE_PROGRESS', { done, total }));
            },
          },
          { ...projectBacktestConfig(project, input), modelVersion: record.version, dataDigest },
        );
        job.throwIfCancelled();
        job.progress(0.92, msg('SAVING_RESULTS', {}));
        const hash = resultHash(result);
        const row = await this.records.run(async () => {
          // The store names folders by the hash's first 16 digits; writing directly saves hashing twice.
          const folder = FileBacktestStore.folderOf(hash);
          await exportBacktest(result, path.join(this.backtestFiles.dir, folder));
          return this.insertBacktest(result, hash, path.join(this.backtestFiles.dir, folder, 'result.json'), {
            projectId: project.id,
            projectVersion: project.currentVersion,
            jobId: job.id,
          });
        });
        return {
          resultRef: `backtest:${row.id}`,
          result: { backtestId: Number(row.id), resultHash: hash, modelVersion: record.version },
          message: msg('BACKTEST_DONE', { id: Number(row.id), cagr: result.stats.cagr }),
        };
      },
    });
  }

  async backtests(filter: { projectId?: number } = {}): Promise<BacktestSummary[]> {
    await this.mirrorFiles();
    let query = this.deps.db.selectFrom('backtests').selectAll();
    if (filter.projectId !== undefined) query = query.where('project_id', '=', filter.projectId);
    const rows = await query.orderBy('id', 'desc').execute();
    return rows.map(toBacktestSummary);
  }

  private insertBacktest(
    result: BacktestResult,
    hash: string,
    file: string,
    origin: { projectId: number | null; projectVersion: number | null; jobId: number | null },
  ): Promise<Selectable<BacktestsTable>> {
    return this.deps.db
      .insertInto('backtests')
      .values({
        project_id: origin.projectId,
        project_version: origin.projectVersion,
        model_version: result.config.modelVersion ?? '',
        data_digest: result.config.dataDigest ?? '',
        config_json: JSON.stringify(result.config),
        stats_json: JSON.stringify(result.stats),
        result_hash: hash,
        start_day: result.start,
        end_day: result.end,
        path: file,
        job_id: origin.jobId,
        created_at: isoNow(this.deps.clock),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /**
   * Records models and backtests that the CLI wrote to disk (`ibloop train`, `ibloop backtest`), so the
   * tables mirror the files; such rows have no project. Only files not yet recorded are read.
   */
  private mirrorFiles(): Promise<void> {
    return this.records.run(async () => {
      const knownModels = new Set(
        (await this.deps.db.selectFrom('models').select('version').execute()).map((row) => row.version),
      );
      for (const version of await this.registry.list()) {
        if (knownModels.has(version)) continue;
        try {
          await this.recordModel(await this.registry.load(version), null);
        } catch (error) {
          this.deps.logger?.warn({ err: error, version }, 'unreadable model file; not listed');
        }
      }
      const knownBacktests = new Set(
        (await this.deps.db.selectFrom('backtests').select('path').execute()).map((row) => row.path),
      );
      for (const summary of await this.backtestFilesOnDisk()) {
        if (knownBacktests.has(summary.file)) continue;
        try {
          const result = await this.backtestFiles.load(summary.id);
          await this.insertBacktest(result, resultHash(result), summary.file, {
            projectId: null,
            projectVersion: null,
            jobId: null,
          });
        } catch (error) {
          this.deps.logger?.warn({ err: error, file: summary.file }, 'unreadable backtest file; not listed');
        }
      }
    });
  }

  private async backtestFilesOnDisk(): Promise<{ id: string; file: string }[]> {
    if (!existsSync(this.backtestFiles.dir)) return [];
    return (await readdir(this.backtestFiles.dir))
      .filter((id) => /^[0-9a-f]{16}$/.test(id))
      .map((id) => ({ id, file: path.join(this.backtestFiles.dir, id, 'result.json') }))
      .filter((entry) => existsSync(entry.file))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  async backtestSummary(id: number): Promise<BacktestSummary> {
    const row = await this.deps.db
      .selectFrom('backtests')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw backtestNotFound(id);
    return toBacktestSummary(row);
  }

  async backtestResult(id: number): Promise<{ summary: BacktestSummary; result: BacktestResult }> {
    const row = await this.deps.db
      .selectFrom('backtests')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw backtestNotFound(id);
    if (!existsSync(row.path))
      throw new NotFoundError(
        `result file of backtest ${id} (${row.path})`,
        msg('BACKTEST_RESULT_MISSING', { id }),
      );
    const result = parseBacktestResult(JSON.parse(await readFile(row.path, 'utf8')));
    return { summary: toBacktestSummary(row), result };
  }

  async backtestReport(id: number): Promise<{ backtest: BacktestSummary; report: BacktestReport }> {
    const { summary, result } = await this.backtestResult(id);
    return { backtest: summary, report: backtestReport(result) };
  }

  async exportCsv(id: number, kind: ExportKind): Promise<string> {
    const { result } = await this.backtestResult(id);
    const writers: Record<ExportKind, (r: BacktestResult) => string> = {
      equity: equityCsv,
      trades: tradesCsv,
      holdings: holdingsCsv,
      rebalances: rebalancesCsv,
      summary: summaryCsv,
    };
    return writers[kind](result);
  }

  async compare(ids: readonly number[]) {
    const entries = [];
    for (const id of ids) {
      const { summary, result } = await this.backtestResult(id);
      entries.push({
        backtest: summary,
        stats: result.stats,
        benchmark: result.benchmark,
        curve: { days: result.days, equity: normalisedEquity(result.equity) },
      });
    }
    return { backtests: entries };
  }

  /**
   * What a sweep of the project runs on: the universe is checked now (so a bad one is refused before
   * any job starts), the bars are loaded by `load` inside the job.
   */
  async sweepSource(projectId: number): Promise<{
    project: Project;
    load: () => Promise<{
      bars: AlphaSeriesReader;
      sectors: Record<string, { sector: string }>;
      dataDigest: string;
      /** Point-in-time membership of the universe, as the project's own backtest applies it. */
      membership: Record<string, Membership>;
    }>;
  }> {
    const project = await this.deps.projects.get(projectId);
    const universe = await this.researchUniverse(project);
    const load = async () => {
      const { bars, sectors } = await this.universeBars(universe);
      const dataDigest = await this.barStore().dataDigest(bars.symbols);
      return { bars, sectors, dataDigest, membership: membershipOf(universe.members) };
    };
    return { project, load };
  }

  // ---------------------------------------------------------------- helpers

  private async loadModel(version: string): Promise<ModelRecord> {
    try {
      return await this.registry.load(version);
    } catch (error) {
      // The registry says `version: ...` when there is no such model; anything else is a bad file.
      const unknown = error instanceof Error && error.message.startsWith('version: ');
      throw new InputError(
        'modelVersion',
        error instanceof Error ? error.message.replace(/^version: /, '') : 'unknown model',
        unknown ? msg('MODEL_NOT_FOUND', { version }) : msg('MODEL_UNREADABLE', { version }),
      );
    }
  }

  /** The project's universe, limited to symbols with research data; refuses when too little is left. */
  private async researchUniverse(project: Project): Promise<{ members: ThemeMember[]; missing: string[] }> {
    const members = await this.deps.projects.universe(project.id);
    if (members.length === 0)
      throw new InputError(
        'params.themeIds',
        "the project's themes have no members",
        msg('PROJECT_THEMES_EMPTY', {}),
      );
    const known = new Set(await this.barStore().symbols());
    const present = members.filter((member) => known.has(member.symbol));
    const missing = members.filter((member) => !known.has(member.symbol)).map((member) => member.symbol);
    if (present.length < 3) {
      const listed = `${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ', ...' : ''}`;
      throw new InputError(
        'universe',
        `only ${present.length} of ${members.length} symbols have research data; import or fetch data first (missing: ${listed})`,
        msg('RESEARCH_DATA_TOO_FEW', { present: present.length, total: members.length, missing: listed }),
      );
    }
    return { members: present, missing };
  }

  /** Research data of the universe on the project's weekly schedule (its rebalance weekday). */
  private async loadResearch(universe: { members: ThemeMember[] }, project: Project): Promise<ResearchData> {
    const { bars, sectors } = await this.universeBars(universe);
    return prepareResearch(bars, sectors, {
      weekday: project.params.schedule.weekday,
      expressions: project.params.model.expressions,
    });
  }

  /** The universe's bars, with each member's sector from its theme, else from the sector file. */
  private async universeBars(universe: { members: ThemeMember[] }) {
    const store = this.barStore();
    const bars = await store.priceSeriesReader(universe.members.map((member) => member.symbol));
    const stored = await store.readSectors();
    const sectors: Record<string, { sector: string }> = {};
    for (const member of universe.members) {
      const sector = member.sector || stored[member.symbol]?.sector;
      if (sector) sectors[member.symbol] = { sector };
    }
    return { bars, sectors };
  }

  private async allThemeMembers(): Promise<Map<string, ThemeMember>> {
    const themes = await this.deps.themes.list();
    const members = await this.deps.themes.universe(themes.map((theme) => theme.id));
    return new Map(members.map((member) => [member.symbol, member]));
  }
}

/** Point-in-time universe: a theme member is held only within its membership days. */
function membershipOf(members: readonly ThemeMember[]): Record<string, Membership> {
  return Object.fromEntries(
    members
      .filter((member) => member.from || member.to)
      .map((member) => [member.symbol, { from: member.from, to: member.to }]),
  );
}

/** The project's weight limits: the risk stage its backtests, sweeps and live decisions apply. */
export function projectWeightLimits(project: Project): WeightLimits {
  const { maxPositionWeight, maxSectorWeight, maxGrossExposure } = project.params.risk;
  return { maxPositionWeight, maxSectorWeight, maxGrossExposure };
}

/** The backtest settings a project's backtest and its sweeps share: the request's, then the project's. */
export function projectBacktestConfig(
  project: Project,
  input: {
    initialCash: number;
    tradeAt: BacktestConfig['tradeAt'];
    slippageBps: number;
    lotSize: number;
    commission: keyof typeof COMMISSION_PRESETS;
    start?: string | null | undefined;
    end?: string | null | undefined;
  },
): BacktestConfigInput {
  return {
    initialCash: input.initialCash,
    tradeAt: input.tradeAt,
    slippageBps: input.slippageBps,
    lotSize: input.lotSize,
    commission: COMMISSION_PRESETS[input.commission],
    start: input.start ?? null,
    end: input.end ?? null,
    minOrderValue: project.params.execution.minTradeValue,
    // The project's cash buffer and turnover limit (a sweep's grid sets the rest of the construction).
    construction: project.params.portfolio,
    projectVersion: `project:${project.id}@v${project.currentVersion}`,
  };
}

function checkTrainingParams(project: Project, training: TrainingConfig): void {
  const family = project.params.model.family as ModelFamilyName;
  const parsed = modelParamsSchemas[family].safeParse(training.params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = issue?.path.join('.') ?? '';
    throw new InputError(
      `training.params.${param}`,
      issue?.message ?? 'invalid',
      msg('TRAINING_PARAM_INVALID', { param }),
    );
  }
}

/** A progress handle that maps 0..1 onto [from, to] of the parent's range. */
function scaled(job: JobHandle, from: number, to: number): JobHandle {
  return {
    id: job.id,
    signal: job.signal,
    throwIfCancelled: () => job.throwIfCancelled(),
    progress: (fraction, message) => job.progress(from + (to - from) * fraction, message),
  };
}

function backtestNotFound(id: number): NotFoundError {
  return new NotFoundError(`backtest ${id}`, msg('BACKTEST_NOT_FOUND', { id }));
}

function busy(field: string, started: StartedJob): ConflictError {
  return new ConflictError(
    field,
    `a ${started.job.kind} job (id ${started.job.id}) is already running; wait for it to finish`,
    msg('JOB_BUSY', { kind: started.job.kind, id: started.job.id }),
  );
}

/**
 * A model's stored validation metrics, read leniently: a row whose metrics lack a figure (written by an
 * older version, a hand-made row, a model with nothing to validate) lists with that figure unknown
 * rather than failing the whole listing.
 */
const unknownFigure = z.number().nullable().catch(null);
const storedMetrics = z
  .object({ ic: unknownFigure, rankIc: unknownFigure, hitRate: unknownFigure, periods: z.number().catch(0) })
  .catch({ ic: null, rankIc: null, hitRate: null, periods: 0 });

function parseMetrics(json: string): ModelSummary['metrics'] {
  try {
    return storedMetrics.parse(JSON.parse(json));
  } catch {
    return storedMetrics.parse(null);
  }
}

function toModelSummary(row: Selectable<ModelsTable>): ModelSummary {
  return {
    id: Number(row.id),
    version: row.version,
    family: row.family,
    projectId: row.project_id === null ? null : Number(row.project_id),
    projectVersion: row.project_version === null ? null : Number(row.project_version),
    dataDigest: row.data_digest,
    metrics: parseMetrics(row.metrics_json),
    symbols: Number(row.symbols_count),
    firstDecision: row.first_decision,
    lastDecision: row.last_decision,
    createdAt: row.created_at,
  };
}

function toBacktestSummary(row: Selectable<BacktestsTable>): BacktestSummary {
  return {
    id: Number(row.id),
    projectId: row.project_id === null ? null : Number(row.project_id),
    projectVersion: row.project_version === null ? null : Number(row.project_version),
    modelVersion: row.model_version,
    dataDigest: row.data_digest,
    resultHash: row.result_hash,
    start: row.start_day,
    end: row.end_day,
    config: JSON.parse(row.config_json) as Record<string, unknown>,
    stats: JSON.parse(row.stats_json) as BacktestResult['stats'],
    jobId: row.job_id === null ? null : Number(row.job_id),
    createdAt: row.created_at,
  };
}

export type { LineError };
