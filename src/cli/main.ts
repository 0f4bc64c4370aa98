#!/usr/bin/env node
import { CommanderError } from 'commander';
import { ConfigError, describeIssue } from '../config/index.js';
import { registerAccountCommand } from './commands/account.js';
import { registerAdminCommands } from './commands/admin.js';
import { registerAuditCommands } from './commands/audit.js';
import { registerConfigCommands } from './commands/config.js';
import { registerDbCommands } from './commands/db.js';
import { registerDecisionCommands } from './commands/decision.js';
import { registerDemoCommands } from './commands/demo.js';
import { registerDoctorCommand } from './commands/doctor.js';
import { registerExecutionCommands } from './commands/execution.js';
import { registerIbCommands } from './commands/ib.js';
import { registerModelsCommand } from './commands/models.js';
import { registerRebalanceCommand } from './commands/rebalance.js';
import { registerResearchCommands } from './commands/research.js';
import { registerServeCommand } from './commands/serve.js';
import { registerServiceCommands } from './commands/service.js';
import { registerSimCommands } from './commands/sim.js';
import { exitCodeOf } from './common.js';
import { createProgram, exitCodeFor } from './program.js';

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

try {
  await program.parseAsync(process.argv);
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
