/**
 * Benchmark: what the browser downloads for the login page and for the Projects page after it.
 * Builds the web app into a temporary directory (web/dist is left to the browser tests) with Vite's
 * manifest and prints raw and gzipped sizes (see first-load.ts for what is counted), then which
 * language files load when: the default language's shell is part of the first load, the rest is not.
 * Run: npm run bench -- bundle   (BUNDLE_DIST=web/dist reads an existing build instead)
 * Budget (issue 17): the login page plus the Projects page at most 350 KB gzipped together.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIRST_LOAD_BUDGET_GZIP_BYTES, kb, measureFirstLoad } from './first-load.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function buildInto(outDir: string): Promise<void> {
  const { build } = await import('vite');
  await build({
    configFile: path.join(REPO_ROOT, 'web/vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
}

const ownBuild = process.env.BUNDLE_DIST === undefined;
const dist = ownBuild
  ? mkdtempSync(path.join(tmpdir(), 'ibloop-bundle-'))
  : path.resolve(REPO_ROOT, process.env.BUNDLE_DIST ?? '');
try {
  if (ownBuild) {
    process.env.NODE_ENV = 'production';
    await buildInto(dist);
  }
  const load = measureFirstLoad(dist);
  console.log(
    `all scripts: ${kb(load.allScripts.raw)} raw, ${kb(load.allScripts.gzip)} gzipped (${load.allScripts.chunks} chunks)`,
  );
  console.log(`entry (index.html): ${kb(load.entry.raw)} raw, ${kb(load.entry.gzip)} gzipped`);
  for (const page of load.pages) console.log(`+ ${page.name}: ${kb(page.raw)} raw, ${kb(page.gzip)} gzipped`);
  const verdict = load.together.gzip <= FIRST_LOAD_BUDGET_GZIP_BYTES ? 'within' : 'OVER';
  console.log(
    `login + Projects together: ${kb(load.together.raw)} raw, ${kb(load.together.gzip)} gzipped ` +
      `(${verdict} the ${kb(FIRST_LOAD_BUDGET_GZIP_BYTES)} budget; ${load.files.length} files)`,
  );
  for (const { file, gzip } of load.files) console.log(`  ${file}: ${kb(gzip)} gzipped`);
  console.log('language texts, by when they load:');
  for (const part of load.languageParts)
    console.log(
      `  ${part.name}, ${part.when}${part.counted ? '' : ' (not counted)'}: ` +
        `${part.files.join(', ')}: ${kb(part.gzip)} gzipped`,
    );
} finally {
  if (ownBuild) rmSync(dist, { recursive: true, force: true });
}
