/**
 * The level-1 quote service: subscribes a universe within the market-data-line budget, merges ticks
 * into per-symbol quotes, writes them to the stream files and publishes them as server-sent events.
 *
 * A quote is `stale` when no update came for `staleAfterMs` or while the feed cannot be trusted
 * (disconnected, 1100, data farm broken).
 *
 * Budget policy: refuse, never rotate. Symbols beyond the budget (IB's default is 100 lines; we keep
 * a margin) are listed as `refused` with the reason; rotating would hand trading code quotes that
 * are minutes old while they look live. Subscription requests are paced (`subscribePerSecond`) under
 * IB's 50 messages per second.
 */

import type { SubscriptionError } from '../brokerage/ib/index.js';
import type { Brokerage, BrokerContract, QuoteUpdate, Subscription } from '../brokerage/index.js';
import type { Clock } from '../core/clock.js';
import type { IbQuote } from './bars.js';
import { realSleep, type Sleep } from './pacing.js';
import type { QuoteStreamWriter } from './quote-stream.js';

export type QuoteStatus = 'pending' | 'subscribed' | 'refused' | 'error';

export interface QuoteSnapshotEntry extends IbQuote {
  status: QuoteStatus;
  lastUpdateMs: number | null;
  stalenessMs: number | null;
  stale: boolean;
  ticksPerMinute: number;
  error: string | null;
}

export interface QuoteServiceOptions {
  brokerage: Pick<Brokerage, 'quotes' | 'connection'> & {
    quotes: { onSubscriptionError?: (listener: (error: SubscriptionError) => void) => () => void };
  };
  contract: (symbol: string) => Promise<BrokerContract>;
  clock: Clock;
  writer?: QuoteStreamWriter;
  publish?: (name: string, data: unknown) => void;
  lineBudget?: number;
  subscribePerSecond?: number;
  staleAfterMs?: number;
  sleep?: Sleep;
}

interface SymbolState {
  quote: IbQuote;
  status: QuoteStatus;
  error: string | null;
  lastUpdateMs: number | null;
  recentTicks: number[];
  subscription: Subscription | null;
}

const RATE_WINDOW_MS = 60_000;

export class QuoteService {
  private readonly states = new Map<string, SymbolState>();
  private readonly budget: number;
  private readonly perSecond: number;
  private readonly staleAfterMs: number;
  private readonly sleep: Sleep;
  private pump: Promise<void> = Promise.resolve();
  private readonly unsubscribers: Array<() => void> = [];

  constructor(private readonly options: QuoteServiceOptions) {
    this.budget = options.lineBudget ?? 90;
    this.perSecond = options.subscribePerSecond ?? 20;
    this.staleAfterMs = options.staleAfterMs ?? 60_000;
    this.sleep = options.sleep ?? realSleep;
    const onError = options.brokerage.quotes.onSubscriptionError;
    if (onError) {
      this.unsubscribers.push(
        onError((error) => {
          const state = this.states.get(error.symbol);
          if (!state) return;
          state.status = 'error';
          state.error = `IB ${error.code}: ${error.message}`;
          state.subscription?.close();
          state.subscription = null;
        }),
      );
    }
    this.unsubscribers.push(
      options.brokerage.connection.onStateChange((s) => {
        if (s.status === 'CONNECTED' || s.status === 'DEGRADED') this.schedule();
      }),
    );
  }

  /** Makes the subscribed set equal to `symbols` (first `lineBudget` of them; the rest are refused). */
  setUniverse(symbols: string[]): { subscribed: string[]; refused: string[] } {
    const wanted = [...new Set(symbols.map((s) => s.trim().toUpperCase()).filter((s) => s.length > 0))];
    const keep = new Set(wanted);
    for (const [symbol, state] of this.states) {
      if (!keep.has(symbol)) {
        state.subscription?.close();
        this.states.delete(symbol);
      }
    }
    const refused: string[] = [];
    const accepted: string[] = [];
    for (const symbol of wanted) {
      const existing = this.states.get(symbol);
      if (existing && existing.status !== 'refused') {
        accepted.push(symbol);
        continue;
      }
      const withinBudget = accepted.length < this.budget;
      const state: SymbolState = existing ?? {
        quote: emptyQuote(symbol),
        status: 'pending',
        error: null,
        lastUpdateMs: null,
        recentTicks: [],
        subscription: null,
      };
      if (withinBudget) {
        state.status = 'pending';
        state.error = null;
        accepted.push(symbol);
      } else {
        state.status = 'refused';
        state.error = `market data line budget (${this.budget}) exceeded: not subscribed`;
        refused.push(symbol);
      }
      this.states.set(symbol, state);
    }
    this.schedule();
    return { subscribed: accepted, refused };
  }

  /** Resolves when every pending subscription has been tried once. */
  settled(): Promise<void> {
    return this.pump;
  }

  /**
   * Quotes are not to be trusted while the session is down, during 1100 or with a broken data farm
   * (a DEGRADED caused only by the account/mode check leaves market data intact).
   */
  private feedTrusted(): boolean {
    const { status, reason } = this.options.brokerage.connection.state();
    return status === 'CONNECTED' || (status === 'DEGRADED' && (reason ?? '').startsWith('orders refused'));
  }

  snapshot(): QuoteSnapshotEntry[] {
    const now = this.options.clock.nowMs();
    const trusted = this.feedTrusted();
    return [...this.states.values()]
      .map((s) => {
        const recent = s.recentTicks.filter((t) => now - t < RATE_WINDOW_MS);
        s.recentTicks = recent;
        const staleness = s.lastUpdateMs === null ? null : now - s.lastUpdateMs;
        return {
          ...s.quote,
          status: s.status,
          error: s.error,
          lastUpdateMs: s.lastUpdateMs,
          stalenessMs: staleness,
          stale: this.isStale(staleness, trusted),
          ticksPerMinute: (recent.length * 60_000) / RATE_WINDOW_MS,
        };
      })
      .sort((a, b) => a.symbol.localeCompare(b.symbol));
  }

  quote(symbol: string): IbQuote | undefined {
    return this.states.get(symbol.toUpperCase())?.quote;
  }

  /** The streamed quote when it can be traded on: subscribed and not stale (as `snapshot` says). */
  freshQuote(symbol: string): IbQuote | undefined {
    const state = this.states.get(symbol.toUpperCase());
    if (state?.status !== 'subscribed' || state.lastUpdateMs === null) return undefined;
    const staleness = this.options.clock.nowMs() - state.lastUpdateMs;
    return this.isStale(staleness, this.feedTrusted()) ? undefined : state.quote;
  }

  private isStale(stalenessMs: number | null, feedTrusted: boolean): boolean {
    return !feedTrusted || stalenessMs === null || stalenessMs > this.staleAfterMs;
  }

  async close(): Promise<void> {
    for (const un of this.unsubscribers) un();
    for (const state of this.states.values()) state.subscription?.close();
    this.states.clear();
    await this.pump.catch(() => {});
    await this.options.writer?.close();
  }

  private schedule(): void {
    this.pump = this.pump.then(() => this.subscribePending()).catch(() => {});
  }

  private async subscribePending(): Promise<void> {
    const gap = 1000 / this.perSecond;
    for (const [symbol, state] of this.states) {
      if (state.status !== 'pending' || state.subscription) continue;
      const status = this.options.brokerage.connection.state().status;
      if (status !== 'CONNECTED' && status !== 'DEGRADED') return; // retried on the next CONNECTED
      try {
        const contract = await this.options.contract(symbol);
        if (this.states.get(symbol) !== state) continue;
        state.subscription = this.options.brokerage.quotes.subscribe(contract, (u) =>
          this.onUpdate(state, u),
        );
        state.status = 'subscribed';
        state.quote = { ...state.quote, conId: contract.conId };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (/broker unavailable/.test(message)) return;
        state.status = 'error';
        state.error = message;
      }
      await this.sleep(gap);
    }
  }

  private onUpdate(state: SymbolState, update: QuoteUpdate): void {
    const q = state.quote;
    state.quote = {
      ...q,
      conId: update.conId,
      timeMs: update.timeMs,
      bid: update.bid ?? q.bid,
      ask: update.ask ?? q.ask,
      last: update.last ?? q.last,
      bidSize: update.bidSize ?? q.bidSize,
      askSize: update.askSize ?? q.askSize,
      lastSize: update.lastSize ?? q.lastSize,
      volume: update.volume ?? q.volume,
    };
    state.lastUpdateMs = update.timeMs;
    state.recentTicks.push(update.timeMs);
    if (state.recentTicks.length > 10_000) state.recentTicks.splice(0, state.recentTicks.length - 10_000);
    this.options.writer?.append(state.quote);
    this.options.publish?.('ib.quote', state.quote);
  }
}

function emptyQuote(symbol: string): IbQuote {
  return {
    source: 'ib',
    symbol,
    conId: 0,
    timeMs: 0,
    bid: null,
    ask: null,
    last: null,
    bidSize: null,
    askSize: null,
    lastSize: null,
    volume: null,
  };
}
