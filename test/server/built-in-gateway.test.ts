import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startTestApp, type TestApp } from '../helpers/app.js';
import { pollUntil } from '../helpers/poll.js';

interface IbStatusBody {
  status: string;
  builtInGateway: boolean;
  account: string | null;
  mode: string;
  serverVersion: number | null;
}
interface TradingStatusBody {
  badge: string;
  builtInGateway: boolean;
  account: string | null;
}

/** The demo: no IB gateway configured, so the server starts the built-in paper gateway and trades on it. */
describe('server with the built-in paper gateway', () => {
  let t: TestApp;
  let api: ApiClient;

  beforeAll(async () => {
    t = await startTestApp('sqlite', { trading: { enabled: true, builtInGateway: 'auto' } });
    api = new ApiClient(t.app.url);
    await api.login();
  });
  afterAll(async () => {
    await t.close();
  });

  it('connects to the in-process gateway and says so', async () => {
    const status = await pollUntil(
      async () => (await api.request<IbStatusBody>('GET', '/api/ib/status')).body,
      (s) => s.status === 'CONNECTED',
    );
    expect(status).toMatchObject({ builtInGateway: true, mode: 'paper', account: 'DU****67' });
    expect(status.serverVersion).toBeGreaterThanOrEqual(176);
    const badge = await pollUntil(
      async () => (await api.request<TradingStatusBody>('GET', '/api/trading/status')).body,
      (s) => s.badge === 'tradable',
    );
    expect(badge).toEqual({ badge: 'tradable', mode: 'paper', account: 'DU****67', builtInGateway: true });
  });

  it('streams level-1 quotes for a chosen universe', async () => {
    const bad = await api.request<{ error: { fields: Array<{ field: string }> } }>(
      'PUT',
      '/api/ib/quotes/universe',
      {},
    );
    expect(bad.status).toBe(400);
    const set = await api.request<{ subscribed: string[]; refused: string[] }>(
      'PUT',
      '/api/ib/quotes/universe',
      {
        symbols: 'AAPL,MSFT',
      },
    );
    expect(set.body).toMatchObject({ subscribed: ['AAPL', 'MSFT'], refused: [] });
    const quotes = await pollUntil(
      async () =>
        (
          await api.request<{ quotes: Array<{ symbol: string; last: number | null; bid: number | null }> }>(
            'GET',
            '/api/ib/quotes',
          )
        ).body.quotes,
      (q) => q.length === 2 && q.every((x) => (x.last ?? 0) > 0 && (x.bid ?? 0) > 0),
    );
    expect(quotes.map((q) => q.symbol)).toEqual(['AAPL', 'MSFT']);
  });

  it("streams the quotes of every project's universe, following project changes", async () => {
    const theme = await api.request<{ theme: { id: number } }>('POST', '/api/themes', {
      name: 'Two banks and a chip maker',
      members: [{ symbol: 'JPM' }, { symbol: 'MSFT' }],
    });
    expect(theme.status).toBe(201);
    const project = await api.request('POST', '/api/projects', {
      name: 'Quotes',
      params: { themeIds: [theme.body.theme.id] },
    });
    expect(project.status).toBe(201);
    const quotes = await pollUntil(
      async () =>
        (
          await api.request<{ quotes: Array<{ symbol: string; last: number | null }> }>(
            'GET',
            '/api/ib/quotes',
          )
        ).body.quotes,
      (q) => q.map((x) => x.symbol).join() === 'JPM,MSFT' && q.every((x) => (x.last ?? 0) > 0),
    );
    expect(quotes).toHaveLength(2);
  });

  it('switches to the configured gateway when the user saves one', async () => {
    const res = await api.request('PUT', '/api/settings', {
      values: { IB_ACCOUNT: 'DU7777777', IB_PORT: 1 },
    });
    expect(res.status).toBe(200);
    const status = await pollUntil(
      async () => (await api.request<IbStatusBody>('GET', '/api/ib/status')).body,
      (s) => s.builtInGateway === false,
    );
    expect(status.status).not.toBe('CONNECTED');
    const badge = (await api.request<TradingStatusBody>('GET', '/api/trading/status')).body;
    expect(badge).toEqual({
      badge: 'disconnected',
      mode: 'paper',
      account: 'DU****77',
      builtInGateway: false,
    });
  });
});
