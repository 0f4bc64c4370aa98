import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeEntry } from '../helpers/entry.js';

/**
 * What `ibloop backtest` loads before it starts working: packages only some commands need are loaded
 * when used (yaml for a config file, csv-parse for a sector file, cli-progress for a bar on a
 * terminal), since loading them was a tenth of a second of every run (bench/research/sp500.bench.ts).
 * A module-load hook records every module URL the process loads into a file.
 */
const HOOKS = `
import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.IBLOOP_LOADED_FILE, url + '\\n');
  return next(url, context);
}`;
const REGISTER = `data:text/javascript,${encodeURIComponent(
  `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)});`,
)}`;

function loadedBy(args: string[]): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'ibloop-modules-'));
  try {
    const file = path.join(dir, 'loaded.txt');
    const child = spawnSync(process.execPath, ['--import', REGISTER, ...nodeEntry('cli/main'), ...args], {
      encoding: 'utf8',
      env: { ...process.env, IBLOOP_LOADED_FILE: file },
    });
    expect(child.status, child.stderr).toBe(0);
    return readFileSync(file, 'utf8').trim().split('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const packageOf = (url: string) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];

describe('CLI start-up', () => {
  it('a backtest loads neither yaml, csv-parse nor cli-progress up front', () => {
    const packages = new Set(loadedBy(['backtest', '--help']).map(packageOf));
    expect(packages).toContain('commander'); // the hook sees packages: the check below means something
    expect(packages).toContain('zod');
    for (const lazy of ['yaml', 'csv-parse', 'cli-progress']) expect(packages).not.toContain(lazy);
  });
});
