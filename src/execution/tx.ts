import { type Kysely, sql } from 'kysely';
import type { Database, Engine } from '../store/index.js';

/**
 * A transaction that takes the write lock at its start. On SQLite a deferred transaction that reads
 * first and writes later fails at once with SQLITE_BUSY when another process wrote in between;
 * BEGIN IMMEDIATE waits for the lock instead (busy_timeout). PostgreSQL needs nothing special.
 */
export async function writeTransaction<T>(
  db: Kysely<Database>,
  engine: Engine,
  work: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  if (engine === 'postgres') return db.transaction().execute(work);
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const result = await work(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (error) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw error;
    }
  });
}
