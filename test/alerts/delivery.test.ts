import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AlertService, enqueueAlert, listAlerts, startAlerts } from '../../src/alerts/index.js';
import type { AppContext } from '../../src/app/context.js';
import { ENGINES, type EngineTarget, freshTarget } from '../helpers/engines.js';
import { pollUntil } from '../helpers/poll.js';
import {
  startTelegramServer,
  TEST_BOT_TOKEN,
  TEST_CHAT_ID,
  type TelegramServer,
} from '../helpers/telegram-server.js';
import { alertContext } from './context.js';

const refOf = (text: string): number[] => [...text.matchAll(/#(\d+) /g)].map((m) => Number(m[1]));

async function runFailed(ctx: AppContext, runId: number) {
  return enqueueAlert(ctx, {
    kind: 'run.failed',
    dedupeKey: `run:${runId}`,
    params: { project: 'alpha', tradingDate: '2026-11-24', runId, error: 'a_b *c* <d> [e]' },
  });
}

describe.each(ENGINES)('alert delivery to the Bot API on %s', (engine) => {
  let target: EngineTarget;
  let telegram: TelegramServer;
  const open: AppContext[] = [];
  const services: AlertService[] = [];

  beforeAll(async () => {
    telegram = await startTelegramServer();
  });

  afterEach(async () => {
    for (const service of services.splice(0)) await service.stop();
    for (const ctx of open.splice(0)) await ctx.close();
    target?.cleanup();
    telegram.behave({ kind: 'ok' });
    telegram.messages.length = 0;
    telegram.requests.length = 0;
  });

  afterAll(async () => {
    await telegram?.close();
  });

  async function replica(env: Record<string, string> = {}) {
    const ctx = await alertContext(target, {
      TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN,
      TELEGRAM_CHAT_ID: TEST_CHAT_ID,
      TELEGRAM_API_BASE: telegram.url,
      TELEGRAM_TIMEOUT_SECONDS: '0.5',
      ALERT_RETRY_MAX_SECONDS: '0.5',
      ...env,
    });
    open.push(ctx);
    return ctx;
  }

  it('429 (retry_after honoured) then 500: every alert delivered once it recovers, in order, none twice', async () => {
    target = await freshTarget(engine);
    const ctx = await replica();
    const ids: number[] = [];
    for (let i = 1; i <= 4; i += 1) ids.push((await runFailed(ctx, i)).id);
    telegram.schedule([
      { behaviour: { kind: '429', retryAfter: 2 }, forMs: 500 },
      { behaviour: { kind: '500' }, forMs: 2_500 },
    ]);
    services.push(startAlerts(ctx));
    await pollUntil(
      async () => telegram.messages.length,
      (n) => n >= ids.length,
      30_000,
    );
    const delivered = telegram.messages.flatMap((m) => refOf(m.text));
    expect(delivered).toEqual(ids);
    // retry_after: nothing was asked between the 429 and its end.
    const first429 = telegram.requests.find((r) => r.status === 429)!;
    const next = telegram.requests[telegram.requests.indexOf(first429) + 1]!;
    expect(next.atMs - first429.atMs).toBeGreaterThanOrEqual(1_950);
    expect(telegram.requests.some((r) => r.status === 500)).toBe(true);
    // About one message a second per chat: sends are spaced 1.05 s apart; arrival may jitter under load.
    for (let i = 1; i < telegram.messages.length; i += 1)
      expect(telegram.messages[i]!.atMs - telegram.messages[i - 1]!.atMs).toBeGreaterThanOrEqual(800);
    // Plain text: no parse mode, so IB's `_`, `*`, `<` and `[` arrive as written.
    expect(telegram.messages[0]!.parseMode).toBeUndefined();
    expect(telegram.messages[0]!.text).toContain('a_b *c* <d> [e]');
    const { items } = await listAlerts(ctx.store.db, { limit: 10, offset: 0 });
    for (const item of items) {
      expect(item.status).toBe('delivered');
      expect(item.lastError).toBeNull();
    }
    // The head of the queue carried the failures; the others waited behind it instead of overtaking.
    expect(items.find((i) => i.id === ids[0])!.attempts).toBeGreaterThan(1);
  });

  it('a hanging request times out and is retried', async () => {
    target = await freshTarget(engine);
    const ctx = await replica();
    const { id } = await runFailed(ctx, 1);
    telegram.schedule([{ behaviour: { kind: 'hang' }, forMs: 1_200 }]);
    services.push(startAlerts(ctx, { minIntervalMs: 50 }));
    await pollUntil(
      async () => telegram.messages.length,
      (n) => n >= 1,
      20_000,
    );
    expect(telegram.requests.some((r) => r.status === 'hang')).toBe(true);
    expect(refOf(telegram.messages[0]!.text)).toEqual([id]);
    expect(telegram.messages).toHaveLength(1);
  });

  it('texts over 4,096 characters are split; non-critical alerts go out as one digest', async () => {
    target = await freshTarget(engine);
    const ctx = await replica({ ALERT_DIGEST_SECONDS: '1' });
    await enqueueAlert(ctx, {
      kind: 'reconcile.differences',
      params: { reason: 'startup', differences: 900, detail: 'AAPL +10 -10; '.repeat(700) },
    });
    services.push(startAlerts(ctx, { minIntervalMs: 50 }));
    await pollUntil(
      async () => telegram.messages.length,
      (n) => n >= 3,
      20_000,
    );
    expect(telegram.messages.every((m) => m.text.length <= 4096)).toBe(true);
    expect(telegram.messages.map((m) => m.text).join('').length).toBeGreaterThan(9_000);

    const warnings = [1, 2, 3].map((i) =>
      enqueueAlert(ctx, {
        kind: 'fallback.used',
        dedupeKey: `p${i}`,
        params: { project: `p${i}`, policy: 'stand-still', reason: 'x' },
      }),
    );
    await Promise.all(warnings);
    await pollUntil(
      async () => telegram.messages.length,
      (n) => n >= 4,
      20_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(telegram.messages).toHaveLength(4);
    expect(telegram.messages[3]!.text).toMatch(/^ibloop 告警汇总（3 条）/);
  });

  it('two replicas: only the claim holder sends, each alert exactly once', async () => {
    target = await freshTarget(engine);
    const a = await replica();
    const b = await replica();
    services.push(startAlerts(a, { minIntervalMs: 50 }), startAlerts(b, { minIntervalMs: 50 }));
    const ids: number[] = [];
    for (let i = 1; i <= 6; i += 1) ids.push((await runFailed(i % 2 ? a : b, i)).id);
    await pollUntil(
      async () => telegram.messages.length,
      (n) => n >= ids.length,
      20_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(telegram.messages.flatMap((m) => refOf(m.text))).toEqual(ids);
  });
});
