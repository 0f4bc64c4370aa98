import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createProgram, exitCodeFor } from '../../src/cli/program.js';
import { registerResearchCommands } from '../../src/research-cli.js';
import { toAlphaCsv } from '../../src/sources/alpha/index.js';
import { generateMarket, sectorOf, symbolName } from './fixtures/market.js';

let dir: string;

/** Runs `ibloop <args>` in-process; returns stdout and the exit code the real binary would use. */
async function run(...args: string[]): Promise<{ out: string; code: number }> {
  const program = createProgram();
  program.configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerResearchCommands(program);
  let out = '';
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const previousExitCode = process.exitCode;
  process.exitCode = 0;
  let code = 0;
  try {
    await program.parseAsync(['node', 'ibloop', ...args]);
    code = Number(process.exitCode ?? 0);
  } catch (error) {
    if (error instanceof CommanderError) code = exitCodeFor(error);
    else if (error instanceof Error && 'exitCode' in error) code = Number(error.exitCode);
    else throw error;
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    process.exitCode = previousExitCode;
  }
  return { out, code };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ibloop-research-cli-'));
  const input = path.join(dir, 'input');
  await mkdir(input);
  const market = generateMarket({ seed: 77, symbols: 12, days: 600 });
  for (const bars of market) await writeFile(path.join(input, `${bars.symbol}.csv`), toAlphaCsv(bars));
  const sectors = market.map((_, i) => `${symbolName(i)},Name ${i},${sectorOf(i)}`).join('\n');
  await writeFile(path.join(dir, 'constituents.csv'), `Symbol,Name,Sector\n${sectors}\n`);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('research CLI', () => {
  it('imports a folder with sectors, then reports coverage', async () => {
    const root = path.join(dir, 'data');
    const imported = await run(
      'data',
      'import',
      path.join(dir, 'input'),
      '--data-root',
      root,
      '--sectors',
      path.join(dir, 'constituents.csv'),
    );
    expect(imported.code).toBe(0);
    expect(imported.out).toContain('imported 12 files: 12 new');
    const again = await run('data', 'import', path.join(dir, 'input'), '--data-root', root);
    expect(again.out).toContain('12 unchanged');
    const coverage = await run('data', 'coverage', '--data-root', root, '--symbol', 'S001', '--json');
    expect(JSON.parse(coverage.out)[0]).toMatchObject({ symbol: 'S001', rows: 600, missingDays: 0 });
  });

  it('trains a model and backtests it, writing the report files', async () => {
    const root = path.join(dir, 'data');
    const trained = await run(
      'train',
      '--data-root',
      root,
      '--model',
      'ridge',
      '--seed',
      '3',
      '--min-train',
      '30',
      '--retrain-every',
      '13',
    );
    expect(trained.code).toBe(0);
    const version = /model ([0-9a-f]{64})/.exec(trained.out)?.[1];
    expect(version).toBeDefined();
    expect(existsSync(path.join(root, 'models', `${version}.json`))).toBe(true);
    const scores = await run(
      'score',
      '--data-root',
      root,
      '--model-version',
      version!.slice(0, 8),
      '--top',
      '3',
    );
    expect(scores.code).toBe(0);
    expect(scores.out).toMatch(/scores at the close of \d{4}-\d{2}-\d{2}/);
    expect(scores.out).toContain('12 symbols scored');
    expect(
      (await run('score', '--data-root', root, '--model-version', version!, '--date', '2021-02-30')).code,
    ).toBe(2);
    const out = path.join(dir, 'report');
    const backtest = await run(
      'backtest',
      '--data-root',
      root,
      '--model-version',
      version!.slice(0, 12),
      '--top-n',
      '4',
      '--out',
      out,
    );
    expect(backtest.code).toBe(0);
    expect(backtest.out).toContain(`model ${version!.slice(0, 12)}`);
    expect((await readdir(out)).sort()).toEqual([
      'equity.csv',
      'holdings.csv',
      'rebalances.csv',
      'result.json',
      'summary.csv',
      'trades.csv',
    ]);
  });

  it('fetches from an Alpha Vantage endpoint into the store', async () => {
    const market = generateMarket({ seed: 78, symbols: 2, days: 50 });
    const server = createServer((request, response) => {
      const symbol = new URL(request.url ?? '/', 'http://localhost').searchParams.get('symbol');
      const bars = market.find((candidate) => candidate.symbol === symbol);
      if (bars) response.writeHead(200).end(toAlphaCsv(bars));
      else response.writeHead(200).end(JSON.stringify({ 'Error Message': 'Invalid API call.' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/query`;
      const root = path.join(dir, 'fetched');
      const fetched = await run(
        'data',
        'fetch',
        '--data-root',
        root,
        '--symbols',
        'S000,S001,NOPE',
        '--api-key',
        'k',
        '--base-url',
        baseUrl,
      );
      expect(fetched.out).toContain('fetched 2 symbols; 1 failed');
      expect(fetched.out).toContain('error: NOPE: Invalid API call.');
      expect(fetched.code).toBe(1);
      const coverage = await run('data', 'coverage', '--data-root', root, '--json');
      expect(JSON.parse(coverage.out).map((entry: { symbol: string }) => entry.symbol)).toEqual([
        'S000',
        'S001',
      ]);
      const savedKey = process.env.ALPHA_VANTAGE_API_KEY;
      delete process.env.ALPHA_VANTAGE_API_KEY;
      try {
        const withoutKey = await run(
          'data',
          'fetch',
          '--data-root',
          root,
          '--symbols',
          'S000',
          '--base-url',
          baseUrl,
        );
        expect(withoutKey.code).toBe(2);
      } finally {
        if (savedKey !== undefined) process.env.ALPHA_VANTAGE_API_KEY = savedKey;
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('exits with 2 on bad flag values, naming the flag', async () => {
    const root = path.join(dir, 'data');
    expect((await run('backtest', '--data-root', root, '--top-n', '0')).code).toBe(2);
    expect((await run('train', '--data-root', root, '--model', 'xgb')).code).toBe(2);
    expect((await run('train', '--data-root', root, '--param', 'lambda')).code).toBe(2);
    expect((await run('train', '--data-root', root, '--model', 'ridge', '--param', 'lambda=-1')).code).toBe(
      2,
    );
    expect(
      (await run('data', 'fetch', '--data-root', root, '--symbols', 'A,B', '--per-minute', 'x')).code,
    ).toBe(2);
    expect((await run('train', '--data-root', path.join(dir, 'empty'))).code).toBe(2);
    expect((await run('data', 'import', path.join(dir, 'nowhere'), '--data-root', root)).code).toBe(2);
  });
});
