import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context.js';
import { session, tradingDays } from '../../src/calendar/index.js';
import type { Clock } from '../../src/core/clock.js';
import { seedDemo } from '../../src/demo/index.js';
import { PipelineRepository, type PipelineRun, STEP_NAMES, type StepName } from '../../src/pipeline/index.js';
import { type SimGatewayHandle, startSimGateway } from '../../src/sim/index.js';
import { createSimClock, createSyntheticMarket, defaultInstruments } from '../../src/sim/market/index.js';
import { duplicateRefs } from '../execution/sim-env.js';
import { ApiClient } from '../helpers/app.js';
import { ENGINES, type EngineTarget, freshTarget } from '../helpers/engines.js';
import { pipelineContext } from './context.js';

/**
 * Acceptance of the weekly pipeline: kill -9 of the lease holder during each step of a real run
 * (IB adapter over TCP against the paper gateway, orders sent and filled). The server runs as a child
 * process; the test watches the step rows in the database, kills the server with SIGKILL while the
 * chosen step runs, starts a new server on the same database, and checks that the run completes, each
 * step succeeded once, no order reached the gateway twice and the report is complete.
 * IBLOOP_KILL_TRIALS sets the trials per step (the acceptance run is 10); IBLOOP_KILL_ENGINES the
 * databases (default SQLite only: a trial costs a server start and a lease expiry, and the
 * PostgreSQL pass doubles the suite's longest file; `IBLOOP_KILL_ENGINES=sqlite,postgres` runs both).
 */
const TRIALS = Number(process.env.IBLOOP_KILL_TRIALS ?? 1);
const KILL_ENGINES = ENGINES.filter((engine) =>
  (process.env.IBLOOP_KILL_ENGINES ?? 'sqlite').split(',').includes(engine),
);
const PASSWORD = 'kill9-admin-password';
const SERVER = 'test/pipeline/kill9-server.ts';
/** Tuesday 2026-11-24, 10:00 New York. */
const FIRST_DAY = '2026-11-24';

interface ServerChild {
  child: ChildProcess;
  url: Promise<string>;
  exited: Promise<number | null>;
  stderr: () => string;
}

function spawnServer(target: EngineTarget, simPort: number, clock: Clock): ServerChild {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER], {
    env: {
      ...process.env,
      DATA_ROOT: target.dataRoot,
      DATABASE_URL: target.databaseUrl ?? '',
      IBLOOP_ADMIN_PASSWORD: PASSWORD,
      LOG_LEVEL: process.env.KILL9_LOG ? 'info' : 'warn',
      IB_HOST: '127.0.0.1',
      IB_PORT: String(simPort),
      IB_ACCOUNT: 'DU1234567',
      ANCHOR_WALL_MS: String(Date.now()),
      ANCHOR_SIM_MS: String(clock.nowMs()),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
  });
  const url = new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n').find((l) => l.startsWith('{"url"'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${stderr}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, url, exited, stderr: () => stderr };
}

async function kill(server: ServerChild): Promise<void> {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  await server.exited;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(KILL_ENGINES)('kill -9 of the lease holder during each step, %s', (engineName) => {
  const simClock = createSimClock({
    mode: 'accelerated',
    speed: 1,
    startMs: (session(FIRST_DAY)?.openMs ?? 0) + 30 * 60_000,
  });
  let sim: SimGatewayHandle;
  let target: EngineTarget;
  let ctx: AppContext;
  let repo: PipelineRepository;
  let projectId: number;
  let dayIndex = 0;
  const days = tradingDays(FIRST_DAY, '2027-12-31');
  const landings: string[] = [];

  beforeAll(async () => {
    sim = await startSimGateway({
      market: createSyntheticMarket({ seed: 1, instruments: defaultInstruments(simClock) }),
      clock: simClock,
      controlPort: null,
      tickCadenceMs: 50,
      maxMessagesPerSecond: 0,
      pnlUpdateMs: 100_000,
      initialCash: 10_000_000,
      pacing: { enabled: false },
    });
    target = await freshTarget(engineName);
    ctx = await pipelineContext(target, simClock);
    projectId = (await seedDemo(ctx, { seed: 1, years: 2, symbols: 8 })).projectId;
    repo = new PipelineRepository(ctx.store.db, simClock);
  }, 600_000);

  afterAll(async () => {
    console.info(`kill -9 landings (${engineName}):\n${landings.join('\n')}`);
    await ctx?.close();
    await sim?.close();
    target?.cleanup();
  });

  /** Moves the gateway's clock to 10:00 New York of the next trading day. */
  function nextDay(): string {
    const day = days[dayIndex++];
    const open = day ? session(day) : undefined;
    if (!day || !open) throw new Error('ran out of trading days');
    const at = open.openMs + 30 * 60_000;
    if (at > simClock.nowMs()) simClock.advance(at - simClock.nowMs());
    return day;
  }

  async function startRun(server: ServerChild): Promise<number> {
    const api = new ApiClient(await server.url);
    expect((await api.login('admin', PASSWORD)).status).toBe(200);
    const answer = await api.request<{ run: { id: number; tradingDate: string } }>(
      'POST',
      '/api/pipeline/run',
      { projectId },
    );
    expect(answer.status, answer.text).toBe(200);
    return answer.body.run.id;
  }

  /** Polls the step rows until `step` runs (or is past), then kills the server; says where it landed. */
  async function killDuring(server: ServerChild, runId: number, step: StepName): Promise<string> {
    const deadline = Date.now() + 180_000;
    const index = STEP_NAMES.indexOf(step);
    for (;;) {
      const rows = await ctx.store.db
        .selectFrom('pipeline_steps')
        .select(['name', 'status'])
        .where('run_id', '=', runId)
        .execute();
      const status = (name: string) => rows.find((r) => r.name === name)?.status;
      const later = STEP_NAMES.slice(index + 1).some((n) => status(n) !== 'PENDING');
      if (status(step) === 'RUNNING' || status(step) === 'SUCCEEDED' || later) {
        await kill(server);
        return `${status(step)}${later ? ' (a later step had started)' : ''}`;
      }
      if (status(step) === 'FAILED' || status(step) === 'SKIPPED') {
        const run = await repo.get(runId);
        throw new Error(`the run failed before ${step}: ${JSON.stringify(run.steps)} ${server.stderr()}`);
      }
      if (Date.now() > deadline) throw new Error(`${step} never started: ${server.stderr()}`);
      await sleep(step === 'monitor' || step === 'submit' ? 2 : 5);
    }
  }

  async function finished(runId: number, server: ServerChild): Promise<PipelineRun> {
    const deadline = Date.now() + 240_000;
    for (;;) {
      const run = await repo.get(runId);
      if (!['WAITING', 'RUNNING'].includes(run.status)) return run;
      if (Date.now() > deadline)
        throw new Error(`run ${runId} did not finish: ${JSON.stringify(run.steps)} ${server.stderr()}`);
      await sleep(200);
    }
  }

  for (const step of STEP_NAMES) {
    it(
      `kill -9 during ${step}, ${TRIALS} trial(s): the run completes after a restart, no order twice, the report complete`,
      async () => {
        for (let trial = 0; trial < TRIALS; trial++) {
          const day = nextDay();
          const victim = spawnServer(target, sim.port, simClock);
          let successor: ServerChild | undefined;
          try {
            const runId = await startRun(victim);
            const landed = await killDuring(victim, runId, step);
            successor = spawnServer(target, sim.port, simClock);
            await successor.url;
            const run = await finished(runId, successor);
            landings.push(`${step} #${trial} ${day}: killed while ${step} was ${landed}`);

            const steps = run.steps.map((s) => [s.name, s.status, s.attempts, s.error]);
            expect(run.status, JSON.stringify(steps)).toBe('SUCCEEDED');
            expect(run.tradingDate).toBe(day);
            for (const s of run.steps) {
              expect(s.status, s.name).toBe('SUCCEEDED');
              expect(s.attempts, s.name).toBeGreaterThanOrEqual(1);
            }
            // The killed step was claimed again by the new holder (or had finished before the kill).
            const killed = run.steps.find((s) => s.name === step);
            if (landed.startsWith('RUNNING')) expect(killed?.attempts).toBeGreaterThanOrEqual(2);

            // No order twice: one order reference per placement at the gateway, one order per symbol.
            expect(duplicateRefs(sim)).toEqual([]);
            const tradeRunId = Number(run.steps.find((s) => s.name === 'submit')?.evidence?.tradeRunId);
            const orders = await ctx.store.db
              .selectFrom('trade_orders')
              .select(['symbol', 'status'])
              .where('run_id', '=', tradeRunId)
              .execute();
            expect(new Set(orders.map((o) => o.symbol)).size).toBe(orders.length);

            // The report: every symbol of the trade run, and its file under data/ib/orders/.
            const report = run.report ?? {};
            const symbols = (report.symbols ?? []) as Array<{ symbol: string }>;
            expect(symbols.length, JSON.stringify(report)).toBeGreaterThan(0);
            expect(Number(report.orders)).toBe(orders.length);
            expect(existsSync(String(report.file))).toBe(true);
          } finally {
            if (successor) {
              successor.child.kill('SIGTERM');
              await Promise.race([successor.exited, sleep(10_000)]);
              await kill(successor);
            }
            await kill(victim);
          }
        }
      },
      120_000 + TRIALS * 200_000,
    );
  }
});
