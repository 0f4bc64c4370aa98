/**
 * The gateway half of `ibloop doctor`: one short session with a client id of its own, at the socket
 * level, because the checks need IB's raw answers (error codes, the gateway's clock, the market data
 * type) that the brokerage adapter handles away. It only asks; it never places an order.
 */
import { connect as tcpConnect } from 'node:net';
import { BarSizeSetting, EventName, IBApi, MarketDataType, SecType, WhatToShow } from '@stoqey/ib';

export interface ProbeOptions {
  host: string;
  port: number;
  clientId: number;
  /** A symbol every account can quote (delayed at least). */
  symbol: string;
  stepTimeoutMs: number;
  /** Stop after the handshake: only whether this client id is accepted. */
  handshakeOnly?: boolean;
}

export interface ProbeResult {
  reachable: { ok: true } | { ok: false; error: string };
  /** Handshake and nextValidId; null when not reachable. */
  api: { ok: true; serverVersion: number } | { ok: false; clientIdInUse: boolean } | null;
  accounts: string[];
  /** Gateway time minus local time, ms; null when unanswered. */
  clockSkewMs: number | null;
  /** Connection-level codes IB sent (1100, 2103, ...). */
  notices: number[];
  marketData: { price: number | null; dataType: number | null; errorCode: number | null } | null;
  history: { bars: number; errorCode: number | null; error: string | null } | null;
}

function reachable(host: string, port: number, timeoutMs: number): Promise<ProbeResult['reachable']> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    const done = (result: ProbeResult['reachable']) => {
      socket.destroy();
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => done({ ok: false, error: `no answer within ${timeoutMs} ms` }), timeoutMs);
    socket.once('connect', () => done({ ok: true }));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done({ ok: false, error: error.code ?? error.message }),
    );
  });
}

/** Waits for `settle` to be called or the time-out; never rejects. */
function step<T>(timeoutMs: number, start: (settle: (value: T) => void) => void, fallback: T): Promise<T> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (value: T) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(value);
    };
    const timer = setTimeout(() => settle(fallback), timeoutMs);
    start(settle);
  });
}

/** IB tick types that carry a price: bid 1, ask 2, last 4, close 9 and their delayed twins 66-68, 75. */
const PRICE_TICKS = new Set<number>([1, 2, 4, 9, 66, 67, 68, 75]);

const MARKET_REQ = 1;
const HISTORY_REQ = 2;

export async function probeGateway(options: ProbeOptions, nowMs: () => number): Promise<ProbeResult> {
  const result: ProbeResult = {
    reachable: await reachable(options.host, options.port, options.stepTimeoutMs),
    api: null,
    accounts: [],
    clockSkewMs: null,
    notices: [],
    marketData: null,
    history: null,
  };
  if (!result.reachable.ok) return result;

  const api = new IBApi({ host: options.host, port: options.port });
  const errors: Array<{ reqId: number; code: number; message: string }> = [];
  const errorListeners = new Set<(e: { reqId: number; code: number; message: string }) => void>();
  const onError = (reqId: number, code: number, message: string) => {
    const entry = { reqId, code, message };
    errors.push(entry);
    if (reqId < 0 && !result.notices.includes(code)) result.notices.push(code);
    for (const listener of errorListeners) listener(entry);
  };
  api.on(EventName.error, (error: Error, code: number, reqId: number) =>
    onError(reqId ?? -1, code, error.message),
  );
  api.on(EventName.info, (message: string, code: number) => onError(-1, code, message));
  api.on(EventName.managedAccounts, (list: string) => {
    result.accounts = list
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a.length > 0);
  });
  try {
    const ready = await step<'ready' | 'in-use' | 'silent'>(
      options.stepTimeoutMs,
      (settle) => {
        api.once(EventName.nextValidId, () => settle('ready'));
        errorListeners.add((e) => {
          if (e.code === 326) settle('in-use');
        });
        api.once(EventName.disconnected, () =>
          settle(errors.some((e) => e.code === 326) ? 'in-use' : 'silent'),
        );
        api.connect(options.clientId);
      },
      'silent',
    );
    if (ready !== 'ready') {
      result.api = { ok: false, clientIdInUse: ready === 'in-use' };
      return result;
    }
    result.api = { ok: true, serverVersion: api.serverVersion };
    if (options.handshakeOnly) return result;
    if (result.accounts.length === 0) {
      await step<void>(
        options.stepTimeoutMs,
        (settle) => {
          api.once(EventName.managedAccounts, () => settle());
          api.reqManagedAccts();
        },
        undefined,
      );
    }

    const sentAt = nowMs();
    const gatewaySeconds = await step<number | null>(
      options.stepTimeoutMs,
      (settle) => {
        api.once(EventName.currentTime, (time: number) => settle(time));
        api.reqCurrentTime();
      },
      null,
    );
    if (gatewaySeconds !== null) {
      // IB answers in whole seconds: compare with the middle of the round trip, rounded alike.
      const localMs = (sentAt + nowMs()) / 2;
      result.clockSkewMs = gatewaySeconds * 1000 - Math.floor(localMs / 1000) * 1000;
    }

    const contract = { symbol: options.symbol, secType: SecType.STK, exchange: 'SMART', currency: 'USD' };
    const market = {
      price: null as number | null,
      dataType: null as number | null,
      errorCode: null as number | null,
    };
    await step<void>(
      options.stepTimeoutMs,
      (settle) => {
        api.on(EventName.marketDataType, (reqId: number, type: number) => {
          if (reqId === MARKET_REQ) market.dataType = type;
        });
        api.on(EventName.tickPrice, (reqId: number, field: number, value: number) => {
          if (reqId === MARKET_REQ && PRICE_TICKS.has(field) && value > 0) market.price = value;
        });
        api.once(EventName.tickSnapshotEnd, () => settle());
        errorListeners.add((e) => {
          // 10167 (delayed data shown) is a notice; the snapshot still follows.
          if (e.reqId === MARKET_REQ && e.code !== 10167) {
            market.errorCode = e.code;
            settle();
          } else if (e.reqId === MARKET_REQ) market.errorCode = e.code;
        });
        // Delayed data when live is not subscribed, as trading does; the answer says which came.
        api.reqMarketDataType(MarketDataType.DELAYED);
        api.reqMktData(MARKET_REQ, contract, '', true, false);
      },
      undefined,
    );
    result.marketData = market;

    result.history = await step<ProbeResult['history']>(
      options.stepTimeoutMs,
      (settle) => {
        let bars = 0;
        api.on(EventName.historicalData, (reqId: number, time: string) => {
          if (reqId !== HISTORY_REQ) return;
          if (time.startsWith('finished')) settle({ bars, errorCode: null, error: null });
          else bars += 1;
        });
        errorListeners.add((e) => {
          if (e.reqId === HISTORY_REQ) settle({ bars, errorCode: e.code, error: e.message });
        });
        api.reqHistoricalData(
          HISTORY_REQ,
          contract,
          '',
          '5 D',
          BarSizeSetting.DAYS_ONE,
          WhatToShow.TRADES,
          1,
          1,
          false,
        );
      },
      { bars: 0, errorCode: null, error: 'no answer' },
    );
    return result;
  } finally {
    api.removeAllListeners();
    api.on(EventName.error, () => {});
    api.disconnect();
  }
}
