import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PipelineRepository, type PipelineRun } from '../../src/pipeline/index.js';
import type { SimClock } from '../../src/sim/index.js';
import type { TestApp } from '../helpers/app.js';
import { pollUntil } from '../helpers/poll.js';
import { startWeeksApp } from './weeks-env.js';

/** Friday 2026-11-20 after the close; the weekly run fires on Mondays at 10:00 New York (15:00 UTC). */
const FRIDAY_EVENING = Date.UTC(2026, 10, 20, 22, 0, 0);

/**
 * The gateway's restart windows against the built-in paper gateway on a stepped clock: a run due
 * while IB is down inside a window waits for the reconnection (no alert, no failed run) and then
 * runs; the same outage outside a window leaves the run waiting, and MISSED and alerted when IB is
 * not back before the run's window closes.
 */
describe('runs due while the gateway is down', () => {
  let t: TestApp;
  let clock: SimClock;
  let projectId: number;
  let repo: PipelineRepository;

  beforeAll(async () => {
    ({ t, clock, projectId } = await startWeeksApp('sqlite', FRIDAY_EVENING));
    repo = new PipelineRepository(t.app.ctx.store.db, t.app.ctx.clock);
  }, 600_000);
  afterAll(async () => t?.close());

  const moveTo = (ms: number) => clock.advance(ms - clock.nowMs());
  const alertKinds = async () =>
    (await t.app.ctx.store.db.selectFrom('alert_outbox').select('kind').execute()).map((a) => a.kind);
  const connectionStatus = () => t.app.trading.ib?.brokerage.connection.state().status;
  const runOf = (date: string) =>
    pollUntil(
      async () => (await repo.find(projectId, date)) ?? null,
      (run): run is PipelineRun => run !== null,
      30_000,
    ) as Promise<PipelineRun>;

  it('inside the daily restart window the run waits for the reconnection, then runs; nobody is paged', async () => {
    // Restart at 09:55 New York for 15 minutes: the 10:00 fire time is inside the window.
    await t.app.ctx.settings.update({ GATEWAY_DAILY_RESTART: '09:55', GATEWAY_WINDOW_MINUTES: 15 }, 'test');
    moveTo(Date.UTC(2026, 10, 23, 14, 57));
    const gateway = t.app.trading.builtInGateway!;
    await gateway.faults.refuse(20);
    await pollUntil(
      async () => connectionStatus(),
      (s) => s !== 'CONNECTED',
      20_000,
    );
    moveTo(Date.UTC(2026, 10, 23, 15, 0, 30));
    const waiting = await pollUntil(
      () => runOf('2026-11-23'),
      (run) => run.steps[0]?.evidence?.waiting !== undefined,
      20_000,
    );
    expect(waiting.status).toBe('WAITING');
    expect(waiting.trigger).toBe('schedule');
    const note = waiting.steps[0]?.evidence?.waiting as {
      reason: string;
      window: string;
      text: { code: string };
    };
    expect(note.reason).toBe('gateway-restart');
    expect(note.window).toBe('daily-restart');
    expect(note.text.code).toBe('PIPELINE_WAITING_GATEWAY_RESTART');

    // The gateway comes back (the refusal ends): the run goes through every step.
    const done = await pollUntil(
      () => repo.get(waiting.id),
      (run) => !['WAITING', 'RUNNING'].includes(run.status),
      180_000,
    );
    expect(done.status, JSON.stringify(done.steps.map((s) => [s.name, s.status, s.error]))).toBe('SUCCEEDED');
    expect((done.steps[0]?.evidence?.waited as { reason: string } | undefined)?.reason).toBe(
      'gateway-restart',
    );
    const kinds = await alertKinds();
    expect(kinds).not.toContain('run.failed');
    expect(kinds).not.toContain('run.missed');
    expect(kinds).not.toContain('ib.disconnected');
  }, 300_000);

  it('outside a window the run waits while IB is down; not back before the window closes: MISSED and alerted', async () => {
    await t.app.ctx.settings.update({ GATEWAY_DAILY_RESTART: 'off' }, 'test');
    await pollUntil(
      async () => connectionStatus(),
      (s) => s === 'CONNECTED',
      60_000,
    );
    moveTo(Date.UTC(2026, 10, 30, 14, 58));
    await t.app.trading.builtInGateway!.faults.refuse(120);
    await pollUntil(
      async () => connectionStatus(),
      (s) => s !== 'CONNECTED',
      20_000,
    );
    moveTo(Date.UTC(2026, 10, 30, 15, 0, 30));
    const waiting = await pollUntil(
      () => runOf('2026-11-30'),
      (run) => run.steps[0]?.evidence?.waiting !== undefined,
      20_000,
    );
    expect(waiting.status).toBe('WAITING');
    expect((waiting.steps[0]?.evidence?.waiting as { reason: string } | undefined)?.reason).toBe(
      'gateway-down',
    );
    // 15:31 New York: the run's window (until 30 minutes before the close) has closed.
    moveTo(Date.UTC(2026, 10, 30, 20, 31));
    const missed = await pollUntil(
      () => repo.get(waiting.id),
      (run) => run.status !== 'WAITING',
      20_000,
    );
    expect(missed.status).toBe('MISSED');
    expect(missed.error).toContain('IB was not back');
    expect(await alertKinds()).toContain('run.missed');
    const orders = t.app.trading
      .builtInGateway!.orderLog()
      .filter((e) => e.simTimeMs >= Date.UTC(2026, 10, 30));
    expect(orders).toHaveLength(0);
  }, 300_000);
});
