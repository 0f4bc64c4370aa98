/**
 * Weeks unattended: the demo project traded week after week by the scheduler while the built-in paper
 * gateway's stepped clock is moved to each weekly fire time. What `ibloop demo weeks`, the weeks
 * benchmark and the weeks test drive; each week's facts are checked against the gateway's order log.
 */
import type { AppContext } from '../app/context.js';
import { dayNumber, dayString, weekdayOf } from '../calendar/index.js';
import type { ExecutionRuntime } from '../execution/index.js';
import { nextWindows, PipelineRepository, type PipelineRun, type StepName } from '../pipeline/index.js';
import type { SimClock, SimGatewayHandle } from '../sim/index.js';

export interface WeeksTrading {
  readonly builtInGateway: SimGatewayHandle | undefined;
  readonly execution: ExecutionRuntime | undefined;
  readonly pipeline:
    | {
        runner: {
          onStepEnd(listener: (event: { step: StepName; wallMs: number }) => void): () => void;
        };
      }
    | undefined;
}

export interface WeeksOptions {
  ctx: AppContext;
  trading: WeeksTrading;
  clock: SimClock;
  projectId: number;
  weeks: number;
  /** Wall time to let pass between weeks, so a person can watch the UI (0: as fast as it goes). */
  paceMs?: number;
  /** Longest a week's run may take in wall time before the drive gives up (default 120 s). */
  weekTimeoutMs?: number;
  onWeek?: (week: WeekResult) => void;
  signal?: AbortSignal;
}

/** What one week did, and whether it kept the invariants. */
export interface WeekResult {
  week: number;
  tradingDate: string;
  runId: number;
  trigger: string;
  status: PipelineRun['status'];
  error: string | null;
  snapshotId: number | null;
  orders: number;
  filledOrders: number;
  /** Client order ids the gateway saw placed more than once (must be empty). */
  duplicateOrders: string[];
  /** Orders of this week at the gateway whose run does not trade this week's frozen snapshot. */
  untracedOrders: string[];
  /** Symbols whose position differs from the run's frozen target by more than the rounding allows. */
  offTarget: Array<{ symbol: string; target: number; position: number }>;
  reportFile: string | null;
  wallMs: number;
}

export interface WeeksResult {
  weeks: WeekResult[];
  wallMs: number;
  /** Wall time spent in each pipeline step over all weeks. */
  stepWallMs: Partial<Record<StepName, number>>;
}

/**
 * Where the demo's clock starts: the last Friday before `nowMs` at 22:00 UTC (after the New York
 * close), so the first week traded is the coming Monday's and the dates look like today's.
 */
export function demoWeeksStartMs(nowMs: number): number {
  const today = dayNumber(new Date(nowMs).toISOString().slice(0, 10));
  // weekdayOf: 0 = Sunday ... 5 = Friday; always strictly before today.
  const back = (weekdayOf(today) + 7 - 5) % 7 || 7;
  return Date.parse(`${dayString(today - back)}T22:00:00Z`);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Moves the clock to each next weekly fire time of the project and waits for the run the scheduler
 * fires by itself to finish; then checks the week against the gateway and the database.
 */
export async function runWeeks(options: WeeksOptions): Promise<WeeksResult> {
  const { ctx, trading, clock, projectId } = options;
  const repo = new PipelineRepository(ctx.store.db, ctx.clock);
  const stepWallMs: Partial<Record<StepName, number>> = {};
  const pipeline = trading.pipeline;
  if (!pipeline) throw new Error('the trading runtime is not running: start the server with trading on');
  const off = pipeline.runner.onStepEnd(({ step, wallMs }) => {
    stepWallMs[step] = (stepWallMs[step] ?? 0) + wallMs;
  });
  const started = performance.now();
  const weeks: WeekResult[] = [];
  try {
    for (let week = 1; week <= options.weeks; week++) {
      options.signal?.throwIfAborted();
      const weekStarted = performance.now();
      const project = await ctx.projects.get(projectId);
      const window = await nextUnrun(repo, projectId, clock.nowMs(), project.params);
      // The scheduler looks whenever the clock jumps: moving it to the fire time is all it takes.
      if (clock.nowMs() < window.fireMs) clock.advance(window.fireMs - clock.nowMs());
      const run = await waitForFinal(repo, projectId, window.tradingDate, options.weekTimeoutMs ?? 120_000);
      const result = await checkWeek(ctx, trading, run, week);
      result.wallMs = Math.round(performance.now() - weekStarted);
      weeks.push(result);
      options.onWeek?.(result);
      if (options.paceMs) await sleep(options.paceMs);
    }
  } finally {
    off();
  }
  return { weeks, wallMs: Math.round(performance.now() - started), stepWallMs };
}

async function nextUnrun(
  repo: PipelineRepository,
  projectId: number,
  nowMs: number,
  params: Parameters<typeof nextWindows>[1],
) {
  for (const window of nextWindows(nowMs, params, 3)) {
    if (!(await repo.find(projectId, window.tradingDate))) return window;
  }
  throw new Error('no weekly window left to run in the next three weeks');
}

async function waitForFinal(
  repo: PipelineRepository,
  projectId: number,
  tradingDate: string,
  timeoutMs: number,
): Promise<PipelineRun> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const run = await repo.find(projectId, tradingDate);
    if (run && !['WAITING', 'RUNNING'].includes(run.status)) return run;
    if (performance.now() > deadline)
      throw new Error(
        `the run of ${tradingDate} did not finish within ${timeoutMs} ms (${run ? `${run.status}: ${run.steps.map((s) => `${s.name} ${s.status}`).join(', ')}` : 'not fired'})`,
      );
    await sleep(20);
  }
}

/** The week's facts: the gateway's order log against the run's orders, snapshot and targets. */
export async function checkWeek(
  ctx: AppContext,
  trading: WeeksTrading,
  run: PipelineRun,
  week: number,
): Promise<WeekResult> {
  const decide = run.steps.find((s) => s.name === 'decide')?.evidence ?? {};
  const report = run.steps.find((s) => s.name === 'report')?.evidence ?? null;
  const submit = run.steps.find((s) => s.name === 'submit')?.evidence ?? {};
  const snapshotId = typeof decide.snapshotId === 'number' ? decide.snapshotId : null;
  const result: WeekResult = {
    week,
    tradingDate: run.tradingDate,
    runId: run.id,
    trigger: run.trigger,
    status: run.status,
    error: run.error,
    snapshotId,
    orders: 0,
    filledOrders: 0,
    duplicateOrders: [],
    untracedOrders: [],
    offTarget: [],
    reportFile: typeof report?.file === 'string' ? report.file : null,
    wallMs: 0,
  };
  const gateway = trading.builtInGateway;
  const runtime = trading.execution;
  const tradeRunId = typeof submit.tradeRunId === 'number' ? submit.tradeRunId : null;
  if (!gateway || !runtime || tradeRunId === null) return result;
  const placed = new Map<string, number>();
  for (const entry of gateway.orderLog())
    if (entry.kind === 'place') placed.set(entry.orderRef, (placed.get(entry.orderRef) ?? 0) + 1);
  result.duplicateOrders = [...placed].filter(([, n]) => n > 1).map(([ref]) => ref);

  const repo = runtime.engine.repo;
  const tradeRun = await repo.getRun(tradeRunId);
  const orders = await repo.orders({ runId: tradeRunId });
  result.orders = orders.length;
  result.filledOrders = orders.filter((o) => o.status === 'FILLED').length;
  const traced = tradeRun.snapshotId === snapshotId && tradeRun.snapshotHash === decide.contentHash;
  // Every order this week's run sent reached the gateway under its own reference, exactly once.
  result.untracedOrders = orders
    .filter((o) => o.ibOrderId !== null && (!traced || !placed.has(o.clientOrderId)))
    .map((o) => o.clientOrderId);

  const account = runtime.engine.account();
  const positions = new Map<string, number>();
  for (const p of await runtime.engine.broker.account.positions())
    if (p.account === account) positions.set(p.symbol, (positions.get(p.symbol) ?? 0) + p.quantity);
  const targets = tradeRun.targets ?? {};
  const prices = (tradeRun.plan?.prices ?? {}) as Record<string, { price?: number }>;
  const minTradeValue = (await ctx.projects.get(run.projectId)).params.execution.minTradeValue;
  for (const symbol of new Set([...Object.keys(targets), ...positions.keys()])) {
    const target = targets[symbol] ?? 0;
    const position = positions.get(symbol) ?? 0;
    const price = prices[symbol]?.price ?? 0;
    // Whole shares (lot 1), and a difference worth less than the smallest trade is not traded.
    const allowed = Math.max(0, price > 0 ? Math.floor(minTradeValue / price) : 0);
    if (Math.abs(position - target) > allowed) result.offTarget.push({ symbol, target, position });
  }
  return result;
}
