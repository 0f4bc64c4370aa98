/**
 * Level-1 quote files: `<dataRoot>/ib/stream/<YYYY-MM-DD>/<SYMBOL>.jsonl`, partitioned by New York
 * trading day and symbol, append-only, one line per change of a symbol's quote state:
 * `{"t":epochMs,"b":bid,"a":ask,"l":last,"bs":..,"as":..,"ls":..,"v":volume}`.
 *
 * Writes are batched (one append per file per flush). A line is written only when the state differs
 * from the last line written for that symbol and day, so the snapshot IB sends again after a
 * reconnect or 1101 adds no duplicate line; the last line of an existing file seeds that check, so a
 * restarted process does not duplicate either.
 */
import { closeSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { newYorkDay } from '../calendar/index.js';
import type { IbQuote } from './bars.js';

export interface QuoteLine {
  t: number;
  b: number | null;
  a: number | null;
  l: number | null;
  bs: number | null;
  as: number | null;
  ls: number | null;
  v: number | null;
}

function stateKey(q: IbQuote): string {
  return `${q.bid}|${q.ask}|${q.last}|${q.bidSize}|${q.askSize}|${q.lastSize}|${q.volume}`;
}

function lineKey(line: QuoteLine): string {
  return `${line.b}|${line.a}|${line.l}|${line.bs}|${line.as}|${line.ls}|${line.v}`;
}

function readLastLine(file: string): string | undefined {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return undefined;
  }
  if (size === 0) return undefined;
  const length = Math.min(size, 4096);
  const buffer = Buffer.alloc(length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, length, size - length);
  } finally {
    closeSync(fd);
  }
  const lines = buffer
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0);
  return lines.at(-1);
}

export class QuoteStreamWriter {
  private readonly pending = new Map<string, string[]>();
  private readonly lastKey = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  linesWritten = 0;
  duplicatesSkipped = 0;

  constructor(
    private readonly dataRoot: string,
    private readonly flushMs = 250,
  ) {}

  fileFor(symbol: string, timeMs: number): string {
    return path.join(this.dataRoot, 'ib', 'stream', newYorkDay(timeMs), `${symbol.toUpperCase()}.jsonl`);
  }

  append(quote: IbQuote): void {
    const file = this.fileFor(quote.symbol, quote.timeMs);
    const key = stateKey(quote);
    if (!this.lastKey.has(file)) {
      const last = readLastLine(file);
      if (last) {
        try {
          this.lastKey.set(file, lineKey(JSON.parse(last) as QuoteLine));
        } catch {
          // a torn last line (crash mid-write) is simply not a duplicate of anything
        }
      }
    }
    if (this.lastKey.get(file) === key) {
      this.duplicatesSkipped += 1;
      return;
    }
    this.lastKey.set(file, key);
    const line: QuoteLine = {
      t: quote.timeMs,
      b: quote.bid,
      a: quote.ask,
      l: quote.last,
      bs: quote.bidSize,
      as: quote.askSize,
      ls: quote.lastSize,
      v: quote.volume,
    };
    const list = this.pending.get(file) ?? [];
    list.push(JSON.stringify(line));
    this.pending.set(file, list);
    if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.flushMs);
  }

  /** Writes everything buffered; resolves when it is on disk (in the OS's hands). */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = [...this.pending.entries()];
    this.pending.clear();
    this.writing = this.writing.then(async () => {
      for (const [file, lines] of batch) {
        mkdirSync(path.dirname(file), { recursive: true });
        await appendFile(file, `${lines.join('\n')}\n`);
        this.linesWritten += lines.length;
      }
    });
    return this.writing;
  }

  async close(): Promise<void> {
    await this.flush();
  }
}
