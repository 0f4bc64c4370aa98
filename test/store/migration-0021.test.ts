import { Migrator } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionStateRecorder } from '../../src/brokerage/ib/recorder.js';
import type { IbReason } from '../../src/contract/ib.js';
import { ibReasonText } from '../../src/contract/ib-reason-texts.js';
import { ManualClock } from '../../src/core/clock.js';
import { DEFAULT_LEASE_NAME } from '../../src/lock/index.js';
import { holderIbStatus } from '../../src/server/trading-status.js';
import { migrateToLatest, openStore, type Store } from '../../src/store/index.js';
import { migrations } from '../../src/store/migrations/index.js';
import { ENGINES, type EngineTarget, freshTarget } from '../helpers/engines.js';

const NOW_MS = Date.parse('2026-03-02T15:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * 0021 gives the recorded IB connection state (and its history) the reason as a code. A row the
 * lease holder wrote before it still reads on a replica without the lease: as the `recorded` code
 * with its English text, labelled as such; a row written after it carries the holder's code.
 */
describe.each(ENGINES)('migration 0021 (IB reason code) on %s', (engine) => {
  let store: Store | undefined;
  let target: EngineTarget | undefined;

  afterEach(async () => {
    await store?.close();
    target?.cleanup();
  });

  it('upgrades a recorded state: old rows read as recorded text, new rows keep the code', async () => {
    target = await freshTarget(engine);
    store = openStore({ databaseUrl: target.databaseUrl, dataRoot: target.dataRoot });
    const migrator = new Migrator({ db: store.db, provider: { getMigrations: async () => migrations } });
    expect((await migrator.migrateTo('0020_state_cause')).error).toBeUndefined();
    const db = store.db;
    const oldRow = {
      id: 1,
      status: 'DISCONNECTED',
      reason: 'socket closed; retry in 500 ms',
      since: iso(NOW_MS - 5_000),
      host: '127.0.0.1',
      port: 4002,
      client_id: 7,
      mode: 'paper',
      server_version: 176,
      accounts_masked: 'DU****67',
      last_heartbeat_at: iso(NOW_MS - 6_000),
      reconnect_count: 2,
      last_error_json: JSON.stringify({ id: -1, code: 1100, message: 'lost', atMs: NOW_MS - 7_000 }),
      updated_at: iso(NOW_MS - 5_000),
    };
    // Inserted without the new column: the shape an installation before 0021 has.
    await db
      .insertInto('ib_connection_state')
      .values(oldRow as never)
      .execute();
    await db
      .insertInto('ib_connection_history')
      .values({
        time: oldRow.updated_at,
        status: oldRow.status,
        reason: oldRow.reason,
        reconnect_count: 2,
        last_error_json: null,
      } as never)
      .execute();

    // A failed reconciliation from before: English only.
    await db
      .insertInto('trade_reconciliations')
      .values({
        time: oldRow.updated_at,
        reason: 'manual',
        holder: 'other-replica',
        lease_token: 1,
        status: 'failed',
        summary_json: '{}',
        details_json: '{}',
        error: 'broker unavailable (DISCONNECTED): open orders refused: socket closed',
      } as never)
      .execute();

    const report = await migrateToLatest(store);
    expect(report.applied).toContain('0021_ib_reason_code');
    const row = await db.selectFrom('ib_connection_state').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ ...oldRow, reason_code_json: null });
    const history = await db.selectFrom('ib_connection_history').selectAll().execute();
    expect(history.map((h) => [h.reason, h.reason_code_json])).toEqual([[oldRow.reason, null]]);
    const reconciliation = await db.selectFrom('trade_reconciliations').selectAll().executeTakeFirstOrThrow();
    expect(reconciliation).toMatchObject({ status: 'failed', error_text_json: null });
    expect(reconciliation.error).toContain('socket closed');

    // Another replica holds the lease: this one shows the holder's recorded state.
    const clock = new ManualClock(NOW_MS);
    await db
      .insertInto('execution_lease')
      .values({
        name: DEFAULT_LEASE_NAME,
        holder: 'other-replica',
        token: 1,
        acquired_at: iso(NOW_MS - 60_000),
        heartbeat_at: iso(NOW_MS),
        expires_at: iso(NOW_MS + 15_000),
      })
      .execute();
    const before = await holderIbStatus(db, clock);
    expect(before?.reasonCode).toEqual({ code: 'recorded', text: oldRow.reason });
    expect(before?.modeCheck.reasonCode).toEqual({ code: 'recorded', text: oldRow.reason });
    expect(before?.lastError).toEqual({ code: 1100, message: 'lost', atMs: NOW_MS - 7_000 });
    // The Chinese page labels the old English text as what was recorded, rather than passing it off.
    expect(ibReasonText({ code: 'recorded', text: oldRow.reason }, 'zh-CN')).toBe(
      `旧版本记录的原因（原文）：${oldRow.reason}`,
    );

    // The holder, upgraded, records its next state with the code and its figures.
    const recorder = new ConnectionStateRecorder(db, clock, 'paper');
    const reasonCode: IbReason = {
      code: 'account-not-reported',
      account: 'DU****21',
      reported: ['DU****67'],
    };
    await recorder.record({
      status: 'DEGRADED',
      reason: 'orders refused: configured account DU****21 is not among the accounts IB reports (DU****67)',
      reasonCode,
      sinceMs: NOW_MS,
      host: '127.0.0.1',
      port: 4002,
      clientId: 7,
      serverVersion: 176,
      managedAccounts: ['DU1234567'],
      lastHeartbeatMs: NOW_MS,
      reconnectCount: 2,
      lastError: {
        id: -1,
        code: 0,
        message: 'heartbeat timeout',
        atMs: NOW_MS,
        reasonCode: { code: 'heartbeat-timeout' },
      },
    });
    const after = await holderIbStatus(db, clock);
    expect(after).toMatchObject({
      status: 'DEGRADED',
      reasonCode,
      modeCheck: { ok: false, reasonCode },
      lastError: { code: 0, reasonCode: { code: 'heartbeat-timeout' } },
    });
    const last = await db
      .selectFrom('ib_connection_history')
      .selectAll()
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(last.reason_code_json ?? 'null')).toEqual(reasonCode);

    // A code this version cannot read (a newer version's) falls back to the recorded text.
    await db
      .updateTable('ib_connection_state')
      .set({ reason_code_json: JSON.stringify({ code: 'from-the-future' }) })
      .execute();
    expect((await holderIbStatus(db, clock))?.reasonCode).toMatchObject({ code: 'recorded' });

    expect((await migrateToLatest(store)).applied).toEqual([]);
  });
});
