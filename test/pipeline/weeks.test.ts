import { afterEach, describe, expect, it } from 'vitest';
import { runWeeks } from '../../src/demo/weeks.js';
import type { TestApp } from '../helpers/app.js';
import { ENGINES } from '../helpers/engines.js';
import { expectCleanWeek, startWeeksApp } from './weeks-env.js';

/** Weeks in a row: IBLOOP_WEEKS (the acceptance run is 12); 3 by default. */
const WEEKS = Number(process.env.IBLOOP_WEEKS ?? 3);
/** Friday 2026-11-20 after the close on the gateway's clock: the first run is Monday's. */
const FRIDAY_EVENING = Date.UTC(2026, 10, 20, 22, 0, 0);

describe.each(ENGINES)('weeks unattended on the stepped clock (%s)', (engine) => {
  let t: TestApp | undefined;
  afterEach(async () => t?.close());

  it(`the scheduler trades ${WEEKS} weeks by itself: no order twice, every order traced, on target, reported`, async () => {
    const started = await startWeeksApp(engine, FRIDAY_EVENING);
    t = started.t;
    const result = await runWeeks({
      ctx: t.app.ctx,
      trading: t.app.trading,
      clock: started.clock,
      projectId: started.projectId,
      weeks: WEEKS,
    });
    expect(result.weeks).toHaveLength(WEEKS);
    for (const week of result.weeks) {
      expectCleanWeek(week);
      // Fired by the scheduler at the fire time, not by a person.
      expect(week.trigger).toBe('schedule');
    }
    const dates = result.weeks.map((w) => w.tradingDate);
    expect(new Set(dates).size).toBe(WEEKS);
    expect(dates[0]).toBe('2026-11-23');
    const reports = await t.app.ctx.store.db
      .selectFrom('pipeline_runs')
      .select(['report_json'])
      .where('project_id', '=', started.projectId)
      .where('status', '=', 'SUCCEEDED')
      .execute();
    expect(reports.filter((r) => r.report_json !== null)).toHaveLength(WEEKS);
    const log = t.app.trading.builtInGateway?.orderLog().filter((e) => e.kind === 'place') ?? [];
    expect(new Set(log.map((e) => e.orderRef)).size).toBe(log.length);
    expect(log.length).toBe(result.weeks.reduce((n, w) => n + w.orders, 0));
  }, 900_000);
});
