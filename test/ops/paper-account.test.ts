import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createIbBrokerage, type IbBrokerage } from '../../src/brokerage/ib/index.js';
import type { BrokerOrder } from '../../src/brokerage/index.js';
import { systemClock } from '../../src/core/clock.js';
import { startApp } from '../../src/server/index.js';
import { builtInStatePath } from '../../src/server/trading-supervisor.js';
import { startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from '../helpers/app.js';
import { pollUntil } from '../helpers/poll.js';

/**
 * The built-in paper gateway keeps its account under the data root: a settings change (which
 * restarts the gateway) and a server restart leave cash, positions and working orders as they were.
 */
describe('the built-in paper account survives restarts', () => {
  let t: TestApp | undefined;
  let client: IbBrokerage | undefined;

  afterAll(async () => {
    await client?.connection.stop();
    await t?.close();
  });

  async function gatewayPort(app: TestApp): Promise<number> {
    return pollUntil(
      async () => {
        const state = app.app.trading.ib?.brokerage.connection.state();
        return state?.status === 'CONNECTED' ? state.port : 0;
      },
      (port) => port > 0,
      30_000,
    );
  }

  async function connectClient(port: number): Promise<IbBrokerage> {
    await client?.connection.stop();
    client = createIbBrokerage({ host: '127.0.0.1', port, clientId: 77, mode: 'paper', clock: systemClock });
    await client.connection.start();
    return client;
  }

  async function view(b: IbBrokerage) {
    const summary = await b.account.summary();
    const positions = (await b.account.positions()).map((p) => [p.symbol, p.quantity]).sort();
    const open = (await b.orders.openOrders())
      .map((o: BrokerOrder) => [o.orderRef, o.symbol, o.side, o.quantity, o.limitPrice])
      .sort();
    return { cash: summary.totalCash, positions, open };
  }

  it('keeps cash, positions and working orders across a settings change and a server restart', async () => {
    t = await startTestApp('sqlite', { trading: { enabled: true, builtInGateway: 'auto' } });
    const dataRoot = t.target.dataRoot;
    let b = await connectClient(await gatewayPort(t));
    const [contract] = await b.contracts.resolve({ symbol: 'AAPL' });
    if (!contract) throw new Error('no AAPL contract');
    const account = 'DU1234567';
    // A working order far below the market, and a market order that fills (or works, market closed).
    b.orders.place({
      orderId: b.orders.nextOrderId(),
      orderRef: 'ops-test-working',
      contract,
      side: 'BUY',
      quantity: 10,
      type: 'LMT',
      limitPrice: 1,
      tif: 'GTC',
      account,
    });
    b.orders.place({
      orderId: b.orders.nextOrderId(),
      orderRef: 'ops-test-market',
      contract,
      side: 'BUY',
      quantity: 5,
      type: 'MKT',
      tif: 'DAY',
      account,
    });
    const before = await pollUntil(
      () => view(b),
      (v) => v.open.some((o) => o[0] === 'ops-test-working'),
      10_000,
    );
    expect(before.open.length).toBeGreaterThanOrEqual(1);
    await pollUntil(
      async () => existsSync(builtInStatePath(dataRoot)),
      (exists) => exists,
      5_000,
    );

    // A settings change restarts the gateway in-process.
    await t.app.ctx.settings.update({ IB_CLIENT_ID: '2' }, 'test');
    b = await connectClient(await gatewayPort(t));
    expect(await view(b)).toEqual(before);

    // A server restart on the same data root.
    await client?.connection.stop();
    client = undefined;
    await t.app.close();
    t = await restartOn(dataRoot, t);
    b = await connectClient(await gatewayPort(t));
    expect(await view(b)).toEqual(before);
    // Two gateway restarts and a server restart: on a busy CI machine this takes well over a minute.
  }, 180_000);
});

async function restartOn(dataRoot: string, previous: TestApp): Promise<TestApp> {
  const logs: string[] = [];
  const app = await startApp({
    env: { IBLOOP_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD, LOG_LEVEL: 'info' },
    dataRoot,
    host: '127.0.0.1',
    port: 0,
    logSink: (line) => logs.push(line),
    trading: { enabled: true, builtInGateway: 'auto' },
  });
  return {
    app,
    target: previous.target,
    logs,
    close: async () => {
      await app.close();
      previous.target.cleanup();
    },
  };
}
