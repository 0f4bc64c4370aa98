import { defineConfig } from 'vitest/config';

// One runner for unit, integration (SQLite, PostgreSQL, TCP gateway) and browser tests.
// Integration tests start real servers, so files run in separate forks with generous timeouts.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ['test/global-setup.ts'],
    // expect.poll waits on a real browser or server; CI machines run many test files at once.
    expect: { poll: { timeout: 15_000, interval: 50 } },
    reporters: ['default'],
  },
});
