import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openAuditLog } from '../../src/audit/index.js';
import { ManualClock, systemClock } from '../../src/core/clock.js';
import { ExecutionEngine, ExecutionRepository, ExecutionService } from '../../src/execution/index.js';
import { ExecutionLease } from '../../src/lock/index.js';
import { migrateToLatest, openStore, SQLITE_FILE_NAME, type Store } from '../../src/store/index.js';
import { MemoryBroker } from '../execution/memory-broker.js';
import { addProject } from '../execution/projects.js';
import { runCli } from '../helpers/cli.js';
import { ENGINES, type EngineTarget, freshTarget } from '../helpers/engines.js';
import { findPostgresBinDir } from '../helpers/postgres.js';

const T0 = Date.UTC(2026, 0, 5, 15);
const TABLES = ['trade_runs', 'trade_orders', 'trade_fills', 'audit_log'] as const;

async function counts(store: Store): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) {
    const row = await store.db
      .selectFrom(t)
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    out[t] = Number(row.n);
  }
  return out;
}

/** A completed run with orders and fills, written through the execution core with the data root's audit key. */
async function tradeSomething(target: EngineTarget): Promise<void> {
  const store = openStore({ databaseUrl: target.databaseUrl, dataRoot: target.dataRoot });
  try {
    await migrateToLatest(store);
    const projectId = await addProject(store.db, 'demo');
    const clock = new ManualClock(T0);
    const audit = openAuditLog(store.db, clock, { dataRoot: target.dataRoot, envKey: undefined });
    const lease = new ExecutionLease({
      db: store.db,
      audit,
      clock,
      holder: 'seed',
      ttlMs: 60_000,
      heartbeatMs: 5_000,
    });
    await lease.tryAcquire();
    const repo = new ExecutionRepository(store.db, store.engine, audit, clock);
    const broker = new MemoryBroker({ AAPL: 200, MSFT: 400, NVDA: 100 });
    const engine = new ExecutionEngine({ repo, broker, lease, clock, mode: 'paper', maxOrdersPerSecond: 0 });
    await engine.start();
    const service = new ExecutionService(engine, { maxQuoteAgeMs: 60_000 });
    const result = await service.executeTargets({
      projectId,
      tradingDate: '2026-01-05',
      weights: { AAPL: 0.2, MSFT: 0.2, NVDA: 0.1 },
    });
    expect((await service.waitForRun(result.run.id, 5_000)).status).toBe('COMPLETED');
    await engine.stop();
    await lease.release();
  } finally {
    await store.close();
  }
}

/** Holds the trading lease as a running server would, on the real clock. */
async function holdLease(target: EngineTarget): Promise<() => Promise<void>> {
  const store = openStore({ databaseUrl: target.databaseUrl, dataRoot: target.dataRoot });
  const audit = openAuditLog(store.db, systemClock, { dataRoot: target.dataRoot, envKey: undefined });
  const lease = new ExecutionLease({
    db: store.db,
    audit,
    clock: systemClock,
    holder: 'live-server:4242',
    ttlMs: 120_000,
  });
  expect(await lease.tryAcquire()).not.toBeNull();
  return async () => {
    await lease.release();
    await store.close();
  };
}

async function wipe(target: EngineTarget): Promise<void> {
  if (!target.databaseUrl) {
    for (const f of [SQLITE_FILE_NAME, `${SQLITE_FILE_NAME}-wal`, `${SQLITE_FILE_NAME}-shm`]) {
      rmSync(path.join(target.dataRoot, f), { force: true });
    }
    return;
  }
  const client = new pg.Client({ connectionString: target.databaseUrl });
  await client.connect();
  try {
    await client.query('drop schema public cascade; create schema public');
  } finally {
    await client.end();
  }
}

describe.each(ENGINES)('db backup and restore on %s', (engineName) => {
  let target: EngineTarget | undefined;
  afterEach(() => target?.cleanup());

  it('backup -> wipe -> restore: audit verifies, runs/orders/fills equal; guards and retention', async () => {
    target = await freshTarget(engineName);
    await tradeSomething(target);
    const env: Record<string, string> = {
      DATA_ROOT: target.dataRoot,
      DATABASE_URL: target.databaseUrl ?? '',
      PG_BINDIR: findPostgresBinDir() ?? '',
    };
    const readCounts = async () => {
      const store = openStore({ databaseUrl: target?.databaseUrl, dataRoot: target?.dataRoot ?? '' });
      try {
        return await counts(store);
      } finally {
        await store.close();
      }
    };
    const before = await readCounts();
    expect(before.trade_runs).toBe(1);
    expect(before.trade_orders).toBe(3);
    expect(before.trade_fills).toBe(3);

    // Online: taken while a "server" holds the lease.
    const release = await holdLease(target);
    const backupDir = path.join(target.dataRoot, 'backups');
    const first = runCli(['db', 'backup'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const firstFile = /backup: (\S+)/.exec(first.stdout)?.[1] ?? '';
    expect(path.dirname(firstFile)).toBe(backupDir);
    expect(statSync(firstFile).mode & 0o777).toBe(0o600);

    const running = runCli(['db', 'restore', firstFile, '--yes'], env);
    expect(running.code).toBe(1);
    expect(running.stderr).toMatch(/server is running \(trading lease held by live-server:4242/);
    await release();
    // The lease's own audit records are part of what the backup below holds.
    const backedUp = await readCounts();

    const second = runCli(['db', 'backup', '--out', `${backupDir}/`, '--keep', '1'], env);
    expect(second.code).toBe(0);
    const secondFile = /backup: (\S+)/.exec(second.stdout)?.[1] ?? '';
    expect(second.stdout).toContain(`deleted old backup: ${firstFile}`);
    expect(readdirSync(backupDir)).toEqual([path.basename(secondFile)]);
    expect(backedUp.audit_log).toBeGreaterThan(before.audit_log ?? 0);
    expect({ ...backedUp, audit_log: 0 }).toEqual({ ...before, audit_log: 0 });

    const notEmpty = runCli(['db', 'restore', secondFile], env);
    expect(notEmpty.code).toBe(1);
    expect(notEmpty.stderr).toMatch(/is not empty \(\d+ tables\): pass --yes/);

    await wipe(target);
    expect((await readCounts().catch(() => null)) === null).toBe(true);
    const restored = runCli(['db', 'restore', secondFile], env);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);

    const verify = runCli(['audit', 'verify'], env);
    expect(verify.stdout).toMatch(/audit chain OK/);
    expect(verify.code).toBe(0);
    expect(await readCounts()).toEqual(backedUp);

    // Replacing a non-empty database is allowed with --yes, and leaves it whole.
    const replaced = runCli(['db', 'restore', secondFile, '--yes'], env);
    expect(replaced.code).toBe(0);
    expect(replaced.stdout).toContain('replaced the previous contents');
    expect(await readCounts()).toEqual(backedUp);
  });

  it('names bad input: a missing file, a backup of the other engine, a bad --keep', async () => {
    target = await freshTarget(engineName);
    const env = { DATA_ROOT: target.dataRoot, DATABASE_URL: target.databaseUrl ?? '' };
    const missing = runCli(['db', 'restore', path.join(target.dataRoot, 'nope.sqlite')], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/FILE: .*nope\.sqlite does not exist/);
    const keep = runCli(['db', 'backup', '--keep', '0'], env);
    expect(keep.code).toBe(2);
    expect(keep.stderr).toMatch(/--keep/);
    if (engineName === 'postgres') {
      // A SQLite backup offered to PostgreSQL is refused before anything changes.
      const other = await freshTarget('sqlite');
      try {
        const store = openStore({ dataRoot: other.dataRoot });
        await migrateToLatest(store);
        await store.close();
        const b = runCli(['db', 'backup'], { DATA_ROOT: other.dataRoot, DATABASE_URL: '' });
        const file = /backup: (\S+)/.exec(b.stdout)?.[1] ?? '';
        expect(existsSync(file)).toBe(true);
        const wrong = runCli(['db', 'restore', file], env);
        expect(wrong.code).toBe(1);
        expect(wrong.stderr).toMatch(/is a SQLite backup but the configured database is PostgreSQL/);
      } finally {
        other.cleanup();
      }
    }
  });
});

describe('pg_dump missing', () => {
  it('names pg_dump when it cannot be found', async () => {
    const target = await freshTarget('postgres');
    try {
      const result = runCli(['db', 'backup'], {
        DATA_ROOT: target.dataRoot,
        DATABASE_URL: target.databaseUrl ?? '',
        PG_BINDIR: path.join(target.dataRoot, 'no-such-bindir'),
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/pg_dump not found/);
      expect(existsSync(path.join(target.dataRoot, 'backups'))).toBe(true);
      expect(readdirSync(path.join(target.dataRoot, 'backups'))).toEqual([]);
    } finally {
      target.cleanup();
    }
  });
});
