import { type AppContext, openAppContext } from '../../src/app/context.js';
import { loadBootstrapConfig } from '../../src/config/index.js';
import type { Clock } from '../../src/core/clock.js';
import {
  type Evidence,
  type FallbackPort,
  PipelineRunner,
  STEP_NAMES,
  type StepContext,
  type StepName,
  type StepWork,
} from '../../src/pipeline/index.js';
import type { ProjectParamsInput } from '../../src/projects/index.js';
import type { EngineTarget } from '../helpers/engines.js';

export async function pipelineContext(target: EngineTarget, clock: Clock): Promise<AppContext> {
  const bootstrap = loadBootstrapConfig({
    env: { ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {}), LOG_LEVEL: 'silent' },
    overrides: { DATA_ROOT: target.dataRoot },
  });
  return openAppContext(bootstrap, { clock, logSink: () => {} });
}

export async function createProject(
  ctx: AppContext,
  name: string,
  params: Partial<ProjectParamsInput> = {},
): Promise<number> {
  const theme = await ctx.themes.create(
    {
      name: `${name} theme`,
      kind: 'system',
      description: '',
      members: [{ symbol: 'AAA', name: 'A', sector: 'Tech', industry: 'x' }],
    },
    'test',
  );
  const project = await ctx.projects.create(
    { name, description: '', params: { themeIds: [theme.id], ...params } },
    'test',
  );
  return project.id;
}

/** Pipeline params for runner tests: no retries or back-off, short time-outs, the given fallback. */
export function quickPipeline(fallback: 'last-good' | 'stand-still'): Partial<ProjectParamsInput> {
  return {
    pipeline: {
      retries: 0,
      backoffMs: 0,
      stepTimeoutMs: 1000,
      windowCloseMinutesBeforeClose: 30,
      leftover: 'cancel',
      fallback,
    },
  };
}

/** Stand-in step work that counts calls and can be told to fail. */
export class CountingWork {
  readonly calls: Record<StepName, number> = Object.fromEntries(STEP_NAMES.map((n) => [n, 0])) as Record<
    StepName,
    number
  >;
  failures: Partial<Record<StepName, number>> = {};
  gate: Partial<Record<StepName, Promise<void>>> = {};

  readonly work: StepWork = Object.fromEntries(
    STEP_NAMES.map((name) => [
      name,
      async (ctx: StepContext): Promise<Evidence> => {
        this.calls[name]++;
        await this.gate[name];
        const left = this.failures[name] ?? 0;
        if (left > 0) {
          this.failures[name] = left - 1;
          throw new Error(`${name} failed on purpose`);
        }
        return { step: name, attempt: ctx.attempt, seen: Object.keys(ctx.evidence) };
      },
    ]),
  ) as StepWork;
}

export function runnerFor(
  ctx: AppContext,
  work: StepWork,
  owner: string,
  fallback: FallbackPort = { lastGood: async () => null },
  holder: () => boolean = () => true,
): PipelineRunner {
  return new PipelineRunner({
    db: ctx.store.db,
    audit: ctx.audit,
    clock: ctx.clock,
    owner,
    projects: ctx.projects,
    work,
    fallback,
    alerts: { store: ctx.store, clock: ctx.clock, settings: ctx.settings },
    isHolder: holder,
    sleep: async () => {},
  });
}
