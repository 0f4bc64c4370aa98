/**
 * What the browser downloads for the login page and for the Projects page after it, computed from a
 * built web app's Vite manifest: the entry and each route's chunk with everything they import
 * statically (lazy chunks such as a selected project's detail load later and are not counted).
 * Shared by the bundle benchmark (prints the figures) and the budget test (fails over budget).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { z } from 'zod';

/** Issue 17: the login page plus the Projects page at most 350 KB gzipped together. */
export const FIRST_LOAD_BUDGET_GZIP_BYTES = 350 * 1024;

const manifestSchema = z.record(
  z.string(),
  z.object({
    file: z.string(),
    isEntry: z.boolean().optional(),
    imports: z.array(z.string()).optional(),
    dynamicImports: z.array(z.string()).optional(),
    css: z.array(z.string()).optional(),
  }),
);
type Manifest = z.infer<typeof manifestSchema>;

/** The route chunks the two pages load on top of the entry (the keys are source paths under web/). */
const PAGES: { name: string; chunks: string[] }[] = [
  // The UI's texts load as their own chunk, one language at a time: the default (zh-CN) counts here.
  { name: 'login page', chunks: ['src/pages/LoginPage.tsx', 'src/i18n/locales/zh-CN.ts'] },
  { name: 'Projects page (signed in)', chunks: ['src/pages/projects/index.ts'] },
];

export interface Size {
  raw: number;
  gzip: number;
}

export interface FirstLoad {
  allScripts: Size & { chunks: number };
  entry: Size;
  /** What each page adds to what was loaded before it. */
  pages: (Size & { name: string })[];
  together: Size;
  /** Every file the two pages load, with its gzipped size. */
  files: { file: string; gzip: number }[];
}

/** A chunk and everything it imports statically (what the browser fetches before running it). */
function staticClosure(manifest: Manifest, key: string, into: Set<string>): void {
  const entry = manifest[key];
  if (!entry) throw new Error(`manifest has no chunk ${key}; known: ${Object.keys(manifest).join(', ')}`);
  if (into.has(entry.file)) return;
  into.add(entry.file);
  for (const css of entry.css ?? []) into.add(css);
  for (const imported of entry.imports ?? []) staticClosure(manifest, imported, into);
}

function sizes(dist: string, files: Iterable<string>): Size {
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const bytes = readFileSync(path.join(dist, file));
    raw += bytes.length;
    gzip += gzipSync(bytes).length;
  }
  return { raw, gzip };
}

/** Measures the first load from a build in `dist` (made with `build.manifest: true`). */
export function measureFirstLoad(dist: string): FirstLoad {
  const manifest = manifestSchema.parse(
    JSON.parse(readFileSync(path.join(dist, '.vite/manifest.json'), 'utf8')),
  );
  const entryKey = Object.keys(manifest).find((key) => manifest[key]?.isEntry);
  if (!entryKey) throw new Error('manifest has no entry chunk');

  const all = Object.values(manifest).map((chunk) => chunk.file);
  const allScripts = {
    ...sizes(dist, new Set(all.filter((file) => file.endsWith('.js')))),
    chunks: all.length,
  };
  const loaded = new Set<string>();
  staticClosure(manifest, entryKey, loaded);
  const entry = sizes(dist, loaded);
  const pages = PAGES.map((page) => {
    const before = new Set(loaded);
    for (const chunk of page.chunks) staticClosure(manifest, chunk, loaded);
    return {
      name: page.name,
      ...sizes(
        dist,
        [...loaded].filter((file) => !before.has(file)),
      ),
    };
  });
  return {
    allScripts,
    entry,
    pages,
    together: sizes(dist, loaded),
    files: [...loaded].sort().map((file) => ({ file, gzip: sizes(dist, [file]).gzip })),
  };
}

export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
