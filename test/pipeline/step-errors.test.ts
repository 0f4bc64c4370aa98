import { afterEach, describe, expect, it } from 'vitest';
import { renderAlert } from '../../src/alerts/index.js';
import type { AppContext } from '../../src/app/context.js';
import { englishText, msg } from '../../src/contract/messages.js';
import { PipelineRunView } from '../../src/contract/pipeline.js';
import { ManualClock } from '../../src/core/clock.js';
import { InputError } from '../../src/core/errors.js';
import { StepError } from '../../src/pipeline/index.js';
import { ENGINES, type EngineTarget, freshTarget } from '../helpers/engines.js';
import { CountingWork, createProject, pipelineContext, runnerFor } from './context.js';

// Tuesday 2026-01-13, 10:30 New York: the market is open.
const OPEN_NOW = Date.parse('2026-01-13T15:30:00Z');

describe.each(ENGINES)('step error codes (%s)', (engine) => {
  let target: EngineTarget;
  let ctx: AppContext;
  afterEach(async () => {
    await ctx?.close();
    target?.cleanup();
  });

  it('a failed step keeps its StepError code and catalogued message; the run view carries both', async () => {
    target = await freshTarget(engine);
    ctx = await pipelineContext(target, new ManualClock(OPEN_NOW));
    const projectId = await createProject(ctx, 'codes');
    const counting = new CountingWork();
    // A plain error first (retried), then a final StepError with its catalogued text.
    counting.failures.plan = 1;
    const risk = counting.work.risk;
    counting.work.risk = async () => {
      throw new StepError('PRETRADE_BLOCKED', 'pre-trade risk blocked the run: maxPositionWeight', {
        final: true,
        text: msg('PIPELINE_PRETRADE_BLOCKED', { rules: 'maxPositionWeight' }),
      });
    };
    const runner = runnerFor(ctx, counting.work, 'a');
    const { run } = await runner.trigger({ projectId, trigger: 'manual', actor: 'test' });
    const done = await runner.settled(run.id);
    counting.work.risk = risk;
    expect(done.status).toBe('FAILED');
    const byName = Object.fromEntries(done.steps.map((s) => [s.name, s]));
    expect(byName.plan?.status).toBe('SUCCEEDED');
    expect(byName.plan?.errorCode).toBeNull();
    expect(byName.risk?.status).toBe('FAILED');
    expect(byName.risk?.errorCode).toBe('PRETRADE_BLOCKED');
    expect(byName.risk?.error).toBe('pre-trade risk blocked the run: maxPositionWeight');
    expect(byName.risk?.errorText).toEqual({
      code: 'PIPELINE_PRETRADE_BLOCKED',
      params: { rules: 'maxPositionWeight' },
    });
    expect(englishText(byName.risk!.errorText!)).toBe('pre-trade risk blocked the run: maxPositionWeight');
    // Read back from the database by a fresh repository, and valid against the API contract.
    const view = PipelineRunView.parse(await runner.repo.get(run.id));
    expect(view.steps.find((s) => s.name === 'risk')?.errorCode).toBe('PRETRADE_BLOCKED');
  });

  it('an error that is not a StepError is stored as STEP_FAILED with its text', async () => {
    target = await freshTarget(engine);
    ctx = await pipelineContext(target, new ManualClock(OPEN_NOW));
    const projectId = await createProject(ctx, 'plain', { pipeline: { retries: 0 } });
    const counting = new CountingWork();
    counting.failures.checklist = 1;
    const runner = runnerFor(ctx, counting.work, 'a');
    const { run } = await runner.trigger({ projectId, trigger: 'manual', actor: 'test' });
    const done = await runner.settled(run.id);
    const checklist = done.steps.find((s) => s.name === 'checklist');
    expect(checklist?.status).toBe('FAILED');
    expect(checklist?.errorCode).toBe('STEP_FAILED');
    expect(checklist?.errorText).toEqual({
      code: 'PIPELINE_STEP_FAILED',
      params: { detail: 'checklist failed on purpose' },
    });
  });

  it('an error that carries a catalogued message fails the step under that code, and the fallback alert carries it', async () => {
    target = await freshTarget(engine);
    ctx = await pipelineContext(target, new ManualClock(OPEN_NOW));
    const projectId = await createProject(ctx, 'no model', { pipeline: { retries: 0 } });
    const counting = new CountingWork();
    const reason = msg('DECISION_NO_MODEL', { project: projectId, version: 1 });
    counting.work.decide = async () => {
      throw new InputError('modelVersion', 'no trained model', reason);
    };
    const runner = runnerFor(ctx, counting.work, 'a');
    const { run } = await runner.trigger({ projectId, trigger: 'manual', actor: 'test' });
    const done = await runner.settled(run.id);
    const decide = done.steps.find((s) => s.name === 'decide');
    expect(decide?.errorCode).toBe('DECISION_NO_MODEL');
    expect(decide?.errorText).toEqual(reason);
    const alert = await ctx.store.db
      .selectFrom('alert_outbox')
      .selectAll()
      .where('kind', '=', 'fallback.used')
      .executeTakeFirstOrThrow();
    const params = JSON.parse(alert.params_json) as Record<string, unknown>;
    expect(params.reasonCode).toBe('DECISION_NO_MODEL');
    expect(params.reasonText).toEqual(reason);
    // English readers get the catalogued sentence; the web app renders the same message in Chinese.
    expect(renderAlert('fallback.used', 'warning', params as never, 'en')).toContain(
      `project ${projectId} version 1 has no trained model`,
    );
  });
});
