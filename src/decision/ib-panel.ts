import { createHash } from 'node:crypto';
import { buildPanel, type PanelSeries } from '../alpha/index.js';
import type { IbPanel } from '../decide/index.js';
import type { IbBars } from '../marketdata/index.js';

const MS_PER_DAY = 86_400_000;
/** Every column of a bar, in the bar store's order: the digest covers all of what was read. */
const DIGEST_COLUMNS = [
  'timeMs',
  'open',
  'high',
  'low',
  'close',
  'volume',
  'wap',
  'count',
] as const satisfies readonly (keyof IbBars)[];

/** What a snapshot records of each symbol's input bars: enough to prove the same bars were used. */
export interface BarDigest {
  symbol: string;
  first: string;
  last: string;
  rows: number;
  /** sha256 over the bars' columns (bar store column order, float64 little-endian). */
  hash: string;
}

export type MissingReason = 'BARS_MISSING' | 'BARS_STALE';

export interface DroppedSymbol {
  symbol: string;
  reason: MissingReason;
  /** Last bar date held, when any. */
  lastBar: string | null;
}

const dayText = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export function digestBars(bars: IbBars): BarDigest {
  const hash = createHash('sha256');
  for (const name of DIGEST_COLUMNS) {
    const column = bars[name];
    hash.update(new Uint8Array(column.buffer, column.byteOffset, column.byteLength));
  }
  return {
    symbol: bars.symbol,
    first: bars.length > 0 ? dayText(bars.timeMs[0]!) : '',
    last: bars.length > 0 ? dayText(bars.timeMs[bars.length - 1]!) : '',
    rows: bars.length,
    hash: hash.digest('hex'),
  };
}

/**
 * The feature panel of a live decision, from IB daily bars only: the parameter type takes branded
 * IbBars (research AlphaBars do not fit, a compile error), and every series is checked at run time.
 * IB's TRADES bars are split-adjusted but not dividend-adjusted, so the adjusted close is the close.
 */
export function buildIbPanel(barsList: readonly IbBars[]): IbPanel {
  const series: PanelSeries[] = barsList.map((bars) => {
    if (bars.source !== 'ib' || bars.barSize !== '1 day')
      throw new Error(`panel: ${bars.symbol} is not IB daily data; live decisions use IB daily bars only`);
    const days = new Int32Array(bars.length);
    for (let i = 0; i < bars.length; i++) days[i] = Math.floor(bars.timeMs[i]! / MS_PER_DAY);
    return {
      source: 'ib',
      symbol: bars.symbol,
      length: bars.length,
      days,
      open: bars.open,
      close: bars.close,
      adjustedClose: bars.close,
      volume: bars.volume,
    };
  });
  const panel = buildPanel(series);
  if (series.length > 0 && panel.source !== 'ib') throw new Error('panel: not built from IB data');
  return { ...panel, source: 'ib' } as IbPanel;
}
