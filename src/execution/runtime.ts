import { hostname } from 'node:os';
import type { AuditLog } from '../audit/index.js';
import type { Brokerage } from '../brokerage/index.js';
import type { Clock } from '../core/clock.js';
import { ExecutionLease } from '../lock/index.js';
import { TradingStates } from '../risk/index.js';
import type { Store } from '../store/index.js';
import type { TradingMode } from './account-guard.js';
import { type ContractLookup, type EngineLogger, ExecutionEngine, type ReconcileReport } from './engine.js';
import { tradingStateGate } from './pretrade.js';
import { ExecutionRepository } from './repository.js';
import { ExecutionService, type ExecutionServiceOptions } from './service.js';

export interface ExecutionRuntimeOptions extends ExecutionServiceOptions {
  store: Store;
  audit: AuditLog;
  clock: Clock;
  brokerage: Brokerage;
  /** The server's configured mode (IB_MODE): never taken from a request. */
  mode: TradingMode;
  holder?: string;
  /**
   * The lease's clock (default: `clock`). Lease expiry is about processes being alive, so a server
   * on a simulated clock that jumps (the demo's stepped clock) gives the lease the wall clock.
   */
  leaseClock?: Clock;
  leaseTtlMs?: number;
  leaseHeartbeatMs?: number;
  maxOrdersPerSecond?: number;
  /** The contract cache: symbols resolved before are not asked of the broker again. */
  contractCache?: ContractLookup;
  account?: string;
  logger?: EngineLogger;
  /**
   * Connect the broker only while this process holds the lease, and disconnect when it loses it.
   * With the fixed trading client id this is how replicas share one IB identity (IB refuses a second
   * session with error 326); the other replicas serve the UI read-only.
   */
  manageConnection?: boolean;
}

export interface ExecutionRuntime {
  lease: ExecutionLease;
  engine: ExecutionEngine;
  service: ExecutionService;
  /** Waits for the startup reconciliation (after the lease and the broker are there). */
  ready(timeoutMs: number): Promise<ReconcileReport>;
  stop(): Promise<void>;
}

export function defaultHolder(prefix: string): string {
  return `${prefix}:${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Lease + engine + service wired together. The lease heartbeat starts at once; the engine follows
 * the broker and starts sending only after the lease is held and the startup reconciliation passed.
 */
export async function startExecutionRuntime(options: ExecutionRuntimeOptions): Promise<ExecutionRuntime> {
  const lease = new ExecutionLease({
    db: options.store.db,
    audit: options.audit,
    clock: options.leaseClock ?? options.clock,
    holder: options.holder ?? defaultHolder('ibloop'),
    ...(options.leaseTtlMs !== undefined ? { ttlMs: options.leaseTtlMs } : {}),
    ...(options.leaseHeartbeatMs !== undefined ? { heartbeatMs: options.leaseHeartbeatMs } : {}),
  });
  const repo = new ExecutionRepository(options.store.db, options.store.engine, options.audit, options.clock);
  const engine = new ExecutionEngine({
    repo,
    broker: options.brokerage,
    lease,
    clock: options.clock,
    mode: options.mode,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.account ? { account: options.account } : {}),
    ...(options.maxOrdersPerSecond !== undefined ? { maxOrdersPerSecond: options.maxOrdersPerSecond } : {}),
    ...(options.contractCache ? { contractCache: options.contractCache } : {}),
    sendGate: tradingStateGate(new TradingStates(options.store.db, options.audit, options.clock)),
  });
  const service = new ExecutionService(engine, options);
  await engine.start();
  let offLease: (() => void) | undefined;
  if (options.manageConnection) {
    const connection = options.brokerage.connection;
    offLease = lease.onChange((held) => {
      const action = held ? connection.start() : connection.stop();
      action.catch((error: unknown) =>
        options.logger?.error({ err: error, held }, 'could not follow the lease with the broker connection'),
      );
    });
  }
  lease.start();
  await lease.settled();
  return {
    lease,
    engine,
    service,
    async ready(timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const report = engine.lastReconciliation();
        if (engine.readiness().ready && report?.status === 'ok') return report;
        if (performance.now() > deadline) {
          throw new Error(`not ready to trade: ${engine.readiness().reasons.join('; ')}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async stop() {
      await engine.stop();
      await lease.stop(true);
      offLease?.();
      if (options.manageConnection) await options.brokerage.connection.stop();
    },
  };
}
