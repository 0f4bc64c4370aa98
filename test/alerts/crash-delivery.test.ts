import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { enqueueAlert, listAlerts } from '../../src/alerts/index.js';
import type { AppContext } from '../../src/app/context.js';
import { ENGINES, type EngineTarget, freshTarget } from '../helpers/engines.js';
import { nodeEntry } from '../helpers/entry.js';
import { pollUntil } from '../helpers/poll.js';
import {
  startTelegramServer,
  TEST_BOT_TOKEN,
  TEST_CHAT_ID,
  type TelegramServer,
} from '../helpers/telegram-server.js';
import { alertContext } from './context.js';

/** How long the Bot API answers 500 after its 429; the issue asks for a minute, CI uses less. */
const OUTAGE_MS = Number(process.env.ALERT_TEST_OUTAGE_MS ?? 4_000);
const FIRST_BATCH = 8;
const SECOND_BATCH = 2;

const refOf = (text: string): number[] => [...text.matchAll(/#(\d+) /g)].map((m) => Number(m[1]));

/**
 * `ibloop serve` in a child process delivers through a Bot API outage (429 with retry_after 3, then
 * 500s), is killed with SIGKILL in the middle of delivering, and a new server finishes the job:
 * nothing lost, in order, no duplicate outside the documented window (the message in flight at the kill).
 */
describe.each(ENGINES)('alert delivery across a kill -9 of the server on %s', (engine) => {
  let target: EngineTarget;
  let telegram: TelegramServer;
  let ctx: AppContext;
  const children: ChildProcess[] = [];
  /** The servers' output, shown when the test fails. */
  const output: string[] = [];

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail')
      process.stdout.write(`server output:\n${output.join('').slice(-4000)}\n`);
    output.length = 0;
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    await ctx?.close();
    await telegram?.close();
    target?.cleanup();
  });

  function serve(): ChildProcess {
    const child = spawn(
      process.execPath,
      [...nodeEntry('cli/main'), 'serve', '--port', '0', '--no-trading', '--data-root', target.dataRoot],
      {
        env: {
          ...process.env,
          LOG_LEVEL: 'warn',
          IBLOOP_ADMIN_PASSWORD: 'correct-horse-battery',
          ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {}),
          TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN,
          TELEGRAM_CHAT_ID: TEST_CHAT_ID,
          TELEGRAM_API_BASE: telegram.url,
          TELEGRAM_TIMEOUT_SECONDS: '1',
          ALERT_RETRY_MAX_SECONDS: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    children.push(child);
    return child;
  }

  it('every queued alert is delivered once Telegram recovers, in order, none lost, no duplicate outside the in-flight window', async () => {
    target = await freshTarget(engine);
    telegram = await startTelegramServer();
    // The test is another replica: it enqueues straight into the shared database.
    ctx = await alertContext(target);
    const ids: number[] = [];
    for (let i = 1; i <= FIRST_BATCH; i += 1) {
      const { id } = await enqueueAlert(ctx, {
        kind: 'run.failed',
        dedupeKey: `run:${i}`,
        params: { project: 'alpha', tradingDate: '2026-11-24', runId: i, error: 'broker down' },
      });
      ids.push(id);
    }
    telegram.schedule([
      { behaviour: { kind: '429', retryAfter: 3 }, forMs: 1_000 },
      { behaviour: { kind: '500' }, forMs: OUTAGE_MS },
    ]);
    const first = serve();
    await pollUntil(
      async () => telegram.messages.length,
      (n) => n >= 2,
      120_000,
    );
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const deliveredBeforeKill = telegram.messages.flatMap((m) => refOf(m.text));

    for (let i = 1; i <= SECOND_BATCH; i += 1) {
      const { id } = await enqueueAlert(ctx, {
        kind: 'order.rejected',
        dedupeKey: `run:${100 + i}`,
        params: {
          clientOrderId: `ibl:R${100 + i}:AAPL:B:0`,
          symbol: 'AAPL',
          side: 'BUY',
          quantity: 5,
          reason: '201',
        },
      });
      ids.push(id);
    }
    serve();
    await pollUntil(
      async () => new Set(telegram.messages.flatMap((m) => refOf(m.text))).size,
      (n) => n >= ids.length,
      150_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    const received = telegram.messages.flatMap((m) => refOf(m.text));
    const firstSeen = received.filter((id, i) => received.indexOf(id) === i);
    expect(firstSeen).toEqual(ids);
    const duplicates = received.length - firstSeen.length;
    // The only message that may come twice is the one in flight when the process died.
    const inFlight = ids[deliveredBeforeKill.length - 1];
    const duplicated = received.filter((id, i) => received.indexOf(id) !== i);
    expect(duplicated.every((id) => id === inFlight || id === ids[deliveredBeforeKill.length])).toBe(true);
    expect(duplicates).toBeLessThanOrEqual(1);
    process.stdout.write(
      `[alerts] ${engine}: ${ids.length} alerts, ${duplicates} duplicate(s) across kill -9\n`,
    );
    expect(telegram.requests.some((r) => r.status === 429)).toBe(true);
    expect(telegram.requests.some((r) => r.status === 500)).toBe(true);
    const { items } = await listAlerts(ctx.store.db, { limit: 50, offset: 0 });
    expect(items.every((item) => item.status === 'delivered')).toBe(true);
  }, 330_000);
});
