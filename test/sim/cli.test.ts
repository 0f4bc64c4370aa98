import { CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerSimCommands } from '../../src/cli/commands/sim.js';
import { createProgram, exitCodeFor, USAGE_EXIT_CODE } from '../../src/cli/program.js';
import { type SimGatewayHandle, startSimGateway } from '../../src/sim/index.js';
import { createFakeMarket, createSteppedClock, OPEN_TUESDAY_MS } from './fakes.js';

function program() {
  const p = createProgram();
  p.configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerSimCommands(p);
  return p;
}

async function run(args: string[]): Promise<CommanderError | undefined> {
  try {
    await program().parseAsync(['node', 'ibloop', ...args]);
    return undefined;
  } catch (error) {
    if (error instanceof CommanderError) return error;
    throw error;
  }
}

describe('ibloop sim CLI', () => {
  let sim: SimGatewayHandle;
  const clock = createSteppedClock(OPEN_TUESDAY_MS);

  beforeAll(async () => {
    sim = await startSimGateway({ market: createFakeMarket(), clock });
  });

  afterAll(async () => {
    await sim.close();
  });

  it.each([
    [['sim', '--port', 'abc']],
    [['sim', '--account', 'U123']],
    [['sim', '--max-version', '170']],
    [['sim', '--clock', 'sometimes']],
    [['sim', 'fault', 'bogus']],
    [['sim', 'fault', 'reset', '--mode', '1200']],
    [['sim', 'advance', '-5']],
    [['sim', '--clock', 'stepped', '--speed', '60']],
  ])('refuses %j as a usage error', async (args) => {
    const error = await run(args);
    expect(error?.code).toMatch(/invalidArgument|unknownOption|conflictingOption/);
    expect(error && exitCodeFor(error)).toBe(USAGE_EXIT_CODE);
  });

  it('talks to a running gateway through its control port', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const port = String(sim.controlPort);
      expect(
        await run(['sim', '--control-port', port, 'fault', 'reject-next', '--count', '2']),
      ).toBeUndefined();
      expect(sim.gateway.faults.rejectNext).toBe(2);
      expect(
        await run(['sim', 'fault', 'stop-data', '--symbol', 'AAPL', '--control-port', port]),
      ).toBeUndefined();
      expect(sim.gateway.faults.stoppedSymbols.has('AAPL')).toBe(true);
      const before = clock.nowMs();
      expect(await run(['sim', '--control-port', port, 'advance', '60000'])).toBeUndefined();
      expect(clock.nowMs()).toBe(before + 60_000);
      expect(await run(['sim', '--control-port', port, 'orders'])).toBeUndefined();
      expect(out.mock.calls.some(([text]) => String(text).includes('"orders"'))).toBe(true);
    } finally {
      out.mockRestore();
    }
  });
});
