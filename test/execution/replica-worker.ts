/**
 * One ibloop "replica" as a separate process, for the integration tests: it races for the execution
 * lease, and only if it wins connects to the paper gateway with the fixed trading client id and
 * executes the weights. Separate processes make the race and `kill -9` real.
 *
 * Modes (env WORKER_MODE):
 * - `run`: acquire the lease (retrying up to LEASE_WAIT_MS), execute, wait for the run, exit 0.
 *   Prints one JSON line per milestone (`ready`, `result`) on stdout.
 * - `serve`: stay up; on an IPC message {cmd: 'trial', project, tradingDate} race once for the lease
 *   and answer {executed, sent, runId} (the winner releases the lease when its run is done).
 */
import { AuditLog } from '../../src/audit/index.js';
import { createIbBrokerage, type IbBrokerage } from '../../src/brokerage/ib/index.js';
import { ManualClock, systemClock } from '../../src/core/clock.js';
import { startExecutionRuntime } from '../../src/execution/index.js';
import { ExecutionLease } from '../../src/lock/index.js';
import { migrateToLatest, openStore } from '../../src/store/index.js';
import { addProject } from './projects.js';

const env = process.env;
const store = openStore({ databaseUrl: env.DATABASE_URL || undefined, dataRoot: env.DATA_ROOT ?? '.' });
await migrateToLatest(store);
const audit = new AuditLog(store.db, systemClock);
const holder = env.HOLDER ?? `worker-${process.pid}`;
const weights = JSON.parse(env.WEIGHTS ?? '{}') as Record<string, number>;
// Quotes carry the gateway's (stepped) time; the lease runs on the real clock shared by all processes.
const simTime = new ManualClock(Number(env.SIM_TIME_MS));
const leaseTtlMs = Number(env.LEASE_TTL_MS ?? 1500);
const leaseHeartbeatMs = Number(env.LEASE_HEARTBEAT_MS ?? 300);

function say(line: object): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function connectBroker(): IbBrokerage {
  return createIbBrokerage({
    host: '127.0.0.1',
    port: Number(env.SIM_PORT),
    clientId: Number(env.CLIENT_ID ?? 1),
    mode: 'paper',
    clock: simTime,
    heartbeatMs: 500,
    heartbeatTimeoutMs: 1_000,
    connectTimeoutMs: 2_000,
    requestTimeoutMs: 10_000,
    backoff: { initialMs: 50, maxMs: 200, factor: 2 },
    maxMessagesPerSecond: 48,
  });
}

async function execute(
  project: string,
  tradingDate: string,
  runWeights: Record<string, number> = weights,
): Promise<{ sent: number; runId: number; status: string }> {
  const brokerage = connectBroker();
  await brokerage.connection.start();
  const runtime = await startExecutionRuntime({
    store,
    audit,
    clock: systemClock,
    brokerage,
    mode: 'paper',
    holder,
    leaseTtlMs,
    leaseHeartbeatMs,
    maxOrdersPerSecond: Number(env.ORDERS_PER_SECOND ?? 0),
    quoteClock: simTime,
  });
  try {
    await runtime.ready(10_000);
    say({ event: 'ready', holder, token: runtime.lease.token() });
    const result = await runtime.service.executeTargets({
      projectId: await addProject(store.db, project),
      tradingDate,
      weights: runWeights,
      actor: holder,
    });
    const run = await runtime.service.waitForRun(result.run.id, Number(env.RUN_WAIT_MS ?? 20_000));
    return { sent: result.sent, runId: run.id, status: run.status };
  } finally {
    await runtime.stop();
    await brokerage.connection.stop();
  }
}

if (env.WORKER_MODE === 'run') {
  // Wait for the lease first (a killed predecessor's lease has to expire); connect only when held.
  const probe = new ExecutionLease({
    db: store.db,
    audit,
    clock: systemClock,
    holder,
    ttlMs: leaseTtlMs,
    heartbeatMs: leaseHeartbeatMs,
  });
  const deadline = Date.now() + Number(env.LEASE_WAIT_MS ?? 10_000);
  while ((await probe.tryAcquire()) === null) {
    if (Date.now() > deadline) {
      say({ event: 'no-lease', holder });
      await store.close();
      process.exit(3);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  try {
    const result = await execute(env.PROJECT ?? 'demo', env.TRADING_DATE ?? '2026-11-24');
    say({ event: 'result', holder, ...result });
    await store.close();
    process.exit(result.status === 'COMPLETED' ? 0 : 1);
  } catch (error) {
    say({ event: 'error', holder, message: (error as Error).message });
    await store.close();
    process.exit(1);
  }
} else {
  process.on(
    'message',
    (message: { cmd: string; project: string; tradingDate: string; weights?: Record<string, number> }) => {
      if (message.cmd === 'exit') {
        store.close().finally(() => process.exit(0));
        return;
      }
      void (async () => {
        const lease = new ExecutionLease({
          db: store.db,
          audit,
          clock: systemClock,
          holder,
          ttlMs: leaseTtlMs,
          heartbeatMs: leaseHeartbeatMs,
        });
        try {
          if ((await lease.tryAcquire()) === null) {
            process.send?.({ executed: false });
            return;
          }
          const result = await execute(message.project, message.tradingDate, message.weights ?? weights);
          process.send?.({ executed: true, ...result });
        } catch (error) {
          process.send?.({ executed: false, error: (error as Error).message });
        }
      })();
    },
  );
  process.send?.({ ready: true });
}
