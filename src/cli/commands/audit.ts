import { openAppContext } from '../../app/context.js';
import { CHECKPOINT_FILE } from '../../audit/index.js';
import { bootstrapFrom, withCommonFlags } from '../common.js';
import type { Command } from '../program.js';

/** A chain that does not verify; the audit key is not the chain's has its own code, so scripts can tell. */
const BROKEN_EXIT_CODE = 1;
const KEY_MISMATCH_EXIT_CODE = 3;

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the append-only audit log');
  withCommonFlags(
    audit
      .command('verify')
      .description(
        'check the keyed hash chain against the audit key and the checkpoint file; names the first broken record and how it broke (edited, rewritten, missing, truncated, key); exit 1 when broken, 3 when the audit key does not match',
      ),
  ).action(async (flags: { dataRoot?: string; config?: string }) => {
    const ctx = await openAppContext(bootstrapFrom(flags), { logSink: () => {} });
    try {
      const result = await ctx.audit.verify();
      const anchor = result.anchor
        ? `${result.anchor.checkpoints} checkpoints in DATA_ROOT/${CHECKPOINT_FILE}${result.anchor.malformed ? `, ${result.anchor.malformed} unreadable lines ignored` : ''}`
        : 'no checkpoint file';
      if (result.ok) {
        const head = await ctx.audit.head();
        process.stdout.write(
          `audit chain OK: ${result.checked} records verified (keyed from record ${result.keyedFrom}; ${anchor})\n` +
            `head: record ${head.id} ${head.hash}\n`,
        );
      } else {
        const b = result.firstBroken!;
        process.stdout.write(
          `audit chain BROKEN at record ${b.id} [${b.kind}]: ${b.reason} (${result.checked} records before it are intact; ${anchor})\n`,
        );
        process.exitCode = b.kind === 'key' ? KEY_MISMATCH_EXIT_CODE : BROKEN_EXIT_CODE;
      }
    } finally {
      await ctx.close();
    }
  });
}
