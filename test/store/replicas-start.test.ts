import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/index.js';
import { systemClock } from '../../src/core/clock.js';
import { Accounts, ADMIN_USERNAME } from '../../src/server/index.js';
import { migrateToLatest, openStore, type Store } from '../../src/store/index.js';
import { ENGINES, type EngineTarget, freshTarget } from '../helpers/engines.js';
import { nodeEntry } from '../helpers/entry.js';

/** Rounds of 5 processes started together, each round on a fresh SQLite database (run 10 by hand). */
const ROUNDS = Number(process.env.IBLOOP_REPLICA_ROUNDS ?? 3);
const PER_ROUND = 5;

interface Exit {
  args: string[];
  code: number | null;
  stderr: string;
}

function startCli(args: string[], env: Record<string, string>): Promise<Exit> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeEntry('cli/main'), ...args], {
      env: { ...process.env, LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('close', (code) => resolve({ args, code, stderr }));
  });
}

describe('replicas starting together on a fresh SQLite database', () => {
  let targets: EngineTarget[] = [];
  afterEach(() => {
    for (const target of targets) target.cleanup();
    targets = [];
  });

  it(
    `${ROUNDS} x ${PER_ROUND} processes (db migrate and first-start commands): none crashes`,
    async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const target = await freshTarget('sqlite');
        targets.push(target);
        const env = { IBLOOP_SECRET_KEY: '' };
        // Half only migrate; the others open the whole application context (secret key file on
        // first start, migrations) as `serve` and `execute` do.
        const exits = await Promise.all(
          Array.from({ length: PER_ROUND }, (_, i) =>
            startCli(
              i % 2 === 0
                ? ['db', 'migrate', '--data-root', target.dataRoot]
                : ['config', 'show', '--data-root', target.dataRoot],
              env,
            ),
          ),
        );
        const crashed = exits.filter((exit) => exit.code !== 0);
        console.info(
          `round ${round + 1}/${ROUNDS}: ${exits.length - crashed.length} of ${exits.length} exited 0`,
        );
        expect(crashed.map((c) => `${c.args.slice(0, 2).join(' ')}: ${c.stderr.trim()}`)).toEqual([]);
        // Every replica ended up with the one key written to the data root.
        expect(readFileSync(path.join(target.dataRoot, 'secret.key'), 'utf8').trim()).toMatch(
          /^[A-Za-z0-9+/=]{44}$/,
        );
      }
    },
    60_000 + ROUNDS * 150_000,
  );
});

describe.each(ENGINES)('first-start admin password on %s', (engine) => {
  const stores: Store[] = [];
  let target: EngineTarget | undefined;
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    target?.cleanup();
  });

  it('is generated once when several replicas create the admin together; only the winner prints it', async () => {
    target = await freshTarget(engine);
    for (let i = 0; i < PER_ROUND; i += 1) {
      stores.push(openStore({ databaseUrl: target.databaseUrl, dataRoot: target.dataRoot }));
    }
    await Promise.all(stores.map((store) => migrateToLatest(store)));
    const accounts = stores.map(
      (store) => new Accounts(store.db, new AuditLog(store.db, systemClock), systemClock),
    );
    const outcomes = await Promise.all(accounts.map((a) => a.ensureAdmin(undefined)));
    const printed = outcomes.flatMap((o) => (o.generatedPassword ? [o.generatedPassword] : []));
    expect(printed).toHaveLength(1);
    expect(outcomes.filter((o) => o.created)).toHaveLength(1);
    const login = await accounts[0]?.login(ADMIN_USERNAME, printed[0] ?? '', 'test');
    expect(login?.ok).toBe(true);
  }, 120_000);
});
