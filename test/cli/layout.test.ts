import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src');
const CLI = path.join(SRC, 'cli');

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

/** Every module specifier a file imports or re-exports (static and dynamic). */
function specifiers(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g)) {
    if (match[1] !== undefined) found.push(match[1]);
  }
  return found;
}

describe('CLI layout', () => {
  it('no module outside src/cli imports from src/cli', async () => {
    const offenders: string[] = [];
    for (const file of await sourceFiles(SRC)) {
      if (file.startsWith(`${CLI}${path.sep}`)) continue;
      for (const spec of specifiers(await readFile(file, 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const target = path.resolve(path.dirname(file), spec);
        if (target === CLI || target.startsWith(`${CLI}${path.sep}`)) {
          offenders.push(`${path.relative(SRC, file)} -> ${spec}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('finds an import from src/cli when there is one (the scan works)', () => {
    expect(specifiers("import { parse } from '../cli/program.js';\nexport * from './x.js';")).toEqual([
      '../cli/program.js',
      './x.js',
    ]);
  });

  it('command files live under src/cli/commands, none at the top of src or in modules', async () => {
    const stray = (await sourceFiles(SRC))
      .map((f) => path.relative(SRC, f))
      .filter((f) => /(^|\/)cli\.ts$|-cli\.ts$/.test(f));
    expect(stray).toEqual([]);
  });
});
