import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AuditLog } from '../audit/index.js';
import { msg } from '../contract/messages.js';
import { type Clock, isoNow } from '../core/clock.js';
import { ConflictError, InputError, NotFoundError } from '../core/errors.js';
import type { Database } from '../store/index.js';
import type { ThemeService } from '../universe/index.js';
import { type ProjectParams, projectParamsSchema } from './params.js';

export const projectInputSchema = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(100, 'at most 100 characters'),
    description: z.string().trim().max(2000).default(''),
    params: projectParamsSchema,
  })
  .strict();
export type ProjectInput = z.input<typeof projectInputSchema>;

export const projectPatchSchema = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(100).optional(),
    description: z.string().trim().max(2000).optional(),
    params: projectParamsSchema.optional(),
  })
  .strict();
export type ProjectPatch = z.input<typeof projectPatchSchema>;

export interface ProjectVersion {
  version: number;
  params: ProjectParams;
  createdAt: string;
  createdBy: string;
}

export interface Project {
  id: number;
  name: string;
  description: string;
  currentVersion: number;
  params: ProjectParams;
  createdAt: string;
  updatedAt: string;
}

export class ProjectService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly themes: ThemeService,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async list(): Promise<Project[]> {
    const rows = await this.withCurrentParams().orderBy('projects.name').execute();
    return rows.map(toProject);
  }

  /** By id or by name. */
  async get(ref: number | string): Promise<Project> {
    const row = await this.withCurrentParams()
      .where(typeof ref === 'number' ? 'projects.id' : 'projects.name', '=', ref)
      .executeTakeFirst();
    if (!row)
      throw new NotFoundError(
        `project ${ref}`,
        typeof ref === 'number'
          ? msg('PROJECT_NOT_FOUND', { id: ref })
          : msg('PROJECT_NAME_NOT_FOUND', { name: ref }),
      );
    return toProject(row);
  }

  /** Projects joined with the parameters of their current version. */
  private withCurrentParams() {
    return this.db
      .selectFrom('projects')
      .innerJoin('project_versions', (j) =>
        j
          .onRef('project_versions.project_id', '=', 'projects.id')
          .onRef('project_versions.version', '=', 'projects.current_version'),
      )
      .selectAll('projects')
      .select('project_versions.params_json');
  }

  async versions(id: number): Promise<ProjectVersion[]> {
    await this.get(id);
    const rows = await this.db
      .selectFrom('project_versions')
      .selectAll()
      .where('project_id', '=', id)
      .orderBy('version', 'desc')
      .execute();
    return rows.map((r) => ({
      version: Number(r.version),
      params: projectParamsSchema.parse(JSON.parse(r.params_json)),
      createdAt: r.created_at,
      createdBy: r.created_by,
    }));
  }

  async version(id: number, version: number): Promise<ProjectVersion> {
    const found = (await this.versions(id)).find((v) => v.version === version);
    if (!found)
      throw new NotFoundError(
        `project ${id} version ${version}`,
        msg('PROJECT_VERSION_NOT_FOUND', { id, version }),
      );
    return found;
  }

  async create(input: ProjectInput, actor: string): Promise<Project> {
    const data = projectInputSchema.parse(input);
    await this.assertThemesExist(data.params.themeIds);
    await this.assertDefensiveKnown(data.params);
    await this.assertNameFree(data.name);
    const now = isoNow(this.clock);
    const { id, record } = await this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('projects')
        .values({
          name: data.name,
          description: data.description,
          current_version: 1,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const projectId = Number(inserted.id);
      await trx
        .insertInto('project_versions')
        .values({
          project_id: projectId,
          version: 1,
          params_json: JSON.stringify(data.params),
          created_at: now,
          created_by: actor,
        })
        .execute();
      const audit = await this.audit.append(
        {
          actor,
          action: 'project.create',
          target: `project:${projectId}`,
          after: { name: data.name, version: 1, params: data.params },
        },
        trx,
      );
      return { id: projectId, record: audit };
    });
    this.audit.notify(record);
    return this.get(id);
  }

  /** A change of parameters creates version n+1; renaming or describing does not. */
  async update(id: number, patch: ProjectPatch, actor: string): Promise<Project> {
    const data = projectPatchSchema.parse(patch);
    const before = await this.get(id);
    if (data.params) await this.assertThemesExist(data.params.themeIds);
    if (data.params) await this.assertDefensiveKnown(data.params);
    if (data.name !== undefined && data.name !== before.name) await this.assertNameFree(data.name);
    const paramsChanged =
      data.params !== undefined && JSON.stringify(data.params) !== JSON.stringify(before.params);
    const nextVersion = paramsChanged ? before.currentVersion + 1 : before.currentVersion;
    const now = isoNow(this.clock);
    const record = await this.db.transaction().execute(async (trx) => {
      if (paramsChanged) {
        await trx
          .insertInto('project_versions')
          .values({
            project_id: id,
            version: nextVersion,
            params_json: JSON.stringify(data.params),
            created_at: now,
            created_by: actor,
          })
          .execute();
      }
      await trx
        .updateTable('projects')
        .set({
          ...(data.name !== undefined ? { name: data.name } : {}),
          ...(data.description !== undefined ? { description: data.description } : {}),
          current_version: nextVersion,
          updated_at: now,
        })
        .where('id', '=', id)
        .execute();
      return this.audit.append(
        {
          actor,
          action: 'project.update',
          target: `project:${id}`,
          before: { name: before.name, version: before.currentVersion, params: before.params },
          after: {
            name: data.name ?? before.name,
            version: nextVersion,
            params: data.params ?? before.params,
          },
        },
        trx,
      );
    });
    this.audit.notify(record);
    return this.get(id);
  }

  /** The project's universe under its current (or a given) parameter version. */
  async universe(id: number, version?: number) {
    const params =
      version === undefined ? (await this.get(id)).params : (await this.version(id, version)).params;
    return this.themes.universe(params.themeIds);
  }

  private async assertThemesExist(themeIds: readonly number[]): Promise<void> {
    const found = new Set(await this.themes.existing(themeIds));
    const missing = themeIds.filter((t) => !found.has(t));
    if (missing.length)
      throw new InputError(
        'params.themeIds',
        `unknown theme id(s): ${missing.join(', ')}`,
        msg('THEMES_UNKNOWN', { ids: missing.join(', ') }),
      );
  }

  /**
   * The defensive asset must be an instrument the system knows: a member of one of the project's
   * themes, or a symbol resolved in the IB contract cache (`ibloop contracts refresh`), so that a
   * halt never meets a typo it cannot trade.
   */
  private async assertDefensiveKnown(params: ProjectParams): Promise<void> {
    const { action, symbol } = params.risk.defensive;
    if (action !== 'asset' || symbol === undefined) return;
    const members = await this.themes.universe(params.themeIds);
    if (members.some((m) => m.symbol === symbol)) return;
    const cached = await this.db
      .selectFrom('ib_contract_cache')
      .select('symbol')
      .where('symbol', '=', symbol)
      .where('status', '=', 'resolved')
      .executeTakeFirst();
    if (!cached)
      throw new InputError(
        'params.risk.defensive.symbol',
        `unknown instrument ${symbol}: not in the project's themes nor resolved in the IB contract cache`,
        msg('DEFENSIVE_ASSET_UNKNOWN', { symbol }),
      );
  }

  private async assertNameFree(name: string): Promise<void> {
    const clash = await this.db
      .selectFrom('projects')
      .select('id')
      .where('name', '=', name)
      .executeTakeFirst();
    if (clash)
      throw new ConflictError(
        'name',
        `a project named "${name}" already exists`,
        msg('PROJECT_NAME_TAKEN', { name }),
      );
  }
}

function toProject(row: {
  id: number;
  name: string;
  description: string;
  current_version: number;
  created_at: string;
  updated_at: string;
  params_json: string;
}): Project {
  return {
    id: Number(row.id),
    name: row.name,
    description: row.description,
    currentVersion: Number(row.current_version),
    params: projectParamsSchema.parse(JSON.parse(row.params_json)),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
