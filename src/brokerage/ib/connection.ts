/**
 * The connection manager: one fresh `IBApi` per session (so nothing a dead session queued can be
 * replayed: pitfall 5), explicit host/port/client id (pitfalls 1 and 7), CONNECTED only after
 * nextValidId (pitfall 4), capped exponential backoff, a reqCurrentTime heartbeat that catches a
 * half-open socket (pitfall 6), 1100/1101/1102 and data-farm handling, and the account/mode check.
 */

import { EventName, IBApi, type MarketDataType } from '@stoqey/ib';
import type { IbReason } from '../../contract/ib.js';
import type { Clock } from '../../core/clock.js';
import {
  type BrokerErrorInfo,
  BrokerRequestError,
  BrokerUnavailableError,
  type ConnectionPort,
  type ConnectionState,
  type ConnectionStatus,
  type ReconcileReason,
} from '../port.js';
import { checkMode, type ModeCheck, type TradingMode } from './decode.js';
import { installMessagePacer, type MessagePacer } from './pacer.js';

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor: number;
}

export interface IbLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

const silentLogger: IbLogger = { info() {}, warn() {} };

export interface IbConnectionOptions {
  host: string;
  port: number;
  clientId: number;
  mode: TradingMode;
  account?: string | undefined;
  clock: Clock;
  logger?: IbLogger | undefined;
  heartbeatMs: number;
  heartbeatTimeoutMs: number;
  connectTimeoutMs: number;
  backoff: BackoffOptions;
  /** 1 live, 3 delayed; re-sent after every (re)connect and 1101. */
  marketDataType: 1 | 2 | 3 | 4;
  maxMessagesPerSecond: number;
}

/** Request ids start here so that they never collide with order ids in IB's error messages. */
const FIRST_REQUEST_ID = 100_000_000;

/** Info codes that mean a data farm is down / up again. */
const FARM_BROKEN = new Set([2103, 2105, 2157]);
const FARM_OK = new Set([2104, 2106, 2158]);

type Unsubscribe = () => void;

function listenerSet<T>() {
  const listeners = new Set<(value: T) => void>();
  return {
    add(listener: (value: T) => void): Unsubscribe {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    emit(value: T): void {
      for (const listener of [...listeners]) listener(value);
    },
  };
}

export class IbConnection implements ConnectionPort {
  private api: IBApi | null = null;
  private ready = false;
  private running = false;
  private sessionSeq = 0;
  private attempt = 0;
  private everConnected = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private connectTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private heartbeatDeadline: NodeJS.Timeout | null = null;
  /** The current session's outgoing pacer. */
  private pacer: MessagePacer | undefined;
  private firstConnect: { resolve: () => void } | null = null;
  private firstConnectPromise: Promise<void> | null = null;
  private requestSeq = FIRST_REQUEST_ID;
  private orderSeq = 0;
  /** IB's 1100 (connectivity lost) while it lasts: IB's message and its code. */
  private ibDisconnected: { text: string; code: IbReason } | null = null;
  /** Broken data farms by name: IB's code and message. */
  private brokenFarms = new Map<string, { ibCode: number; text: string }>();
  private modeCheckResult: ModeCheck = {
    ok: false,
    account: null,
    reason: 'not connected yet',
    reasonCode: { code: 'not-connected-yet' },
  };
  private current: ConnectionState;
  private readonly attachers: Array<(api: IBApi) => void> = [];
  private readonly requestWatchers = new Map<number, (error: Error) => void>();
  private readonly stateListeners = listenerSet<ConnectionState>();
  private readonly reconcileListeners = listenerSet<ReconcileReason>();
  private readonly sessionListeners = listenerSet<'connected' | 'restored'>();
  private readonly lostListeners = listenerSet<Error>();
  private readonly connectionErrorListeners = listenerSet<BrokerErrorInfo>();
  private readonly idErrorListeners = listenerSet<BrokerErrorInfo>();
  private readonly droppedListeners = listenerSet<BrokerErrorInfo>();
  private readonly log: IbLogger;

  constructor(private readonly options: IbConnectionOptions) {
    this.log = options.logger ?? silentLogger;
    this.current = {
      status: 'DISCONNECTED',
      reason: 'not started',
      reasonCode: { code: 'not-started' },
      sinceMs: options.clock.nowMs(),
      host: options.host,
      port: options.port,
      clientId: options.clientId,
      serverVersion: null,
      managedAccounts: [],
      lastHeartbeatMs: null,
      reconnectCount: 0,
      lastError: null,
    };
  }

  // ------------------------------------------------------------------ port

  state(): ConnectionState {
    return { ...this.current, managedAccounts: [...this.current.managedAccounts] };
  }

  start(): Promise<void> {
    if (!this.firstConnectPromise) {
      this.firstConnectPromise = new Promise<void>((resolve) => {
        this.firstConnect = { resolve };
      });
    }
    if (!this.running) {
      this.running = true;
      this.openSession();
    }
    return this.firstConnectPromise;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.clearTimer('retryTimer');
    this.closeSession('stopped', { code: 'stopped' });
    this.setStatus('DISCONNECTED', 'stopped', { code: 'stopped' });
  }

  onStateChange(listener: (state: ConnectionState) => void): Unsubscribe {
    return this.stateListeners.add(listener);
  }

  onReconcileNeeded(listener: (reason: ReconcileReason) => void): Unsubscribe {
    return this.reconcileListeners.add(listener);
  }

  onMessageDropped(listener: (info: BrokerErrorInfo) => void): Unsubscribe {
    return this.droppedListeners.add(listener);
  }

  /** Messages this session has sent so far (paced or not); 0 without the pacer. */
  messagesSent(): number {
    return this.pacer?.sentCount() ?? 0;
  }

  // ------------------------------------------------------------------ for the adapter's parts

  /** Registers listeners on every session's IBApi (the current one at once, later ones as created). */
  attach(attacher: (api: IBApi) => void): void {
    this.attachers.push(attacher);
    if (this.api) attacher(this.api);
  }

  /** Fires when a session becomes usable ('connected') and after 1101 ('restored'): resubscribe. */
  onSessionReady(listener: (kind: 'connected' | 'restored') => void): Unsubscribe {
    return this.sessionListeners.add(listener);
  }

  /** Fires when a session ends; pending requests fail with the given error. */
  onSessionLost(listener: (error: Error) => void): Unsubscribe {
    return this.lostListeners.add(listener);
  }

  /** Errors carrying an id that no tracked request claimed (order errors, market data errors). */
  onIdError(listener: (error: BrokerErrorInfo) => void): Unsubscribe {
    return this.idErrorListeners.add(listener);
  }

  /** Connection-level messages (id -1). */
  onConnectionMessage(listener: (error: BrokerErrorInfo) => void): Unsubscribe {
    return this.connectionErrorListeners.add(listener);
  }

  /** The live session's API for a read; throws when there is none (nothing is ever queued). */
  requireApi(what: string): IBApi {
    const status = this.current.status;
    if (!this.api || !this.ready || (status !== 'CONNECTED' && status !== 'DEGRADED')) {
      throw new BrokerUnavailableError(
        status,
        `${what} refused: ${this.current.reason ?? 'not connected'}`,
        this.current.reasonCode ?? { code: 'not-connected-yet' },
      );
    }
    return this.api;
  }

  /** The live session's API for an order: CONNECTED and the account matches the mode. */
  requireTradable(what: string): IBApi {
    const api = this.requireApi(what);
    if (this.current.status !== 'CONNECTED') {
      throw new BrokerUnavailableError(
        this.current.status,
        `${what} refused: ${this.current.reason ?? 'degraded'}`,
        this.current.reasonCode ?? null,
      );
    }
    if (!this.modeCheckResult.ok) {
      throw new BrokerUnavailableError(
        this.current.status,
        `${what} refused: ${this.modeCheckResult.reason}`,
        this.modeCheckResult.reasonCode,
      );
    }
    return api;
  }

  modeCheck(): ModeCheck {
    return { ...this.modeCheckResult };
  }

  get mode(): TradingMode {
    return this.options.mode;
  }

  nextRequestId(): number {
    this.requestSeq += 1;
    return this.requestSeq;
  }

  /** Routes an error with this id to `onError` (once) until the returned function is called. */
  watchRequest(reqId: number, onError: (error: Error) => void): Unsubscribe {
    this.requestWatchers.set(reqId, onError);
    return () => {
      this.requestWatchers.delete(reqId);
    };
  }

  nextOrderId(): number {
    if (this.orderSeq <= 0) {
      throw new BrokerUnavailableError(
        this.current.status,
        'no order id yet: wait for the first nextValidId',
        { code: 'no-order-id' },
      );
    }
    const id = this.orderSeq;
    this.orderSeq += 1;
    return id;
  }

  /** Keeps the local counter past every id the broker shows (pitfall 8). */
  seeOrderId(id: number): void {
    if (Number.isInteger(id) && id >= this.orderSeq && id < FIRST_REQUEST_ID) this.orderSeq = id + 1;
  }

  /** Forces the current session down and reconnects (used by the heartbeat). */
  forceReconnect(reason: string, code: IbReason | null = null): void {
    if (!this.running) return;
    this.log.warn({ reason }, 'IB: forcing a reconnect');
    this.closeSession(reason, code);
    this.scheduleRetry(reason, code);
  }

  // ------------------------------------------------------------------ sessions

  private openSession(): void {
    if (!this.running) return;
    const seq = ++this.sessionSeq;
    const o = this.options;
    this.setStatus(
      'CONNECTING',
      this.attempt === 0 ? 'connecting' : `reconnecting (attempt ${this.attempt + 1})`,
      this.attempt === 0 ? { code: 'connecting' } : { code: 'reconnecting', attempt: this.attempt + 1 },
    );
    // The library's throttle is set loose and replaced by an exact pacer (see pacer.ts); if it cannot
    // be replaced, the library's highest safe setting (40/s) stays.
    const api = new IBApi({ host: o.host, port: o.port, maxReqPerSec: 40 });
    this.pacer = installMessagePacer(api, o.maxMessagesPerSecond);
    if (!this.pacer) {
      this.log.warn({}, 'IB: could not install the message pacer; the library throttles at 40/s');
    }
    this.api = api;
    this.ready = false;
    this.ibDisconnected = null;
    this.brokenFarms.clear();
    const live = () => seq === this.sessionSeq;
    let accounts: string[] = [];

    api.on(EventName.managedAccounts, (list: string) => {
      if (!live()) return;
      accounts = list
        .split(',')
        .map((a) => a.trim())
        .filter((a) => a.length > 0);
      this.current = { ...this.current, managedAccounts: accounts };
      this.modeCheckResult = checkMode(o.mode, o.account, accounts);
      if (this.ready) this.refreshStatus();
    });
    api.on(EventName.nextValidId, (id: number) => {
      if (!live()) return;
      this.orderSeq = Math.max(this.orderSeq, id);
      if (!this.ready) this.onReady(api, seq);
    });
    api.on(EventName.currentTime, () => {
      if (!live()) return;
      this.clearTimer('heartbeatDeadline');
      this.current = { ...this.current, lastHeartbeatMs: o.clock.nowMs() };
    });
    api.on(EventName.server, (version: number) => {
      if (!live()) return;
      this.current = { ...this.current, serverVersion: version };
    });
    api.on(EventName.info, (message: string, code: number) => {
      if (live()) this.handleConnectionMessage(code, message);
    });
    api.on(EventName.error, (error: Error, code: number, reqId: number) => {
      if (!live()) return;
      if (reqId === undefined || reqId === null || reqId < 0) {
        this.handleConnectionMessage(code, error.message);
        return;
      }
      const info: BrokerErrorInfo = { id: reqId, code, message: error.message, atMs: o.clock.nowMs() };
      this.current = { ...this.current, lastError: info };
      // A rate error naming an id is still a dropped message, never an answer about an order.
      if (code === 100 && this.ready) this.droppedListeners.emit(info);
      const watcher = this.requestWatchers.get(reqId);
      if (watcher) {
        this.requestWatchers.delete(reqId);
        watcher(new BrokerRequestError(code, error.message));
        return;
      }
      if (code !== 100) this.idErrorListeners.emit(info);
    });
    api.on(EventName.disconnected, () => {
      if (!live()) return;
      this.closeSession('socket closed', { code: 'socket-closed' });
      this.scheduleRetry('socket closed', { code: 'socket-closed' });
    });
    for (const attacher of this.attachers) attacher(api);

    this.connectTimer = setTimeout(() => {
      if (!live() || this.ready) return;
      this.forceReconnect(`no nextValidId within ${o.connectTimeoutMs} ms`, {
        code: 'connect-timeout',
        ms: o.connectTimeoutMs,
      });
    }, o.connectTimeoutMs);
    // Pitfall 7: the client id goes to connect(), so a reconnect keeps the same id.
    api.connect(o.clientId);
  }

  private onReady(api: IBApi, seq: number): void {
    this.clearTimer('connectTimer');
    this.ready = true;
    this.attempt = 0;
    const reconnect = this.everConnected;
    if (reconnect) this.current = { ...this.current, reconnectCount: this.current.reconnectCount + 1 };
    this.everConnected = true;
    this.current = { ...this.current, serverVersion: api.serverVersion || this.current.serverVersion };
    if (this.current.managedAccounts.length === 0) {
      this.modeCheckResult = {
        ok: false,
        account: null,
        reason: 'IB has not reported managed accounts yet',
        reasonCode: { code: 'accounts-pending' },
      };
      api.reqManagedAccts();
    }
    api.reqMarketDataType(this.options.marketDataType as MarketDataType);
    this.refreshStatus();
    this.startHeartbeat(seq);
    this.log.info({ clientId: this.options.clientId, reconnect }, 'IB: session ready');
    this.sessionListeners.emit('connected');
    this.reconcileListeners.emit(reconnect ? 'reconnect' : 'startup');
    const first = this.firstConnect;
    this.firstConnect = null;
    first?.resolve();
  }

  private handleConnectionMessage(code: number, message: string): void {
    const now = this.options.clock.nowMs();
    const info: BrokerErrorInfo = { id: -1, code, message, atMs: now };
    this.connectionErrorListeners.emit(info);
    if (FARM_OK.has(code)) {
      this.brokenFarms.delete(farmName(message));
      if (this.ready) this.refreshStatus();
      return;
    }
    if (FARM_BROKEN.has(code)) {
      this.brokenFarms.set(farmName(message), { ibCode: code, text: `${code}: ${message}` });
      this.current = { ...this.current, lastError: info };
      if (this.ready) this.refreshStatus();
      return;
    }
    switch (code) {
      case 100:
        // Message rate exceeded: IB dropped one message and does not say which.
        this.current = { ...this.current, lastError: info };
        this.log.warn({ message }, 'IB: a message was dropped (error 100, message rate exceeded)');
        if (!this.ready) return;
        // The dropped message may have been the heartbeat's probe: a silent socket is not the cause.
        if (this.heartbeatDeadline) this.probe(this.sessionSeq);
        this.droppedListeners.emit(info);
        return;
      case 1100:
        this.ibDisconnected = {
          text: `1100: ${message}`,
          code: { code: 'ib-message', ibCode: 1100, ibMessage: message },
        };
        this.current = { ...this.current, lastError: info };
        if (this.ready) this.refreshStatus();
        return;
      case 1101:
      case 1102: {
        this.ibDisconnected = null;
        if (!this.ready) return;
        this.refreshStatus();
        if (code === 1101) {
          this.api?.reqMarketDataType(this.options.marketDataType as MarketDataType);
          this.sessionListeners.emit('restored');
          this.reconcileListeners.emit('restored-data-lost');
        } else {
          this.reconcileListeners.emit('restored-data-kept');
        }
        return;
      }
      case 326: {
        // TWS closes the socket after this; the retry keeps the same client id (orders belong to it).
        const why: IbReason = { code: 'client-id-in-use', clientId: this.options.clientId };
        this.current = {
          ...this.current,
          lastError: info,
          reason: `326: client id ${this.options.clientId} in use`,
          reasonCode: why,
        };
        this.closeSession(`326: client id ${this.options.clientId} in use`, why);
        this.scheduleRetry(`326: client id ${this.options.clientId} in use`, why);
        return;
      }
      case 502:
      case 504:
        this.current = { ...this.current, lastError: info };
        if (!this.ready && this.api) {
          const why: IbReason = { code: 'ib-message', ibCode: code, ibMessage: message };
          this.closeSession(`${code}: ${message}`, why);
          this.scheduleRetry(`${code}: ${message}`, why);
        }
        return;
      default:
        if (code >= 2100 && code < 2200) return; // other informational notices
        this.current = { ...this.current, lastError: info };
    }
  }

  private startHeartbeat(seq: number): void {
    this.clearTimer('heartbeatTimer');
    const o = this.options;
    this.heartbeatTimer = setInterval(() => {
      if (seq !== this.sessionSeq || !this.api || !this.ready) return;
      if (this.heartbeatDeadline) return; // one outstanding probe at a time
      this.probe(seq);
    }, o.heartbeatMs);
  }

  /** Sends a reqCurrentTime and forces a reconnect when no currentTime answers it in time. */
  private probe(seq: number): void {
    const o = this.options;
    if (!this.api) return;
    this.clearTimer('heartbeatDeadline');
    // The probe waits its turn behind what is already paced out (a burst of orders or
    // snapshots); only the time after that counts as silence.
    const timeoutMs = o.heartbeatTimeoutMs + Math.ceil(this.pacer?.delayMs() ?? 0);
    this.heartbeatDeadline = setTimeout(() => {
      this.heartbeatDeadline = null;
      if (seq !== this.sessionSeq) return;
      this.current = {
        ...this.current,
        lastError: {
          id: -1,
          code: 0,
          message: `heartbeat timeout: no currentTime within ${timeoutMs} ms`,
          atMs: o.clock.nowMs(),
          reasonCode: { code: 'heartbeat-timeout' },
        },
      };
      this.forceReconnect('heartbeat timeout', { code: 'heartbeat-timeout' });
    }, timeoutMs);
    this.api.reqCurrentTime();
  }

  /** `code`: the reason as a code, carried by the error that pending requests fail with. */
  private closeSession(reason: string, code: IbReason | null): void {
    const api = this.api;
    const wasReady = this.ready;
    this.sessionSeq += 1;
    this.api = null;
    this.ready = false;
    this.clearTimer('connectTimer');
    this.clearTimer('heartbeatTimer');
    this.clearTimer('heartbeatDeadline');
    if (api) {
      api.removeAllListeners();
      // Swallow whatever the dying socket still reports.
      api.on(EventName.error, () => {});
      try {
        api.disconnect();
      } catch {
        // already closed
      }
    }
    const error = new BrokerUnavailableError('DISCONNECTED', `session ended: ${reason}`, code);
    const watchers = [...this.requestWatchers.values()];
    this.requestWatchers.clear();
    for (const watcher of watchers) watcher(error);
    if (wasReady || api) this.lostListeners.emit(error);
  }

  private scheduleRetry(reason: string, code: IbReason | null): void {
    if (!this.running) {
      this.setStatus('DISCONNECTED', reason, code);
      return;
    }
    if (this.retryTimer) return;
    const { initialMs, maxMs, factor } = this.options.backoff;
    const delay = Math.min(maxMs, initialMs * factor ** this.attempt);
    this.attempt += 1;
    this.setStatus('DISCONNECTED', `${reason}; retry in ${delay} ms`, code && { ...code, retryMs: delay });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.openSession();
    }, delay);
  }

  private refreshStatus(): void {
    if (!this.ready) return;
    const farms = [...this.brokenFarms.entries()];
    const check = this.modeCheckResult;
    if (this.ibDisconnected) this.setStatus('DEGRADED', this.ibDisconnected.text, this.ibDisconnected.code);
    else if (!check.ok) this.setStatus('DEGRADED', `orders refused: ${check.reason}`, check.reasonCode);
    else if (farms.length > 0)
      this.setStatus('DEGRADED', `data farm broken: ${farms.map(([, farm]) => farm.text).join('; ')}`, {
        code: 'data-farm-broken',
        farms: farms.map(([farm, { ibCode }]) => ({ ibCode, farm })),
      });
    else this.setStatus('CONNECTED', null, null);
  }

  /** `reason` in English (logs, API users) and as `code` for the UI; the English decides what changed. */
  private setStatus(status: ConnectionStatus, reason: string | null, code: IbReason | null): void {
    const changed = status !== this.current.status || reason !== this.current.reason;
    if (!changed) return;
    const sinceMs = status !== this.current.status ? this.options.clock.nowMs() : this.current.sinceMs;
    this.current = { ...this.current, status, reason, reasonCode: code, sinceMs };
    this.stateListeners.emit(this.state());
  }

  private clearTimer(name: 'retryTimer' | 'connectTimer' | 'heartbeatTimer' | 'heartbeatDeadline'): void {
    const timer = this[name];
    if (timer) {
      clearTimeout(timer);
      this[name] = null;
    }
  }
}

/** "Market data farm connection is broken:usfarm" -> "usfarm". */
function farmName(message: string): string {
  const colon = message.lastIndexOf(':');
  return colon >= 0 ? message.slice(colon + 1).trim() : message;
}
