import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { workerBundleOptions } from '../../src/backtest/sweep-pool.js';

/**
 * Every sweep worker loads its module graph before it can run a point, and zod alone took ~115 ms of
 * that: the worker receives parsed configs, so nothing it loads may need a schema library. Bundled with
 * the pool's own options (sweep-pool.ts `workerBundleOptions`, packages external), so the metafile lists
 * every module the worker imports, including the ones the bundle tree-shakes to nothing.
 */
const WORKER = fileURLToPath(new URL('../../src/backtest/sweep-worker.ts', import.meta.url));

async function workerGraph(): Promise<Metafile> {
  const output = await build({ ...workerBundleOptions(WORKER), metafile: true });
  return output.metafile;
}

/** The modules of the graph that import `pkg` (or one of its subpaths). */
function importersOf(metafile: Metafile, pkg: string): string[] {
  return Object.entries(metafile.inputs)
    .filter(([, input]) => input.imports.some(({ path }) => path === pkg || path.startsWith(`${pkg}/`)))
    .map(([file]) => file)
    .sort();
}

describe('the sweep worker module graph', () => {
  it('imports no zod, directly or through any module it loads', async () => {
    const metafile = await workerGraph();
    expect(Object.keys(metafile.inputs)).toContain('src/backtest/sweep-point.ts');
    expect(importersOf(metafile, 'zod')).toEqual([]);
  });

  it('imports no package at all, only Node built-ins', async () => {
    // A point needs arithmetic on shared arrays and a hash: a package in this graph is start-up time
    // every worker pays, so one coming back should be a decision, not a side effect of an import.
    const packages = Object.values((await workerGraph()).inputs)
      .flatMap((input) => input.imports.filter((edge) => edge.external).map((edge) => edge.path))
      .filter((path) => !path.startsWith('node:'));
    expect([...new Set(packages)]).toEqual([]);
  });
});
