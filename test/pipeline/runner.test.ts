import { afterEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context.js';
import { ManualClock } from '../../src/core/clock.js';
import { ENGINES, type EngineTarget, freshTarget } from '../helpers/engines.js';
import { CountingWork, createProject, pipelineContext, quickPipeline, runnerFor } from './context.js';

// Tuesday 2026-01-13, 10:30 New York (15:30 UTC): the market is open.
const OPEN_NOW = Date.parse('2026-01-13T15:30:00Z');

describe.each(ENGINES)('pipeline runner (%s)', (engine) => {
  let target: EngineTarget;
  let ctx: AppContext;
  afterEach(async () => {
    await ctx?.close();
    target?.cleanup();
  });

  async function setup(now = OPEN_NOW) {
    target = await freshTarget(engine);
    ctx = await pipelineContext(target, new ManualClock(now));
  }

  it('runs every step once, in order, each seeing what the earlier ones recorded', async () => {
    await setup();
    const projectId = await createProject(ctx, 'p1');
    const counting = new CountingWork();
    const runner = runnerFor(ctx, counting.work, 'a');
    const { run, marketClosed } = await runner.trigger({ projectId, trigger: 'manual', actor: 'test' });
    expect(marketClosed).toBe(false);
    const done = await runner.settled(run.id);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.steps.map((s) => [s.name, s.status, s.attempts])).toEqual([
      ['checklist', 'SUCCEEDED', 1],
      ['decide', 'SUCCEEDED', 1],
      ['plan', 'SUCCEEDED', 1],
      ['risk', 'SUCCEEDED', 1],
      ['submit', 'SUCCEEDED', 1],
      ['monitor', 'SUCCEEDED', 1],
      ['report', 'SUCCEEDED', 1],
    ]);
    expect(done.steps[6]?.evidence?.seen).toEqual([
      'checklist',
      'decide',
      'plan',
      'risk',
      'submit',
      'monitor',
    ]);
    expect(Object.values(counting.calls)).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });

  it('Run now and the scheduler in the same second, on three replicas: one run, each step once', async () => {
    await setup();
    const projectId = await createProject(ctx, 'p2');
    const counting = new CountingWork();
    let release: () => void = () => {};
    counting.gate.decide = new Promise((resolve) => {
      release = resolve;
    });
    // The lease makes one replica the holder; the others record triggers for it.
    let holder = 'a';
    const replicas = ['a', 'b', 'c'].map((owner) =>
      runnerFor(ctx, counting.work, owner, undefined, () => holder === owner),
    );
    const results = await Promise.all([
      replicas[0]!.trigger({ projectId, tradingDate: '2026-01-13', trigger: 'manual', actor: 'u' }),
      replicas[0]!.trigger({ projectId, tradingDate: '2026-01-13', trigger: 'schedule', actor: 'scheduler' }),
      replicas[1]!.trigger({ projectId, tradingDate: '2026-01-13', trigger: 'schedule', actor: 'scheduler' }),
      replicas[2]!.trigger({ projectId, tradingDate: '2026-01-13', trigger: 'cli', actor: 'cli' }),
    ]);
    expect(new Set(results.map((r) => r.run.id)).size).toBe(1);
    expect(results.filter((r) => !r.joined)).toHaveLength(1);
    // Let the replicas race for the steps, then let the decision finish.
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    const id = results[0]!.run.id;
    await Promise.all(replicas.map((r) => r.settled(id)));
    // A takeover after the run finished, and every replica looking again: nothing runs twice.
    holder = 'b';
    for (const r of replicas) await r.resumeDue();
    for (const r of replicas) await r.startIfDue(id);
    const done = await replicas[0]!.repo.get(id);
    expect(done.status).toBe('SUCCEEDED');
    expect(Object.values(counting.calls)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    const runs = await ctx.store.db.selectFrom('pipeline_runs').select('id').execute();
    expect(runs).toHaveLength(1);
  });

  it('retries a failing step up to the limit, then fails the run; a succeeded step is not repeated when a person starts it again', async () => {
    await setup();
    const projectId = await createProject(ctx, 'p3', {
      pipeline: {
        retries: 1,
        backoffMs: 0,
        stepTimeoutMs: 1000,
        windowCloseMinutesBeforeClose: 30,
        leftover: 'cancel',
        fallback: 'stand-still',
      },
    });
    const counting = new CountingWork();
    counting.failures.submit = 2;
    const runner = runnerFor(ctx, counting.work, 'a');
    const { run } = await runner.trigger({ projectId, trigger: 'manual', actor: 'test' });
    const failed = await runner.settled(run.id);
    expect(failed.status).toBe('FAILED');
    const submit = failed.steps.find((s) => s.name === 'submit');
    expect(submit?.status).toBe('FAILED');
    expect(submit?.attempts).toBe(2);
    expect(failed.steps.find((s) => s.name === 'monitor')?.status).toBe('SKIPPED');
    const alerts = await ctx.store.db.selectFrom('alert_outbox').select('kind').execute();
    expect(alerts.map((a) => a.kind)).toContain('run.failed');

    const again = await runner.trigger({ projectId, trigger: 'manual', actor: 'test' });
    expect(again.joined).toBe(true);
    const done = await runner.settled(run.id);
    expect(done.status).toBe('SUCCEEDED');
    expect(counting.calls).toMatchObject({
      checklist: 1,
      decide: 1,
      plan: 1,
      risk: 1,
      submit: 3,
      monitor: 1,
      report: 1,
    });
  });

  it('a step that outlives its time-out is failed and retried', async () => {
    await setup();
    const projectId = await createProject(ctx, 'p4', {
      pipeline: {
        retries: 1,
        backoffMs: 0,
        stepTimeoutMs: 1000,
        windowCloseMinutesBeforeClose: 30,
        leftover: 'cancel',
        fallback: 'stand-still',
      },
    });
    const counting = new CountingWork();
    let first = true;
    const slow = counting.work.plan;
    counting.work.plan = async (c) => {
      if (first) {
        first = false;
        await new Promise((resolve) => setTimeout(resolve, 1500));
      }
      return slow(c);
    };
    const runner = runnerFor(ctx, counting.work, 'a');
    const { run } = await runner.trigger({ projectId, trigger: 'manual', actor: 'test' });
    const done = await runner.settled(run.id);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.steps.find((s) => s.name === 'plan')?.attempts).toBe(2);
  });

  it('a failed decision follows the fallback policy: stand-still sends nothing, last-good trades the last snapshot', async () => {
    await setup();
    const still = await createProject(ctx, 'still');
    const counting = new CountingWork();
    counting.failures.decide = 99;
    const runner = runnerFor(ctx, counting.work, 'a', {
      lastGood: async () => ({ snapshotId: 7 }),
    });
    const { run } = await runner.trigger({ projectId: still, trigger: 'manual', actor: 'test' });
    const stood = await runner.settled(run.id);
    expect(stood.status).toBe('STOOD_STILL');
    expect(stood.fallback).toBe('stand-still');
    expect(counting.calls.submit).toBe(0);

    const good = await createProject(ctx, 'good', quickPipeline('last-good'));
    const second = await runner.trigger({ projectId: good, trigger: 'manual', actor: 'test' });
    const traded = await runner.settled(second.run.id);
    expect(traded.status).toBe('SUCCEEDED');
    expect(traded.fallback).toBe('last-good');
    expect(traded.steps.find((s) => s.name === 'decide')?.evidence).toMatchObject({
      snapshotId: 7,
      fallback: 'last-good',
    });
    expect(counting.calls.submit).toBe(1);
    const kinds = (await ctx.store.db.selectFrom('alert_outbox').select('kind').execute()).map((a) => a.kind);
    expect(kinds.filter((k) => k === 'fallback.used').length).toBeGreaterThanOrEqual(1);
    const audit = (await ctx.store.db.selectFrom('audit_log').select('action').execute()).map(
      (a) => a.action,
    );
    expect(audit.filter((a) => a === 'pipeline.fallback')).toHaveLength(2);
  });

  it('a takeover resumes from the last finished step', async () => {
    await setup();
    const projectId = await createProject(ctx, 'p5');
    const counting = new CountingWork();
    let holderA = true;
    const a = runnerFor(ctx, counting.work, 'a', undefined, () => holderA);
    // A dies in the middle of the risk step: the step stays RUNNING under A.
    counting.work.risk = async () => {
      holderA = false;
      throw new Error('process killed');
    };
    const { run } = await a.trigger({ projectId, trigger: 'manual', actor: 'test' });
    await a.settled(run.id);
    const half = await a.repo.get(run.id);
    expect(half.status).toBe('RUNNING');
    const fresh = new CountingWork();
    const b = runnerFor(ctx, fresh.work, 'b');
    await b.resumeDue();
    const done = await b.settled(run.id);
    expect(done.status).toBe('SUCCEEDED');
    expect(fresh.calls).toMatchObject({
      checklist: 0,
      decide: 0,
      plan: 0,
      risk: 1,
      submit: 1,
      monitor: 1,
      report: 1,
    });
  });

  it('a dry run stops after the risk check and is marked so; it does not take the run key', async () => {
    await setup();
    const projectId = await createProject(ctx, 'p6');
    const counting = new CountingWork();
    const runner = runnerFor(ctx, counting.work, 'a');
    const dry = await runner.trigger({ projectId, dryRun: true, trigger: 'manual', actor: 'test' });
    const done = await runner.settled(dry.run.id);
    expect(done.dryRun).toBe(true);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.steps.map((s) => s.name)).toEqual(['checklist', 'decide', 'plan', 'risk']);
    expect(counting.calls.submit).toBe(0);
    const real = await runner.trigger({ projectId, trigger: 'manual', actor: 'test' });
    expect(real.joined).toBe(false);
  });

  it('a run started while the market is closed waits and says when it will trade', async () => {
    // Saturday 2026-01-17: the next session is Tuesday 2026-01-20 (Monday is Martin Luther King Day).
    await setup(Date.parse('2026-01-17T15:00:00Z'));
    const projectId = await createProject(ctx, 'p7');
    const counting = new CountingWork();
    const runner = runnerFor(ctx, counting.work, 'a');
    const result = await runner.trigger({ projectId, trigger: 'manual', actor: 'test' });
    expect(result.marketClosed).toBe(true);
    expect(result.run.tradingDate).toBe('2026-01-20');
    expect(result.tradesAt).toBe('2026-01-20T15:00:00.000Z');
    const after = await runner.settled(result.run.id);
    expect(after.status).toBe('WAITING');
    expect(counting.calls.checklist).toBe(0);
  });
});
