import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IbBars } from '../../src/marketdata/index.js';
import { ibBarsFromRows } from '../../src/marketdata/index.js';
import type { AlphaBars } from '../../src/sources/alpha/bars.js';

/**
 * Data-source policy (DESIGN invariant 4): trading code reads only IB data. The folders below may not
 * import research data (`sources/alpha`) or the research model code (`alpha`). `src/sizing` is pure
 * arithmetic shared with backtests; trading sizes with it, so it is held to the same rule.
 */
const TRADING_FOLDERS = [
  'src/brokerage',
  'src/marketdata',
  'src/execution',
  'src/risk',
  'src/pipeline',
  'src/sizing',
];
const FORBIDDEN = [path.resolve('src/sources/alpha'), path.resolve('src/alpha')];

function filesUnder(folder: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(folder);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const full = path.join(folder, name);
    if (statSync(full).isDirectory()) return filesUnder(full);
    return /\.(ts|tsx|mts)$/.test(name) ? [full] : [];
  });
}

/** Every module specifier in static imports, re-exports, dynamic imports and require calls. */
function importsOf(source: string): string[] {
  const out: string[] = [];
  const patterns = [
    /\bimport\s+(?:type\s+)?(?:[\w*{}\s,]+\s+from\s+)?['"]([^'"]+)['"]/g,
    /\bexport\s+(?:type\s+)?[\w*{}\s,]+\s+from\s+['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const m of source.matchAll(pattern)) out.push(m[1] as string);
  return out;
}

function violations(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return importsOf(source).filter((spec) => {
    if (!spec.startsWith('.')) return false;
    const target = path.resolve(path.dirname(file), spec).replace(/\.js$/, '');
    return FORBIDDEN.some(
      (f) => target === f || target.startsWith(`${f}${path.sep}`) || target === `${f}/index`,
    );
  });
}

describe('data-source policy', () => {
  it('finds imports in every form (so the check can fail)', () => {
    const sample = [
      "import { x } from '../sources/alpha/index.js';",
      "import type { Y } from '../../alpha/models.js';",
      "export * from '../sources/alpha/bars.js';",
      "const m = await import('../alpha/index.js');",
    ].join('\n');
    expect(importsOf(sample)).toEqual([
      '../sources/alpha/index.js',
      '../../alpha/models.js',
      '../sources/alpha/bars.js',
      '../alpha/index.js',
    ]);
  });

  it('no trading module imports Alpha data or research code', () => {
    const files = TRADING_FOLDERS.flatMap((f) => filesUnder(path.resolve(f)));
    expect(files.length).toBeGreaterThan(10);
    const found = files.flatMap((f) =>
      violations(f).map((spec) => `${path.relative(process.cwd(), f)} -> ${spec}`),
    );
    expect(found).toEqual([]);
  });

  it('IbBars and AlphaBars cannot stand in for each other', () => {
    const takeIb = (bars: IbBars) => bars.source;
    const ib = ibBarsFromRows('AAPL', '1 day', [
      { timeMs: 0, open: 1, high: 1, low: 1, close: 1, volume: 1, wap: 1, count: 1 },
    ]);
    expect(takeIb(ib)).toBe('ib');
    const alpha = null as unknown as AlphaBars;
    // @ts-expect-error research bars are not trading bars
    const wrong = () => takeIb(alpha);
    const takeAlpha = (bars: AlphaBars) => bars.source;
    // @ts-expect-error trading bars are not research bars either
    const alsoWrong = () => takeAlpha(ib);
    expect(typeof wrong).toBe('function');
    expect(typeof alsoWrong).toBe('function');
  });
});
