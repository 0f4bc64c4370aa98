/**
 * Execution (`/api/execution/*`): the execution lease, trade runs, their orders, fills and progress,
 * and the reconciliations with the broker. Pure zod, shared with the web app (types only). Account ids
 * in every answer are masked (`DU****67`).
 */
import { z } from 'zod';
import { IbConnectionStatus, IbReason } from './ib.js';
import { messageSchema as catalogued, ENUMS, type Message } from './messages.js';
import { PreTradeRuleName, RunPreTradeView } from './pretrade.js';

const message = catalogued as unknown as z.ZodType<Message>;
const positiveId = z.coerce.number().int().positive('must be a positive integer');

export const ExecutionIdParams = z.object({ id: positiveId }).strict();

export const RUN_STATUSES = ['PLANNING', 'SUBMITTING', 'WORKING', 'COMPLETED', 'FAILED', 'BLOCKED'] as const;
/** BLOCKED: a pre-trade rule failed and nothing of the run was sent (see `preTrade`). */
export const RunStatus = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatus>;
/** NEW = intent persisted, not yet acknowledged by the broker. */
export const OrderStatus = z.enum(['NEW', 'SUBMITTED', 'PARTIAL', 'FILLED', 'CANCELED', 'REJECTED']);
export type OrderStatus = z.infer<typeof OrderStatus>;
export const OrderSide = z.enum(['BUY', 'SELL']);
export type OrderSide = z.infer<typeof OrderSide>;

export const LeaseView = z.object({
  name: z.string(),
  holder: z.string(),
  token: z.number(),
  acquiredAt: z.string(),
  heartbeatAt: z.string(),
  expiresAt: z.string(),
  /** Unexpired at the moment of reading. */
  active: z.boolean(),
  /** `unresponsive`: unexpired but its heartbeat is late (the lease can be taken at `takeableAt`). */
  state: z.enum(['active', 'unresponsive', 'expired']),
  heartbeatAgeMs: z.number(),
  takeableAt: z.string(),
});
export type LeaseView = z.infer<typeof LeaseView>;

export const Readiness = z.object({
  ready: z.boolean(),
  /** English; `texts` says the same as catalogued messages the UI renders in its language. */
  reasons: z.array(z.string()),
  texts: z.array(message),
});
export type Readiness = z.infer<typeof Readiness>;

export const LeaseResponse = z.object({
  lease: LeaseView.nullable(),
  /** Null on a replica that serves the UI read-only. */
  thisReplica: z.object({ holder: z.string(), holdsLease: z.boolean(), readiness: Readiness }).nullable(),
});
export type LeaseResponse = z.infer<typeof LeaseResponse>;

const JsonRecord = z.record(z.string(), z.unknown());

/** `scheduled`: the weekly (or manual) run of the day; `defensive`: a halt's defensive move. */
export const RunKind = z.enum(ENUMS.runKind);
export type RunKind = z.infer<typeof RunKind>;

export const TradeRun = z.object({
  id: z.number(),
  /** The project's name when the run was created. */
  project: z.string(),
  /** Null only for runs from before runs named project ids. */
  projectId: z.number().nullable(),
  tradingDate: z.string(),
  /** The run's key within its day: `scheduled`, or `defensive:<halt>` (one run per halt). */
  runKey: z.string(),
  kind: RunKind,
  mode: z.string(),
  status: RunStatus,
  weights: z.record(z.string(), z.number()),
  targets: z.record(z.string(), z.number()).nullable(),
  plan: JsonRecord.nullable(),
  error: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  /** The decision snapshot the run trades and its content hash (null: a run from before snapshots). */
  snapshotId: z.number().nullable(),
  snapshotHash: z.string().nullable(),
  /** Every pre-trade rule's verdict of the run's latest order list; null before any was checked. */
  preTrade: RunPreTradeView.nullable(),
});
export type TradeRun = z.infer<typeof TradeRun>;

export const TradeOrderEvent = z.object({
  id: z.number(),
  orderId: z.number(),
  time: z.string(),
  kind: z.string(),
  fromStatus: z.string().nullable(),
  toStatus: z.string().nullable(),
  ibStatus: z.string().nullable(),
  accepted: z.boolean(),
  detail: JsonRecord.nullable(),
});
export type TradeOrderEvent = z.infer<typeof TradeOrderEvent>;

const TradeOrderFields = z.object({
  id: z.number(),
  runId: z.number(),
  clientOrderId: z.string(),
  symbol: z.string(),
  conId: z.number(),
  side: OrderSide,
  leg: z.number(),
  quantity: z.number(),
  orderType: z.enum(['MKT', 'LMT']),
  limitPrice: z.number().nullable(),
  tif: z.enum(['DAY', 'GTC']),
  /** Masked. */
  account: z.string(),
  status: OrderStatus,
  ibStatus: z.string().nullable(),
  ibOrderId: z.number().nullable(),
  permId: z.number().nullable(),
  filledQty: z.number(),
  avgFillPrice: z.number().nullable(),
  leaseToken: z.number(),
  sendAttempts: z.number(),
  lastError: z.string().nullable(),
  adopted: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  submittedAt: z.string().nullable(),
});

export const TradeOrder = TradeOrderFields.extend({ events: z.array(TradeOrderEvent) });
export type TradeOrder = z.infer<typeof TradeOrder>;

export const TradeFill = z.object({
  execId: z.string(),
  orderId: z.number(),
  clientOrderId: z.string(),
  ibOrderId: z.number(),
  permId: z.number(),
  /** Masked. */
  account: z.string(),
  symbol: z.string(),
  side: OrderSide,
  shares: z.number(),
  price: z.number(),
  exchange: z.string(),
  execTime: z.string(),
  commission: z.number().nullable(),
  commissionCurrency: z.string().nullable(),
  realizedPnl: z.number().nullable(),
  recordedAt: z.string(),
});
export type TradeFill = z.infer<typeof TradeFill>;

export const SymbolProgress = z.object({
  symbol: z.string(),
  /** Position when the run froze its targets. */
  before: z.number(),
  target: z.number(),
  /** Net shares filled by this run's orders (buys positive). */
  filled: z.number(),
  /** Shares still working in open orders (signed). */
  working: z.number(),
  /** target - (before + filled). */
  deviation: z.number(),
  avgFillPrice: z.number().nullable(),
  commission: z.number(),
});
export type SymbolProgress = z.infer<typeof SymbolProgress>;

export const RunsQuery = z
  .object({
    project: z.string().max(200).optional(),
    limit: z.coerce.number().int('must be an integer').min(1).max(500).default(50),
  })
  .strict();

export const RunsResponse = z.object({ runs: z.array(TradeRun) });
export type RunsResponse = z.infer<typeof RunsResponse>;

export const RunDetail = z.object({
  run: TradeRun,
  orders: z.array(TradeOrder),
  fills: z.array(TradeFill),
  progress: z.array(SymbolProgress),
});
export type RunDetail = z.infer<typeof RunDetail>;

export const RunOrdersResponse = z.object({ orders: z.array(TradeOrder) });
export const RunFillsResponse = z.object({ fills: z.array(TradeFill) });
export const RunProgressResponse = z.object({ progress: z.array(SymbolProgress) });

export const ReconciliationSummary = z.object({
  brokerOpen: z.number(),
  brokerCompleted: z.number(),
  executions: z.number(),
  updated: z.number(),
  adopted: z.number(),
  foreign: z.number(),
  fillsRecovered: z.number(),
  released: z.number(),
  missing: z.number(),
  positionDiffs: z.number(),
});
export type ReconciliationSummary = z.infer<typeof ReconciliationSummary>;

/** A stored reconciliation: its summary and details as recorded (older rows may lack newer counts). */
export const ReconciliationRecord = z.object({
  id: z.number(),
  time: z.string(),
  reason: z.string(),
  holder: z.string(),
  leaseToken: z.number(),
  status: z.string(),
  summary: ReconciliationSummary.partial(),
  details: JsonRecord,
  /** English (logs); `errorText` the same as a catalogued message the UI renders, when there is one. */
  error: z.string().nullable(),
  errorText: message.nullable(),
});
export type ReconciliationRecord = z.infer<typeof ReconciliationRecord>;

export const ReconciliationsResponse = z.object({ reconciliations: z.array(ReconciliationRecord) });
export type ReconciliationsResponse = z.infer<typeof ReconciliationsResponse>;

/** An open order at the broker whose orderRef is not ours: reported, never touched. */
export const ReconcileForeignOrder = z.object({
  orderId: z.number(),
  clientId: z.number(),
  orderRef: z.string(),
  symbol: z.string(),
  side: z.string(),
  quantity: z.number(),
  status: z.string(),
});
export type ReconcileForeignOrder = z.infer<typeof ReconcileForeignOrder>;

/** A symbol whose broker position differs from what its run's target and open orders explain. */
export const ReconcilePositionDiff = z.object({
  project: z.string(),
  runId: z.number(),
  symbol: z.string(),
  target: z.number(),
  position: z.number(),
  openRemaining: z.number(),
});
export type ReconcilePositionDiff = z.infer<typeof ReconcilePositionDiff>;

export const ReconcileDetails = z.object({
  adopted: z.array(z.string()),
  foreign: z.array(ReconcileForeignOrder),
  released: z.array(z.string()),
  missing: z.array(z.string()),
  positionDiffs: z.array(ReconcilePositionDiff),
});
export type ReconcileDetails = z.infer<typeof ReconcileDetails>;

export const ReconcileReason = z.enum([
  'startup',
  'reconnect',
  'restored-data-lost',
  'restored-data-kept',
  'manual',
]);
export type ReconcileReason = z.infer<typeof ReconcileReason>;

/** One reconciliation as the execution engine reports it (src/execution's `ReconcileReport` is this type). */
export const ReconcileReport = z.object({
  id: z.number(),
  reason: ReconcileReason,
  status: z.enum(['ok', 'failed']),
  error: z.string().nullable(),
  /** `error` as a catalogued message (e.g. IB refused: `BROKER_UNAVAILABLE` with its reason code). */
  errorText: message.nullable(),
  summary: ReconciliationSummary,
  details: ReconcileDetails,
});
export type ReconcileReport = z.infer<typeof ReconcileReport>;

export const ReconcileResponse = z.object({ reconciliation: ReconcileReport });
export type ReconcileResponse = z.infer<typeof ReconcileResponse>;

/**
 * Why a run stopped sending before its whole order list left, as a code with its figures: the web app
 * and the alert texts render it in the reader's language (src/contract/execution-texts.ts), logs read
 * its English line. What is left is sent by the next run call or after the next reconciliation.
 */
export const StopReason = z.discriminatedUnion('code', [
  /** Pre-trade risk failed these rules: the run is BLOCKED and nothing of it was recorded. */
  z.object({ code: z.literal('pretrade-blocked'), rules: z.array(PreTradeRuleName) }),
  z.object({ code: z.literal('engine-stopped') }),
  z.object({ code: z.literal('no-lease') }),
  z.object({ code: z.literal('broker-not-connected'), status: IbConnectionStatus }),
  /** The account the gateway offers does not fit the mode (IB's reason code, masked account ids). */
  z.object({ code: z.literal('account-problem'), reason: IbReason }),
  z.object({ code: z.literal('not-reconciled') }),
  /** The trading state (the account's or the project's) lets nothing leave. */
  z.object({ code: z.literal('trading-halted') }),
  /** REDUCING: sells leave, buys wait. */
  z.object({ code: z.literal('trading-reducing') }),
  /** Cancels of orders in the way are not final yet: these symbols are ordered once they are. */
  z.object({ code: z.literal('cancels-pending'), count: z.number().int(), symbols: z.array(z.string()) }),
  /** The send could not be recorded (the lease moved on): nothing left. */
  z.object({ code: z.literal('claim-refused') }),
  /** The broker refused the send before anything left; `reason` when the adapter says why. */
  z.object({ code: z.literal('broker-unavailable'), reason: IbReason.optional() }),
  /** The send failed with an unknown outcome: the next reconciliation decides. */
  z.object({ code: z.literal('place-failed') }),
]);
export type StopReason = z.infer<typeof StopReason>;
export type StopReasonCode = StopReason['code'];

/** POST /api/execution/runs: 201 for a new run, 200 when it joined the run of the same key. */
export const ExecuteResponse = z.object({
  run: TradeRun,
  joined: z.boolean(),
  /** Intents recorded by this call. */
  intents: z.number(),
  sent: z.number(),
  /** Why sending stopped before the whole list left (null: it did not stop). */
  stoppedBecause: StopReason.nullable(),
});
export type ExecuteResponse = z.infer<typeof ExecuteResponse>;

export const OkResponse = z.object({ ok: z.literal(true) });
export type OkResponse = z.infer<typeof OkResponse>;
