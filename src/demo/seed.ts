import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AppContext } from '../app/context.js';
import { newYorkDay, previousTradingDay } from '../calendar/index.js';
import { DEMO_PROJECT_NAME, DEMO_THEME_NAME } from '../contract/demo.js';
import { msg } from '../contract/messages.js';
import { NotFoundError } from '../core/errors.js';
import type { Job, JobHandle } from '../jobs/index.js';
import type { Project, ProjectParamsInput } from '../projects/index.js';
import {
  createSyntheticMarket,
  defaultInstruments,
  exportDailyBarsAlphaCsv,
  type Instrument,
  SYNTHETIC_ANCHOR_DAY,
} from '../sim/market/index.js';
import { AlphaBarStore, importAlphaFiles } from '../sources/alpha/index.js';
import type { ThemeMember } from '../universe/index.js';

export { DEMO_PROJECT_NAME, DEMO_THEME_NAME };
/** The built-in paper gateway's default seed: research and paper trading then see one market. */
export const DEMO_DEFAULT_SEED = 1;
export const DEMO_SYMBOL_COUNT = 30;
export const DEMO_YEARS = 5;
const DEMO_ACTOR = 'demo';
/** The demo project's drawdown limit (see `demoProjectParams`). */
export const DEMO_MAX_DRAWDOWN = 0.3;

export interface DemoOptions {
  seed?: number;
  /** Years of daily bars up to the previous trading day. */
  years?: number;
  symbols?: number;
}

export interface DemoReport {
  /** False when everything was already there (nothing was written). */
  changed: boolean;
  seed: number;
  themeId: number;
  projectId: number;
  symbols: string[];
  from: string | null;
  to: string | null;
  modelVersion: string | null;
  backtestId: number | null;
  /** Milliseconds per step, for the report and the benchmark. */
  timings: Record<string, number>;
}

/**
 * The symbols of the demo theme: the gateway's default instruments taken round-robin over sectors,
 * so 30 names still span every sector the gateway knows.
 */
export function demoInstruments(count = DEMO_SYMBOL_COUNT, instruments = defaultInstruments()): Instrument[] {
  const bySector = new Map<string, Instrument[]>();
  for (const instrument of instruments) {
    const list = bySector.get(instrument.sector) ?? [];
    list.push(instrument);
    bySector.set(instrument.sector, list);
  }
  const picked: Instrument[] = [];
  for (let round = 0; picked.length < count; round++) {
    let added = false;
    for (const list of bySector.values()) {
      const next = list[round];
      if (next && picked.length < count) {
        picked.push(next);
        added = true;
      }
    }
    if (!added) break;
  }
  return picked.sort((a, b) => a.symbol.localeCompare(b.symbol));
}

export function demoProjectParams(themeId: number, seed: number): ProjectParamsInput {
  return {
    themeIds: [themeId],
    model: { family: 'rule', seed },
    portfolio: {
      topN: 10,
      weighting: 'equal',
      // Equal to the default risk limit (risk.maxPositionWeight 10%): a cap above it could only be cut.
      maxWeight: 0.1,
      sectorCap: 0.4,
      cashBuffer: 0.02,
      turnoverLimit: 1,
    },
    risk: {
      // The limit fits the demo's market rather than the 15% default: ten equally weighted names of
      // the synthetic market (about 15% yearly volatility) draw down 24% in the demo's own four-year
      // backtest, and seed 1 passes 15% in May 2027, so with the default `demo weeks` and the weeks
      // benchmark halted from week 26 on. The monitor itself is unchanged: it still halts at 30%.
      maxDrawdown: DEMO_MAX_DRAWDOWN,
    },
  };
}

/**
 * Seeds the demo: research data exported from the paper gateway's synthetic market (same seed),
 * the "Demo 30" theme, the "Demo weekly momentum" project, a trained rule model and a finished
 * backtest. Idempotent: each step is skipped when its result exists, so a second call writes nothing.
 */
export async function seedDemo(ctx: AppContext, options: DemoOptions = {}): Promise<DemoReport> {
  const seed = options.seed ?? DEMO_DEFAULT_SEED;
  const instruments = demoInstruments(options.symbols ?? DEMO_SYMBOL_COUNT, defaultInstruments(ctx.clock));
  const symbols = instruments.map((instrument) => instrument.symbol);
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, step: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await step();
    } finally {
      timings[name] = Math.round(performance.now() - started);
    }
  };

  const existingTheme = await findTheme(ctx, DEMO_THEME_NAME);
  const existingProject = await findProject(ctx, DEMO_PROJECT_NAME);
  if (existingTheme && existingProject) {
    const [models, backtests] = await Promise.all([
      ctx.research.models({ projectId: existingProject.id }),
      ctx.research.backtests({ projectId: existingProject.id }),
    ]);
    if (models.length > 0 && backtests.length > 0) {
      return {
        changed: false,
        seed,
        themeId: existingTheme,
        projectId: existingProject.id,
        symbols,
        from: null,
        to: null,
        modelVersion: models[0]?.version ?? null,
        backtestId: backtests[0]?.id ?? null,
        timings,
      };
    }
  }

  let report: DemoReport | undefined;
  const job = await ctx.jobs.run({
    kind: 'demo.seed',
    scope: 'demo',
    actor: DEMO_ACTOR,
    params: { seed, symbols: symbols.length },
    work: async (handle) => {
      report = await seedSteps(ctx, { seed, instruments, years: options.years ?? DEMO_YEARS, timed, handle });
      report.timings = timings;
      return {
        resultRef: `project:${report.projectId}`,
        result: { ...report },
        message: msg('DEMO_READY', { projectId: report.projectId }),
      };
    },
  });
  if (job.status === 'failed') throw new Error(`demo seeding failed: ${job.error}`);
  // A joined job (another caller was seeding) ran in this process or another; read its result.
  return report ?? (job.result as DemoReport);
}

async function seedSteps(
  ctx: AppContext,
  step: {
    seed: number;
    instruments: Instrument[];
    years: number;
    timed: <T>(name: string, work: () => Promise<T>) => Promise<T>;
    handle: JobHandle;
  },
): Promise<DemoReport> {
  const { seed, instruments, timed, handle } = step;
  const symbols = instruments.map((instrument) => instrument.symbol);
  const to = previousTradingDay(newYorkDay(ctx.clock.nowMs()));
  const fromCandidate = `${Number(to.slice(0, 4)) - step.years}${to.slice(4)}`;
  const from = fromCandidate < SYNTHETIC_ANCHOR_DAY ? SYNTHETIC_ANCHOR_DAY : fromCandidate;

  handle.progress(0.05, msg('DEMO_GENERATING_DATA', {}));
  await timed('data', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ibloop-demo-'));
    try {
      const market = createSyntheticMarket({ seed, instruments });
      exportDailyBarsAlphaCsv(market, dir, from, to);
      const store = new AlphaBarStore(ctx.bootstrap.dataRoot, ctx.clock);
      const report = await importAlphaFiles([dir], store);
      if (report.failed.length > 0) {
        throw new Error(`demo data did not import: ${report.failed.flatMap((f) => f.errors).join('; ')}`);
      }
      await store.putSectors(
        Object.fromEntries(
          instruments.map((i) => [i.symbol, { name: i.longName, sector: i.sector, industry: i.industry }]),
        ),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  handle.progress(0.3, msg('DEMO_THEME_AND_PROJECT', {}));
  const themeId = await timed('theme', async () => {
    const existing = await findTheme(ctx, DEMO_THEME_NAME);
    if (existing) return existing;
    const members: ThemeMember[] = instruments.map((i) => ({
      symbol: i.symbol,
      name: i.longName,
      sector: i.sector,
      industry: i.industry,
    }));
    const theme = await ctx.themes.create(
      {
        name: DEMO_THEME_NAME,
        kind: 'system',
        // No free text: the UI describes the demo's theme in its own language (src/contract/demo.ts).
        description: '',
        members,
      },
      DEMO_ACTOR,
    );
    return theme.id;
  });
  const project = await timed('project', async () => {
    const existing = await findProject(ctx, DEMO_PROJECT_NAME);
    if (existing) return existing;
    return ctx.projects.create(
      {
        name: DEMO_PROJECT_NAME,
        description: '',
        params: demoProjectParams(themeId, seed),
      },
      DEMO_ACTOR,
    );
  });

  handle.progress(0.4, msg('DEMO_TRAINING', {}));
  const modelVersion = await timed('train', async () => {
    const models = await ctx.research.models({ projectId: project.id });
    if (models[0]) return models[0].version;
    const job = await finished(ctx, await ctx.research.train(project.id, {}, DEMO_ACTOR));
    return job.resultRef?.replace(/^model:/, '') ?? null;
  });

  handle.progress(0.7, msg('DEMO_BACKTEST', {}));
  const backtestId = await timed('backtest', async () => {
    const backtests = await ctx.research.backtests({ projectId: project.id });
    if (backtests[0]) return backtests[0].id;
    const job = await finished(ctx, await ctx.research.backtest(project.id, {}, DEMO_ACTOR));
    return Number(job.resultRef?.replace(/^backtest:/, ''));
  });

  return {
    changed: true,
    seed,
    themeId,
    projectId: project.id,
    symbols,
    from,
    to,
    modelVersion,
    backtestId,
    timings: {},
  };
}

async function finished(ctx: AppContext, started: { job: Job }): Promise<Job> {
  const job = await ctx.jobs.wait(started.job.id);
  if (job.status === 'failed') throw new Error(`${job.kind} job ${job.id} failed: ${job.error}`);
  return job;
}

async function findTheme(ctx: AppContext, name: string): Promise<number | undefined> {
  const themes = await ctx.themes.list(name);
  return themes.find((theme) => theme.name === name)?.id;
}

async function findProject(ctx: AppContext, name: string): Promise<Project | undefined> {
  try {
    return await ctx.projects.get(name);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}
