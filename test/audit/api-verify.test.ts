import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { AUDIT_KEY_FILE_NAME, type VerifyResult } from '../../src/audit/index.js';
import { ApiClient, startTestApp, type TestApp } from '../helpers/app.js';
import { ENGINES } from '../helpers/engines.js';

describe.each(ENGINES)('GET /api/audit/verify on %s', (engine) => {
  let t: TestApp;
  afterEach(async () => {
    await t.close();
  });

  it('reports the keyed, anchored chain and names a cut-off tail that audit_head hides', async () => {
    t = await startTestApp(engine, { env: { IBLOOP_AUDIT_KEY: '' } });
    const api = new ApiClient(t.app.url);
    expect((await api.login()).status).toBe(200);
    expect((await api.request('PUT', '/api/settings', { values: { IB_PORT: '4002' } })).status).toBe(200);
    expect((await api.request('PUT', '/api/settings', { values: { IB_PORT: '4003' } })).status).toBe(200);

    const ok = await api.request<VerifyResult>('GET', '/api/audit/verify');
    expect(ok.body).toMatchObject({ ok: true, keyedFrom: 1, anchor: { malformed: 0 } });
    const total = ok.body.checked;
    expect(total).toBeGreaterThanOrEqual(3);
    expect(ok.body.anchor?.latestId).toBe(total);
    // The key stays in its file: neither it nor the data root path is in the answer.
    const key = readFileSync(path.join(t.target.dataRoot, AUDIT_KEY_FILE_NAME), 'utf8').trim();
    expect(JSON.stringify(ok.body)).not.toContain(key);
    expect(JSON.stringify(ok.body)).not.toContain(t.target.dataRoot);

    const db = t.app.ctx.store.db;
    if (engine === 'postgres') {
      await sql`drop trigger audit_log_no_update on audit_log`.execute(db);
    } else {
      await sql`drop trigger audit_log_no_delete`.execute(db);
    }
    const kept = await db
      .selectFrom('audit_log')
      .select('hash')
      .where('id', '=', total - 1)
      .executeTakeFirstOrThrow();
    await sql`delete from audit_log where id = ${total}`.execute(db);
    await sql`update audit_head set seq = ${total - 1}, last_hash = ${kept.hash} where id = 1`.execute(db);

    const cut = await api.request<VerifyResult>('GET', '/api/audit/verify');
    expect(cut.status).toBe(200);
    expect(cut.body).toMatchObject({
      ok: false,
      checked: total - 1,
      firstBroken: { id: total, kind: 'truncated' },
    });
  });
});
