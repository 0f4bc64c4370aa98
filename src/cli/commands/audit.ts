import { openAppContext } from '../../app/context.js';
import { bootstrapFrom, withCommonFlags } from '../common.js';
import type { Command } from '../program.js';

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the append-only audit log');
  withCommonFlags(
    audit.command('verify').description('check the hash chain; names the first broken record'),
  ).action(async (flags: { dataRoot?: string; config?: string }) => {
    const ctx = await openAppContext(bootstrapFrom(flags), { logSink: () => {} });
    try {
      const result = await ctx.audit.verify();
      if (result.ok) {
        process.stdout.write(`audit chain OK: ${result.checked} records verified\n`);
      } else {
        const b = result.firstBroken!;
        process.stdout.write(
          `audit chain BROKEN at record ${b.id}: ${b.reason} (${result.checked} records before it are intact)\n`,
        );
        process.exitCode = 1;
      }
    } finally {
      await ctx.close();
    }
  });
}
