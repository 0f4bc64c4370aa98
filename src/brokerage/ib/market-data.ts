import { EventName } from '@stoqey/ib';
import type { Clock } from '../../core/clock.js';
import type { BrokerContract, BrokerErrorInfo, QuoteUpdate, Subscription } from '../port.js';
import type { IbConnection } from './connection.js';
import { isUnset, toIbContract } from './decode.js';
import { RequestBook } from './requests.js';

type PriceField = 'bid' | 'ask' | 'last' | 'high' | 'low' | 'close' | 'open';
type SizeField = 'bidSize' | 'askSize' | 'lastSize' | 'volume';

/** Live (and their delayed twins 66..76) tick types -> quote fields. */
const PRICE_TICKS: Record<number, PriceField> = {
  1: 'bid',
  2: 'ask',
  4: 'last',
  6: 'high',
  7: 'low',
  9: 'close',
  14: 'open',
  66: 'bid',
  67: 'ask',
  68: 'last',
  72: 'high',
  73: 'low',
  75: 'close',
  76: 'open',
};
const SIZE_TICKS: Record<number, SizeField> = {
  0: 'bidSize',
  3: 'askSize',
  5: 'lastSize',
  8: 'volume',
  69: 'bidSize',
  70: 'askSize',
  71: 'lastSize',
  74: 'volume',
};

interface LiveSubscription {
  contract: BrokerContract;
  onUpdate: (update: QuoteUpdate) => void;
  reqId: number | null;
  pending: QuoteUpdate | null;
}

export interface SubscriptionError {
  symbol: string;
  conId: number;
  code: number;
  message: string;
}

/**
 * Level-1 subscriptions. Ticks of one socket read are merged into one update per symbol. Live
 * subscriptions are sent again on every new session and after 1101; closed ones are not.
 */
export function createMarketData(connection: IbConnection, clock: Clock, timeoutMs: number) {
  // One-shot snapshots (reqMktData with snapshot=true) take no market data line and cost one message.
  const snapshots = new RequestBook<QuoteUpdate, QuoteUpdate>(connection, 'quote snapshot', timeoutMs);
  const subscriptions = new Set<LiveSubscription>();
  const byReqId = new Map<number, LiveSubscription>();
  const errorListeners = new Set<(error: SubscriptionError) => void>();
  let flushScheduled = false;
  const dirty = new Set<LiveSubscription>();

  const flush = () => {
    flushScheduled = false;
    const ready = [...dirty];
    dirty.clear();
    for (const sub of ready) {
      const update = sub.pending;
      sub.pending = null;
      if (update && subscriptions.has(sub)) sub.onUpdate(update);
    }
  };
  const touch = (reqId: number): QuoteUpdate | null => {
    const snapshot = snapshots.get(reqId);
    if (snapshot) return snapshot.state;
    const sub = byReqId.get(reqId);
    if (!sub) return null;
    if (!sub.pending) {
      sub.pending = { symbol: sub.contract.symbol, conId: sub.contract.conId, timeMs: clock.nowMs() };
    }
    dirty.add(sub);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
    return sub.pending;
  };

  connection.attach((api) => {
    api.on(EventName.tickPrice, (reqId: number, field: number, value: number) => {
      const name = PRICE_TICKS[field];
      if (!name || isUnset(value) || value < 0) return;
      const update = touch(reqId);
      if (update) update[name] = value;
    });
    api.on(EventName.tickSize, (reqId: number, field?: number, value?: number) => {
      const name = field === undefined ? undefined : SIZE_TICKS[field];
      if (!name || value === undefined || isUnset(value)) return;
      const update = touch(reqId);
      if (update) update[name] = value;
    });
    api.on(EventName.tickSnapshotEnd, (reqId: number) => {
      const snapshot = snapshots.get(reqId);
      snapshot?.finish({ ...snapshot.state, timeMs: clock.nowMs() });
    });
  });

  const send = (sub: LiveSubscription) => {
    const api = connection.requireApi('market data subscription');
    const reqId = connection.nextRequestId();
    if (sub.reqId !== null) byReqId.delete(sub.reqId);
    sub.reqId = reqId;
    byReqId.set(reqId, sub);
    api.reqMktData(reqId, toIbContract(sub.contract), '', false, false);
  };

  connection.onSessionReady((kind) => {
    for (const sub of subscriptions) {
      if (kind === 'restored' && sub.reqId !== null) {
        // 1101: IB dropped the subscriptions; cancel ours to be safe, then subscribe again.
        try {
          connection.requireApi('cancel market data').cancelMktData(sub.reqId);
        } catch {
          // not connected: the next session resubscribes
        }
      }
      try {
        send(sub);
      } catch {
        // the session ended again; the next one resubscribes
      }
    }
  });
  connection.onSessionLost(() => {
    byReqId.clear();
    for (const sub of subscriptions) sub.reqId = null;
  });
  connection.onIdError((error: BrokerErrorInfo) => {
    const sub = byReqId.get(error.id);
    if (!sub) return;
    // 10167 (delayed data shown) and 2xxx notices are not failures.
    if (error.code === 10167 || (error.code >= 2100 && error.code < 2200)) return;
    for (const listener of errorListeners) {
      listener({
        symbol: sub.contract.symbol,
        conId: sub.contract.conId,
        code: error.code,
        message: error.message,
      });
    }
  });

  return {
    subscribe(contract: BrokerContract, onUpdate: (update: QuoteUpdate) => void): Subscription {
      const sub: LiveSubscription = { contract, onUpdate, reqId: null, pending: null };
      send(sub);
      subscriptions.add(sub);
      return {
        close() {
          if (!subscriptions.delete(sub)) return;
          dirty.delete(sub);
          const reqId = sub.reqId;
          sub.reqId = null;
          if (reqId === null) return;
          byReqId.delete(reqId);
          try {
            connection.requireApi('cancel market data').cancelMktData(reqId);
          } catch {
            // not connected: IB dropped it with the session
          }
        },
      };
    },
    /** One quote, without a subscription; fails with IB's error (e.g. 200) or on timeout. */
    snapshot(contract: BrokerContract): Promise<QuoteUpdate> {
      return snapshots.run(
        { symbol: contract.symbol, conId: contract.conId, timeMs: clock.nowMs() },
        (api, reqId) => api.reqMktData(reqId, toIbContract(contract), '', true, false),
      );
    },
    onSubscriptionError(listener: (error: SubscriptionError) => void): () => void {
      errorListeners.add(listener);
      return () => errorListeners.delete(listener);
    },
    activeCount(): number {
      return subscriptions.size;
    },
  };
}
