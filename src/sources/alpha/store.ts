import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Clock } from '../../core/clock.js';
import { isoNow } from '../../core/clock.js';
import { type AlphaBars, allocateColumns, BAR_COLUMNS, makeAlphaBars } from './bars.js';
import { formatDay } from './days.js';

/**
 * The research bar store under `<dataRoot>/alpha/`:
 *
 *   manifest.json        symbols, coverage and content hashes (the only index; rewritten atomically)
 *   bars/<SYMBOL>.bin    one columnar binary file per symbol
 *   sectors.json         symbol -> name, sector, industry (from a constituents CSV)
 *
 * Why columnar binary: a backtest reads every symbol's whole history, and a flat file of typed-array
 * columns loads with one read and no parsing (views over the buffer), roughly 20x faster than
 * re-parsing CSV and 3x smaller than JSON (see bench/research/sp500.bench.ts). Per-symbol files keep
 * re-imports small and let a bad file fail alone.
 *
 * Layout of a .bin file (little-endian):
 *   bytes 0..3   magic "IBAB"
 *   bytes 4..7   format version (uint32) = 1
 *   bytes 8..11  row count n (uint32)
 *   bytes 12..15 reserved (0)
 *   days         n x int32 (days since 1970-01-01), padded with zeros to a multiple of 8 bytes
 *   8 columns    n x float64 each, in BAR_COLUMNS order
 */
const MAGIC = 0x42414249; // "IBAB" read as little-endian uint32
const FORMAT_VERSION = 1;
const HEADER_BYTES = 16;

export const SYMBOL_PATTERN = /^[A-Z0-9][A-Z0-9.\-^]{0,19}$/;

const symbolEntrySchema = z.object({
  file: z.string(),
  rows: z.number().int().nonnegative(),
  first: z.string(),
  last: z.string(),
  sha256: z.string().length(64),
  sourceFile: z.string(),
  /** Hash of the imported file's bytes: an identical file re-imports without being parsed again. */
  sourceSha256: z.string().length(64).optional(),
  importedAt: z.string(),
});
export type StoredSymbol = z.infer<typeof symbolEntrySchema>;

const manifestSchema = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  symbols: z.record(z.string(), symbolEntrySchema),
});
export type AlphaManifest = z.infer<typeof manifestSchema>;

export const sectorEntrySchema = z.object({
  name: z.string(),
  sector: z.string(),
  industry: z.string().optional(),
});
export type SectorEntry = z.infer<typeof sectorEntrySchema>;
const sectorsSchema = z.record(z.string(), sectorEntrySchema);

export function encodeBars(bars: AlphaBars): Buffer {
  const n = bars.length;
  const daysBytes = Math.ceil((n * 4) / 8) * 8;
  const total = HEADER_BYTES + daysBytes + BAR_COLUMNS.length * n * 8;
  const buffer = Buffer.alloc(total);
  buffer.writeUInt32LE(MAGIC, 0);
  buffer.writeUInt32LE(FORMAT_VERSION, 4);
  buffer.writeUInt32LE(n, 8);
  new Int32Array(buffer.buffer, buffer.byteOffset + HEADER_BYTES, n).set(bars.days);
  let offset = HEADER_BYTES + daysBytes;
  for (const name of BAR_COLUMNS) {
    new Float64Array(buffer.buffer, buffer.byteOffset + offset, n).set(bars[name]);
    offset += n * 8;
  }
  return buffer;
}

export function decodeBars(symbol: string, data: Uint8Array, file = symbol): AlphaBars {
  // Typed-array views need aligned offsets; copy once if the buffer came from a shared pool.
  const bytes = data.byteOffset % 8 === 0 ? data : Uint8Array.prototype.slice.call(data);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < HEADER_BYTES || view.getUint32(0, true) !== MAGIC) {
    throw new Error(`${file}: not an ibloop bar file`);
  }
  const version = view.getUint32(4, true);
  if (version !== FORMAT_VERSION) throw new Error(`${file}: unsupported bar file version ${version}`);
  const n = view.getUint32(8, true);
  const daysBytes = Math.ceil((n * 4) / 8) * 8;
  const expected = HEADER_BYTES + daysBytes + BAR_COLUMNS.length * n * 8;
  if (bytes.byteLength !== expected) {
    throw new Error(`${file}: truncated or corrupt (${bytes.byteLength} bytes, expected ${expected})`);
  }
  const columns = allocateColumns(0);
  const days = new Int32Array(bytes.buffer, bytes.byteOffset + HEADER_BYTES, n);
  const floats: Record<string, Float64Array> = {};
  let offset = HEADER_BYTES + daysBytes;
  for (const name of BAR_COLUMNS) {
    floats[name] = new Float64Array(bytes.buffer, bytes.byteOffset + offset, n);
    offset += n * 8;
  }
  return makeAlphaBars(symbol, {
    ...columns,
    days,
    ...(floats as Record<(typeof BAR_COLUMNS)[number], Float64Array>),
  });
}

/**
 * The columns a research panel is built from (structurally the alpha module's PanelSeries): a
 * symbol's days, open, close, adjusted close and volume, without the columns only imports need.
 */
export interface AlphaPriceSeries {
  readonly source: 'alpha';
  readonly symbol: string;
  readonly length: number;
  readonly days: Int32Array;
  readonly open: Float64Array;
  readonly close: Float64Array;
  readonly adjustedClose: Float64Array;
  readonly volume: Float64Array;
}

const COLUMN = Object.fromEntries(BAR_COLUMNS.map((name, c) => [name, c])) as Record<
  (typeof BAR_COLUMNS)[number],
  number
>;

/** Opens a .bin file of `n` rows after checking its header and size; the caller closes it. */
function openBarFile(file: string, n: number): number {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const expected = HEADER_BYTES + daysBytesOf(n) + BAR_COLUMNS.length * n * 8;
    const header = new DataView(new ArrayBuffer(HEADER_BYTES));
    readSync(fd, new Uint8Array(header.buffer), 0, HEADER_BYTES, 0);
    if (header.getUint32(0, true) !== MAGIC) throw new Error(`${file}: not an ibloop bar file`);
    const version = header.getUint32(4, true);
    if (version !== FORMAT_VERSION) throw new Error(`${file}: unsupported bar file version ${version}`);
    if (header.getUint32(8, true) !== n || size !== expected)
      throw new Error(`${file}: truncated or corrupt (${size} bytes, expected ${expected})`);
    return fd;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

function daysBytesOf(n: number): number {
  return Math.ceil((n * 4) / 8) * 8;
}

function readExactly(fd: number, file: string, target: ArrayBufferView, position: number): void {
  const bytes = new Uint8Array(target.buffer, target.byteOffset, target.byteLength);
  if (readSync(fd, bytes, 0, bytes.byteLength, position) !== bytes.byteLength)
    throw new Error(`${file}: short read (changed while reading?)`);
}

/** Reads a .bin file's float columns `first..first+count-1` (BAR_COLUMNS order) into `target`. */
function readColumns(fd: number, file: string, n: number, first: number, target: Float64Array): void {
  readExactly(fd, file, target, HEADER_BYTES + daysBytesOf(n) + first * n * 8);
}

/**
 * A store's series for building a panel (structurally the alpha module's PanelSeriesReader): every
 * symbol's days are held, while `series(i)` reads the price columns into one buffer that the next
 * call reuses.
 */
export interface AlphaSeriesReader {
  readonly source: 'alpha';
  readonly symbols: readonly string[];
  days(i: number): Int32Array;
  series(i: number): AlphaPriceSeries;
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Writes a file so that readers see either the old or the new content, never a partial one. */
export async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(temp, data);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

export type PutResult = 'created' | 'updated' | 'unchanged';

export class AlphaBarStore {
  readonly root: string;
  private manifest: AlphaManifest | undefined;

  constructor(
    dataRoot: string,
    private readonly clock: Clock,
  ) {
    this.root = path.join(dataRoot, 'alpha');
  }

  private get manifestPath(): string {
    return path.join(this.root, 'manifest.json');
  }

  private get sectorsPath(): string {
    return path.join(this.root, 'sectors.json');
  }

  async readManifest(): Promise<AlphaManifest> {
    if (this.manifest) return this.manifest;
    if (!existsSync(this.manifestPath)) {
      this.manifest = { formatVersion: FORMAT_VERSION, symbols: {} };
      return this.manifest;
    }
    const parsed = manifestSchema.safeParse(JSON.parse(await readFile(this.manifestPath, 'utf8')));
    if (!parsed.success) throw new Error(`${this.manifestPath}: invalid manifest: ${parsed.error.message}`);
    this.manifest = parsed.data;
    return this.manifest;
  }

  async symbols(): Promise<string[]> {
    return Object.keys((await this.readManifest()).symbols).sort();
  }

  /**
   * Stores a symbol's full history, replacing what was there. Replacing (not merging) is deliberate:
   * adjusted closes are re-based on every dividend and split, so rows from two downloads must not mix.
   * Content equal to what is stored changes nothing, not even the manifest.
   */
  async put(bars: AlphaBars, sourceFile: string, sourceSha256?: string): Promise<PutResult> {
    if (!SYMBOL_PATTERN.test(bars.symbol)) throw new Error(`symbol: "${bars.symbol}" is not a valid symbol`);
    const manifest = await this.readManifest();
    const encoded = encodeBars(bars);
    const hash = sha256Hex(encoded);
    const relative = `bars/${bars.symbol}.bin`;
    const existing = manifest.symbols[bars.symbol];
    if (existing && existing.sha256 === hash && existsSync(path.join(this.root, relative))) {
      // Same bars from a differently written file (e.g. other row order): remember that file too.
      if (sourceSha256 && existing.sourceSha256 !== sourceSha256) {
        manifest.symbols[bars.symbol] = { ...existing, sourceFile, sourceSha256 };
      }
      return 'unchanged';
    }
    await writeFileAtomic(path.join(this.root, relative), encoded);
    manifest.symbols[bars.symbol] = {
      file: relative,
      rows: bars.length,
      first: bars.length > 0 ? formatDay(bars.days[0]!) : '',
      last: bars.length > 0 ? formatDay(bars.days[bars.length - 1]!) : '',
      sha256: hash,
      sourceFile,
      ...(sourceSha256 ? { sourceSha256 } : {}),
      importedAt: isoNow(this.clock),
    };
    return existing ? 'updated' : 'created';
  }

  /** Persists the manifest after a batch of puts (one atomic write per batch, not per symbol). */
  async flush(): Promise<void> {
    const manifest = await this.readManifest();
    const sorted: AlphaManifest = { formatVersion: FORMAT_VERSION, symbols: {} };
    for (const symbol of Object.keys(manifest.symbols).sort())
      sorted.symbols[symbol] = manifest.symbols[symbol]!;
    const text = `${JSON.stringify(sorted, null, 1)}\n`;
    if (existsSync(this.manifestPath) && (await readFile(this.manifestPath, 'utf8')) === text) return;
    await writeFileAtomic(this.manifestPath, text);
  }

  /** The stored entry if `symbol` was last imported from a file with exactly these bytes. */
  async importedFrom(symbol: string, sourceSha256: string): Promise<StoredSymbol | undefined> {
    const entry = (await this.readManifest()).symbols[symbol];
    if (!entry || entry.sourceSha256 !== sourceSha256) return undefined;
    return existsSync(path.join(this.root, entry.file)) ? entry : undefined;
  }

  async load(symbol: string): Promise<AlphaBars> {
    const entry = (await this.readManifest()).symbols[symbol];
    if (!entry) throw new Error(`symbol: ${symbol} is not in the research store`);
    const file = path.join(this.root, entry.file);
    return decodeBars(symbol, await readFile(file), file);
  }

  /** Loads several symbols (all when omitted), in sorted order. */
  async loadMany(symbols?: readonly string[]): Promise<AlphaBars[]> {
    const list = symbols ? [...symbols].sort() : await this.symbols();
    return Promise.all(list.map((symbol) => this.load(symbol)));
  }

  /**
   * Several symbols' panel columns (all when omitted), in sorted order, for a panel: what backtests
   * and training read. Only those columns are read, and one symbol at a time into a reused buffer
   * (see `AlphaSeriesReader`): fresh memory is a large share of loading the S&P 500 data, and this
   * needs a twentieth of `loadMany`'s (bench/research, `npm run bench -- sp500`).
   */
  async priceSeriesReader(symbols?: readonly string[]): Promise<AlphaSeriesReader> {
    const manifest = await this.readManifest();
    const list = symbols ? [...symbols].sort() : await this.symbols();
    const files = list.map((symbol) => {
      const entry = manifest.symbols[symbol];
      if (!entry) throw new Error(`symbol: ${symbol} is not in the research store`);
      return { file: path.join(this.root, entry.file), rows: entry.rows };
    });
    const allDays = new Int32Array(files.reduce((sum, file) => sum + file.rows, 0));
    let offset = 0;
    const days = files.map(({ file, rows }) => {
      const view = allDays.subarray(offset, offset + rows);
      offset += rows;
      const fd = openBarFile(file, rows);
      try {
        readExactly(fd, file, view, HEADER_BYTES);
      } finally {
        closeSync(fd);
      }
      return view;
    });
    const scratch = new Float64Array(4 * Math.max(0, ...files.map((file) => file.rows)));
    return {
      source: 'alpha',
      symbols: list,
      days: (i) => days[i]!,
      series: (i) => {
        const { file, rows: n } = files[i]!;
        const fd = openSync(file, 'r');
        try {
          // The open, then the close, adjusted close and volume, which sit together on disk.
          readColumns(fd, file, n, COLUMN.open, scratch.subarray(0, n));
          readColumns(fd, file, n, COLUMN.close, scratch.subarray(n, 4 * n));
        } finally {
          closeSync(fd);
        }
        return {
          source: 'alpha',
          symbol: list[i]!,
          length: n,
          days: days[i]!,
          open: scratch.subarray(0, n),
          close: scratch.subarray(n, 2 * n),
          adjustedClose: scratch.subarray(2 * n, 3 * n),
          volume: scratch.subarray(3 * n, 4 * n),
        };
      },
    };
  }

  /** A digest of the stored data (per-symbol content hashes), for model versions and run records. */
  async dataDigest(symbols?: readonly string[]): Promise<string> {
    const manifest = await this.readManifest();
    const list = symbols ? [...symbols].sort() : Object.keys(manifest.symbols).sort();
    const hash = createHash('sha256');
    for (const symbol of list) hash.update(`${symbol}:${manifest.symbols[symbol]?.sha256 ?? 'missing'}\n`);
    return hash.digest('hex');
  }

  async readSectors(): Promise<Record<string, SectorEntry>> {
    if (!existsSync(this.sectorsPath)) return {};
    return sectorsSchema.parse(JSON.parse(await readFile(this.sectorsPath, 'utf8')));
  }

  /** Merges sector entries (new rows win) and writes atomically; returns how many entries changed. */
  async putSectors(entries: Record<string, SectorEntry>): Promise<number> {
    const current = await this.readSectors();
    let changed = 0;
    for (const [symbol, entry] of Object.entries(entries)) {
      if (JSON.stringify(current[symbol]) !== JSON.stringify(entry)) changed++;
      current[symbol] = entry;
    }
    if (changed === 0 && existsSync(this.sectorsPath)) return 0;
    const sorted: Record<string, SectorEntry> = {};
    for (const symbol of Object.keys(current).sort()) sorted[symbol] = current[symbol]!;
    await writeFileAtomic(this.sectorsPath, `${JSON.stringify(sorted, null, 1)}\n`);
    return changed;
  }
}
