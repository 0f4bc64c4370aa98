import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Engine } from './engine.js';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';

export interface StoreOptions {
  /** `postgres://...` selects PostgreSQL; otherwise SQLite under the data root. */
  databaseUrl?: string | undefined;
  dataRoot: string;
}

export interface Store {
  readonly db: Kysely<Database>;
  readonly engine: Engine;
  /** Where the data lives, with any password removed; safe to print. */
  readonly location: string;
  close(): Promise<void>;
}

export const SQLITE_FILE_NAME = 'ibloop.sqlite';

export function openStore(options: StoreOptions): Store {
  if (options.databaseUrl) {
    const url = options.databaseUrl;
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new Error('DATABASE_URL: must start with postgres:// or postgresql://');
    }
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, engine: 'postgres', location: redactUrl(url), close: () => db.destroy() };
  }
  const file = path.join(options.dataRoot, SQLITE_FILE_NAME);
  ownerOnlyFiles(options.dataRoot, file);
  const sqlite = new SqliteDatabase(file);
  // First, so that switching a new file to WAL waits for a replica that is doing the same.
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, engine: 'sqlite', location: file, close: () => db.destroy() };
}

/**
 * The data root is created 0700 and the database 0600 before SQLite opens it: SQLite gives its WAL
 * and SHM files the database file's mode, so they are owner-only too. Files of an older install with
 * wider modes are narrowed.
 */
function ownerOnlyFiles(dataRoot: string, file: string): void {
  mkdirSync(dataRoot, { recursive: true, mode: 0o700 });
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  for (const each of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(each) && (statSync(each).mode & 0o077) !== 0) chmodSync(each, 0o600);
  }
}

export interface MigrationReport {
  applied: string[];
}

/** How long a replica waits for another one's migrations before it gives up. */
const MIGRATION_WAIT_MS = 5 * 60_000;

/**
 * Applies pending migrations. Replicas may start together: PostgreSQL serialises them with Kysely's
 * advisory lock; on SQLite, where Kysely takes no lock, the whole run (state read, migrations, their
 * records) happens in one BEGIN IMMEDIATE transaction, so a replica that loses the race waits for
 * the write lock, then finds the migrations applied and goes on.
 */
export async function migrateToLatest(store: Store): Promise<MigrationReport> {
  if (store.engine === 'postgres') return runMigrations(store.db);
  return store.db.connection().execute(async (conn) => {
    await beginImmediate(conn);
    try {
      const report = await runMigrations(conn);
      await sql`commit`.execute(conn);
      return report;
    } catch (error) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw error;
    }
  });
}

/** BEGIN IMMEDIATE, retried past SQLite's busy timeout while another replica migrates. */
async function beginImmediate(conn: Kysely<Database>): Promise<void> {
  const deadline = performance.now() + MIGRATION_WAIT_MS;
  for (;;) {
    try {
      await sql`begin immediate`.execute(conn);
      return;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const busy = code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
      if (!busy || performance.now() > deadline) {
        throw new Error(`migrations: could not take the database write lock: ${(error as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 200));
    }
  }
}

/** Migrations this build knows that the database has not applied (what `ibloop doctor` reports). */
export async function pendingMigrations(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  return (await migrator.getMigrations()).filter((m) => m.executedAt === undefined).map((m) => m.name);
}

async function runMigrations(db: Kysely<Database>): Promise<MigrationReport> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '****';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable url)';
  }
}
