import type { Kysely, Selectable } from 'kysely';
import { canonicalJson } from '../alpha/index.js';
import type { AuditLog } from '../audit/index.js';
import {
  type Snapshot,
  type SnapshotContent,
  type SnapshotSummary,
  type SnapshotVerify,
  snapshotContentSchema,
} from '../contract/decisions.js';
import { msg } from '../contract/messages.js';
import { type Clock, isoNow } from '../core/clock.js';
import { ConflictError, InputError, NotFoundError } from '../core/errors.js';
import { sha256Hex } from '../sources/alpha/index.js';
import type { Database } from '../store/index.js';
import type { DecisionSnapshotsTable } from '../store/tables/decisions.js';

/** sha256 of the canonical JSON (sorted keys) of the content: the snapshot's identity. */
export function contentHash(content: SnapshotContent): string {
  return canonicalHash(content);
}

/** sha256 of the canonical JSON of a value: what a manual snapshot records when no file hash is given. */
export function canonicalHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

/** Kinds that stand for the project's decision of a date (manual ones are one person's weights). */
const DECISION_KINDS = ['model', 'fallback'] as const;

export interface ManualFreeze {
  projectId: number;
  tradingDate: string;
  weights: Readonly<Record<string, number>>;
  /** sha256 of the file (or request body) the weights came from. */
  fileHash: string;
  actor: string;
}

export interface DefensiveFreeze {
  projectId: number;
  tradingDate: string;
  /** Empty: sell everything (to cash); one symbol: move into the defensive asset. */
  weights: Readonly<Record<string, number>>;
  defensive: NonNullable<SnapshotContent['defensive']>;
  actor: string;
}

/**
 * The append-only snapshot table: insert (with its audit record, in one transaction), read, verify.
 * Execution uses this directly (a run is created from a snapshot id); DecisionService adds deciding.
 */
export class SnapshotStore {
  constructor(
    readonly db: Kysely<Database>,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  /**
   * Stores a snapshot, or returns the stored one with the same content hash (a repeated manual run
   * of the same file, or a second process deciding the same inputs), never a duplicate.
   */
  async insert(content: SnapshotContent, actor: string): Promise<{ snapshot: Snapshot; created: boolean }> {
    const parsed = snapshotContentSchema.parse(content);
    const hash = contentHash(parsed);
    return this.db.transaction().execute(async (trx) => {
      const same = await trx
        .selectFrom('decision_snapshots')
        .selectAll()
        .where('content_hash', '=', hash)
        .where('project_id', '=', parsed.projectId)
        .orderBy('id')
        .executeTakeFirst();
      if (same) return { snapshot: toSnapshot(same), created: false };
      if (parsed.supersedes) {
        const taken = await trx
          .selectFrom('decision_snapshots')
          .select('id')
          .where('supersedes_id', '=', parsed.supersedes.id)
          .executeTakeFirst();
        if (taken)
          throw new ConflictError(
            'id',
            `snapshot ${parsed.supersedes.id} is already superseded by ${taken.id}`,
            msg('SNAPSHOT_ALREADY_SUPERSEDED', { id: parsed.supersedes.id, by: Number(taken.id) }),
          );
      }
      const row = await trx
        .insertInto('decision_snapshots')
        .values({
          project_id: parsed.projectId,
          project_version: parsed.projectVersion,
          trading_date: parsed.tradingDate,
          kind: parsed.kind,
          model_version: parsed.modelVersion,
          data_source: parsed.dataSource,
          supersedes_id: parsed.supersedes?.id ?? null,
          content_json: JSON.stringify(parsed),
          content_hash: hash,
          created_at: isoNow(this.clock),
          created_by: actor,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.audit.append(
        {
          actor,
          action: parsed.supersedes ? 'decision.snapshot.redecided' : 'decision.snapshot.frozen',
          target: `snapshot:${row.id}`,
          after: {
            projectId: parsed.projectId,
            projectVersion: parsed.projectVersion,
            tradingDate: parsed.tradingDate,
            kind: parsed.kind,
            modelVersion: parsed.modelVersion,
            contentHash: hash,
            supersedes: parsed.supersedes,
          },
        },
        trx,
      );
      return { snapshot: toSnapshot(row), created: true };
    });
  }

  async get(id: number): Promise<Snapshot> {
    return toSnapshot(await this.row(id));
  }

  /** Recomputes the content hash from the stored row and checks the lookup columns against it. */
  async verify(id: number): Promise<SnapshotVerify> {
    return verifyRow(await this.row(id));
  }

  private async row(id: number): Promise<Selectable<DecisionSnapshotsTable>> {
    const row = await this.db
      .selectFrom('decision_snapshots')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new NotFoundError(`snapshot ${id}`, msg('SNAPSHOT_NOT_FOUND', { id }));
    return row;
  }

  /** Verifies, and throws a ConflictError naming the snapshot when it does not verify. */
  async requireVerified(id: number, expectedHash?: string | null): Promise<Snapshot> {
    const result = await this.verify(id);
    if (!result.ok)
      throw new ConflictError(
        'snapshot',
        `snapshot ${id} does not verify (${result.problems.join(', ')}); it was changed after it was frozen, refusing to trade`,
        msg('SNAPSHOT_TAMPERED', { id, problems: result.problems.join(', ') }),
      );
    if (expectedHash != null && expectedHash !== result.storedHash)
      throw new ConflictError(
        'snapshot',
        `snapshot ${id} is not the one the run was created from (hash differs)`,
        msg('SNAPSHOT_HASH_DIFFERS', { id }),
      );
    return this.get(id);
  }

  /** The project's current decision for a date: the newest model/fallback snapshot (re-decisions win). */
  async current(projectId: number, tradingDate: string): Promise<Snapshot | undefined> {
    const row = await this.db
      .selectFrom('decision_snapshots')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('trading_date', '=', tradingDate)
      .where('kind', 'in', [...DECISION_KINDS])
      .orderBy('id', 'desc')
      .executeTakeFirst();
    return row ? toSnapshot(row) : undefined;
  }

  /** The snapshot whose weights a project held going into `tradingDate` (any kind), if any. */
  async previous(projectId: number, tradingDate: string): Promise<Snapshot | undefined> {
    const row = await this.db
      .selectFrom('decision_snapshots')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('trading_date', '<', tradingDate)
      .orderBy('trading_date', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    return row ? toSnapshot(row) : undefined;
  }

  async list(projectId: number, limit = 100): Promise<SnapshotSummary[]> {
    const rows = await this.db
      .selectFrom('decision_snapshots')
      .selectAll()
      .where('project_id', '=', projectId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    const superseded = new Set(rows.map((r) => r.supersedes_id).filter((id): id is number => id !== null));
    const later = await this.db
      .selectFrom('decision_snapshots')
      .select('supersedes_id')
      .where('project_id', '=', projectId)
      .where('supersedes_id', 'is not', null)
      .execute();
    for (const r of later) if (r.supersedes_id !== null) superseded.add(Number(r.supersedes_id));
    return rows.map((row) => {
      const { content, ...rest } = toSnapshot(row);
      return {
        ...rest,
        symbols: Object.keys(content.weightsAfter).length,
        superseded: superseded.has(rest.id),
      };
    });
  }

  /** The manual path: a person's weights stored as a `manual` snapshot with the file hash and actor. */
  async freezeManual(input: ManualFreeze): Promise<{ snapshot: Snapshot; created: boolean }> {
    if (!/^[0-9a-f]{64}$/.test(input.fileHash))
      throw new InputError('fileHash', 'must be a sha256 hex digest', msg('MANUAL_FILE_HASH_INVALID', {}));
    return this.freezeWeights(input, {
      kind: 'manual',
      dataSource: 'manual',
      manual: { fileHash: input.fileHash, actor: input.actor },
    });
  }

  /**
   * A halt's defensive move (risk module): the weights it trades, frozen as a `defensive` snapshot
   * naming the halt. The same halt gives the same content, so a restart or a takeover finds the
   * stored snapshot instead of making a second one.
   */
  async freezeDefensive(input: DefensiveFreeze): Promise<{ snapshot: Snapshot; created: boolean }> {
    return this.freezeWeights(input, {
      kind: 'defensive',
      dataSource: 'risk',
      manual: null,
      defensive: input.defensive,
    });
  }

  /** Weights given from outside a model decision, frozen with the project's current parameters. */
  private async freezeWeights(
    input: Pick<ManualFreeze, 'projectId' | 'tradingDate' | 'weights' | 'actor'>,
    origin: Pick<SnapshotContent, 'kind' | 'dataSource' | 'manual' | 'defensive'>,
  ): Promise<{ snapshot: Snapshot; created: boolean }> {
    const project = await this.currentParams(input.projectId);
    // Zero weights stay: "sell this name" is part of what was sent (all zeros: sell everything).
    const weights = Object.fromEntries(
      Object.entries(input.weights).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    );
    return this.insert(
      {
        schema: 'decision-snapshot/1',
        projectId: input.projectId,
        projectVersion: project.version,
        tradingDate: input.tradingDate,
        asOf: input.tradingDate,
        modelVersion: null,
        inputs: [],
        dropped: [],
        scores: {},
        sectors: {},
        previousWeights: {},
        previousSnapshotId: null,
        weightsBefore: weights,
        weightsAfter: weights,
        cuts: [],
        params: project.params,
        supersedes: null,
        fallback: null,
        ...origin,
      },
      input.actor,
    );
  }

  /** The project's current parameter version and its parameters (as stored). */
  private async currentParams(
    projectId: number,
  ): Promise<{ version: number; params: Record<string, unknown> }> {
    const project = await this.db
      .selectFrom('projects')
      .select(['id', 'current_version'])
      .where('id', '=', projectId)
      .executeTakeFirst();
    if (!project)
      throw new InputError(
        'projectId',
        `no project with id ${projectId}`,
        msg('PROJECT_NOT_FOUND', { id: projectId }),
      );
    const version = await this.db
      .selectFrom('project_versions')
      .select('params_json')
      .where('project_id', '=', projectId)
      .where('version', '=', project.current_version)
      .executeTakeFirst();
    return {
      version: Number(project.current_version),
      params: version ? (JSON.parse(version.params_json) as Record<string, unknown>) : {},
    };
  }
}

export function verifyRow(row: Selectable<DecisionSnapshotsTable>): SnapshotVerify {
  const problems: string[] = [];
  let computed = '';
  const parsed = safeContent(row.content_json);
  if (!parsed) problems.push('CONTENT_INVALID');
  else {
    // Over the raw stored JSON, so that any edit (an added key too) changes the hash.
    computed = sha256Hex(canonicalJson(JSON.parse(row.content_json)));
    if (computed !== row.content_hash) problems.push('HASH_MISMATCH');
    const columns: [string, unknown, unknown][] = [
      ['project_id', Number(row.project_id), parsed.projectId],
      ['project_version', Number(row.project_version), parsed.projectVersion],
      ['trading_date', row.trading_date, parsed.tradingDate],
      ['kind', row.kind, parsed.kind],
      ['model_version', row.model_version, parsed.modelVersion],
      ['data_source', row.data_source, parsed.dataSource],
      [
        'supersedes_id',
        row.supersedes_id === null ? null : Number(row.supersedes_id),
        parsed.supersedes?.id ?? null,
      ],
    ];
    for (const [name, stored, inContent] of columns)
      if (stored !== inContent) problems.push(`COLUMN_MISMATCH:${name}`);
  }
  return {
    id: Number(row.id),
    ok: problems.length === 0,
    storedHash: row.content_hash,
    computedHash: computed,
    problems,
  };
}

function safeContent(json: string): SnapshotContent | undefined {
  try {
    const result = snapshotContentSchema.safeParse(JSON.parse(json));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

export function toSnapshot(row: Selectable<DecisionSnapshotsTable>): Snapshot {
  const content = safeContent(row.content_json);
  if (!content)
    throw new ConflictError(
      'snapshot',
      `snapshot ${row.id} has unreadable content`,
      msg('SNAPSHOT_UNREADABLE', { id: Number(row.id) }),
    );
  return {
    id: Number(row.id),
    projectId: Number(row.project_id),
    projectVersion: Number(row.project_version),
    tradingDate: row.trading_date,
    kind: content.kind,
    modelVersion: row.model_version,
    dataSource: content.dataSource,
    supersedesId: row.supersedes_id === null ? null : Number(row.supersedes_id),
    contentHash: row.content_hash,
    createdAt: row.created_at,
    createdBy: row.created_by,
    content,
  };
}
