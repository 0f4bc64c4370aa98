import { Option } from 'commander';
import { openAppContext } from '../../app/context.js';
import type { BootstrapConfig } from '../../config/index.js';
import { doctorFor, formatDoctorReport } from '../../ops/index.js';
import { openStore } from '../../store/index.js';
import { bootstrapFrom, type CommonFlags, withCommonFlags } from '../common.js';
import { type Command, parse } from '../program.js';

interface DoctorFlags extends CommonFlags {
  lang: 'en' | 'zh-CN';
  json?: boolean;
  timeout: number;
  symbol?: string;
}

/** `ibloop doctor`: what stops trading, explained, with the fix. Exit 1 when a check fails. */
export function registerDoctorCommand(program: Command): void {
  withCommonFlags(
    program
      .command('doctor')
      .description(
        'check the gateway, the database, disk space and backups; explain each problem and its fix (exit 1 on a failure)',
      )
      .addOption(
        new Option('--lang <language>', 'language of the explanations')
          .choices(['en', 'zh-CN'])
          .default('en'),
      )
      .option('--json', 'print the report as JSON (codes and parameters)')
      .option('--timeout <seconds>', 'how long each gateway step may take', parse.int(1, 60), 4)
      .option('--symbol <symbol>', 'symbol asked for a quote and daily bars (default SPY)', parse.nonEmpty),
  ).action(async (flags: DoctorFlags) => {
    const bootstrap = bootstrapFrom(flags);
    // Pending migrations are one of the things the doctor reports, so it migrates only a brand-new
    // database (which has no settings to read otherwise).
    const ctx = await openAppContext(bootstrap, { migrate: await isFreshDatabase(bootstrap) });
    try {
      const report = await doctorFor(ctx, {
        stepTimeoutMs: flags.timeout * 1000,
        ...(flags.symbol ? { symbol: flags.symbol.toUpperCase() } : {}),
      });
      process.stdout.write(
        flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatDoctorReport(report, flags.lang)}\n`,
      );
      if (report.overall === 'fail') process.exitCode = 1;
    } finally {
      await ctx.close();
    }
  });
}

async function isFreshDatabase(bootstrap: BootstrapConfig): Promise<boolean> {
  const store = openStore({ databaseUrl: bootstrap.databaseUrl, dataRoot: bootstrap.dataRoot });
  try {
    const tables = await store.db.introspection.getTables();
    return !tables.some((table) => table.name === 'settings');
  } finally {
    await store.close();
  }
}
