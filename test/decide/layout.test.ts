import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src');

/**
 * Module specifiers a file loads at run time. With `verbatimModuleSyntax` only a whole
 * `import type` / `export type` declaration is erased: `import { type A } from 'x'` still loads `x`.
 */
function runtimeImports(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!node.importClause?.isTypeOnly) found.push(node.moduleSpecifier.text);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      if (!node.isTypeOnly) found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every source file (relative to src/) and package a module's entry loads, transitively. */
function loadedBy(entry: string): Set<string> {
  const seen = new Set<string>();
  const queue = [path.join(SRC, entry)];
  while (queue.length > 0) {
    const file = queue.pop()!;
    const relative = path.relative(SRC, file);
    if (seen.has(relative)) continue;
    seen.add(relative);
    for (const spec of runtimeImports(file, readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) {
        seen.add(spec);
        continue;
      }
      const target = path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts');
      if (!existsSync(target)) throw new Error(`${relative}: cannot resolve ${spec}`);
      queue.push(target);
    }
  }
  return seen;
}

/** What the pure decide and the backtest must never load: the live decision service and the IB stack. */
function forbidden(loaded: Set<string>): string[] {
  return [...loaded]
    .filter(
      (name) =>
        /^(decision|brokerage|store|marketdata)\//.test(name) ||
        name === '@stoqey/ib' ||
        name.startsWith('@stoqey/'),
    )
    .sort();
}

describe('one decide, loaded without the IB stack', () => {
  it('src/decide loads neither the decision service, the store nor IB', () => {
    const loaded = loadedBy('decide/index.ts');
    expect(loaded.has('decide/decide.ts')).toBe(true);
    expect(forbidden(loaded)).toEqual([]);
  });

  it('src/backtest runs the same decide without loading src/decision or IB', () => {
    const loaded = loadedBy('backtest/index.ts');
    expect(loaded.has('decide/decide.ts')).toBe(true);
    expect(forbidden(loaded)).toEqual([]);
  });

  it('src/backtest sizes with the sizing module that execution uses, without loading execution', () => {
    const loaded = loadedBy('backtest/index.ts');
    expect(loaded.has('sizing/sizing.ts')).toBe(true);
    expect(loaded.has('execution/index.ts') || loaded.has('execution/service.ts')).toBe(false);
    expect(loadedBy('execution/index.ts').has('sizing/sizing.ts')).toBe(true);
  });

  it('src/decision reaches the IB stack (the walk sees what it must keep the backtest from)', () => {
    const loaded = loadedBy('decision/index.ts');
    expect(loaded.has('decide/decide.ts')).toBe(true);
    expect(forbidden(loaded)).toContain('@stoqey/ib');
  });

  it('erases only whole type-only declarations', () => {
    const text = [
      "import type { A } from './a.js';",
      "import { type B } from './b.js';",
      "export type { C } from './c.js';",
      "export { d } from './d.js';",
      "const e = await import('./e.js');",
    ].join('\n');
    expect(runtimeImports('x.ts', text)).toEqual(['./b.js', './d.js', './e.js']);
  });
});
