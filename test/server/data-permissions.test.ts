import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEY_FILE_NAME } from '../../src/config/index.js';
import { startApp } from '../../src/server/index.js';
import { SQLITE_FILE_NAME } from '../../src/store/index.js';
import { ApiClient, TEST_ADMIN_PASSWORD } from '../helpers/app.js';
import { ENGINES, freshTarget } from '../helpers/engines.js';

const modeOf = (file: string) => statSync(file).mode & 0o777;

describe.each(ENGINES)('data root permissions on %s', (engine) => {
  it('creates the data root 0700 and the key, database, WAL and SHM files 0600', async () => {
    const target = await freshTarget(engine);
    // A folder that does not exist yet, so the server creates it.
    const dataRoot = path.join(target.dataRoot, 'nested', 'data');
    const app = await startApp({
      env: {
        IBLOOP_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
        LOG_LEVEL: 'silent',
        ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {}),
      },
      dataRoot,
      host: '127.0.0.1',
      port: 0,
    });
    try {
      // A write, so SQLite has its WAL and shared-memory files open.
      const api = new ApiClient(app.url);
      await api.login();
      await api.request('PUT', '/api/settings', { values: { IB_PORT: 4001 } });
      expect(modeOf(dataRoot).toString(8)).toBe('700');
      expect(modeOf(path.join(dataRoot, KEY_FILE_NAME)).toString(8)).toBe('600');
      if (engine === 'sqlite') {
        const db = path.join(dataRoot, SQLITE_FILE_NAME);
        for (const file of [db, `${db}-wal`, `${db}-shm`]) {
          expect(existsSync(file), file).toBe(true);
          expect(modeOf(file).toString(8), file).toBe('600');
        }
      }
    } finally {
      await app.close();
      target.cleanup();
    }
  });
});
