import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { decodeIbBars, encodeIbBars, IbBarStore, ibBarsFromRows } from '../../src/marketdata/index.js';
import { RequestPacer } from '../../src/marketdata/pacing.js';

const bar = (timeMs: number, close: number) => ({
  timeMs,
  open: close - 1,
  high: close + 1,
  low: close - 2,
  close,
  volume: 100,
  wap: close,
  count: 3,
});

describe('IB bar store', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const d = mkdtempSync(path.join(tmpdir(), 'ibloop-bs-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('round-trips bars through the binary format, sorted and de-duplicated', () => {
    const bars = ibBarsFromRows('AAPL', '1 min', [bar(120_000, 3), bar(60_000, 2), bar(120_000, 4)]);
    expect([...bars.timeMs]).toEqual([60_000, 120_000]);
    expect([...bars.close]).toEqual([2, 4]);
    const back = decodeIbBars('AAPL', '1 min', encodeIbBars(bars));
    expect(back.source).toBe('ib');
    expect([...back.high]).toEqual([3, 5]);
    expect([...back.count]).toEqual([3, 3]);
    expect(() => decodeIbBars('AAPL', '1 min', Buffer.from('not a bar file'))).toThrow(/not an IB bar file/);
    const truncated = encodeIbBars(bars).subarray(0, 40);
    expect(() => decodeIbBars('AAPL', '1 min', truncated)).toThrow(/corrupt/);
  });

  it('keeps open chunks apart from complete ones and reads a time range across chunks', () => {
    const store = new IbBarStore(tempDir());
    store.writeChunk(ibBarsFromRows('MSFT', '1 day', [bar(0, 1), bar(86_400_000, 2)]), '1970', false);
    expect(store.chunks('MSFT', '1 day')).toEqual([{ key: '1970', complete: false }]);
    expect(store.hasComplete('MSFT', '1 day', '1970')).toBe(false);
    store.writeChunk(
      ibBarsFromRows('MSFT', '1 day', [bar(0, 1), bar(86_400_000, 2), bar(2 * 86_400_000, 3)]),
      '1970',
      true,
    );
    store.writeChunk(ibBarsFromRows('MSFT', '1 day', [bar(400 * 86_400_000, 9)]), '1971', true);
    expect(store.chunks('MSFT', '1 day')).toEqual([
      { key: '1970', complete: true },
      { key: '1971', complete: true },
    ]);
    expect(readdirSync(store.folder('MSFT', '1 day')).sort()).toEqual(['1970.ibb', '1971.ibb']);
    expect([...store.read('MSFT', '1 day').close]).toEqual([1, 2, 3, 9]);
    expect([...store.read('MSFT', '1 day', 86_400_000, 400 * 86_400_000).close]).toEqual([2, 3]);
  });

  it('ignores a torn temporary file left by a killed writer', () => {
    const store = new IbBarStore(tempDir());
    store.writeChunk(ibBarsFromRows('NVDA', '1 min', [bar(60_000, 1)]), '2026-01-05', true);
    writeFileSync(path.join(store.folder('NVDA', '1 min'), '2026-01-12.ibb.123.tmp'), 'partial');
    expect(store.chunks('NVDA', '1 min')).toEqual([{ key: '2026-01-05', complete: true }]);
  });
});

describe('request pacer', () => {
  it('holds the N+1st request of a window and the burst per contract', async () => {
    const clock = new ManualClock(0);
    const slept: number[] = [];
    const pacer = new RequestPacer(
      { maxPerWindow: 3, windowMs: 1_000, burstCount: 3, burstWindowMs: 100, minIntervalMs: 0, safetyMs: 5 },
      clock,
      async (ms) => {
        slept.push(ms);
        clock.advance(ms);
      },
    );
    await pacer.acquire('A');
    await pacer.acquire('A');
    expect(slept).toEqual([]);
    // A third for A within 100 ms would be the burstCount-th: wait out the burst window.
    await pacer.acquire('A');
    expect(slept).toEqual([106]);
    // Fourth overall within 1 s: wait until the first request leaves the window.
    await pacer.acquire('C');
    expect(slept).toEqual([106, 900]);
    expect(clock.nowMs()).toBe(1_006);
  });
});
