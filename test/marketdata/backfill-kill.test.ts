import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newYorkDay } from '../../src/calendar/index.js';
import { auditBars, IbBarStore, planChunks } from '../../src/marketdata/index.js';
import { delay, type Harness, startHarness, waitFor } from '../brokerage/sim-harness.js';
import { nodeEntry } from '../helpers/entry.js';

const SYMBOLS = ['AAPL', 'MSFT'];
const FROM = '2026-07-06';
const TO = '2026-10-30';

function backfill(dataRoot: string, port: number): ChildProcess {
  return spawn(
    process.execPath,
    [
      ...nodeEntry('cli/main'),
      'ib',
      'backfill',
      '--symbols',
      SYMBOLS.join(','),
      '--bar',
      '1m',
      '--from',
      FROM,
      '--to',
      TO,
      '--data-root',
      dataRoot,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--client-id',
      '300',
      '--pacing-max',
      '4',
      '--pacing-window-ms',
      '500',
      '--pacing-backoff-ms',
      '200',
    ],
    { env: { ...process.env, LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

/** The chunk (symbol + week key) a gateway request belongs to: the week of its end time. */
function chunkOf(symbol: string, endMs: number): string {
  const day = newYorkDay(endMs - 60_000);
  const [chunk] = planChunks([symbol], '1 min', day, day, endMs);
  return `${symbol}/${chunk?.key}`;
}

describe('backfill killed with SIGKILL resumes without fetching stored chunks again', () => {
  let h: Harness;
  let dataRoot: string;
  const served: Array<{ phase: number; chunk: string }> = [];
  let phase = 1;

  beforeAll(async () => {
    // The gateway enforces a scaled-down window a little looser than the client's own pacing.
    h = await startHarness({
      pacing: {
        enabled: true,
        identicalWindowMs: 500,
        burstCount: 6,
        burstWindowMs: 300,
        maxPerWindow: 5,
        windowMs: 500,
      },
    });
    const originalBars = h.sim.gateway.market.bars.bind(h.sim.gateway.market);
    h.sim.gateway.market.bars = (symbol, query) => {
      served.push({ phase, chunk: chunkOf(symbol, query.endMs) });
      return originalBars(symbol, query);
    };
    dataRoot = mkdtempSync(path.join(tmpdir(), 'ibloop-kill-'));
  });

  afterAll(async () => {
    await h.close();
    rmSync(dataRoot, { recursive: true, force: true });
  });

  it('kill -9 mid-run, rerun, every chunk stored once', async () => {
    const store = new IbBarStore(dataRoot);
    const total = planChunks(SYMBOLS, '1 min', FROM, TO, h.clock.nowMs()).length;
    const completeChunks = () =>
      SYMBOLS.flatMap((s) =>
        store
          .chunks(s, '1 min')
          .filter((c) => c.complete)
          .map((c) => `${s}/${c.key}`),
      );

    const first = backfill(dataRoot, h.sim.port);
    const firstExit = exitOf(first);
    await waitFor('some chunks stored', () => completeChunks().length >= 8, 30_000);
    first.kill('SIGKILL');
    expect(await firstExit).toBeNull();
    await delay(100);
    const storedBefore = new Set(completeChunks());
    expect(storedBefore.size).toBeGreaterThanOrEqual(8);
    expect(storedBefore.size).toBeLessThan(total);

    phase = 2;
    const second = backfill(dataRoot, h.sim.port);
    let output = '';
    second.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    expect(await exitOf(second)).toBe(0);
    const result = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as {
      skipped: number;
      failures: unknown[];
    };
    expect(result.failures).toEqual([]);
    expect(result.skipped).toBe(storedBefore.size);

    const fetchedAgain = served.filter((r) => r.phase === 2 && storedBefore.has(r.chunk));
    expect(fetchedAgain).toEqual([]);
    expect(served.filter((r) => r.phase === 2)).toHaveLength(total - storedBefore.size);
    expect(new Set(completeChunks()).size).toBe(total);
    for (const symbol of SYMBOLS) {
      const audit = auditBars(store, symbol, '1 min', FROM, TO, h.clock.nowMs());
      expect(audit.missingDays).toEqual([]);
      expect(audit.presentSessions).toBe(audit.expectedSessions);
    }
  });
});
