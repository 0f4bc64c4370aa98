import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/index.js';
import { ManualClock, systemClock } from '../../src/core/clock.js';
import { SnapshotStore } from '../../src/decision/index.js';
import { ExecutionRepository } from '../../src/execution/index.js';
import { ExecutionLease } from '../../src/lock/index.js';
import type { SimGatewayHandle } from '../../src/sim/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { ENGINES, type EngineTarget, freshTarget } from '../helpers/engines.js';
import { nodeEntry } from '../helpers/entry.js';
import { addProjectsAt } from './projects.js';
import { startSim } from './sim-env.js';

interface CliRun {
  code: number | null;
  out: string;
}

/** Asynchronous: the gateway lives in this process and must keep answering. */
function ibloop(args: string[], env: Record<string, string>): Promise<CliRun> {
  const child = spawn(process.execPath, [...nodeEntry('cli/main'), ...args], {
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

const DATE = '2026-11-24';
/** Each test starts one or two CLI processes; a loaded CI machine takes up to 15 s to start one. */
const CLI_TIMEOUT_MS = 180_000;

// The engines run at the same time, each with its own gateway and database: most of this file is waiting
// (CLI starts, and a killed holder's lease running out), and the waits overlap. Within an engine the
// cases share the gateway's order log, so they run one after the other.
describe.concurrent.each(ENGINES)(
  'ibloop execute: the configured account and the lease, on %s',
  (engineName) => {
    let sim: SimGatewayHandle;
    let target: EngineTarget;
    let store: Store;
    let weightsFile: string;
    const DEMO = 1;
    const RESTART = 2;

    beforeAll(async () => {
      sim = (await startSim()).sim;
      target = await freshTarget(engineName);
      await addProjectsAt(target, ['demo', 'restart']);
      store = openStore({ databaseUrl: target.databaseUrl, dataRoot: target.dataRoot });
      weightsFile = path.join(target.dataRoot, 'weights.csv');
      writeFileSync(weightsFile, 'symbol,weight\nAAPL,0.05\nMSFT,0.05\n');
    });
    afterAll(async () => {
      await store.close();
      await sim.close();
      target.cleanup();
    });

    const env = (extra: Record<string, string> = {}) => ({
      ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {}),
      ...extra,
    });
    const execute = (project: number, extraArgs: string[] = [], extraEnv: Record<string, string> = {}) =>
      ibloop(
        [
          'execute',
          '--project',
          String(project),
          '--weights',
          weightsFile,
          '--port',
          String(sim.port),
          '--date',
          DATE,
          '--data-root',
          target.dataRoot,
          '--wait-seconds',
          '30',
          ...extraArgs,
        ],
        env(extraEnv),
      );

    it.sequential(
      'refuses a gateway logged into another account, naming both masked; nothing is sent',
      async () => {
        const result = await execute(DEMO, [], { IB_ACCOUNT: 'DU7654321' });
        expect(result.code, result.out).not.toBe(0);
        expect(result.out).toMatch(/logged into DU\*\*\*\*67, not the configured account DU\*\*\*\*21/);
        expect(result.out).not.toMatch(/DU1234567|DU7654321/);
        expect(sim.orderLog()).toEqual([]);
      },
      CLI_TIMEOUT_MS,
    );

    it.sequential(
      'refuses live mode without the typed confirmation, and a paper gateway in live mode',
      async () => {
        const unconfirmed = await execute(DEMO, [], { IB_MODE: 'live', IB_ACCOUNT: 'DU1234567' });
        expect(unconfirmed.code, unconfirmed.out).toBe(2);
        expect(unconfirmed.out).toMatch(/--confirm-live/);
        const paper = await execute(DEMO, ['--confirm-live', 'DU1234567'], {
          IB_MODE: 'live',
          IB_ACCOUNT: 'DU1234567',
        });
        expect(paper.code, paper.out).not.toBe(0);
        expect(paper.out).toMatch(/mode is live but account DU\*\*\*\*67 is a paper account/);
        expect(sim.orderLog()).toEqual([]);
      },
      CLI_TIMEOUT_MS,
    );

    it.sequential(
      'says at once that a live holder (a running server) has the lease; nothing is sent',
      async () => {
        const serve = new ExecutionLease({
          db: store.db,
          audit: new AuditLog(store.db, systemClock),
          clock: systemClock,
          holder: 'serve:test',
        });
        serve.start();
        await serve.settled();
        try {
          expect(serve.isHeld()).toBe(true);
          // No gateway listens on port 1: the answer comes from the lease, before any connection (which
          // against the server's gateway session would end only after 15 s, in IB's error 326).
          const result = await execute(DEMO, ['--port', '1']);
          expect(result.code, result.out).toBe(1);
          expect(result.out).toMatch(/held by serve:test token \d+ .*\(active, last heartbeat/);
          expect(result.out).toMatch(/POST \/api\/execution\/runs/);
          expect(result.out).not.toMatch(/could not connect/);
          expect(sim.orderLog()).toEqual([]);
        } finally {
          await serve.stop(true);
        }
      },
      CLI_TIMEOUT_MS,
    );

    it.sequential(
      'shows a killed holder as expired or unresponsive, and execute takes the lease when it can',
      async () => {
        // A holder that renewed 400 s ago and then died (kill -9), its lease still running for 200 s:
        // its heartbeat is late by more than a third of its ttl. (Long times: a CLI start can take a
        // minute on a loaded machine, and the lease must still be unexpired when the CLI reads it.)
        const dead = new ExecutionLease({
          db: store.db,
          audit: new AuditLog(store.db, systemClock),
          clock: new ManualClock(Date.now() - 400_000),
          holder: 'killed:test',
          ttlMs: 600_000,
          heartbeatMs: 3_000,
        });
        expect(await dead.tryAcquire()).not.toBeNull();
        const statusStarted = Date.now();
        const status = await ibloop(['execution-status', '--data-root', target.dataRoot], env());
        const cliStartMs = Date.now() - statusStarted;
        expect(status.code, status.out).toBe(0);
        expect(status.out).toMatch(
          /lease: killed:test .*expired or unresponsive: last heartbeat \d+\.\d s ago; can be taken at \S+, in \d+\.\d s/,
        );
        // Before this change, execute refused a lease like this outright ("another process holds it").
        // Execute waits for the lease to run out, so it runs out soon: three times as long as the status
        // command took on this machine just now, enough for execute to start and read it unexpired.
        await store.db
          .updateTable('execution_lease')
          .set({ expires_at: new Date(Date.now() + Math.max(10_000, 3 * cliStartMs)).toISOString() })
          .execute();
        const result = await execute(DEMO);
        expect(result.code, result.out).toBe(0);
        expect(result.out).toMatch(/expired or unresponsive.*waiting for it/);
        expect(result.out).toMatch(/\(new run, snapshot \d+\): 2 new orders, 2 sent/);
        expect(sim.orderLog()).toHaveLength(2);
      },
      2 * CLI_TIMEOUT_MS,
    );

    it.sequential(
      'after a restart, prints the orders it really sent (left over by the previous process)',
      async () => {
        const clock = systemClock;
        const audit = new AuditLog(store.db, clock);
        const repo = new ExecutionRepository(store.db, store.engine, audit, clock);
        const weights = { AAPL: 0.05, MSFT: 0.05 };
        // The previous process traded from a snapshot, as every run does.
        const { snapshot } = await new SnapshotStore(store.db, audit, clock).freezeManual({
          projectId: RESTART,
          tradingDate: DATE,
          weights,
          fileHash: 'a'.repeat(64),
          actor: 'previous',
        });
        const { run } = await repo.createOrJoinRun({
          snapshot: { id: snapshot.id, hash: snapshot.contentHash },
          projectId: RESTART,
          tradingDate: DATE,
          mode: 'paper',
          weights,
          actor: 'previous',
        });
        await repo.setRunTargets(run.id, { AAPL: 5, MSFT: 3 }, { positionsBefore: {} });
        const fence = async () => 1;
        const intent = (symbol: string, quantity: number) => ({
          symbol,
          conId: 1,
          side: 'BUY' as const,
          quantity,
          orderType: 'MKT' as const,
          limitPrice: null,
          tif: 'DAY' as const,
          account: 'DU1234567',
        });
        await repo.recordIntents(run.id, fence, () => [intent('AAPL', 5), intent('MSFT', 3)]);
        await repo.setRunStatus(run.id, 'SUBMITTING');
        const before = sim.orderLog().length;

        const result = await execute(RESTART);
        expect(result.code, result.out).toBe(0);
        expect(result.out).toMatch(/joined existing run, snapshot \d+\): 0 new orders, 2 sent/);
        expect(result.out).toMatch(new RegExp(`run ${run.id}: 2 orders sent by this process`));
        expect(sim.orderLog().length - before).toBe(2);
      },
      CLI_TIMEOUT_MS,
    );
  },
);
