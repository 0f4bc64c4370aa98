/**
 * The IB runtime the server runs: the brokerage adapter with its state recorder, the contract cache,
 * the quote service (stream files + server-sent events) and the bar store.
 */
import { isIP } from 'node:net';
import type { AppContext } from '../app/context.js';
import {
  ConnectionStateRecorder,
  createIbBrokerage,
  type IbBrokerage,
  maskAccount,
  type TradingMode,
} from '../brokerage/ib/index.js';
import type { IbReason } from '../contract/ib.js';
import { IbBarStore } from './bar-store.js';
import { ContractCache } from './contract-cache.js';
import { QuoteStreamWriter } from './quote-stream.js';
import { QuoteService } from './quotes.js';

export interface IbRuntimeSettings {
  host: string;
  port: number;
  clientId: number;
  mode: TradingMode;
  account?: string | undefined;
  /** True when the runtime itself started the built-in paper gateway. */
  builtInGateway?: boolean;
  /**
   * The outgoing message rate the built-in gateway was started with (above IB's 50/s). Used only
   * when `builtInGateway` is set and the host is loopback: a real IB connection keeps IB's pacing.
   */
  builtInGatewayMessagesPerSecond?: number;
  heartbeatMs?: number;
  heartbeatTimeoutMs?: number;
  backoff?: { initialMs: number; maxMs: number; factor: number };
  lineBudget?: number;
  /**
   * Connect at once (default). The server passes false and lets the execution lease start the
   * connection, so only the replica that trades holds the fixed trading client id.
   */
  connect?: boolean;
}

export interface IbStatus {
  source: 'ib';
  status: string;
  reason: string | null;
  /** The reason as a code the UI renders in its language; null: show `reason` as it is. */
  reasonCode: IbReason | null;
  sinceMs: number;
  mode: TradingMode;
  account: string | null;
  accounts: string[];
  modeCheck: { ok: boolean; reason: string | null; reasonCode: IbReason | null };
  serverVersion: number | null;
  lastHeartbeatMs: number | null;
  reconnectCount: number;
  lastError: { code: number; message: string; atMs: number; reasonCode?: IbReason | null } | null;
  host: string;
  port: number;
  clientId: number;
  builtInGateway: boolean;
  /** The menu badge: tradable only when CONNECTED and the account matches the mode. */
  tradable: boolean;
}

export interface IbRuntime {
  settings: IbRuntimeSettings;
  brokerage: IbBrokerage;
  quotes: QuoteService;
  contracts: ContractCache;
  bars: IbBarStore;
  recorder: ConnectionStateRecorder;
  status(): IbStatus;
  close(): Promise<void>;
}

const STATUS_EVERY_MS = 5_000;

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

export function createIbRuntime(input: {
  ctx: AppContext;
  hub?: { publish(name: string, data: unknown): void };
  settings: IbRuntimeSettings;
}): IbRuntime {
  const { ctx, hub, settings } = input;
  const builtIn = settings.builtInGateway === true && isLoopback(settings.host);
  const brokerage = createIbBrokerage({
    host: settings.host,
    port: settings.port,
    clientId: settings.clientId,
    mode: settings.mode,
    account: settings.account,
    clock: ctx.clock,
    logger: {
      info: (obj, msg) => ctx.logger.info(obj, msg),
      warn: (obj, msg) => ctx.logger.warn(obj, msg),
    },
    ...(settings.heartbeatMs ? { heartbeatMs: settings.heartbeatMs } : {}),
    ...(settings.heartbeatTimeoutMs ? { heartbeatTimeoutMs: settings.heartbeatTimeoutMs } : {}),
    ...(settings.backoff ? { backoff: settings.backoff } : {}),
    ...(builtIn && settings.builtInGatewayMessagesPerSecond
      ? { builtInGatewayMessagesPerSecond: settings.builtInGatewayMessagesPerSecond }
      : {}),
  });
  const dataRoot = ctx.bootstrap.dataRoot;
  const contracts = new ContractCache(ctx.store.db, dataRoot, brokerage, ctx.clock);
  const writer = new QuoteStreamWriter(dataRoot);
  const quotes = new QuoteService({
    brokerage,
    contract: (symbol) => contracts.require(symbol),
    clock: ctx.clock,
    writer,
    publish: hub ? (name, data) => hub.publish(name, data) : undefined,
    lineBudget: settings.lineBudget,
  });
  const recorder = new ConnectionStateRecorder(ctx.store.db, ctx.clock, settings.mode);
  recorder.attach(brokerage.connection);

  const status = (): IbStatus => {
    const s = brokerage.connection.state();
    const check = brokerage.ib.modeCheck();
    return {
      source: 'ib',
      status: s.status,
      reason: s.reason,
      reasonCode: s.reasonCode ?? null,
      sinceMs: s.sinceMs,
      mode: settings.mode,
      account: check.account
        ? maskAccount(check.account)
        : settings.account
          ? maskAccount(settings.account)
          : null,
      accounts: s.managedAccounts.map(maskAccount),
      modeCheck: { ok: check.ok, reason: check.reason, reasonCode: check.reasonCode },
      serverVersion: s.serverVersion,
      lastHeartbeatMs: s.lastHeartbeatMs,
      reconnectCount: s.reconnectCount,
      lastError: s.lastError
        ? {
            code: s.lastError.code,
            message: s.lastError.message,
            atMs: s.lastError.atMs,
            reasonCode: s.lastError.reasonCode ?? null,
          }
        : null,
      host: settings.host,
      port: settings.port,
      clientId: settings.clientId,
      builtInGateway: builtIn,
      tradable: s.status === 'CONNECTED' && check.ok,
    };
  };
  const unsubscribe = brokerage.connection.onStateChange(() => hub?.publish('ib.status', status()));
  // Heartbeats are not state changes; a periodic status keeps "last heartbeat" live on the page.
  const ticker = hub ? setInterval(() => hub.publish('ib.status', status()), STATUS_EVERY_MS) : null;
  ticker?.unref();
  if (settings.connect !== false) {
    brokerage.connection
      .start()
      .catch((error: unknown) => ctx.logger.error({ err: error }, 'IB: start failed'));
  }

  return {
    settings,
    brokerage,
    quotes,
    contracts,
    bars: new IbBarStore(dataRoot),
    recorder,
    status,
    async close() {
      unsubscribe();
      if (ticker) clearInterval(ticker);
      await quotes.close();
      await brokerage.connection.stop();
      await recorder.flush();
      recorder.detach();
    },
  };
}
