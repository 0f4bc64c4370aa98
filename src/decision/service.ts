import type { Kysely } from 'kysely';
import { type ModelRecord, ModelRegistry } from '../alpha/index.js';
import type { AuditLog } from '../audit/index.js';
import {
  daySchema,
  isTradingDay,
  newYorkDay,
  nextTradingDay,
  previousTradingDay,
} from '../calendar/index.js';
import type {
  AlphaParityResult,
  ParityResult,
  Snapshot,
  SnapshotContent,
  SnapshotSummary,
  SnapshotVerify,
} from '../contract/decisions.js';
import { type Message, msg } from '../contract/messages.js';
import type { Clock } from '../core/clock.js';
import { ConflictError, InputError, NotFoundError } from '../core/errors.js';
import { type Decision, decide } from '../decide/index.js';
import { IbBarStore, type IbBars } from '../marketdata/index.js';
import type { Project, ProjectParams, ProjectService } from '../projects/index.js';
import { createWeightLimits } from '../risk/index.js';
import { AlphaBarStore } from '../sources/alpha/index.js';
import type { Database } from '../store/index.js';
import { compareWithAlpha, symbolsWithoutAlphaClose } from './alpha-parity.js';
import { buildIbPanel, type DroppedSymbol, digestBars } from './ib-panel.js';
import { contentHash, type ManualFreeze, SnapshotStore } from './store.js';

const MS_PER_DAY = 86_400_000;
/** A re-decision must say why in at least this many characters (it is audited). */
const MIN_REASON_LENGTH = 3;

export interface DecisionServiceDeps {
  db: Kysely<Database>;
  audit: AuditLog;
  clock: Clock;
  projects: ProjectService;
  /** Where the IB bar store (`ib/bars`) and the model registry (`models`) live. */
  dataRoot: string;
}

export interface DecideRequest {
  projectId: number;
  tradingDate: string;
  actor?: string;
}

export interface FallbackRequest {
  projectId: number;
  tradingDate: string;
  sourceSnapshotId: number;
  /** In English (logs, API users). */
  reason: string;
  /** The same reason as a catalogued message, rendered in the reader's language. */
  reasonText?: Message;
  actor?: string;
}

/** A decision computed but not stored (dry run), with the hash it would be stored under. */
export interface DecisionPreview {
  content: SnapshotContent;
  contentHash: string;
}

/**
 * Decide on IB data and freeze the decision. See index.ts for the contract of each method.
 */
export class DecisionService {
  readonly store: SnapshotStore;
  private readonly bars: IbBarStore;
  private readonly registry: ModelRegistry;

  constructor(private readonly deps: DecisionServiceDeps) {
    this.store = new SnapshotStore(deps.db, deps.audit, deps.clock);
    this.bars = new IbBarStore(deps.dataRoot);
    this.registry = new ModelRegistry(deps.dataRoot);
  }

  async decideAndFreeze(request: DecideRequest): Promise<{ snapshot: Snapshot; created: boolean }> {
    const tradingDate = checkTradingDate(request.tradingDate);
    const project = await this.project(request.projectId);
    const existing = await this.store.current(project.id, tradingDate);
    if (existing) return { snapshot: existing, created: false };
    const content = await this.compute(project, tradingDate, null);
    return this.store.insert(content, request.actor ?? 'decision');
  }

  /** The same decision as `decideAndFreeze` would store, stored nowhere. */
  async preview(request: DecideRequest): Promise<DecisionPreview> {
    const tradingDate = checkTradingDate(request.tradingDate);
    const project = await this.project(request.projectId);
    const existing = await this.store.current(project.id, tradingDate);
    if (existing) return { content: existing.content, contentHash: existing.contentHash };
    const content = await this.compute(project, tradingDate, null);
    return { content, contentHash: contentHash(content) };
  }

  /**
   * An explicit re-decision of a date that has a snapshot: decided again on the project's current
   * parameters and bars, stored as a new snapshot that names the one it supersedes and why (audited).
   */
  async redecide(snapshotId: number, reason: string, actor: string): Promise<Snapshot> {
    const why = reason.trim();
    if (why.length < MIN_REASON_LENGTH)
      throw new InputError(
        'reason',
        `say why (at least ${MIN_REASON_LENGTH} characters)`,
        msg('REDECIDE_REASON_TOO_SHORT', { minimum: MIN_REASON_LENGTH }),
      );
    const old = await this.store.get(snapshotId);
    const current = await this.store.current(old.projectId, old.tradingDate);
    if (!current || current.id !== old.id)
      throw new ConflictError(
        'id',
        `snapshot ${old.id} is not the current decision of ${old.tradingDate}`,
        msg('SNAPSHOT_NOT_CURRENT', { id: old.id, date: old.tradingDate }),
      );
    const project = await this.project(old.projectId);
    const content = await this.compute(project, old.tradingDate, {
      id: old.id,
      hash: old.contentHash,
      reason: why,
    });
    const { snapshot, created } = await this.store.insert(content, actor);
    if (!created)
      throw new ConflictError(
        'id',
        `re-deciding gave snapshot ${snapshot.id} again: nothing changed`,
        msg('REDECIDE_UNCHANGED', { id: snapshot.id }),
      );
    return snapshot;
  }

  /** Last-good fallback: the weights of an earlier snapshot, frozen as this date's decision. */
  async freezeFallback(request: FallbackRequest): Promise<Snapshot> {
    const tradingDate = checkTradingDate(request.tradingDate);
    const source = await this.store.requireVerified(request.sourceSnapshotId);
    if (source.projectId !== request.projectId)
      throw new InputError(
        'sourceSnapshotId',
        `snapshot ${source.id} belongs to project ${source.projectId}`,
        msg('SNAPSHOT_OTHER_PROJECT', { id: source.id, project: source.projectId }),
      );
    const project = await this.project(request.projectId);
    const content: SnapshotContent = {
      ...source.content,
      kind: 'fallback',
      projectVersion: project.currentVersion,
      tradingDate,
      dataSource: 'snapshot',
      previousSnapshotId: source.id,
      params: project.params as unknown as Record<string, unknown>,
      supersedes: null,
      manual: null,
      fallback: {
        sourceSnapshotId: source.id,
        sourceHash: source.contentHash,
        reason: request.reason,
        ...(request.reasonText ? { reasonText: request.reasonText } : {}),
      },
    };
    return (await this.store.insert(content, request.actor ?? 'pipeline')).snapshot;
  }

  freezeManual(input: ManualFreeze): Promise<{ snapshot: Snapshot; created: boolean }> {
    return this.store.freezeManual(input);
  }

  get(id: number): Promise<Snapshot> {
    return this.store.get(id);
  }

  verify(id: number): Promise<SnapshotVerify> {
    return this.store.verify(id);
  }

  list(projectId: number): Promise<SnapshotSummary[]> {
    return this.store.list(projectId);
  }

  /**
   * Recomputes a run's decision from the stored inputs (the bars the digest names, the model version,
   * the parameters and previous weights in the snapshot) and compares bit for bit.
   */
  async parity(runId: number): Promise<ParityResult> {
    const snapshot = await this.runSnapshot(runId);
    const base = { runId, snapshotId: snapshot.id, kind: snapshot.kind };
    if (snapshot.kind !== 'model')
      return {
        ...base,
        recomputable: false,
        equal: true,
        compared: { scores: 0, weights: 0 },
        firstDifference: null,
      };
    const stored = snapshot.content;
    const params = stored.params as unknown as ProjectParams;
    const universe = stored.inputs.map((d) => ({ symbol: d.symbol, sector: stored.sectors[d.symbol] }));
    const recomputed = await this.decideOn(
      params,
      stored.tradingDate,
      universe,
      stored.modelVersion,
      stored.previousWeights,
    );
    const first = firstDifference(stored, recomputed.content);
    return {
      ...base,
      recomputable: true,
      equal: first === null,
      compared: {
        scores: Object.keys(stored.scores).length,
        weights: Object.keys(stored.weightsBefore).length + Object.keys(stored.weightsAfter).length,
      },
      firstDifference: first,
    };
  }

  /**
   * Parity's second mode: the research backtest's decision (Alpha data of the research store, the
   * snapshot's model and parameters) for the run's date, beside the live weights, with the close
   * differences between the two sources per symbol. Refuses (coded) manual and fallback snapshots and
   * symbols the research store has no bar of on the decision close.
   */
  async parityAgainstAlpha(runId: number): Promise<AlphaParityResult> {
    const snapshot = await this.runSnapshot(runId);
    if (snapshot.kind !== 'model')
      throw new ConflictError(
        'run',
        `snapshot ${snapshot.id} is a ${snapshot.kind} decision: no model decision to compare`,
        msg('PARITY_NOT_MODEL_DECISION', { id: snapshot.id, kind: snapshot.kind }),
      );
    const content = snapshot.content;
    const record = await this.loadModel(content.modelVersion);
    const alphaStore = new AlphaBarStore(this.deps.dataRoot, this.deps.clock);
    const known = new Set(await alphaStore.symbols());
    const wanted = [...new Set([...content.inputs, ...content.dropped].map((d) => d.symbol))];
    const alphaBars = await alphaStore.loadMany(wanted.filter((symbol) => known.has(symbol)));
    const missing = symbolsWithoutAlphaClose(snapshot, alphaBars);
    if (missing.length > 0)
      throw new ConflictError(
        'against',
        `the research store has no Alpha bar on ${content.asOf} for ${missing.join(', ')}`,
        msg('PARITY_NO_ALPHA_DATA', { date: content.asOf, symbols: missing.join(', ') }),
      );
    const endMs = Date.parse(`${content.asOf}T00:00:00Z`) + MS_PER_DAY;
    const ibBars = new Map(
      wanted.map((symbol) => [symbol, this.bars.read(symbol, '1 day', Number.NEGATIVE_INFINITY, endMs)]),
    );
    return compareWithAlpha({
      runId,
      snapshot,
      record,
      alphaBars,
      alphaDataDigest: await alphaStore.dataDigest(alphaBars.map((bars) => bars.symbol)),
      ibBars,
    });
  }

  /** The verified snapshot a run traded. */
  private async runSnapshot(runId: number): Promise<Snapshot> {
    const run = await this.deps.db
      .selectFrom('trade_runs')
      .select(['id', 'snapshot_id'])
      .where('id', '=', runId)
      .executeTakeFirst();
    if (!run) throw new NotFoundError(`run ${runId}`, msg('RUN_NOT_FOUND', { id: runId }));
    if (run.snapshot_id === null)
      throw new ConflictError(
        'run',
        `run ${runId} has no decision snapshot`,
        msg('PARITY_RUN_NO_SNAPSHOT', { id: runId }),
      );
    return this.store.requireVerified(Number(run.snapshot_id));
  }

  private async loadModel(modelVersion: string | null): Promise<ModelRecord> {
    if (!modelVersion)
      throw new InputError(
        'modelVersion',
        'the decision names no model version',
        msg('DECISION_NO_MODEL_VERSION', {}),
      );
    try {
      return await this.registry.load(modelVersion);
    } catch (error) {
      const detail = (error as Error).message;
      // The registry says `version: ...` when there is no such model; anything else is a bad file.
      throw new InputError(
        'modelVersion',
        `model ${modelVersion} cannot be loaded: ${detail}`,
        detail.startsWith('version: ')
          ? msg('MODEL_NOT_FOUND', { version: modelVersion })
          : msg('MODEL_UNREADABLE', { version: modelVersion }),
      );
    }
  }

  // ---- deciding -------------------------------------------------------------------------------

  private async project(projectId: number): Promise<Project> {
    try {
      return await this.deps.projects.get(projectId);
    } catch (error) {
      if (error instanceof NotFoundError)
        throw new InputError(
          'projectId',
          `no project with id ${projectId}`,
          msg('PROJECT_NOT_FOUND', { id: projectId }),
        );
      throw error;
    }
  }

  private async compute(
    project: Project,
    tradingDate: string,
    supersedes: SnapshotContent['supersedes'],
  ): Promise<SnapshotContent> {
    const asOf = previousTradingDay(tradingDate);
    const members = (await this.deps.projects.universe(project.id)).filter(
      (m) => (!m.from || m.from <= asOf) && (!m.to || m.to >= asOf),
    );
    if (members.length === 0)
      throw new InputError(
        'universe',
        `project ${project.id} has no members on ${asOf}`,
        msg('DECISION_NO_MEMBERS', { project: project.id, date: asOf }),
      );
    const model = await this.deps.db
      .selectFrom('models')
      .select('version')
      .where('project_id', '=', project.id)
      .where('project_version', '=', project.currentVersion)
      .orderBy('id', 'desc')
      .executeTakeFirst();
    if (!model)
      throw new InputError(
        'modelVersion',
        `project ${project.id} version ${project.currentVersion} has no trained model; train one before deciding`,
        msg('DECISION_NO_MODEL', { project: project.id, version: project.currentVersion }),
      );
    const previous = await this.store.previous(project.id, tradingDate);
    const { content } = await this.decideOn(
      project.params,
      tradingDate,
      members.map((m) => ({ symbol: m.symbol.toUpperCase(), sector: m.sector || undefined })),
      model.version,
      previous?.content.weightsAfter ?? {},
    );
    return {
      ...content,
      projectId: project.id,
      projectVersion: project.currentVersion,
      previousSnapshotId: previous?.id ?? null,
      supersedes,
    };
  }

  /** Bars -> IB panel -> decide -> snapshot content (project fields left for the caller). */
  private async decideOn(
    params: ProjectParams,
    tradingDate: string,
    universe: readonly { symbol: string; sector: string | undefined }[],
    modelVersion: string | null,
    previousWeights: Readonly<Record<string, number>>,
  ): Promise<{ content: SnapshotContent; decision: Decision<'ib'> }> {
    const record = await this.loadModel(modelVersion);
    const asOf = previousTradingDay(tradingDate);
    const policy = params.decision;
    const { kept, dropped } = this.readBars(
      universe.map((u) => u.symbol),
      asOf,
      policy.maxStaleDays,
    );
    if (dropped.length > 0 && policy.missingBars === 'fail')
      throw new InputError(
        'bars',
        `incomplete IB daily bars for ${asOf} under policy fail: ${dropped
          .map((d) => `${d.symbol} (${d.reason}${d.lastBar ? `, last ${d.lastBar}` : ''})`)
          .join(', ')}`,
        msg('DECISION_BARS_INCOMPLETE', { date: asOf, symbols: dropped.map((d) => d.symbol).join(', ') }),
      );
    if (kept.length === 0)
      throw new InputError(
        'bars',
        `no universe symbol has IB daily bars up to ${asOf}`,
        msg('DECISION_NO_BARS', { date: asOf }),
      );
    const panel = buildIbPanel(kept);
    const sectorOf = new Map(universe.map((u) => [u.symbol, u.sector]));
    const sectors = panel.symbols.map((s) => sectorOf.get(s));
    const previous = Float64Array.from(panel.symbols, (s) => previousWeights[s] ?? 0);
    const decision = decide({
      panel,
      decisionDate: asOf,
      model: record,
      sectors,
      previousWeights: previous,
      construction: params.portfolio,
      risk: createWeightLimits(params.risk),
      limits: params.risk,
    });
    const nonZero = (weights: Float64Array): Record<string, number> => {
      const out: Record<string, number> = {};
      panel.symbols.forEach((s, i) => {
        if (weights[i] !== 0) out[s] = weights[i]!;
      });
      return out;
    };
    const scores: Record<string, number> = {};
    panel.symbols.forEach((s, i) => {
      if (!Number.isNaN(decision.scores[i]!)) scores[s] = decision.scores[i]!;
    });
    const sectorRecord: Record<string, string> = {};
    for (const u of universe) if (u.sector) sectorRecord[u.symbol] = u.sector;
    const content: SnapshotContent = {
      schema: 'decision-snapshot/1',
      kind: 'model',
      projectId: 0,
      projectVersion: 0,
      tradingDate,
      asOf,
      modelVersion: record.version,
      dataSource: decision.dataSource,
      inputs: kept.map(digestBars).sort((a, b) => (a.symbol < b.symbol ? -1 : 1)),
      dropped,
      scores,
      sectors: sectorRecord,
      previousWeights: Object.fromEntries(
        Object.entries(previousWeights).sort(([a], [b]) => (a < b ? -1 : 1)),
      ),
      previousSnapshotId: null,
      weightsBefore: nonZero(decision.before),
      weightsAfter: nonZero(decision.after),
      cuts: decision.cuts,
      params: params as unknown as Record<string, unknown>,
      supersedes: null,
      manual: null,
      fallback: null,
    };
    return { content, decision };
  }

  /** Each symbol's IB daily bars through `asOf`; missing or stale ones are listed with the reason. */
  private readBars(
    symbols: readonly string[],
    asOf: string,
    maxStaleDays: number,
  ): { kept: IbBars[]; dropped: DroppedSymbol[] } {
    let oldestFresh = asOf;
    for (let i = 0; i < maxStaleDays; i++) oldestFresh = previousTradingDay(oldestFresh);
    const endMs = Date.parse(`${asOf}T00:00:00Z`) + MS_PER_DAY;
    const kept: IbBars[] = [];
    const dropped: DroppedSymbol[] = [];
    for (const symbol of [...symbols].sort()) {
      const bars = this.bars.read(symbol, '1 day', Number.NEGATIVE_INFINITY, endMs);
      if (bars.length === 0) {
        dropped.push({ symbol, reason: 'BARS_MISSING', lastBar: null });
        continue;
      }
      const last = new Date(bars.timeMs[bars.length - 1]!).toISOString().slice(0, 10);
      if (last < oldestFresh) dropped.push({ symbol, reason: 'BARS_STALE', lastBar: last });
      else kept.push(bars);
    }
    return { kept, dropped };
  }
}

/** The trading date a decision made now is for: today in New York if it trades, else the next trading day. */
export function defaultTradingDate(clock: Clock): string {
  const today = newYorkDay(clock.nowMs());
  return isTradingDay(today) ? today : nextTradingDay(today);
}

function checkTradingDate(value: string): string {
  const day = daySchema.safeParse(value);
  if (!day.success)
    throw new InputError(
      'tradingDate',
      day.error.issues[0]?.message ?? 'not a day',
      msg('TRADING_DATE_NOT_A_DAY', { value }),
    );
  if (!isTradingDay(value))
    throw new InputError(
      'tradingDate',
      `${value} is not an NYSE trading day (weekend or holiday)`,
      msg('NOT_A_TRADING_DAY', { date: value }),
    );
  return value;
}

/** The first field where a recomputed decision differs from the stored one, or null. */
export function firstDifference(
  stored: SnapshotContent,
  recomputed: SnapshotContent,
): ParityResult['firstDifference'] {
  if (stored.asOf !== recomputed.asOf)
    return { field: 'asOf', symbol: null, stored: stored.asOf, recomputed: recomputed.asOf };
  const inputs = new Map(recomputed.inputs.map((d) => [d.symbol, d]));
  for (const digest of stored.inputs) {
    const now = inputs.get(digest.symbol);
    if (!now || now.hash !== digest.hash)
      return { field: 'inputs', symbol: digest.symbol, stored: digest, recomputed: now ?? null };
  }
  for (const field of ['scores', 'weightsBefore', 'weightsAfter'] as const) {
    const a = stored[field];
    const b = recomputed[field];
    const symbols = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const symbol of symbols) {
      // Object.is: bit for bit (tells 0 from -0, equal NaNs alike).
      if (!Object.is(a[symbol], b[symbol]))
        return { field, symbol, stored: a[symbol] ?? null, recomputed: b[symbol] ?? null };
    }
  }
  return null;
}
