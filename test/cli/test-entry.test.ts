import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { nodeEntry } from '../helpers/entry.js';

/**
 * Tests that start our CLI in a child process run its compiled copy only when that copy is the
 * current source; otherwise they would pass or fail on code that no longer exists.
 */
const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});
afterEach(() => {
  delete process.env.IBLOOP_TEST_FROM_SOURCE;
});

const T0 = new Date('2026-12-01T10:00:00Z');
const later = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

/** A checkout whose sources were all written at T0, and (optionally) built `builtAfter` seconds later. */
function checkout(builtAfter?: number): string {
  const root = mkdtempSync(path.join(tmpdir(), 'ibloop-entry-'));
  roots.push(root);
  for (const [file, dir] of [
    ['src/cli/main.ts', 'src/cli'],
    ['src/store/db.ts', 'src/store'],
  ] as const) {
    mkdirSync(path.join(root, dir), { recursive: true });
    writeFileSync(path.join(root, file), '');
    utimesSync(path.join(root, file), T0, T0);
  }
  for (const dir of ['src/cli', 'src/store', 'src']) utimesSync(path.join(root, dir), T0, T0);
  if (builtAfter !== undefined) {
    mkdirSync(path.join(root, 'dist/cli'), { recursive: true });
    writeFileSync(path.join(root, 'dist/cli/main.js'), '');
    utimesSync(path.join(root, 'dist/cli/main.js'), later(builtAfter), later(builtAfter));
  }
  return root;
}

const fromSource = (root: string) => ['--import', 'tsx', path.join(root, 'src/cli/main.ts')];

describe('nodeEntry: the compiled CLI only when it is current', () => {
  it('runs the source when nothing is built', () => {
    const root = checkout();
    expect(nodeEntry('cli/main', root)).toEqual(fromSource(root));
  });

  it('runs the build when it is newer than every source file', () => {
    const root = checkout(60);
    expect(nodeEntry('cli/main', root)).toEqual([path.join(root, 'dist/cli/main.js')]);
  });

  it('runs the source when any source file changed after the build, however deep', () => {
    const root = checkout(60);
    utimesSync(path.join(root, 'src/store/db.ts'), later(120), later(120));
    expect(nodeEntry('cli/main', root)).toEqual(fromSource(root));
  });

  it('runs the source when a source file was added after the build', () => {
    const root = checkout(60);
    writeFileSync(path.join(root, 'src/store/new.ts'), '');
    expect(nodeEntry('cli/main', root)).toEqual(fromSource(root));
  });

  it('runs the source when IBLOOP_TEST_FROM_SOURCE=1, even with a current build', () => {
    const root = checkout(60);
    process.env.IBLOOP_TEST_FROM_SOURCE = '1';
    expect(nodeEntry('cli/main', root)).toEqual(fromSource(root));
  });
});
