import { openAppContext } from '../../app/context.js';
import { ConfigError } from '../../config/index.js';
import { bootstrapFrom, withCommonFlags } from '../common.js';
import type { Command } from '../program.js';

export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('settings: show and change');
  withCommonFlags(
    config
      .command('show')
      .description('show every setting with its source (secrets masked)')
      .option('--json', 'print JSON instead of a table'),
  ).action(async (flags: { dataRoot?: string; config?: string; json?: boolean }) => {
    const ctx = await openAppContext(bootstrapFrom(flags), { logSink: () => {} });
    try {
      const views = await ctx.settings.views();
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(views, null, 2)}\n`);
        return;
      }
      const rows = views.map((v) => [v.key, v.value === null ? '-' : String(v.value), v.source]);
      const widths = [0, 1, 2].map((i) =>
        Math.max(...rows.map((r) => r[i]!.length), ['KEY', 'VALUE', 'SOURCE'][i]!.length),
      );
      const line = (cells: string[]) =>
        cells
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd();
      process.stdout.write(`${[line(['KEY', 'VALUE', 'SOURCE']), ...rows.map(line)].join('\n')}\n`);
      process.stdout.write('\nprecedence: env > config file > saved in UI (db) > default\n');
    } finally {
      await ctx.close();
    }
  });

  withCommonFlags(
    config
      .command('set')
      .description('save settings in the database, as the UI does (KEY=VALUE ...; KEY= removes)')
      .argument('<assignments...>', 'KEY=VALUE pairs'),
  ).action(async (assignments: string[], flags: { dataRoot?: string; config?: string }) => {
    const values: Record<string, string | null> = {};
    for (const pair of assignments) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new ConfigError([{ key: pair, source: 'db', message: 'expected KEY=VALUE' }]);
      const value = pair.slice(eq + 1);
      values[pair.slice(0, eq)] = value === '' ? null : value;
    }
    const ctx = await openAppContext(bootstrapFrom(flags), { logSink: () => {} });
    try {
      const { changed } = await ctx.settings.update(values, 'cli');
      process.stdout.write(changed.length ? `saved: ${changed.join(', ')}\n` : 'nothing changed\n');
    } finally {
      await ctx.close();
    }
  });
}
