import { type BootstrapConfig, ConfigError, loadBootstrapConfig } from '../config/index.js';
import { type Command, USAGE_EXIT_CODE } from './program.js';

export interface CommonFlags {
  dataRoot?: string;
  config?: string;
}

/** Adds the flags every command that touches the data root or settings understands. */
export function withCommonFlags(command: Command): Command {
  return command
    .option('--data-root <dir>', 'data folder (default: DATA_ROOT or ./data)')
    .option('--config <file>', 'YAML or JSON config file (default: IBLOOP_CONFIG)');
}

export function bootstrapFrom(flags: CommonFlags, extra: Record<string, string> = {}): BootstrapConfig {
  return loadBootstrapConfig({
    env: process.env,
    configFile: flags.config,
    overrides: { ...(flags.dataRoot !== undefined ? { DATA_ROOT: flags.dataRoot } : {}), ...extra },
  });
}

/** Thrown by commands for a usage problem found after parsing (e.g. a bad settings value). */
export class UsageError extends Error {
  readonly exitCode = USAGE_EXIT_CODE;
}

export function exitCodeOf(error: unknown): number {
  if (error instanceof ConfigError || error instanceof UsageError) return USAGE_EXIT_CODE;
  return 1;
}
