import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Node arguments that run one of our entry points in a child process, e.g. `nodeEntry('cli/main')`.
 *
 * Starting `src/...ts` through tsx costs about two seconds of CPU per process (it transpiles the whole
 * import graph), and a few test files start dozens of processes. `npm run test:all` builds before it
 * tests, so there the compiled `dist/...js` is the current source and starts in half the time. The
 * compiled copy is used only when it is newer than every file under src/: after any edit (or a
 * checkout) the tests run the source through tsx again, so they never test stale code.
 * IBLOOP_TEST_FROM_SOURCE=1 always runs the source.
 */
export function nodeEntry(module: string, root = '.'): string[] {
  const compiled = path.join(root, 'dist', `${module}.js`);
  if (compiledIsCurrent(compiled, path.join(root, 'src'))) return [compiled];
  return ['--import', 'tsx', path.join(root, 'src', `${module}.ts`)];
}

/** Newest modification under each source folder, read once per test file (it walks ~300 files). */
const newestSourceMs = new Map<string, number>();

function compiledIsCurrent(compiled: string, sources: string): boolean {
  if (process.env.IBLOOP_TEST_FROM_SOURCE === '1') return false;
  let builtMs: number;
  try {
    builtMs = statSync(compiled).mtimeMs;
  } catch {
    return false;
  }
  let newest = newestSourceMs.get(sources);
  if (newest === undefined) {
    newest = newestMtime(sources);
    newestSourceMs.set(sources, newest);
  }
  return builtMs >= newest;
}

function newestMtime(dir: string): number {
  let newest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}
