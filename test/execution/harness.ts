import { AuditLog } from '../../src/audit/index.js';
import { ManualClock } from '../../src/core/clock.js';
import {
  ExecutionEngine,
  type ExecutionEngineOptions,
  ExecutionRepository,
  ExecutionService,
} from '../../src/execution/index.js';
import { ExecutionLease } from '../../src/lock/index.js';
import type { Store } from '../../src/store/index.js';
import { type EngineName, freshStore } from '../helpers/engines.js';
import { MemoryBroker } from './memory-broker.js';
import { addProject } from './projects.js';

export const T0 = Date.UTC(2026, 0, 5, 15);

/** The projects every harness database has, by id (created in this order). */
export const PROJECTS = { demo: 1, rej: 2, part: 3, other: 4 } as const;

export interface Replica {
  lease: ExecutionLease;
  repo: ExecutionRepository;
  engine: ExecutionEngine;
  service: ExecutionService;
}

/** A store, a clock, an in-memory broker, and a way to start "processes" (replicas) against them. */
export async function harness(
  engineName: EngineName,
  symbols: Record<string, number>,
  options: { accountId?: string } = {},
) {
  const { store, target } = await freshStore(engineName);
  for (const [name, id] of Object.entries(PROJECTS)) {
    if ((await addProject(store.db, name)) !== id) throw new Error(`project ${name} did not get id ${id}`);
  }
  const clock = new ManualClock(T0);
  const audit = new AuditLog(store.db, clock);
  const broker = new MemoryBroker(symbols, options);
  const replicas: Replica[] = [];
  async function replica(
    holder: string,
    options: { acquire?: boolean; engine?: Partial<ExecutionEngineOptions> } = {},
  ): Promise<Replica> {
    const lease = new ExecutionLease({
      db: store.db,
      audit,
      clock,
      holder,
      ttlMs: 60_000,
      heartbeatMs: 5_000,
    });
    if (options.acquire !== false) await lease.tryAcquire();
    const repo = new ExecutionRepository(store.db, store.engine, audit, clock);
    const engine = new ExecutionEngine({
      repo,
      broker,
      lease,
      clock,
      mode: 'paper',
      maxOrdersPerSecond: 0,
      ...options.engine,
    });
    await engine.start();
    const service = new ExecutionService(engine, { maxQuoteAgeMs: 60_000 });
    const r = { lease, repo, engine, service };
    replicas.push(r);
    return r;
  }
  return {
    store: store as Store,
    clock,
    audit,
    broker,
    replica,
    async close() {
      for (const r of replicas) await r.engine.stop().catch(() => undefined);
      await store.close();
      target.cleanup();
    },
  };
}

/** Every orderRef the broker received, with how often. */
export function duplicates(log: readonly { orderRef: string }[]): string[] {
  const seen = new Map<string, number>();
  for (const entry of log) seen.set(entry.orderRef, (seen.get(entry.orderRef) ?? 0) + 1);
  return [...seen.entries()].filter(([, n]) => n > 1).map(([ref]) => ref);
}

export async function settle(replica: Replica, rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    await replica.engine.idle();
  }
}
