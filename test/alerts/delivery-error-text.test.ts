import { Migrator } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { enqueueAlert, listAlerts } from '../../src/alerts/index.js';
import { AlertListResponse } from '../../src/contract/alerts.js';
import { messageText } from '../../src/contract/message-text.js';
import { msg } from '../../src/contract/messages.js';
import { migrateToLatest, openStore, type Store } from '../../src/store/index.js';
import { migrations } from '../../src/store/migrations/index.js';
import { englishWordFindings } from '../browser/language-scan.js';
import { ApiClient, startTestApp, type TestApp } from '../helpers/app.js';
import { ENGINES, type EngineTarget, freshTarget } from '../helpers/engines.js';
import { pollUntil } from '../helpers/poll.js';
import {
  startTelegramServer,
  TEST_BOT_TOKEN,
  TEST_CHAT_ID,
  type TelegramServer,
} from '../helpers/telegram-server.js';

/**
 * Issue 17: why an alert could not be delivered reaches the Alerts page in its reader's language.
 * The delivery worker stores Telegram's answer as a catalogued message (migration 0022) beside the
 * English `last_error`, the API returns both, and rows written before keep showing their text.
 */

/** Telegram's own words: quoted as Telegram wrote them, in either language. */
const REFUSAL = 'Bad Request: chat not found';

/** An outbox row as an installation before 0022 wrote it after a failed delivery: English only. */
function oldFailedRow(id: number, lastError: string) {
  const at = '2026-11-24T15:00:00.000Z';
  return {
    id,
    kind: 'run.failed',
    severity: 'critical',
    dedupe_key: `run:${id}`,
    open_key: null,
    open_until: null,
    params_json: JSON.stringify({ project: 'alpha', tradingDate: '2026-11-24', runId: id, error: 'boom' }),
    language: 'zh-CN',
    text: '调仓失败',
    status: 'pending',
    suppressed_reason: null,
    occurrences: 1,
    created_at: at,
    last_seen_at: at,
    attempts: 3,
    next_attempt_at: '2099-01-01T00:00:00.000Z',
    parts_sent: 0,
    delivered_at: null,
    last_error: lastError,
    resolved_at: null,
  };
}

describe.each(ENGINES)('a failed delivery keeps its reason as a code on %s', (engine) => {
  let telegram: TelegramServer;
  let t: TestApp | undefined;

  beforeAll(async () => {
    telegram = await startTelegramServer();
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
    telegram.behave({ kind: 'ok' });
  });
  afterAll(async () => {
    await telegram?.close();
  });

  it('Telegram refuses: the code is stored and returned; an old row reads with its text; delivery clears both', async () => {
    telegram.behave({ kind: 'error', status: 400, description: REFUSAL });
    t = await startTestApp(engine, {
      env: {
        TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN,
        TELEGRAM_CHAT_ID: TEST_CHAT_ID,
        TELEGRAM_API_BASE: telegram.url,
        TELEGRAM_TIMEOUT_SECONDS: '2',
        ALERT_RETRY_MAX_SECONDS: '0.5',
      },
    });
    const api = new ApiClient(t.app.url);
    expect((await api.login()).status).toBe(200);
    const { id } = await enqueueAlert(t.app.ctx, {
      kind: 'run.failed',
      dedupeKey: 'run:1',
      params: { project: 'alpha', tradingDate: '2026-11-24', runId: 1, error: 'boom' },
    });
    // An installation before 0022 failed to deliver this one: only the English text is stored.
    const old = oldFailedRow(id + 1000, 'Telegram: Forbidden: bot was blocked by the user');
    await t.app.ctx.store.db
      .insertInto('alert_outbox')
      .values(old as never)
      .execute();

    const list = async () => {
      const page = await api.request<AlertListResponse>('GET', '/api/alerts?limit=10');
      expect(page.status).toBe(200);
      // What the web app reads is the contract's shape.
      return AlertListResponse.parse(page.body).items;
    };
    const refused = await pollUntil(
      async () => (await list()).find((item) => item.id === id),
      (item) => item?.lastError != null,
      20_000,
    );
    expect(refused?.status).toBe('pending');
    expect(refused?.lastError).toBe(`Telegram: ${REFUSAL}`);
    expect(refused?.lastErrorText).toEqual(msg('TELEGRAM_REFUSED', { status: 400, description: REFUSAL }));
    // A Chinese page says it in Chinese; only Telegram's own words stay as Telegram wrote them.
    const zh = messageText(refused!.lastErrorText!, 'zh-CN');
    expect(zh).toContain(REFUSAL);
    expect(englishWordFindings('alert last error', zh, [REFUSAL])).toEqual([]);
    expect(messageText(refused!.lastErrorText!, 'en')).toBe(`the Bot API answered 400: ${REFUSAL}`);

    const before = (await list()).find((item) => item.id === old.id);
    expect(before).toMatchObject({ lastError: old.last_error, lastErrorText: null });

    // Telegram takes it after all: the failure is history, both columns are cleared.
    telegram.behave({ kind: 'ok' });
    const delivered = await pollUntil(
      async () => (await list()).find((item) => item.id === id),
      (item) => item?.status === 'delivered',
      20_000,
    );
    expect(delivered).toMatchObject({ lastError: null, lastErrorText: null });
  });
});

describe.each(ENGINES)('migration 0022 (alert error text) on %s', (engine) => {
  let store: Store | undefined;
  let target: EngineTarget | undefined;

  afterEach(async () => {
    await store?.close();
    target?.cleanup();
  });

  it('upgrades an outbox whose rows hold English errors only: they read as before', async () => {
    target = await freshTarget(engine);
    store = openStore({ databaseUrl: target.databaseUrl, dataRoot: target.dataRoot });
    const migrator = new Migrator({ db: store.db, provider: { getMigrations: async () => migrations } });
    expect((await migrator.migrateTo('0021_ib_reason_code')).error).toBeUndefined();
    const old = oldFailedRow(1, 'Telegram: Too Many Requests: retry after 5');
    await store.db
      .insertInto('alert_outbox')
      .values(old as never)
      .execute();

    expect((await migrateToLatest(store)).applied).toContain('0022_alert_error_text');
    const row = await store.db.selectFrom('alert_outbox').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ last_error: old.last_error, last_error_text_json: null });
    const { items } = await listAlerts(store.db, { limit: 10, offset: 0 });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ id: 1, lastError: old.last_error, lastErrorText: null });

    // A code this version cannot read (a newer version's) leaves the English text to stand.
    await store.db
      .updateTable('alert_outbox')
      .set({ last_error_text_json: JSON.stringify({ code: 'FROM_THE_FUTURE', params: {} }) })
      .execute();
    expect((await listAlerts(store.db, { limit: 10, offset: 0 })).items[0]?.lastErrorText).toBeNull();
    expect((await migrateToLatest(store)).applied).toEqual([]);
  });
});
