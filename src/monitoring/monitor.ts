import { maskAccount } from '../brokerage/ib/index.js';
import type { Brokerage, PortfolioPosition } from '../brokerage/index.js';
import { latestSessionStartedBy, tradingDayOf } from '../calendar/index.js';
import type { Clock } from '../core/clock.js';
import type { SnapshotStore } from './snapshots.js';
import type { AccountView, PositionView, SnapshotReason } from './types.js';

export interface MonitorLogger {
  warn(obj: object, msg: string): void;
}

export interface AccountMonitorOptions {
  clock: Clock;
  snapshots: SnapshotStore;
  /** The broker of the current IB runtime, if any (it changes when the IB settings change). */
  broker: () => Brokerage | undefined;
  sectors: () => Promise<Map<string, string>>;
  /** Minutes between persisted snapshots (ACCOUNT_SNAPSHOT_MINUTES). */
  snapshotMinutes: () => Promise<number>;
  publish?: (name: string, data: unknown) => void;
  /** How often the account is read from IB while connected. */
  refreshMs?: number;
  logger?: MonitorLogger;
}

/** The server-sent event carrying a fresh AccountView. */
export const ACCOUNT_EVENT = 'account.update';

const DEFAULT_REFRESH_MS = 5_000;
/** A fill changes the account: read it again this soon after one (several fills share one read). */
const AFTER_FILL_MS = 300;
const SECTORS_TTL_MS = 60_000;

/**
 * Reads the account from IB while this process's broker is connected (with the lease and the
 * trading client id, only one replica's is), publishes it live and persists snapshots every few
 * minutes and at each close. Other replicas serve the latest persisted snapshot.
 */
export class AccountMonitor {
  private timer: NodeJS.Timeout | null = null;
  private soon: NodeJS.Timeout | null = null;
  private running: Promise<AccountView | undefined> | null = null;
  private current: AccountView | undefined;
  private lastSavedMs: number | null | undefined;
  /** Holdings of the last stored snapshot, to store another when fills change them. */
  private lastSavedHoldings: string | undefined;
  private attachedTo: Brokerage | undefined;
  private detach: (() => void) | undefined;
  private sectorCache: { atMs: number; map: Map<string, string> } | undefined;
  private stopped = false;

  constructor(private readonly options: AccountMonitorOptions) {}

  start(): void {
    if (this.timer) return;
    this.stopped = false;
    const every = this.options.refreshMs ?? DEFAULT_REFRESH_MS;
    this.timer = setInterval(() => void this.refresh(), every);
    this.timer.unref();
    void this.refresh();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.soon) clearTimeout(this.soon);
    this.timer = null;
    this.soon = null;
    this.detach?.();
    this.detach = undefined;
    this.attachedTo = undefined;
    await this.running?.catch(() => undefined);
  }

  /** The account this process read last, while its broker is still connected. */
  live(): AccountView | undefined {
    return this.current && this.connectedBroker() ? this.current : undefined;
  }

  /** Live when this process reads IB, else the latest persisted snapshot (null before the first). */
  async view(): Promise<AccountView | null> {
    return this.live() ?? (await this.options.snapshots.latest());
  }

  /** Reads the account now (joins a read in flight); undefined when not connected or it failed. */
  refresh(reason?: SnapshotReason): Promise<AccountView | undefined> {
    if (this.running) return this.running;
    this.running = this.read(reason).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private connectedBroker(): Brokerage | undefined {
    const broker = this.options.broker();
    const status = broker?.connection.state().status;
    return status === 'CONNECTED' || status === 'DEGRADED' ? broker : undefined;
  }

  private follow(broker: Brokerage | undefined): void {
    if (broker === this.attachedTo) return;
    this.detach?.();
    this.attachedTo = broker;
    this.detach = broker?.orders.onExecution(() => {
      if (this.soon || this.stopped) return;
      this.soon = setTimeout(() => {
        this.soon = null;
        void this.refresh();
      }, AFTER_FILL_MS);
      this.soon.unref();
    });
  }

  private async read(forced?: SnapshotReason): Promise<AccountView | undefined> {
    const broker = this.connectedBroker();
    this.follow(this.options.broker());
    if (!broker || this.stopped) {
      this.current = undefined;
      return undefined;
    }
    try {
      const view = await readAccount(broker, this.options.clock.nowMs(), await this.sectors());
      if (this.stopped) return undefined;
      this.current = view;
      this.options.publish?.(ACCOUNT_EVENT, view);
      const reason = forced ?? (await this.dueReason(view));
      if (reason) {
        await this.options.snapshots.save(view, reason);
        this.lastSavedMs = Date.parse(view.time);
        this.lastSavedHoldings = holdingsOf(view);
      }
      return view;
    } catch (error) {
      this.options.logger?.warn({ err: error }, 'account monitor: could not read the account');
      return undefined;
    }
  }

  /**
   * 'close' for the first reading after a session's close, 'positions' when fills changed the
   * holdings, 'interval' when the interval is up.
   */
  private async dueReason(view: AccountView): Promise<SnapshotReason | null> {
    if (this.lastSavedMs === undefined) {
      const latest = await this.options.snapshots.latest();
      this.lastSavedMs = latest === null ? null : Date.parse(latest.time);
      this.lastSavedHoldings = latest === null ? undefined : holdingsOf(latest);
    }
    const now = Date.parse(view.time);
    const last = this.lastSavedMs;
    if (last === null) return 'interval';
    const session = latestSessionStartedBy(now);
    if (session && now >= session.closeMs && last < session.closeMs) return 'close';
    if (holdingsOf(view) !== this.lastSavedHoldings) return 'positions';
    const minutes = await this.options.snapshotMinutes();
    return now - last >= minutes * 60_000 ? 'interval' : null;
  }

  /** Themes changed: read the sectors again at the next reading. */
  invalidateSectors(): void {
    this.sectorCache = undefined;
  }

  private async sectors(): Promise<Map<string, string>> {
    // A cache in wall time (not the trading clock, which tests and replays hold still).
    const now = performance.now();
    if (!this.sectorCache || now - this.sectorCache.atMs > SECTORS_TTL_MS) {
      this.sectorCache = { atMs: now, map: await this.options.sectors() };
    }
    return this.sectorCache.map;
  }
}

/** One reading of the account: summary, positions at market and PnL, as one view. */
export async function readAccount(
  broker: Brokerage,
  nowMs: number,
  sectors: ReadonlyMap<string, string>,
): Promise<AccountView> {
  const [summary, portfolio, pnl] = await Promise.all([
    broker.account.summary(),
    broker.account.portfolio ? broker.account.portfolio() : positionsAtCost(broker),
    broker.account.pnl ? broker.account.pnl() : Promise.resolve(null),
  ]);
  const nav = summary.netLiquidation;
  const positions: PositionView[] = portfolio
    .filter((p) => p.quantity !== 0)
    .map((p) => ({
      symbol: p.symbol,
      conId: p.conId,
      quantity: p.quantity,
      avgCost: p.avgCost,
      marketPrice: p.marketPrice,
      marketValue: p.marketValue,
      unrealizedPnl: p.unrealizedPnl,
      realizedPnl: p.realizedPnl,
      weight: nav !== 0 ? p.marketValue / nav : 0,
      sector: sectors.get(p.symbol) ?? '',
    }))
    .sort((a, b) => a.symbol.localeCompare(b.symbol));
  return {
    source: 'live',
    time: new Date(nowMs).toISOString(),
    tradingDay: tradingDayOf(nowMs),
    account: summary.account ? maskAccount(summary.account) : '',
    currency: summary.currency,
    figures: {
      netLiquidation: nav,
      totalCash: summary.totalCash,
      buyingPower: summary.buyingPower,
      availableFunds: summary.availableFunds,
      excessLiquidity: summary.excessLiquidity,
      initMargin: summary.initMarginReq ?? null,
      maintMargin: summary.maintMarginReq ?? null,
      grossPositionValue: summary.grossPositionValue,
      dailyPnl: pnl?.dailyPnl ?? null,
      unrealizedPnl: pnl?.unrealizedPnl ?? sumOf(positions, 'unrealizedPnl'),
      realizedPnl: pnl?.realizedPnl ?? sumOf(positions, 'realizedPnl'),
    },
    positions,
  };
}

/** A broker without account updates: positions valued at cost, no PnL. */
async function positionsAtCost(broker: Brokerage): Promise<PortfolioPosition[]> {
  return (await broker.account.positions()).map((p) => ({
    ...p,
    marketPrice: p.avgCost,
    marketValue: p.quantity * p.avgCost,
    unrealizedPnl: 0,
    realizedPnl: 0,
  }));
}

function sumOf(positions: readonly PositionView[], key: 'unrealizedPnl' | 'realizedPnl'): number {
  return positions.reduce((sum, p) => sum + p[key], 0);
}

function holdingsOf(view: AccountView): string {
  return view.positions.map((p) => `${p.symbol}:${p.quantity}`).join(',');
}
