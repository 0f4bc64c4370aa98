import { z } from 'zod';
import type { BrokerContract, OrderType, TimeInForce } from '../brokerage/index.js';
import { daySchema, isTradingDay } from '../calendar/index.js';
import type { StopReason } from '../contract/execution.js';
import { type Message, msg } from '../contract/messages.js';
import type { Clock } from '../core/clock.js';
import { ConflictError, InputError } from '../core/errors.js';
import { canonicalHash, type Snapshot, SnapshotStore } from '../decision/index.js';
import { SizingInputError, type SizingIssue, sizeTargets } from '../sizing/index.js';
import type { ExecutionEngine } from './engine.js';
import { planCancels, planOrders } from './planning.js';
import { PreTradeGate, type PreTradeOptions } from './pretrade.js';
import {
  brokerPriceSource,
  type LastCloses,
  limitPrice,
  PreparedPrices,
  type PriceSource,
  type QuoteSnapshot,
  type SizingPrice,
} from './prices.js';
import { defensiveRunKey, SCHEDULED_RUN_KEY } from './run-key.js';
import { Mutex } from './serial.js';
import type { OrderIntent, TradeOrder, TradeRun } from './types.js';
import { validateWeights } from './weights.js';

/** A real NYSE trading day as YYYY-MM-DD: `2026-13-45`, weekends and holidays are refused. */
export const tradingDateSchema = z.string().superRefine((value, ctx) => {
  const day = daySchema.safeParse(value);
  if (!day.success) {
    ctx.addIssue({ code: 'custom', message: day.error.issues[0]?.message ?? 'not a day' });
  } else if (!isTradingDay(value)) {
    ctx.addIssue({ code: 'custom', message: `${value} is not an NYSE trading day (weekend or holiday)` });
  }
});

/**
 * The run a snapshot is traded in: a halt's `defensive` snapshot in the run of its halt (so the move
 * is made the same day even when the scheduled run has already traded, and once per halt); every
 * other snapshot in the day's scheduled run, which a second trigger joins. The key follows from what
 * is traded rather than from the request, so no caller can open a second run of a day at will.
 */
export function runKeyOf(snapshot: Pick<Snapshot, 'kind' | 'content'>): string {
  const halt = snapshot.kind === 'defensive' ? snapshot.content.defensive?.haltKey : undefined;
  return halt === undefined ? SCHEDULED_RUN_KEY : defensiveRunKey(halt);
}

/**
 * What starting a run takes. The mode is not here: it is the server's configured mode (the engine's),
 * never something a request chooses.
 */
export const executeOptionsSchema = z.object({
  /** An existing project, by id: the run key is (projectId, tradingDate). */
  projectId: z.number().int('must be an integer').positive('must be a positive project id'),
  tradingDate: tradingDateSchema,
  /** The decision snapshot to trade (the weekly pipeline's path). Give this or `weights`. */
  snapshotId: z.number().int('must be an integer').positive('must be a positive snapshot id').optional(),
  /** Manual weights: stored first as a `manual` snapshot (with their hash and the actor), then traded. */
  weights: z.record(z.string(), z.unknown()).optional(),
  /** sha256 of the weights file (CLI); default: of the weights' canonical JSON. */
  weightsFileHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be a sha256 hex digest')
    .optional(),
  /** Live mode only: the traded account id typed again, so that no run moves real money by accident. */
  confirmLive: z.string().trim().max(40).optional(),
  orderType: z.enum(['MKT', 'LMT']).default('MKT'),
  /** LMT only: buys at reference + offset, sells at reference - offset. */
  limitOffsetBps: z.number().min(0).max(1000).default(10),
  tif: z.enum(['DAY', 'GTC']).default('DAY'),
  /** Money held back from investment. */
  cashBuffer: z.number().min(0).default(0),
  minOrderValue: z.number().min(0).default(0),
  minTradeShares: z.number().int().min(1).default(1),
  allowShort: z.boolean().default(false),
  weightTolerance: z.number().min(0).max(0.1).default(1e-6),
  actor: z.string().min(1).default('execution'),
  /**
   * A last-good fallback run only (the quote feed is stopped): each symbol's last stored daily
   * close, used to size the symbols that have no quote; the run's plan records them as `bar-close`.
   */
  lastCloses: z
    .record(
      z.string(),
      z.object({ price: z.number().positive(), timeMs: z.number().int(), adv: z.number().min(0).optional() }),
    )
    .optional(),
});

export type ExecuteTargetsInput = z.input<typeof executeOptionsSchema>;

export interface ExecuteTargetsResult {
  run: TradeRun;
  /** A run for the same project and trading date existed: this call joined it. */
  joined: boolean;
  /** Intents recorded by this call (none when the targets were already covered). */
  intents: TradeOrder[];
  sent: number;
  /** Why sending stopped before the whole list left (null: it did not stop). */
  stoppedBecause: StopReason | null;
}

export interface ExecutionServiceOptions {
  /** Where missing sizing prices are fetched from; defaults to the broker's quote snapshots. */
  prices?: PriceSource;
  /** A trusted live quote from the quote stream, used before anything is fetched. */
  liveQuote?: (symbol: string) => QuoteSnapshot | undefined;
  /** Quotes older than this are refused (default 60 s). */
  maxQuoteAgeMs?: number;
  /** The clock the broker stamps quotes with (default: the engine's). */
  quoteClock?: Clock;
  /** How long a run waits for the cancels it asked for before it orders the rest (default 10 s). */
  cancelWaitMs?: number;
  /**
   * Pre-trade risk: every run's whole order list goes through every rule before any intent is
   * recorded; a failed rule BLOCKS the run. The server and the CLI always set it.
   */
  preTrade?: PreTradeOptions;
}

export interface PrepareResult {
  symbols: number;
  /** Prices already fresh (live quotes or an earlier prepare). */
  pricesReady: number;
  pricesFetched: number;
  elapsedMs: number;
}

/**
 * Target weights -> a run -> frozen target shares -> intents -> orders. The CLI, the API and the
 * weekly pipeline all call `executeTargets`; calling it again for the same project and trading date
 * joins the run and orders only what is still missing (usually nothing).
 */
export class ExecutionService {
  private readonly planning = new Mutex();
  private readonly prices: PreparedPrices;
  private readonly cancelWaitMs: number;
  private readonly gate: PreTradeGate | undefined;
  /** Execution reads only decision snapshots: runs are created from one and verify it before planning. */
  readonly snapshots: SnapshotStore;

  constructor(
    readonly engine: ExecutionEngine,
    options: ExecutionServiceOptions = {},
  ) {
    const rules = { maxAgeMs: options.maxQuoteAgeMs ?? 60_000 };
    const quoteClock = options.quoteClock ?? engine.clock;
    this.cancelWaitMs = options.cancelWaitMs ?? 10_000;
    this.gate = options.preTrade
      ? new PreTradeGate(engine.broker, engine.clock, options.preTrade)
      : undefined;
    this.snapshots = new SnapshotStore(engine.repo.db, engine.repo.audit, engine.clock);
    this.prices = new PreparedPrices({
      fetch: options.prices ?? brokerPriceSource(engine.broker, quoteClock, rules),
      clock: quoteClock,
      rules,
      ...(options.liveQuote ? { live: options.liveQuote } : {}),
    });
  }

  /**
   * The pre-trade step for a rebalance: contracts from the cache (the broker for the rest) and a
   * fresh price for every symbol, so that the run itself spends IB's message budget on orders.
   * Unknown symbols fail here, naming the symbol.
   */
  async prepare(symbols: readonly string[]): Promise<PrepareResult> {
    const started = performance.now();
    const contracts = await this.engine.contractsFor(symbols, 'weights');
    const { ready, fetched } = await this.prices.prepare([...contracts.values()]);
    return {
      symbols: contracts.size,
      pricesReady: ready,
      pricesFetched: fetched,
      elapsedMs: performance.now() - started,
    };
  }

  async executeTargets(raw: ExecuteTargetsInput): Promise<ExecuteTargetsResult> {
    const input = executeOptionsSchema.parse(raw);
    if ((input.snapshotId === undefined) === (input.weights === undefined))
      throw new InputError(
        'snapshotId',
        'give a decision snapshot id or manual weights (exactly one): execution trades only a snapshot',
        msg('RUN_NEEDS_SNAPSHOT_OR_WEIGHTS', {}),
      );
    const given = input.snapshotId !== undefined ? await this.snapshotToTrade(input) : undefined;
    const weights = validateWeights(given ? given.content.weightsAfter : (input.weights ?? {}), {
      allowShort: input.allowShort,
      tolerance: input.weightTolerance,
    });
    const readiness = this.engine.readiness();
    if (!readiness.ready)
      throw new ConflictError(
        'execution',
        `not ready to trade: ${readiness.reasons.join('; ')}`,
        msg('NOT_READY_TO_TRADE', {}),
        readiness.texts,
      );
    const repo = this.engine.repo;
    const account = this.engine.account();
    const mode = this.engine.mode;
    if (mode === 'live' && input.confirmLive !== account) {
      throw new InputError(
        'confirmLive',
        'the server trades live: type the account id again to start a run that moves real money',
        msg('LIVE_RUN_NEEDS_CONFIRMATION', {}),
      );
    }

    // Unknown symbols are refused before a run exists or anything is sent.
    const contracts = await this.engine.contractsFor(Object.keys(weights), 'weights');

    const snapshot =
      given ??
      (
        await this.snapshots.freezeManual({
          projectId: input.projectId,
          tradingDate: input.tradingDate,
          weights,
          fileHash: input.weightsFileHash ?? canonicalHash(weights),
          actor: input.actor,
        })
      ).snapshot;
    const { run: created, created: isNew } = await repo.createOrJoinRun({
      snapshot: { id: snapshot.id, hash: snapshot.contentHash },
      projectId: input.projectId,
      tradingDate: input.tradingDate,
      runKey: runKeyOf(snapshot),
      mode,
      weights,
      actor: input.actor,
    });
    return this.planning.run(async () => {
      let run = await repo.getRun(created.id);
      // The run trades its own snapshot (a joined run keeps the one it was created from), and only
      // while that snapshot still verifies: an edited row stops the run before any order.
      if (run.snapshotId === null)
        throw new ConflictError(
          'snapshot',
          `run ${run.id} has no decision snapshot; execution trades only snapshots`,
          msg('RUN_HAS_NO_SNAPSHOT', { id: run.id }),
        );
      const traded = await this.snapshots.requireVerified(run.snapshotId, run.snapshotHash);
      const runWeights = validateWeights(traded.content.weightsAfter, {
        allowShort: input.allowShort,
        tolerance: input.weightTolerance,
      });
      try {
        if (run.targets === null) {
          if (run.status === 'FAILED') await repo.setRunStatus(run.id, 'PLANNING');
          await this.addMissingContracts(contracts, Object.keys(runWeights), 'weights');
          await this.freezeTargets(run.id, runWeights, contracts, account, input);
          run = await repo.getRun(run.id);
        }
        const targets = run.targets ?? {};
        await this.addMissingContracts(contracts, Object.keys(targets), 'targets');
        const sizingPrices = (run.plan?.prices ?? {}) as Record<string, SizingPrice>;
        const before = (run.plan?.positionsBefore ?? {}) as Record<string, number>;
        const cancelsPending = await this.cancelInTheWay(run, targets, before, input.allowShort);
        const build = (open: TradeOrder[], ofRun: TradeOrder[]): OrderIntent[] =>
          planOrders({
            targets,
            positions: positionsAfterFills(before, ofRun),
            openOrders: open,
            allowShort: input.allowShort,
            minTradeShares: input.minTradeShares,
            minTradeValue: input.minOrderValue,
            prices: Object.fromEntries(Object.entries(sizingPrices).map(([s, p]) => [s, p.price])),
          }).map((planned): OrderIntent => {
            const contract = contracts.get(planned.symbol);
            if (!contract) throw noContract(planned.symbol);
            const reference = sizingPrices[planned.symbol]?.price;
            const isLimit = input.orderType === 'LMT' && reference !== undefined;
            return {
              symbol: planned.symbol,
              conId: contract.conId,
              side: planned.side,
              quantity: planned.quantity,
              orderType: (isLimit ? 'LMT' : 'MKT') satisfies OrderType,
              limitPrice: isLimit
                ? limitPrice(reference, planned.side, input.limitOffsetBps, contract.minTick || 0.01)
                : null,
              tif: input.tif satisfies TimeInForce,
              account,
            };
          });
        const review = await this.checkPreTrade(
          run,
          input.projectId,
          account,
          contracts,
          build,
          input.lastCloses,
        );
        if (review.blocked !== null) {
          return {
            run: await repo.getRun(run.id),
            joined: !isNew,
            intents: [],
            sent: 0,
            stoppedBecause: review.blocked,
          };
        }
        const intents = await repo.recordIntents(
          run.id,
          (trx) => this.engine.lease.fence(trx),
          (open, ofRun) => onlyChecked(build(open, ofRun), review.checked),
        );
        if (
          run.status === 'PLANNING' ||
          run.status === 'BLOCKED' ||
          (intents.length > 0 && run.status === 'COMPLETED')
        ) {
          await repo.setRunStatus(run.id, 'SUBMITTING');
        }
        const submitted = await this.engine.submitPending(run.id);
        const sent = submitted.sent;
        const stoppedBecause = submitted.stoppedBecause ?? cancelsPending;
        run = await repo.getRun(run.id);
        if (run.status === 'SUBMITTING' && stoppedBecause === null)
          await repo.setRunStatus(run.id, 'WORKING');
        await repo.completeRunIfIdle(run.id);
        return { run: await repo.getRun(run.id), joined: !isNew, intents, sent, stoppedBecause };
      } catch (error) {
        if (run.targets === null) {
          await repo.setRunStatus(run.id, 'FAILED', (error as Error).message);
        }
        throw error;
      }
    });
  }

  /**
   * The pre-trade step (DESIGN step 6): the order list the plan would record now goes through every
   * rule with the project's limits. Passed: the verdicts are recorded and null returned. Failed: the
   * run is BLOCKED (see PreTradeGate.block) and the reason returned; no intent exists, so nothing
   * can be sent. Without pre-trade options this is a no-op.
   */
  private async checkPreTrade(
    run: TradeRun,
    projectId: number,
    account: string,
    contracts: ReadonlyMap<string, BrokerContract>,
    build: (open: TradeOrder[], ofRun: TradeOrder[]) => OrderIntent[],
    storedDaily?: LastCloses,
  ): Promise<{ blocked: StopReason | null; checked: readonly OrderIntent[] | null }> {
    if (!this.gate) return { blocked: null, checked: null };
    const repo = this.engine.repo;
    const ofRun = await repo.orders({ runId: run.id });
    const planned = build(await repo.orders({ projectOf: run, open: true }), ofRun);
    if (planned.length === 0) return { blocked: null, checked: planned };
    const sizing = (run.plan?.prices ?? {}) as Record<string, SizingPrice>;
    const prices = Object.fromEntries(Object.entries(sizing).map(([symbol, p]) => [symbol, p.price]));
    const before = (run.plan?.positionsBefore ?? {}) as Record<string, number>;
    const risk = await this.gate.projectRisk(projectId);
    const request = {
      run,
      projectId,
      account,
      mode: this.engine.mode,
      orders: planned.map((intent) => {
        const contract = contracts.get(intent.symbol);
        if (!contract) throw noContract(intent.symbol);
        const price = prices[intent.symbol] ?? intent.limitPrice ?? 0;
        return {
          symbol: intent.symbol,
          side: intent.side,
          quantity: intent.quantity,
          price,
          intent,
          contract,
        };
      }),
      positions: positionsAfterFills(before, ofRun),
      prices,
      risk,
      ...(storedDaily ? { storedDaily } : {}),
    };
    const record = await this.gate.review(request);
    if (record.passed) {
      await repo.setRunPreTrade(run.id, record);
      return { blocked: null, checked: planned };
    }
    return { blocked: await this.gate.block(repo, request, record), checked: planned };
  }

  /** The given snapshot, verified, for this project and trading date. */
  private async snapshotToTrade(input: z.output<typeof executeOptionsSchema>): Promise<Snapshot> {
    const snapshot = await this.snapshots.requireVerified(input.snapshotId!);
    if (snapshot.projectId !== input.projectId || snapshot.tradingDate !== input.tradingDate)
      throw new InputError(
        'snapshotId',
        `snapshot ${snapshot.id} is project ${snapshot.projectId}'s decision for ${snapshot.tradingDate}, not project ${input.projectId} on ${input.tradingDate}`,
        msg('SNAPSHOT_NOT_FOR_RUN', {
          id: snapshot.id,
          snapshotProject: snapshot.projectId,
          snapshotDate: snapshot.tradingDate,
          project: input.projectId,
          date: input.tradingDate,
        }),
      );
    return snapshot;
  }

  /**
   * Cancels the project's open orders that work against a target or overshoot it (see
   * `planCancels`) and waits until they are final, so that the plan that follows starts from what
   * they really filled. Returns why the plan is incomplete (cancels still pending), or null.
   */
  private async cancelInTheWay(
    run: TradeRun,
    targets: Record<string, number>,
    before: Record<string, number>,
    allowShort: boolean,
  ): Promise<StopReason | null> {
    const repo = this.engine.repo;
    const plan = async () =>
      planCancels({
        targets,
        positions: positionsAfterFills(before, await repo.orders({ runId: run.id })),
        openOrders: await repo.orders({ projectOf: run, open: true }),
        allowShort,
      });
    const cancels = await plan();
    if (cancels.length === 0) return null;
    for (const order of cancels) {
      // An intent that never left needs no broker: it is cancelled here (unless a send claims it first).
      if (order.ibOrderId === null && (await repo.cancelUnsent(order.id, `in the way of run ${run.id}`)))
        continue;
      await this.engine.cancel(order.id).catch((error: unknown) => {
        // Already final by now: nothing to cancel.
        if (!(error instanceof ConflictError && error.field === 'orderId')) throw error;
      });
    }
    const deadline = performance.now() + this.cancelWaitMs;
    for (;;) {
      await this.engine.idle();
      const ids = new Set(cancels.map((o) => o.id));
      const still = (await repo.orders({ projectOf: run, open: true })).filter((o) => ids.has(o.id));
      if (still.length === 0) return null;
      if (performance.now() > deadline) {
        return {
          code: 'cancels-pending',
          count: still.length,
          symbols: [...new Set(still.map((o) => o.symbol))],
        };
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Waits until the run has no open order (or the time is up) and returns it. */
  async waitForRun(runId: number, timeoutMs: number, pollMs = 50): Promise<TradeRun> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      await this.engine.idle();
      const run = await this.engine.repo.getRun(runId);
      if (
        run.status === 'COMPLETED' ||
        run.status === 'FAILED' ||
        run.status === 'BLOCKED' ||
        performance.now() > deadline
      )
        return run;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /** Adds the contracts of `symbols` that `contracts` does not hold yet. */
  private async addMissingContracts(
    contracts: Map<string, BrokerContract>,
    symbols: readonly string[],
    fieldPrefix: string,
  ): Promise<void> {
    const missing = symbols.filter((symbol) => !contracts.has(symbol));
    for (const [symbol, contract] of await this.engine.contractsFor(missing, fieldPrefix)) {
      contracts.set(symbol, contract);
    }
  }

  private async positions(account: string): Promise<Record<string, number>> {
    const held: Record<string, number> = {};
    for (const position of await this.engine.broker.account.positions()) {
      if (position.account !== account || position.quantity === 0) continue;
      held[position.symbol] = (held[position.symbol] ?? 0) + position.quantity;
    }
    return held;
  }

  private async freezeTargets(
    runId: number,
    weights: Record<string, number>,
    contracts: Map<string, BrokerContract>,
    account: string,
    input: z.output<typeof executeOptionsSchema>,
  ): Promise<void> {
    const positions = await this.positions(account);
    await this.addMissingContracts(contracts, Object.keys(positions), 'positions');
    const summary = await this.engine.broker.account.summary();
    const quotes = await this.prices.prices([...contracts.values()], input.lastCloses);
    const prices: Record<string, number> = {};
    const lotSizes: Record<string, number> = {};
    for (const [symbol, contract] of contracts) {
      const quote = quotes[symbol];
      if (quote) prices[symbol] = quote.price;
      lotSizes[symbol] = contract.lotSize > 0 ? contract.lotSize : 1;
    }
    let sized: ReturnType<typeof sizeTargets>;
    try {
      sized = sizeTargets({
        netLiquidation: summary.netLiquidation,
        cashBuffer: input.cashBuffer,
        cash: summary.totalCash,
        weights,
        prices,
        positions,
        lotSizes,
        minOrderValue: input.minOrderValue,
        allowShort: input.allowShort,
        weightTolerance: input.weightTolerance,
      });
    } catch (error) {
      if (error instanceof SizingInputError) {
        const first = error.issues[0];
        throw new InputError(
          first?.field ?? 'weights',
          first?.message ?? error.message,
          first ? sizingText(first, weights) : msg('SIZING_INPUT_INVALID', { field: 'weights' }),
        );
      }
      throw error;
    }
    await this.engine.repo.setRunTargets(runId, sized.targets, {
      prices: quotes,
      netLiquidation: summary.netLiquidation,
      cash: summary.totalCash,
      cashBuffer: input.cashBuffer,
      positionsBefore: positions,
      estimatedCashAfter: sized.cashAfter,
      orderType: input.orderType,
      limitOffsetBps: input.limitOffsetBps,
    });
  }
}

/**
 * The order list is planned twice: once for the pre-trade rules and again inside the transaction that
 * records the intents (fills may land in between). Fills only shrink what is left to trade, so the
 * second list must be covered by the first: the same symbol and side, no larger quantity. Anything
 * else was never checked and is refused rather than sent. Without pre-trade checks (null) nothing to compare.
 */
export function onlyChecked(intents: OrderIntent[], checked: readonly OrderIntent[] | null): OrderIntent[] {
  if (checked === null) return intents;
  const allowed = new Map(checked.map((c) => [`${c.symbol}|${c.side}`, c.quantity]));
  for (const intent of intents) {
    const cap = allowed.get(`${intent.symbol}|${intent.side}`);
    if (cap === undefined || intent.quantity > cap)
      throw new ConflictError(
        'pretrade',
        `order ${intent.side} ${intent.quantity} ${intent.symbol} was not in the list the pre-trade rules passed; the run plans again on its next attempt`,
        msg('ORDER_NOT_PRETRADE_CHECKED', {
          side: intent.side,
          quantity: intent.quantity,
          symbol: intent.symbol,
        }),
      );
  }
  return intents;
}

/**
 * The position the plan starts from: the broker's position when the run froze its targets, plus
 * what this run's orders have filled since, as recorded in the database. Taking both the filled and
 * the remaining quantities from the same table keeps a re-plan consistent even while fills are
 * still arriving (the broker's live position may already include a fill the database has not seen).
 */
export function positionsAfterFills(
  before: Readonly<Record<string, number>>,
  runOrders: readonly TradeOrder[],
): Record<string, number> {
  const positions: Record<string, number> = { ...before };
  for (const order of runOrders) {
    // A FILLED order counts in full even if some of its execution reports are still on the way.
    const filled = order.status === 'FILLED' ? order.quantity : order.filledQty;
    positions[order.symbol] = (positions[order.symbol] ?? 0) + (order.side === 'BUY' ? filled : -filled);
  }
  return positions;
}

/** A planned order whose symbol has no contract: planning only names symbols whose contracts it holds. */
function noContract(symbol: string): InputError {
  return new InputError(`targets.${symbol}`, 'no contract', msg('ORDER_NO_CONTRACT', { symbol }));
}

/** A sizing refusal as the catalogued text of the same problem. */
function sizingText(issue: SizingIssue, weights: Readonly<Record<string, number>>): Message {
  const symbol = issue.symbol ?? issue.field;
  switch (issue.problem) {
    case 'short':
      return msg('WEIGHT_NEGATIVE', { symbol, weight: weights[symbol] ?? 0 });
    case 'gross': {
      const gross = Object.values(weights).reduce((sum, weight) => sum + Math.abs(weight), 0);
      return msg('WEIGHTS_SUM_ABOVE_ONE', { sum: Number(gross.toFixed(10)) });
    }
    case 'no-price':
      return msg('SIZING_NO_PRICE', { symbol });
    case 'no-price-held':
      return msg('SIZING_NO_PRICE_HELD', { symbol });
    case 'invalid':
      return msg('SIZING_INPUT_INVALID', { field: issue.field });
  }
}
