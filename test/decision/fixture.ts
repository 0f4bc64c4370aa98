import { DecisionService, type Snapshot } from '../../src/decision/index.js';
import type { Project } from '../../src/projects/index.js';
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
  if (options.model !== false) await recordModel(t, project);
  const service = decisionService(t);
  const count = () => countSnapshots(t);
  return { t, service, projectId: project.id, count } satisfies Setup;
}

/** The rule model saved in the registry and recorded as trained for the project's current version. */
export async function recordModel(t: TestApp, project: Pick<Project, 'id' | 'currentVersion'>) {
  const record = await saveModel(t.target.dataRoot);
  await t.app.ctx.store.db
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
  return record;
}

/** A DecisionService over the test app's database and data root. */
export function decisionService(t: TestApp): DecisionService {
  const ctx = t.app.ctx;
  return new DecisionService({
    db: ctx.store.db,
    audit: ctx.audit,
    clock: ctx.clock,
    projects: ctx.projects,
    dataRoot: t.target.dataRoot,
  });
}

/** Rows of decision_snapshots (bad input must leave it unchanged). */
export async function countSnapshots(t: TestApp): Promise<number> {
  const row = await t.app.ctx.store.db
    .selectFrom('decision_snapshots')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A completed paper run of the snapshot (what parity starts from). */
export async function insertRun(t: TestApp, snapshot: Snapshot, project = 'p1'): Promise<number> {
  const now = `${snapshot.tradingDate}T15:00:00.000Z`;
  const run = await t.app.ctx.store.db
    .insertInto('trade_runs')
    .values({
      project,
      project_id: snapshot.projectId,
      trading_date: snapshot.tradingDate,
      mode: 'paper',
      status: 'COMPLETED',
      weights_json: JSON.stringify(snapshot.content.weightsAfter),
      targets_json: null,
      plan_json: null,
      error: null,
      created_by: 'test',
      created_at: now,
      updated_at: now,
      started_at: now,
      finished_at: now,
      snapshot_id: snapshot.id,
      snapshot_hash: snapshot.contentHash,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(run.id);
}
