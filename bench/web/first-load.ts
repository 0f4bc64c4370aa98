/**
 * What the browser downloads for the login page and for the Projects page after it, computed from a
 * built web app's Vite manifest: the entry and each route's chunk with everything they import
 * statically (lazy chunks such as a selected project's detail load later and are not counted).
 * The UI's texts count with their first-load part only, the default language's shell
 * (web/src/i18n/locales/zh-CN.ts); its pages part loads after the first render without holding it up
 * and is listed, with English's two parts, under `languageParts` but not counted.
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
  // The texts load as their own chunks, one language at a time; the default language's shell (zh-CN.ts)
  // is what the first render waits for, so it counts here (its pages part, zh-CN.pages.ts, does not).
  { name: 'login page', chunks: ['src/pages/LoginPage.tsx', 'src/i18n/locales/zh-CN.ts'] },
  { name: 'Projects page (signed in)', chunks: ['src/pages/projects/index.ts'] },
];

/** The language chunks in the order they load (see web/src/i18n/index.ts); only the first counts. */
const LANGUAGE_PARTS: { name: string; when: string; chunk: string }[] = [
  {
    name: 'zh-CN shell',
    when: 'before the first render (counted in the login page)',
    chunk: 'src/i18n/locales/zh-CN.ts',
  },
  {
    name: 'zh-CN pages part',
    when: 'right after the first render, not blocking it; every route but login and Projects waits for it',
    chunk: 'src/i18n/locales/zh-CN.pages.ts',
  },
  {
    name: 'en shell',
    when: 'when switching to English, before the switch (when English is stored: as the zh-CN shell)',
    chunk: 'src/i18n/locales/en.ts',
  },
  {
    name: 'en pages part',
    when: 'with the en shell, before the switch (when English is stored: as the zh-CN pages part)',
    chunk: 'src/i18n/locales/en.pages.ts',
  },
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
  /**
   * The language chunks, in the order they load: when, and the files each fetches (the shell's are
   * part of the first load, the others' are not counted in it).
   */
  languageParts: (Size & { name: string; when: string; files: string[]; counted: boolean })[];
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
  const firstLoad = new Set(loaded);
  const languageParts = LANGUAGE_PARTS.map((part) => {
    const own = new Set<string>();
    staticClosure(manifest, part.chunk, own);
    // What the part fetches itself: the chunks no earlier load brought (the shell's are all in the first load).
    const counted = [...own].every((file) => firstLoad.has(file));
    const files = [...own].filter((file) => counted || !loaded.has(file)).sort();
    for (const file of files) loaded.add(file);
    return { name: part.name, when: part.when, files, counted, ...sizes(dist, files) };
  });
  return {
    allScripts,
    entry,
    pages,
    together: sizes(dist, firstLoad),
    files: [...firstLoad].sort().map((file) => ({ file, gzip: sizes(dist, [file]).gzip })),
    languageParts,
  };
}

export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
