/**
 * IB's message limit, driven as an operator would see it: the paper gateway runs as its own process
 * (`ibloop sim --max-rate 50`), so what it counts is what arrived over TCP, and faults go through
 * its command line. Trial count: IBLOOP_RATE_TRIALS (default 3; the acceptance run is 20).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/index.js';
import { createIbBrokerage, type IbBrokerage } from '../../src/brokerage/ib/index.js';
import { systemClock } from '../../src/core/clock.js';
import { type ExecutionRuntime, startExecutionRuntime } from '../../src/execution/index.js';
import type { Store } from '../../src/store/index.js';
import { ENGINES, type EngineTarget, freshStore } from '../helpers/engines.js';
import { nodeEntry } from '../helpers/entry.js';
import { projectIdFor } from './projects.js';

const TRIALS = Number(process.env.IBLOOP_RATE_TRIALS ?? 3);
const ORDERS = 40;
const DATE = '2026-11-24';
/** Tuesday 2026-11-24 10:00 New York: the market is open, and the gateway's clock runs from there. */
const OPEN_ISO = '2026-11-24T15:00:00Z';
const CLI = nodeEntry('cli/main');

interface OrderLogEntry {
  kind: string;
  orderRef: string;
}

interface Gateway {
  process: ChildProcess;
  port: number;
  controlPort: number;
}

/** `ibloop sim` in its own process, enforcing IB's 50 messages/s, on free ports. */
function startGateway(): Promise<Gateway> {
  const child = spawn(
    process.execPath,
    [
      ...CLI,
      'sim',
      '--port',
      '0',
      '--control-port',
      '0',
      '--max-rate',
      '50',
      '--start',
      OPEN_ISO,
      '--cash',
      '1000000000',
      '--tick-ms',
      '50',
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn' } },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /on [\d.]+:(\d+), control API on 127\.0\.0\.1:(\d+)/.exec(out);
      if (match) resolve({ process: child, port: Number(match[1]), controlPort: Number(match[2]) });
    });
    child.once('exit', (code) => reject(new Error(`gateway exited (${code}): ${err}`)));
  });
}

async function orderLog(gateway: Gateway): Promise<OrderLogEntry[]> {
  const response = await fetch(`http://127.0.0.1:${gateway.controlPort}/orders/log`);
  return ((await response.json()) as { orders: OrderLogEntry[] }).orders;
}

function duplicatePlacements(log: OrderLogEntry[]): string[] {
  const seen = new Map<string, number>();
  for (const entry of log)
    if (entry.kind === 'place') seen.set(entry.orderRef, (seen.get(entry.orderRef) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([ref]) => ref);
}

describe.each(ENGINES)(
  'IB message limit, gateway enforcing 50 messages/s in its own process, %s',
  (engine) => {
    let gateway: Gateway;
    let store: Store;
    let target: EngineTarget;
    let brokerage: IbBrokerage;
    let runtime: ExecutionRuntime;
    let symbols: string[];
    /** Wall-clock times (Date.now()) of every error 100 the gateway sent. */
    const rateErrors: number[] = [];

    beforeAll(async () => {
      gateway = await startGateway();
      ({ store, target } = await freshStore(engine));
      // The product's pacing: nothing here is tuned for the test.
      brokerage = createIbBrokerage({
        host: '127.0.0.1',
        port: gateway.port,
        clientId: 1,
        mode: 'paper',
        clock: systemClock,
        requestTimeoutMs: 15_000,
      });
      brokerage.ib.onConnectionMessage((info) => {
        if (info.code === 100) rateErrors.push(Date.now());
      });
      brokerage.connection.onStateChange((state) => {
        if (state.status !== 'CONNECTED') console.warn(`[${engine}] broker ${state.status}: ${state.reason}`);
      });
      await brokerage.connection.start();
      runtime = await startExecutionRuntime({
        store,
        audit: new AuditLog(store.db, systemClock),
        clock: systemClock,
        brokerage,
        mode: 'paper',
        holder: `rate-limit-${engine}`,
        logger: {
          info: () => {},
          warn: (fields, message) =>
            console.warn(`[${engine}] ${Date.now()} ${message} ${JSON.stringify(fields)}`),
          error: (fields, message) => console.warn(`[${engine}] ${message} ${JSON.stringify(fields)}`),
        },
      });
      await runtime.ready(15_000);
      const state = (await (await fetch(`http://127.0.0.1:${gateway.controlPort}/state`)).json()) as {
        marketOpen: boolean;
      };
      expect(state.marketOpen).toBe(true);
      symbols = await firstSymbols(ORDERS);
      expect(symbols).toHaveLength(ORDERS);
      // The pre-trade step (contracts, a price per symbol), as the weekly pipeline does before a run.
      await runtime.service.prepare(symbols);
    }, 120_000);

    afterAll(async () => {
      await runtime?.stop();
      await brokerage?.connection.stop();
      await store?.close();
      target?.cleanup();
      gateway?.process.kill('SIGTERM');
    });

    async function firstSymbols(count: number): Promise<string[]> {
      const { defaultInstruments, createSimClock } = await import('../../src/sim/market/index.js');
      const clock = createSimClock({ mode: 'stepped', startMs: Date.parse(OPEN_ISO) });
      return defaultInstruments(clock)
        .slice(0, count)
        .map((i) => i.symbol);
    }

    /** One rebalance of ORDERS orders (all buys or all sells), start -> every order filled. */
    async function rebalance(name: string, weight: number) {
      const projectId = await projectIdFor(store.db, name);
      const weights = Object.fromEntries(symbols.map((s) => [s, weight]));
      // Let the last run's messages leave IB's one-second window.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      await runtime.ready(15_000);
      const errorsBefore = rateErrors.length;
      const started = performance.now();
      const result = await runtime.service.executeTargets({ projectId, tradingDate: DATE, weights });
      const sentMs = performance.now() - started;
      const run = await runtime.service.waitForRun(result.run.id, 60_000);
      const elapsedMs = performance.now() - started;
      console.info(
        `[${engine}] ${name}: sent after ${Math.round(sentMs)} ms, done after ${Math.round(elapsedMs)} ms`,
      );
      const orders = await runtime.engine.repo.orders({ runId: result.run.id });
      return { result, run, elapsedMs, orders, rateErrors: rateErrors.length - errorsBefore };
    }

    it(
      `${TRIALS} rebalances of ${ORDERS} orders each: done in seconds, nothing lost, nothing twice`,
      async () => {
        const figures: string[] = [];
        for (let trial = 0; trial < TRIALS; trial += 1) {
          // Buy, then sell it all again: every trial is ORDERS fresh orders.
          const {
            result,
            run,
            elapsedMs,
            orders,
            rateErrors: errors,
          } = await rebalance(`rate-${engine}-${trial}`, trial % 2 === 0 ? 0.02 : 0);
          figures.push(`${(elapsedMs / 1000).toFixed(2)} s/${errors} error 100`);
          expect(result.intents).toHaveLength(ORDERS);
          expect(run.status).toBe('COMPLETED');
          expect(
            orders.filter((o) => o.status !== 'FILLED').map((o) => `${o.clientOrderId} ${o.status}`),
          ).toEqual([]);
          // Never the minute of the unanswered-send timer.
          expect(elapsedMs).toBeLessThan(10_000);
        }
        console.info(`[${engine}] ${TRIALS} rebalances of ${ORDERS}: ${figures.join(', ')}`);
        expect(duplicatePlacements(await orderLog(gateway))).toEqual([]);
      },
      60_000 + TRIALS * 40_000,
    );

    it('an order the gateway drops with error 100 is found missing and sent again within a second, once', async () => {
      const fault = spawnSync(
        process.execPath,
        [...CLI, 'sim', '--control-port', String(gateway.controlPort), 'fault', 'drop-order', '--count', '1'],
        { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' } },
      );
      expect(fault.status, fault.stderr).toBe(0);
      const errorsBefore = rateErrors.length;
      const held = (await brokerage.account.positions()).some((p) => p.quantity > 0);
      const { run, orders } = await rebalance(`drop-${engine}`, held ? 0 : 0.02);
      expect(run.status).toBe('COMPLETED');
      expect(orders).toHaveLength(ORDERS);
      expect(orders.every((o) => o.status === 'FILLED')).toBe(true);
      expect(rateErrors.length - errorsBefore).toBe(1);
      const droppedAt = rateErrors.at(-1) ?? 0;

      const events = await runtime.engine.repo.events(orders.map((o) => o.id));
      const released = events.filter((e) => e.kind === 'send-released');
      expect(released).toHaveLength(1);
      const lost = released[0]?.orderId;
      const sends = events.filter((e) => e.orderId === lost && e.kind === 'send');
      expect(sends).toHaveLength(2);
      const resentAfterMs = Date.parse(sends[1]?.time ?? '') - droppedAt;
      console.info(`[${engine}] dropped order sent again ${resentAfterMs} ms after error 100`);
      expect(resentAfterMs).toBeLessThan(1_000);
      // The gateway has each intent exactly once: the dropped message never placed anything.
      const log = await orderLog(gateway);
      expect(duplicatePlacements(log)).toEqual([]);
      const refs = new Set(orders.map((o) => o.clientOrderId));
      expect(log.filter((e) => e.kind === 'place' && refs.has(e.orderRef))).toHaveLength(ORDERS);
    }, 60_000);
  },
);
