import { DecisionService } from '../../src/decision/index.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { EngineName } from '../helpers/engines.js';
import { members, projectParams, saveModel, symbolsOf, writeIbBars } from './data.js';

export { AS_OF, TRADING_DATE, writeIbBars } from './data.js';

export interface Setup {
  t: TestApp;
  service: DecisionService;
  projectId: number;
  count: () => Promise<number>;
}

/**
 * A test app with a 12-symbol theme (S011 without bars), a project over it, the rule model recorded
 * for the project's version (unless `model: false`) and IB daily bars in the bar store.
 */
export async function setup(
  engine: EngineName,
  options: { missingBars?: 'drop' | 'fail'; model?: boolean } = {},
) {
  const t = await startTestApp(engine);
  const ctx = t.app.ctx;
  const symbols = symbolsOf(12);
  // S011 is a member without bars: dropped (or failed) by policy.
  writeIbBars(t.target.dataRoot, symbols.slice(0, 11));
  const theme = await ctx.themes.create(
    { name: 'fixture', kind: 'system', description: '', members: members(symbols) },
    'test',
  );
  const project = await ctx.projects.create(
    { name: 'p1', params: projectParams(theme.id, options.missingBars) },
    'test',
  );
  if (options.model !== false) {
    const record = await saveModel(t.target.dataRoot);
    await ctx.store.db
      .insertInto('models')
      .values({
        version: record.version,
        family: record.family,
        project_id: project.id,
        project_version: project.currentVersion,
        data_digest: record.dataDigest,
        metrics_json: '{}',
        symbols_count: 0,
        first_decision: record.firstDecision,
        last_decision: record.lastDecision,
        path: '',
        created_at: '2026-01-01T00:00:00.000Z',
      })
      .execute();
  }
  const service = new DecisionService({
    db: ctx.store.db,
    audit: ctx.audit,
    clock: ctx.clock,
    projects: ctx.projects,
    dataRoot: t.target.dataRoot,
  });
  const count = async () =>
    Number(
      (
        await ctx.store.db
          .selectFrom('decision_snapshots')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { t, service, projectId: project.id, count } satisfies Setup;
}
