import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';
import type {
  AccountHistory,
  AccountView,
  DailyPnlBar,
  EquityPoint,
  HistoryRange,
  SectorExposurePoint,
  SnapshotReason,
} from './types.js';

/** A chart needs no more points than it has pixels; older history is thinned to this many. */
const MAX_POINTS = 1_000;
const ID_CHUNK = 500;
const DAY_MS = 86_400_000;

/** Persisted account snapshots (account_snapshots + position_snapshots). */
export class SnapshotStore {
  constructor(private readonly db: Kysely<Database>) {}

  async save(view: AccountView, reason: SnapshotReason): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const f = view.figures;
      const row = await trx
        .insertInto('account_snapshots')
        .values({
          time: view.time,
          trading_day: view.tradingDay,
          reason,
          account: view.account,
          currency: view.currency,
          net_liquidation: f.netLiquidation,
          total_cash: f.totalCash,
          buying_power: f.buyingPower,
          available_funds: f.availableFunds,
          excess_liquidity: f.excessLiquidity,
          init_margin: f.initMargin,
          maint_margin: f.maintMargin,
          gross_position_value: f.grossPositionValue,
          daily_pnl: f.dailyPnl,
          unrealized_pnl: f.unrealizedPnl,
          realized_pnl: f.realizedPnl,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const id = Number(row.id);
      if (view.positions.length > 0) {
        await trx
          .insertInto('position_snapshots')
          .values(
            view.positions.map((p) => ({
              snapshot_id: id,
              symbol: p.symbol,
              con_id: p.conId,
              quantity: p.quantity,
              avg_cost: p.avgCost,
              market_price: p.marketPrice,
              market_value: p.marketValue,
              unrealized_pnl: p.unrealizedPnl,
              realized_pnl: p.realizedPnl,
              sector: p.sector,
            })),
          )
          .execute();
      }
      return id;
    });
  }

  /** The latest persisted snapshot as a view (source 'snapshot'), or null before the first one. */
  async latest(): Promise<AccountView | null> {
    const row = await this.db
      .selectFrom('account_snapshots')
      .selectAll()
      .orderBy('time', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!row) return null;
    const positions = await this.db
      .selectFrom('position_snapshots')
      .selectAll()
      .where('snapshot_id', '=', row.id)
      .orderBy('symbol')
      .execute();
    const netLiquidation = Number(row.net_liquidation);
    return {
      source: 'snapshot',
      time: row.time,
      tradingDay: row.trading_day,
      account: row.account,
      currency: row.currency,
      figures: {
        netLiquidation,
        totalCash: Number(row.total_cash),
        buyingPower: Number(row.buying_power),
        availableFunds: Number(row.available_funds),
        excessLiquidity: Number(row.excess_liquidity),
        initMargin: nullableNumber(row.init_margin),
        maintMargin: nullableNumber(row.maint_margin),
        grossPositionValue: Number(row.gross_position_value),
        dailyPnl: nullableNumber(row.daily_pnl),
        unrealizedPnl: nullableNumber(row.unrealized_pnl),
        realizedPnl: nullableNumber(row.realized_pnl),
      },
      positions: positions.map((p) => ({
        symbol: p.symbol,
        conId: Number(p.con_id),
        quantity: Number(p.quantity),
        avgCost: Number(p.avg_cost),
        marketPrice: Number(p.market_price),
        marketValue: Number(p.market_value),
        unrealizedPnl: Number(p.unrealized_pnl),
        realizedPnl: Number(p.realized_pnl),
        weight: netLiquidation !== 0 ? Number(p.market_value) / netLiquidation : 0,
        sector: p.sector,
      })),
    };
  }

  /** Equity curve with drawdown, daily PnL bars and exposure by sector over a range ending now. */
  async history(range: HistoryRange, nowMs: number): Promise<AccountHistory> {
    const from = rangeStart(range, nowMs);
    let query = this.db
      .selectFrom('account_snapshots')
      .select(['id', 'time', 'trading_day', 'reason', 'net_liquidation', 'gross_position_value', 'daily_pnl'])
      .orderBy('time')
      .orderBy('id');
    if (from !== null) query = query.where('time', '>=', from);
    const rows = (await query.execute()).map((r) => ({
      id: Number(r.id),
      time: r.time,
      day: r.trading_day,
      reason: r.reason,
      nav: Number(r.net_liquidation),
      gross: Number(r.gross_position_value),
      dailyPnl: nullableNumber(r.daily_pnl),
    }));

    let peak = Number.NEGATIVE_INFINITY;
    let maxDrawdown = 0;
    const full: Array<EquityPoint & { id: number }> = rows.map((r) => {
      peak = Math.max(peak, r.nav);
      const drawdown = peak > 0 ? r.nav / peak - 1 : 0;
      maxDrawdown = Math.min(maxDrawdown, drawdown);
      return { id: r.id, time: r.time, netLiquidation: r.nav, drawdown, grossPositionValue: r.gross };
    });
    const sampled = thin(full, MAX_POINTS);

    const dailyPnl: DailyPnlBar[] = [];
    const byDay = new Map<string, (typeof rows)[number]>();
    for (const r of rows) {
      const seen = byDay.get(r.day);
      // The close snapshot is the day's figure; without one, the day's last.
      if (seen?.reason !== 'close' || r.reason === 'close') byDay.set(r.day, r);
    }
    let previousNav: number | null = null;
    for (const [day, r] of byDay) {
      const pnl = r.dailyPnl ?? (previousNav === null ? null : r.nav - previousNav);
      if (pnl !== null) dailyPnl.push({ day, pnl: round2(pnl) });
      previousNav = r.nav;
    }

    const exposure: SectorExposurePoint[] = [];
    const sectors = new Set<string>();
    const navById = new Map(sampled.map((p) => [p.id, p.netLiquidation]));
    const weightsById = new Map<number, Record<string, number>>();
    const ids = sampled.map((p) => p.id);
    for (let i = 0; i < ids.length; i += ID_CHUNK) {
      const rowsOfChunk = await this.db
        .selectFrom('position_snapshots')
        .select(['snapshot_id', 'sector'])
        .select((eb) => eb.fn.sum<number>('market_value').as('value'))
        .where('snapshot_id', 'in', ids.slice(i, i + ID_CHUNK))
        .groupBy(['snapshot_id', 'sector'])
        .execute();
      for (const r of rowsOfChunk) {
        const id = Number(r.snapshot_id);
        const nav = navById.get(id) ?? 0;
        const weights = weightsById.get(id) ?? {};
        weights[r.sector] = nav !== 0 ? Number(r.value) / nav : 0;
        weightsById.set(id, weights);
        sectors.add(r.sector);
      }
    }
    for (const p of sampled) exposure.push({ time: p.time, weights: weightsById.get(p.id) ?? {} });

    return {
      range,
      from,
      equity: sampled.map(({ id: _id, ...point }) => point),
      dailyPnl,
      sectors: [...sectors].sort(),
      exposure,
      maxDrawdown,
    };
  }
}

/** Start of a range as an ISO time; null for ALL. YTD starts on 1 January (UTC) of now's year. */
export function rangeStart(range: HistoryRange, nowMs: number): string | null {
  const days = { '1W': 7, '1M': 31, '3M': 92 } as const;
  if (range === 'ALL') return null;
  if (range === 'YTD') return `${new Date(nowMs).getUTCFullYear()}-01-01T00:00:00.000Z`;
  return new Date(nowMs - days[range] * DAY_MS).toISOString();
}

/** At most `max` points, evenly spread, always keeping the last (the figure the cards show). */
function thin<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max) return [...points];
  const step = points.length / max;
  const out: T[] = [];
  for (let i = 0; i < max - 1; i++) {
    const point = points[Math.floor(i * step)];
    if (point !== undefined) out.push(point);
  }
  const last = points[points.length - 1];
  if (last !== undefined) out.push(last);
  return out;
}

function nullableNumber(value: number | string | null): number | null {
  return value === null ? null : Number(value);
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
