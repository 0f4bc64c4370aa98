import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PINS = 'web/src/api/contract-pins.ts';

/** The web app's compiler options, as `tsc -p web/tsconfig.json` uses them. */
function webOptions(): ts.CompilerOptions {
  const config = ts.readConfigFile(path.join(REPO, 'web/tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, path.join(REPO, 'web'));
  return { ...parsed.options, types: [], noEmit: true };
}

/** Type errors of the pins file (and what it imports) in the tree under `root`. */
function typeErrors(root: string): string[] {
  const program = ts.createProgram([path.join(root, PINS)], webOptions());
  return ts
    .getPreEmitDiagnostics(program)
    .map(
      (d) =>
        `${d.file ? path.relative(root, d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
    );
}

/**
 * The acceptance "a field renamed on the server fails the web type check", run for real on a copy of
 * the contract and the web app's API types: only the pins file and what it imports are compiled, so
 * this takes seconds rather than the whole web type check.
 */
describe('web types come from the contract', () => {
  let root: string;

  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'ibloop-web-types-'));
    cpSync(path.join(REPO, 'src/contract'), path.join(root, 'src/contract'), { recursive: true });
    cpSync(path.join(REPO, 'web/src/api'), path.join(root, 'web/src/api'), { recursive: true });
    symlinkSync(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('type-checks as the contract stands', () => {
    expect(typeErrors(root)).toEqual([]);
  }, 120_000);

  it('fails the web type check when a field is renamed in the contract', () => {
    const file = path.join(root, 'src/contract/execution.ts');
    const original = readFileSync(file, 'utf8');
    expect(original).toContain('  tradingDate: z.string(),');
    writeFileSync(file, original.replace('  tradingDate: z.string(),', '  tradeDate: z.string(),'));
    try {
      const errors = typeErrors(root);
      // The page-facing read of `run.tradingDate` breaks, and the pinned misspelling no longer errs.
      expect(errors.some((e) => e.startsWith(PINS) && e.includes("'tradingDate'"))).toBe(true);
      expect(errors.some((e) => e.includes('Unused') && e.includes('@ts-expect-error'))).toBe(true);
    } finally {
      writeFileSync(file, original);
    }
  }, 120_000);
});
