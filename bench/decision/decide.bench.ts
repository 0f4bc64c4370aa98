/**
 * `npm run bench -- decide`: one live decision for 500 symbols x 300 days of IB daily bars (goal < 1 s
 * on this machine), with the time of each stage, then the same end to end through DecisionService
 * (project, universe, model lookup, bars, decide, digest, hash) on SQLite without storing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { scoresForDate } from '../../src/alpha/index.js';
import { AuditLog } from '../../src/audit/index.js';
import { systemClock } from '../../src/core/index.js';
import {
  buildIbPanel,
  contentHash,
  DecisionService,
  decide,
  decideStages,
  digestBars,
} from '../../src/decision/index.js';
import { IbBarStore, type IbBars } from '../../src/marketdata/index.js';
import { ProjectService } from '../../src/projects/index.js';
import { createWeightLimits } from '../../src/risk/index.js';
import { parseDay } from '../../src/sources/alpha/index.js';
import { migrateToLatest, openStore } from '../../src/store/index.js';
import { ThemeService } from '../../src/universe/index.js';
import {
  AS_OF,
  members,
  projectParams,
  ruleModel,
  saveModel,
  symbolsOf,
  TRADING_DATE,
  writeIbBars,
} from '../../test/decision/data.js';

const SYMBOLS = Number(process.env.BENCH_DECIDE_SYMBOLS ?? 500);
const DAYS = Number(process.env.BENCH_DECIDE_DAYS ?? 300);
const ROUNDS = Number(process.env.BENCH_DECIDE_ROUNDS ?? 5);

const dataRoot = mkdtempSync(path.join(tmpdir(), 'ibloop-bench-decide-'));
const ms = (from: number) => performance.now() - from;
// CPU time of this process: on a machine shared with other work, wall time swells with the load.
const cpuMs = () => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
};
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

try {
  const symbols = symbolsOf(SYMBOLS);
  writeIbBars(dataRoot, symbols, { days: DAYS });
  const model = ruleModel();
  const params = projectParams(1);
  const risk = createWeightLimits({ maxPositionWeight: 0.15, maxSectorWeight: 0.4, maxGrossExposure: 1 });
  const limits = { maxPositionWeight: 0.15, maxSectorWeight: 0.4, maxGrossExposure: 1 };
  const construction = {
    topN: 5,
    maxWeight: 0.3,
    cashBuffer: 0.02,
    weighting: 'equal' as const,
    sectorCap: 1,
    turnoverLimit: 1,
  };
  const sectorOf = new Map(members(symbols).map((m) => [m.symbol, m.sector]));
  const stages: Record<string, number[]> = {
    read: [],
    panel: [],
    scores: [],
    construct: [],
    decide: [],
    digest: [],
    total: [],
    totalCpu: [],
  };
  let chosen = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    const startCpu = cpuMs();
    let t = performance.now();
    const store = new IbBarStore(dataRoot);
    const bars: IbBars[] = symbols.map((s) => store.read(s, '1 day'));
    stages.read!.push(ms(t));
    t = performance.now();
    const panel = buildIbPanel(bars);
    stages.panel!.push(ms(t));
    const sectors = panel.symbols.map((s) => sectorOf.get(s));
    const previousWeights = new Float64Array(panel.symbols.length);
    const asideCpu = cpuMs();
    t = performance.now();
    const scores = scoresForDate(model, panel, parseDay(AS_OF)!);
    stages.scores!.push(ms(t));
    t = performance.now();
    const scoreArray = Float64Array.from(panel.symbols, (s) => scores.get(s) ?? Number.NaN);
    decideStages({
      symbols: panel.symbols,
      scores: scoreArray,
      sectors,
      previousWeights,
      construction,
      risk,
    });
    stages.construct!.push(ms(t));
    const aside = cpuMs() - asideCpu; // the two stages measured apart, not part of the decision
    t = performance.now();
    const decision = decide({
      panel,
      decisionDate: AS_OF,
      model,
      sectors,
      previousWeights,
      construction,
      risk,
      limits,
    });
    stages.decide!.push(ms(t));
    t = performance.now();
    const digests = bars.map(digestBars);
    stages.digest!.push(ms(t));
    stages.total!.push(ms(start) - stages.scores!.at(-1)! - stages.construct!.at(-1)!);
    stages.totalCpu!.push(cpuMs() - startCpu - aside);
    chosen = decision.after.filter((w) => w > 0).length;
    if (digests.length !== SYMBOLS) throw new Error('digest count');
  }
  process.stdout.write(
    `decision: ${SYMBOLS} symbols x ${DAYS} days of IB daily bars, ${chosen} names held; median of ${ROUNDS} rounds\n`,
  );
  process.stdout.write(`  read bars (bar store)     ${median(stages.read!).toFixed(1)} ms\n`);
  process.stdout.write(`  build IB panel            ${median(stages.panel!).toFixed(1)} ms\n`);
  process.stdout.write(`  features + scores         ${median(stages.scores!).toFixed(1)} ms\n`);
  process.stdout.write(`  construction + risk       ${median(stages.construct!).toFixed(1)} ms\n`);
  process.stdout.write(`  decide (scores..risk)     ${median(stages.decide!).toFixed(1)} ms\n`);
  process.stdout.write(`  input digests             ${median(stages.digest!).toFixed(1)} ms\n`);
  process.stdout.write(
    `  read + panel + decide + digest  ${median(stages.total!).toFixed(1)} ms wall, ${median(stages.totalCpu!).toFixed(1)} ms cpu (goal < 1000 ms)\n`,
  );

  // End to end: the service on SQLite, as `ibloop decide --dry-run` runs it.
  const sqlite = openStore({ dataRoot });
  await migrateToLatest(sqlite);
  const audit = new AuditLog(sqlite.db, systemClock);
  const themes = new ThemeService(sqlite.db, audit, systemClock);
  const projects = new ProjectService(sqlite.db, themes, audit, systemClock);
  const theme = await themes.create(
    { name: 'bench', kind: 'system', description: '', members: members(symbols) },
    'bench',
  );
  const project = await projects.create(
    { name: 'bench', params: { ...params, themeIds: [theme.id] } },
    'bench',
  );
  const saved = await saveModel(dataRoot);
  await sqlite.db
    .insertInto('models')
    .values({
      version: saved.version,
      family: saved.family,
      project_id: project.id,
      project_version: project.currentVersion,
      data_digest: saved.dataDigest,
      metrics_json: '{}',
      symbols_count: 0,
      first_decision: saved.firstDecision,
      last_decision: saved.lastDecision,
      path: '',
      created_at: new Date().toISOString(),
    })
    .execute();
  const service = new DecisionService({ db: sqlite.db, audit, clock: systemClock, projects, dataRoot });
  const totals: number[] = [];
  let hash = '';
  for (let round = 0; round < ROUNDS; round++) {
    const t = performance.now();
    const preview = await service.preview({ projectId: project.id, tradingDate: TRADING_DATE });
    totals.push(ms(t));
    hash = preview.contentHash;
    if (contentHash(preview.content) !== hash) throw new Error('hash');
  }
  process.stdout.write(
    `  DecisionService.preview end to end (SQLite)  ${median(totals).toFixed(1)} ms, hash ${hash.slice(0, 16)}\n`,
  );
  await sqlite.close();
} finally {
  rmSync(dataRoot, { recursive: true, force: true });
}
