/**
 * Weeks benchmark (not a test): `npm run bench -- weeks` or `npx tsx bench/pipeline/weeks.bench.ts [weeks]`.
 * The demo project traded unattended for N weeks (default 52) on the built-in paper gateway's
 * stepped clock: the server (SQLite), the scheduler firing each week by itself as the clock is moved
 * to the fire time, every step of every run for real. Prints the wall time of the weeks (goal < 60 s
 * for 52), the share of each step, and the setup (seeding the demo) separately.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { seedDemo } from '../../src/demo/index.js';
import { runWeeks, type WeekResult } from '../../src/demo/weeks.js';
import { PipelineRepository } from '../../src/pipeline/index.js';
import { startApp } from '../../src/server/index.js';
import { createSimClock } from '../../src/sim/market/index.js';

/**
 * Note: with the 15% default drawdown limit the demo's synthetic market (seed 1) halted trading from
 * week 26 (2027-05-17) on; the demo project now sets a limit that fits its market (DEMO_MAX_DRAWDOWN,
 * src/demo/seed.ts). A halted week still fails its checklist (trading.active) and counts as not clean.
 */
const WEEKS = Number(process.argv[2] ?? 52);
/** Friday 2026-11-20 after the close: the first run is Monday's. */
const START_MS = Date.UTC(2026, 10, 20, 22, 0, 0);
const GOAL_MS = 60_000;

const dataRoot = mkdtempSync(path.join(tmpdir(), 'ibloop-weeks-bench-'));
const clock = createSimClock({ mode: 'stepped', startMs: START_MS });
const setupStarted = performance.now();
const app = await startApp({
  env: { LOG_LEVEL: 'silent', IBLOOP_ADMIN_PASSWORD: 'bench-password-not-used' },
  dataRoot,
  host: '127.0.0.1',
  port: 0,
  trading: { enabled: true, builtInGateway: 'auto', simClock: clock },
});
try {
  const { projectId } = await seedDemo(app.ctx, { seed: 1 });
  for (const deadline = performance.now() + 60_000; ; ) {
    if (app.trading.execution?.engine.readiness().ready) break;
    if (performance.now() > deadline) throw new Error('the built-in gateway did not connect within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const setupMs = performance.now() - setupStarted;
  let orders = 0;
  const verbose: WeekResult[] = [];
  // The gateway runs in this process: its CPU time counts too. On a shared machine the CPU time
  // says more about the code than the wall time does.
  const cpuBefore = process.cpuUsage();
  const result = await runWeeks({
    ctx: app.ctx,
    trading: app.trading,
    clock,
    projectId,
    weeks: WEEKS,
    onWeek: (week) => {
      orders += week.orders;
      const clean =
        week.status === 'SUCCEEDED' &&
        week.duplicateOrders.length === 0 &&
        week.untracedOrders.length === 0 &&
        week.offTarget.length === 0;
      if (!clean) process.stdout.write(`  week ${week.week} ${week.tradingDate}: ${JSON.stringify(week)}\n`);
      if (process.env.BENCH_VERBOSE) verbose.push(week);
    },
  });
  const cpu = process.cpuUsage(cpuBefore);
  const repo = new PipelineRepository(app.ctx.store.db, app.ctx.clock);
  for (const week of verbose) {
    const run = await repo.get(week.runId);
    const items = (run.steps[0]?.evidence?.items ?? []) as Array<{
      id: string;
      numbers: { elapsedMs?: number };
    }>;
    const timed = items
      .filter((i) => i.numbers.elapsedMs !== undefined)
      .map((i) => `${i.id} ${i.numbers.elapsedMs} ms`);
    process.stdout.write(`  week ${week.week} ${week.tradingDate}: ${week.wallMs} ms; ${timed.join(', ')}\n`);
  }
  const clean = result.weeks.filter(
    (w) =>
      w.status === 'SUCCEEDED' &&
      w.duplicateOrders.length === 0 &&
      w.untracedOrders.length === 0 &&
      w.offTarget.length === 0,
  ).length;
  const stepTotal = Object.values(result.stepWallMs).reduce((a, b) => a + b, 0);
  const lines = [
    `weeks: ${WEEKS} (${result.weeks[0]?.tradingDate}..${result.weeks.at(-1)?.tradingDate}), clean ${clean}/${WEEKS}, orders ${orders}`,
    `setup (server, demo seed, connect): ${(setupMs / 1000).toFixed(1)} s`,
    `weeks wall time: ${(result.wallMs / 1000).toFixed(1)} s (${(result.wallMs / WEEKS).toFixed(0)} ms a week; goal < ${GOAL_MS / 1000} s for 52: ${result.wallMs * (52 / WEEKS) < GOAL_MS ? 'met' : 'MISSED'})`,
    `CPU time in the weeks (user + system, gateway included): ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`,
    `in steps: ${(stepTotal / 1000).toFixed(1)} s; the rest (scheduler, checks between weeks): ${((result.wallMs - stepTotal) / 1000).toFixed(1)} s`,
    ...Object.entries(result.stepWallMs).map(
      ([step, ms]) =>
        `  ${step.padEnd(10)} ${(ms / 1000).toFixed(2).padStart(7)} s  ${((ms / result.wallMs) * 100).toFixed(1).padStart(5)}%`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (clean !== WEEKS) process.exitCode = 1;
} finally {
  await app.close();
  rmSync(dataRoot, { recursive: true, force: true });
}
