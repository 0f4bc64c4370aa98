import {
  createIbBrokerage,
  type IbBrokerage,
  type IbBrokerageOptions,
} from '../../src/brokerage/ib/index.js';
import { ManualClock } from '../../src/core/clock.js';
import { type SimGatewayHandle, type SimGatewayOptions, startSimGateway } from '../../src/sim/index.js';
import { createSimClock, createSyntheticMarket, defaultInstruments } from '../../src/sim/market/index.js';

/** Tuesday 2026-11-24 10:00 New York: the market is open. */
export const OPEN_TUESDAY_MS = Date.UTC(2026, 10, 24, 15, 0, 0);

export interface Harness {
  sim: SimGatewayHandle;
  clock: ManualClock;
  brokerage(overrides?: Partial<IbBrokerageOptions>): IbBrokerage;
  close(): Promise<void>;
}

/** The built-in paper gateway on a random port with the synthetic market and a stepped clock. */
export async function startHarness(
  options: Partial<Omit<SimGatewayOptions, 'market' | 'clock'>> & { startMs?: number } = {},
): Promise<Harness> {
  const { startMs, ...simOptions } = options;
  const simClock = createSimClock({ mode: 'stepped', startMs: startMs ?? OPEN_TUESDAY_MS });
  const market = createSyntheticMarket({ seed: 7, instruments: defaultInstruments(simClock) });
  const sim = await startSimGateway({
    market,
    clock: simClock,
    controlPort: null,
    tickCadenceMs: 20,
    maxMessagesPerSecond: 0,
    pnlUpdateMs: 100_000,
    ...simOptions,
  });
  const clock = new ManualClock(simClock.nowMs());
  const created: IbBrokerage[] = [];
  let nextClientId = 10;
  return {
    sim,
    clock,
    brokerage(overrides = {}) {
      const b = createIbBrokerage({
        host: '127.0.0.1',
        port: sim.port,
        clientId: nextClientId++,
        mode: 'paper',
        clock,
        heartbeatMs: 200,
        heartbeatTimeoutMs: 300,
        connectTimeoutMs: 1_000,
        requestTimeoutMs: 5_000,
        backoff: { initialMs: 50, maxMs: 200, factor: 2 },
        maxMessagesPerSecond: 48,
        ...overrides,
      });
      created.push(b);
      return b;
    },
    async close() {
      for (const b of created) await b.connection.stop();
      await sim.close();
    },
  };
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `check` returns a truthy value or the time runs out. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | null | false,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(10);
  }
}
