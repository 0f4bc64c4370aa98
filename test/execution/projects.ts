import type { Kysely } from 'kysely';
import { type Database, migrateToLatest, openStore, type Store } from '../../src/store/index.js';

/**
 * The id of the project with this name, created (with a first version) if missing: runs name their
 * project by id. Safe when processes race for it.
 */
export async function addProject(db: Kysely<Database>, name: string): Promise<number> {
  const now = new Date().toISOString();
  await db
    .insertInto('projects')
    .values({ name, description: '', current_version: 1, created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('projects').select('id').where('name', '=', name).executeTakeFirstOrThrow();
  await db
    .insertInto('project_versions')
    .values({
      project_id: Number(row.id),
      version: 1,
      params_json: JSON.stringify({ themeIds: [1] }),
      created_at: now,
      created_by: 'test',
    })
    .onConflict((oc) => oc.columns(['project_id', 'version']).doNothing())
    .execute();
  return Number(row.id);
}

/** Projects in the (migrated) database of a data root, for processes started against it later. */
export async function addProjectsAt(
  target: { dataRoot: string; databaseUrl?: string | undefined },
  names: readonly string[],
): Promise<number[]> {
  const store: Store = openStore({ databaseUrl: target.databaseUrl, dataRoot: target.dataRoot });
  try {
    await migrateToLatest(store);
    const ids: number[] = [];
    for (const name of names) ids.push(await addProject(store.db, name));
    return ids;
  } finally {
    await store.close();
  }
}

/** The same, under the name other tests know it by. */
export const projectIdFor = addProject;
