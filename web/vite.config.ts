import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Resolved from this file rather than the working directory so that the build works from any cwd
// (npm scripts run from the repo root, the browser-test helper may not).
const webRoot = decodeURIComponent(new URL('.', import.meta.url).pathname);

/** The API server the dev server forwards to; `ibloop serve` listens here by default. */
const apiTarget = 'http://127.0.0.1:8787';

export default defineConfig({
  root: webRoot,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // antd and echarts are large by nature; an admin console loaded once over a LAN can afford it.
    chunkSizeWarningLimit: 2500,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy: { '/api': { target: apiTarget } },
  },
});
