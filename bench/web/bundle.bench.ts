/**
 * Benchmark: what the browser downloads for the login page and for the Projects page after it.
 * Builds the web app into a temporary directory (web/dist is left to the browser tests) with Vite's
 * manifest, follows each route's static imports from the manifest, and prints raw and gzipped sizes.
 * Run: npm run bench -- bundle   (BUNDLE_DIST=web/dist reads an existing build instead)
 * Budget (issue 17): the login page plus the Projects page at most 350 KB gzipped together.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { z } from 'zod';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BUDGET_GZIP_BYTES = 350 * 1024;

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

async function buildInto(outDir: string): Promise<void> {
  const { build } = await import('vite');
  await build({
    configFile: path.join(REPO_ROOT, 'web/vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
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

function sizes(dist: string, files: Iterable<string>): { raw: number; gzip: number } {
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const bytes = readFileSync(path.join(dist, file));
    raw += bytes.length;
    gzip += gzipSync(bytes).length;
  }
  return { raw, gzip };
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

const ownBuild = process.env.BUNDLE_DIST === undefined;
const dist = ownBuild
  ? mkdtempSync(path.join(tmpdir(), 'ibloop-bundle-'))
  : path.resolve(REPO_ROOT, process.env.BUNDLE_DIST ?? '');
try {
  if (ownBuild) {
    process.env.NODE_ENV = 'production';
    await buildInto(dist);
  }
  const manifest = manifestSchema.parse(
    JSON.parse(readFileSync(path.join(dist, '.vite/manifest.json'), 'utf8')),
  );
  const entryKey = Object.keys(manifest).find((key) => manifest[key]?.isEntry);
  if (!entryKey) throw new Error('manifest has no entry chunk');

  const all = Object.values(manifest).map((chunk) => chunk.file);
  const total = sizes(dist, new Set(all.filter((file) => file.endsWith('.js'))));
  console.log(`all scripts: ${kb(total.raw)} raw, ${kb(total.gzip)} gzipped (${all.length} chunks)`);

  const loaded = new Set<string>();
  staticClosure(manifest, entryKey, loaded);
  const entry = sizes(dist, loaded);
  console.log(`entry (${entryKey}): ${kb(entry.raw)} raw, ${kb(entry.gzip)} gzipped`);
  for (const page of PAGES) {
    const before = new Set(loaded);
    for (const chunk of page.chunks) staticClosure(manifest, chunk, loaded);
    const added = sizes(
      dist,
      [...loaded].filter((file) => !before.has(file)),
    );
    console.log(`+ ${page.name}: ${kb(added.raw)} raw, ${kb(added.gzip)} gzipped`);
  }
  const together = sizes(dist, loaded);
  const verdict = together.gzip <= BUDGET_GZIP_BYTES ? 'within' : 'OVER';
  console.log(
    `login + Projects together: ${kb(together.raw)} raw, ${kb(together.gzip)} gzipped ` +
      `(${verdict} the ${kb(BUDGET_GZIP_BYTES)} budget; ${loaded.size} files)`,
  );
  for (const file of [...loaded].sort()) console.log(`  ${file}: ${kb(sizes(dist, [file]).gzip)} gzipped`);
} finally {
  if (ownBuild) rmSync(dist, { recursive: true, force: true });
}
