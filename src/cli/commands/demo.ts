import { openAppContext } from '../../app/context.js';
import { DEMO_DEFAULT_SEED, DEMO_PROJECT_NAME, seedDemo } from '../../demo/index.js';
import { bootstrapFrom, type CommonFlags, withCommonFlags } from '../common.js';
import { type Command, parse } from '../program.js';

/** `ibloop demo seed [--seed N]`: the ready-made demo project (idempotent). */
export function registerDemoCommands(program: Command): void {
  const demo = program
    .command('demo')
    .description('the demo: research data, theme, project, model, backtest');
  withCommonFlags(
    demo
      .command('seed')
      .description(
        "create the demo project from the paper gateway's synthetic market; does nothing when it exists",
      )
      .option(
        '--seed <n>',
        "seed of the synthetic market (use the paper gateway's seed)",
        parse.int(0, 2 ** 31 - 1),
        DEMO_DEFAULT_SEED,
      ),
  ).action(async (flags: CommonFlags & { seed: number }) => {
    const ctx = await openAppContext(bootstrapFrom(flags));
    try {
      const started = performance.now();
      const report = await seedDemo(ctx, { seed: flags.seed });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      if (!report.changed) {
        process.stdout.write(
          `demo already seeded: project "${DEMO_PROJECT_NAME}" (id ${report.projectId}), backtest ${report.backtestId}; nothing changed\n`,
        );
        return;
      }
      const steps = Object.entries(report.timings)
        .map(([name, ms]) => `${name} ${ms} ms`)
        .join(', ');
      process.stdout.write(
        [
          `demo seeded in ${seconds} s (seed ${report.seed}): ${report.symbols.length} symbols ${report.from}..${report.to}`,
          `  project "${DEMO_PROJECT_NAME}" (id ${report.projectId}), model ${report.modelVersion?.slice(0, 12)}, backtest ${report.backtestId}`,
          `  ${steps}`,
          '',
        ].join('\n'),
      );
    } finally {
      await ctx.close();
    }
  });
}
