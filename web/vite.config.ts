import { readFileSync } from 'node:fs';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Resolved from this file rather than the working directory so that the build works from any cwd
// (npm scripts run from the repo root, the browser-test helper may not).
const webRoot = decodeURIComponent(new URL('.', import.meta.url).pathname);

/**
 * True for the app's index.ts files that only re-export (every one but i18n's, which initialises):
 * declaring them free of side effects lets the bundler skip the re-exports a page does not use.
 */
function isReexportBarrel(id: string): boolean {
  if (!id.startsWith(webRoot) || !id.endsWith('/index.ts')) return false;
  const statements = readFileSync(id, 'utf8')
    .replace(/\/\/.*$/gm, '')
    .split(';')
    .map((statement) => statement.trim())
    .filter((statement) => statement !== '');
  return statements.every((statement) => /^export\s[\s\S]*\sfrom\s+'[^']+'$/.test(statement));
}

/** The API server the dev server forwards to; `ibloop serve` listens here by default. */
const apiTarget = 'http://127.0.0.1:8787';

export default defineConfig({
  root: webRoot,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Lists what each page loads (bench/web/bundle.bench.ts follows it to print the first-load sizes).
    manifest: true,
    // ECharts' chunk (loaded with the first chart) is the largest on purpose: one library, cached once.
    chunkSizeWarningLimit: 800,
    rolldownOptions: {
      // Without this, a page importing one component through a barrel (components/index.ts) would be
      // charged with every library the barrel's other modules use; with it, only what it uses.
      experimental: { lazyBarrel: true },
      treeshake: {
        moduleSideEffects: (id: string, external: boolean) => external || !isReexportBarrel(id),
      },
      output: {
        codeSplitting: {
          groups: [
            // Changes least often: one long-cached chunk every page needs.
            {
              name: 'vendor-react',
              test: /node_modules[\\/](react|react-dom|scheduler|react-router|react-router-dom)[\\/]/,
              priority: 3,
            },
            { name: 'vendor-i18n', test: /node_modules[\\/](i18next|react-i18next)[\\/]/, priority: 2 },
            // Only the chart views import it (lazily), so it never weighs on a page's first load.
            {
              name: 'vendor-echarts',
              test: /node_modules[\\/](echarts|zrender|echarts-for-react|size-sensor)[\\/]/,
              priority: 2,
            },
          ],
        },
      },
    },
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy: { '/api': { target: apiTarget } },
  },
});
