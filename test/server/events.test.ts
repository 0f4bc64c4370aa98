import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startTestApp, type TestApp } from '../helpers/app.js';

interface Frame {
  event: string;
  data: unknown;
}

async function openStream(url: string, cookie: string) {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { cookie }, signal: controller.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const frames: Frame[] = [];
  const pump = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const chunk = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(chunk)?.[1];
          const data = /^data: (.*)$/m.exec(chunk)?.[1];
          if (event && data) frames.push({ event, data: JSON.parse(data) });
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    response,
    frames,
    async waitFor(name: string, timeoutMs = 5000): Promise<Frame> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = frames.find((f) => f.event === name);
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(`no ${name} event; got ${frames.map((f) => f.event).join(',')}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: async () => {
      controller.abort();
      await pump;
    },
  };
}

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
    const stream = await openStream(`${t.app.url}/api/events`, cookie);
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
