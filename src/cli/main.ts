#!/usr/bin/env node
import { CommanderError } from 'commander';
import { ConfigError, describeIssue } from '../config/index.js';
import { exitCodeOf } from './common.js';
import { createProgram, exitCodeFor } from './program.js';

/**
 * Commands are registered from dynamically imported modules: `ibloop backtest` and the other research
 * commands need none of the server, broker or web stack, and loading it all was most of their start-up
 * (bench/research: end to end from the CLI). A research command loads only its module; anything else,
 * help included, registers every command in the usual order.
 */
async function buildProgram(argv: readonly string[]) {
  const { registerResearchCommands } = await import('./commands/research.js');
  const research = createProgram();
  registerResearchCommands(research);
  const named = argv[2];
  if (named && research.commands.some((command) => command.name() === named))
    return { program: research, finishes: true };

  const [
    { registerAccountCommand },
    { registerAdminCommands },
    { registerAuditCommands },
    { registerConfigCommands },
    { registerDbCommands },
    { registerDecisionCommands },
    { registerDemoCommands },
    { registerDoctorCommand },
    { registerExecutionCommands },
    { registerIbCommands },
    { registerModelsCommand },
    { registerRebalanceCommand },
    { registerServeCommand },
    { registerServiceCommands },
    { registerSimCommands },
  ] = await Promise.all([
    import('./commands/account.js'),
    import('./commands/admin.js'),
    import('./commands/audit.js'),
    import('./commands/config.js'),
    import('./commands/db.js'),
    import('./commands/decision.js'),
    import('./commands/demo.js'),
    import('./commands/doctor.js'),
    import('./commands/execution.js'),
    import('./commands/ib.js'),
    import('./commands/models.js'),
    import('./commands/rebalance.js'),
    import('./commands/serve.js'),
    import('./commands/service.js'),
    import('./commands/sim.js'),
  ]);
  const program = createProgram();
  registerServeCommand(program);
  registerDbCommands(program);
  registerServiceCommands(program);
  registerConfigCommands(program);
  registerAuditCommands(program);
  registerAdminCommands(program);
  registerIbCommands(program);
  registerSimCommands(program);
  registerResearchCommands(program);
  registerModelsCommand(program);
  registerExecutionCommands(program);
  registerRebalanceCommand(program);
  registerDecisionCommands(program);
  registerAccountCommand(program);
  registerDemoCommands(program);
  registerDoctorCommand(program);
  return { program, finishes: false };
}

/**
 * Ends the process as soon as stdout and stderr have taken everything written. A research command is
 * done when its action returns, and leaving it to Node's natural exit then tore down a heap of a few
 * hundred MB (the S&P 500 panel and features) for a tenth of a second (bench/research, phase "exit").
 */
async function exitWhenFlushed(): Promise<never> {
  await Promise.all(
    [process.stdout, process.stderr].map(
      (stream) => new Promise<void>((resolve) => stream.write('', () => resolve())),
    ),
  );
  process.exit();
}

let finishes = false;
try {
  const built = await buildProgram(process.argv);
  finishes = built.finishes;
  await built.program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = exitCodeFor(error);
  } else if (error instanceof ConfigError) {
    process.stderr.write(`${error.issues.map((i) => `error: ${describeIssue(i)}`).join('\n')}\n`);
    process.exitCode = exitCodeOf(error);
  } else {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = exitCodeOf(error);
  }
}
if (finishes) await exitWhenFlushed();
