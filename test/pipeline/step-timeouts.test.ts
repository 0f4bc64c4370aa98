import { afterEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context.js';
import { ManualClock } from '../../src/core/clock.js';
import { ENGINES, type EngineTarget, freshTarget } from '../helpers/engines.js';
import { CountingWork, createProject, pipelineContext, runnerFor } from './context.js';

// Tuesday 2026-01-13, 10:30 New York: the market is open.
const OPEN_NOW = Date.parse('2026-01-13T15:30:00Z');

describe.each(ENGINES)('per-step time-outs (%s)', (engine) => {
  let target: EngineTarget;
  let ctx: AppContext;
  afterEach(async () => {
    await ctx?.close();
    target?.cleanup();
  });

  it("a step's own time-out overrides the general one; the other steps keep the general one", async () => {
    target = await freshTarget(engine);
    ctx = await pipelineContext(target, new ManualClock(OPEN_NOW));
    const projectId = await createProject(ctx, 'timeouts', {
      pipeline: { retries: 0, stepTimeoutMs: 600_000, stepTimeoutsMs: { decide: 1_000 } },
    });
    const counting = new CountingWork();
    // The checklist takes longer than decide's own time-out, but only decide has it; decide hangs.
    counting.gate.checklist = new Promise<void>((resolve) => setTimeout(resolve, 1_500));
    counting.gate.decide = new Promise<void>(() => {});
    const runner = runnerFor(ctx, counting.work, 'a');
    const { run } = await runner.trigger({ projectId, trigger: 'manual', actor: 'test' });
    const done = await runner.settled(run.id);
    const byName = Object.fromEntries(done.steps.map((s) => [s.name, s]));
    expect(byName.checklist?.status).toBe('SUCCEEDED');
    expect(byName.decide?.status).toBe('FAILED');
    expect(byName.decide?.errorCode).toBe('STEP_TIMEOUT');
    expect(byName.decide?.errorText).toEqual({ code: 'PIPELINE_STEP_TIMEOUT', params: { seconds: 1 } });
  });

  it('a bad per-step time-out is refused naming the field; nothing stored', async () => {
    target = await freshTarget(engine);
    ctx = await pipelineContext(target, new ManualClock(OPEN_NOW));
    const before = (await ctx.projects.list()).length;
    let attempt = 0;
    const refused = async (pipeline: unknown): Promise<string[]> => {
      try {
        await createProject(ctx, `bad-${attempt++}`, { pipeline } as never);
      } catch (error) {
        return ((error as { issues?: Array<{ path: PropertyKey[] }> }).issues ?? []).map((i) =>
          i.path.map(String).join('.'),
        );
      }
      return [];
    };
    expect(await refused({ stepTimeoutsMs: { decide: 10 } })).toEqual([
      'params.pipeline.stepTimeoutsMs.decide',
    ]);
    // The monitor step ends with the window: it has no time-out of its own.
    const monitor = await refused({ stepTimeoutsMs: { monitor: 5_000 } });
    expect(monitor.length).toBe(1);
    expect(monitor[0]).toMatch(/^params\.pipeline\.stepTimeoutsMs/);
    expect((await ctx.projects.list()).length).toBe(before);
  });
});
