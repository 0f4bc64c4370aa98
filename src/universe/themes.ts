import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/index.js';
import { msg } from '../contract/messages.js';
import { type Clock, isoNow } from '../core/clock.js';
import { ConflictError, NotFoundError } from '../core/errors.js';
import type { Database } from '../store/index.js';
import {
  type ThemeInput,
  type ThemeKind,
  type ThemeMember,
  type ThemePatch,
  themeInputSchema,
  themePatchSchema,
} from './schemas.js';

export interface ThemeSummary {
  id: number;
  name: string;
  kind: ThemeKind;
  description: string;
  memberCount: number;
  updatedAt: string;
}

export interface Theme extends ThemeSummary {
  members: ThemeMember[];
}

/** Themes (system and project) and their members; every change is audited in the same transaction. */
export class ThemeService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  /** Searches theme names and member symbols, names and sectors. */
  async list(query = ''): Promise<ThemeSummary[]> {
    const q = query.trim();
    let select = this.db
      .selectFrom('themes')
      .leftJoin('theme_members', 'theme_members.theme_id', 'themes.id')
      .select(['themes.id', 'themes.name', 'themes.kind', 'themes.description', 'themes.updated_at'])
      .select((eb) => eb.fn.count('theme_members.symbol').as('member_count'))
      .groupBy(['themes.id', 'themes.name', 'themes.kind', 'themes.description', 'themes.updated_at'])
      .orderBy('themes.name');
    if (q) {
      const like = `%${q.toLowerCase()}%`;
      select = select.where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['themes.name']), 'like', like),
          eb(
            'themes.id',
            'in',
            eb
              .selectFrom('theme_members')
              .select('theme_id')
              .where((m) =>
                m.or([
                  m(m.fn('lower', ['symbol']), 'like', like),
                  m(m.fn('lower', ['name']), 'like', like),
                  m(m.fn('lower', ['sector']), 'like', like),
                ]),
              ),
          ),
        ]),
      );
    }
    const rows = await select.execute();
    return rows.map((r) => ({
      id: Number(r.id),
      name: r.name,
      kind: r.kind as ThemeKind,
      description: r.description,
      memberCount: Number(r.member_count),
      updatedAt: r.updated_at,
    }));
  }

  async get(id: number): Promise<Theme> {
    const row = await this.db.selectFrom('themes').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError(`theme ${id}`, msg('THEME_NOT_FOUND', { id }));
    const rows = await this.db
      .selectFrom('theme_members')
      .select(['symbol', 'name', 'sector', 'industry', 'member_from', 'member_to'])
      .where('theme_id', '=', id)
      .orderBy('symbol')
      .execute();
    const members = rows.map(memberOf);
    return {
      id: Number(row.id),
      name: row.name,
      kind: row.kind as ThemeKind,
      description: row.description,
      memberCount: members.length,
      updatedAt: row.updated_at,
      members,
    };
  }

  async create(input: ThemeInput, actor: string): Promise<Theme> {
    const data = themeInputSchema.parse(input);
    await this.assertNameFree(data.name);
    const now = isoNow(this.clock);
    const { id, record } = await this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('themes')
        .values({
          name: data.name,
          kind: data.kind,
          description: data.description,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const themeId = Number(inserted.id);
      await replaceMembers(trx, themeId, data.members);
      const audit = await this.audit.append(
        {
          actor,
          action: 'theme.create',
          target: `theme:${themeId}`,
          after: { name: data.name, kind: data.kind, members: data.members.map((m) => m.symbol) },
        },
        trx,
      );
      return { id: themeId, record: audit };
    });
    this.audit.notify(record);
    return this.get(id);
  }

  async update(id: number, patch: ThemePatch, actor: string): Promise<Theme> {
    const data = themePatchSchema.parse(patch);
    const before = await this.get(id);
    if (data.name !== undefined && data.name !== before.name) await this.assertNameFree(data.name);
    const record = await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('themes')
        .set({
          ...(data.name !== undefined ? { name: data.name } : {}),
          ...(data.kind !== undefined ? { kind: data.kind } : {}),
          ...(data.description !== undefined ? { description: data.description } : {}),
          updated_at: isoNow(this.clock),
        })
        .where('id', '=', id)
        .execute();
      if (data.members !== undefined) await replaceMembers(trx, id, data.members);
      return this.audit.append(
        {
          actor,
          action: 'theme.update',
          target: `theme:${id}`,
          before: { name: before.name, kind: before.kind, members: before.members.map((m) => m.symbol) },
          after: {
            name: data.name ?? before.name,
            kind: data.kind ?? before.kind,
            members: (data.members ?? before.members).map((m) => m.symbol),
          },
        },
        trx,
      );
    });
    this.audit.notify(record);
    return this.get(id);
  }

  async remove(id: number, actor: string): Promise<void> {
    const before = await this.get(id);
    const record = await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('theme_members').where('theme_id', '=', id).execute();
      await trx.deleteFrom('themes').where('id', '=', id).execute();
      return this.audit.append(
        {
          actor,
          action: 'theme.delete',
          target: `theme:${id}`,
          before: { name: before.name, members: before.memberCount },
        },
        trx,
      );
    });
    this.audit.notify(record);
  }

  /** The union of the members of the given themes, each symbol once (first theme wins). */
  async universe(themeIds: readonly number[]): Promise<ThemeMember[]> {
    if (themeIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('theme_members')
      .select(['theme_id', 'symbol', 'name', 'sector', 'industry', 'member_from', 'member_to'])
      .where('theme_id', 'in', [...themeIds])
      .orderBy('symbol')
      .execute();
    const bySymbol = new Map<string, ThemeMember>();
    const order = new Map(themeIds.map((id, i) => [id, i]));
    rows.sort((a, b) => (order.get(Number(a.theme_id)) ?? 0) - (order.get(Number(b.theme_id)) ?? 0));
    for (const r of rows) {
      if (!bySymbol.has(r.symbol)) bySymbol.set(r.symbol, memberOf(r));
    }
    return [...bySymbol.values()].sort((a, b) => a.symbol.localeCompare(b.symbol));
  }

  async existing(ids: readonly number[]): Promise<number[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('themes')
      .select('id')
      .where('id', 'in', [...ids])
      .execute();
    return rows.map((r) => Number(r.id));
  }

  private async assertNameFree(name: string): Promise<void> {
    const clash = await this.db.selectFrom('themes').select('id').where('name', '=', name).executeTakeFirst();
    if (clash)
      throw new ConflictError(
        'name',
        `a theme named "${name}" already exists`,
        msg('THEME_NAME_TAKEN', { name }),
      );
  }
}

async function replaceMembers(
  trx: Kysely<Database>,
  themeId: number,
  members: readonly ThemeMember[],
): Promise<void> {
  await trx.deleteFrom('theme_members').where('theme_id', '=', themeId).execute();
  for (let i = 0; i < members.length; i += 500) {
    const chunk = members.slice(i, i + 500).map(({ from, to, ...m }) => ({
      theme_id: themeId,
      ...m,
      member_from: from ?? null,
      member_to: to ?? null,
    }));
    await trx.insertInto('theme_members').values(chunk).execute();
  }
}

/** A stored member; the membership days appear only when set, so plain themes read back unchanged. */
function memberOf(row: {
  symbol: string;
  name: string;
  sector: string;
  industry: string;
  member_from: string | null;
  member_to: string | null;
}): ThemeMember {
  return {
    symbol: row.symbol,
    name: row.name,
    sector: row.sector,
    industry: row.industry,
    ...(row.member_from ? { from: row.member_from } : {}),
    ...(row.member_to ? { to: row.member_to } : {}),
  };
}
