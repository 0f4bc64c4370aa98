import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from '../helpers/app.js';
import { nodeEntry } from '../helpers/entry.js';

const SECRETS = {
  IB_ACCOUNT: 'DU9988776',
  TELEGRAM_BOT_TOKEN: '987654321:ZZyyXXwwVVuuTTssRRqqPPooNN',
  ALPHA_VANTAGE_API_KEY: 'ALPHAKEY12345678',
  TELEGRAM_CHAT_ID: '-1001234567890',
};

/** Drives the app through logins, settings changes and lookups, then scans every output for a secret in clear. */
describe('no secret leaves the server in clear', () => {
  let t: TestApp;
  const outputs: string[] = [];

  beforeAll(async () => {
    // Debug level: request lines (URLs with a secret typed into them) are logged and scanned too.
    t = await startTestApp('sqlite', {
      env: { TELEGRAM_CHAT_ID: SECRETS.TELEGRAM_CHAT_ID, LOG_LEVEL: 'debug' },
    });
    const api = new ApiClient(t.app.url);
    await api.login('admin', 'not-the-password');
    await api.login();
    await api.request('PUT', '/api/settings', {
      values: {
        IB_ACCOUNT: SECRETS.IB_ACCOUNT,
        TELEGRAM_BOT_TOKEN: SECRETS.TELEGRAM_BOT_TOKEN,
        ALPHA_VANTAGE_API_KEY: SECRETS.ALPHA_VANTAGE_API_KEY,
      },
    });
    // A secret typed into a URL or a bad value still must not be echoed or logged in clear.
    await api.request('GET', `/api/audit?target=${SECRETS.IB_ACCOUNT}`);
    await api.request('GET', `/api/projects/${SECRETS.IB_ACCOUNT}`);
    await api.request('PUT', '/api/settings', {
      values: { IB_ACCOUNT: SECRETS.IB_ACCOUNT, IB_MODE: 'real' },
    });
    await api.request('GET', '/api/settings');
    await api.request('GET', '/api/trading/status');
    await api.request('GET', '/api/audit?limit=500');
    outputs.push(...api.transcript);
    const rows = await t.app.ctx.store.db.selectFrom('audit_log').selectAll().execute();
    outputs.push(JSON.stringify(rows));
    const settings = await t.app.ctx.store.db.selectFrom('settings').selectAll().execute();
    outputs.push(JSON.stringify(settings));
    outputs.push(
      execFileSync(
        process.execPath,
        [...nodeEntry('cli/main'), 'config', 'show', '--data-root', t.target.dataRoot],
        {
          encoding: 'utf8',
          env: { ...process.env, TELEGRAM_CHAT_ID: SECRETS.TELEGRAM_CHAT_ID },
        },
      ),
    );
  });

  afterAll(async () => {
    await t.close();
  });

  it('produced output to scan', () => {
    expect(t.logs.length).toBeGreaterThan(5);
    expect(outputs.join('\n')).toContain('DU****76');
    expect(t.logs.join('\n')).toContain('DU****76');
  });

  it.each(Object.entries(SECRETS))(
    '%s is never in API responses, audit rows, stored settings or CLI output',
    (_key, secret) => {
      for (const output of outputs) expect(output).not.toContain(secret);
    },
  );

  it.each(Object.entries(SECRETS))('%s is never in a log line', (_key, secret) => {
    for (const line of t.logs) expect(line).not.toContain(secret);
  });

  it('the admin password is never in a log line, response or audit row', () => {
    for (const text of [...t.logs, ...outputs]) expect(text).not.toContain(TEST_ADMIN_PASSWORD);
  });
});
