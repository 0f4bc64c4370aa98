import { gzipSync } from 'node:zlib';

/**
 * Small seeded daily markets written as Alpha Vantage TIME_SERIES_DAILY_ADJUSTED CSV (newest row
 * first, as Alpha Vantage writes them). Each symbol has its own drift, so momentum ranks differ.
 */
export interface CsvMarketOptions {
  seed: number;
  symbols: readonly string[];
  /** Weekdays to generate, ending at `end`. */
  days: number;
  end?: string;
}

const HEADER = 'timestamp,open,high,low,close,adjusted_close,volume,dividend_amount,split_coefficient';

function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    // xorshift32: tiny, deterministic, good enough for test prices.
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4_294_967_296;
  };
}

function weekdaysEndingAt(end: string, count: number): string[] {
  const days: string[] = [];
  let ms = Date.parse(`${end}T00:00:00Z`);
  while (days.length < count) {
    const weekday = new Date(ms).getUTCDay();
    if (weekday !== 0 && weekday !== 6) days.push(new Date(ms).toISOString().slice(0, 10));
    ms -= 86_400_000;
  }
  return days.reverse();
}

export function csvMarket(options: CsvMarketOptions): Record<string, string> {
  const days = weekdaysEndingAt(options.end ?? '2024-06-28', options.days);
  const out: Record<string, string> = {};
  options.symbols.forEach((symbol, index) => {
    const next = random(options.seed * 7919 + index * 104_729 + 1);
    const drift = (next() - 0.5) * 0.002;
    let price = 20 + next() * 200;
    const rows: string[] = [];
    for (const day of days) {
      const open = price * (1 + (next() - 0.5) * 0.01);
      price = Math.max(1, price * (1 + drift + (next() - 0.5) * 0.04));
      const high = Math.max(open, price) * (1 + next() * 0.01);
      const low = Math.min(open, price) * (1 - next() * 0.01);
      const volume = Math.round(1e5 + next() * 1e6);
      rows.push(
        [
          day,
          open.toFixed(4),
          high.toFixed(4),
          low.toFixed(4),
          price.toFixed(4),
          price.toFixed(4),
          volume,
          '0.0000',
          '1.0',
        ].join(','),
      );
    }
    out[symbol] = `${HEADER}\n${rows.reverse().join('\n')}\n`;
  });
  return out;
}

export function gzipBase64(text: string): string {
  return gzipSync(Buffer.from(text, 'utf8')).toString('base64');
}
