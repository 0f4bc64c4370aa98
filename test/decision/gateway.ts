/** The built-in paper gateway as the source of IB daily bars for decision tests. */
import type { BrokerContract } from '../../src/brokerage/index.js';
import { tradingDays } from '../../src/calendar/index.js';
import { ManualClock, systemClock } from '../../src/core/clock.js';
import { type IbBarStore, type PacingRules, runBackfill } from '../../src/marketdata/index.js';
import { startSimGateway } from '../../src/sim/index.js';
import {
  createSimClock,
  createSyntheticMarket,
  defaultInstruments,
  type Instrument,
} from '../../src/sim/market/index.js';
import { brokerageFor } from '../execution/sim-env.js';

/** The gateway's pacing is off; IB's own rules would only make the tests wait (pacing has its tests). */
const NO_PACING: PacingRules = {
  maxPerWindow: 10_000,
  windowMs: 1_000,
  burstCount: 10_000,
  burstWindowMs: 1_000,
  minIntervalMs: 0,
  safetyMs: 0,
};

/** 08:00 New York in summer time, 07:00 in winter: before the open, when the weekly run decides. */
export const preOpenMs = (day: string): number => Date.parse(`${day}T12:00:00Z`);

/**
 * A paper gateway over TCP with a stepped clock at `startMs`, the IB adapter connected to it, and a
 * backfill of daily bars into a bar store the way the pipeline's checklist runs it (`runBackfill`).
 */
export async function openGateway(options: {
  startMs: number;
  seed: number;
  instruments?: (clock: ReturnType<typeof createSimClock>) => Instrument[];
}) {
  const simClock = createSimClock({ mode: 'stepped', startMs: options.startMs });
  const instruments = options.instruments?.(simClock) ?? defaultInstruments(simClock);
  const sim = await startSimGateway({
    market: createSyntheticMarket({ seed: options.seed, instruments }),
    clock: simClock,
    controlPort: null,
    maxMessagesPerSecond: 0,
    pacing: {
      enabled: false,
      identicalWindowMs: 0,
      burstCount: 1,
      burstWindowMs: 0,
      maxPerWindow: 1,
      windowMs: 0,
    },
  });
  const clock = new ManualClock(simClock.nowMs());
  simClock.onChange((now) => clock.set(now));
  const broker = brokerageFor(sim, 21, clock);
  await broker.connection.start();
  const contracts = new Map<string, BrokerContract>();

  /** Daily bars of `symbols` for `sessions` sessions before `firstAsOf` through `last`. */
  async function backfill(
    store: IbBarStore,
    symbols: readonly string[],
    range: { firstAsOf: string; sessions: number; last: string },
  ): Promise<void> {
    for (const symbol of symbols) {
      if (contracts.has(symbol)) continue;
      const [contract] = await broker.contracts.resolve({ symbol });
      if (!contract) throw new Error(`the gateway does not know ${symbol}`);
      contracts.set(symbol, contract);
    }
    const from = tradingDays('2010-01-04', range.firstAsOf).slice(-range.sessions)[0]!;
    const result = await runBackfill(
      {
        brokerage: broker,
        store,
        contract: async (symbol) => contracts.get(symbol)!,
        clock,
        wallClock: systemClock,
        pacing: NO_PACING,
        pacingBackoffMs: 100,
        maxRetries: 2,
      },
      [...symbols],
      '1 day',
      from,
      range.last,
    );
    if (result.failures.length > 0) throw new Error(`backfill failed: ${JSON.stringify(result.failures)}`);
  }

  return {
    simClock,
    clock,
    instruments,
    backfill,
    /** Moves the gateway's clock forward to `ms`. */
    advanceTo: (ms: number) => simClock.advance(ms - simClock.nowMs()),
    async close() {
      await broker.connection.stop();
      await sim.close();
    },
  };
}
