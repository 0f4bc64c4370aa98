import { z } from 'zod';
import type { Clock } from '../../core/clock.js';
import type { Brokerage } from '../port.js';
import { createAccount } from './account.js';
import { IbConnection as Connection, type IbConnection, type IbLogger } from './connection.js';
import { createContractResolver } from './contracts.js';
import { createHistory } from './history.js';
import { createMarketData } from './market-data.js';
import { createOrders } from './orders.js';
import { DEFAULT_MESSAGES_PER_SECOND } from './pacer.js';

export const ibOptionsSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65_535),
  clientId: z.number().int().min(0).max(2_147_483_647),
  mode: z.enum(['paper', 'live']),
  account: z.string().min(1).optional(),
  heartbeatMs: z.number().int().min(50).default(10_000),
  heartbeatTimeoutMs: z.number().int().min(50).default(5_000),
  connectTimeoutMs: z.number().int().min(50).default(5_000),
  requestTimeoutMs: z.number().int().min(50).default(30_000),
  backoff: z
    .object({
      initialMs: z.number().int().min(10).default(250),
      maxMs: z.number().int().min(10).default(1_000),
      factor: z.number().min(1).default(2),
    })
    .default({ initialMs: 250, maxMs: 1_000, factor: 2 }),
  marketDataType: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]).default(1),
  /**
   * Every outgoing message is paced to this (IB allows about 50 per second, counted on arrival, and
   * answers the excess with error 100); the default keeps a margin for bunching on the way.
   */
  maxMessagesPerSecond: z.number().int().min(1).max(50).default(DEFAULT_MESSAGES_PER_SECOND),
  /**
   * Only for ibloop's built-in paper gateway, never for IB: the outgoing rate in place of
   * `maxMessagesPerSecond`, set by the server when it started that gateway itself with the same
   * limit (the demo's stepped clock, where weeks pass in seconds). IB's 50/s does not apply there.
   */
  builtInGatewayMessagesPerSecond: z.number().int().min(1).max(10_000).optional(),
});

export type IbBrokerageOptions = z.input<typeof ibOptionsSchema> & { clock: Clock; logger?: IbLogger };

export interface IbBrokerage extends Brokerage {
  /** The connection manager with IB-specific extras (mode check, session hooks). */
  readonly ib: IbConnection;
  readonly quotes: Brokerage['quotes'] & ReturnType<typeof createMarketData>;
}

/** The IB adapter of the Brokerage port over `@stoqey/ib`'s low-level IBApi. */
export function createIbBrokerage(options: IbBrokerageOptions): IbBrokerage {
  const { clock, logger, ...rest } = options;
  const parsed = ibOptionsSchema.parse(rest);
  const connection = new Connection({
    host: parsed.host,
    port: parsed.port,
    clientId: parsed.clientId,
    mode: parsed.mode,
    account: parsed.account,
    clock,
    logger,
    heartbeatMs: parsed.heartbeatMs,
    heartbeatTimeoutMs: parsed.heartbeatTimeoutMs,
    connectTimeoutMs: parsed.connectTimeoutMs,
    backoff: parsed.backoff,
    marketDataType: parsed.marketDataType,
    maxMessagesPerSecond: parsed.builtInGatewayMessagesPerSecond ?? parsed.maxMessagesPerSecond,
  });
  const timeout = parsed.requestTimeoutMs;
  return {
    name: 'ib',
    ib: connection,
    connection,
    contracts: createContractResolver(connection, timeout),
    quotes: createMarketData(connection, clock, timeout),
    history: createHistory(connection, timeout),
    orders: createOrders(connection, clock, timeout),
    account: createAccount(connection, timeout, parsed.account),
  };
}
