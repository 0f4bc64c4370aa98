import { z } from 'zod';

const share = z.number({ error: 'must be a number' }).gt(0, 'must be above 0').max(1, 'must be at most 1');

/**
 * Intraday limits of a project (or of the account). Losses are shares of net liquidation; a warning
 * level is a share of its trigger level (0.8 = warn at 80% of the way to the trigger).
 */
export const intradayLimitsSchema = z
  .object({
    maxDailyLoss: share.default(0.05),
    maxDrawdown: share.default(0.15),
    warningAt: share.default(0.8),
    /** What a drawdown trigger does; a daily-loss trigger always halts. */
    drawdownAction: z.enum(['REDUCING', 'HALTED'], { error: 'must be REDUCING or HALTED' }).default('HALTED'),
  })
  .strict();

export type IntradayLimits = z.infer<typeof intradayLimitsSchema>;

export interface AccountReading {
  netLiquidation: number;
  /** Net liquidation at the day's start (the first snapshot of the session). */
  startOfDayNetLiquidation: number | null;
  /** IB's daily PnL (reqPnL); preferred over the start-of-day difference when present. */
  dailyPnl: number | null;
  /** The highest net liquidation in the persisted account snapshots (incl. this reading). */
  highWaterMark: number;
}

export type RiskLevel = 'ok' | 'warning' | 'trigger';

export interface IntradayAssessment {
  dailyLoss: number;
  drawdown: number;
  dailyLossLevel: RiskLevel;
  drawdownLevel: RiskLevel;
  /** The trading state the readings call for; null when nothing should change. */
  action: 'REDUCING' | 'HALTED' | null;
}

function level(value: number, trigger: number, warningAt: number): RiskLevel {
  if (value >= trigger) return 'trigger';
  return value >= trigger * warningAt ? 'warning' : 'ok';
}

/** Daily loss and drawdown against their limits: a pure function so the monitor and tests agree. */
export function assessIntraday(reading: AccountReading, limits: IntradayLimits): IntradayAssessment {
  const startOfDay = reading.startOfDayNetLiquidation;
  const pnl = reading.dailyPnl ?? (startOfDay !== null ? reading.netLiquidation - startOfDay : 0);
  const base = startOfDay !== null && startOfDay > 0 ? startOfDay : reading.netLiquidation - pnl;
  const dailyLoss = base > 0 ? Math.max(0, -pnl / base) : 0;
  const hwm = Math.max(reading.highWaterMark, reading.netLiquidation);
  const drawdown = hwm > 0 ? Math.max(0, 1 - reading.netLiquidation / hwm) : 0;
  const dailyLossLevel = level(dailyLoss, limits.maxDailyLoss, limits.warningAt);
  const drawdownLevel = level(drawdown, limits.maxDrawdown, limits.warningAt);
  let action: IntradayAssessment['action'] = null;
  if (drawdownLevel === 'trigger') action = limits.drawdownAction;
  if (dailyLossLevel === 'trigger') action = 'HALTED';
  return { dailyLoss, drawdown, dailyLossLevel, drawdownLevel, action };
}
