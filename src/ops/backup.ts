import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { systemClock } from '../core/clock.js';
import { describeLease, readLease } from '../lock/index.js';
import { openStore, SQLITE_FILE_NAME } from '../store/index.js';

export const BACKUP_DIR_NAME = 'backups';
export const BACKUP_NAME = /^ibloop-\d{8}T\d{6}(\d{3})?Z\.(sqlite|pgdump)$/;
/** The first bytes of a SQLite file and of a pg_dump custom-format archive. */
const SQLITE_MAGIC = 'SQLite format 3\0';
const PGDMP_MAGIC = 'PGDMP';

export interface StoreTarget {
  dataRoot: string;
  databaseUrl?: string | undefined;
}

/** A problem the user can fix (missing tool, running server, non-empty database): exit 1 with it. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

export interface BackupResult {
  file: string;
  bytes: number;
  deleted: string[];
}

/** `ibloop-20260105T150000123Z.sqlite`: names sort by time, so retention keeps the last by name. */
export function backupFileName(engine: 'sqlite' | 'postgres', now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('.', '');
  return `ibloop-${stamp}.${engine === 'sqlite' ? 'sqlite' : 'pgdump'}`;
}

/** `--out` is a folder when it exists as one or ends with a separator; otherwise the file to write. */
function resolveOut(target: StoreTarget, engine: 'sqlite' | 'postgres', out: string | undefined): string {
  const dirLike = out === undefined || out.endsWith('/') || (existsSync(out) && statSync(out).isDirectory());
  const dir =
    out === undefined ? path.join(target.dataRoot, BACKUP_DIR_NAME) : dirLike ? out : path.dirname(out);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = dirLike ? path.join(dir, backupFileName(engine)) : path.resolve(out as string);
  if (existsSync(file)) throw new BackupError(`--out: ${file} already exists; backups never overwrite`);
  return path.resolve(file);
}

/** A consistent copy while the server runs: SQLite's online backup API, or pg_dump. */
export async function backupDatabase(
  target: StoreTarget,
  options: { out?: string | undefined; keep?: number | undefined } = {},
): Promise<BackupResult> {
  const engine = target.databaseUrl ? 'postgres' : 'sqlite';
  const file = resolveOut(target, engine, options.out);
  const partial = `${file}.partial`;
  try {
    if (engine === 'sqlite') await backupSqlite(target.dataRoot, partial);
    else dumpPostgres(target.databaseUrl as string, partial);
    chmodSync(partial, 0o600);
    renameSync(partial, file);
  } finally {
    rmSync(partial, { force: true });
  }
  const deleted = options.keep === undefined ? [] : prune(path.dirname(file), options.keep);
  return { file, bytes: statSync(file).size, deleted };
}

async function backupSqlite(dataRoot: string, dest: string): Promise<void> {
  const source = path.join(dataRoot, SQLITE_FILE_NAME);
  if (!existsSync(source)) throw new BackupError(`no database at ${source} (DATA_ROOT: ${dataRoot})`);
  const db = new SqliteDatabase(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 10000');
    await db.backup(dest);
  } finally {
    db.close();
  }
  // The copy keeps the source's WAL mode; a backup is one self-contained file, so that reading it
  // later (restore's integrity check) leaves no -wal/-shm files beside it.
  const copy = new SqliteDatabase(dest, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
}

/** Backups in `dir` by our naming, newest last; older ones beyond `keep` are deleted. */
export function prune(dir: string, keep: number): string[] {
  const files = readdirSync(dir)
    .filter((f) => BACKUP_NAME.test(f))
    .sort();
  const old = files.slice(0, Math.max(0, files.length - keep));
  for (const f of old) {
    unlinkSync(path.join(dir, f));
    for (const side of ['-wal', '-shm']) rmSync(path.join(dir, f + side), { force: true });
  }
  return old.map((f) => path.join(dir, f));
}

/** A PostgreSQL client tool: PG_BINDIR, then PATH, then Debian's /usr/lib/postgresql/<newest>/bin. */
export function findPgTool(name: 'pg_dump' | 'pg_restore'): string | undefined {
  // An explicit PG_BINDIR is the user's choice of version: no fallback to another one.
  if (process.env.PG_BINDIR) {
    const file = path.join(process.env.PG_BINDIR, name);
    return existsSync(file) ? file : undefined;
  }
  const candidates: string[] = [];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter))
    if (dir) candidates.push(path.join(dir, name));
  if (existsSync('/usr/lib/postgresql')) {
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(path.join('/usr/lib/postgresql', v, 'bin', name));
  }
  return candidates.find((c) => existsSync(c));
}

function requirePgTool(name: 'pg_dump' | 'pg_restore'): string {
  const tool = findPgTool(name);
  if (!tool) {
    throw new BackupError(
      `${name} not found (looked in PG_BINDIR if set, else PATH and /usr/lib/postgresql/*/bin): install the PostgreSQL client (Debian: apt-get install postgresql-client) or set PG_BINDIR`,
    );
  }
  return tool;
}

/** The URL without its password, and the password for PGPASSWORD: never on a command line. */
function pgConnection(url: string): { url: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return { url: parsed.toString(), env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } };
}

function runPg(tool: string, args: string[], url: string): void {
  const conn = pgConnection(url);
  const result = spawnSync(tool, [...args, '--dbname', conn.url], {
    encoding: 'utf8',
    env: conn.env,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.error) throw new BackupError(`${path.basename(tool)}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new BackupError(`${path.basename(tool)} failed (exit ${result.status}): ${result.stderr.trim()}`);
  }
}

function dumpPostgres(url: string, dest: string): void {
  runPg(requirePgTool('pg_dump'), ['--format=custom', '--no-owner', '--no-privileges', '--file', dest], url);
}

export interface RestoreResult {
  engine: 'sqlite' | 'postgres';
  location: string;
  replaced: boolean;
}

function kindOf(file: string): 'sqlite' | 'postgres' {
  const head = readFileSync(file).subarray(0, 16).toString('latin1');
  if (head === SQLITE_MAGIC) return 'sqlite';
  if (head.startsWith(PGDMP_MAGIC)) return 'postgres';
  throw new BackupError(`${file}: not an ibloop backup (neither a SQLite database nor a pg_dump archive)`);
}

/**
 * Replaces the database with a backup. Refuses while a live server holds the trading lease, and
 * refuses to replace a database that has tables unless `replace` (the CLI's --yes) is given.
 */
export async function restoreDatabase(
  target: StoreTarget,
  file: string,
  options: { replace: boolean },
): Promise<RestoreResult> {
  if (!existsSync(file) || !statSync(file).isFile()) throw new BackupError(`FILE: ${file} does not exist`);
  const engine = target.databaseUrl ? 'postgres' : 'sqlite';
  const kind = kindOf(file);
  if (kind !== engine) {
    throw new BackupError(
      `FILE: ${file} is a ${kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'} backup but the configured database is ${engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`,
    );
  }
  if (engine === 'sqlite') checkSqliteBackup(file);
  const store = openStore({ databaseUrl: target.databaseUrl, dataRoot: target.dataRoot });
  let tables: string[];
  try {
    tables = await userTables(store.db, engine);
    if (tables.includes('execution_lease')) {
      const lease = await readLease(store.db, systemClock);
      // Unexpired but late (unresponsive) counts too: a stalled server may still write.
      if (lease?.active) {
        throw new BackupError(
          `the server is running (trading lease held by ${describeLease(lease, systemClock.nowMs())}): stop it first (systemctl --user stop ibloop.service)`,
        );
      }
    }
    if (tables.length > 0 && !options.replace) {
      throw new BackupError(
        `${store.location} is not empty (${tables.length} tables): pass --yes to replace it with ${file}`,
      );
    }
  } finally {
    await store.close();
  }
  if (engine === 'sqlite') restoreSqlite(target.dataRoot, file);
  else {
    // --clean drops each object of the archive first; all in one transaction, so a failure changes nothing.
    const args = ['--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error'];
    if (tables.length > 0) args.push('--clean', '--if-exists');
    runPg(requirePgTool('pg_restore'), [...args, file], target.databaseUrl as string);
  }
  return {
    engine,
    location: engine === 'sqlite' ? path.join(target.dataRoot, SQLITE_FILE_NAME) : '(DATABASE_URL)',
    replaced: tables.length > 0,
  };
}

async function userTables(
  db: ReturnType<typeof openStore>['db'],
  engine: 'sqlite' | 'postgres',
): Promise<string[]> {
  const rows =
    engine === 'sqlite'
      ? await sql<{
          name: string;
        }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db)
      : await sql<{
          name: string;
        }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(
          db,
        );
  return rows.rows.map((r) => r.name);
}

function checkSqliteBackup(file: string): void {
  const db = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  try {
    const result = db.pragma('integrity_check', { simple: true });
    if (result !== 'ok')
      throw new BackupError(`FILE: ${file} fails SQLite's integrity check: ${String(result)}`);
  } finally {
    db.close();
  }
}

/**
 * Copies the backup next to the database, then renames it into place. The old WAL is folded in and
 * removed first: a stale WAL left beside the new file would be replayed into it.
 */
function restoreSqlite(dataRoot: string, file: string): void {
  const dest = path.join(dataRoot, SQLITE_FILE_NAME);
  const staging = `${dest}.restore`;
  rmSync(staging, { force: true });
  const source = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  try {
    // The backup API would need an async loop here; a VACUUM INTO copy is as consistent and synchronous.
    source.prepare('vacuum into ?').run(staging);
  } finally {
    source.close();
  }
  chmodSync(staging, 0o600);
  const current = new SqliteDatabase(dest);
  try {
    current.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    current.close();
  }
  renameSync(staging, dest);
  for (const side of [`${dest}-wal`, `${dest}-shm`]) rmSync(side, { force: true });
}
