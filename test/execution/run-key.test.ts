import { afterEach, describe, expect, it } from 'vitest';
import { ENGINES } from '../helpers/engines.js';
import { duplicates, harness, PROJECTS } from './harness.js';

const SYMBOLS = { AAPL: 200, MSFT: 400, NVDA: 100, KO: 60 };
const WEIGHTS = { AAPL: 0.2, MSFT: 0.2, NVDA: 0.1 };
const DATE = '2026-01-05';

/**
 * Runs are keyed (project, trading date, run key) (migration 0019): the day's scheduled run is joined
 * by every later trigger of the day, while a halt's defensive snapshot is traded in a run of its own
 * on the same day, once per halt, with order refs of its own.
 */
describe.each(ENGINES)('run keys on %s (in-memory broker)', (engineName) => {
  let h: Awaited<ReturnType<typeof harness>> | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a defensive run beside the scheduled run of the day; each joined by its own key only', async () => {
    h = await harness(engineName, SYMBOLS);
    const { broker } = h;
    const r = await h.replica('p1');
    const projectId = PROJECTS.demo;
    const weekly = await r.service.executeTargets({ projectId, tradingDate: DATE, weights: WEIGHTS });
    expect(weekly.run).toMatchObject({ runKey: 'scheduled', kind: 'scheduled' });
    expect((await r.service.waitForRun(weekly.run.id, 5_000)).status).toBe('COMPLETED');

    const defend = async (haltKey: string) => {
      const { snapshot } = await r.service.snapshots.freezeDefensive({
        projectId,
        tradingDate: DATE,
        weights: { AAPL: 0, MSFT: 0, NVDA: 0 },
        defensive: { action: 'cash', symbol: null, haltKey, reason: 'test halt' },
        actor: 'risk-defensive',
      });
      return r.service.executeTargets({ projectId, tradingDate: DATE, snapshotId: snapshot.id });
    };
    const halt = 'project:1@2026-01-05T16:00:00.000Z';
    const move = await defend(halt);
    expect(move.joined).toBe(false);
    expect(move.run).toMatchObject({ tradingDate: DATE, runKey: `defensive:${halt}`, kind: 'defensive' });
    expect(move.run.id).not.toBe(weekly.run.id);
    expect((await r.service.waitForRun(move.run.id, 5_000)).status).toBe('COMPLETED');
    const sells = broker.log.slice(3);
    // Order refs name the move's run: they cannot collide with the scheduled run's of the same day.
    expect(sells.map((e) => e.orderRef.replace(/:\d+$/, '')).sort()).toEqual(
      ['AAPL', 'MSFT', 'NVDA'].map((s) => `ibl:R${move.run.id}:${s}:S`),
    );
    expect([...broker.positionsBySymbol.values()].every((q) => q === 0)).toBe(true);

    // The same halt again (another monitor pass, another replica): joined, nothing sent.
    const again = await defend(halt);
    expect(again).toMatchObject({ joined: true, sent: 0, intents: [] });
    expect(again.run.id).toBe(move.run.id);
    // Another trigger of the day joins the scheduled run, never the move.
    const trigger = await r.service.executeTargets({ projectId, tradingDate: DATE, weights: WEIGHTS });
    expect(trigger.joined).toBe(true);
    expect(trigger.run.id).toBe(weekly.run.id);
    // A second halt of the day (after a person resumed) gets a move of its own.
    const second = await defend('project:1@2026-01-05T18:00:00.000Z');
    expect(second.joined).toBe(false);
    expect(second.run.id).not.toBe(move.run.id);

    // Looking runs up by date: the scheduled one unless a key is named.
    expect((await r.repo.runOn(projectId, DATE))?.id).toBe(weekly.run.id);
    expect((await r.repo.runOn(projectId, DATE, `defensive:${halt}`))?.id).toBe(move.run.id);
    expect(await r.repo.runOn(PROJECTS.other, DATE)).toBeUndefined();
    expect(duplicates(broker.log)).toEqual([]);
  });
});
