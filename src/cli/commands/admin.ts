import { createInterface } from 'node:readline/promises';
import { openAppContext } from '../../app/context.js';
import { Accounts, ADMIN_USERNAME, passwordProblem } from '../../server/index.js';
import { bootstrapFrom, UsageError, withCommonFlags } from '../common.js';
import type { Command } from '../program.js';

export function registerAdminCommands(program: Command): void {
  const admin = program.command('admin').description('user administration');
  withCommonFlags(
    admin
      .command('set-password')
      .description('set the admin password (reads it from IBLOOP_ADMIN_PASSWORD or asks on the terminal)'),
  ).action(async (flags: { dataRoot?: string; config?: string }) => {
    const password = process.env.IBLOOP_ADMIN_PASSWORD || (await ask('new admin password: '));
    if (!password) throw new UsageError('password: must not be empty');
    // Checked before anything opens, so a refused password changes nothing.
    const problem = passwordProblem(password);
    if (problem) throw new UsageError(`password: ${problem}`);
    const ctx = await openAppContext(bootstrapFrom(flags), { logSink: () => {} });
    try {
      const accounts = new Accounts(ctx.store.db, ctx.audit, ctx.clock);
      await accounts.ensureAdmin(password);
      await accounts.setPassword(ADMIN_USERNAME, password, 'cli');
      process.stdout.write('admin password changed; existing sessions were logged out\n');
    } catch (error) {
      if (
        error instanceof Error &&
        (error.message.startsWith('password:') || error.message.startsWith('IBLOOP_ADMIN_PASSWORD:'))
      )
        throw new UsageError(error.message);
      throw error;
    } finally {
      await ctx.close();
    }
  });
}

async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}
