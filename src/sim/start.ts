/** Starting the paper gateway in-process: validated options in, a handle with faults and clock out. */
import type { Server } from 'node:http';
import { z } from 'zod';
import { type Clock, systemClock } from '../core/clock.js';
import type { OrderLogEntry } from './broker/broker.js';
import { applyFault, type FaultName, startControlServer } from './control.js';
import { Gateway, type GatewayConfig, type SimLogger, silentLogger } from './gateway.js';
import { DEFAULT_PACING } from './history.js';
import type { MarketModel, SimClock } from './ports.js';
import { DEFAULT_MAX_FRAME_BYTES } from './protocol/codec.js';
import { MAX_SUPPORTED_VERSION, MIN_SUPPORTED_VERSION } from './protocol/messages.js';
import { loadState, saveState } from './state-file.js';

const optionsSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65_535).default(0),
  /** null: no control API. */
  controlPort: z.number().int().min(0).max(65_535).nullable().default(0),
  account: z
    .string()
    .regex(/^DU\d+$/, 'paper accounts look like DU1234567')
    .default('DU1234567'),
  initialCash: z.number().positive().default(1_000_000),
  seed: z.number().int().default(1),
  minServerVersion: z
    .number()
    .int()
    .min(MIN_SUPPORTED_VERSION)
    .max(MAX_SUPPORTED_VERSION)
    .default(MIN_SUPPORTED_VERSION),
  maxServerVersion: z
    .number()
    .int()
    .min(MIN_SUPPORTED_VERSION)
    .max(MAX_SUPPORTED_VERSION)
    .default(MAX_SUPPORTED_VERSION),
  tickCadenceMs: z.number().int().min(5).max(60_000).default(250),
  maxMarketDataLines: z.number().int().min(1).max(100_000).default(100),
  maxMessagesPerSecond: z.number().int().min(0).default(50),
  pacing: z
    .object({
      enabled: z.boolean().default(DEFAULT_PACING.enabled),
      identicalWindowMs: z.number().int().min(0).default(DEFAULT_PACING.identicalWindowMs),
      burstCount: z.number().int().min(1).default(DEFAULT_PACING.burstCount),
      burstWindowMs: z.number().int().min(0).default(DEFAULT_PACING.burstWindowMs),
      maxPerWindow: z.number().int().min(1).default(DEFAULT_PACING.maxPerWindow),
      windowMs: z.number().int().min(0).default(DEFAULT_PACING.windowMs),
    })
    .default(DEFAULT_PACING),
  commission: z
    .object({
      perShare: z.number().min(0).default(0.005),
      minPerOrder: z.number().min(0).default(1),
      maxPctOfValue: z.number().min(0).max(1).default(0.01),
    })
    .default({ perShare: 0.005, minPerOrder: 1, maxPctOfValue: 0.01 }),
  fill: z
    .object({
      slippageTicks: z.number().min(0).default(0),
      partialFillProbability: z.number().min(0).max(1).default(0),
      partialClipShares: z.number().int().min(1).default(100),
    })
    .default({ slippageTicks: 0, partialFillProbability: 0, partialClipShares: 100 }),
  matchStepMs: z.number().int().min(1000).default(60_000),
  historyUpdateMs: z.number().int().min(50).default(5000),
  pnlUpdateMs: z.number().int().min(50).default(1000),
  maxFrameBytes: z.number().int().min(1024).max(DEFAULT_MAX_FRAME_BYTES).default(DEFAULT_MAX_FRAME_BYTES),
  timeZone: z.string().default('America/New_York'),
  /** Completed orders below version 177: 'auto' picks the layout the client's decoder expects. */
  completedOrderFaProfile: z.enum(['auto', 'always', 'never']).default('auto'),
  /** Persist account, orders and executions here (atomic writes) and reload them at start. */
  statePath: z.string().optional(),
});

export type SimGatewayOptions = z.input<typeof optionsSchema> & {
  market: MarketModel;
  clock: SimClock;
  /** Wall clock for rate limits, pacing and fault timers; defaults to the system clock. */
  wallClock?: Clock;
  logger?: SimLogger;
};

export interface SimFaults {
  apply(name: FaultName, body?: object): Promise<object>;
  dropAll(): Promise<object>;
  refuse(seconds: number): Promise<object>;
  reset(mode: '1101' | '1102', downSeconds: number): Promise<object>;
  silence(seconds: number): Promise<object>;
  rejectNext(count: number): Promise<object>;
  /** The next N orders are dropped with error 100, as IB does past its message rate. */
  dropOrders(count: number): Promise<object>;
  ackDelay(ms: number): Promise<object>;
  stopData(symbol: string, resume?: boolean): Promise<object>;
  pacing(count: number): Promise<object>;
  /** Moves one symbol's prices (or every symbol's, with null) by pct from now on. */
  shock(symbol: string | null, pct: number): Promise<object>;
  /** Test-only: orders on symbol fill at most `fill` shares and their cancels stay pending. */
  holdOrders(symbol: string, fill: number): Promise<object>;
  /** Ends holdOrders: the pending cancels are done. */
  releaseOrders(symbol: string): Promise<object>;
  clear(): Promise<object>;
}

export interface SimGatewayHandle {
  port: number;
  /** Undefined when the control API is off. */
  controlPort: number | undefined;
  clock: SimClock;
  faults: SimFaults;
  orderLog(): readonly OrderLogEntry[];
  /** The same view as `GET /state`. */
  state(): object;
  /** The gateway internals, for tests and benchmarks. */
  gateway: Gateway;
  close(): Promise<void>;
}

export async function startSimGateway(options: SimGatewayOptions): Promise<SimGatewayHandle> {
  const { market, clock, wallClock, logger, ...rest } = options;
  const parsed = optionsSchema.parse(rest);
  if (parsed.minServerVersion > parsed.maxServerVersion) {
    throw new Error('minServerVersion must not exceed maxServerVersion');
  }
  const { statePath, controlPort, ...config } = parsed;
  const log = logger ?? silentLogger;
  const gateway = new Gateway(config satisfies GatewayConfig, market, clock, wallClock ?? systemClock, log);

  if (statePath) {
    const snapshot = loadState(statePath, config.account);
    if (snapshot) {
      gateway.broker.restore(snapshot);
      log.info({ statePath, orders: snapshot.orders.length }, 'sim state restored');
    }
    let pending = false;
    gateway.onStateChange = () => {
      if (pending) return;
      pending = true;
      setImmediate(() => {
        pending = false;
        saveState(statePath, config.account, gateway.broker.snapshot(), clock.nowMs());
      });
    };
  }

  const port = await gateway.listen();
  let control: Server | undefined;
  if (controlPort !== null) {
    try {
      // The control API can drop connections and move the clock: it only ever listens on loopback.
      control = await startControlServer(gateway, '127.0.0.1', controlPort);
    } catch (error) {
      await gateway.close();
      throw error;
    }
  }
  const address = control?.address();
  const boundControlPort = typeof address === 'object' && address ? address.port : undefined;
  log.info({ port, controlPort: boundControlPort, account: config.account }, 'sim gateway listening');

  const apply = (name: FaultName, body: object = {}) => applyFault(gateway, name, body);
  return {
    port,
    controlPort: boundControlPort,
    clock,
    gateway,
    orderLog: () => gateway.orderLog(),
    state: () => gateway.summary(),
    faults: {
      apply,
      dropAll: () => apply('drop-all'),
      refuse: (seconds) => apply('refuse', { seconds }),
      reset: (mode, downSeconds) => apply('reset', { mode, downSeconds }),
      silence: (seconds) => apply('silence', { seconds }),
      rejectNext: (count) => apply('reject-next', { count }),
      dropOrders: (count) => apply('drop-order', { count }),
      ackDelay: (ms) => apply('ack-delay', { ms }),
      stopData: (symbol, resume = false) => apply('stop-data', { symbol, resume }),
      pacing: (count) => apply('pacing', { count }),
      shock: (symbol, pct) => apply('shock', symbol === null ? { all: true, pct } : { symbol, pct }),
      holdOrders: (symbol, fill) => apply('hold-order', { symbol, fill }),
      releaseOrders: (symbol) => apply('hold-order', { symbol, resume: true }),
      clear: () => apply('clear'),
    },
    async close() {
      if (statePath) saveState(statePath, config.account, gateway.broker.snapshot(), clock.nowMs());
      if (control) {
        const server = control;
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      await gateway.close();
    },
  };
}
