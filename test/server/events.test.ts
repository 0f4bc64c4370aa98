import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startTestApp, type TestApp } from '../helpers/app.js';
import { openEventStream } from '../helpers/sse.js';

describe('server-sent events', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses anonymous subscribers', async () => {
    expect((await fetch(`${t.app.url}/api/events`)).status).toBe(401);
  });

  it('pushes settings, audit and trading status changes to subscribers', async () => {
    const api = new ApiClient(t.app.url);
    const login = await fetch(`${t.app.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: t.app.adminPassword }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const stream = await openEventStream(`${t.app.url}/api/events`, cookie);
    try {
      expect(stream.response.headers.get('content-type')).toMatch(/text\/event-stream/);
      await stream.waitFor('hello');
      await api.login();
      await api.request('PUT', '/api/settings', { values: { IB_ACCOUNT: 'DU1112223' } });
      expect((await stream.waitFor('settings.changed')).data).toEqual({ keys: ['IB_ACCOUNT'] });
      expect((await stream.waitFor('audit.appended')).data).toMatchObject({ action: 'auth.login' });
      expect((await stream.waitFor('trading.status')).data).toEqual({
        badge: 'disconnected',
        mode: 'paper',
        account: 'DU****23',
        builtInGateway: false,
      });
    } finally {
      await stream.close();
    }
  });
});
