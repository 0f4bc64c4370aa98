import { backupDatabase, restoreDatabase } from '../../ops/index.js';
import { bootstrapFrom, withCommonFlags } from '../common.js';
import { type Command, parse } from '../program.js';

interface BackupFlags {
  dataRoot?: string;
  config?: string;
  out?: string;
  keep?: number;
}

/** `db backup` and `db restore`, added to the `db` command. */
export function registerDbBackupCommands(db: Command): void {
  withCommonFlags(
    db
      .command('backup')
      .description(
        "copy the database while the server runs (SQLite's online backup, or pg_dump for PostgreSQL) to DATA_ROOT/backups or --out",
      )
      .option(
        '--out <file|dir>',
        'file to write, or a folder for a time-stamped file (default DATA_ROOT/backups)',
      )
      .option('--keep <n>', 'then delete all but the newest N backups in that folder', parse.int(1, 100_000)),
  ).action(async (flags: BackupFlags) => {
    const bootstrap = bootstrapFrom(flags);
    const result = await backupDatabase(
      { dataRoot: bootstrap.dataRoot, databaseUrl: bootstrap.databaseUrl },
      { out: flags.out, keep: flags.keep },
    );
    const lines = [`backup: ${result.file} (${result.bytes} bytes)`];
    for (const f of result.deleted) lines.push(`deleted old backup: ${f}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  });
  withCommonFlags(
    db
      .command('restore')
      .description(
        'replace the database with a backup; refuses while the server runs, and a non-empty database without --yes',
      )
      .argument('<file>', 'a file written by `ibloop db backup`')
      .option('--yes', 'replace a database that is not empty'),
  ).action(async (file: string, flags: { dataRoot?: string; config?: string; yes?: boolean }) => {
    const bootstrap = bootstrapFrom(flags);
    const result = await restoreDatabase(
      { dataRoot: bootstrap.dataRoot, databaseUrl: bootstrap.databaseUrl },
      file,
      { replace: flags.yes === true },
    );
    process.stdout.write(
      `restored ${file} into ${result.location} (${result.engine}${result.replaced ? ', replaced the previous contents' : ''})\n` +
        'next: `ibloop audit verify`; a backup older than the audit checkpoint file reports the later records as cut off.\n' +
        'Migrations from a newer ibloop are applied when the server starts (or `ibloop db migrate`).\n',
    );
  });
}
