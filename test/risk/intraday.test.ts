import { describe, expect, it } from 'vitest';
import { assessIntraday, intradayLimitsSchema } from '../../src/risk/index.js';

const limits = intradayLimitsSchema.parse({ maxDailyLoss: 0.05, maxDrawdown: 0.15 });

describe('intraday risk assessment', () => {
  it('an -8% day against a 5% daily-loss limit halts; IB daily PnL wins over the start-of-day difference', () => {
    const shocked = assessIntraday(
      {
        netLiquidation: 920_000,
        startOfDayNetLiquidation: 1_000_000,
        dailyPnl: -80_000,
        highWaterMark: 1_000_000,
      },
      limits,
    );
    expect(shocked).toMatchObject({ dailyLossLevel: 'trigger', action: 'HALTED' });
    expect(shocked.dailyLoss).toBeCloseTo(0.08, 10);
    const byPnl = assessIntraday(
      {
        netLiquidation: 1_000_000,
        startOfDayNetLiquidation: 1_000_000,
        dailyPnl: -45_000,
        highWaterMark: 1_000_000,
      },
      limits,
    );
    expect(byPnl).toMatchObject({ dailyLossLevel: 'warning', action: null });
  });

  it('warns at the warning share and stays quiet below it', () => {
    const quiet = assessIntraday(
      {
        netLiquidation: 990_000,
        startOfDayNetLiquidation: 1_000_000,
        dailyPnl: null,
        highWaterMark: 1_000_000,
      },
      limits,
    );
    expect(quiet).toMatchObject({ dailyLossLevel: 'ok', drawdownLevel: 'ok', action: null });
  });

  it('drawdown from the high-water mark triggers its configured action', () => {
    const reading = {
      netLiquidation: 840_000,
      startOfDayNetLiquidation: 845_000,
      dailyPnl: -5_000,
      highWaterMark: 1_000_000,
    };
    expect(assessIntraday(reading, limits)).toMatchObject({ drawdownLevel: 'trigger', action: 'HALTED' });
    const reduce = intradayLimitsSchema.parse({ drawdownAction: 'REDUCING' });
    expect(assessIntraday(reading, reduce)).toMatchObject({ drawdownLevel: 'trigger', action: 'REDUCING' });
  });

  it('refuses bad limits naming the field', () => {
    for (const [bad, field] of [
      [{ maxDailyLoss: -0.05 }, 'maxDailyLoss'],
      [{ maxDrawdown: 1.5 }, 'maxDrawdown'],
      [{ drawdownAction: 'PANIC' }, 'drawdownAction'],
    ] as const) {
      const parsed = intradayLimitsSchema.safeParse(bad);
      expect(parsed.error?.issues[0]?.path).toEqual([field]);
    }
  });
});
