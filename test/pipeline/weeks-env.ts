import { existsSync } from 'node:fs';
import { expect } from 'vitest';
import { seedDemo } from '../../src/demo/index.js';
import type { WeekResult } from '../../src/demo/weeks.js';
import { createSimClock } from '../../src/sim/market/index.js';
import { ApiClient, startTestApp, type TestApp } from '../helpers/app.js';
import type { EngineName } from '../helpers/engines.js';
import { pollUntil } from '../helpers/poll.js';

/**
 * The server with its built-in paper gateway on a stepped clock that the app's clock follows, the
 * demo project seeded at that time, IB connected.
 */
export async function startWeeksApp(engine: EngineName, startMs: number) {
  const clock = createSimClock({ mode: 'stepped', startMs });
  const t: TestApp = await startTestApp(engine, {
    trading: { enabled: true, builtInGateway: 'auto', simClock: clock },
  });
  const api = new ApiClient(t.app.url);
  await api.login();
  const projectId = (await seedDemo(t.app.ctx, { seed: 1, years: 3 })).projectId;
  await pollUntil(
    async () => (await api.request<{ status: string }>('GET', '/api/ib/status')).body,
    (s) => s.status === 'CONNECTED',
    60_000,
  );
  return { t, api, clock, projectId };
}

/** The app's built-in paper gateway (its faults and order log). */
export function builtInGateway(t: TestApp) {
  const handle = t.app.trading.builtInGateway;
  if (!handle) throw new Error('no built-in gateway');
  return handle;
}

/** How many orders the gateway has been asked to place so far. */
export function placedOrders(t: TestApp): number {
  return builtInGateway(t)
    .orderLog()
    .filter((e) => e.kind === 'place').length;
}

/** A week kept every invariant: the run succeeded, no order twice, every order traced, on target, reported. */
export function expectCleanWeek(week: WeekResult): void {
  const label = `week ${week.week} (${week.tradingDate}): ${JSON.stringify(week)}`;
  expect(week.status, label).toBe('SUCCEEDED');
  expect(week.snapshotId, label).not.toBeNull();
  expect(week.orders, label).toBeGreaterThan(0);
  expect(week.filledOrders, label).toBe(week.orders);
  expect(week.duplicateOrders, label).toEqual([]);
  expect(week.untracedOrders, label).toEqual([]);
  expect(week.offTarget, label).toEqual([]);
  expect(week.reportFile, label).toMatch(/[/\\]ib[/\\]orders[/\\]/);
  expect(existsSync(week.reportFile ?? ''), label).toBe(true);
}
