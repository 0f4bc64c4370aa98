import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimGatewayHandle } from '../../src/sim/index.js';
import { runCli } from '../helpers/cli.js';
import { addProjectsAt } from './projects.js';
import { startSim } from './sim-env.js';

describe('ibloop execute: bad weights files are refused with the field named, nothing is sent', () => {
  let dir: string;
  let sim: SimGatewayHandle;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ibloop-exec-cli-'));
    sim = (await startSim()).sim;
    await addProjectsAt({ dataRoot: path.join(dir, 'data') }, ['demo']);
  });
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (name: string, content: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    return runCli(
      [
        'execute',
        '--project',
        '1',
        '--weights',
        file,
        '--port',
        String(sim.port),
        '--host',
        '127.0.0.1',
        '--data-root',
        path.join(dir, 'data'),
      ],
      {},
    );
  };

  it.each([
    ['nan.csv', 'symbol,weight\nAAPL,NaN\n', /weights\.AAPL: line 2: must be a decimal number/],
    ['negative.json', '{"AAPL": -0.1}', /weights\.AAPL: must be >= 0/],
    ['sum.json', '{"AAPL": 0.75, "MSFT": 0.75}', /weights: sum of weights is 1\.5/],
    ['empty.csv', '', /weights: .* is empty/],
    ['garbage.txt', 'this is not a weights file at all', /file: .* neither JSON nor CSV/],
    ['broken.json', '{"AAPL": 0.1', /file: .* not valid JSON/],
  ])('%s', (name, content, message) => {
    const result = run(name, content);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(sim.orderLog()).toEqual([]);
  });

  it('an unknown symbol is refused after asking the gateway, before any order', async () => {
    // Asynchronous child: the gateway lives in this process and must keep answering.
    const file = path.join(dir, 'unknown.json');
    writeFileSync(file, '{"AAPL": 0.1, "ZZZZQ": 0.1}');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'execute',
        '--project',
        '1',
        '--weights',
        file,
        '--port',
        String(sim.port),
        '--date',
        '2026-11-24',
        '--data-root',
        path.join(dir, 'data'),
      ],
      { env: { ...process.env, LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    const result = { code, stderr };
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/weights\.ZZZZQ: unknown symbol/);
    expect(sim.orderLog()).toEqual([]);
  });

  it('good weights: the run is executed and completes; a second execute sends nothing', async () => {
    const file = path.join(dir, 'good.csv');
    writeFileSync(file, 'symbol,weight\nAAPL,0.05\nMSFT,0.05\n');
    const execute = async () => {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          'src/cli/main.ts',
          'execute',
          '--project',
          '1',
          '--weights',
          file,
          '--port',
          String(sim.port),
          '--date',
          '2026-11-24',
          '--data-root',
          path.join(dir, 'data'),
        ],
        { env: { ...process.env, LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        out += chunk.toString();
      });
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      return { code, out };
    };
    const first = await execute();
    expect(first.code, first.out).toBe(0);
    expect(first.out).toMatch(/run 1 \(new run, snapshot \d+\): 2 new orders, 2 sent/);
    expect(first.out).toMatch(/run 1 COMPLETED/);
    expect(sim.orderLog()).toHaveLength(2);
    const second = await execute();
    expect(second.code, second.out).toBe(0);
    expect(second.out).toMatch(/joined existing run, snapshot \d+\): 0 new orders, 0 sent/);
    expect(sim.orderLog()).toHaveLength(2);
  }, 180_000);

  it.each([
    [['--order-type', 'STOP'], /--order-type/],
    [['--project', 'demo'], /--project/],
    [['--date', '2026-13-45'], /--date.*not a valid calendar day/],
    [['--date', '2026-11-28'], /--date.*2026-11-28 is not an NYSE trading day/],
  ])('a bad flag value exits 2 naming the flag: %s', (flags, message) => {
    const before = sim.orderLog().length;
    const result = runCli(['execute', '--project', '1', '--weights', 'x.json', ...flags]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(sim.orderLog()).toHaveLength(before);
  });

  it('a project id that does not exist exits 2 naming --project, before connecting', () => {
    const file = path.join(dir, 'good.csv');
    writeFileSync(file, 'symbol,weight\nAAPL,0.05\nMSFT,0.05\n');
    const before = sim.orderLog().length;
    const result = runCli([
      'execute',
      '--project',
      '99',
      '--weights',
      file,
      '--date',
      '2026-11-24',
      '--data-root',
      path.join(dir, 'data'),
    ]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/--project: no project with id 99/);
    expect(sim.orderLog()).toHaveLength(before);
  });
});
