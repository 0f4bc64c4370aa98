import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dayNumber, daySchema, newYorkInstantOfDay, tradingDayOf } from '../../calendar/index.js';
import type { Bar, MarketModel } from './types.js';

const HEADER = 'timestamp,open,high,low,close,adjusted_close,volume,dividend_amount,split_coefficient';

/**
 * Writes one Alpha Vantage daily-adjusted CSV per instrument (`SYMBOL.csv`, newest row first, as
 * Alpha Vantage does), so research runs on the very prices paper trading will see. Only pass days
 * up to the simulated today: a synthetic model can produce "future" sessions too.
 */
export function exportDailyBarsAlphaCsv(
  model: MarketModel,
  dir: string,
  fromDay: string,
  toDay: string,
): void {
  daySchema.parse(fromDay);
  daySchema.parse(toDay);
  if (toDay < fromDay) throw new Error(`export range is empty: ${fromDay} > ${toDay}`);
  mkdirSync(dir, { recursive: true });
  const startMs = newYorkInstantOfDay(fromDay, 0, 0);
  const days = dayNumber(toDay) - dayNumber(fromDay) + 1;
  const endMs = startMs + days * 86_400_000 + 3_600_000;
  // A fractional-day duration keeps the window in calendar time (whole days under a week would be
  // read as a count of trading sessions).
  const durationSec = (endMs - startMs) / 1000 + 1;
  const query = { endMs, durationSec, barSizeSec: 86_400, useRth: true } as const;
  for (const instrument of model.instruments) {
    const trades = model.bars(instrument.symbol, { ...query, whatToShow: 'TRADES' });
    const adjusted = new Map<number, Bar>(
      model
        .bars(instrument.symbol, { ...query, whatToShow: 'ADJUSTED_LAST' })
        .map((bar) => [bar.timeMs, bar]),
    );
    const lines = [HEADER];
    for (let index = trades.length - 1; index >= 0; index--) {
      const bar = trades[index];
      if (!bar) continue;
      const day = tradingDayOf(bar.timeMs);
      if (day < fromDay || day > toDay) continue;
      const adjustedClose = adjusted.get(bar.timeMs)?.close ?? bar.close;
      lines.push(
        [day, bar.open, bar.high, bar.low, bar.close, adjustedClose, bar.volume, '0.0000', '1.0'].join(','),
      );
    }
    writeFileSync(join(dir, `${instrument.symbol}.csv`), `${lines.join('\n')}\n`);
  }
}
