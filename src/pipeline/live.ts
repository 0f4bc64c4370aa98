import type { BrokerContract } from '../brokerage/index.js';
import { previousTradingDay, sessionAt, tradingDays } from '../calendar/index.js';
import type { IbReason } from '../contract/ib.js';
import { type Message, msg } from '../contract/messages.js';
import { type Clock, systemClock } from '../core/clock.js';
import { cataloguedReason } from '../core/errors.js';
import type { DecisionService } from '../decision/index.js';
import {
  brokerPriceSource,
  type ExecutionRuntime,
  isPaperAccount,
  isTerminal,
  type SizingPrice,
  sizeTargets,
  type TradeOrder,
  withLastCloses,
} from '../execution/index.js';
import {
  auditBars,
  IB_HISTORICAL_PACING,
  type IbBarStore,
  type PacingRules,
  RequestPacer,
  runBackfill,
  runTailBackfill,
} from '../marketdata/index.js';
import {
  checkPreTrade,
  DEFAULT_PRE_TRADE_RULES,
  type PreTradeOrder,
  type TradingState,
} from '../risk/index.js';
import { CHECKLIST_DATA_FAILED, REJECTIONS_ABOVE_LIMIT } from './errors.js';
import { postTradeReport, writeReportFile } from './report.js';
import { type Evidence, type FallbackPort, type StepContext, StepError, type StepWork } from './types.js';

type Decisions = Pick<DecisionService, 'decideAndFreeze' | 'preview' | 'freezeFallback'>;

export interface LiveStepDeps {
  clock: Clock;
  dataRoot: string;
  /** The current execution runtime (the trading supervisor restarts it when IB settings change). */
  runtime: () => ExecutionRuntime | undefined;
  /** The IB bar store of the current IB runtime, for the bars check and the decision's prices. */
  bars: () => IbBarStore | undefined;
  decisions: Decisions;
  tradingState: (projectId: number) => Promise<{ state: TradingState; reason: string }>;
  universe: (projectId: number) => Promise<Array<{ symbol: string; sector?: string | undefined }>>;
  /** How often the monitor step looks at the run (wall time). */
  monitorPollMs?: number;
  /** Sessions of daily bars the checklist wants complete before a decision (default 260, a year). */
  barSessions?: number;
  /** Pacing of the checklist's backfill (default: IB's historical pacing rules). */
  historicalPacing?: PacingRules;
}

export interface ChecklistItem {
  id: string;
  ok: boolean;
  /** Recorded but not required (a dry run does not need the market open or the lease). */
  required: boolean;
  /**
   * Figures behind the verdict; an account problem is IB's reason code, a failure our own catalogued
   * reason when the error carries one (both rendered per language), else the error's English text.
   */
  numbers: Record<string, number | string | boolean | IbReason | Message | null>;
}

/** A check's failure as its catalogued reason when the error has one, else its text. */
function failureOf(error: unknown): Message | string {
  return cataloguedReason(error) ?? (error instanceof Error ? error.message : String(error));
}

interface PlannedOrderEvidence {
  symbol: string;
  side: 'BUY' | 'SELL';
  quantity: number;
  price: number;
}

function mustRuntime(deps: LiveStepDeps): ExecutionRuntime {
  const runtime = deps.runtime();
  if (!runtime)
    throw new StepError('NO_TRADING_RUNTIME', 'the trading runtime is not running', {
      text: msg('PIPELINE_NO_TRADING_RUNTIME', {}),
    });
  return runtime;
}

function weightsOf(ctx: StepContext): Record<string, number> {
  const weights = ctx.evidence.decide?.weights;
  if (!weights || typeof weights !== 'object')
    throw new StepError('NO_DECISION', 'the decide step recorded no weights', {
      final: true,
      text: msg('PIPELINE_NO_DECISION', {}),
    });
  return weights as Record<string, number>;
}

/** The snapshot the decide step froze (a dry run freezes none and never submits). */
function snapshotIdOf(ctx: StepContext): number {
  const id = ctx.evidence.decide?.snapshotId;
  if (typeof id !== 'number' || !Number.isInteger(id) || id <= 0)
    throw new StepError('NO_SNAPSHOT', 'the decide step froze no decision snapshot', {
      final: true,
      text: msg('PIPELINE_NO_SNAPSHOT', {}),
    });
  return id;
}

/**
 * Cancels a run's open orders through the execution engine (an unsent one is closed in the store and
 * never goes out; a working one is cancelled at IB); returns how many were asked to stop.
 */
async function cancelOpen(
  runtime: ExecutionRuntime,
  open: readonly TradeOrder[],
  reason: string,
): Promise<number> {
  let canceled = 0;
  for (const order of open) {
    if (order.ibOrderId === null) {
      if (await runtime.engine.repo.cancelUnsent(order.id, reason)) canceled++;
      continue;
    }
    // Already final at IB by the time the cancel goes out: nothing to stop.
    await runtime.engine.cancel(order.id).then(
      () => canceled++,
      () => undefined,
    );
  }
  return canceled;
}

const dailyAdvSessions = 20;

/**
 * Checklist items about the decision's market data. Failing only these (the feed is stopped or
 * stale, IB is otherwise fine) routes the run to the fallback policy; any other failed item is an
 * unsafe state and fails the run.
 */
const DATA_ITEMS = new Set(['bars.complete', 'quotes.fresh']);

/** The symbols a run may size: its weights' and the positions the plan step saw. */
function plannedSymbols(ctx: StepContext): string[] {
  const positions = (ctx.evidence.plan?.positions ?? {}) as Record<string, number>;
  return [...new Set([...Object.keys(weightsOf(ctx)), ...Object.keys(positions)])];
}

/** The decide step's evidence says the runner traded the last good snapshot again. */
function isLastGood(ctx: StepContext): boolean {
  return ctx.evidence.decide?.fallback === 'last-good';
}

/**
 * The steps wired to the real modules: IB through the execution runtime, the decision snapshots,
 * the trading state, the pre-trade rules and the order state machine. Each step returns its
 * evidence (what the run's timeline shows) or throws a StepError.
 */
export function liveStepWork(deps: LiveStepDeps): { work: StepWork; fallback: FallbackPort } {
  const monitorPollMs = deps.monitorPollMs ?? 200;
  const barSessions = deps.barSessions ?? 260;

  async function contractsOf(
    runtime: ExecutionRuntime,
    symbols: string[],
  ): Promise<Map<string, BrokerContract>> {
    return runtime.engine.contractsFor(symbols, 'universe');
  }

  async function barsItem(
    runtime: ExecutionRuntime,
    symbols: string[],
    contracts: Map<string, BrokerContract>,
    tradingDate: string,
    signal: AbortSignal,
  ): Promise<ChecklistItem> {
    const store = deps.bars();
    const last = previousTradingDay(tradingDate);
    if (!store)
      return { id: 'bars.complete', ok: false, required: true, numbers: { reason: 'no IB bar store' } };
    const days = tradingDays(previousTradingDay(last), last);
    const from = tradingDays('1990-01-01', last).slice(-barSessions)[0] ?? days[0] ?? last;
    const nowMs = deps.clock.nowMs();
    const audit = (list: readonly string[]) =>
      list
        .map((s) => auditBars(store, s, '1 day', from, last, nowMs))
        .filter((a) => a.missingDays.length > 0);
    const started = performance.now();
    const before = audit(symbols);
    let backfilled = 0;
    if (before.length > 0) {
      const pacing = deps.historicalPacing ?? IB_HISTORICAL_PACING;
      const options = {
        brokerage: runtime.engine.broker,
        store,
        contract: async (symbol: string) => {
          const found = contracts.get(symbol);
          if (!found) throw new Error(`no contract for ${symbol}`);
          return found;
        },
        clock: deps.clock,
        wallClock: systemClock,
        pacing,
        // One pacer for the tail and the chunks: together they are one burst of requests.
        pacer: new RequestPacer(pacing, systemClock),
        pacingBackoffMs: 2_000,
        maxRetries: 2,
        // Within IB's 50 open historical requests; the pacer keeps the request rate.
        concurrency: 10,
        signal,
      };
      // The missing tail first (only the sessions since the newest stored bar, paced like any
      // historical request); a symbol with no bars yet or a hole gets its year chunks.
      const tail = await runTailBackfill(options, before);
      const full =
        tail.needFull.length > 0 ? await runBackfill(options, tail.needFull, '1 day', from, last) : undefined;
      backfilled = tail.stored + (full?.stored ?? 0);
    }
    // Only the symbols that were incomplete can have changed.
    const after = audit(before.map((a) => a.symbol)).map((a) => a.symbol);
    return {
      id: 'bars.complete',
      ok: after.length === 0,
      required: true,
      numbers: {
        symbols: symbols.length,
        complete: symbols.length - after.length,
        from,
        lastSession: last,
        backfilledChunks: backfilled,
        incomplete: after.slice(0, 20).join(','),
        elapsedMs: Math.round(performance.now() - started),
      },
    };
  }

  /**
   * Each symbol's last stored IB daily close and average volume: a last-good run's sizing prices and
   * pre-trade statistics while the feed is stopped.
   */
  function lastCloses(
    symbols: readonly string[],
  ): Record<string, { price: number; timeMs: number; adv: number }> {
    const store = deps.bars();
    const closes: Record<string, { price: number; timeMs: number; adv: number }> = {};
    for (const symbol of symbols) {
      const bars = store?.read(symbol, '1 day');
      if (!bars || bars.length === 0) continue;
      const from = Math.max(0, bars.length - dailyAdvSessions);
      let volume = 0;
      for (let i = from; i < bars.length; i++) volume += bars.volume[i] as number;
      closes[symbol] = {
        price: bars.close[bars.length - 1] as number,
        timeMs: bars.timeMs[bars.length - 1] as number,
        adv: volume / (bars.length - from),
      };
    }
    return closes;
  }

  const work: StepWork = {
    async checklist(ctx) {
      const runtime = mustRuntime(deps);
      const { engine, lease, service } = runtime;
      const dry = ctx.run.dryRun;
      const items: ChecklistItem[] = [];
      const connection = engine.broker.connection.state();
      items.push({
        id: 'ib.connected',
        ok: connection.status === 'CONNECTED',
        required: true,
        numbers: { status: connection.status },
      });
      const accountProblem = engine.accountProblem();
      let paper: boolean | null = null;
      try {
        paper = isPaperAccount(engine.account());
      } catch {
        paper = null;
      }
      items.push({
        id: 'account.mode',
        ok: accountProblem === null,
        required: true,
        // The problem as IB's reason code: the page says it in its language.
        numbers: { mode: engine.mode, paperAccount: paper, problem: engine.accountProblemCode() },
      });
      const members = await deps.universe(ctx.run.projectId);
      const symbols = members.map((m) => m.symbol).sort();
      let contracts = new Map<string, BrokerContract>();
      let unresolved: Message | string | null = null;
      try {
        contracts = await contractsOf(runtime, symbols);
      } catch (error) {
        unresolved = failureOf(error);
      }
      items.push({
        id: 'universe.conIds',
        ok: unresolved === null && contracts.size === symbols.length,
        required: true,
        numbers: { symbols: symbols.length, resolved: contracts.size, error: unresolved },
      });
      if (unresolved === null)
        items.push(
          await barsItem(runtime, symbols, contracts, ctx.run.tradingDate, ctx.signal).catch(
            (error: unknown): ChecklistItem => {
              // Stopped by the runner: not a data problem.
              if (ctx.signal.aborted) throw error;
              return { id: 'bars.complete', ok: false, required: true, numbers: { error: failureOf(error) } };
            },
          ),
        );
      let quotes: ChecklistItem['numbers'] = { symbols: symbols.length };
      let quotesOk = false;
      try {
        const prepared = await service.prepare(symbols);
        quotes = {
          symbols: prepared.symbols,
          ready: prepared.pricesReady,
          fetched: prepared.pricesFetched,
          elapsedMs: Math.round(prepared.elapsedMs),
        };
        quotesOk = prepared.symbols === symbols.length;
      } catch (error) {
        quotes.error = failureOf(error);
      }
      items.push({ id: 'quotes.fresh', ok: quotesOk, required: true, numbers: quotes });
      const state = await deps.tradingState(ctx.run.projectId);
      items.push({
        id: 'trading.active',
        ok: state.state === 'ACTIVE',
        required: true,
        numbers: { state: state.state, reason: state.reason },
      });
      const reconcile = engine.lastReconciliation();
      const foreign = reconcile?.summary.foreign ?? null;
      items.push({
        id: 'reconciliation.clean',
        ok: reconcile?.status === 'ok' && foreign === 0,
        required: true,
        numbers: {
          status: reconcile?.status ?? 'pending',
          unexplainedOpenOrders: foreign,
          missing: reconcile?.summary.missing ?? null,
        },
      });
      const nowMs = deps.clock.nowMs();
      const open = sessionAt(nowMs);
      items.push({
        id: 'market.open',
        ok: open !== undefined && nowMs < Date.parse(ctx.run.windowEnd),
        required: !dry,
        numbers: {
          open: open !== undefined,
          earlyClose: open?.earlyClose ?? null,
          closesAt: open ? new Date(open.closeMs).toISOString() : null,
          windowEnd: ctx.run.windowEnd,
        },
      });
      items.push({ id: 'lease.held', ok: lease.isHeld(), required: !dry, numbers: { held: lease.isHeld() } });
      const failed = items.filter((i) => i.required && !i.ok);
      const evidence = { items, passed: failed.length === 0 };
      if (failed.length > 0) {
        const ids = failed.map((i) => i.id).join(', ');
        const dataOnly = failed.every((i) => DATA_ITEMS.has(i.id));
        throw new StepError(
          dataOnly ? CHECKLIST_DATA_FAILED : 'CHECKLIST_FAILED',
          `checklist failed: ${ids}`,
          {
            evidence,
            text: msg('PIPELINE_CHECKLIST_FAILED', { items: ids }),
          },
        );
      }
      return evidence;
    },

    async decide(ctx) {
      const request = { projectId: ctx.run.projectId, tradingDate: ctx.run.tradingDate, actor: 'pipeline' };
      if (ctx.run.dryRun) {
        const preview = await deps.decisions.preview(request);
        return {
          snapshotId: null,
          contentHash: preview.contentHash,
          kind: preview.content.kind,
          asOf: preview.content.asOf,
          modelVersion: preview.content.modelVersion,
          weights: preview.content.weightsAfter,
          dropped: preview.content.dropped.length,
        };
      }
      const { snapshot, created } = await deps.decisions.decideAndFreeze(request);
      return {
        snapshotId: snapshot.id,
        contentHash: snapshot.contentHash,
        kind: snapshot.kind,
        asOf: snapshot.content.asOf,
        modelVersion: snapshot.modelVersion,
        weights: snapshot.content.weightsAfter,
        dropped: snapshot.content.dropped.length,
        created,
      };
    },

    async plan(ctx) {
      const { engine } = mustRuntime(deps);
      const weights = weightsOf(ctx);
      const account = engine.account();
      const positions: Record<string, number> = {};
      for (const p of await engine.broker.account.positions()) {
        if (p.account === account && p.quantity !== 0)
          positions[p.symbol] = (positions[p.symbol] ?? 0) + p.quantity;
      }
      const symbols = [...new Set([...Object.keys(weights), ...Object.keys(positions)])].sort();
      const contracts = await engine.contractsFor(symbols, 'plan');
      // Arrival prices: one snapshot per symbol now (the sizing the submit step freezes prices again).
      const quoted = brokerPriceSource(engine.broker, engine.clock, { maxAgeMs: 60_000 });
      const closes = isLastGood(ctx) ? lastCloses(symbols) : undefined;
      const quotes = await (closes ? withLastCloses(quoted, closes) : quoted).prices([...contracts.values()]);
      const prices: Record<string, number> = {};
      const lotSizes: Record<string, number> = {};
      for (const [symbol, contract] of contracts) {
        const quote = quotes[symbol];
        if (quote) prices[symbol] = quote.price;
        lotSizes[symbol] = contract.lotSize > 0 ? contract.lotSize : 1;
      }
      const summary = await engine.broker.account.summary();
      const sized = sizeTargets({
        netLiquidation: summary.netLiquidation,
        cashBuffer: 0,
        cash: summary.totalCash,
        weights,
        prices,
        positions,
        lotSizes,
        minOrderValue: ctx.params.execution.minTradeValue,
      });
      const orders: PlannedOrderEvidence[] = sized.orders.map((o) => ({
        symbol: o.symbol,
        side: o.quantity > 0 ? 'BUY' : 'SELL',
        quantity: Math.abs(o.quantity),
        price: o.price,
      }));
      return {
        account: account.slice(0, 2) + '*'.repeat(Math.max(0, account.length - 2)),
        netLiquidation: summary.netLiquidation,
        cash: summary.totalCash,
        positions,
        prices,
        priceSources: priceSourcesOf(quotes),
        targets: sized.targets,
        orders,
        buys: orders.filter((o) => o.side === 'BUY').length,
        sells: orders.filter((o) => o.side === 'SELL').length,
      };
    },

    async risk(ctx) {
      const runtime = mustRuntime(deps);
      const plan = ctx.evidence.plan ?? {};
      const orders = (plan.orders ?? []) as PlanOrders;
      const prices = new Map(Object.entries((plan.prices ?? {}) as Record<string, number>));
      const members = await deps.universe(ctx.run.projectId);
      const daily = Object.entries(lastCloses([...prices.keys()]));
      const previousClose = new Map(daily.map(([symbol, d]) => [symbol, d.price]));
      const adv = new Map(daily.map(([symbol, d]) => [symbol, d.adv]));
      const state = await deps.tradingState(ctx.run.projectId);
      // The whole-list margin check needs IB's what-if; the execution gate does it at send time.
      const rules = DEFAULT_PRE_TRADE_RULES.filter((r) => r.name !== 'margin');
      const report = checkPreTrade(
        {
          orders: orders as PreTradeOrder[],
          account: {
            accountId: runtime.engine.account(),
            mode: runtime.engine.mode,
            netLiquidation: Number(plan.netLiquidation ?? 0),
            cash: Number(plan.cash ?? 0),
          },
          positions: new Map(Object.entries((plan.positions ?? {}) as Record<string, number>)),
          prices,
          previousClose,
          averageDailyVolume: adv,
          sectors: new Map(members.map((m) => [m.symbol, m.sector ?? ''])),
          tradingState: state.state,
        },
        {
          maxPositionWeight: ctx.params.risk.maxPositionWeight,
          maxSectorWeight: ctx.params.risk.maxSectorWeight,
          maxGrossExposure: ctx.params.risk.maxGrossExposure,
        },
        rules,
      );
      const evidence: Evidence = {
        passed: report.passed,
        verdicts: report.verdicts,
        marginChecked: false,
        orders: orders.length,
      };
      if (!report.passed) {
        const rules = report.verdicts
          .filter((v) => !v.passed)
          .map((v) => v.rule)
          .join(', ');
        throw new StepError('PRETRADE_BLOCKED', `pre-trade risk blocked the run: ${rules}`, {
          final: true,
          evidence,
          text: msg('PIPELINE_PRETRADE_BLOCKED', { rules }),
        });
      }
      return evidence;
    },

    async submit(ctx) {
      const runtime = mustRuntime(deps);
      const { engine, service } = runtime;
      const result = await service.executeTargets({
        projectId: ctx.run.projectId,
        tradingDate: ctx.run.tradingDate,
        // The snapshot the decide step froze, so every order traces to that decision and its hash.
        snapshotId: snapshotIdOf(ctx),
        orderType: ctx.params.execution.orderType,
        limitOffsetBps: ctx.params.execution.limitOffsetBps,
        minOrderValue: ctx.params.execution.minTradeValue,
        // The schedule is the standing confirmation of a project set to trade; a person's Run now in
        // live mode typed it at the edge before the trigger was recorded.
        ...(engine.mode === 'live' ? { confirmLive: engine.account() } : {}),
        ...(isLastGood(ctx) ? { lastCloses: lastCloses(plannedSymbols(ctx)) } : {}),
        actor: 'pipeline',
      });
      const orders = await engine.repo.orders({ runId: result.run.id });
      // Execution's own pre-trade gate (with IB's what-if margin) blocked the list: nothing was sent.
      if (result.run.status === 'BLOCKED') {
        const stopped = result.stoppedBecause;
        const failed =
          stopped?.code === 'pretrade-blocked'
            ? stopped.rules
            : (result.run.preTrade?.verdicts ?? []).filter((v) => !v.passed).map((v) => v.rule);
        // The rule codes, like the risk step's: the UI names each rule in its language.
        const rules = failed.join(', ');
        throw new StepError('PRETRADE_BLOCKED', `execution blocked the run: ${rules}`, {
          final: true,
          evidence: { tradeRunId: result.run.id, orders: orders.length },
          text: msg('PIPELINE_PRETRADE_BLOCKED', { rules }),
        });
      }
      return {
        tradeRunId: result.run.id,
        joined: result.joined,
        orders: orders.length,
        sentNow: result.sent,
        stoppedBecause: result.stoppedBecause,
        snapshotId: result.run.snapshotId,
        snapshotHash: result.run.snapshotHash,
        priceSources: priceSourcesOf((result.run.plan?.prices ?? {}) as Record<string, SizingPrice>),
      };
    },

    async monitor(ctx) {
      const runtime = mustRuntime(deps);
      const { engine, service } = runtime;
      const tradeRunId = Number(ctx.evidence.submit?.tradeRunId);
      const windowEndMs = Date.parse(ctx.run.windowEnd);
      for (;;) {
        ctx.signal.throwIfAborted();
        await engine.idle();
        const run = await engine.repo.getRun(tradeRunId);
        const all = await engine.repo.orders({ runId: tradeRunId });
        const rejected = all.filter((o) => o.status === 'REJECTED').length;
        const limit = ctx.params.pipeline.maxRejectedShare;
        if (all.length > 0 && rejected / all.length > limit) {
          const share = rejected / all.length;
          // Final: the runner stops the run's trading (cancels what is open) and applies the policy.
          throw new StepError(
            REJECTIONS_ABOVE_LIMIT,
            `IB rejected ${rejected} of ${all.length} orders, above the limit of ${limit}`,
            {
              final: true,
              evidence: { tradeRunId, orders: all.length, rejected, share, maxRejectedShare: limit },
              text: msg('PIPELINE_REJECTIONS_ABOVE_LIMIT', {
                rejected,
                orders: all.length,
                share,
                limit,
              }),
            },
          );
        }
        const open = all.filter((o) => !isTerminal(o.status));
        if (run.status === 'COMPLETED' || run.status === 'FAILED' || open.length === 0) {
          return { tradeRunId, status: run.status, openOrders: 0, leftoverPolicy: null };
        }
        if (deps.clock.nowMs() >= windowEndMs) {
          const policy = ctx.params.pipeline.leftover;
          if (policy !== 'leave') {
            await cancelOpen(runtime, open, 'the run window closed');
            await service.waitForRun(tradeRunId, 10_000);
          }
          let repriced = 0;
          if (policy === 'reprice') {
            const again = await service.executeTargets({
              projectId: ctx.run.projectId,
              tradingDate: ctx.run.tradingDate,
              snapshotId: snapshotIdOf(ctx),
              orderType: 'MKT',
              minOrderValue: ctx.params.execution.minTradeValue,
              ...(engine.mode === 'live' ? { confirmLive: engine.account() } : {}),
              actor: 'pipeline',
            });
            repriced = again.intents.length;
          }
          return {
            tradeRunId,
            status: run.status,
            openOrders: open.length,
            leftoverPolicy: policy,
            repriced,
          };
        }
        await new Promise((resolve) => setTimeout(resolve, monitorPollMs));
      }
    },

    async report(ctx) {
      const runtime = mustRuntime(deps);
      const repo = runtime.engine.repo;
      const tradeRunId = Number(ctx.evidence.submit?.tradeRunId);
      const run = await repo.getRun(tradeRunId);
      const asOf = String(ctx.evidence.decide?.asOf ?? previousTradingDay(ctx.run.tradingDate));
      const decisionPrices: Record<string, number> = {};
      const store = deps.bars();
      for (const symbol of Object.keys(run.targets ?? {})) {
        const bars = store?.read(symbol, '1 day');
        if (!bars) continue;
        for (let i = bars.length - 1; i >= 0; i--) {
          if (new Date(bars.timeMs[i] as number).toISOString().slice(0, 10) <= asOf) {
            decisionPrices[symbol] = bars.close[i] as number;
            break;
          }
        }
      }
      const report = postTradeReport({
        runId: ctx.run.id,
        run,
        orders: await repo.orders({ runId: tradeRunId }),
        fills: await repo.fills({ runId: tradeRunId }),
        weights: weightsOf(ctx),
        decisionPrices,
      });
      const file = writeReportFile(deps.dataRoot, ctx.run.projectId, report);
      return { ...report, file };
    },
  };

  /**
   * The trade run of a pipeline run: the submit step's, else the day's scheduled run (submit failed
   * before it said which). Never a defensive run of the same day: the pipeline does not trade those.
   */
  async function tradeRunOf(runtime: ExecutionRuntime, ctx: StepContext): Promise<number | null> {
    const known = Number(ctx.evidence.submit?.tradeRunId ?? ctx.run.tradeRunId ?? Number.NaN);
    if (Number.isInteger(known) && known > 0) return known;
    const found = await runtime.engine.repo.runOn(ctx.run.projectId, ctx.run.tradingDate);
    return found?.id ?? null;
  }

  const fallback: FallbackPort = {
    async lastGood(ctx, reason, sourceSnapshotId, reasonText) {
      if (sourceSnapshotId === undefined) return null;
      const snapshot = await deps.decisions.freezeFallback({
        projectId: ctx.run.projectId,
        tradingDate: ctx.run.tradingDate,
        sourceSnapshotId,
        reason,
        ...(reasonText ? { reasonText } : {}),
        actor: 'pipeline',
      });
      return {
        snapshotId: snapshot.id,
        contentHash: snapshot.contentHash,
        kind: snapshot.kind,
        asOf: snapshot.content.asOf,
        sourceSnapshotId,
        weights: snapshot.content.weightsAfter,
      };
    },
    async stopTrading(ctx) {
      const runtime = mustRuntime(deps);
      const tradeRunId = await tradeRunOf(runtime, ctx);
      let sent = 0;
      let canceled = 0;
      if (tradeRunId !== null) {
        const orders = await runtime.engine.repo.orders({ runId: tradeRunId });
        sent = orders.filter((o) => o.ibOrderId !== null).length;
        const open = orders.filter((o) => !isTerminal(o.status));
        canceled = await cancelOpen(runtime, open, 'the run stopped trading');
        if (open.length > 0) await runtime.service.waitForRun(tradeRunId, 10_000).catch(() => undefined);
      }
      return { tradeRunId, sent, canceled };
    },
  };

  return { work, fallback };
}

type PlanOrders = PlannedOrderEvidence[];

/** How many symbols were priced from which source (mid, last, close, bar-close), for the evidence. */
function priceSourcesOf(prices: Readonly<Record<string, SizingPrice>>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const price of Object.values(prices)) counts[price.source] = (counts[price.source] ?? 0) + 1;
  return counts;
}
