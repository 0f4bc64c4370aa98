import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openAppContext } from '../../src/app/context.js';
import { GENESIS_HASH, recordHash } from '../../src/audit/index.js';
import { loadBootstrapConfig } from '../../src/config/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';
import { ENGINES, type EngineTarget, freshTarget } from '../helpers/engines.js';

async function withStore<T>(target: EngineTarget, work: (store: Store) => Promise<T>): Promise<T> {
  const store = openStore({ databaseUrl: target.databaseUrl, dataRoot: target.dataRoot });
  try {
    if (store.engine === 'postgres') {
      await sql`drop trigger if exists audit_log_no_update on audit_log`.execute(store.db);
    } else {
      await sql`drop trigger if exists audit_log_no_update`.execute(store.db);
      await sql`drop trigger if exists audit_log_no_delete`.execute(store.db);
    }
    return await work(store);
  } finally {
    await store.close();
  }
}

describe.each(ENGINES)('ibloop audit verify on %s', (engine) => {
  let target: EngineTarget;
  afterEach(() => target.cleanup());

  it('exits 0 on an intact chain, 3 on a wrong key, 1 naming a cut-off tail and a rewritten chain', async () => {
    target = await freshTarget(engine);
    const env = { IBLOOP_AUDIT_KEY: '', DATABASE_URL: target.databaseUrl ?? '' };
    const cli = (args: string[], extra: Record<string, string> = {}) =>
      runCli([...args, '--data-root', target.dataRoot], { ...env, ...extra });
    // Records written in-process through the production wiring (key file and checkpoints under the
    // data root), so that the spawned CLI runs are only the ones under test.
    const ctx = await openAppContext(
      loadBootstrapConfig({ env, overrides: { DATA_ROOT: target.dataRoot } }),
      { logSink: () => {} },
    );
    try {
      for (const port of ['4002', '4003', '4004']) await ctx.settings.update({ IB_PORT: port }, 'alice');
    } finally {
      await ctx.close();
    }

    const ok = cli(['audit', 'verify']);
    expect({ code: ok.code, stderr: ok.stderr }).toEqual({ code: 0, stderr: '' });
    expect(ok.stdout).toMatch(/audit chain OK: 3 records verified \(keyed from record 1; \d+ checkpoints/);
    expect(ok.stdout).toMatch(/head: record 3 [0-9a-f]{64}/);

    const wrongKey = cli(['audit', 'verify'], { IBLOOP_AUDIT_KEY: randomBytes(32).toString('hex') });
    expect({ code: wrongKey.code, stderr: wrongKey.stderr }).toEqual({ code: 3, stderr: '' });
    expect(wrongKey.stdout).toMatch(/BROKEN at record 1 \[key\]: the audit key \(env/);

    // The last record deleted and audit_head made to agree: only the checkpoint file still knows.
    await withStore(target, async (store) => {
      const second = await store.db
        .selectFrom('audit_log')
        .select('hash')
        .where('id', '=', 2)
        .executeTakeFirstOrThrow();
      await sql`delete from audit_log where id = 3`.execute(store.db);
      await sql`update audit_head set seq = 2, last_hash = ${second.hash} where id = 1`.execute(store.db);
    });
    const cut = cli(['audit', 'verify']);
    expect({ code: cut.code, stderr: cut.stderr }).toEqual({ code: 1, stderr: '' });
    expect(cut.stdout).toMatch(/BROKEN at record 3 \[truncated\]: the checkpoint file names record 3/);

    // An edit covered by recomputing every hash the way the old, unkeyed chain did.
    await withStore(target, async (store) => {
      await sql`update audit_log set actor = 'mallory' where id = 2`.execute(store.db);
      let prev = GENESIS_HASH;
      const rows = await store.db.selectFrom('audit_log').selectAll().orderBy('id').execute();
      for (const row of rows) {
        const hash = recordHash({ ...row, id: Number(row.id), prev_hash: prev });
        await sql`update audit_log set prev_hash = ${prev}, hash = ${hash} where id = ${row.id}`.execute(
          store.db,
        );
        prev = hash;
      }
      await sql`update audit_head set last_hash = ${prev} where id = 1`.execute(store.db);
    });
    const rewritten = cli(['audit', 'verify']);
    expect({ code: rewritten.code, stderr: rewritten.stderr }).toEqual({ code: 1, stderr: '' });
    expect(rewritten.stdout).toMatch(/BROKEN at record 1 \[rewritten\]: record 1 was rewritten/);
  }, 400_000);
});
