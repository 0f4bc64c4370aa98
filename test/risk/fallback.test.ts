import { afterEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context.js';
import { FallbackResponse } from '../../src/contract/risk.js';
import { ManualClock } from '../../src/core/clock.js';
import { DecisionService, SnapshotStore } from '../../src/decision/index.js';
import { liveStepWork, PipelineRepository } from '../../src/pipeline/index.js';
import { fallbackStatus } from '../../src/risk/index.js';
import { ENGINES, type EngineTarget, freshTarget } from '../helpers/engines.js';
import { CountingWork, createProject, pipelineContext, runnerFor } from '../pipeline/context.js';

// Tuesday 2026-01-13, 10:30 New York: the market is open.
const OPEN_NOW = Date.parse('2026-01-13T15:30:00Z');

/**
 * What the Live Trading page shows as 回退目标版本 (GET /api/risk/fallback): the project's policy
 * and the newest weekly run that fell back, read from what the pipeline recorded when its decision
 * failed: stand-still (nothing sent, the reason) and last-good (the fallback snapshot, its source
 * and the source's hash).
 */
describe.each(ENGINES)('fallback shown from the pipeline record, %s', (engine) => {
  let target: EngineTarget;
  let ctx: AppContext;
  afterEach(async () => {
    await ctx?.close();
    target?.cleanup();
  });

  const pipeline = (fallback: 'last-good' | 'stand-still') => ({
    pipeline: {
      retries: 0,
      backoffMs: 0,
      stepTimeoutMs: 1000,
      windowCloseMinutesBeforeClose: 30,
      leftover: 'cancel' as const,
      fallback,
    },
  });

  it('names the policy, what was done, why, when, and the snapshot traded again', async () => {
    target = await freshTarget(engine);
    ctx = await pipelineContext(target, new ManualClock(OPEN_NOW));
    const decisions = new DecisionService({
      db: ctx.store.db,
      audit: ctx.audit,
      clock: ctx.clock,
      projects: ctx.projects,
      dataRoot: target.dataRoot,
    });
    // The pipeline's own fallback port (the last completed run's snapshot, frozen as `fallback`).
    const { fallback } = liveStepWork({
      clock: ctx.clock,
      dataRoot: target.dataRoot,
      runtime: () => undefined,
      bars: () => undefined,
      decisions,
      tradingState: async () => ({ state: 'ACTIVE', reason: '' }),
      universe: async () => [],
    });

    const still = await createProject(ctx, 'still', pipeline('stand-still'));
    expect(await fallbackStatus(ctx.store.db, still, 'stand-still')).toEqual({
      projectId: still,
      policy: 'stand-still',
      latest: null,
    });
    const failing = new CountingWork();
    failing.failures.decide = 99;
    const runner = runnerFor(ctx, failing.work, 'a', fallback);
    const stood = await runner.settled(
      (await runner.trigger({ projectId: still, trigger: 'manual', actor: 'test' })).run.id,
    );
    expect(stood.status).toBe('STOOD_STILL');
    const shownStill = FallbackResponse.parse(await fallbackStatus(ctx.store.db, still, 'stand-still'));
    expect(shownStill.latest).toMatchObject({
      pipelineRunId: stood.id,
      tradingDate: '2026-01-13',
      used: 'stand-still',
      snapshotId: null,
      sourceSnapshotId: null,
      tradeRunId: null,
    });
    expect(shownStill.latest?.reason).toContain('decide failed on purpose');
    expect(Date.parse(shownStill.latest?.at ?? '')).toBe(OPEN_NOW);
    expect(failing.calls.submit).toBe(0);

    // last-good: an earlier week's completed model decision is traded again.
    const good = await createProject(ctx, 'good', pipeline('last-good'));
    const source = (
      await new SnapshotStore(ctx.store.db, ctx.audit, ctx.clock).insert(
        {
          schema: 'decision-snapshot/1',
          kind: 'model',
          projectId: good,
          projectVersion: 1,
          tradingDate: '2026-01-05',
          asOf: '2026-01-02',
          modelVersion: 'm1',
          dataSource: 'ib',
          inputs: [],
          dropped: [],
          scores: { AAA: 1 },
          sectors: { AAA: 'Tech' },
          previousWeights: {},
          previousSnapshotId: null,
          weightsBefore: { AAA: 0.5 },
          weightsAfter: { AAA: 0.5 },
          cuts: [],
          params: {},
          supersedes: null,
          manual: null,
          fallback: null,
        },
        'test',
      )
    ).snapshot;
    // The week that decided it completed: last-good trades only a completed run's decision.
    const repo = new PipelineRepository(ctx.store.db, ctx.clock);
    const { run: earlier } = await repo.createOrJoin({
      projectId: good,
      tradingDate: '2026-01-05',
      dryRun: false,
      trigger: 'manual',
      actor: 'test',
      notBefore: '2026-01-05T15:00:00.000Z',
      windowEnd: '2026-01-05T20:30:00.000Z',
    });
    expect(await repo.claimStep(earlier.id, 'decide', 'seed')).toBe(true);
    await repo.endStep(earlier.id, 'decide', 'seed', {
      status: 'SUCCEEDED',
      evidence: { snapshotId: source.id },
    });
    await repo.finishRun(earlier.id, 'SUCCEEDED');
    const traded = await runner.settled(
      (await runner.trigger({ projectId: good, trigger: 'manual', actor: 'test' })).run.id,
    );
    expect(traded.status).toBe('SUCCEEDED');
    const shown = FallbackResponse.parse(await fallbackStatus(ctx.store.db, good, 'last-good'));
    expect(shown.policy).toBe('last-good');
    expect(shown.latest).toMatchObject({
      pipelineRunId: traded.id,
      used: 'last-good',
      sourceSnapshotId: source.id,
      sourceHash: source.contentHash,
    });
    expect(shown.latest?.reason).toContain('decide failed on purpose');
    const frozen = await decisions.get(shown.latest?.snapshotId ?? 0);
    expect(frozen.kind).toBe('fallback');
    expect(frozen.content.weightsAfter).toEqual({ AAA: 0.5 });
    // Both audited and alerted.
    const audit = await ctx.store.db
      .selectFrom('audit_log')
      .select('after_json')
      .where('action', '=', 'pipeline.fallback')
      .execute();
    expect(audit.map((a) => JSON.parse(a.after_json ?? '{}').policy).sort()).toEqual([
      'last-good',
      'stand-still',
    ]);
    const alerts = await ctx.store.db
      .selectFrom('alert_outbox')
      .select('kind')
      .where('kind', '=', 'fallback.used')
      .execute();
    expect(alerts.length).toBeGreaterThanOrEqual(1);
  });
});
