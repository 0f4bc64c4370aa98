import { migrateToLatest, openStore } from '../../store/index.js';
import { bootstrapFrom, withCommonFlags } from '../common.js';
import type { Command } from '../program.js';
import { registerDbBackupCommands } from './db-backup.js';

export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('database maintenance');
  withCommonFlags(db.command('migrate').description('apply pending database migrations')).action(
    async (flags: { dataRoot?: string; config?: string }) => {
      const bootstrap = bootstrapFrom(flags);
      const store = openStore({ databaseUrl: bootstrap.databaseUrl, dataRoot: bootstrap.dataRoot });
      try {
        const report = await migrateToLatest(store);
        const applied = report.applied.length ? report.applied.join(', ') : 'none (already up to date)';
        process.stdout.write(`database: ${store.location} (${store.engine})\napplied: ${applied}\n`);
      } finally {
        await store.close();
      }
    },
  );
  registerDbBackupCommands(db);
}
