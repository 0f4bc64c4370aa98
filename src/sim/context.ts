import type { Broker, CommissionModel, FillModel } from './broker/broker.js';
import type { PacingRules } from './history.js';
import type { Instrument, MarketModel, SimClock } from './ports.js';
import type { ContractRef } from './protocol/requests.js';
import type { Session } from './session.js';

export interface SimLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export const silentLogger: SimLogger = { info: () => {}, warn: () => {} };

export interface GatewayConfig {
  host: string;
  port: number;
  account: string;
  initialCash: number;
  seed: number;
  minServerVersion: number;
  maxServerVersion: number;
  tickCadenceMs: number;
  maxMarketDataLines: number;
  /** 0 switches the limit off. */
  maxMessagesPerSecond: number;
  pacing: PacingRules;
  commission: CommissionModel;
  fill: FillModel;
  /** Sim-time step at which working orders are re-examined when the clock jumps. */
  matchStepMs: number;
  historyUpdateMs: number;
  pnlUpdateMs: number;
  maxFrameBytes: number;
  timeZone: string;
  /** Completed-order layout below version 177 (see readsFaProfile). */
  completedOrderFaProfile: 'auto' | 'always' | 'never';
}

/** Fault switches; the control API and tests flip them. */
export interface FaultState {
  rejectNext: number;
  /** The next N orders are answered with error 100 (message rate exceeded) and dropped, as IB does. */
  dropOrders: number;
  ackDelayMs: number;
  stoppedSymbols: Set<string>;
  forcedPacing: number;
  connectivityDown: boolean;
  refusingUntilMs: number;
  silencedUntilMs: number;
  /**
   * `hold-order` (tests): symbol -> shares each order on it may fill in all before it stops working
   * unfilled. While a symbol is held, a cancel of its orders is answered PendingCancel and only done
   * at the release, so a test can keep an order out at the broker through a halt.
   */
  heldSymbols: Map<string, number>;
  /** Orders (`clientId:orderId`) whose cancel the hold keeps pending until their symbol is released. */
  pendingCancels: Set<string>;
}

export const UNKNOWN_CONTRACT = 'No security definition has been found for the request';

/** What the gateway's request services share: configuration, market, clock, account and sessions. */
export interface GatewayContext {
  readonly config: GatewayConfig;
  readonly market: MarketModel;
  readonly clock: SimClock;
  readonly broker: Broker;
  readonly faults: FaultState;
  readonly log: SimLogger;
  /** Connected sessions (started or not). */
  sessions(): Iterable<Session>;
  /** The instrument a request's contract names, or undefined (error 200). */
  resolve(contract: ContractRef): Instrument | undefined;
  /** False while connectivity is down or the symbol's data is stopped (faults). */
  dataAvailable(symbol: string): boolean;
  /** Runs `action` after `ms` of wall time unless the gateway closes first. */
  later(ms: number, action: () => void): void;
  /** Something worth persisting changed. */
  stateChanged(): void;
}
