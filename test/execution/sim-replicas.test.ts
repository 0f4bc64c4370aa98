import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { SimGatewayHandle } from '../../src/sim/index.js';
import type { Store } from '../../src/store/index.js';
import { ENGINES, type EngineTarget, freshStore } from '../helpers/engines.js';
import {
  brokerageFor,
  duplicateRefs,
  forkServeWorker,
  spawnRunWorker,
  startSim,
  TRIALS,
  waitUntil,
} from './sim-env.js';

/**
 * Separate processes against one database and the paper gateway over TCP: the lease race between
 * replicas, and kill -9 in the middle of a 50-order rebalance. EXECUTION_TRIALS sets the number of
 * trials (20 in CI).
 */
describe.each(ENGINES)('replicas and crashes against the paper gateway, %s', (engineName) => {
  let sim: SimGatewayHandle;
  let symbols: string[];
  let simTimeMs: number;
  let target: EngineTarget;
  let store: Store;

  beforeAll(async () => {
    const started = await startSim();
    sim = started.sim;
    symbols = started.symbols;
    simTimeMs = started.simClock.nowMs();
    const fresh = await freshStore(engineName);
    target = fresh.target;
    store = fresh.store;
  });

  afterAll(async () => {
    await store?.close();
    await sim?.close();
    target?.cleanup();
  });

  const workerEnv = (
    holder: string,
    weights: Record<string, number>,
    extra: Record<string, string> = {},
  ) => ({
    simPort: sim.port,
    simTimeMs,
    dataRoot: target.dataRoot,
    databaseUrl: target.databaseUrl,
    holder,
    weights,
    extra,
  });

  it(
    `5 replicas started together, ${TRIALS} trials: exactly one executes, zero duplicate orders`,
    async () => {
      const workers = await Promise.all(
        Array.from({ length: 5 }, (_, i) => forkServeWorker(workerEnv(`replica-${i}`, {}))),
      );
      try {
        for (let trial = 0; trial < TRIALS; trial++) {
          const symbol = symbols[trial % symbols.length] ?? 'AAPL';
          const answers = await Promise.all(
            workers.map((w) => w.trial(`race-${trial}`, '2026-11-24', { [symbol]: 0.01 })),
          );
          const executed = answers.filter((a) => a.executed);
          expect(executed, JSON.stringify(answers)).toHaveLength(1);
          expect(executed[0]?.status).toBe('COMPLETED');
          expect(answers.filter((a) => a.error)).toEqual([]);
        }
      } finally {
        for (const w of workers) w.child.kill('SIGKILL');
      }
      expect(duplicateRefs(sim)).toEqual([]);
      const runs = await store.db
        .selectFrom('trade_runs')
        .selectAll()
        .where('project', 'like', 'race-%')
        .execute();
      expect(runs).toHaveLength(TRIALS);
      expect(runs.every((r) => r.status === 'COMPLETED')).toBe(true);
    },
    60_000 + TRIALS * 20_000,
  );

  it(
    `kill -9 at random points of a 50-order rebalance, ${TRIALS} trials: no order twice, no fill missing, positions = targets`,
    async () => {
      const fifty = symbols.slice(0, 50);
      const check = brokerageFor(sim, 90, new ManualClock(simTimeMs));
      const spread: string[] = [];
      await check.connection.start();
      try {
        for (let trial = 0; trial < TRIALS; trial++) {
          // Alternate between two weight sets so every trial rebalances every symbol.
          const weights = Object.fromEntries(
            fifty.map((s, k) => [s, Number((0.008 + 0.0002 * (trial % 2 === 0 ? k : 49 - k)).toFixed(4))]),
          );
          const project = `crash-${trial}`;
          const first = spawnRunWorker({
            ...workerEnv(`victim-${trial}`, weights),
            project,
            tradingDate: '2026-11-24',
          });
          await waitUntil('victim ready', () => first.lines.some((l) => l.event === 'ready'), 30_000).catch(
            () => {
              throw new Error(`victim never got ready: ${first.stderr()}`);
            },
          );
          // A successor is already waiting for the lease, like a supervisor restarting the service.
          const second = spawnRunWorker({
            ...workerEnv(`successor-${trial}`, weights, { LEASE_WAIT_MS: '30000' }),
            project,
            tradingDate: '2026-11-24',
          });
          await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 1200)));
          first.child.kill('SIGKILL');
          await first.exited;
          const code = await second.exited;
          expect(code, `${JSON.stringify(second.lines)} ${second.stderr()}`).toBe(0);
          expect(duplicateRefs(sim)).toEqual([]);

          const run = await store.db
            .selectFrom('trade_runs')
            .selectAll()
            .where('project', '=', project)
            .executeTakeFirstOrThrow();
          expect(run.status).toBe('COMPLETED');
          const sentBy = await store.db
            .selectFrom('trade_orders')
            .select(['lease_token', 'send_attempts'])
            .where('run_id', '=', run.id)
            .execute();
          const tokens = [...new Set(sentBy.map((o) => Number(o.lease_token)))].sort();
          const resent = sentBy.filter((o) => Number(o.send_attempts) > 1).length;
          const released = await store.db
            .selectFrom('trade_order_events')
            .innerJoin('trade_orders', 'trade_orders.id', 'trade_order_events.order_id')
            .select(['trade_order_events.detail_json'])
            .where('trade_orders.run_id', '=', run.id)
            .where('trade_order_events.kind', '=', 'send-released')
            .execute();
          const reasons = [...new Set(released.map((r) => String(JSON.parse(r.detail_json ?? '{}').reason)))];
          spread.push(
            `trial ${trial}: ${sentBy.length} orders, tokens ${tokens.join('/')}, re-sent after release ${resent} (${reasons.join('; ')})`,
          );
          const targets = JSON.parse(run.targets_json ?? '{}') as Record<string, number>;
          const positions = await check.account.positions();
          for (const [symbol, shares] of Object.entries(targets)) {
            expect(positions.find((p) => p.symbol === symbol)?.quantity ?? 0, symbol).toBe(shares);
          }
        }
        const { executions } = await check.orders.executions();
        const ours = executions.filter((e) => e.orderRef.startsWith('ibl:')).map((e) => e.execId);
        const fills = await store.db.selectFrom('trade_fills').select(['exec_id']).execute();
        const recorded = new Set(fills.map((f) => f.exec_id));
        expect(ours.filter((id) => !recorded.has(id))).toEqual([]);
        // Where the kills landed (which lease token recorded / last sent each order), for the log.
        console.info(spread.join('\n'));
      } finally {
        await check.connection.stop();
      }
    },
    60_000 + TRIALS * 30_000,
  );
});
