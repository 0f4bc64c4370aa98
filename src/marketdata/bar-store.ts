/**
 * IB bars on disk: `<dataRoot>/ib/bars/<1d|1m>/<SYMBOL>/<chunk>.ibb`, one file per backfill chunk
 * (a calendar year of daily bars, a calendar week of minute bars).
 *
 * Format (measured against JSONL in bench/brokerage/ib.bench.ts, see docs/ib-data.md): a 16-byte
 * header (magic "IBB1", u32 bar count, u32 column count, u32 reserved) followed by 8 little-endian
 * float64 columns in IB_BAR_COLUMNS order. Reading is one file read plus typed-array views, no parse.
 *
 * Files are written to a temporary name and renamed, so a chunk is either whole or absent: a killed
 * backfill never leaves a half chunk that a rerun would mistake for done. A chunk still open at the
 * time of writing (its end is in the future) is stored with the `.open.ibb` suffix and fetched again.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { concatIbBars, IB_BAR_COLUMNS, type IbBarSize, type IbBars, ibBarsFromColumns } from './bars.js';

const MAGIC = 0x31424249; // "IBB1" little-endian
const HEADER_BYTES = 16;

export function barSizeFolder(barSize: IbBarSize): string {
  return barSize === '1 day' ? '1d' : '1m';
}

export function encodeIbBars(bars: IbBars): Buffer {
  const n = bars.length;
  const buffer = Buffer.alloc(HEADER_BYTES + IB_BAR_COLUMNS.length * n * 8);
  buffer.writeUInt32LE(MAGIC, 0);
  buffer.writeUInt32LE(n, 4);
  buffer.writeUInt32LE(IB_BAR_COLUMNS.length, 8);
  IB_BAR_COLUMNS.forEach((name, c) => {
    const column = bars[name];
    const offset = HEADER_BYTES + c * n * 8;
    for (let i = 0; i < n; i++) buffer.writeDoubleLE(column[i] as number, offset + i * 8);
  });
  return buffer;
}

export function decodeIbBars(symbol: string, barSize: IbBarSize, data: Buffer): IbBars {
  if (data.length < HEADER_BYTES || data.readUInt32LE(0) !== MAGIC) {
    throw new Error(`not an IB bar file (${symbol} ${barSize})`);
  }
  const n = data.readUInt32LE(4);
  const columns = data.readUInt32LE(8);
  if (columns !== IB_BAR_COLUMNS.length || data.length !== HEADER_BYTES + columns * n * 8) {
    throw new Error(`corrupt IB bar file (${symbol} ${barSize})`);
  }
  // Columns are Float64Array views: over the file's own buffer when it is 8-byte aligned (a whole-file
  // read is), else over one aligned copy. A live decision reads hundreds of files at once.
  let buffer = data.buffer;
  let start = data.byteOffset + HEADER_BYTES;
  if (start % 8 !== 0) {
    buffer = new ArrayBuffer(columns * n * 8);
    new Uint8Array(buffer).set(data.subarray(HEADER_BYTES));
    start = 0;
  }
  const view = (c: number) => new Float64Array(buffer, start + c * n * 8, n);
  return ibBarsFromColumns(symbol, barSize, {
    timeMs: view(0),
    open: view(1),
    high: view(2),
    low: view(3),
    close: view(4),
    volume: view(5),
    wap: view(6),
    count: view(7),
  });
}

export interface StoredChunk {
  key: string;
  complete: boolean;
}

export class IbBarStore {
  constructor(private readonly dataRoot: string) {}

  folder(symbol: string, barSize: IbBarSize): string {
    return path.join(this.dataRoot, 'ib', 'bars', barSizeFolder(barSize), symbol.toUpperCase());
  }

  /** Chunks on disk; an open chunk is listed as not complete. */
  chunks(symbol: string, barSize: IbBarSize): StoredChunk[] {
    let names: string[];
    try {
      names = readdirSync(this.folder(symbol, barSize));
    } catch {
      return [];
    }
    const out: StoredChunk[] = [];
    for (const name of names) {
      if (name.endsWith('.open.ibb')) out.push({ key: name.slice(0, -'.open.ibb'.length), complete: false });
      else if (name.endsWith('.ibb')) out.push({ key: name.slice(0, -'.ibb'.length), complete: true });
    }
    return out.sort((a, b) => a.key.localeCompare(b.key));
  }

  hasComplete(symbol: string, barSize: IbBarSize, key: string): boolean {
    return this.chunks(symbol, barSize).some((c) => c.key === key && c.complete);
  }

  /** Idempotent: writing the same chunk again replaces it whole. */
  writeChunk(bars: IbBars, key: string, complete: boolean): void {
    const folder = this.folder(bars.symbol, bars.barSize);
    mkdirSync(folder, { recursive: true });
    const final = path.join(folder, `${key}${complete ? '.ibb' : '.open.ibb'}`);
    const tmp = `${final}.${process.pid}.tmp`;
    writeFileSync(tmp, encodeIbBars(bars));
    renameSync(tmp, final);
    if (complete) rmSync(path.join(folder, `${key}.open.ibb`), { force: true });
  }

  /**
   * Adds bars to a chunk: a stored bar at the same time is replaced, the rest is kept, so a short
   * request for the newest sessions extends the chunk without fetching it again.
   */
  mergeIntoChunk(bars: IbBars, key: string, complete: boolean): void {
    const stored = this.readChunk(bars.symbol, bars.barSize, key);
    // Later parts win on equal times; the usual tail (all newer) is a plain column copy.
    const merged = stored ? concatIbBars(bars.symbol, bars.barSize, [stored, bars]) : bars;
    this.writeChunk(merged, key, complete);
  }

  /** The time of the newest stored bar of a symbol (reads only the newest non-empty chunk). */
  lastBarMs(symbol: string, barSize: IbBarSize): number | undefined {
    const chunks = this.chunks(symbol, barSize);
    for (let i = chunks.length - 1; i >= 0; i--) {
      const bars = this.readChunk(symbol, barSize, (chunks[i] as StoredChunk).key);
      if (bars && bars.length > 0) return bars.timeMs[bars.length - 1] as number;
    }
    return undefined;
  }

  readChunk(symbol: string, barSize: IbBarSize, key: string): IbBars | undefined {
    const folder = this.folder(symbol, barSize);
    for (const name of [`${key}.ibb`, `${key}.open.ibb`]) {
      try {
        return decodeIbBars(symbol.toUpperCase(), barSize, readFileSync(path.join(folder, name)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return undefined;
  }

  /** Every stored bar of a symbol in [fromMs, toMs). */
  read(symbol: string, barSize: IbBarSize, fromMs = -Infinity, toMs = Infinity): IbBars {
    const upper = symbol.toUpperCase();
    const parts: IbBars[] = [];
    const folder = this.folder(upper, barSize);
    for (const chunk of this.chunks(upper, barSize)) {
      // The listing says which file a chunk is: no probing for the other name, unless a backfill
      // completed the chunk since the listing.
      const name = `${chunk.key}${chunk.complete ? '.ibb' : '.open.ibb'}`;
      let data: Buffer;
      try {
        data = readFileSync(path.join(folder, name));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        const bars = this.readChunk(upper, barSize, chunk.key);
        if (bars) parts.push(bars);
        continue;
      }
      parts.push(decodeIbBars(upper, barSize, data));
    }
    const all = parts.length === 1 ? parts[0]! : concatIbBars(upper, barSize, parts);
    if (fromMs === -Infinity && toMs === Infinity) return all;
    let start = 0;
    while (start < all.length && (all.timeMs[start] as number) < fromMs) start++;
    let end = start;
    while (end < all.length && (all.timeMs[end] as number) < toMs) end++;
    const slice = (c: Float64Array) => c.subarray(start, end);
    return ibBarsFromColumns(upper, barSize, {
      timeMs: slice(all.timeMs),
      open: slice(all.open),
      high: slice(all.high),
      low: slice(all.low),
      close: slice(all.close),
      volume: slice(all.volume),
      wap: slice(all.wap),
      count: slice(all.count),
    });
  }
}
