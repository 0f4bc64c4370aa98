import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerResearchCommands } from '../../src/cli/commands/research.js';
import { createProgram, exitCodeFor } from '../../src/cli/program.js';
import { toAlphaCsv } from '../../src/sources/alpha/index.js';
import { generateMarket, sectorOf, symbolName } from './fixtures/market.js';

let dir: string;

/** Runs `ibloop <args>` in-process; returns stdout, stderr and the exit code the real binary would use. */
async function run(...args: string[]): Promise<{ out: string; err: string; code: number }> {
  const program = createProgram();
  program.configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerResearchCommands(program);
  let out = '';
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  let err = '';
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err += String(chunk);
    return true;
  });
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
  return { out, err, code };
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

  it('backtests the rule model untrained, with a commission schedule, a window and an index', async () => {
    const root = path.join(dir, 'data');
    const args = ['backtest', '--data-root', root, '--model', 'rule', '--top-n', '3'];
    const window = ['--start', '2016-01-04', '--end', '2016-12-30', '--benchmark', 'S011'];
    const zero = await run(...args, ...window, '--commission', 'zero', '--out', path.join(dir, 'zero'));
    expect(zero.code).toBe(0);
    expect(zero.out).toContain('commission zero');
    expect(zero.out).toContain('commissions 0.00');
    expect(zero.out).toMatch(/index S011: total return -?\d+\.\d\d%, CAGR/);
    expect(zero.out).toMatch(
      /\nfinal value \d+\.\d\d, total return -?\d+\.\d\d%, CAGR -?\d+\.\d\d%, max drawdown \d+\.\d\d%\n$/,
    );
    // Not a terminal: progress comes as plain lines, the last one complete.
    expect(zero.err).not.toContain('\r');
    expect(zero.err).toMatch(/backtest: (\d+)\/\1 rebalances\n/);
    const result = JSON.parse(await readFile(path.join(dir, 'zero', 'result.json'), 'utf8'));
    expect(result.start >= '2016-01-04' && result.end <= '2016-12-30').toBe(true);
    expect(result.end > '2016-12-20').toBe(true);
    expect(result.index.symbol).toBe('S011');
    const tiered = await run(
      ...args,
      ...window,
      '--commission',
      'ib-tiered',
      '--out',
      path.join(dir, 'tiered'),
    );
    const fixed = await run(...args, ...window, '--out', path.join(dir, 'fixed'));
    const commissions = (out: string) => Number(/commissions (\d+\.\d\d)/.exec(out)![1]);
    expect(commissions(tiered.out)).toBeGreaterThan(0);
    expect(commissions(tiered.out)).toBeLessThan(commissions(fixed.out));
    const signal = await run(
      ...args,
      ...window,
      '--signal',
      'ret(126) / vol(63)',
      '--out',
      path.join(dir, 'sig'),
    );
    expect(signal.code).toBe(0);
    expect(signal.out).toContain('(signal ret(126) / vol(63))');
    const signalResult = JSON.parse(await readFile(path.join(dir, 'sig', 'result.json'), 'utf8'));
    expect(signalResult.config).toMatchObject({ signal: 'ret(126) / vol(63)', modelVersion: null });
    expect((await run(...args, '--signal', 'ret(126) / vlo(63)')).code).toBe(2);
    expect((await run(...args, '--commission', 'ib-pro')).code).toBe(2);
    expect((await run(...args, '--start', '2016-13-01')).code).toBe(2);
    expect((await run(...args, '--benchmark', 'SPY')).code).toBe(2);
  });

  it('sweeps a grid in worker threads, sorted, with the multiple-testing caveat', async () => {
    const root = path.join(dir, 'data');
    const swept = await run(
      'sweep',
      '--data-root',
      root,
      '--signal',
      'ret(130, 5)',
      'ret(60) / vol(60)',
      '--top-n',
      '2,4',
      '--workers',
      '2',
      '--sort',
      'cagr',
    );
    expect(swept.code).toBe(0);
    const lines = swept.out.trim().split('\n');
    expect(lines).toHaveLength(6);
    const cagrs = lines.slice(1, 5).map((line) => Number.parseFloat(line.split(/\s+/)[1]!));
    expect(cagrs).toEqual([...cagrs].sort((a, b) => b - a));
    expect(lines[5]).toContain('4 points. Caveat: the best of many backtests is optimistic');
    expect(swept.err).toMatch(/sweep: 4\/4 points\n/);
    const bad = await run('sweep', '--data-root', root, '--signal', 'ret(5) +');
    expect(bad.code).toBe(2);
    expect((await run('sweep', '--data-root', root, '--weighting', 'equal,best')).code).toBe(2);
  });

  it('warns about short histories and sector-file names without prices', async () => {
    const input = path.join(dir, 'short-input');
    await mkdir(input);
    const [long] = generateMarket({ seed: 5, symbols: 1, days: 300 });
    const [short] = generateMarket({ seed: 6, symbols: 1, days: 120 });
    await writeFile(path.join(input, 'LONG.csv'), toAlphaCsv(long!));
    await writeFile(path.join(input, 'SHORT.csv'), toAlphaCsv(short!));
    const sectors = path.join(dir, 'short-sectors.csv');
    await writeFile(sectors, 'Symbol,Name,Sector\nLONG,Long,Tech\nSHORT,Short,Tech\nGHOST,Ghost,Energy\n');
    const imported = await run(
      'data',
      'import',
      input,
      '--data-root',
      path.join(dir, 'short-data'),
      '--sectors',
      sectors,
    );
    expect(imported.code).toBe(0);
    expect(imported.out).toContain('warning: SHORT: short history, 120 bars (less than a year, 252)');
    expect(imported.out).toContain('warning: GHOST: in the sector file but has no prices');
    expect(imported.out).not.toContain('warning: LONG');
    expect(imported.out).toContain('2 warning(s)');
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
