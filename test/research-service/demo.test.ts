import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppContext, openAppContext } from '../../src/app/context.js';
import { loadBootstrapConfig } from '../../src/config/index.js';
import { ManualClock } from '../../src/core/clock.js';
import { DEMO_PROJECT_NAME, DEMO_THEME_NAME, demoInstruments, seedDemo } from '../../src/demo/index.js';
import { createSyntheticMarket, exportDailyBarsAlphaCsv } from '../../src/sim/market/index.js';
import { AlphaBarStore } from '../../src/sources/alpha/index.js';
import { ENGINES, type EngineTarget, freshTarget } from '../helpers/engines.js';

/** Every file under a folder with its size and modification time: a second seeding must not touch any. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      const info = statSync(full);
      if (info.isDirectory()) walk(full);
      else if (!name.endsWith('.sqlite') && !name.includes('.sqlite-'))
        out[path.relative(root, full)] = `${info.size}:${info.mtimeMs}`;
    }
  };
  walk(root);
  return out;
}

describe.each(ENGINES)('demo seeding on %s', (engine) => {
  let target: EngineTarget;
  let ctx: AppContext;
  // A Wednesday: the data ends on the previous trading day, Tuesday 2026-03-03.
  const clock = new ManualClock(Date.parse('2026-03-04T15:00:00Z'));

  beforeAll(async () => {
    target = await freshTarget(engine);
    const bootstrap = loadBootstrapConfig({
      env: target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {},
      overrides: { DATA_ROOT: target.dataRoot },
    });
    ctx = await openAppContext(bootstrap, { clock, logSink: () => {} });
  });
  afterAll(async () => {
    await ctx.close();
    target.cleanup();
  });

  it('creates theme, project, model and backtest from the gateway market with the same seed', async () => {
    const report = await seedDemo(ctx, { seed: 7, years: 3 });
    expect(report.changed).toBe(true);
    expect(report.to).toBe('2026-03-03');
    expect(report.from).toBe('2023-03-03');
    expect(report.symbols).toHaveLength(30);

    const theme = await ctx.themes.get(report.themeId);
    expect(theme.name).toBe(DEMO_THEME_NAME);
    expect(theme.kind).toBe('system');
    expect(theme.members.map((m) => m.symbol)).toEqual(demoInstruments().map((i) => i.symbol));
    expect(theme.members).toHaveLength(30);
    expect(new Set(theme.members.map((m) => m.sector)).size).toBeGreaterThan(5);
    const project = await ctx.projects.get(report.projectId);
    expect(project.name).toBe(DEMO_PROJECT_NAME);
    expect(project.params.model).toEqual({ family: 'rule', seed: 7, expressions: [] });

    const [models, backtests] = await Promise.all([
      ctx.research.models({ projectId: project.id }),
      ctx.research.backtests({ projectId: project.id }),
    ]);
    expect(models.map((m) => m.version)).toEqual([report.modelVersion]);
    expect(backtests.map((b) => b.id)).toEqual([report.backtestId]);
    expect(backtests[0]!.stats.rebalances).toBeGreaterThan(50);

    // Research data are the paper gateway's prices: a fresh export with the same seed matches.
    const store = new AlphaBarStore(target.dataRoot, clock);
    const symbol = report.symbols[0]!;
    const bars = await store.load(symbol);
    const dir = path.join(target.dataRoot, 'check');
    // The gateway's market: every default instrument, not only the demo's thirty.
    exportDailyBarsAlphaCsv(createSyntheticMarket({ seed: 7 }), dir, '2026-03-03', '2026-03-03');
    const row = readFileSync(path.join(dir, `${symbol}.csv`), 'utf8')
      .trim()
      .split('\n')[1]!
      .split(',');
    expect(row[0]).toBe('2026-03-03');
    expect(bars.close[bars.length - 1]).toBe(Number(row[4]));
  });

  it('changes nothing when run again', async () => {
    const files = snapshot(target.dataRoot);
    const count = async (table: 'job_runs' | 'models' | 'backtests' | 'audit_log' | 'themes' | 'projects') =>
      Number(
        (
          await ctx.store.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const tables = ['job_runs', 'models', 'backtests', 'audit_log', 'themes', 'projects'] as const;
    const before = await Promise.all(tables.map(count));
    clock.advance(60_000);
    const report = await seedDemo(ctx, { seed: 7, years: 3 });
    expect(report.changed).toBe(false);
    expect(await Promise.all(tables.map(count))).toEqual(before);
    expect(snapshot(target.dataRoot)).toEqual(files);
  });
});
