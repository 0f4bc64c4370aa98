/**
 * The Live Trading browser test's server: the shared harness's server (no trading side), or one that
 * also runs the trading side against the built-in paper gateway, so the connected page is checked too.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startApp } from '../../src/server/index.js';
import { ensureWebBuilt, startTestServer, type TestServer, WEB_DIST } from './harness.js';

export async function startLiveTestServer(withTrading: boolean): Promise<TestServer> {
  if (!withTrading) return startTestServer();
  await ensureWebBuilt();
  const dataRoot = mkdtempSync(path.join(tmpdir(), 'ibloop-browser-live-'));
  const adminPassword = `pw-${randomBytes(9).toString('base64url')}`;
  const app = await startApp({
    dataRoot,
    port: 0,
    host: '127.0.0.1',
    webRoot: WEB_DIST,
    env: { IBLOOP_ADMIN_PASSWORD: adminPassword, LOG_LEVEL: 'silent' },
    trading: { enabled: true, builtInGateway: 'auto' },
  });
  return {
    url: app.url,
    adminPassword,
    dataRoot,
    close: async () => {
      await app.close();
      rmSync(dataRoot, { recursive: true, force: true });
    },
  };
}
