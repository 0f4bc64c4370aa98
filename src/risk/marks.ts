import type { Kysely } from 'kysely';
import type { RiskReading } from '../contract/risk.js';
import type { Database } from '../store/index.js';

/** What the monitor reads from IB once per tick. */
export interface AccountFiguresNow {
  /** Masked account id. */
  account: string;
  netLiquidation: number;
  dailyPnl: number | null;
}

/** Persisting every tick would write once a second all day; unchanged marks wait this long. */
const QUIET_WRITE_MS = 5_000;

/**
 * The monitor's marks per account (risk_marks): the high-water mark of net liquidation, seeded from
 * the persisted account snapshots, and the day's starting net liquidation. Both survive a restart and
 * a lease takeover, so the drawdown is never measured from a lower, later peak.
 */
export class RiskMarks {
  private cached: RiskReading | undefined;
  private lastWriteMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly db: Kysely<Database>) {}

  /** The latest persisted reading (any replica), or null before the monitor's first one. */
  async latest(): Promise<RiskReading | null> {
    const row = await this.db
      .selectFrom('risk_marks')
      .selectAll()
      .orderBy('read_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? toReading(row) : null;
  }

  /** Folds a reading into the marks; persists when a mark moved, a new day began, or every few seconds. */
  async observe(now: AccountFiguresNow, tradingDay: string, nowMs: number): Promise<RiskReading> {
    const readAt = new Date(nowMs).toISOString();
    const previous =
      this.cached?.account === now.account ? this.cached : await this.load(now.account, tradingDay);
    const newDay = previous === null || previous.tradingDay !== tradingDay;
    const startOfDay = newDay
      ? // IB's daily PnL says where the day started; without it the first reading of the day does.
        now.netLiquidation - (now.dailyPnl ?? 0)
      : previous.startOfDayNetLiquidation;
    const peak =
      previous === null ? now.netLiquidation : Math.max(previous.highWaterMark, now.netLiquidation);
    const newPeak = previous === null || now.netLiquidation > previous.highWaterMark;
    const reading: RiskReading = {
      account: now.account,
      tradingDay,
      readAt,
      netLiquidation: now.netLiquidation,
      dailyPnl: now.dailyPnl,
      startOfDayNetLiquidation: startOfDay,
      highWaterMark: peak,
      highWaterAt: newPeak ? readAt : (previous?.highWaterAt ?? readAt),
    };
    this.cached = reading;
    // Wall time, not the trading clock (tests and replays hold that one still).
    const wallMs = performance.now();
    if (newDay || newPeak || wallMs - this.lastWriteMs >= QUIET_WRITE_MS) {
      await this.save(reading);
      this.lastWriteMs = wallMs;
    }
    return reading;
  }

  /** Writes the cached reading now (a trigger's evidence must be on disk before anything else). */
  async flush(): Promise<void> {
    if (this.cached) await this.save(this.cached);
  }

  private async load(account: string, tradingDay: string): Promise<RiskReading | null> {
    const row = await this.db
      .selectFrom('risk_marks')
      .selectAll()
      .where('account', '=', account)
      .executeTakeFirst();
    if (row) return toReading(row);
    // First reading for this account: the persisted snapshots already know a peak.
    const snap = await this.db
      .selectFrom('account_snapshots')
      .select(['net_liquidation', 'time'])
      .where('account', '=', account)
      .orderBy('net_liquidation', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!snap) return null;
    const first = await this.db
      .selectFrom('account_snapshots')
      .select(['net_liquidation', 'daily_pnl'])
      .where('account', '=', account)
      .where('trading_day', '=', tradingDay)
      .orderBy('time')
      .limit(1)
      .executeTakeFirst();
    const peak = Number(snap.net_liquidation);
    return {
      account,
      tradingDay: first ? tradingDay : '',
      readAt: snap.time,
      netLiquidation: peak,
      dailyPnl: null,
      startOfDayNetLiquidation: first ? Number(first.net_liquidation) - Number(first.daily_pnl ?? 0) : null,
      highWaterMark: peak,
      highWaterAt: snap.time,
    };
  }

  private async save(r: RiskReading): Promise<void> {
    const values = {
      trading_day: r.tradingDay,
      start_of_day_nav: r.startOfDayNetLiquidation,
      high_water_mark: r.highWaterMark,
      high_water_at: r.highWaterAt,
      net_liquidation: r.netLiquidation,
      daily_pnl: r.dailyPnl,
      read_at: r.readAt,
    };
    await this.db
      .insertInto('risk_marks')
      .values({ account: r.account, ...values })
      .onConflict((oc) => oc.column('account').doUpdateSet(values))
      .execute();
  }
}

function toReading(row: {
  account: string;
  trading_day: string;
  start_of_day_nav: number | string | null;
  high_water_mark: number | string;
  high_water_at: string;
  net_liquidation: number | string;
  daily_pnl: number | string | null;
  read_at: string;
}): RiskReading {
  return {
    account: row.account,
    tradingDay: row.trading_day,
    readAt: row.read_at,
    netLiquidation: Number(row.net_liquidation),
    dailyPnl: row.daily_pnl === null ? null : Number(row.daily_pnl),
    startOfDayNetLiquidation: row.start_of_day_nav === null ? null : Number(row.start_of_day_nav),
    highWaterMark: Number(row.high_water_mark),
    highWaterAt: row.high_water_at,
  };
}
