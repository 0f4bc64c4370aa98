import { afterEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context.js';
import { missedReasonText } from '../../src/contract/alert-texts.js';
import { ManualClock } from '../../src/core/clock.js';
import { Scheduler } from '../../src/scheduler/index.js';
import { ENGINES, type EngineTarget, freshTarget } from '../helpers/engines.js';
import { CountingWork, createProject, pipelineContext, runnerFor } from '../pipeline/context.js';

describe.each(ENGINES)('scheduler (%s)', (engine) => {
  let target: EngineTarget;
  let ctx: AppContext;
  afterEach(async () => {
    await ctx?.close();
    target?.cleanup();
  });

  async function setup(startMs: number) {
    target = await freshTarget(engine);
    const clock = new ManualClock(startMs);
    ctx = await pipelineContext(target, clock);
    const counting = new CountingWork();
    const runner = runnerFor(ctx, counting.work, 'holder');
    const scheduler = new Scheduler({
      runner,
      projects: ctx.projects,
      audit: ctx.audit,
      clock: ctx.clock,
      isHolder: () => true,
    });
    return { clock, counting, runner, scheduler };
  }

  it('fires at the fire time (Tuesday after a Monday holiday), once, however often it looks', async () => {
    const { clock, counting, runner, scheduler } = await setup(Date.parse('2026-01-16T15:00:00Z'));
    const projectId = await createProject(ctx, 'weekly');
    clock.set(Date.parse('2026-01-20T14:59:00Z'));
    await scheduler.tick();
    expect(await runner.repo.list({ projectId })).toHaveLength(0);
    clock.set(Date.parse('2026-01-20T15:00:00Z'));
    await scheduler.tick();
    await scheduler.tick();
    const [run] = await runner.repo.list({ projectId });
    expect(run?.tradingDate).toBe('2026-01-20');
    expect(run?.trigger).toBe('schedule');
    await runner.settled(run!.id);
    await scheduler.tick();
    expect((await runner.repo.get(run!.id)).status).toBe('SUCCEEDED');
    expect(counting.calls.submit).toBe(1);
    expect(await runner.repo.list({ projectId })).toHaveLength(1);
  });

  it('catches up when it comes back inside the window; past the window the run is MISSED and alerted', async () => {
    const { clock, runner, scheduler } = await setup(Date.parse('2026-01-09T15:00:00Z'));
    const late = await createProject(ctx, 'late');
    // Back at 13:00 New York, Monday 2026-01-12: the window (until 15:30) is still open.
    clock.set(Date.parse('2026-01-12T18:00:00Z'));
    await scheduler.tick();
    const [caught] = await runner.repo.list({ projectId: late });
    expect(caught?.trigger).toBe('catch-up');
    expect((await runner.settled(caught!.id)).status).toBe('SUCCEEDED');

    const missed = await createProject(ctx, 'missed');
    // Make the project older than the next window, then come back after that window closed.
    await ctx.store.db.updateTable('projects').set({ created_at: '2026-01-01T00:00:00.000Z' }).execute();
    clock.set(Date.parse('2026-01-20T21:00:00Z'));
    await scheduler.tick();
    const [gone] = await runner.repo.list({ projectId: missed });
    expect(gone?.status).toBe('MISSED');
    expect(gone?.tradingDate).toBe('2026-01-20');
    // Why, as a code the UI says in its language; the English text stays for logs and API users.
    expect(gone?.missedReason).toBe('server-down');
    expect(gone?.error).toBe(missedReasonText('server-down', 'en'));
    const zh = missedReasonText(gone?.missedReason ?? 'server-down', 'zh-CN');
    expect(zh.match(/[a-z]{2,}/g), zh).toBeNull();
    // A row stored before the code (its English text) reads back with its code too.
    await ctx.store.db
      .updateTable('pipeline_runs')
      .set({ error: missedReasonText('ib-not-back', 'en') })
      .where('id', '=', gone!.id)
      .execute();
    expect((await runner.repo.get(gone!.id)).missedReason).toBe('ib-not-back');
    const kinds = (await ctx.store.db.selectFrom('alert_outbox').select('kind').execute()).map((a) => a.kind);
    expect(kinds).toContain('run.missed');
  });

  it('a paused schedule does not fire; pause and resume are audited; next fire times are listed', async () => {
    const { clock, runner, scheduler } = await setup(Date.parse('2026-01-09T15:00:00Z'));
    const projectId = await createProject(ctx, 'paused');
    await scheduler.setPaused(projectId, true, 'holiday week', 'alice');
    clock.set(Date.parse('2026-01-12T15:05:00Z'));
    await scheduler.tick();
    expect(await runner.repo.list({ projectId })).toHaveLength(0);
    const view = await scheduler.setPaused(projectId, false, 'back', 'alice');
    expect(view.paused).toBe(false);
    // The window that passed while paused is neither run nor missed.
    await scheduler.tick();
    expect(await runner.repo.list({ projectId })).toHaveLength(0);
    expect(view.next.map((w) => w.tradingDate)).toEqual([
      '2026-01-12',
      '2026-01-20',
      '2026-01-26',
      '2026-02-02',
    ]);
    const actions = (await ctx.store.db.selectFrom('audit_log').select('action').execute()).map(
      (a) => a.action,
    );
    expect(actions).toEqual(expect.arrayContaining(['schedule.paused', 'schedule.resumed']));
  });
});
