import type { RiskStateResponse } from '../../src/contract/risk.js';
import { ManualClock } from '../../src/core/clock.js';
import type { SimGatewayHandle } from '../../src/sim/index.js';
import { OPEN_MS, startSim } from '../execution/sim-env.js';
import { ApiClient, startTestApp, TEST_ADMIN_PASSWORD } from '../helpers/app.js';
import type { EngineName } from '../helpers/engines.js';
import { pollUntil } from '../helpers/poll.js';

/** The paper account the defensive tests trade in. */
export const DEFENSIVE_ACCOUNT = 'DU1234567';

/**
 * The built-in gateway over TCP (one million in cash, P&L every 200 ms) and a trading app of `engine`
 * that follows the gateway's clock and is signed in and tradable. Both are closed by `cleanups`.
 */
export async function startDefendedApp(engine: EngineName, cleanups: Array<() => Promise<void> | void>) {
  const started = await startSim({ startMs: OPEN_MS, initialCash: 1_000_000, pnlUpdateMs: 200 });
  const sim = started.sim;
  cleanups.push(() => sim.close());
  const clock = new ManualClock(started.simClock.nowMs());
  started.simClock.onChange((now) => clock.set(now));
  const env = {
    IB_HOST: '127.0.0.1',
    IB_PORT: String(sim.port),
    IB_ACCOUNT: DEFENSIVE_ACCOUNT,
    IB_MODE: 'paper',
  };
  const t = await startTestApp(engine, { clock, trading: { enabled: true, builtInGateway: 'off' }, env });
  cleanups.push(() => t.close().catch(() => undefined));
  const api = new ApiClient(t.app.url);
  await api.login('admin', TEST_ADMIN_PASSWORD);
  await pollUntil(
    async () => (await api.request<{ tradable: boolean }>('GET', '/api/ib/status')).body,
    (s) => s.tradable,
  );
  return { started, sim, clock, t, api, env };
}

/**
 * Once the risk monitor has a reading, a -8% shock on `symbols` until the project is HALTED: the
 * monitor's own path to a halt (and, with a defensive policy, to the move).
 */
export async function shockUntilHalted(
  sim: SimGatewayHandle,
  api: ApiClient,
  projectId: number,
  symbols: readonly string[],
  timeoutMs = 10_000,
): Promise<void> {
  await pollUntil(
    async () => (await api.request<{ reading: unknown }>('GET', '/api/risk/status')).body,
    (s) => s.reading !== null,
  );
  for (const symbol of symbols) await sim.faults.shock(symbol, -8);
  await pollUntil(
    async () =>
      (await api.request<RiskStateResponse>('GET', `/api/risk/state?project=${projectId}`)).body.effective,
    (s) => s.state === 'HALTED',
    timeoutMs,
  );
}
