import { readFileSync } from 'node:fs';
import { Command, type CommanderError, InvalidArgumentError, Option } from 'commander';
import { z } from 'zod';

/** Exit code for usage errors: unknown flags, bad values, missing arguments. */
export const USAGE_EXIT_CODE = 2;

/** Parsers for option values; each throws InvalidArgumentError so commander names the flag. */
export const parse = {
  int(min: number, max: number) {
    return (raw: string): number => {
      if (!/^-?\d+$/.test(raw.trim())) throw new InvalidArgumentError(`expected an integer, got "${raw}"`);
      const value = Number(raw);
      if (value < min || value > max) throw new InvalidArgumentError(`must be between ${min} and ${max}`);
      return value;
    };
  },
  number(min: number, max: number) {
    return (raw: string): number => {
      const value = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(value)) {
        throw new InvalidArgumentError(`expected a number, got "${raw}"`);
      }
      if (value < min || value > max) throw new InvalidArgumentError(`must be between ${min} and ${max}`);
      return value;
    };
  },
  nonEmpty(raw: string): string {
    if (raw.trim() === '') throw new InvalidArgumentError('must not be empty');
    return raw;
  },
};

/** The usage-error codes commander raises; all of them exit with USAGE_EXIT_CODE. */
const USAGE_ERROR_CODES = new Set([
  'commander.unknownOption',
  'commander.unknownCommand',
  'commander.invalidArgument',
  'commander.missingArgument',
  'commander.optionMissingArgument',
  'commander.missingMandatoryOptionValue',
  'commander.excessArguments',
  'commander.conflictingOption',
]);

export function exitCodeFor(error: CommanderError): number {
  if (USAGE_ERROR_CODES.has(error.code)) return USAGE_EXIT_CODE;
  return error.exitCode;
}

/** The version in package.json (two levels up from src/cli and from dist/cli alike). */
export function ibloopVersion(): string {
  const file = new URL('../../package.json', import.meta.url);
  return z.object({ version: z.string().min(1) }).parse(JSON.parse(readFileSync(file, 'utf8'))).version;
}

export function createProgram(): Command {
  const program = new Command('ibloop')
    .description('Self-hosted weekly-rebalancing trading system for Interactive Brokers')
    .version(ibloopVersion(), '-V, --version', 'print the version of ibloop')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  return program;
}

export { Command, InvalidArgumentError, Option };
