import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Files whose assertions bound wall time (the kill -9 lease hand-over, a 2 s halt, IB pacing, reconnect
 * and rate limits): they run after everything else, one file at a time, so that no other test file
 * competes with them for the CPU.
 */
const TIMING_SENSITIVE = [
  'test/pipeline/kill9.test.ts',
  'test/execution/rate-limit.test.ts',
  'test/risk/monitor-acceptance.test.ts',
  'test/brokerage/pacer.test.ts',
  'test/brokerage/connection-faults.test.ts',
  'test/server/ib-jobs.test.ts',
  // Drops the connection mid-run and waits on the reconnect; a starved event loop misses heartbeats.
  'test/execution/sim-inprocess.test.ts',
  // Resets, drops and duplicates the gateway connection, like connection-faults.
  'test/alerts/ib-reason-zh.test.ts',
  // Takes the gateway down (refuse) under two replicas and waits on the recorded reason.
  'test/alerts/ib-connection-zh.test.ts',
  // kill -9 of executor processes under the gateway's heartbeat: a starved successor loses its session.
  'test/execution/sim-replicas.test.ts',
  // Counts the requests of a paced backfill: a request that times out on a starved loop is sent again.
  'test/marketdata/backfill.test.ts',
];

/**
 * Most files spend their time waiting on servers, child processes, Chromium and PostgreSQL rather than
 * computing, so two files at a time overlap those waits even on a 2-core machine, where vitest's default
 * is one worker. IBLOOP_TEST_WORKERS overrides the count (1 runs every file alone).
 */
const WORKERS = Number(process.env.IBLOOP_TEST_WORKERS ?? Math.max(2, availableParallelism() - 1));
if (!Number.isInteger(WORKERS) || WORKERS < 1) {
  throw new Error(`IBLOOP_TEST_WORKERS must be a positive integer, not ${process.env.IBLOOP_TEST_WORKERS}`);
}

/** What both projects share; the PostgreSQL global setup stays on the root so that it starts once. */
const shared = {
  environment: 'node',
  pool: 'forks',
  testTimeout: 60_000,
  hookTimeout: 120_000,
  // expect.poll waits on a real browser or server; CI machines run many test files at once.
  expect: { poll: { timeout: 15_000, interval: 50 } },
} as const;

// One runner for unit, integration (SQLite, PostgreSQL, TCP gateway) and browser tests.
// Integration tests start real servers, so files run in separate forks with generous timeouts.
export default defineConfig({
  test: {
    ...shared,
    // The root project's setup runs for every project and they read what it provides (pgAdminUrl);
    // a project that inherited it (extends: true) would start one more PostgreSQL server of its own.
    globalSetup: ['test/global-setup.ts'],
    reporters: ['default'],
    projects: [
      {
        test: {
          ...shared,
          name: 'parallel',
          include: ['test/**/*.test.ts'],
          exclude: TIMING_SENSITIVE,
          maxWorkers: WORKERS,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...shared,
          name: 'timing',
          include: TIMING_SENSITIVE,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
