import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../src/server/index.js';
import type { SimGatewayHandle } from '../../src/sim/index.js';
import { startSim } from '../execution/sim-env.js';
import { ApiClient, TEST_ADMIN_PASSWORD } from '../helpers/app.js';
import { ENGINES, type EngineTarget, freshTarget } from '../helpers/engines.js';
import { pollUntil } from '../helpers/poll.js';

interface TradingStatusBody {
  badge: string;
}
interface IbStatusBody {
  status: string;
  clientId: number;
}

/**
 * Two replicas of the server behind one address, on one database and one IB identity: only the
 * lease holder connects; the other shows the holder's status from the database, so whichever
 * replica answers, the badge is the same.
 */
describe.each(ENGINES)('two server replicas on one %s database', (engine) => {
  let sim: SimGatewayHandle;
  let target: EngineTarget;
  const apps: RunningApp[] = [];
  const clients: ApiClient[] = [];

  beforeAll(async () => {
    ({ sim } = await startSim());
    target = await freshTarget(engine);
    const env = {
      IBLOOP_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
      LOG_LEVEL: 'silent',
      IB_HOST: '127.0.0.1',
      IB_PORT: String(sim.port),
      IB_ACCOUNT: 'DU1234567',
      IB_MODE: 'paper',
      IB_CLIENT_ID: '7',
      ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {}),
    };
    for (let i = 0; i < 2; i += 1) {
      const app = await startApp({
        env,
        dataRoot: target.dataRoot,
        host: '127.0.0.1',
        port: 0,
        trading: { enabled: true, builtInGateway: 'off' },
        logSink: () => {},
      });
      apps.push(app);
      const client = new ApiClient(app.url);
      await client.login();
      clients.push(client);
    }
  }, 120_000);

  afterAll(async () => {
    for (const app of apps) await app.close();
    await sim?.close();
    target?.cleanup();
  });

  it('both report the trading replica IB status and badge, request after request', async () => {
    for (const client of clients) {
      await pollUntil(
        async () => (await client.request<TradingStatusBody>('GET', '/api/trading/status')).body,
        (s) => s.badge === 'tradable',
        30_000,
      );
    }
    // One IB session: the second replica did not connect with the same client id.
    expect(sim.gateway.sessionCount()).toBe(1);
    const badges: string[] = [];
    const statuses: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      const client = clients[i % 2] as ApiClient;
      badges.push((await client.request<TradingStatusBody>('GET', '/api/trading/status')).body.badge);
      const ib = (await client.request<IbStatusBody>('GET', '/api/ib/status')).body;
      statuses.push(ib.status);
      expect(ib.clientId).toBe(7);
    }
    expect(new Set(badges)).toEqual(new Set(['tradable']));
    expect(new Set(statuses)).toEqual(new Set(['CONNECTED']));
  }, 60_000);
});
