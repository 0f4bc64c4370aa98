import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerDemoCommands } from '../../src/cli/commands/demo.js';
import { createProgram, exitCodeFor, USAGE_EXIT_CODE } from '../../src/cli/program.js';

async function parseError(args: string[]): Promise<CommanderError> {
  const program = createProgram().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerDemoCommands(program);
  try {
    await program.parseAsync(['node', 'ibloop', ...args]);
  } catch (error) {
    if (error instanceof CommanderError) return error;
    throw error;
  }
  throw new Error('expected a usage error');
}

describe('ibloop demo seed flags', () => {
  it('refuses a seed that is not a non-negative integer, naming the flag, with exit code 2', async () => {
    for (const bad of ['x', '-1', '1.5']) {
      const error = await parseError(['demo', 'seed', '--seed', bad]);
      expect(error.code).toBe('commander.invalidArgument');
      expect(error.message).toContain('--seed');
      expect(exitCodeFor(error)).toBe(USAGE_EXIT_CODE);
    }
  });

  it('refuses unknown flags', async () => {
    const error = await parseError(['demo', 'seed', '--colour', 'red']);
    expect(error.code).toBe('commander.unknownOption');
  });
});
