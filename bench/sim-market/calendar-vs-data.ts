/**
 * One-off check: compares the NYSE calendar with the trading dates found in a folder of Alpha Vantage
 * daily CSVs (a date counts as traded when at least half of the sampled symbols have a row).
 * Run: npx tsx bench/sim-market/calendar-vs-data.ts [/path/to/daily_adjusted]
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { tradingDays } from '../../src/calendar/index.js';

const dir = process.argv[2] ?? '/work/shared/data/alpha-sp500/daily_adjusted';
const symbols = ['AAPL', 'MSFT', 'JPM', 'XOM', 'GE', 'KO', 'PG', 'WMT', 'IBM', 'INTC'];
const seen = new Map<string, number>();
let sampled = 0;
for (const symbol of symbols) {
  const path = [join(dir, `${symbol}.csv.gz`), join(dir, `${symbol}.csv`)].find((candidate) =>
    existsSync(candidate),
  );
  if (!path) continue;
  sampled++;
  const raw = readFileSync(path);
  const text = path.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  for (const line of text.split('\n').slice(1)) {
    const day = line.split(',')[0];
    if (day) seen.set(day, (seen.get(day) ?? 0) + 1);
  }
}
if (sampled === 0) throw new Error(`no sample symbols found in ${dir}`);
const dataDays = [...seen.entries()]
  .filter(([, count]) => count >= sampled / 2)
  .map(([day]) => day)
  .sort();
const from = dataDays[0] ?? '2000-01-01';
const to = dataDays.at(-1) ?? from;
const calendarDays = tradingDays(from, to);
const calendarSet = new Set(calendarDays);
const dataSet = new Set(dataDays);
console.log(`range ${from}..${to}: data ${dataDays.length} days, calendar ${calendarDays.length} days`);
console.log(
  'traded but closed by the calendar:',
  dataDays.filter((day) => !calendarSet.has(day)),
);
console.log(
  'open by the calendar but no data:',
  calendarDays.filter((day) => !dataSet.has(day)),
);
