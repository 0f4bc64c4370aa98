import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { SESSION_TTL_MS } from '../../src/server/auth/accounts.js';
import { startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from '../helpers/app.js';

/** Opens the event stream and resolves `ended` when the server closes it. */
async function openStream(url: string, cookie: string) {
  const controller = new AbortController();
  const response = await fetch(`${url}/api/events`, { headers: { cookie }, signal: controller.signal });
  const reader = response.body?.getReader();
  if (!reader) throw new Error('no event stream');
  let text = '';
  const decoder = new TextDecoder();
  const ended = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text;
      text += decoder.decode(value, { stream: true });
    }
  })();
  // Aborting from this side rejects the read; that end is expected, not an error.
  ended.catch(() => undefined);
  return { response, ended, abort: () => controller.abort() };
}

async function signIn(url: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }),
  });
  const body = (await res.json()) as { csrfToken: string };
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '', csrf: body.csrfToken };
}

const within = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} still open after ${ms} ms`)), ms),
    ),
  ]);

describe('event streams end with their session', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('closes the stream at logout, and only that session’s stream', async () => {
    t = await startTestApp('sqlite');
    const mine = await signIn(t.app.url);
    const other = await signIn(t.app.url);
    const stream = await openStream(t.app.url, mine.cookie);
    const otherStream = await openStream(t.app.url, other.cookie);
    expect(stream.response.status).toBe(200);
    const out = await fetch(`${t.app.url}/api/auth/logout`, {
      method: 'POST',
      headers: { cookie: mine.cookie, 'x-csrf-token': mine.csrf },
    });
    expect(out.status).toBe(204);
    expect(await within(stream.ended, 5_000, 'the logged-out stream')).toContain('event: hello');
    expect(t.app.server.eventStreams.size).toBe(1);
    otherStream.abort();
  });

  it('closes the stream when the session expires', async () => {
    const clock = new ManualClock(Date.parse('2026-03-02T14:00:00Z'));
    t = await startTestApp('sqlite', { clock });
    const { cookie } = await signIn(t.app.url);
    // Just before expiry: the stream opens, then ends on its own once the session runs out.
    clock.advance(SESSION_TTL_MS - 300);
    const stream = await openStream(t.app.url, cookie);
    expect(stream.response.status).toBe(200);
    await within(stream.ended, 5_000, 'the expired session’s stream');
    clock.advance(1_000);
    expect((await fetch(`${t.app.url}/api/events`, { headers: { cookie } })).status).toBe(401);
  });
});
